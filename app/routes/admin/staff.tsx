import { Form, Link } from "react-router";
import { z } from "zod";
import { requireGlobalPermission } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, EmptyRow, KeysetPager, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { RouteErrorBoundary } from "../../components/route-error";
import { RowLink } from "../../components/row-link";
import { ActiveBadge, roleLabel, SettingsTabs } from "../../components/staff-admin-ui";
import { getDatabase } from "../../db.server";
import { pageSizeOf } from "../../http/page-size";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listStaff, staffFormOptions } from "../../services/staff-admin.server";
import type { Route } from "./+types/staff";

// A bad or stale parameter falls back to "no filter" instead of failing the page.
const querySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  role: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number)
    .optional()
    .catch(undefined),
  status: z.enum(["active", "disabled"]).optional().catch(undefined),
  after: z.string().max(400).optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireGlobalPermission(request, context, "settings.staff");
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { db } = getDatabase();
  const [page, options] = await Promise.all([
    listStaff(db, {
      q: query.q,
      roleId: query.role,
      status: query.status,
      after: query.after,
      limit: pageSizeOf(new URL(request.url).searchParams),
    }),
    staffFormOptions(db),
  ]);
  const t = getI18n(context).t;
  return {
    title: `${t("staff.list.title")} · ${t("app.name")}`,
    filters: { q: query.q ?? "", role: query.role ? String(query.role) : "", status: query.status ?? "" },
    roles: options.roles.map((r) => ({ id: r.id, key: r.key, name: r.name })),
    viewerId: viewer.accountId,
    ...page,
  };
}

const filterClass = "min-h-10 rounded-md border border-slate-300 bg-white px-3 text-sm";

export default function StaffList({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { items, filters, roles, nextCursor, viewerId } = loaderData;
  return (
    <>
      <PageHeader title={t("staff.list.title")}>
        <Link to="/admin/settings/staff/new" className={buttonClass("primary")}>
          {t("staff.list.create")}
        </Link>
      </PageHeader>
      <SettingsTabs />
      <Form method="get" className="mb-3 flex flex-wrap items-end gap-2" role="search">
        <label className="sr-only" htmlFor="staff-search">
          {t("common.search")}
        </label>
        <input
          id="staff-search"
          name="q"
          type="search"
          defaultValue={filters.q}
          placeholder={t("staff.list.searchPlaceholder")}
          className={`${filterClass} w-64`}
        />
        <label className="sr-only" htmlFor="staff-role">
          {t("staff.list.columns.roles")}
        </label>
        <select id="staff-role" name="role" defaultValue={filters.role} className={filterClass}>
          <option value="">{t("staff.list.allRoles")}</option>
          {roles.map((r) => (
            <option key={r.id} value={r.id}>
              {roleLabel(t, r)}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="staff-status">
          {t("common.status")}
        </label>
        <select id="staff-status" name="status" defaultValue={filters.status} className={filterClass}>
          <option value="">{t("staff.list.allStatuses")}</option>
          <option value="active">{t("common.active")}</option>
          <option value="disabled">{t("common.disabled")}</option>
        </select>
        <button type="submit" className={buttonClass("secondary")}>
          {t("common.search")}
        </button>
      </Form>
      <DataTable caption={t("staff.list.title")}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={thClass}>
              {t("staff.list.columns.username")}
            </th>
            <th scope="col" className={thClass}>
              {t("staff.list.columns.displayName")}
            </th>
            <th scope="col" className={thClass}>
              {t("staff.list.columns.roles")}
            </th>
            <th scope="col" className={thClass}>
              {t("staff.list.columns.regions")}
            </th>
            <th scope="col" className={thClass}>
              {t("staff.list.columns.status")}
            </th>
            <th scope="col" className={thClass}>
              {t("staff.list.columns.createdAt")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((s) => (
            <tr key={s.id} className="hover:bg-slate-50">
              <td className={`${tdClass} font-mono`}>
                <RowLink to={`/admin/settings/staff/${s.id}`} className="link">
                  {s.username}
                </RowLink>
                {s.id === viewerId ? <span className="text-xs text-slate-500">{t("staff.common.you")}</span> : null}
              </td>
              <td className={tdClass}>{s.displayName}</td>
              <td className={tdClass}>
                {s.roles.length ? (
                  s.roles.map((r) => roleLabel(t, r)).join("、")
                ) : (
                  <span className="text-slate-400">{t("staff.common.noRoles")}</span>
                )}
              </td>
              <td className={tdClass}>{s.regions === null ? t("staff.common.allRegions") : s.regions.join("、")}</td>
              <td className={tdClass}>
                <ActiveBadge active={s.active} />
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>
                <DateTime iso={s.createdAt} dateOnly />
              </td>
            </tr>
          ))}
          {items.length === 0 ? <EmptyRow colSpan={6}>{t("common.noResults")}</EmptyRow> : null}
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
