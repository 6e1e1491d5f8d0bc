import { Link } from "react-router";
import { requireGlobalPermission } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, tdClass, thClass } from "../../components/data-table";
import { RouteErrorBoundary } from "../../components/route-error";
import { RoleTypeBadge, roleLabel, SettingsTabs } from "../../components/staff-admin-ui";
import { getDatabase } from "../../db.server";
import { PERMISSION_AREAS } from "../../domain/permissions";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listRoles } from "../../services/roles.server";
import type { Route } from "./+types/roles";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  requireGlobalPermission(request, context, "settings.staff");
  const t = getI18n(context).t;
  const deleted = new URL(request.url).searchParams.get("deleted");
  return {
    title: `${t("staff.roles.title")} · ${t("app.name")}`,
    roles: await listRoles(getDatabase().db),
    deleted: deleted ? deleted.slice(0, 60) : null,
  };
}

export default function Roles({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { roles, deleted } = loaderData;
  return (
    <>
      <PageHeader title={t("staff.roles.title")}>
        <div className="flex flex-wrap gap-2">
          <Link to="/admin/settings/permissions" className={buttonClass("secondary")}>
            {t("staff.roles.openMatrix")}
          </Link>
          <Link to="/admin/settings/roles/new" className={buttonClass("primary")}>
            {t("staff.roles.create")}
          </Link>
        </div>
      </PageHeader>
      <SettingsTabs />
      {deleted ? (
        <p className="mb-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">
          {t("staff.roles.deleted", { name: deleted })}
        </p>
      ) : null}
      <p className="mb-3 text-sm text-slate-600">{t("staff.roles.intro")}</p>
      <DataTable caption={t("staff.roles.title")}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={thClass}>
              {t("staff.roles.columns.name")}
            </th>
            <th scope="col" className={thClass}>
              {t("staff.roles.columns.type")}
            </th>
            <th scope="col" className={thClass}>
              {t("staff.roles.columns.permissions")}
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              {t("staff.roles.columns.staff")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {roles.map((r) => (
            <tr key={r.id} className="hover:bg-slate-50">
              <td className={`${tdClass} whitespace-nowrap`}>
                <Link to={`/admin/settings/roles/${r.id}`} className="font-medium text-brand-700 hover:underline">
                  {roleLabel(t, r)}
                </Link>
              </td>
              <td className={tdClass}>
                <RoleTypeBadge builtin={r.builtin} />
              </td>
              <td className={tdClass}>
                <span className="mr-2 tabular-nums text-slate-900">
                  {t("staff.roles.permissionCount", { count: r.permissions.length })}
                </span>
                <span className="text-xs text-slate-500">
                  {Object.entries(PERMISSION_AREAS)
                    .map(([area, keys]) => {
                      const held = keys.filter((k) => r.permissions.includes(k)).length;
                      return held ? `${t(`staff.areas.${area}`)} ${held}/${keys.length}` : null;
                    })
                    .filter(Boolean)
                    .join(" · ")}
                </span>
              </td>
              <td className={`${tdClass} text-right tabular-nums`}>
                <Link to={`/admin/settings/staff?role=${r.id}`} className="hover:underline">
                  {r.activeStaff}
                  {r.staff > r.activeStaff ? <span className="text-slate-400"> / {r.staff}</span> : null}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </DataTable>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
