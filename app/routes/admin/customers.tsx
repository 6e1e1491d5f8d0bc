import { Form, Link } from "react-router";
import { z } from "zod";
import { requirePermission } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, EmptyRow, KeysetPager, SortHeader, tdClass, thClass } from "../../components/data-table";
import { RouteErrorBoundary } from "../../components/route-error";
import { RowLink } from "../../components/row-link";
import { getDatabase } from "../../db.server";
import { pageSizeOf } from "../../http/page-size";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { CUSTOMER_SORTS, customerFormOptions, listCustomers } from "../../services/customers.server";
import type { Route } from "./+types/customers";

const id = z
  .string()
  .regex(/^\d{1,12}$/)
  .transform(Number)
  .optional()
  .catch(undefined);

// A bad or stale parameter falls back to "no filter" instead of failing the page.
const querySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  region: id,
  level: id,
  status: z.enum(["active", "disabled"]).optional().catch(undefined),
  sort: z.enum(CUSTOMER_SORTS).optional().catch(undefined),
  after: z.string().max(400).optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "customer.view");
  const url = new URL(request.url);
  const query = querySchema.parse(Object.fromEntries(url.searchParams));
  const { db } = getDatabase();
  const [page, options] = await Promise.all([
    listCustomers(db, viewer.grant, {
      q: query.q,
      regionId: query.region,
      levelId: query.level,
      status: query.status,
      sort: query.sort,
      after: query.after,
      limit: pageSizeOf(new URL(request.url).searchParams),
    }),
    customerFormOptions(db, viewer.grant),
  ]);
  const t = getI18n(context).t;
  return {
    title: `${t("customers.title")} · ${t("app.name")}`,
    filters: {
      q: query.q ?? "",
      region: query.region ? String(query.region) : "",
      level: query.level ? String(query.level) : "",
      status: query.status ?? "",
      sort: query.sort ?? "",
    },
    regions: options.regions,
    levels: options.levels,
    canManage: viewer.grant.permissions.has("customer.manage"),
    ...page,
  };
}

const filterClass = "min-h-10 rounded-md border border-slate-300 bg-white px-3 text-sm";

export default function Customers({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { items, filters, regions, levels, canManage, nextCursor } = loaderData;
  return (
    <>
      <PageHeader title={t("customers.title")}>
        {canManage ? (
          <Link to="/admin/customers/new" className={buttonClass("primary")}>
            {t("customers.create")}
          </Link>
        ) : null}
      </PageHeader>
      <Form method="get" className="mb-3 flex flex-wrap items-end gap-2" role="search">
        {filters.sort ? <input type="hidden" name="sort" value={filters.sort} /> : null}
        <label className="sr-only" htmlFor="customer-search">
          {t("common.search")}
        </label>
        <input
          id="customer-search"
          name="q"
          type="search"
          defaultValue={filters.q}
          placeholder={t("customers.searchPlaceholder")}
          className={`${filterClass} w-64`}
        />
        <label className="sr-only" htmlFor="customer-region">
          {t("customers.region")}
        </label>
        <select id="customer-region" name="region" defaultValue={filters.region} className={filterClass}>
          <option value="">{t("customers.allRegions")}</option>
          {regions.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="customer-level">
          {t("customers.level")}
        </label>
        <select id="customer-level" name="level" defaultValue={filters.level} className={filterClass}>
          <option value="">{t("customers.allLevels")}</option>
          {levels.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="customer-status">
          {t("common.status")}
        </label>
        <select id="customer-status" name="status" defaultValue={filters.status} className={filterClass}>
          <option value="">{t("customers.allStatuses")}</option>
          <option value="active">{t("common.active")}</option>
          <option value="disabled">{t("common.disabled")}</option>
        </select>
        <button type="submit" className={buttonClass("secondary")}>
          {t("common.search")}
        </button>
      </Form>
      <DataTable caption={t("customers.title")}>
        <thead className="bg-slate-50">
          <tr>
            <SortHeader field="code" label={t("customers.code")} defaultSort="code" />
            <SortHeader field="name" label={t("customers.name")} defaultSort="code" />
            <SortHeader field="region" label={t("customers.region")} defaultSort="code" />
            <th scope="col" className={thClass}>
              {t("customers.level")}
            </th>
            <th scope="col" className={thClass}>
              {t("customers.contact")}
            </th>
            <th scope="col" className={thClass}>
              {t("customers.phone")}
            </th>
            <th scope="col" className={thClass}>
              {t("customers.username")}
            </th>
            <th scope="col" className={thClass}>
              {t("common.status")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((c) => (
            <tr key={c.id} className="hover:bg-slate-50">
              <td className={`${tdClass} font-mono`}>
                <RowLink to={`/admin/customers/${c.id}`} className="link">
                  {c.code}
                </RowLink>
              </td>
              <td className={tdClass}>
                <RowLink to={`/admin/customers/${c.id}`} className="hover:underline">
                  {c.name}
                </RowLink>
              </td>
              <td className={tdClass}>{c.regionName}</td>
              <td className={tdClass}>{c.levelName ?? "—"}</td>
              <td className={tdClass}>{c.contactName || "—"}</td>
              <td className={`${tdClass} tabular-nums`}>{c.phone || "—"}</td>
              <td className={`${tdClass} font-mono`}>{c.username}</td>
              <td className={tdClass}>
                {c.active ? (
                  <span className="text-emerald-700">{t("common.active")}</span>
                ) : (
                  <span className="text-slate-500">{t("common.disabled")}</span>
                )}
              </td>
            </tr>
          ))}
          {items.length === 0 ? <EmptyRow colSpan={8}>{t("common.noResults")}</EmptyRow> : null}
        </tbody>
      </DataTable>
      <KeysetPager
        pageSizes
        nextCursor={nextCursor}
        param="after"
        labels={{ first: t("common.first"), next: t("common.next") }}
      />
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
