import i18next from "i18next";
import { StrictMode, startTransition } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { HydratedRouter } from "react-router/dom";
import { DEFAULT_LANGUAGE, i18nOptions } from "./i18n/config";

async function hydrate() {
  // The server rendered in the language it put on <html lang>; start in the same one.
  await i18next.use(initReactI18next).init({ ...i18nOptions, lng: document.documentElement.lang || DEFAULT_LANGUAGE });
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <HydratedRouter />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

void hydrate();
