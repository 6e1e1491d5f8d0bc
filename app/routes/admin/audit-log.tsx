import { Form, Link } from "react-router";
import { requireGlobalPermission } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, EmptyRow, KeysetPager, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { RouteErrorBoundary } from "../../components/route-error";
import { SettingsTabs } from "../../components/staff-admin-ui";
import { getDatabase } from "../../db.server";
import { getEnv } from "../../env.server";
import { auditFilterFromUrl } from "../../forms/audit-filter";
import { pageSizeOf } from "../../http/page-size";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { auditVocabulary, listAuditLog } from "../../services/audit-log.server";
import type { Route } from "./+types/audit-log";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  requireGlobalPermission(request, context, "settings.staff");
  const url = new URL(request.url);
  const filter = auditFilterFromUrl(url, getEnv().APP_TIMEZONE);
  const { db } = getDatabase();
  const [page, vocabulary] = await Promise.all([
    listAuditLog(db, {
      ...filter.query,
      beforeId: filter.cursor,
      limit: pageSizeOf(new URL(request.url).searchParams),
    }),
    auditVocabulary(db),
  ]);
  const exportParams = new URLSearchParams(url.searchParams);
  exportParams.delete("cursor");
  const t = getI18n(context).t;
  return {
    title: `${t("staff.audit.title")} · ${t("app.name")}`,
    filters: filter.form,
    vocabulary,
    exportQuery: exportParams.toString(),
    ...page,
  };
}

const filterClass = "min-h-10 rounded-md border border-slate-300 bg-white px-3 text-sm";
const labelClass = "mb-1 block text-xs font-medium text-slate-600";

/** Top-level fields that differ between the before and after JSON, as short text. */
function changedFields(before: string | null, after: string | null): Array<[string, string, string]> {
  const parse = (s: string | null): Record<string, unknown> => {
    if (!s) return {};
    try {
      const v = JSON.parse(s);
      return v && typeof v === "object" && !Array.isArray(v) ? v : { value: v };
    } catch {
      return { value: s };
    }
  };
  const b = parse(before);
  const a = parse(after);
  const show = (v: unknown) => {
    if (v === undefined) return "";
    const text = typeof v === "string" ? v : JSON.stringify(v);
    return text.length > 80 ? `${text.slice(0, 77)}…` : text;
  };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => [k, show(b[k]), show(a[k])] as [string, string, string]);
}

