import { Form, Link, useRouteLoaderData } from "react-router";
import { requirePermission } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, KeysetPager, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Money } from "../../components/money";
import { RouteErrorBoundary } from "../../components/route-error";
import { RowLink } from "../../components/row-link";
import { StatusBadge } from "../../components/status-badge";
import { statusColor } from "../../components/status-colors";
import { getDatabase } from "../../db.server";
import { dayEndUtc, dayStartUtc } from "../../domain/day-range";
import { getEnv } from "../../env.server";
import { RETURN_STATUSES, returnsQuerySchema } from "../../forms/returns-admin-form";
import { pageSizeOf } from "../../http/page-size";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listReturns } from "../../services/returns.server";
import type { Route } from "./+types/returns";
import type { loader as layoutLoader } from "./layout";

/** Calendar days in the deployment's time zone → the ISO instants the service filters on. */
function periodOf(query: { from?: string; to?: string }) {
  const tz = getEnv().APP_TIMEZONE;
  return {
    from: query.from ? dayStartUtc(query.from, tz).toISOString() : undefined,
    to: query.to ? dayEndUtc(query.to, tz).toISOString() : undefined,
  };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "return.view");
  const url = new URL(request.url);
  const query = returnsQuerySchema.parse(Object.fromEntries(url.searchParams));
  const page = await listReturns(
    getDatabase().db,
    { kind: "staff", grant: viewer.grant },
    {
      status: query.status,
      q: query.q,
      ...periodOf(query),
      before: query.cursor,
      limit: pageSizeOf(new URL(request.url).searchParams),
    },
  );
  const exportParams = new URLSearchParams(url.searchParams);
  exportParams.delete("cursor");
  const t = getI18n(context).t;
  return {
    title: `${t("returnsAdmin.list.title")} · ${t("app.name")}`,
    query,
    canCreate: viewer.grant.permissions.has("return.create"),
    canSeeOrders: viewer.grant.permissions.has("order.view"),
    exportQuery: exportParams.toString(),
    ...page,
  };
}

