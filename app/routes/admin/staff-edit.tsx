import { useEffect } from "react";
import { data, Form, Link, useNavigation } from "react-router";
import { actorOf, requireGlobalPermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DateTime } from "../../components/date-time";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { AccessFields, ActiveBadge, ActorPasswordField, SettingsTabs } from "../../components/staff-admin-ui";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import {
  editStaffSchema,
  type KeptStaffValues,
  keptStaffValues,
  resetStaffPasswordSchema,
  rolesChanged,
  staffRefusalError,
} from "../../forms/staff-form";
import { useZodForm } from "../../forms/use-zod-form";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import {
  getStaffAccount,
  resetStaffPassword,
  setStaffActive,
  staffFormOptions,
  updateStaff,
} from "../../services/staff-admin.server";
import type { Route } from "./+types/staff-edit";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

const notFound = () => data(null, { status: 404 });

function accountIdOf(params: { accountId?: string }): number {
  if (!/^\d{1,12}$/.test(params.accountId ?? "")) throw notFound();
  return Number(params.accountId);
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const viewer = requireGlobalPermission(request, context, "settings.staff");
  const { db } = getDatabase();
  const account = await getStaffAccount(db, accountIdOf(params));
  if (!account) throw notFound();
  const t = getI18n(context).t;
  return {
    title: `${account.displayName} · ${t("staff.list.title")} · ${t("app.name")}`,
    account,
    options: await staffFormOptions(db),
    isSelf: account.id === viewer.accountId,
    justCreated: new URL(request.url).searchParams.get("created") === "1",
  };
}

const INTENTS = ["details", "setStatus", "resetPassword", "generatePassword"] as const;
type Intent = (typeof INTENTS)[number];

type ActionData =
  | { intent: Intent; ok: true; notice: string; generatedPassword?: string }
  | {
      intent: Intent;
      ok: false;
      fieldErrors: Record<string, string>;
      values?: KeptStaffValues;
      params?: Record<string, number>;
    };

export async function action({ request, context, params }: Route.ActionArgs) {
  const viewer = requireGlobalPermission(request, context, "settings.staff");
  const accountId = accountIdOf(params);
  const { db } = getDatabase();
  const actor = actorOf(viewer, context);
  const now = new Date();
  const formData = await request.formData();
  const intent = INTENTS.find((i) => i === formData.get("intent"));
  if (!intent) throw data(null, { status: 400 });
  const ok = (notice: string, generatedPassword?: string) =>
    data<ActionData>({ intent, ok: true, notice, generatedPassword });
  const refused = (
    result: { error: string; retryAfter?: number },
    actorPasswordTyped: boolean,
    values?: KeptStaffValues,
  ) => {
    if (result.error === "not_found") throw notFound();
    const { field, message } = staffRefusalError(result.error, actorPasswordTyped);
    return data<ActionData>(
      { intent, ok: false, fieldErrors: { [field]: message }, values, params: { seconds: result.retryAfter ?? 0 } },
      { status: result.error === "throttled" ? 429 : result.error === "last_admin" ? 409 : 400 },
    );
  };

  switch (intent) {
    case "details": {
      const values = keptStaffValues(formData);
      const parsed = parseForm(editStaffSchema, formData);
      if (!parsed.ok) {
        return data<ActionData>({ intent, ok: false, fieldErrors: parsed.fieldErrors, values }, { status: 400 });
      }
      const form = parsed.data;
      const result = await updateStaff(
        db,
        actor,
        accountId,
        {
          displayName: form.displayName,
          roleIds: rolesChanged(form) ? form.roleIds : undefined,
          regionIds: form.regionMode === "all" ? null : form.regionIds,
          actorPassword: form.actorPassword,
        },
        now,
      );
      if (!result.ok) return refused(result, Boolean(form.actorPassword), values);
      return ok(result.changed ? "staff.edit.saved" : "staff.edit.unchanged");
    }
    case "setStatus": {
      const active = formData.get("active") === "1";
      const result = await setStaffActive(db, actor, accountId, active, now);
      if (!result.ok) return refused(result, false);
      return ok(active ? "staff.edit.enabled" : "staff.edit.disabled");
    }
    case "resetPassword": {
      const parsed = parseForm(resetStaffPasswordSchema, formData);
      if (!parsed.ok) return data<ActionData>({ intent, ok: false, fieldErrors: parsed.fieldErrors }, { status: 400 });
      const result = await resetStaffPassword(
        db,
        actor,
        { accountId, password: parsed.data.password, keepSessionId: viewer.sessionId },
        now,
      );
      if (!result.ok) return refused(result, false);
      return ok("staff.edit.passwordReset");
    }
    case "generatePassword": {
      const result = await resetStaffPassword(
        db,
        actor,
        { accountId, password: null, keepSessionId: viewer.sessionId },
        now,
      );
      if (!result.ok) return refused(result, false);
      return ok("staff.edit.passwordReset", result.generatedPassword ?? undefined);
    }
  }
}

