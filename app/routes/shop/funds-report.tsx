import { data, Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requireCustomer } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { DateTime } from "../../components/date-time";
import { SelectField, TextAreaField } from "../../components/fields";
import { REPORT_BADGE } from "../../components/funds-ui";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { StatusBadge } from "../../components/status-badge";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { PAYMENT_METHODS } from "../../domain/funds";
import { paymentReportSchema } from "../../forms/funds-form";
import { useZodForm } from "../../forms/use-zod-form";
import { parseForm } from "../../http/forms";
import { readUploadForm } from "../../http/upload.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listPaymentReports, localDay, submitPaymentReport } from "../../services/funds.server";
import { IMAGE_MAX_BYTES } from "../../services/images.server";
import type { Route } from "./+types/funds-report";

const querySchema = z.object({ cursor: z.string().max(200).optional().catch(undefined) });

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listPaymentReports(
    getDatabase().db,
    { kind: "customer", customerId: viewer.customer.id },
    { after: query.cursor, limit: 20 },
  );
  const t = getI18n(context).t;
  return {
    title: `${t("funds.shop.reportTitle")} · ${t("app.storefront")}`,
    today: localDay(new Date()),
    nextCursor: page.nextCursor,
    reports: page.items.map((r) => ({
      id: r.id,
      amount: r.amount,
      method: r.method,
      reference: r.reference,
      paidOn: r.paidOn,
      note: r.note,
      status: r.status,
      decisionReason: r.decisionReason,
      createdAt: r.createdAt,
      decidedAt: r.decidedAt,
    })),
  };
}

type ActionData =
  | { ok: true; reportId: number }
  | { ok: false; fieldErrors: Record<string, string>; values: Record<string, string> };

// The proof plus a few short fields; anything larger is cut off while it streams in.
const UPLOAD_LIMIT = IMAGE_MAX_BYTES + 64 * 1024;

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requireCustomer(request, context);
  const upload = await readUploadForm(request, UPLOAD_LIMIT);
  if (!upload.ok) {
    const key = upload.error === "tooLarge" ? "funds.errors.uploadTooLarge" : "funds.errors.malformed";
    return data<ActionData>({ ok: false, fieldErrors: { proof: key }, values: {} }, { status: 413 });
  }
  const parsed = parseForm(paymentReportSchema, upload.form);
  const file = upload.form.get("proof");
  const proof = file && typeof file !== "string" && file.size > 0 ? file : null;
  if (!parsed.ok || !proof) {
    const fieldErrors = parsed.ok ? {} : parsed.fieldErrors;
    if (!proof) fieldErrors.proof = "funds.errors.proof.missing";
    const values = parsed.ok ? stringValues(upload.form) : parsed.values;
    return data<ActionData>({ ok: false, fieldErrors, values }, { status: 400 });
  }
  const result = await submitPaymentReport(
    getDatabase().db,
    actorOf(viewer, context),
    viewer.customer.id,
    { ...parsed.data, proof: new Uint8Array(await proof.arrayBuffer()) },
    new Date(),
  );
  if (result.ok) return data<ActionData>({ ok: true, reportId: result.reportId });
  const fieldErrors: Record<string, string> =
    result.error === "future_date"
      ? { paidOn: "funds.errors.futureDate" }
      : { proof: `funds.errors.proof.${result.rejection}` };
  return data<ActionData>({ ok: false, fieldErrors, values: stringValues(upload.form) }, { status: 400 });
}

function stringValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") values[key] = value;
  return values;
}

