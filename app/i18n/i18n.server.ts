import { createInstance, type i18n } from "i18next";
import { createContext, type MiddlewareFunction, type RouterContextProvider } from "react-router";
import { LanguageDetector } from "remix-i18next/server";
import { languageCookie } from "../auth/cookies.server";
import { DEFAULT_LANGUAGE, i18nOptions, type Language, SUPPORTED_LANGUAGES } from "./config";

// The switcher's cookie wins; otherwise the browser's Accept-Language picks the first supported.
const detector = new LanguageDetector({
  supportedLanguages: [...SUPPORTED_LANGUAGES],
  fallbackLanguage: DEFAULT_LANGUAGE,
  cookie: languageCookie(),
  order: ["cookie", "header"],
});

const localeContext = createContext<string>(DEFAULT_LANGUAGE);
const i18nContext = createContext<i18n>();

/**
 * One initialised i18next instance per language, shared by every request in it. The server
 * only reads translations (nothing calls changeLanguage or adds resources there), so building
 * and initialising an instance per request — as remix-i18next's middleware does — cost 3–4 % of
 * every page's CPU for nothing (issue 9's profiles).
 */
const instances = new Map<string, Promise<i18n>>();
function instanceFor(lng: string): Promise<i18n> {
  let instance = instances.get(lng);
  if (!instance) {
    const created = createInstance(i18nOptions);
    instance = created.init({ lng }).then(() => created);
    instances.set(lng, instance);
  }
  return instance;
}

export const i18nextMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  const lng = (await detector.detect(request)) as Language;
  context.set(localeContext, lng);
  context.set(i18nContext, await instanceFor(lng));
  return next();
};

export const getLocale = (context: Readonly<RouterContextProvider>) => context.get(localeContext);
export const getI18n = (context: Readonly<RouterContextProvider>) => context.get(i18nContext);