const sectionTitle = "mb-3 text-base font-semibold text-slate-900";

export default function StaffEdit({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const { account, options, isSelf, justCreated } = loaderData;
  const result = actionData as ActionData | undefined;
  const failedFor = (intent: Intent) => (result && !result.ok && result.intent === intent ? result : null);
  const statusFailed = failedFor("setStatus");

  return (
    <>
      <PageHeader title={account.displayName}>
        <Link to="/admin/settings/staff" className={buttonClass("ghost")}>
          {t("staff.edit.backToList")}
        </Link>
      </PageHeader>
      <SettingsTabs />
      <p className="-mt-1 mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-600">
        <span className="font-mono">{account.username}</span>
        {isSelf ? <span className="text-xs">{t("staff.common.you")}</span> : null}
        <ActiveBadge active={account.active} />
        <span>
          {t("staff.edit.createdAt")} <DateTime iso={account.createdAt} />
        </span>
        <span>{t("staff.edit.sessions", { count: account.sessions })}</span>
        <Link to={`/admin/settings/audit?objectType=account&objectId=${account.id}`} className="link">
          {t("staff.edit.viewAudit")}
        </Link>
      </p>
      <div className="mb-4 space-y-2">
        {justCreated && !result ? (
          <Notice tone="success">{t("staff.edit.created", { username: account.username })}</Notice>
        ) : null}
        {result?.ok ? <Notice tone="success">{t(result.notice)}</Notice> : null}
      </div>
      <div className="grid gap-4 xl:grid-cols-3">
        <div className="xl:col-span-2">
          <DetailsCard key={account.updatedAt} account={account} options={options} failed={failedFor("details")} />
        </div>
        <div className="space-y-4">
          <Card>
            <h2 className={sectionTitle}>{t("staff.edit.sections.status")}</h2>
            <p className="text-sm text-slate-600">
              {t(account.active ? "staff.edit.activeNote" : "staff.edit.disabledNote")}
            </p>
            {statusFailed ? (
              <div className="mt-3">
                <Notice tone="error">{t(Object.values(statusFailed.fieldErrors)[0] ?? "")}</Notice>
              </div>
            ) : null}
            {isSelf && account.active ? null : (
              <Form method="post" className="mt-3">
                <input type="hidden" name="intent" value="setStatus" />
                <input type="hidden" name="active" value={account.active ? "0" : "1"} />
                <Button type="submit" variant={account.active ? "danger" : "primary"}>
                  {t(account.active ? "staff.edit.disable" : "staff.edit.enable")}
                </Button>
              </Form>
            )}
          </Card>
          <PasswordCard
            username={account.username}
            failed={failedFor("resetPassword")}
            done={result?.ok && result.intent === "resetPassword" ? result : null}
            generatedPassword={result?.ok ? result.generatedPassword : undefined}
          />
        </div>
      </div>
    </>
  );
}

function DetailsCard({
  account,
  options,
  failed,
}: {
  account: { displayName: string; roleIds: number[]; regionIds: number[] | null };
  options: Awaited<ReturnType<typeof loader>>["options"];
  failed: Extract<ActionData, { ok: false }> | null;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const kept = failed?.values;
  const defaults = {
    displayName: kept?.displayName ?? account.displayName,
    roleIds: kept?.roleIds ?? account.roleIds.map(String),
    rolesBase: account.roleIds.join(","),
    regionMode: kept?.regionMode ?? (account.regionIds === null ? "all" : "limited"),
    regionIds: kept?.regionIds ?? (account.regionIds ?? []).map(String),
    actorPassword: "",
  } as const;
  const form = useZodForm(editStaffSchema, { defaultValues: defaults, serverErrors: failed?.fieldErrors });
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key, failed?.params) : undefined;
  };
  return (
    <Card>
      <h2 className={sectionTitle}>{t("staff.edit.sections.details")}</h2>
      <Form method="post" noValidate onSubmit={form.onSubmit} className="grid gap-4 sm:grid-cols-2">
        <input type="hidden" name="intent" value="details" />
        <input type="hidden" name="rolesBase" value={defaults.rolesBase} />
        <TextField label={t("staff.form.displayName")} error={error("displayName")} {...form.field("displayName")} />
        <div className="hidden sm:block" />
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
            {t("staff.form.save")}
          </Button>
        </div>
      </Form>
    </Card>
  );
}

