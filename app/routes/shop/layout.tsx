import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";
import { requireCustomer } from "../../auth/guards.server";
import { LanguageSwitcher } from "../../components/language-switcher";
import { RouteErrorBoundary } from "../../components/route-error";
import { UserMenu } from "../../components/user-menu";
import type { Route } from "./+types/layout";

export const middleware: Route.MiddlewareFunction[] = [
  async ({ request, context }, next) => {
    requireCustomer(request, context);
    return next();
  },
];

export function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  return {
    user: { displayName: viewer.displayName, username: viewer.username },
    customer: { code: viewer.customer.code, name: viewer.customer.name },
  };
}

export default function ShopLayout({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { user, customer } = loaderData;
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="no-print sticky top-0 z-10 border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-2">
          <div className="min-w-0">
            <p className="text-base font-bold text-brand-700">{t("app.storefront")}</p>
            <p className="truncate text-xs text-slate-500" data-testid="company-name">
              {customer.name}
            </p>
          </div>
          <nav aria-label={t("common.menu")} className="ml-4 hidden gap-1 sm:flex">
            <NavLink
              to="/shop"
              end
              className={({ isActive }) =>
                `rounded-md px-3 py-2 text-sm ${isActive ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700"}`
              }
            >
              {t("nav.home")}
            </NavLink>
          </nav>
          <div className="ml-auto flex items-center gap-1">
            <LanguageSwitcher />
            <UserMenu
              displayName={user.displayName}
              username={user.username}
              details={[
                { label: t("shop.customerCode"), value: customer.code },
                { label: t("customers.name"), value: customer.name },
              ]}
            />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
