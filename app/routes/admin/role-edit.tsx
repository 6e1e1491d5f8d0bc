import { data, Form, Link, redirect, useNavigation } from "react-router";
import { actorOf, requireGlobalPermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { SelectField } from "../../components/fields";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import {
  ActiveBadge,
  PermissionChecklist,
  RoleTypeBadge,
  roleLabel,
  SettingsTabs,
} from "../../components/staff-admin-ui";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { deleteRoleSchema, isReservedRoleName, permissionList, roleNameSchema } from "../../forms/staff-form";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { deleteRole, getRole, listRoles, renameRole, setRolePermissions } from "../../services/roles.server";
import type { Route } from "./+types/role-edit";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

const notFound = () => data(null, { status: 404 });

function roleIdOf(params: { roleId?: string }): number {
  if (!/^\d{1,12}$/.test(params.roleId ?? "")) throw notFound();
  return Number(params.roleId);
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  requireGlobalPermission(request, context, "settings.staff");
  const { db } = getDatabase();
  const role = await getRole(db, roleIdOf(params));
  if (!role) throw notFound();
  const others = (await listRoles(db)).filter((r) => r.id !== role.id).map(({ id, key, name }) => ({ id, key, name }));
  const t = getI18n(context).t;
  return {
    title: `${roleLabel(t, role)} · ${t("staff.roles.title")} · ${t("app.name")}`,
    role,
    others,
    justCreated: new URL(request.url).searchParams.get("created") === "1",
  };
}

const INTENTS = ["rename", "permissions", "delete"] as const;
type Intent = (typeof INTENTS)[number];

type ActionData =
  | { intent: Intent; ok: true; notice: string }
  | {
      intent: Intent;
      ok: false;
      fieldErrors: Record<string, string>;
      values: Record<string, string>;
      params?: Record<string, number>;
    };

const ROLE_ERRORS: Record<string, { field: string; message: string }> = {
  name_taken: { field: "name", message: "staff.roles.errors.nameTaken" },
  builtin: { field: "_form", message: "staff.roles.builtinName" },
  admin_keeps_all: { field: "permissions", message: "staff.roles.errors.adminKeepsAll" },
  stale: { field: "permissions", message: "staff.roles.errors.stale" },
  bad_target: { field: "moveTo", message: "staff.roles.errors.badTarget" },
  assigned: { field: "moveTo", message: "staff.roles.errors.assigned" },
  wrong_password: { field: "actorPassword", message: "staff.errors.wrongPassword" },
  throttled: { field: "actorPassword", message: "staff.errors.throttled" },
};

export async function action({ request, context, params }: Route.ActionArgs) {
  const viewer = requireGlobalPermission(request, context, "settings.staff");
  const roleId = roleIdOf(params);
  const { db } = getDatabase();
  const actor = actorOf(viewer, context);
  const now = new Date();
  const formData = await request.formData();
  const intent = INTENTS.find((i) => i === formData.get("intent"));
  if (!intent) throw data(null, { status: 400 });
  const values: Record<string, string> = {
    name: String(formData.get("name") ?? ""),
    moveTo: String(formData.get("moveTo") ?? ""),
  };
  const failed = (fieldErrors: Record<string, string>, status = 400, extra: Record<string, number> = {}) =>
    data<ActionData>({ intent, ok: false, fieldErrors, values, params: extra }, { status });
  const refused = (result: { error: string; count?: number; retryAfter?: number }) => {
    if (result.error === "not_found") throw notFound();
    let { field, message } = ROLE_ERRORS[result.error] ?? { field: "_form", message: "errors.unexpectedTitle" };
    if (result.error === "builtin" && intent === "delete") message = "staff.roles.builtinDelete";
    if (result.error === "wrong_password" && !formData.get("actorPassword")) {
      message = "staff.errors.actorPasswordRequired";
    }
    const status = result.error === "stale" || result.error === "assigned" ? 409 : 400;
    return failed({ [field]: message }, status, { count: result.count ?? 0, seconds: result.retryAfter ?? 0 });
  };

  switch (intent) {
    case "rename": {
      const parsed = parseForm(roleNameSchema, formData);
      if (!parsed.ok) return failed(parsed.fieldErrors);
      if (isReservedRoleName(parsed.data.name)) return failed({ name: "staff.roles.errors.nameTaken" });
      const result = await renameRole(db, actor, roleId, parsed.data.name, now);
      if (!result.ok) return refused(result);
      return data<ActionData>({ intent, ok: true, notice: "staff.roles.renamed" });
    }
    case "permissions": {
      const permissions = permissionList.parse(formData.getAll("permissions"));
      const version = formData.get("version");
      const result = await setRolePermissions(
        db,
        actor,
        [{ roleId, permissions, expectedUpdatedAt: typeof version === "string" ? version : undefined }],
        now,
      );
      if (!result.ok) return refused(result);
      return data<ActionData>({
        intent,
        ok: true,
        notice: result.changedRoleIds.length ? "staff.roles.permissionsSaved" : "staff.roles.permissionsUnchanged",
      });
    }
    case "delete": {
      const parsed = parseForm(deleteRoleSchema, formData);
      if (!parsed.ok) return failed(parsed.fieldErrors);
      const role = await getRole(db, roleId);
      if (!role) throw notFound();
      const result = await deleteRole(
        db,
        actor,
        roleId,
        { moveToRoleId: parsed.data.moveTo, actorPassword: parsed.data.actorPassword },
        now,
      );
      if (!result.ok) return refused(result);
      return redirect(`/admin/settings/roles?deleted=${encodeURIComponent(role.name)}`);
    }
  }
}

const sectionTitle = "mb-3 text-base font-semibold text-slate-900";

export default function RoleEdit({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { role, others, justCreated } = loaderData;
  const result = actionData as ActionData | undefined;
  const failedFor = (intent: Intent) => (result && !result.ok && result.intent === intent ? result : null);
  const errorOf = (intent: Intent, field: string) => {
    const f = failedFor(intent);
    const key = f?.fieldErrors[field];
    return key ? t(key, f?.params) : undefined;
  };
  const isAdmin = role.key === "admin";
  const label = roleLabel(t, role);
  const deleteFailed = failedFor("delete");

  return (
    <>
      <PageHeader title={label}>
        <Link to="/admin/settings/roles" className={buttonClass("ghost")}>
          {t("staff.roles.backToList")}
        </Link>
      </PageHeader>
      <SettingsTabs />
      <p className="-mt-1 mb-4 flex flex-wrap items-center gap-3 text-sm text-slate-600">
        <RoleTypeBadge builtin={role.builtin} />
        <span>{t("staff.roles.permissionCount", { count: role.permissions.length })}</span>
        <span>{t("staff.common.count", { count: role.activeStaff })}</span>
      </p>
      <div className="mb-4 space-y-2">
        {justCreated && !result ? <Notice tone="success">{t("staff.roles.created", { name: label })}</Notice> : null}
        {result?.ok ? <Notice tone="success">{t(result.notice)}</Notice> : null}
      </div>
      <div className="grid gap-4 xl:grid-cols-3">
        <div className="space-y-4 xl:col-span-2">
          <Card>
            <h2 className={sectionTitle}>{t("staff.roles.permissionsTitle")}</h2>
            {isAdmin ? (
              <>
                <div className="mb-3">
                  <Notice>{t("staff.roles.adminAll")}</Notice>
                </div>
                <PermissionChecklist checked={new Set(role.permissions)} locked />
              </>
            ) : (
              // Remounted after each save, so the boxes show what was stored.
              <Form method="post" key={role.updatedAt} className="space-y-3">
                <input type="hidden" name="intent" value="permissions" />
                <input type="hidden" name="version" value={role.updatedAt} />
                {errorOf("permissions", "permissions") ? (
                  <Notice tone="error">{errorOf("permissions", "permissions")}</Notice>
                ) : null}
                <PermissionChecklist checked={new Set(role.permissions)} />
                <Button type="submit" disabled={navigation.state === "submitting"}>
                  {t("staff.roles.savePermissions")}
                </Button>
              </Form>
            )}
          </Card>
        </div>
        <div className="space-y-4">
          <Card>
            <h2 className={sectionTitle}>{t("staff.roles.name")}</h2>
            {role.builtin ? (
              <p className="text-sm text-slate-600">{t("staff.roles.builtinName")}</p>
            ) : (
              <Form method="post" className="space-y-3" key={`name-${role.name}`}>
                <input type="hidden" name="intent" value="rename" />
                <TextField
                  label={t("staff.roles.name")}
                  name="name"
                  required
                  maxLength={30}
                  defaultValue={failedFor("rename")?.values.name ?? role.name}
                  error={errorOf("rename", "name")}
                />
                <Button type="submit" variant="secondary">
                  {t("staff.roles.rename")}
                </Button>
              </Form>
            )}
          </Card>
          <Card>
            <h2 className={sectionTitle}>{t("staff.roles.holders", { count: role.staff })}</h2>
            {role.holders.length ? (
              <ul className="divide-y divide-slate-100 text-sm">
                {role.holders.map((h) => (
                  <li key={h.id} className="flex items-center justify-between gap-2 py-1.5">
                    <Link to={`/admin/settings/staff/${h.id}`} className="link">
                      {h.displayName} <span className="font-mono text-xs text-slate-500">{h.username}</span>
                    </Link>
                    <ActiveBadge active={h.active} />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500">{t("staff.roles.noHolders")}</p>
            )}
          </Card>
          {role.builtin ? null : (
            <Card>
              <h2 className={sectionTitle}>{t("staff.roles.deleteTitle")}</h2>
              <Form method="post" className="space-y-3">
                <input type="hidden" name="intent" value="delete" />
                {role.staff > 0 ? (
                  <>
                    <Notice tone="warning">{t("staff.roles.deleteAssigned", { count: role.staff })}</Notice>
                    <SelectField
                      label={t("staff.roles.moveTo")}
                      name="moveTo"
                      defaultValue={deleteFailed?.values.moveTo ?? ""}
                      error={errorOf("delete", "moveTo")}
                      options={[
                        { value: "", label: t("staff.roles.chooseRole") },
                        ...others.map((r) => ({ value: String(r.id), label: roleLabel(t, r) })),
                      ]}
                    />
                    <TextField
                      label={t("staff.form.actorPassword")}
                      name="actorPassword"
                      type="password"
                      autoComplete="current-password"
                      error={errorOf("delete", "actorPassword")}
                    />
                  </>
                ) : (
                  <p className="text-sm text-slate-600">{t("staff.roles.deleteNote")}</p>
                )}
                {errorOf("delete", "_form") ? <Notice tone="error">{errorOf("delete", "_form")}</Notice> : null}
                <Button type="submit" variant="danger">
                  {t(role.staff > 0 ? "staff.roles.moveAndDeleteSubmit" : "staff.roles.deleteSubmit")}
                </Button>
              </Form>
            </Card>
          )}
        </div>
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