function PasswordCard({
  username,
  failed,
  done,
  generatedPassword,
}: {
  username: string;
  failed: Extract<ActionData, { ok: false }> | null;
  done: object | null;
  generatedPassword?: string;
}) {
  const { t } = useTranslation();
  const form = useZodForm(resetStaffPasswordSchema, {
    defaultValues: { password: "", passwordConfirm: "" },
    serverErrors: failed?.fieldErrors,
  });
  const { reset } = form;
  // Once a typed password is set, empty the fields so it does not linger on screen.
  useEffect(() => {
    if (done) reset();
  }, [done, reset]);
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  return (
    <Card>
      <h2 className={sectionTitle}>{t("staff.edit.sections.password")}</h2>
      {generatedPassword ? (
        <div className="mb-3 space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200">
          <p className="text-sm font-medium text-amber-900">{t("staff.edit.generatedPassword")}</p>
          <code
            className="block select-all font-mono text-lg tracking-wider text-slate-900"
            data-testid="generated-password"
          >
            {generatedPassword}
          </code>
          <p className="text-xs text-amber-900">{t("staff.edit.generatedNote")}</p>
        </div>
      ) : null}
      <p className="text-xs text-slate-500">{t("staff.edit.resetNote")}</p>
      <Form method="post" noValidate onSubmit={form.onSubmit} className="mt-3 space-y-3">
        <input type="hidden" name="intent" value="resetPassword" />
        {/* Lets password managers file the new password under the right account. */}
        <input type="hidden" name="username" value={username} autoComplete="username" />
        <TextField
          label={t("staff.edit.newPassword")}
          type="password"
          autoComplete="new-password"
          error={error("password")}
          {...form.field("password")}
        />
        <TextField
          label={t("staff.edit.confirmPassword")}
          type="password"
          autoComplete="new-password"
          error={error("passwordConfirm")}
          {...form.field("passwordConfirm")}
        />
        <Button type="submit" variant="secondary" className="w-full">
          {t("staff.edit.resetSubmit")}
        </Button>
      </Form>
      <Form method="post" className="mt-2">
        <input type="hidden" name="intent" value="generatePassword" />
        <Button type="submit" variant="ghost" className="w-full">
          {t("staff.edit.generateSubmit")}
        </Button>
      </Form>
    </Card>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
