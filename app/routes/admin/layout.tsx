import { Outlet } from "react-router";
import { requireStaff } from "../../auth/guards.server";
import { LanguageSwitcher } from "../../components/language-switcher";
import { RouteErrorBoundary } from "../../components/route-error";
import { AppNavLink } from "../../components/row-link";
import { UserMenu } from "../../components/user-menu";
import { getDatabase } from "../../db.server";
import { useTranslation } from "../../i18n/use-translation";
import { queueCountsFor } from "../../services/queues.server";
import { regionsOf } from "../../services/scope.server";
import type { Route } from "./+types/layout";
import { CONSOLE_NAV } from "./nav";

// Every console route sits under this guard; each loader and action still checks its own permission.
export const middleware: Route.MiddlewareFunction[] = [
  async ({ request, context }, next) => {
    requireStaff(request, context);
    return next();
  },
];

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireStaff(request, context);
  const { grant } = viewer;
  const { db } = getDatabase();
  // The "待我处理" queues this member works, with counts in their regions: read once here for
  // the menu (order queues, under 订单) and the dashboard (all of them).
  const [regions, queues] = await Promise.all([
    grant.regionIds === null ? [] : regionsOf(db, grant),
    queueCountsFor(db, grant),
  ]);
  return {
    queues: queues.map((q) => ({ pipeline: q.pipeline, key: q.step.key, status: q.step.status, count: q.count })),
    user: {
      displayName: viewer.displayName,
      username: viewer.username,
      roles: viewer.roles.map((r) => ({ key: r.key, name: r.name })),
      regions: grant.regionIds === null ? null : regions.map((r) => r.name),
    },
    nav: CONSOLE_NAV.filter((item) => item.permission === null || grant.permissions.has(item.permission)).map(
      ({ to, labelKey }) => ({ to, labelKey }),
    ),
  };
}

export default function ConsoleLayout({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { user, nav } = loaderData;
  // Each pipeline's queues sit under its list in the menu: orders under 订单, returns under 退货单.
  const QUEUE_LISTS = { "/admin/orders": "orders", "/admin/returns": "returns" } as const;
  const queuesUnder = (to: string) => {
    const pipeline = QUEUE_LISTS[to as keyof typeof QUEUE_LISTS];
    return pipeline ? loaderData.queues.filter((q) => q.pipeline === pipeline) : [];
  };
  const roleNames = user.roles.map((r) => (r.key ? t(`roles.${r.key}`) : r.name)).join("、");
  return (
    <div className="flex min-h-dvh">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        {t("common.skipToContent")}
      </a>
      <aside className="no-print hidden w-56 shrink-0 border-r border-slate-200 bg-white md:block">
        <div className="px-5 py-4">
          <p className="text-lg font-bold text-brand-700">{t("app.name")}</p>
          <p className="text-xs text-slate-500">{t("app.console")}</p>
        </div>
        <nav aria-label={t("common.menu")} className="px-2">
          <ul className="space-y-1">
            {nav.map((item) => (
              <li key={item.to}>
                <AppNavLink to={item.to} end={item.to === "/admin" || item.to in QUEUE_LISTS} className="menu-item">
                  {t(item.labelKey)}
                </AppNavLink>
                {queuesUnder(item.to).length ? (
                  <ul className="mb-1 ml-3 border-l border-slate-200 pl-2" aria-label={t("dashboard.queuesHeading")}>
                    {queuesUnder(item.to).map((q) => (
                      <li key={q.key}>
                        <AppNavLink
                          to={`${item.to}?status=${q.status}`}
                          className="menu-queue"
                          data-testid={`nav-queue-${q.key}`}
                        >
                          {t(`steps.${q.pipeline}.${q.key}`)}
                          <span
                            className={`rounded-full px-1.5 tabular-nums ${q.count ? "bg-brand-600 text-white" : "text-slate-400"}`}
                          >
                            {q.count}
                          </span>
                        </AppNavLink>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="no-print flex h-14 items-center justify-between gap-3 border-b border-slate-200 bg-white px-4">
          <nav aria-label={t("common.menu")} className="flex gap-1 overflow-x-auto md:hidden">
            {nav.map((item) => (
              <AppNavLink key={item.to} to={item.to} end={item.to === "/admin"} className="menu-tab">
                {t(item.labelKey)}
              </AppNavLink>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-2">
            <LanguageSwitcher />
            <UserMenu
              displayName={user.displayName}
              username={user.username}
              details={[
                { label: t("common.roles"), value: roleNames || "—" },
                { label: t("common.regions"), value: user.regions ? user.regions.join("、") : t("common.allRegions") },
              ]}
            />
          </div>
        </header>
        <main id="main" className="flex-1 p-4 md:p-6">
          <Outlet />
        </main>
      </div>
    </div>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
