import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { data, Form, redirect, useNavigation, useSubmit } from "react-router";
import { authenticator } from "../../auth/authenticator.server";
import { requestInfoContext } from "../../auth/context";
import { sessionCookie } from "../../auth/cookies.server";
import { getViewer, homeOf } from "../../auth/guards.server";
import { type LoginForm, loginSchema } from "../../auth/login-schema";
import { safeRedirectPath } from "../../auth/redirects";
import { Button } from "../../components/button";
import { LanguageSwitcher } from "../../components/language-switcher";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { recordAudit, SYSTEM_ACTOR } from "../../services/audit.server";
import { createSession } from "../../services/sessions.server";
import { clearAccountThrottle, loginRetryAfterSeconds, recordLoginFailure } from "../../services/throttle.server";
import type { Route } from "./+types/login";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

// Carries Retry-After on a throttled attempt.
export function headers({ actionHeaders }: Route.HeadersArgs) {
  return actionHeaders;
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = getViewer(context);
  if (viewer) throw redirect(homeOf(viewer));
  const t = getI18n(context).t;
  return {
    title: `${t("login.title")} · ${t("app.name")}`,
    redirectTo: new URL(request.url).searchParams.get("redirectTo"),
  };
}

type ActionData = {
  values: { username: string };
  fieldErrors?: Partial<Record<"username" | "password", string>>;
  formError?: { key: "login.failed" | "login.throttled"; seconds?: number };
};

export async function action({ request, context }: Route.ActionArgs) {
  const { db } = getDatabase();
  const info = context.get(requestInfoContext);
  const form = Object.fromEntries(await request.clone().formData());
  const username = typeof form.username === "string" ? form.username.trim() : "";
  const values = { username };
  const parsed = loginSchema.safeParse(form);
  if (!parsed.success) {
    const fieldErrors: ActionData["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "username" || field === "password") fieldErrors[field] ??= issue.message;
    }
    return data<ActionData>({ values, fieldErrors }, { status: 400 });
  }

  const keys = { username, ip: info.ip };
  const throttled = (seconds: number) =>
    data<ActionData>(
      { values, formError: { key: "login.throttled", seconds } },
      { status: 429, headers: { "Retry-After": String(seconds) } },
    );
  const wait = await loginRetryAfterSeconds(db, keys, new Date());
  if (wait > 0) return throttled(wait);

  const account = await authenticator.authenticate("form", request);
  const now = new Date();
  if (!account) {
    await recordLoginFailure(db, keys, now);
    await recordAudit(
      db,
      { ...SYSTEM_ACTOR, name: username.slice(0, 64), requestId: info.requestId, ip: info.ip },
      { action: "auth.login_failed", objectType: "account" },
      now,
    );
    const waitNow = await loginRetryAfterSeconds(db, keys, now);
    if (waitNow > 0) return throttled(waitNow);
    return data<ActionData>({ values, formError: { key: "login.failed" } }, { status: 401 });
  }

  await clearAccountThrottle(db, account.username);
  const { token } = await createSession(
    db,
    account,
    { ip: info.ip, userAgent: info.userAgent, requestId: info.requestId },
    now,
  );
  const home = account.kind === "staff" ? "/admin" : "/shop";
  const wanted = safeRedirectPath(parsed.data.redirectTo, home);
  // Only follow redirectTo within the account's own side.
  const target = wanted === home || wanted.startsWith(`${home}/`) || wanted.startsWith(`${home}?`) ? wanted : home;
  return redirect(target, { headers: { "Set-Cookie": await sessionCookie().serialize(token) } });
}

export default function Login({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const submit = useSubmit();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting";
  const {
    register,
    handleSubmit,
    setValue,
    formState: { errors },
  } = useForm<LoginForm>({
    resolver: zodResolver(loginSchema),
    defaultValues: { username: actionData?.values.username ?? "", password: "" },
  });
  // A failed attempt clears the password but keeps the username.
  useEffect(() => {
    if (actionData) setValue("password", "");
  }, [actionData, setValue]);
  const fieldError = (field: "username" | "password") => {
    const key = errors[field]?.message ?? actionData?.fieldErrors?.[field];
    return key ? t(key) : undefined;
  };
  const formError = actionData?.formError;

  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-between">
          <div>
            <p className="text-2xl font-bold text-brand-700">{t("app.name")}</p>
            <p className="text-sm text-slate-500">{t("app.tagline")}</p>
          </div>
          <LanguageSwitcher />
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold">{t("login.heading")}</h1>
          <p className="mt-1 text-sm text-slate-500">{t("login.intro")}</p>
          {formError ? (
            <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {t(formError.key, { seconds: formError.seconds })}
            </p>
          ) : null}
          <Form
            method="post"
            noValidate
            className="mt-4 space-y-4"
            onSubmit={(event) => {
              const formElement = event.currentTarget;
              void handleSubmit(() => submit(formElement))(event);
            }}
          >
            {loaderData.redirectTo ? <input type="hidden" name="redirectTo" value={loaderData.redirectTo} /> : null}
            <TextField
              label={t("login.username")}
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              error={fieldError("username")}
              {...register("username")}
              defaultValue={actionData?.values.username ?? ""}
            />
            <TextField
              label={t("login.password")}
              type="password"
              autoComplete="current-password"
              error={fieldError("password")}
              {...register("password")}
            />
            <Button type="submit" className="w-full" disabled={submitting}>
              {submitting ? t("login.submitting") : t("login.submit")}
            </Button>
          </Form>
        </div>
      </div>
    </main>
  );
}
