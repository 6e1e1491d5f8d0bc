import { Form, useLocation } from "react-router";
import { SUPPORTED_LANGUAGES } from "../i18n/config";
import { useTranslation } from "../i18n/use-translation";

/** A plain form, so switching works without JavaScript; the choice is kept in a cookie. */
export function LanguageSwitcher({ className = "" }: { className?: string }) {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  return (
    <Form method="post" action="/set-language" className={`flex items-center gap-1 text-sm ${className}`}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <span className="sr-only">{t("language.label")}</span>
      {SUPPORTED_LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="submit"
          name="lng"
          value={lng}
          lang={lng}
          aria-current={i18n.language === lng ? "true" : undefined}
          className={`min-h-9 rounded px-2 ${
            i18n.language === lng ? "bg-slate-200 font-semibold text-slate-900" : "text-slate-600 hover:bg-slate-100"
          }`}
        >
          {t(`language.${lng}`)}
        </button>
      ))}
    </Form>
  );
}
