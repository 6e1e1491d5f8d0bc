import { data, Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, EmptyRow, KeysetPager, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { type FundsRefusal, REPORT_BADGE, RefusalNotice, useFundsFormat } from "../../components/funds-ui";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { RowLink } from "../../components/row-link";
import { StatusBadge } from "../../components/status-badge";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { confirmReportSchema, rejectReportSchema } from "../../forms/funds-form";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { confirmPaymentReport, listPaymentReports, rejectPaymentReport } from "../../services/funds.server";
import type { Route } from "./+types/funds-reports";

const STATUSES = ["pending", "confirmed", "rejected"] as const;

const querySchema = z.object({
  // No parameter: the queue of reports to confirm; `all` shows every status.
  status: z
    .enum([...STATUSES, "all"])
    .optional()
    .catch(undefined),
  customer: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number)
    .optional()
    .catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "funds.view");
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const status = query.status ?? "pending";
  const page = await listPaymentReports(
    getDatabase().db,
    { kind: "staff", grant: viewer.grant },
    {
      status: status === "all" ? undefined : status,
      customerId: query.customer,
      after: query.after,
      limit: 30,
    },
  );
  const t = getI18n(context).t;
  return {
    title: `${t("funds.reports.title")} · ${t("app.name")}`,
    status,
    customer: query.customer ?? null,
    canManage: viewer.grant.permissions.has("funds.manage"),
    ...page,
  };
}

type ActionData =
  | { intent: "confirm"; ok: true; reportId: number; amount: number; balance: number }
  | { intent: "reject"; ok: true; reportId: number }
  | { intent: "confirm" | "reject"; ok: false; reportId: number; refusal: FundsRefusal }
  | {
      intent: "reject";
      ok: false;
      reportId: number;
      fieldErrors: Record<string, string>;
      values: Record<string, string>;
    };

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "funds.manage");
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const { db } = getDatabase();
  const form = await request.formData();
  const intent = form.get("intent");
  const now = new Date();
  if (intent === "confirm") {
    const parsed = parseForm(confirmReportSchema, form);
    if (!parsed.ok) throw data(null, { status: 400 });
    const { reportId } = parsed.data;
    const result = await confirmPaymentReport(db, actor, { reportId }, now);
    if (result.ok && result.status === "confirmed") {
      const amount = await db
        .selectFrom("payment_reports")
        .select("amount")
        .where("id", "=", reportId)
        .executeTakeFirstOrThrow();
      return data<ActionData>({
        intent,
        ok: true,
        reportId,
        amount: Number(amount.amount),
        balance: result.balanceAfter,
      });
    }
    if (result.ok) throw new Error("confirming answered rejected");
    return data<ActionData>(
      { intent, ok: false, reportId, refusal: result },
      { status: result.error === "not_found" ? 404 : 409 },
    );
  }
  if (intent === "reject") {
    const reportId = Number(form.get("reportId"));
    const parsed = parseForm(rejectReportSchema, form);
    if (!parsed.ok) {
      const { fieldErrors, values } = parsed;
      return data<ActionData>({ intent, ok: false, reportId, fieldErrors, values }, { status: 400 });
    }
    const result = await rejectPaymentReport(db, actor, parsed.data, now);
    if (result.ok) return data<ActionData>({ intent, ok: true, reportId: parsed.data.reportId });
    return data<ActionData>(
      { intent, ok: false, reportId, refusal: result },
      { status: result.error === "not_found" ? 404 : 409 },
    );
  }
  throw data(null, { status: 400 });
}