export default function Returns({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { items, nextCursor, query, canCreate, canSeeOrders, exportQuery } = loaderData;
  // The queues this member works, already counted by the console layout.
  const layout = useRouteLoaderData<typeof layoutLoader>("routes/admin/layout");
  const waiting = new Map(
    (layout?.queues ?? []).filter((q) => q.pipeline === "returns").map((q) => [q.status, q.count] as const),
  );
  const tabLink = (status: string | null) => {
    const p = new URLSearchParams();
    if (status) p.set("status", status);
    if (query.q) p.set("q", query.q);
    if (query.from) p.set("from", query.from);
    if (query.to) p.set("to", query.to);
    const s = p.toString();
    return s ? `/admin/returns?${s}` : "/admin/returns";
  };
  const tabClass = (active: boolean) =>
    `inline-flex min-h-9 items-center gap-1.5 whitespace-nowrap rounded-md px-3 text-sm ${
      active
        ? "bg-white font-medium text-slate-900 shadow-sm ring-1 ring-slate-200"
        : "text-slate-600 hover:bg-white/70"
    }`;
  return (
    <>
      <PageHeader title={t("returnsAdmin.list.title")}>
        <div className="flex flex-wrap gap-2">
          <a href={`/admin/returns-export/returns.csv?${exportQuery}`} className={buttonClass("secondary")}>
            {t("returnsAdmin.list.exportCsv")}
          </a>
          <a href={`/admin/returns-export/returns.xlsx?${exportQuery}`} className={buttonClass("secondary")}>
            {t("returnsAdmin.list.exportXlsx")}
          </a>
          <Link to="/admin/returns-report" className={buttonClass("secondary")}>
            {t("returnsAdmin.nav.report")}
          </Link>
          {canCreate ? (
            <Link to="/admin/returns/new" className={buttonClass("primary")}>
              {t("returnsAdmin.list.onBehalf")}
            </Link>
          ) : null}
        </div>
      </PageHeader>
      <nav aria-label={t("returnsAdmin.list.statusTabs")} className="mb-3 overflow-x-auto">
        <ul className="flex w-max gap-1 rounded-lg bg-slate-100 p-1">
          <li>
            <Link
              to={tabLink(null)}
              className={tabClass(!query.status)}
              aria-current={!query.status ? "page" : undefined}
            >
              {t("returnsAdmin.list.allStatuses")}
            </Link>
          </li>
          {RETURN_STATUSES.map((s) => (
            <li key={s}>
              <Link
                to={tabLink(s)}
                className={tabClass(query.status === s)}
                aria-current={query.status === s ? "page" : undefined}
                data-testid={`tab-${s}`}
              >
                <span aria-hidden className={`size-2 rounded-full ${statusColor(s).dot}`} />
                {t(`returns.status.${s}`)}
                {waiting.get(s) ? (
                  <span className="rounded-full bg-slate-200 px-1.5 text-xs tabular-nums text-slate-700">
                    {waiting.get(s)}
                  </span>
                ) : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Form
        method="get"
        role="search"
        className="mb-4 grid grid-cols-2 gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm md:grid-cols-[2fr_1fr_1fr_auto]"
      >
        {query.status ? <input type="hidden" name="status" value={query.status} /> : null}
        <label className="col-span-2 md:col-span-1">
          <span className="block text-xs text-slate-500">{t("returnsAdmin.list.search")}</span>
          <input
            name="q"
            defaultValue={query.q ?? ""}
            placeholder={t("returnsAdmin.list.searchPlaceholder")}
            className="min-h-9 w-full rounded border border-slate-300 px-2"
          />
        </label>
        <label>
          <span className="block text-xs text-slate-500">{t("returnsAdmin.list.from")}</span>
          <input
            type="date"
            name="from"
            defaultValue={query.from ?? ""}
            className="min-h-9 w-full rounded border border-slate-300 px-2"
          />
        </label>
        <label>
          <span className="block text-xs text-slate-500">{t("returnsAdmin.list.to")}</span>
          <input
            type="date"
            name="to"
            defaultValue={query.to ?? ""}
            className="min-h-9 w-full rounded border border-slate-300 px-2"
          />
        </label>
        <div className="col-span-2 flex items-end gap-2 md:col-span-1">
          <button type="submit" className={buttonClass("primary", "min-h-9")}>
            {t("returnsAdmin.list.apply")}
          </button>
          <Link to={tabLink(query.status ?? null).split("?")[0]!} className="text-sm text-slate-600 underline">
            {t("returnsAdmin.list.reset")}
          </Link>
        </div>
      </Form>
      <DataTable caption={t("returnsAdmin.list.title")}>
        <thead className="bg-slate-50">
          <tr>
            <th className={thClass}>{t("returns.number")}</th>
            <th className={thClass}>{t("returns.order")}</th>
            <th className={thClass}>{t("returnsAdmin.columns.customer")}</th>
            <th className={thClass}>{t("returnsAdmin.columns.status")}</th>
            <th className={`${thClass} text-right`}>{t("returnsAdmin.columns.units")}</th>
            <th className={`${thClass} text-right`}>{t("returns.refundTotal")}</th>
            <th className={thClass}>{t("returnsAdmin.columns.created")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((r) => (
            <tr key={r.id} className="hover:bg-slate-50" data-testid="return-row">
              <td className={`${tdClass} font-mono`}>
                <RowLink to={`/admin/returns/${r.number}`} className="link">
                  {r.number}
                </RowLink>
              </td>
              <td className={`${tdClass} font-mono`}>
                {canSeeOrders ? (
                  <RowLink to={`/admin/orders/${r.orderNumber}`} className="hover:underline">
                    {r.orderNumber}
                  </RowLink>
                ) : (
                  r.orderNumber
                )}
              </td>
              <td className={tdClass}>
                {r.customer.name}
                <span className="block font-mono text-xs text-slate-500">{r.customer.code}</span>
              </td>
              <td className={tdClass}>
                <StatusBadge status={r.status} label={t(`returns.status.${r.status}`)} />
              </td>
              <td className={`${tdClass} text-right tabular-nums`}>
                {r.requestedUnits}
                <span className="block text-xs text-slate-500">
                  {t("returnsAdmin.list.lineCount", { n: r.lineCount })}
                </span>
              </td>
              <td className={`${tdClass} text-right`}>
                {r.refundAmount === null ? <span className="text-slate-400">—</span> : <Money fen={r.refundAmount} />}
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>
                <DateTime iso={r.createdAt} />
              </td>
            </tr>
          ))}
          {items.length === 0 ? (
            <tr>
              <td colSpan={7} className="px-3 py-8 text-center text-slate-500">
                {t("returnsAdmin.list.empty")}
              </td>
            </tr>
          ) : null}
        </tbody>
      </DataTable>
      <KeysetPager pageSizes nextCursor={nextCursor} labels={{ first: t("common.first"), next: t("common.next") }} />
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
