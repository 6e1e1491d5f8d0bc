import type { ReactNode } from "react";
import { data, Form, Link, useLocation, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DataTable, EmptyRow, KeysetPager, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { SelectField } from "../../components/fields";
import { Figure, type FundsRefusal, RefusalNotice, SignedMoney, useFundsFormat } from "../../components/funds-ui";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { FUND_ACCOUNTS, type FundAccount, LEDGER_KINDS, PAYMENT_METHODS } from "../../domain/funds";
import type { Permission } from "../../domain/permissions";
import {
  adjustSchema,
  bpToPercent,
  creditChargeSchema,
  creditLimitSchema,
  paymentSchema,
  rebateSchema,
  reverseSchema,
} from "../../forms/funds-form";
import { useZodForm } from "../../forms/use-zod-form";
import { fenToYuanInput, parseForm } from "../../http/forms";
import { pageSizeOf } from "../../http/page-size";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import {
  adjustBalance,
  chargeToCredit,
  creditRebate,
  type FundsScope,
  getCustomerFunds,
  listLedger,
  localDay,
  recordPayment,
  reverseEntry,
  setCreditLimit,
} from "../../services/funds.server";
import type { Route } from "./+types/funds-customer";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);

const querySchema = z.object({
  account: z.enum(FUND_ACCOUNTS).optional().catch(undefined),
  kind: z.enum(LEDGER_KINDS).optional().catch(undefined),
  from: day,
  to: day,
  q: z.string().trim().max(100).optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
  reverse: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number)
    .optional()
    .catch(undefined),
});

function customerIdOf(params: { customerId?: string }): number {
  if (!params.customerId || !/^\d{1,12}$/.test(params.customerId)) throw data(null, { status: 404 });
  return Number(params.customerId);
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "funds.view");
  const customerId = customerIdOf(params);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { db } = getDatabase();
  const scope: FundsScope = { kind: "staff", grant: viewer.grant };
  const funds = await getCustomerFunds(db, scope, customerId);
  if (!funds) throw data(null, { status: 404 });
  const canManage = viewer.grant.permissions.has("funds.manage");
  const [ledger, reversing] = await Promise.all([
    listLedger(db, scope, customerId, {
      account: query.account,
      kind: query.kind,
      from: query.from,
      to: query.to,
      q: query.q,
      after: query.after,
      limit: pageSizeOf(new URL(request.url).searchParams),
    }),
    canManage && query.reverse !== undefined
      ? listLedger(db, scope, customerId, { entryId: query.reverse, limit: 1 })
      : null,
  ]);
  const t = getI18n(context).t;
  return {
    title: `${t("funds.customer.title", { name: funds.customer.name })} · ${t("app.name")}`,
    funds,
    ledger: ledger!,
    reversing: reversing?.items[0]?.reversible ? reversing.items[0] : null,
    filters: {
      account: query.account ?? "",
      kind: query.kind ?? "",
      from: query.from ?? "",
      to: query.to ?? "",
      q: query.q ?? "",
    },
    today: localDay(new Date()),
    canManage,
    canCredit: viewer.grant.permissions.has("customer.credit"),
  };
}

const INTENTS = ["payment", "rebate", "adjust", "creditCharge", "creditLimit", "reverse"] as const;
type Intent = (typeof INTENTS)[number];

type ActionData =
  | { intent: Intent; ok: true; amount: number; account?: FundAccount; balance?: number; entryId?: number }
  | { intent: Intent; ok: false; fieldErrors: Record<string, string>; values: Record<string, string> }
  | { intent: Intent; ok: false; refusal: FundsRefusal };

const PERMISSION: Record<Intent, Permission> = {
  payment: "funds.manage",
  rebate: "funds.manage",
  adjust: "funds.manage",
  creditCharge: "funds.manage",
  creditLimit: "customer.credit",
  reverse: "funds.manage",
};

