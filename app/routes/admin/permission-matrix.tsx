import { Fragment } from "react";
import { data, Form, Link, useNavigation } from "react-router";
import { actorOf, requireGlobalPermission } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, thClass } from "../../components/data-table";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { roleLabel, SettingsTabs } from "../../components/staff-admin-ui";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { PERMISSION_AREAS } from "../../domain/permissions";
import { permissionList } from "../../forms/staff-form";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listRoles, type PermissionChange, setRolePermissions } from "../../services/roles.server";
import type { Route } from "./+types/permission-matrix";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  requireGlobalPermission(request, context, "settings.staff");
  const t = getI18n(context).t;
  return {
    title: `${t("staff.matrix.title")} · ${t("app.name")}`,
    roles: await listRoles(getDatabase().db),
  };
}

type ActionData = { ok: true; changed: number } | { ok: false; error: string };

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requireGlobalPermission(request, context, "settings.staff");
  const formData = await request.formData();
  // One column per role the form showed as editable: `role` lists them, `p:<id>` holds its ticks
  // and `v:<id>` the version it was based on. A role the form did not list is left alone.
  const changes: PermissionChange[] = [];
  for (const value of new Set(formData.getAll("role"))) {
    if (typeof value !== "string" || !/^\d{1,12}$/.test(value)) throw data(null, { status: 400 });
    const version = formData.get(`v:${value}`);
    changes.push({
      roleId: Number(value),
      permissions: permissionList.parse(formData.getAll(`p:${value}`)),
      expectedUpdatedAt: typeof version === "string" ? version : undefined,
    });
  }
  if (changes.length > 200) throw data(null, { status: 400 });
  const result = await setRolePermissions(getDatabase().db, actorOf(viewer, context), changes, new Date());
  if (result.ok) return data<ActionData>({ ok: true, changed: result.changedRoleIds.length });
  if (result.error === "not_found") throw data(null, { status: 404 });
  const error = result.error === "stale" ? "staff.matrix.stale" : "staff.roles.errors.adminKeepsAll";
  return data<ActionData>({ ok: false, error }, { status: result.error === "stale" ? 409 : 400 });
}

export default function PermissionMatrix({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { roles } = loaderData;
  const result = actionData as ActionData | undefined;
  // Remount the form whenever any role changes, so the boxes show what is stored.
  const version = roles.map((r) => `${r.id}:${r.updatedAt}`).join("|");
  const saveButton = (
    <Button type="submit" disabled={navigation.state === "submitting"}>
      {t("staff.matrix.save")}
    </Button>
  );
  return (
    <>
      <PageHeader title={t("staff.matrix.title")} />
      <SettingsTabs />
      <p className="mb-3 text-sm text-slate-600">{t("staff.matrix.intro")}</p>
      {result ? (
        <div className="mb-3">
          {result.ok ? (
            <Notice tone="success">
              {result.changed ? t("staff.matrix.saved", { count: result.changed }) : t("staff.matrix.unchanged")}
            </Notice>
          ) : (
            <Notice tone="error">{t(result.error)}</Notice>
          )}
        </div>
      ) : null}
      <Form method="post" key={version}>
        {roles
          .filter((r) => r.key !== "admin")
          .map((r) => (
            <Fragment key={r.id}>
              <input type="hidden" name="role" value={r.id} />
              <input type="hidden" name={`v:${r.id}`} value={r.updatedAt} />
            </Fragment>
          ))}
        <div className="mb-3">{saveButton}</div>
        <DataTable caption={t("staff.matrix.title")}>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={thClass}>
                {t("staff.matrix.permission")}
              </th>
              {roles.map((r) => (
                <th
                  key={r.id}
                  scope="col"
                  className="whitespace-nowrap px-3 py-2 text-center text-xs font-semibold text-slate-600"
                >
                  <Link to={`/admin/settings/roles/${r.id}`} className="text-slate-700 hover:underline">
                    {roleLabel(t, r)}
                  </Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Object.entries(PERMISSION_AREAS).map(([area, keys]) => (
              <Fragment key={area}>
                <tr className="bg-slate-100/70">
                  <th
                    scope="colgroup"
                    colSpan={roles.length + 1}
                    className="px-3 py-1.5 text-left text-xs font-semibold text-slate-700"
                  >
                    {t(`staff.areas.${area}`)}
                  </th>
                </tr>
                {keys.map((key) => (
                  <tr key={key} className="border-t border-slate-100 hover:bg-slate-50">
                    <th scope="row" className="px-3 py-1.5 text-left font-normal" title={t(`staff.hints.${key}`)}>
                      <span className="text-slate-900">{t(`staff.permissions.${key}`)}</span>{" "}
                      <code className="font-mono text-xs text-slate-400">{key}</code>
                    </th>
                    {roles.map((r) => {
                      const admin = r.key === "admin";
                      return (
                        <td key={r.id} className="px-3 py-1.5 text-center">
                          <input
                            type="checkbox"
                            name={admin ? undefined : `p:${r.id}`}
                            value={key}
                            defaultChecked={admin || r.permissions.includes(key)}
                            disabled={admin}
                            title={admin ? t("staff.matrix.adminLocked") : undefined}
                            aria-label={t("staff.matrix.cell", {
                              role: roleLabel(t, r),
                              permission: t(`staff.permissions.${key}`),
                            })}
                            className="size-4 rounded border-slate-300"
                          />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </Fragment>
            ))}
          </tbody>
        </DataTable>
        <p className="mt-2 text-xs text-slate-500">{t("staff.matrix.adminLocked")}</p>
        <div className="mt-3">{saveButton}</div>
      </Form>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
