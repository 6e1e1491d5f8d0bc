import { useContext } from "react";
import { I18nContext, useTranslation as useI18nextTranslation } from "react-i18next";

type Translation = ReturnType<typeof useI18nextTranslation>;
type I18n = Translation["i18n"];
type T = Translation["t"];

const translationByInstance = new WeakMap<I18n, Translation>();

/**
 * Texts per language, by key and, for a call with options, by the options too: the resources are
 * fixed at build time, so the same key with the same values always gives the same text (a plural
 * by its count, a tag by its default). Bounded, since values come from data: once full, further
 * texts are made each time, as i18next would.
 */
const texts = new Map<string, Map<string, string>>();
const TEXTS_PER_LANGUAGE = 10_000;

/** The cache key of a call whose options are plain values only, else null (never cached). */
function callKey(key: string, options: unknown): string | null {
  if (options === undefined) return key;
  if (options === null || typeof options !== "object" || Array.isArray(options)) return null;
  const entries = Object.entries(options);
  for (const [name, value] of entries) {
    // What changes the lookup itself (language, namespace, objects) is left to i18next.
    if (name === "lng" || name === "ns" || name === "returnObjects" || name === "context") return null;
    const kind = typeof value;
    if (kind !== "string" && kind !== "number" && kind !== "boolean") return null;
  }
  // JSON keeps it unambiguous whatever the values hold (a search term is typed by a person).
  return JSON.stringify([key, entries]);
}

export function memoizedT(i18n: I18n): T {
  const fixed = i18n.getFixedT(null, null) as unknown as (...args: unknown[]) => string;
  let cache = texts.get(i18n.language);
  if (!cache) {
    cache = new Map();
    texts.set(i18n.language, cache);
  }
  const known = cache;
  return ((...args: unknown[]) => {
    const key = args.length <= 2 && typeof args[0] === "string" ? callKey(args[0], args[1]) : null;
    if (key === null) return fixed(...args);
    let text = known.get(key);
    if (text === undefined) {
      text = fixed(...args);
      if (typeof text === "string" && known.size < TEXTS_PER_LANGUAGE) known.set(key, text);
    }
    return text;
  }) as unknown as T;
}

/**
 * react-i18next's `useTranslation`, made cheap on the server. There, every component that calls
 * it copied the whole i18next instance into a wrapper and built a new `t`, and every `t` call
 * walked i18next's resolution: 10–15 % of a page's CPU in issue 9's profiles. A server render is
 * one pass in one fixed language with nothing to subscribe to, so each request's instance gets
 * one translation object shared by every component, and texts are remembered per language. In
 * the browser the original hook runs unchanged (it re-renders on a language switch).
 */
function useServerTranslation(): Translation {
  const i18n = useContext(I18nContext)?.i18n;
  if (!i18n) throw new Error("useTranslation: no I18nextProvider above this component");
  let translation = translationByInstance.get(i18n);
  if (!translation) {
    const t = memoizedT(i18n);
    translation = Object.assign([t, i18n, true] as unknown as Translation, { t, i18n, ready: true });
    translationByInstance.set(i18n, translation);
  }
  return translation;
}

export const useTranslation: () => Translation = import.meta.env.SSR ? useServerTranslation : useI18nextTranslation;
