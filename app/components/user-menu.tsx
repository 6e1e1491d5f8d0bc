import { useEffect, useRef } from "react";
import { Form } from "react-router";
import { useTranslation } from "../i18n/use-translation";

export interface UserMenuProps {
  displayName: string;
  username: string;
  /** Lines under the name: roles for staff, company for customers. */
  details: Array<{ label: string; value: string }>;
}

/** A `<details>` dropdown: it opens without JavaScript, and sign-out is a POST. */
export function UserMenu({ displayName, username, details }: UserMenuProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDetailsElement>(null);
  // With JavaScript, a click elsewhere or Escape closes the menu, as people expect of a dropdown.
  useEffect(() => {
    const close = (event: Event) => {
      const menu = ref.current;
      if (!menu?.open) return;
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !menu.contains(event.target as Node))
        menu.open = false;
    };
    document.addEventListener("click", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("click", close);
      document.removeEventListener("keydown", close);
    };
  }, []);
  return (
    <details ref={ref} className="group relative">
      <summary className="flex min-h-10 cursor-pointer list-none items-center gap-2 rounded-md px-2 text-sm hover:bg-slate-100">
        <span className="flex size-8 items-center justify-center rounded-full bg-brand-100 font-semibold text-brand-700">
          {displayName.slice(0, 1)}
        </span>
        <span className="hidden max-w-40 truncate sm:inline">{displayName}</span>
        <span aria-hidden className="text-slate-400">
          ▾
        </span>
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-64 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-lg">
        <p className="font-medium text-slate-900">{displayName}</p>
        <p className="text-slate-500">
          {t("common.account")}: {username}
        </p>
        <dl className="mt-2 space-y-1">
          {details.map((d) => (
            <div key={d.label}>
              <dt className="text-xs text-slate-500">{d.label}</dt>
              <dd className="text-slate-800">{d.value}</dd>
            </div>
          ))}
        </dl>
        <Form method="post" action="/logout" className="mt-3 border-t border-slate-100 pt-3">
          <button type="submit" className="min-h-10 w-full rounded-md px-2 text-left text-red-700 hover:bg-red-50">
            {t("common.logout")}
          </button>
        </Form>
      </div>
    </details>
  );
}
