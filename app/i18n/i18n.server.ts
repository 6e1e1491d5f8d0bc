import { createI18nextMiddleware } from "remix-i18next/middleware";
import { languageCookie } from "../auth/cookies.server";
import { DEFAULT_LANGUAGE, i18nOptions, SUPPORTED_LANGUAGES } from "./config";

// The switcher's cookie wins; otherwise the browser's Accept-Language picks the first supported.
export const [i18nextMiddleware, getLocale, getI18n] = createI18nextMiddleware({
  detection: {
    supportedLanguages: [...SUPPORTED_LANGUAGES],
    fallbackLanguage: DEFAULT_LANGUAGE,
    cookie: languageCookie(),
    order: ["cookie", "header"],
  },
  i18next: i18nOptions,
});
