import { Link, useSearchParams } from "react-router";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { DeliveryBadge, eventLabelKey } from "../../components/webhook-ui";
import { getDatabase } from "../../db.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listEndpoints } from "../../services/webhooks.server";
import type { Route } from "./+types/webhooks";
import { requireWebhookAdmin } from "./webhook-guard.server";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requireWebhookAdmin(request, context);
  const t = getI18n(context).t;
  return {
    title: `${t("webhooks.title")} · ${t("app.name")}`,
    endpoints: await listEndpoints(getDatabase().db, actor),
  };
}

export default function Webhooks({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const { endpoints } = loaderData;
  return (
    <>
      <PageHeader title={t("webhooks.title")}>
        <Link to="/admin/settings/webhooks/new" className={buttonClass("primary")}>
          {t("webhooks.newEndpoint")}
        </Link>
      </PageHeader>
      <p className="-mt-2 mb-4 max-w-3xl text-sm text-slate-600">{t("webhooks.intro")}</p>
      {params.get("deleted") ? (
        <div className="mb-4">
          <Notice tone="success">{t("webhooks.delete.done")}</Notice>
        </div>
      ) : null}
      <DataTable caption={t("webhooks.title")}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={thClass}>
              {t("webhooks.columns.url")}
            </th>
            <th scope="col" className={thClass}>
              {t("webhooks.columns.events")}
            </th>
            <th scope="col" className={thClass}>
              {t("webhooks.columns.status")}
            </th>
            <th scope="col" className={thClass}>
              {t("webhooks.columns.deliveries")}
            </th>
            <th scope="col" className={thClass}>
              {t("webhooks.columns.lastDelivery")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {endpoints.map((e) => (
            <tr key={e.id} className="hover:bg-slate-50" data-testid="webhook-row">
              <td className={`${tdClass} max-w-md`}>
                <Link
                  to={`/admin/settings/webhooks/${e.id}`}
                  className="break-all font-mono text-brand-700 hover:underline"
                >
                  {e.url}
                </Link>
                {e.description ? <span className="block text-xs text-slate-500">{e.description}</span> : null}
              </td>
              <td className={tdClass}>
                <ul className="flex max-w-sm flex-wrap gap-1">
                  {e.events.map((p) => (
                    <li key={p} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700" title={p}>
                      {t(eventLabelKey(p))}
                    </li>
                  ))}
                </ul>
              </td>
              <td className={tdClass}>
                <DeliveryBadge
                  tone={e.active ? "delivered" : "paused"}
                  label={e.active ? t("webhooks.active") : t("webhooks.paused")}
                />
              </td>
              <td className={`${tdClass} whitespace-nowrap text-xs`}>
                <span className={e.counts.failed ? "text-red-700" : "text-slate-600"}>
                  {t("webhooks.counts", e.counts)}
                </span>
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>
                {e.lastDeliveryAt ? <DateTime iso={e.lastDeliveryAt} /> : "—"}
              </td>
            </tr>
          ))}
          {endpoints.length === 0 ? (
            <tr>
              <td colSpan={5} className="px-3 py-8 text-center text-slate-500">
                {t("webhooks.empty")}
              </td>
            </tr>
          ) : null}
        </tbody>
      </DataTable>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
