import { useRouteLoaderData } from "react-router";
import type { FundAccount } from "../domain/funds";
import { formatDateTime, formatMoney } from "../i18n/format";
import { useTranslation } from "../i18n/use-translation";
import { Notice } from "./notice";

/** Money and times formatted for the reader, for messages that interpolate them. */
export function useFundsFormat() {
  const { i18n } = useTranslation();
  const root = useRouteLoaderData("root") as { timeZone?: string } | undefined;
  const timeZone = root?.timeZone ?? "Asia/Shanghai";
  return {
    money: (fen: number) => formatMoney(fen, i18n.language),
    dateTime: (iso: string) => formatDateTime(iso, i18n.language, timeZone),
  };
}

/** A signed amount: increases green with a plus, decreases red. */
export function SignedMoney({ fen, className = "" }: { fen: number; className?: string }) {
  const { money } = useFundsFormat();
  const tone = fen > 0 ? "text-emerald-700" : fen < 0 ? "text-red-700" : "text-slate-600";
  return (
    <span className={`tabular-nums ${tone} ${className}`}>
      {fen > 0 ? "+" : ""}
      {money(fen)}
    </span>
  );
}

/** What the funds services answer when they refuse, as the routes pass it to the page. */
export type FundsRefusal =
  | { error: "not_found" | "future_date" | "not_reversible" }
  | { error: "below_zero"; account: FundAccount; balance: number }
  | { error: "over_credit_limit"; available: number }
  | { error: "already_reversed"; by: string; at: string }
  | { error: "below_receivable"; receivable: number }
  | { error: "already_handled"; status: "pending" | "confirmed" | "rejected"; by: string | null; at: string | null }
  | { error: "override_forbidden" };

/** A refusal in the reader's language, with the amounts and names it concerns. */
export function RefusalNotice({ refusal }: { refusal: FundsRefusal }) {
  const { t } = useTranslation();
  const { money, dateTime } = useFundsFormat();
  let text: string;
  switch (refusal.error) {
    case "not_found":
      text = t("funds.errors.notFound");
      break;
    case "future_date":
      text = t("funds.errors.futureDate");
      break;
    case "not_reversible":
      text = t("funds.errors.notReversible");
      break;
    case "below_zero":
      text = t("funds.errors.belowZero", {
        account: t(`funds.accounts.${refusal.account}`),
        balance: money(refusal.balance),
      });
      break;
    case "over_credit_limit":
      text = t("funds.errors.overCreditLimit", { available: money(refusal.available) });
      break;
    case "already_reversed":
      text = t("funds.errors.alreadyReversed", { by: refusal.by, at: dateTime(refusal.at) });
      break;
    case "below_receivable":
      text = t("funds.errors.belowReceivable", { receivable: money(refusal.receivable) });
      break;
    case "already_handled":
      text = t("funds.errors.alreadyHandled", {
        by: refusal.by ?? "—",
        status: t(`funds.reports.statuses.${refusal.status}`),
      });
      break;
    case "override_forbidden":
      text = t("funds.errors.overrideForbidden");
      break;
  }
  return <Notice tone="error">{text}</Notice>;
}

/** One figure of a balance summary: a label over an amount. */
export function Figure({
  label,
  fen,
  hint,
  emphasis = false,
  testId,
}: {
  label: string;
  fen: number;
  hint?: string;
  emphasis?: boolean;
  testId?: string;
}) {
  const { money } = useFundsFormat();
  return (
    <div
      className={`rounded-lg border p-3 ${emphasis ? "border-brand-500 bg-brand-50" : "border-slate-200 bg-white"}`}
      data-testid={testId}
    >
      <p className="text-xs text-slate-500">{label}</p>
      <p className={`mt-1 tabular-nums ${emphasis ? "text-2xl font-semibold text-brand-900" : "text-lg font-medium"}`}>
        {money(fen)}
      </p>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

/** Offline payment report statuses in the shared status colours. */
export const REPORT_BADGE = {
  pending: "pending_order_review",
  confirmed: "completed",
  rejected: "rejected",
} as const;