export default function ReportPayment({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const { reports, today, nextCursor } = loaderData;
  const result = actionData as ActionData | undefined;
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">{t("funds.shop.reportTitle")}</h1>
        <Link to="/shop/funds" className="text-sm text-brand-700 underline">
          {t("funds.shop.backToFunds")}
        </Link>
      </div>
      <p className="mt-1 text-sm text-slate-600">{t("funds.shop.reportHint")}</p>
      {result?.ok ? (
        <div className="mt-3" data-testid="report-submitted">
          <Notice tone="success">{t("funds.shop.submitted")}</Notice>
        </div>
      ) : null}
      <ReportForm
        key={result?.ok ? `done-${result.reportId}` : "form"}
        today={today}
        failed={result && !result.ok ? result : null}
      />

      <h2 className="mt-8 text-lg font-semibold">{t("funds.shop.myReports")}</h2>
      {reports.length === 0 ? <p className="mt-4 text-center text-slate-500">{t("funds.reports.none")}</p> : null}
      <ul className="mt-2 space-y-2">
        {reports.map((r) => (
          <li
            key={r.id}
            className="flex gap-3 rounded-lg border border-slate-200 bg-white p-3"
            data-testid={`my-report-${r.id}`}
          >
            <a href={`/shop/funds/proof/${r.id}`} target="_blank" rel="noreferrer" className="shrink-0">
              <img
                src={`/shop/funds/proof/${r.id}?size=thumb`}
                alt={t("funds.reports.proofAlt", { id: r.id })}
                className="size-16 rounded border border-slate-200 object-cover"
                loading="lazy"
              />
            </a>
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <Money fen={r.amount} className="font-semibold" />
                <StatusBadge status={REPORT_BADGE[r.status]} label={t(`funds.reports.statuses.${r.status}`)} />
              </div>
              <p className="text-xs text-slate-500">
                {t(`funds.methods.${r.method}`)} · {t("funds.reports.paidOn")} {r.paidOn}
                {r.reference ? ` · ${r.reference}` : ""}
              </p>
              <p className="text-xs text-slate-500">
                {t("funds.reports.submittedAt")} <DateTime iso={r.createdAt} />
              </p>
              {r.decisionReason ? <p className="mt-1 text-sm text-red-700">{r.decisionReason}</p> : null}
            </div>
          </li>
        ))}
      </ul>
      <nav className="mt-3 flex gap-2" aria-label={t("common.pagination")}>
        {nextCursor ? (
          <Link
            to={`?cursor=${nextCursor}`}
            className="inline-flex min-h-10 items-center rounded-md bg-white px-4 text-sm ring-1 ring-inset ring-slate-300"
          >
            {t("common.next")}
          </Link>
        ) : null}
      </nav>
    </>
  );
}

function ReportForm({
  today,
  failed,
}: {
  today: string;
  failed: { fieldErrors: Record<string, string>; values: Record<string, string> } | null;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting";
  const initial: Record<string, string> = {
    amount: "",
    method: "bank",
    reference: "",
    paidOn: today,
    note: "",
    ...(failed?.values ?? {}),
  };
  const form = useZodForm(paymentReportSchema, {
    defaultValues: initial as never,
    serverErrors: failed?.fieldErrors,
  });
  // The value goes into the server's HTML too, so a refused post without JavaScript keeps what was typed.
  const field = (name: "amount" | "method" | "reference" | "paidOn" | "note") => ({
    ...form.register(name),
    defaultValue: initial[name],
  });
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  const proofError = failed?.fieldErrors.proof ? t(failed.fieldErrors.proof) : undefined;
  return (
    <Form
      method="post"
      encType="multipart/form-data"
      noValidate
      onSubmit={form.onSubmit}
      className="mt-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2"
    >
      <TextField
        label={t("funds.forms.amount")}
        inputMode="decimal"
        autoComplete="off"
        error={error("amount")}
        {...field("amount")}
      />
      <SelectField
        label={t("funds.forms.method")}
        options={PAYMENT_METHODS.map((m) => ({ value: m, label: t(`funds.methods.${m}`) }))}
        error={error("method")}
        {...field("method")}
      />
      <TextField
        label={t("funds.reports.paidOn")}
        type="date"
        max={today}
        error={error("paidOn")}
        {...field("paidOn")}
      />
      <TextField
        label={t("funds.forms.reference")}
        autoComplete="off"
        error={error("reference")}
        {...field("reference")}
      />
      <TextAreaField
        label={t("funds.reports.note")}
        rows={2}
        className="sm:col-span-2"
        error={error("note")}
        {...field("note")}
      />
      <div className="sm:col-span-2">
        <label htmlFor="report-proof" className="mb-1 block text-sm font-medium text-slate-700">
          {t("funds.shop.proof")}
        </label>
        <input
          id="report-proof"
          type="file"
          name="proof"
          accept="image/png,image/jpeg,image/webp"
          aria-invalid={proofError ? true : undefined}
          aria-describedby={proofError ? "report-proof-error" : "report-proof-hint"}
          className="block w-full text-sm file:mr-3 file:min-h-10 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:text-sm"
        />
        <p id="report-proof-hint" className="mt-1 text-xs text-slate-500">
          {t("funds.shop.proofHint")}
        </p>
        {proofError ? (
          <p id="report-proof-error" className="mt-1 text-sm text-red-600">
            {proofError}
          </p>
        ) : null}
      </div>
      <div className="sm:col-span-2">
        <Button type="submit" disabled={submitting} className="w-full sm:w-auto">
          {submitting ? t("funds.shop.submitting") : t("funds.shop.submit")}
        </Button>
      </div>
    </Form>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