export async function action({ request, params, context }: Route.ActionArgs) {
  requirePermission(request, context, "funds.view");
  const customerId = customerIdOf(params);
  const form = await request.formData();
  const intent = INTENTS.find((i) => i === form.get("intent"));
  if (!intent) throw data(null, { status: 400 });
  const viewer = requirePermission(request, context, PERMISSION[intent]);
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const { db } = getDatabase();
  const now = new Date();
  const invalid = (fieldErrors: Record<string, string>, values: Record<string, string>) =>
    data<ActionData>({ intent, ok: false, fieldErrors, values }, { status: 400 });
  const refused = (refusal: FundsRefusal) =>
    data<ActionData>({ intent, ok: false, refusal }, { status: refusal.error === "not_found" ? 404 : 409 });

  type Moved = { ok: true; entryId: number; balanceAfter: number } | ({ ok: false } & FundsRefusal);
  const done = (result: Moved, amount: number, account: FundAccount) =>
    result.ok
      ? data<ActionData>({ intent, ok: true, amount, account, balance: result.balanceAfter, entryId: result.entryId })
      : refused(result);

  switch (intent) {
    case "payment": {
      const parsed = parseForm(paymentSchema, form);
      if (!parsed.ok) return invalid(parsed.fieldErrors, parsed.values);
      const result = await recordPayment(db, actor, { customerId, ...parsed.data }, now);
      return done(result, parsed.data.amount, parsed.data.account);
    }
    case "rebate": {
      const parsed = parseForm(rebateSchema, form);
      if (!parsed.ok) return invalid(parsed.fieldErrors, parsed.values);
      return done(await creditRebate(db, actor, { customerId, ...parsed.data }, now), parsed.data.amount, "rebate");
    }
    case "adjust": {
      const parsed = parseForm(adjustSchema, form);
      if (!parsed.ok) return invalid(parsed.fieldErrors, parsed.values);
      const { direction, amount, ...rest } = parsed.data;
      const signed = direction === "decrease" ? -amount : amount;
      return done(
        await adjustBalance(db, actor, { customerId, ...rest, amount: signed }, now),
        signed,
        parsed.data.account,
      );
    }
    case "creditCharge": {
      const parsed = parseForm(creditChargeSchema, form);
      if (!parsed.ok) return invalid(parsed.fieldErrors, parsed.values);
      if (parsed.data.overLimitReason && !viewer.grant.permissions.has("customer.credit")) {
        return refused({ error: "override_forbidden" });
      }
      return done(
        await chargeToCredit(db, actor, { customerId, ...parsed.data }, now),
        parsed.data.amount,
        "receivable",
      );
    }
    case "creditLimit": {
      const parsed = parseForm(creditLimitSchema, form);
      if (!parsed.ok) return invalid(parsed.fieldErrors, parsed.values);
      const result = await setCreditLimit(db, actor, { customerId, ...parsed.data }, now);
      return result.ok ? data<ActionData>({ intent, ok: true, amount: result.creditLimit }) : refused(result);
    }
    case "reverse": {
      const parsed = parseForm(reverseSchema, form);
      if (!parsed.ok) return invalid(parsed.fieldErrors, parsed.values);
      const result = await reverseEntry(db, actor, { customerId, ...parsed.data }, now);
      if (!result.ok) return refused(result);
      return data<ActionData>({
        intent,
        ok: true,
        amount: 0,
        balance: result.balanceAfter,
        entryId: parsed.data.entryId,
      });
    }
  }
}

const filterClass = "min-h-10 rounded-md border border-slate-300 bg-white px-3 text-sm";

