import { useRouteLoaderData } from "react-router";
import { requireStaff } from "../../auth/guards.server";
import { Card, PageHeader } from "../../components/card";
import { RouteErrorBoundary } from "../../components/route-error";
import { AppLink } from "../../components/row-link";
import { statusColor } from "../../components/status-colors";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import type { Route } from "./+types/dashboard";
import type { loader as layoutLoader } from "./layout";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireStaff(request, context);
  const t = getI18n(context).t;
  return { title: `${t("dashboard.title")} · ${t("app.name")}`, displayName: viewer.displayName };
}

export default function Dashboard({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  // The console layout already read the queue counts; no second query for the dashboard.
  const { queues } = useRouteLoaderData<typeof layoutLoader>("routes/admin/layout")!;
  const groups = (["orders", "returns"] as const)
    .map((pipeline) => ({ pipeline, steps: queues.filter((q) => q.pipeline === pipeline) }))
    .filter((g) => g.steps.length > 0);
  return (
    <>
      <PageHeader title={t("dashboard.greeting", { name: loaderData.displayName })} />
      <h2 className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">
        {t("dashboard.queuesHeading")}
      </h2>
      {groups.length === 0 ? <Card>{t("dashboard.queuesEmpty")}</Card> : null}
      {groups.map((group) => (
        <section key={group.pipeline} className="mb-6" aria-labelledby={`pipeline-${group.pipeline}`}>
          <h3 id={`pipeline-${group.pipeline}`} className="mb-2 text-base font-medium text-slate-800">
            {t(group.pipeline === "orders" ? "dashboard.ordersPipeline" : "dashboard.returnsPipeline")}
          </h3>
          <ul className="grid grid-cols-2 gap-3 lg:grid-cols-5">
            {group.steps.map((q) => (
              <li key={q.key} data-testid={`queue-${q.key}`}>
                <Card className="h-full transition-colors hover:border-brand-500">
                  <p className="flex items-center gap-2 text-sm text-slate-600">
                    <span aria-hidden className={`size-2.5 rounded-full ${statusColor(q.status).dot}`} />
                    {t(`steps.${group.pipeline}.${q.key}`)}
                  </p>
                  <AppLink
                    to={`/admin/${group.pipeline}?status=${q.status}`}
                    className="mt-2 block text-3xl font-semibold tabular-nums text-slate-900 hover:text-brand-700"
                  >
                    {q.count}
                  </AppLink>
                  <p className="text-xs text-slate-500">{t("dashboard.waiting")}</p>
                </Card>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
