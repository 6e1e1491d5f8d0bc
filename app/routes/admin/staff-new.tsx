import { useState } from "react";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { actorOf, requireGlobalPermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { AccessFields, ActorPasswordField, SettingsTabs } from "../../components/staff-admin-ui";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { type KeptStaffValues, keptStaffValues, newStaffSchema, staffRefusalError } from "../../forms/staff-form";
import { useZodForm } from "../../forms/use-zod-form";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { createStaff, staffFormOptions } from "../../services/staff-admin.server";
import type { Route } from "./+types/staff-new";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  requireGlobalPermission(request, context, "settings.staff");
  const t = getI18n(context).t;
  return {
    title: `${t("staff.list.create")} · ${t("app.name")}`,
    options: await staffFormOptions(getDatabase().db),
  };
}

type ActionData =
  | { ok: true; id: number; username: string; generatedPassword: string }
  | {
      ok: false;
      fieldErrors: Record<string, string>;
      values: KeptStaffValues;
      params?: Record<string, number>;
    };

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requireGlobalPermission(request, context, "settings.staff");
  const formData = await request.formData();
  const values = keptStaffValues(formData);
  const parsed = parseForm(newStaffSchema, formData);
  if (!parsed.ok) return data<ActionData>({ ok: false, fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  const form = parsed.data;
  const result = await createStaff(
    getDatabase().db,
    actorOf(viewer, context),
    {
      username: form.username,
      displayName: form.displayName,
      password: form.passwordMode === "generate" ? null : form.password!,
      roleIds: form.roleIds,
      regionIds: form.regionMode === "all" ? null : form.regionIds,
      actorPassword: form.actorPassword,
    },
    new Date(),
  );
  if (!result.ok) {
    const { field, message } = staffRefusalError(result.error, Boolean(form.actorPassword));
    return data<ActionData>(
      { ok: false, fieldErrors: { [field]: message }, values, params: { seconds: result.retryAfter ?? 0 } },
      { status: result.error === "throttled" ? 429 : 400 },
    );
  }
  // A generated password is shown once, here; a typed one is already known to the person.
  if (result.generatedPassword) {
    return data<ActionData>({
      ok: true,
      id: result.id,
      username: form.username,
      generatedPassword: result.generatedPassword,
    });
  }
  return redirect(`/admin/settings/staff/${result.id}?created=1`);
}

export default function StaffNew({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const result = actionData as ActionData | undefined;
  return (
    <>
      <PageHeader title={t("staff.list.create")}>
        <Link to="/admin/settings/staff" className={buttonClass("ghost")}>
          {t("staff.edit.backToList")}
        </Link>
      </PageHeader>
      <SettingsTabs />
      {result?.ok ? (
        <Card className="max-w-xl space-y-3">
          <Notice tone="success">{t("staff.edit.created", { username: result.username })}</Notice>
          <div className="space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200">
            <p className="text-sm font-medium text-amber-900">{t("staff.edit.generatedPassword")}</p>
            <code
              className="block select-all font-mono text-lg tracking-wider text-slate-900"
              data-testid="generated-password"
            >
              {result.generatedPassword}
            </code>
            <p className="text-xs text-amber-900">{t("staff.edit.generatedNote")}</p>
          </div>
          <Link to={`/admin/settings/staff/${result.id}`} className={buttonClass("primary")}>
            {result.username}
          </Link>
        </Card>
      ) : (
        <NewStaffForm options={loaderData.options} failed={result && !result.ok ? result : null} />
      )}
    </>
  );
}

function NewStaffForm({
  options,
  failed,
}: {
  options: Awaited<ReturnType<typeof loader>>["options"];
  failed: Extract<ActionData, { ok: false }> | null;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const kept = failed?.values;
  const defaults = {
    username: kept?.username ?? "",
    displayName: kept?.displayName ?? "",
    passwordMode: kept?.passwordMode ?? "typed",
    password: "",
    passwordConfirm: "",
    roleIds: kept?.roleIds ?? [],
    regionMode: kept?.regionMode ?? "all",
    regionIds: kept?.regionIds ?? [],
    actorPassword: "",
  };
  const form = useZodForm(newStaffSchema, { defaultValues: defaults, serverErrors: failed?.fieldErrors });
  const [mode, setMode] = useState(defaults.passwordMode);
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key, failed?.params) : undefined;
  };
  return (
    <Card className="max-w-3xl">
      <Form method="post" noValidate onSubmit={form.onSubmit} className="grid gap-4 sm:grid-cols-2">
        {failed?.fieldErrors._form ? (
          <div className="sm:col-span-2">
            <Notice tone="error">{t(failed.fieldErrors._form)}</Notice>
          </div>
        ) : null}
        <TextField
          label={t("staff.form.username")}
          autoComplete="off"
          error={error("username")}
          {...form.field("username")}
        />
        <TextField label={t("staff.form.displayName")} error={error("displayName")} {...form.field("displayName")} />
        <p className="-mt-2 text-xs text-slate-500 sm:col-span-2">{t("staff.form.usernameHint")}</p>
        <fieldset className="sm:col-span-2">
          <legend className="mb-1 text-sm font-medium text-slate-700">{t("staff.form.passwordTitle")}</legend>
          <div className="flex flex-wrap gap-x-6">
            {(["typed", "generate"] as const).map((m) => (
              <label key={m} className="inline-flex min-h-9 items-center gap-2 text-sm text-slate-700">
                <input
                  type="radio"
                  className="size-4 border-slate-300"
                  {...form.radio("passwordMode", m)}
                  onChange={(e) => {
                    void form.register("passwordMode").onChange(e);
                    setMode(m);
                  }}
                />
                {t(m === "typed" ? "staff.form.passwordTyped" : "staff.form.passwordGenerate")}
              </label>
            ))}
          </div>
        </fieldset>
        {mode === "typed" ? (
          <>
            <TextField
              label={t("staff.form.password")}
              type="password"
              autoComplete="new-password"
              error={error("password")}
              {...form.field("password")}
            />
            <TextField
              label={t("staff.form.passwordConfirm")}
              type="password"
              autoComplete="new-password"
              error={error("passwordConfirm")}
              {...form.field("passwordConfirm")}
            />
          </>
        ) : null}
        <AccessFields
          register={form.register as (name: string) => object}
          error={error}
          roles={options.roles}
          regions={options.regions}
          defaults={defaults}
        />
        <ActorPasswordField error={error("actorPassword")} input={form.field("actorPassword")} />
        <div className="sm:col-span-2">
          <Button type="submit" disabled={navigation.state === "submitting"}>
            {t("staff.form.createSubmit")}
          </Button>
        </div>
      </Form>
    </Card>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