export default function CustomerFunds({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const location = useLocation();
  const { funds, ledger, filters, canManage, canCredit, reversing, today } = loaderData;
  const result = actionData as ActionData | undefined;
  const { balances, customer } = funds;
  const withoutReverse = () => {
    const params = new URLSearchParams(location.search);
    params.delete("reverse");
    const s = params.toString();
    return s ? `?${s}` : location.pathname;
  };
  const reverseLink = (entryId: number) => {
    const params = new URLSearchParams(location.search);
    params.set("reverse", String(entryId));
    return `?${params.toString()}`;
  };
  return (
    <>
      <PageHeader title={t("funds.customer.title", { name: customer.name })}>
        <div className="flex flex-wrap gap-2">
          <Link to={`/admin/funds/customers/${customer.id}/statement`} className={buttonClass("secondary")}>
            {t("funds.customer.statementLink")}
          </Link>
          <Link to="/admin/funds" className={buttonClass("ghost")}>
            {t("funds.customer.allCustomers")}
          </Link>
        </div>
      </PageHeader>
      <p className="-mt-2 mb-4 text-sm text-slate-600">
        <span className="font-mono">{customer.code}</span> · {customer.regionName}
      </p>

      <section aria-label={t("funds.customer.heading")} className="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-4">
        <div className="col-span-2 grid">
          <Figure
            label={t("funds.available")}
            fen={funds.available}
            hint={`${t("funds.availableHint")} · ${
              funds.rebateShareBp > 0
                ? t("funds.rebateShareNote", { percent: bpToPercent(funds.rebateShareBp) })
                : t("funds.rebateOff")
            }`}
            emphasis
            testId="balance-available"
          />
        </div>
        <Figure label={t("funds.accounts.prepaid")} fen={balances.prepaid} testId="balance-prepaid" />
        <Figure label={t("funds.accounts.rebate")} fen={balances.rebate} testId="balance-rebate" />
        <Figure label={t("funds.accounts.deposit")} fen={balances.deposit} testId="balance-deposit" />
        <Figure label={t("funds.accounts.receivable")} fen={balances.receivable} testId="balance-receivable" />
        <Figure label={t("funds.creditLimit")} fen={balances.creditLimit} testId="balance-credit-limit" />
        <Figure label={t("funds.unusedCredit")} fen={funds.unusedCredit} testId="balance-unused-credit" />
      </section>

      <div className="mb-4 space-y-2">
        {funds.overLimitReason ? (
          <Notice tone="warning">{t("funds.overLimitNote", { reason: funds.overLimitReason })}</Notice>
        ) : null}
        {funds.pendingReports > 0 ? (
          <Notice tone="info">
            <Link to={`/admin/payment-reports?customer=${customer.id}`} className="underline">
              {t("funds.customer.pendingReports", { count: funds.pendingReports })}
            </Link>
          </Notice>
        ) : null}
        {result ? (
          <div data-testid="funds-result">
            <ResultNotice result={result} />
          </div>
        ) : null}
        {canManage ? null : <Notice>{t("funds.readOnly")}</Notice>}
      </div>

      {reversing ? (
        <ReversePanel entry={reversing} closeTo={withoutReverse()} failed={failedFor(result, "reverse")} />
      ) : null}

      {canManage || canCredit ? (
        <section
          aria-label={t("funds.customer.actions")}
          className="mb-6 grid items-start gap-3 lg:grid-cols-2 2xl:grid-cols-3"
        >
          {canManage ? (
            <>
              <PaymentForm key={okKey(result, "payment")} today={today} failed={failedFor(result, "payment")} />
              <RebateForm key={okKey(result, "rebate")} today={today} failed={failedFor(result, "rebate")} />
              <AdjustForm key={okKey(result, "adjust")} today={today} failed={failedFor(result, "adjust")} />
              <CreditChargeForm
                key={okKey(result, "creditCharge")}
                today={today}
                canCredit={canCredit}
                failed={failedFor(result, "creditCharge")}
              />
            </>
          ) : null}
          {canCredit ? (
            <CreditLimitForm
              key={`${okKey(result, "creditLimit")}-${balances.creditLimit}`}
              current={balances.creditLimit}
              failed={failedFor(result, "creditLimit")}
            />
          ) : null}
        </section>
      ) : null}

      <h2 className="mb-2 text-base font-semibold text-slate-900">{t("funds.ledger.title")}</h2>
      <Form method="get" className="mb-3 flex flex-wrap items-end gap-2" role="search">
        <label className="sr-only" htmlFor="ledger-account">
          {t("funds.ledger.account")}
        </label>
        <select id="ledger-account" name="account" defaultValue={filters.account} className={filterClass}>
          <option value="">{t("funds.ledger.allAccounts")}</option>
          {FUND_ACCOUNTS.map((a) => (
            <option key={a} value={a}>
              {t(`funds.accounts.${a}`)}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="ledger-kind">
          {t("funds.ledger.kind")}
        </label>
        <select id="ledger-kind" name="kind" defaultValue={filters.kind} className={filterClass}>
          <option value="">{t("funds.ledger.allKinds")}</option>
          {LEDGER_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`funds.kinds.${k}`)}
            </option>
          ))}
        </select>
        <label className="flex items-center gap-1 text-sm text-slate-600">
          {t("funds.ledger.from")}
          <input type="date" name="from" defaultValue={filters.from} className={filterClass} />
        </label>
        <label className="flex items-center gap-1 text-sm text-slate-600">
          {t("funds.ledger.to")}
          <input type="date" name="to" defaultValue={filters.to} className={filterClass} />
        </label>
        <label className="sr-only" htmlFor="ledger-q">
          {t("common.search")}
        </label>
        <input
          id="ledger-q"
          name="q"
          type="search"
          defaultValue={filters.q}
          placeholder={t("funds.ledger.searchPlaceholder")}
          className={`${filterClass} w-48`}
        />
        <button type="submit" className={buttonClass("secondary")}>
          {t("common.filter")}
        </button>
      </Form>
      <LedgerTable entries={ledger.items} reverseLink={canManage ? reverseLink : null} />
      <KeysetPager
        pageSizes
        nextCursor={ledger.nextCursor}
        param="after"
        labels={{ first: t("common.first"), next: t("common.next") }}
      />
    </>
  );
}