export default function PaymentReports({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const { money } = useFundsFormat();
  const { items, nextCursor, status, customer, canManage } = loaderData;
  const result = actionData as ActionData | undefined;
  const chip = (active: boolean) =>
    `inline-flex min-h-9 items-center rounded-full px-3 text-sm ring-1 ring-inset ${
      active ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"
    }`;
  const statusLink = (s: string) => {
    const params = new URLSearchParams();
    if (s !== "pending") params.set("status", s);
    if (customer) params.set("customer", String(customer));
    const q = params.toString();
    return q ? `?${q}` : "/admin/payment-reports";
  };
  return (
    <>
      <PageHeader title={t("funds.reports.title")} />
      <p className="-mt-2 mb-3 text-sm text-slate-600">{t("funds.reports.intro")}</p>
      <nav aria-label={t("funds.reports.status")} className="mb-3 flex flex-wrap gap-2">
        {STATUSES.map((s) => (
          <Link key={s} to={statusLink(s)} className={chip(status === s)}>
            {t(`funds.reports.statuses.${s}`)}
          </Link>
        ))}
        <Link to={statusLink("all")} className={chip(status === "all")}>
          {t("funds.reports.allStatuses")}
        </Link>
      </nav>
      <div className="mb-3 space-y-2" data-testid="reports-result">
        {result?.ok && result.intent === "confirm" ? (
          <Notice tone="success">
            {t("funds.reports.confirmed", { amount: money(result.amount), balance: money(result.balance) })}
          </Notice>
        ) : null}
        {result?.ok && result.intent === "reject" ? (
          <Notice tone="success">{t("funds.reports.rejected")}</Notice>
        ) : null}
        {result && !result.ok && "refusal" in result ? <RefusalNotice refusal={result.refusal} /> : null}
      </div>
      <DataTable caption={t("funds.reports.title")}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={thClass}>
              #
            </th>
            <th scope="col" className={thClass}>
              {t("funds.reports.customer")}
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              {t("funds.reports.amount")}
            </th>
            <th scope="col" className={thClass}>
              {t("funds.reports.method")} · {t("funds.reports.paidOn")}
            </th>
            <th scope="col" className={thClass}>
              {t("funds.reports.reference")}
            </th>
            <th scope="col" className={thClass}>
              {t("funds.reports.proof")}
            </th>
            <th scope="col" className={thClass}>
              {t("funds.reports.submittedAt")}
            </th>
            <th scope="col" className={thClass}>
              {t("funds.reports.status")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((r) => (
            <tr key={r.id} className="align-top hover:bg-slate-50" data-testid={`report-${r.id}`}>
              <td className={`${tdClass} font-mono text-xs text-slate-500`}>{r.id}</td>
              <td className={`${tdClass} min-w-40`}>
                <RowLink to={`/admin/funds/customers/${r.customerId}`} className="link">
                  <span className="font-mono">{r.customerCode}</span> {r.customerName}
                </RowLink>
                {r.note ? <p className="mt-1 text-xs text-slate-500">{r.note}</p> : null}
              </td>
              <td className={`${tdClass} text-right font-medium`}>
                <Money fen={r.amount} />
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>
                {t(`funds.methods.${r.method}`)}
                <span className="block text-xs tabular-nums text-slate-500">{r.paidOn}</span>
              </td>
              <td className={`${tdClass} whitespace-nowrap font-mono text-xs`}>{r.reference || "—"}</td>
              <td className={tdClass}>
                <a href={`/admin/funds/proof/${r.id}`} target="_blank" rel="noreferrer" className="inline-block">
                  <img
                    src={`/admin/funds/proof/${r.id}?size=thumb`}
                    alt={t("funds.reports.proofAlt", { id: r.id })}
                    className="h-16 w-16 rounded border border-slate-200 object-cover"
                    loading="lazy"
                  />
                </a>
              </td>
              <td className={`${tdClass} whitespace-nowrap text-xs text-slate-500`}>
                <DateTime iso={r.createdAt} />
              </td>
              <td className={`${tdClass} min-w-44`}>
                <StatusBadge status={REPORT_BADGE[r.status]} label={t(`funds.reports.statuses.${r.status}`)} />
                {r.status !== "pending" && r.decidedBy && r.decidedAt ? (
                  <p className="mt-1 text-xs text-slate-500">
                    {r.decidedBy} · <DateTime iso={r.decidedAt} />
                  </p>
                ) : null}
                {r.decisionReason ? <p className="mt-1 text-xs text-red-700">{r.decisionReason}</p> : null}
                {r.entryId ? (
                  <p className="mt-1 text-xs text-slate-500">{t("funds.reports.entry", { id: r.entryId })}</p>
                ) : null}
                {canManage && r.status === "pending" ? (
                  <Decide
                    reportId={r.id}
                    failed={result && !result.ok && "fieldErrors" in result && result.reportId === r.id ? result : null}
                  />
                ) : null}
              </td>
            </tr>
          ))}
          {items.length === 0 ? <EmptyRow colSpan={8}>{t("funds.reports.none")}</EmptyRow> : null}
        </tbody>
      </DataTable>
      <KeysetPager
        nextCursor={nextCursor}
        param="after"
        labels={{ first: t("common.first"), next: t("common.next") }}
      />
    </>
  );
}

/** Confirm, or reject with a reason; both plain forms, so they work without JavaScript. */
function Decide({
  reportId,
  failed,
}: {
  reportId: number;
  failed: { fieldErrors: Record<string, string>; values: Record<string, string> } | null;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const reasonError = failed?.fieldErrors.reason ? t(failed.fieldErrors.reason) : undefined;
  return (
    <div className="mt-2 space-y-2">
      <Form method="post" preventScrollReset>
        <input type="hidden" name="intent" value="confirm" />
        <input type="hidden" name="reportId" value={reportId} />
        <Button type="submit" disabled={busy} data-testid={`confirm-${reportId}`}>
          {t("funds.reports.confirm")}
        </Button>
      </Form>
      <details open={Boolean(failed)}>
        <summary className="cursor-pointer text-sm text-red-700">{t("funds.reports.reject")}</summary>
        <Form method="post" preventScrollReset className="mt-2 flex flex-col gap-2">
          <input type="hidden" name="intent" value="reject" />
          <input type="hidden" name="reportId" value={reportId} />
          <label className="text-sm text-slate-700" htmlFor={`reject-reason-${reportId}`}>
            {t("funds.reports.rejectReason")}
          </label>
          <input
            id={`reject-reason-${reportId}`}
            name="reason"
            defaultValue={failed?.values.reason ?? ""}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? `reject-reason-${reportId}-error` : undefined}
            className={`min-h-10 rounded-md border bg-white px-3 text-sm ${reasonError ? "border-red-500" : "border-slate-300"}`}
          />
          {reasonError ? (
            <p id={`reject-reason-${reportId}-error`} className="text-sm text-red-600">
              {reasonError}
            </p>
          ) : null}
          <Button type="submit" variant="danger" disabled={busy}>
            {t("funds.reports.reject")}
          </Button>
        </Form>
      </details>
    </div>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