export default function AuditLog({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { items, nextCursor, filters, vocabulary, exportQuery } = loaderData;
  const objectLink = (type: string, id: string | null) => {
    const p = new URLSearchParams({ objectType: type, ...(id ? { objectId: id } : {}) });
    return `?${p.toString()}`;
  };
  return (
    <>
      <PageHeader title={t("staff.audit.title")}>
        <div className="flex flex-wrap gap-2">
          <a href={`/admin/settings/audit-export/audit-log.csv?${exportQuery}`} className={buttonClass("secondary")}>
            {t("staff.audit.exportCsv")}
          </a>
          <a href={`/admin/settings/audit-export/audit-log.xlsx?${exportQuery}`} className={buttonClass("secondary")}>
            {t("staff.audit.exportXlsx")}
          </a>
        </div>
      </PageHeader>
      <SettingsTabs />
      <p className="mb-3 text-sm text-slate-600">{t("staff.audit.intro")}</p>
      <Form method="get" className="mb-3 flex flex-wrap items-end gap-2" role="search">
        <div>
          <label className={labelClass} htmlFor="audit-actor">
            {t("staff.audit.actor")}
          </label>
          <input
            id="audit-actor"
            name="actor"
            defaultValue={filters.actor}
            placeholder={t("staff.audit.actorPlaceholder")}
            className={`${filterClass} w-36`}
          />
        </div>
        <div>
          <label className={labelClass} htmlFor="audit-action">
            {t("staff.audit.action")}
          </label>
          <input
            id="audit-action"
            name="action"
            list="audit-actions"
            defaultValue={filters.action}
            placeholder={t("staff.audit.actionPlaceholder")}
            className={`${filterClass} w-56`}
          />
          <datalist id="audit-actions">
            {vocabulary.actions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div>
          <label className={labelClass} htmlFor="audit-object-type">
            {t("staff.audit.objectType")}
          </label>
          <select id="audit-object-type" name="objectType" defaultValue={filters.objectType} className={filterClass}>
            <option value="">{t("staff.audit.anyObjectType")}</option>
            {vocabulary.objectTypes.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className={labelClass} htmlFor="audit-object-id">
            {t("staff.audit.objectId")}
          </label>
          <input
            id="audit-object-id"
            name="objectId"
            defaultValue={filters.objectId}
            className={`${filterClass} w-28`}
          />
        </div>
        <div>
          <label className={labelClass} htmlFor="audit-from">
            {t("staff.audit.from")}
          </label>
          <input id="audit-from" name="from" type="date" defaultValue={filters.from} className={filterClass} />
        </div>
        <div>
          <label className={labelClass} htmlFor="audit-to">
            {t("staff.audit.to")}
          </label>
          <input id="audit-to" name="to" type="date" defaultValue={filters.to} className={filterClass} />
        </div>
        <button type="submit" className={buttonClass("secondary")}>
          {t("common.filter")}
        </button>
      </Form>
      <DataTable caption={t("staff.audit.title")}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={thClass}>
              {t("staff.audit.columns.at")}
            </th>
            <th scope="col" className={thClass}>
              {t("staff.audit.columns.actor")}
            </th>
            <th scope="col" className={thClass}>
              {t("staff.audit.columns.action")}
            </th>
            <th scope="col" className={thClass}>
              {t("staff.audit.columns.object")}
            </th>
            <th scope="col" className={`${thClass} w-full`}>
              {t("staff.audit.columns.changes")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((row) => {
            const changes = changedFields(row.before, row.after);
            return (
              <tr key={row.id} className="hover:bg-slate-50">
                <td className={`${tdClass} whitespace-nowrap`}>
                  <DateTime iso={row.at} />
                </td>
                <td className={`${tdClass} whitespace-nowrap`}>
                  {row.actorAccountId === null ? (
                    <span className="text-slate-500">
                      {t("staff.audit.system")} · {row.actorName}
                    </span>
                  ) : (
                    <Link
                      to={`?actor=${encodeURIComponent(row.actorName)}`}
                      className="font-mono text-brand-700 hover:underline"
                    >
                      {row.actorName}
                    </Link>
                  )}
                </td>
                <td className={`${tdClass} whitespace-nowrap font-mono text-xs`}>
                  <Link to={`?action=${encodeURIComponent(row.action)}`} className="hover:underline">
                    {row.action}
                  </Link>
                </td>
                <td className={`${tdClass} whitespace-nowrap font-mono text-xs`}>
                  <Link to={objectLink(row.objectType, row.objectId)} className="hover:underline">
                    {row.objectType}
                    {row.objectId ? ` #${row.objectId}` : ""}
                  </Link>
                </td>
                <td className={`${tdClass} min-w-72 text-xs`}>
                  {changes.length ? (
                    <ul className="space-y-0.5">
                      {changes.slice(0, 4).map(([key, b, a]) => (
                        <li key={key} className="[overflow-wrap:anywhere]">
                          <span className="font-mono text-slate-500">{key}</span>{" "}
                          {b ? <span className="text-slate-500 line-through decoration-slate-300">{b}</span> : null}
                          {b && a ? " → " : null}
                          {a ? <span className="text-slate-900">{a}</span> : null}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="text-slate-400">{t("staff.audit.none")}</span>
                  )}
                  {row.before || row.after || row.requestId || row.ip ? (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-brand-700">{t("staff.audit.details")}</summary>
                      <dl className="mt-1 space-y-1">
                        {row.before ? (
                          <>
                            <dt className="font-medium text-slate-600">{t("staff.audit.columns.before")}</dt>
                            <dd>
                              <pre className="max-w-xl overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono">
                                {row.before}
                              </pre>
                            </dd>
                          </>
                        ) : null}
                        {row.after ? (
                          <>
                            <dt className="font-medium text-slate-600">{t("staff.audit.columns.after")}</dt>
                            <dd>
                              <pre className="max-w-xl overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono">
                                {row.after}
                              </pre>
                            </dd>
                          </>
                        ) : null}
                        {row.requestId ? (
                          <>
                            <dt className="font-medium text-slate-600">{t("staff.audit.columns.requestId")}</dt>
                            <dd className="font-mono">{row.requestId}</dd>
                          </>
                        ) : null}
                        {row.ip ? (
                          <>
                            <dt className="font-medium text-slate-600">{t("staff.audit.columns.ip")}</dt>
                            <dd className="font-mono">{row.ip}</dd>
                          </>
                        ) : null}
                      </dl>
                    </details>
                  ) : null}
                </td>
              </tr>
            );
          })}
          {items.length === 0 ? <EmptyRow colSpan={5}>{t("common.noResults")}</EmptyRow> : null}
        </tbody>
      </DataTable>
      <KeysetPager pageSizes nextCursor={nextCursor} labels={{ first: t("common.first"), next: t("common.next") }} />
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