type Failed = Extract<ActionData, { fieldErrors: Record<string, string> }> | null;
const failedFor = (result: ActionData | undefined, intent: Intent): Failed =>
  result && !result.ok && result.intent === intent && "fieldErrors" in result ? result : null;
/** Changes after each success of the intent, so its form starts empty again. */
const okKey = (result: ActionData | undefined, intent: Intent) =>
  result?.ok && result.intent === intent ? `${intent}-done-${result.entryId ?? result.amount}` : intent;

function ResultNotice({ result }: { result: ActionData }) {
  const { t } = useTranslation();
  const { money } = useFundsFormat();
  if (!result.ok) return "refusal" in result ? <RefusalNotice refusal={result.refusal} /> : null;
  const account = result.account ? t(`funds.accounts.${result.account}`) : "";
  const values = { amount: money(result.amount), balance: money(result.balance ?? 0), account, id: result.entryId };
  const key = {
    payment: "funds.forms.payment.done",
    rebate: "funds.forms.rebate.done",
    adjust: "funds.forms.adjust.done",
    creditCharge: "funds.forms.creditCharge.done",
    creditLimit: "funds.forms.creditLimit.done",
    reverse: "funds.forms.reverse.done",
  }[result.intent];
  return <Notice tone="success">{t(key, values)}</Notice>;
}

type LedgerItem = Route.ComponentProps["loaderData"]["ledger"]["items"][number];

