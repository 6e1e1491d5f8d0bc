import { data, Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import {
  createIntegrationToken,
  listIntegrationTokens,
  revokeIntegrationToken,
  tokenAccountChoices,
} from "../../api/tokens.server";
import { actorOf, requireGlobalPermission } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DataTable, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { SelectField } from "../../components/fields";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import type { Route } from "./+types/api-tokens";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireGlobalPermission(request, context, "settings.staff");
  const { db } = getDatabase();
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const [tokens, accounts] = await Promise.all([listIntegrationTokens(db, actor), tokenAccountChoices(db)]);
  const t = getI18n(context).t;
  return { title: `${t("api.tokens.title")} · ${t("app.name")}`, tokens, accounts, now: new Date().toISOString() };
}

const EXPIRY_CHOICES = ["30", "90", "365", "never"] as const;

const createSchema = z.object({
  intent: z.literal("create"),
  accountId: z.coerce.number().int().positive(),
  name: z.string().trim().max(100),
  expiry: z.enum(EXPIRY_CHOICES),
});
const revokeSchema = z.object({ intent: z.literal("revoke"), tokenId: z.coerce.number().int().positive() });

type ActionData =
  | { kind: "created"; token: string; name: string; account: string }
  | { kind: "revoked" }
  | { kind: "error"; fieldErrors: Record<string, string>; message?: string; values: Record<string, string> };

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requireGlobalPermission(request, context, "settings.staff");
  const { db } = getDatabase();
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const form = Object.fromEntries(
    [...(await request.formData()).entries()].map(([k, v]) => [k, typeof v === "string" ? v : ""]),
  );
  const now = new Date();
  if (form.intent === "revoke") {
    const parsed = revokeSchema.safeParse(form);
    const done = parsed.success && (await revokeIntegrationToken(db, actor, parsed.data.tokenId, now));
    if (!done)
      return data<ActionData>(
        { kind: "error", fieldErrors: {}, message: "api.tokens.errors.not_found", values: {} },
        { status: 404 },
      );
    return data<ActionData>({ kind: "revoked" });
  }
  const values = { accountId: form.accountId ?? "", name: form.name ?? "", expiry: form.expiry ?? "" };
  const parsed = createSchema.safeParse(form);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      fieldErrors[field] ??=
        field === "accountId"
          ? "api.tokens.errors.account_not_found"
          : field === "expiry"
            ? "api.tokens.errors.invalid_expiry"
            : "validation.tooLong";
    }
    return data<ActionData>({ kind: "error", fieldErrors, values }, { status: 400 });
  }
  const input = parsed.data;
  const result = await createIntegrationToken(
    db,
    actor,
    {
      accountId: input.accountId,
      name: input.name,
      expiresInDays: input.expiry === "never" ? null : Number(input.expiry),
    },
    now,
  );
  if (!result.ok) {
    const field =
      result.error === "name_required" ? "name" : result.error === "invalid_expiry" ? "expiry" : "accountId";
    return data<ActionData>(
      { kind: "error", fieldErrors: { [field]: `api.tokens.errors.${result.error}` }, values },
      { status: 422 },
    );
  }
  const account = await db
    .selectFrom("accounts")
    .select("username")
    .where("id", "=", input.accountId)
    .executeTakeFirstOrThrow();
  return data<ActionData>({ kind: "created", token: result.token, name: input.name, account: account.username });
}

