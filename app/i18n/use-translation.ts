import { useContext } from "react";
import { I18nContext, useTranslation as useI18nextTranslation } from "react-i18next";

type Translation = ReturnType<typeof useI18nextTranslation>;
type I18n = Translation["i18n"];
type T = Translation["t"];

const translationByInstance = new WeakMap<I18n, Translation>();

/**
 * Plain lookups (a key, no options) per language: the resources are fixed at build time, so a
 * key always gives the same text. Bounded, in case a key were ever made from data.
 */
const plainTexts = new Map<string, Map<string, string>>();
const PLAIN_TEXTS_PER_LANGUAGE = 5000;

function memoizedT(i18n: I18n): T {
  const fixed = i18n.getFixedT(null, null) as unknown as (...args: unknown[]) => string;
  let texts = plainTexts.get(i18n.language);
  if (!texts) {
    texts = new Map();
    plainTexts.set(i18n.language, texts);
  }
  const cache = texts;
  return ((...args: unknown[]) => {
    if (args.length !== 1 || typeof args[0] !== "string") return fixed(...args);
    const key = args[0];
    let text = cache.get(key);
    if (text === undefined) {
      text = fixed(key);
      if (cache.size < PLAIN_TEXTS_PER_LANGUAGE) cache.set(key, text);
    }
    return text;
  }) as unknown as T;
}

/**
 * react-i18next's `useTranslation`, made cheap on the server. There, every component that calls
 * it copied the whole i18next instance into a wrapper and built a new `t`, and every `t` call
 * walked i18next's resolution: 10–15 % of a page's CPU in issue 9's profiles. A server render is
 * one pass in one fixed language with nothing to subscribe to, so each request's instance gets
 * one translation object shared by every component, and plain lookups are remembered per
 * language. In the browser the original hook runs unchanged (it re-renders on a language switch).
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
