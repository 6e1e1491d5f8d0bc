import { Outlet } from "react-router";
import { requireCustomer } from "../../auth/guards.server";
import { LanguageSwitcher } from "../../components/language-switcher";
import { RouteErrorBoundary } from "../../components/route-error";
import { AppNavLink } from "../../components/row-link";
import { UserMenu } from "../../components/user-menu";
import { getDatabase } from "../../db.server";
import { useTranslation } from "../../i18n/use-translation";
import { cartCount } from "../../services/cart.server";
import type { Route } from "./+types/layout";

export const middleware: Route.MiddlewareFunction[] = [
  async ({ request, context }, next) => {
    requireCustomer(request, context);
    return next();
  },
];

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  return {
    user: { displayName: viewer.displayName, username: viewer.username },
    customer: { code: viewer.customer.code, name: viewer.customer.name },
    cartCount: await cartCount(getDatabase().db, viewer.customer.id),
  };
}

// Icon paths (24×24, stroked) drawn inline: no icon font or emoji that a phone may lack.
const ICONS = {
  catalog: "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z",
  quick: "M4 6h16M4 12h16M4 18h10",
  cart: "M3 4h2l2.4 11.2a1 1 0 0 0 1 .8h9.2a1 1 0 0 0 1-.8L20 8H6.2M9 20h.01M17 20h.01",
  orders: "M7 3h10a1 1 0 0 1 1 1v16l-3-2-3 2-3-2-3 2V4a1 1 0 0 1 1-1zM9 8h6M9 12h6",
} as const;

const NAV = [
  { to: "/shop", key: "nav.catalog", end: true, icon: ICONS.catalog },
  { to: "/shop/quick-order", key: "nav.quickOrder", end: false, icon: ICONS.quick },
  { to: "/shop/cart", key: "nav.cart", end: false, icon: ICONS.cart },
  { to: "/shop/orders", key: "nav.orders", end: false, icon: ICONS.orders },
  {
    to: "/shop/funds",
    key: "funds.nav.myFunds",
    end: false,
    icon: "M3 7a2 2 0 0 1 2-2h14a1 1 0 0 1 1 1v3M3 7v11a2 2 0 0 0 2 2h15a1 1 0 0 0 1-1v-3M3 7h17M21 11h-4a2 2 0 0 0 0 4h4z",
  },
  // @nav:shop-funds
  {
    to: "/shop/returns",
    key: "returnsShop.title",
    end: false,
    icon: "M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11",
    // The phone tab bar keeps five thumb-sized tabs; there returns are reached from my orders.
    phoneBar: false,
  },
] as const;

export default function ShopLayout({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { user, customer, cartCount } = loaderData;
  const badge = (to: string) =>
    to === "/shop/cart" && cartCount > 0 ? (
      <span className="ml-1 rounded-full bg-brand-600 px-1.5 text-xs font-semibold text-white" data-testid="cart-count">
        {cartCount}
      </span>
    ) : null;
  return (
    <div className="flex min-h-dvh flex-col pb-16 sm:pb-0">
      <header className="no-print sticky top-0 z-10 border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-2">
          <div className="min-w-0">
            <p className="text-base font-bold text-brand-700">{t("app.storefront")}</p>
            <p className="truncate text-xs text-slate-500" data-testid="company-name">
              {customer.name}
            </p>
          </div>
          <nav aria-label={t("common.menu")} className="ml-4 hidden gap-1 sm:flex">
            {NAV.map((item) => (
              <AppNavLink
                key={item.to}
                to={item.to}
                end={item.end}
                className={({ isActive }) =>
                  `flex items-center rounded-md px-3 py-2 text-sm ${isActive ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100"}`
                }
              >
                {t(item.key)}
                {badge(item.to)}
              </AppNavLink>
            ))}
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
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-4 sm:py-6">
        <Outlet />
      </main>
      {/* Phones: the same destinations as a bottom tab bar, thumb-sized. */}
      <nav
        aria-label={t("common.menu")}
        className="no-print fixed inset-x-0 bottom-0 z-10 grid grid-cols-5 border-t border-slate-200 bg-white sm:hidden"
      >
        {NAV.filter((item) => !("phoneBar" in item) || item.phoneBar).map((item) => (
          <AppNavLink
            key={item.to}
            to={item.to}
            end={item.end}
            className={({ isActive }) =>
              `flex min-h-14 flex-col items-center justify-center text-xs ${isActive ? "font-semibold text-brand-700" : "text-slate-600"}`
            }
          >
            <svg
              aria-hidden
              viewBox="0 0 24 24"
              className="size-5"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.8"
              strokeLinecap="round"
              strokeLinejoin="round"
            >
              <path d={item.icon} />
            </svg>
            <span className="mt-1 flex items-center">
              {t(item.key)}
              {badge(item.to)}
            </span>
          </AppNavLink>
        ))}
      </nav>
    </div>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