export default function ApiTokens({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const { tokens, accounts, now } = loaderData;
  const failed = actionData?.kind === "error" ? actionData : null;
  const values = failed?.values ?? {};
  const fieldError = (field: string) => (failed?.fieldErrors[field] ? t(failed.fieldErrors[field]) : undefined);
  const statusOf = (token: (typeof tokens)[number]) =>
    token.revokedAt
      ? t("api.tokens.revoked")
      : token.expiresAt && token.expiresAt <= now
        ? t("api.tokens.expired")
        : !token.account.active
          ? t("api.tokens.accountDisabled")
          : t("api.tokens.active");
  return (
    <>
      <PageHeader title={t("api.tokens.title")}>
        <Link to="/admin/settings/api" className="text-sm text-brand-700 hover:underline">
          {t("api.nav.reference")}
        </Link>
      </PageHeader>
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t("api.tokens.intro")}</p>

      <div className="space-y-4">
        {actionData?.kind === "created" ? (
          <Notice tone="success">
            <p>{t("api.tokens.created", { name: actionData.name, account: actionData.account })}</p>
            <code
              data-testid="new-token"
              className="mt-2 block break-all rounded bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-emerald-200"
            >
              {actionData.token}
            </code>
            <p className="mt-2">{t("api.tokens.copyHint")}</p>
          </Notice>
        ) : null}
        {actionData?.kind === "revoked" ? <Notice tone="success">{t("api.tokens.revokedDone")}</Notice> : null}
        {failed?.message ? <Notice tone="error">{t(failed.message)}</Notice> : null}

        <Card>
          <h2 className="mb-3 font-semibold">{t("api.tokens.create")}</h2>
          {/* A fresh form after each creation, so a second click does not make a second token. */}
          <Form
            key={actionData?.kind === "created" ? actionData.token.slice(-8) : "new"}
            method="post"
            className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4 lg:items-start"
          >
            <input type="hidden" name="intent" value="create" />
            <SelectField
              label={t("api.tokens.account")}
              name="accountId"
              defaultValue={values.accountId ?? ""}
              error={fieldError("accountId")}
              options={[
                { value: "", label: "—" },
                ...accounts.map((a) => ({ value: String(a.id), label: `${a.username} · ${a.displayName}` })),
              ]}
            />
            <TextField
              label={t("api.tokens.name")}
              name="name"
              maxLength={100}
              placeholder={t("api.tokens.namePlaceholder")}
              defaultValue={values.name ?? ""}
              error={fieldError("name")}
            />
            <SelectField
              label={t("api.tokens.expiry")}
              name="expiry"
              defaultValue={values.expiry || "365"}
              error={fieldError("expiry")}
              options={[
                { value: "30", label: t("api.tokens.days30") },
                { value: "90", label: t("api.tokens.days90") },
                { value: "365", label: t("api.tokens.days365") },
                { value: "never", label: t("api.tokens.never") },
              ]}
            />
            <div className="lg:pt-7">
              <Button type="submit" disabled={busy} className="min-h-11">
                {t("api.tokens.submit")}
              </Button>
            </div>
          </Form>
        </Card>

        <section>
          <h2 className="mb-2 font-semibold">{t("api.tokens.list")}</h2>
          {tokens.length === 0 ? (
            <p className="text-sm text-slate-500">{t("api.tokens.empty")}</p>
          ) : (
            <DataTable caption={t("api.tokens.list")}>
              <thead className="bg-slate-50">
                <tr>
                  <th className={thClass}>{t("api.tokens.name")}</th>
                  <th className={thClass}>{t("api.tokens.account")}</th>
                  <th className={thClass}>{t("api.tokens.prefix")}</th>
                  <th className={thClass}>{t("api.tokens.createdAt")}</th>
                  <th className={thClass}>{t("api.tokens.expiresAt")}</th>
                  <th className={thClass}>{t("api.tokens.lastUsed")}</th>
                  <th className={thClass}>{t("api.tokens.status")}</th>
                  <th className={thClass}>
                    <span className="sr-only">{t("common.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.map((token) => (
                  <tr key={token.id}>
                    <td className={tdClass}>{token.name}</td>
                    <td className={tdClass}>
                      <div>{token.account.username}</div>
                      <div className="text-xs text-slate-500">{token.account.displayName}</div>
                    </td>
                    <td className={`${tdClass} font-mono text-xs`}>{token.prefix}…</td>
                    <td className={tdClass}>
                      <DateTime iso={token.createdAt} />
                      {token.createdBy ? <div className="text-xs text-slate-500">{token.createdBy}</div> : null}
                    </td>
                    <td className={tdClass}>
                      {token.expiresAt ? <DateTime iso={token.expiresAt} /> : t("api.tokens.never")}
                    </td>
                    <td className={tdClass}>
                      {token.lastUsedAt ? (
                        <>
                          <DateTime iso={token.lastUsedAt} />
                          {token.lastUsedIp ? (
                            <div className="font-mono text-xs text-slate-500">{token.lastUsedIp}</div>
                          ) : null}
                        </>
                      ) : (
                        <span className="text-slate-500">{t("api.tokens.neverUsed")}</span>
                      )}
                    </td>
                    <td className={tdClass}>{statusOf(token)}</td>
                    <td className={`${tdClass} text-right`}>
                      {token.revokedAt ? null : (
                        <Form method="post">
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="tokenId" value={token.id} />
                          <Button
                            type="submit"
                            variant="secondary"
                            disabled={busy}
                            aria-label={`${t("api.tokens.revoke")} ${token.name}`}
                          >
                            {t("api.tokens.revoke")}
                          </Button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
        </section>
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
