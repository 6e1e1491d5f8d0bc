import { data, Link } from "react-router";
import { z } from "zod";
import { requireCustomer } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { chipProps } from "../../components/chip";
import { KeysetPager } from "../../components/data-table";
import { Figure, SignedMoney, useFundsFormat } from "../../components/funds-ui";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { getDatabase } from "../../db.server";
import { FUND_ACCOUNTS } from "../../domain/funds";
import { bpToPercent } from "../../forms/funds-form";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { type FundsScope, getCustomerFunds, listLedger } from "../../services/funds.server";
import type { Route } from "./+types/funds";

const querySchema = z.object({
  account: z.enum(FUND_ACCOUNTS).optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { db } = getDatabase();
  // The customer comes from the session, never from the request: a dealer sees only its own.
  const scope: FundsScope = { kind: "customer", customerId: viewer.customer.id };
  const [funds, ledger] = await Promise.all([
    getCustomerFunds(db, scope, viewer.customer.id),
    listLedger(db, scope, viewer.customer.id, { account: query.account, after: query.cursor, limit: 20 }),
  ]);
  if (!funds || !ledger) throw data(null, { status: 404 });
  return {
    title: `${getI18n(context).t("funds.shop.title")} · ${getI18n(context).t("app.storefront")}`,
    account: query.account ?? null,
    funds: {
      balances: funds.balances,
      available: funds.available,
      unusedCredit: funds.unusedCredit,
      rebateShareBp: funds.rebateShareBp,
      pendingReports: funds.pendingReports,
    },
    // Only what the dealer needs; staff names and internal ids stay in the console.
    ledger: {
      nextCursor: ledger.nextCursor,
      items: ledger.items.map((e) => ({
        id: e.id,
        account: e.account,
        kind: e.kind,
        amount: e.amount,
        balanceAfter: e.balanceAfter,
        method: e.method,
        reference: e.reference,
        reason: e.reason,
        businessDate: e.businessDate,
        reversed: e.reversedBy !== null,
        reversalOf: e.reversalOf,
      })),
    },
  };
}

export default function MyFunds({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { money } = useFundsFormat();
  const { funds, ledger, account } = loaderData;
  const { balances } = funds;
  return (
    <>
      <h1 className="text-xl font-semibold">{t("funds.shop.title")}</h1>
      <section className="mt-3 rounded-lg border border-brand-500 bg-brand-50 p-4" data-testid="funds-available">
        <p className="text-sm text-brand-900">{t("funds.shop.availableLead")}</p>
        <p className="mt-1 text-3xl font-semibold tabular-nums text-brand-900">{money(funds.available)}</p>
        <p className="mt-1 text-xs text-slate-600">
          {t("funds.availableHint")} ·{" "}
          {funds.rebateShareBp > 0
            ? t("funds.rebateShareNote", { percent: bpToPercent(funds.rebateShareBp) })
            : t("funds.rebateOff")}
        </p>
      </section>
      <section className="mt-3 grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
        <Figure label={t("funds.accounts.prepaid")} fen={balances.prepaid} testId="my-prepaid" />
        <Figure label={t("funds.accounts.rebate")} fen={balances.rebate} testId="my-rebate" />
        <Figure label={t("funds.accounts.deposit")} fen={balances.deposit} testId="my-deposit" />
        <Figure label={t("funds.accounts.receivable")} fen={balances.receivable} testId="my-receivable" />
        <Figure label={t("funds.creditLimit")} fen={balances.creditLimit} testId="my-credit-limit" />
        <Figure label={t("funds.unusedCredit")} fen={funds.unusedCredit} testId="my-unused-credit" />
      </section>
      <div className="mt-3 flex flex-wrap gap-2">
        <Link to="/shop/funds/report" className={buttonClass("primary")}>
          {t("funds.shop.reportLink")}
        </Link>
        <Link to="/shop/funds/statement" className={buttonClass("secondary")}>
          {t("funds.shop.statementLink")}
        </Link>
      </div>
      {funds.pendingReports > 0 ? (
        <div className="mt-3">
          <Notice>
            <Link to="/shop/funds/report" className="underline">
              {t("funds.shop.pendingReports", { count: funds.pendingReports })}
            </Link>
          </Notice>
        </div>
      ) : null}

      <h2 className="mt-6 text-lg font-semibold">{t("funds.shop.ledgerTitle")}</h2>
      <nav aria-label={t("funds.ledger.account")} className="-mx-4 mt-2 flex gap-2 overflow-x-auto px-4 pb-1">
        <Link to="/shop/funds" {...chipProps(account === null)}>
          {t("funds.ledger.allAccounts")}
        </Link>
        {FUND_ACCOUNTS.map((a) => (
          <Link key={a} to={`?account=${a}`} {...chipProps(account === a)}>
            {t(`funds.accounts.${a}`)}
          </Link>
        ))}
      </nav>
      {ledger.items.length === 0 ? <p className="mt-6 text-center text-slate-500">{t("funds.ledger.empty")}</p> : null}
      <ul className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {ledger.items.map((e) => (
          <li key={e.id} className="flex items-start justify-between gap-3 p-3" data-testid="my-ledger-row">
            <div className="min-w-0">
              <p className="text-sm font-medium">
                {t(`funds.kinds.${e.kind}`)}
                <span className="font-normal text-slate-500"> · {t(`funds.accounts.${e.account}`)}</span>
                {e.reversed ? (
                  <span className="ml-1 rounded bg-slate-200 px-1 text-xs text-slate-700">
                    {t("funds.ledger.reversed")}
                  </span>
                ) : null}
              </p>
              <p className="text-xs tabular-nums text-slate-500">
                {e.businessDate}
                {e.method ? ` · ${t(`funds.methods.${e.method}`)}` : ""}
              </p>
              {e.reference || e.reason ? (
                <p className="mt-0.5 break-all text-xs text-slate-600">
                  {[e.reference, e.reason].filter(Boolean).join(" · ")}
                </p>
              ) : null}
            </div>
            <div className="shrink-0 text-right">
              <SignedMoney fen={e.amount} className="font-semibold" />
              <p className="text-xs tabular-nums text-slate-500">
                {t("funds.ledger.balanceAfter")} {money(e.balanceAfter)}
              </p>
            </div>
          </li>
        ))}
      </ul>
      <KeysetPager nextCursor={ledger.nextCursor} labels={{ first: t("common.first"), next: t("common.next") }} />
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
