import { data, Form, Link, redirect, useNavigation } from "react-router";
import { actorOf, requireGlobalPermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { RouteErrorBoundary } from "../../components/route-error";
import { PermissionChecklist, SettingsTabs } from "../../components/staff-admin-ui";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { isReservedRoleName, newRoleSchema } from "../../forms/staff-form";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { createRole } from "../../services/roles.server";
import type { Route } from "./+types/role-new";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  requireGlobalPermission(request, context, "settings.staff");
  const t = getI18n(context).t;
  return { title: `${t("staff.roles.create")} · ${t("app.name")}` };
}

type ActionData = { fieldErrors: Record<string, string>; values: { name: string; permissions: string[] } };

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requireGlobalPermission(request, context, "settings.staff");
  const formData = await request.formData();
  const values = {
    name: String(formData.get("name") ?? ""),
    permissions: formData.getAll("permissions").map(String),
  };
  const failed = (fieldErrors: Record<string, string>) => data<ActionData>({ fieldErrors, values }, { status: 400 });
  const parsed = parseForm(newRoleSchema, formData);
  if (!parsed.ok) return failed(parsed.fieldErrors);
  if (isReservedRoleName(parsed.data.name)) return failed({ name: "staff.roles.errors.nameTaken" });
  const result = await createRole(getDatabase().db, actorOf(viewer, context), parsed.data, new Date());
  if (!result.ok) return failed({ name: "staff.roles.errors.nameTaken" });
  return redirect(`/admin/settings/roles/${result.id}?created=1`);
}

export default function RoleNew({ actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const failed = actionData as ActionData | undefined;
  const nameError = failed?.fieldErrors.name;
  return (
    <>
      <PageHeader title={t("staff.roles.create")}>
        <Link to="/admin/settings/roles" className={buttonClass("ghost")}>
          {t("staff.roles.backToList")}
        </Link>
      </PageHeader>
      <SettingsTabs />
      <Card>
        <Form method="post" className="space-y-4">
          <TextField
            label={t("staff.roles.name")}
            name="name"
            required
            maxLength={30}
            defaultValue={failed?.values.name ?? ""}
            error={nameError ? t(nameError) : undefined}
            className="max-w-sm"
          />
          <h2 className="text-sm font-semibold text-slate-800">{t("staff.roles.permissionsTitle")}</h2>
          <PermissionChecklist checked={new Set(failed?.values.permissions ?? [])} />
          <Button type="submit" disabled={navigation.state === "submitting"}>
            {t("staff.roles.createSubmit")}
          </Button>
        </Form>
      </Card>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