function LedgerTable({
  entries,
  reverseLink,
}: {
  entries: LedgerItem[];
  reverseLink: ((entryId: number) => string) | null;
}) {
  const { t } = useTranslation();
  const { money } = useFundsFormat();
  return (
    <DataTable caption={t("funds.ledger.title")}>
      <thead className="bg-slate-50">
        <tr>
          <th scope="col" className={thClass}>
            #
          </th>
          <th scope="col" className={thClass}>
            {t("funds.ledger.date")}
          </th>
          <th scope="col" className={thClass}>
            {t("funds.ledger.account")}
          </th>
          <th scope="col" className={thClass}>
            {t("funds.ledger.kind")}
          </th>
          <th scope="col" className={`${thClass} text-right`}>
            {t("funds.ledger.amount")}
          </th>
          <th scope="col" className={`${thClass} text-right`}>
            {t("funds.ledger.balanceAfter")}
          </th>
          <th scope="col" className={thClass}>
            {t("funds.ledger.reference")}
          </th>
          <th scope="col" className={thClass}>
            {t("funds.ledger.reason")}
          </th>
          <th scope="col" className={thClass}>
            {t("funds.ledger.actor")} · {t("funds.ledger.recordedAt")}
          </th>
          {reverseLink ? (
            <th scope="col" className={thClass}>
              {t("common.actions")}
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {entries.map((e) => (
          <tr
            key={e.id}
            className={e.reversedBy ? "bg-slate-50 text-slate-500" : "hover:bg-slate-50"}
            data-testid="ledger-row"
            data-entry={e.id}
          >
            <td className={`${tdClass} font-mono text-xs text-slate-500`}>{e.id}</td>
            <td className={`${tdClass} whitespace-nowrap tabular-nums`}>{e.businessDate}</td>
            <td className={`${tdClass} whitespace-nowrap`}>{t(`funds.accounts.${e.account}`)}</td>
            <td className={`${tdClass} whitespace-nowrap`}>
              {t(`funds.kinds.${e.kind}`)}
              {e.method ? <span className="block text-xs text-slate-500">{t(`funds.methods.${e.method}`)}</span> : null}
            </td>
            <td className={`${tdClass} whitespace-nowrap text-right`}>
              <SignedMoney fen={e.amount} />
            </td>
            <td className={`${tdClass} whitespace-nowrap text-right tabular-nums`}>{money(e.balanceAfter)}</td>
            <td className={`${tdClass} whitespace-nowrap font-mono text-xs`}>{e.reference || "—"}</td>
            <td className={`${tdClass} min-w-40 max-w-72`}>
              {e.reason || "—"}
              {e.reversalOf ? (
                <span className="block text-xs text-slate-500">
                  {t("funds.ledger.reversalOf", { id: e.reversalOf })}
                </span>
              ) : null}
              {e.reversedBy ? (
                <span className="mt-0.5 inline-block rounded bg-slate-200 px-1 text-xs text-slate-700">
                  {t("funds.ledger.reversed")} · #{e.reversedBy}
                </span>
              ) : null}
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>
              {e.actorName}
              <span className="block text-xs text-slate-500">
                <DateTime iso={e.createdAt} />
              </span>
            </td>
            {reverseLink ? (
              <td className={`${tdClass} whitespace-nowrap`}>
                {e.reversible ? (
                  <Link to={reverseLink(e.id)} className="text-red-700 hover:underline" preventScrollReset>
                    {t("funds.ledger.reverse")}
                  </Link>
                ) : null}
              </td>
            ) : null}
          </tr>
        ))}
        {entries.length === 0 ? <EmptyRow colSpan={reverseLink ? 10 : 9}>{t("funds.ledger.empty")}</EmptyRow> : null}
      </tbody>
    </DataTable>
  );
}

/** One console form in a collapsible card: open when it is the one that just failed, or by default. */
function ActionCard({
  title,
  hint,
  open,
  children,
  testId,
}: {
  title: string;
  hint: string;
  open: boolean;
  children: ReactNode;
  testId: string;
}) {
  return (
    <details open={open} className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid={testId}>
      <summary className="cursor-pointer select-none px-4 py-3 text-sm font-semibold text-slate-900">{title}</summary>
      <div className="border-t border-slate-100 px-4 py-3">
        <p className="mb-3 text-xs text-slate-500">{hint}</p>
        {children}
      </div>
    </details>
  );
}

function useFundsForm<Input extends Record<string, string>>(
  schema: z.ZodType<unknown, Input>,
  defaults: Input,
  failed: Failed,
) {
  const { t } = useTranslation();
  const initial = { ...defaults, ...(failed?.values as Partial<Input> | undefined) } as Input;
  const form = useZodForm(schema, { defaultValues: initial as never, serverErrors: failed?.fieldErrors });
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  // The value goes into the server's HTML too, so a refused post without JavaScript keeps what was typed.
  const field = (name: keyof Input & string) => ({ ...form.register(name as never), defaultValue: initial[name] });
  return { form, error, field };
}

function SubmitButton({ label, variant = "primary" }: { label: string; variant?: "primary" | "danger" }) {
  const navigation = useNavigation();
  return (
    <Button type="submit" variant={variant} disabled={navigation.state === "submitting"}>
      {label}
    </Button>
  );
}

function useOptions() {
  const { t } = useTranslation();
  return {
    methods: PAYMENT_METHODS.map((m) => ({ value: m, label: t(`funds.methods.${m}`) })),
  };
}

function PaymentForm({ today, failed }: { today: string; failed: Failed }) {
  const { t } = useTranslation();
  const { methods } = useOptions();
  const { form, error, field } = useFundsForm(
    paymentSchema,
    { account: "prepaid", amount: "", method: "bank", reference: "", businessDate: today, reason: "" },
    failed,
  );
  return (
    <ActionCard title={t("funds.forms.payment.title")} hint={t("funds.forms.payment.hint")} open testId="form-payment">
      <Form method="post" noValidate onSubmit={form.onSubmit} preventScrollReset className="grid gap-3 sm:grid-cols-2">
        <input type="hidden" name="intent" value="payment" />
        <SelectField
          label={t("funds.forms.payment.account")}
          options={(["prepaid", "deposit", "receivable"] as const).map((a) => ({
            value: a,
            label: t(`funds.forms.payment.accounts.${a}`),
          }))}
          error={error("account")}
          {...field("account")}
        />
        <TextField
          label={t("funds.forms.amount")}
          inputMode="decimal"
          autoComplete="off"
          error={error("amount")}
          {...field("amount")}
        />
        <SelectField label={t("funds.forms.method")} options={methods} error={error("method")} {...field("method")} />
        <TextField
          label={t("funds.forms.businessDate")}
          type="date"
          max={today}
          error={error("businessDate")}
          {...field("businessDate")}
        />
        <TextField
          label={t("funds.forms.reference")}
          autoComplete="off"
          error={error("reference")}
          {...field("reference")}
        />
        <TextField label={t("funds.forms.reason")} autoComplete="off" error={error("reason")} {...field("reason")} />
        <div className="sm:col-span-2">
          <SubmitButton label={t("funds.forms.payment.submit")} />
        </div>
      </Form>
    </ActionCard>
  );
}

function RebateForm({ today, failed }: { today: string; failed: Failed }) {
  const { t } = useTranslation();
  const { form, error, field } = useFundsForm(
    rebateSchema,
    { amount: "", reason: "", reference: "", businessDate: today },
    failed,
  );
  return (
    <ActionCard
      title={t("funds.forms.rebate.title")}
      hint={t("funds.forms.rebate.hint")}
      open={Boolean(failed)}
      testId="form-rebate"
    >
      <Form method="post" noValidate onSubmit={form.onSubmit} preventScrollReset className="grid gap-3 sm:grid-cols-2">
        <input type="hidden" name="intent" value="rebate" />
        <TextField
          label={t("funds.forms.amount")}
          inputMode="decimal"
          autoComplete="off"
          error={error("amount")}
          {...field("amount")}
        />
        <TextField
          label={t("funds.forms.businessDate")}
          type="date"
          max={today}
          error={error("businessDate")}
          {...field("businessDate")}
        />
        <TextField
          label={t("funds.forms.reasonRequired")}
          autoComplete="off"
          error={error("reason")}
          {...field("reason")}
        />
        <TextField
          label={t("funds.forms.reference")}
          autoComplete="off"
          error={error("reference")}
          {...field("reference")}
        />
        <div className="sm:col-span-2">
          <SubmitButton label={t("funds.forms.rebate.submit")} />
        </div>
      </Form>
    </ActionCard>
  );
}

function AdjustForm({ today, failed }: { today: string; failed: Failed }) {
  const { t } = useTranslation();
  const { form, error, field } = useFundsForm(
    adjustSchema,
    { account: "prepaid", direction: "decrease", amount: "", reason: "", reference: "", businessDate: today },
    failed,
  );
  return (
    <ActionCard
      title={t("funds.forms.adjust.title")}
      hint={t("funds.forms.adjust.hint")}
      open={Boolean(failed)}
      testId="form-adjust"
    >
      <Form method="post" noValidate onSubmit={form.onSubmit} preventScrollReset className="grid gap-3 sm:grid-cols-2">
        <input type="hidden" name="intent" value="adjust" />
        <SelectField
          label={t("funds.forms.adjust.account")}
          options={(["prepaid", "rebate", "deposit"] as const).map((a) => ({
            value: a,
            label: t(`funds.accounts.${a}`),
          }))}
          error={error("account")}
          {...field("account")}
        />
        <SelectField
          label={t("funds.forms.adjust.direction")}
          options={[
            { value: "decrease", label: t("funds.forms.adjust.decrease") },
            { value: "increase", label: t("funds.forms.adjust.increase") },
          ]}
          error={error("direction")}
          {...field("direction")}
        />
        <TextField
          label={t("funds.forms.amount")}
          inputMode="decimal"
          autoComplete="off"
          error={error("amount")}
          {...field("amount")}
        />
        <TextField
          label={t("funds.forms.businessDate")}
          type="date"
          max={today}
          error={error("businessDate")}
          {...field("businessDate")}
        />
        <TextField
          label={t("funds.forms.reasonRequired")}
          autoComplete="off"
          error={error("reason")}
          {...field("reason")}
        />
        <TextField
          label={t("funds.forms.reference")}
          autoComplete="off"
          error={error("reference")}
          {...field("reference")}
        />
        <div className="sm:col-span-2">
          <SubmitButton label={t("funds.forms.adjust.submit")} />
        </div>
      </Form>
    </ActionCard>
  );
}

function CreditChargeForm({ today, canCredit, failed }: { today: string; canCredit: boolean; failed: Failed }) {
  const { t } = useTranslation();
  const { form, error, field } = useFundsForm(
    creditChargeSchema,
    { amount: "", reason: "", reference: "", businessDate: today, overLimitReason: "" },
    failed,
  );
  return (
    <ActionCard
      title={t("funds.forms.creditCharge.title")}
      hint={t("funds.forms.creditCharge.hint")}
      open={Boolean(failed)}
      testId="form-credit-charge"
    >
      <Form method="post" noValidate onSubmit={form.onSubmit} preventScrollReset className="grid gap-3 sm:grid-cols-2">
        <input type="hidden" name="intent" value="creditCharge" />
        <TextField
          label={t("funds.forms.amount")}
          inputMode="decimal"
          autoComplete="off"
          error={error("amount")}
          {...field("amount")}
        />
        <TextField
          label={t("funds.forms.businessDate")}
          type="date"
          max={today}
          error={error("businessDate")}
          {...field("businessDate")}
        />
        <TextField
          label={t("funds.forms.reasonRequired")}
          autoComplete="off"
          error={error("reason")}
          {...field("reason")}
        />
        <TextField
          label={t("funds.forms.reference")}
          autoComplete="off"
          error={error("reference")}
          {...field("reference")}
        />
        {canCredit ? (
          <TextField
            label={t("funds.forms.overLimitReason")}
            autoComplete="off"
            className="sm:col-span-2"
            error={error("overLimitReason")}
            {...field("overLimitReason")}
          />
        ) : null}
        <div className="sm:col-span-2">
          <SubmitButton label={t("funds.forms.creditCharge.submit")} />
        </div>
      </Form>
    </ActionCard>
  );
}

function CreditLimitForm({ current, failed }: { current: number; failed: Failed }) {
  const { t } = useTranslation();
  const { form, error, field } = useFundsForm(
    creditLimitSchema,
    { creditLimit: fenToYuanInput(current), overLimitReason: "" },
    failed,
  );
  return (
    <ActionCard
      title={t("funds.forms.creditLimit.title")}
      hint={t("funds.forms.creditLimit.hint")}
      open={Boolean(failed)}
      testId="form-credit-limit"
    >
      <Form method="post" noValidate onSubmit={form.onSubmit} preventScrollReset className="grid gap-3">
        <input type="hidden" name="intent" value="creditLimit" />
        <TextField
          label={t("funds.forms.creditLimit.label")}
          inputMode="decimal"
          autoComplete="off"
          error={error("creditLimit")}
          {...field("creditLimit")}
        />
        <TextField
          label={t("funds.forms.overLimitReason")}
          autoComplete="off"
          error={error("overLimitReason")}
          {...field("overLimitReason")}
        />
        <div>
          <SubmitButton label={t("funds.forms.creditLimit.submit")} />
        </div>
      </Form>
    </ActionCard>
  );
}

function ReversePanel({ entry, closeTo, failed }: { entry: LedgerItem; closeTo: string; failed: Failed }) {
  const { t } = useTranslation();
  const { form, error, field } = useFundsForm(reverseSchema, { entryId: String(entry.id), reason: "" }, failed);
  return (
    <Card className="mb-4 border-red-200">
      <div data-testid="reverse-panel">
        <h2 className="text-base font-semibold text-slate-900">{t("funds.forms.reverse.title", { id: entry.id })}</h2>
        <p className="mt-1 text-sm text-slate-600">{t("funds.forms.reverse.hint")}</p>
        <p className="mt-2 text-sm">
          {entry.businessDate} · {t(`funds.accounts.${entry.account}`)} · {t(`funds.kinds.${entry.kind}`)} ·{" "}
          <SignedMoney fen={entry.amount} /> {entry.reference ? `· ${entry.reference}` : ""}
        </p>
        <Form
          method="post"
          noValidate
          onSubmit={form.onSubmit}
          preventScrollReset
          className="mt-3 flex flex-wrap items-start gap-3"
        >
          <input type="hidden" name="intent" value="reverse" />
          <input type="hidden" {...field("entryId")} />
          <TextField
            label={t("funds.forms.reasonRequired")}
            autoComplete="off"
            className="w-80"
            error={error("reason")}
            {...field("reason")}
          />
          <div className="mt-6 flex gap-2">
            <SubmitButton label={t("funds.forms.reverse.submit")} variant="danger" />
            <Link to={closeTo} className={buttonClass("ghost")} preventScrollReset>
              {t("funds.forms.reverse.cancel")}
            </Link>
          </div>
        </Form>
      </div>
    </Card>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
