import type { InitOptions } from "i18next";
import { en } from "./en";
import { zhCN } from "./zh-CN";

export const SUPPORTED_LANGUAGES = ["zh-CN", "en"] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "zh-CN";

export const isLanguage = (value: unknown): value is Language =>
  typeof value === "string" && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);

export const resources = { "zh-CN": { translation: zhCN }, en: { translation: en } } as const;

/** Options shared by the server's per-request instance and the browser's. */
export const i18nOptions: InitOptions = {
  resources,
  supportedLngs: [...SUPPORTED_LANGUAGES],
  fallbackLng: DEFAULT_LANGUAGE,
  defaultNS: "translation",
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
};
