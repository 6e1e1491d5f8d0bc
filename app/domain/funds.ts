/**
 * Funds and credit (资金账户与授信, DOMAIN.md §4): what a customer can spend, how an amount is
 * split across rebate, prepaid and credit, and whether a movement keeps every balance legal.
 * Integer fen only; products of fen and basis points are computed with BigInt so that no
 * amount, however large, loses its last fen.
 */

/** 预付款 prepaid, 返点 rebate, 保证金 deposit, and the receivable (应收/挂账) credit creates. */
export const FUND_ACCOUNTS = ["prepaid", "rebate", "deposit", "receivable"] as const;
export type FundAccount = (typeof FUND_ACCOUNTS)[number];

/**
 * 充值 recharge, 订单扣款 order payment, 退款 refund, 挂账 credit charge, 还款 repayment,
 * 调整 adjustment, 红冲 reversal.
 */
export const LEDGER_KINDS = [
  "recharge",
  "order_payment",
  "refund",
  "credit_charge",
  "repayment",
  "adjustment",
  "reversal",
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** 银行转账 bank, 现金 cash, 微信 wechat, 支付宝 alipay, 其他 other. */
export const PAYMENT_METHODS = ["bank", "cash", "wechat", "alipay", "other"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Entries staff may reverse (红冲) by hand; order payments and refunds are undone through their order. */
export const REVERSIBLE_KINDS: readonly LedgerKind[] = ["recharge", "adjustment", "repayment", "credit_charge"];

export const BASIS_POINTS = 10_000;

/** One customer's balances and credit, all in fen. */
export interface FundBalances {
  prepaid: number;
  rebate: number;
  deposit: number;
  receivable: number;
  creditLimit: number;
  /** Someone allowed the receivable past the limit, with a reason (the override). */
  overLimit: boolean;
}

export const EMPTY_BALANCES: FundBalances = {
  prepaid: 0,
  rebate: 0,
  deposit: 0,
  receivable: 0,
  creditLimit: 0,
  overLimit: false,
};

export function assertFen(value: number, what = "amount"): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be integer fen, got ${value}`);
  return value;
}

export function assertShareBp(bp: number): number {
  if (!Number.isInteger(bp) || bp < 0 || bp > BASIS_POINTS) throw new RangeError(`share must be 0–10000 bp, got ${bp}`);
  return bp;
}

/** ⌊amount × bp / 10000⌋: the most of `amount` a share of `bp` basis points covers. */
export function shareOf(amount: number, bp: number): number {
  assertFen(amount);
  assertShareBp(bp);
  return Number((BigInt(amount) * BigInt(bp)) / BigInt(BASIS_POINTS));
}

export function balanceOf(balances: FundBalances, account: FundAccount): number {
  return balances[account];
}

/** Credit not yet used: the limit minus the receivable, never below 0. */
export function unusedCredit(balances: FundBalances): number {
  return Math.max(0, balances.creditLimit - balances.receivable);
}

/** The rebate an order of `amount` may use: capped by the setting's share of the order and by the balance. */
export function usableRebate(balances: FundBalances, amount: number, rebateShareBp: number): number {
  return Math.min(balances.rebate, shareOf(amount, rebateShareBp));
}

/**
 * What a customer can spend on one order (可用额度): the largest amount A that prepaid + usable
 * rebate for A + unused credit covers. The rebate's cap grows with the order, so A is the
 * largest A with A − min(rebate, ⌊A·share⌋) ≤ prepaid + unused credit.
 */
export function availableToSpend(balances: FundBalances, rebateShareBp: number): number {
  const base = balances.prepaid + unusedCredit(balances);
  assertShareBp(rebateShareBp);
  if (rebateShareBp === 0 || balances.rebate === 0) return base;
  // With the whole rebate usable: A = base + rebate, if the share of that order allows it.
  const whole = base + balances.rebate;
  if (shareOf(whole, rebateShareBp) >= balances.rebate) return whole;
  if (rebateShareBp === BASIS_POINTS) return whole;
  // Otherwise the share binds: A − ⌊A·bp/N⌋ = ⌈A·(N − bp)/N⌉ ≤ base ⇔ A ≤ base·N/(N − bp).
  const a = Number((BigInt(base) * BigInt(BASIS_POINTS)) / BigInt(BASIS_POINTS - rebateShareBp));
  return Math.min(a, whole);
}

/**
 * How an order is paid (结算方式): from prepaid only; rebate (up to its share) then prepaid;
 * all on credit (挂账); or automatically — rebate, then prepaid, then credit for the rest.
 */
export const ORDER_PAYMENT_METHODS = ["prepaid", "rebate_and_prepaid", "credit", "auto"] as const;
export type OrderPaymentMethod = (typeof ORDER_PAYMENT_METHODS)[number];

export interface PaymentSplit {
  rebate: number;
  prepaid: number;
  credit: number;
}

export type SplitResult =
  | { ok: true; split: PaymentSplit }
  | { ok: false; error: "insufficient_funds"; available: number }
  | { ok: false; error: "over_credit_limit"; available: number };

/**
 * Splits an order's amount across the accounts by `method`. The parts always add up to the
 * amount. `allowOverLimit`: a permitted person overrides the credit limit (with a reason,
 * recorded by the caller); prepaid and rebate can never go below zero.
 */
export function splitOrderAmount(
  amount: number,
  balances: FundBalances,
  method: OrderPaymentMethod,
  rebateShareBp: number,
  options: { allowOverLimit?: boolean } = {},
): SplitResult {
  assertFen(amount);
  if (amount <= 0) throw new RangeError(`an order amount must be positive, got ${amount}`);
  const credit = unusedCredit(balances);
  const overOk = options.allowOverLimit === true;
  if (method === "prepaid") {
    if (balances.prepaid < amount) return { ok: false, error: "insufficient_funds", available: balances.prepaid };
    return { ok: true, split: { rebate: 0, prepaid: amount, credit: 0 } };
  }
  if (method === "rebate_and_prepaid") {
    const rebate = usableRebate(balances, amount, rebateShareBp);
    if (balances.prepaid < amount - rebate) {
      return { ok: false, error: "insufficient_funds", available: balances.prepaid + rebate };
    }
    return { ok: true, split: { rebate, prepaid: amount - rebate, credit: 0 } };
  }
  if (method === "credit") {
    if (amount > credit && !overOk) return { ok: false, error: "over_credit_limit", available: credit };
    return { ok: true, split: { rebate: 0, prepaid: 0, credit: amount } };
  }
  const rebate = usableRebate(balances, amount, rebateShareBp);
  const prepaid = Math.min(balances.prepaid, amount - rebate);
  const rest = amount - rebate - prepaid;
  if (rest > credit && !overOk) {
    return { ok: false, error: "insufficient_funds", available: availableToSpend(balances, rebateShareBp) };
  }
  return { ok: true, split: { rebate, prepaid, credit: rest } };
}

/**
 * Splits a refund over what an order paid (net of earlier refunds): the receivable is reduced
 * first (the customer owes less before getting money back), then prepaid, then rebate. Never
 * more than was paid from an account.
 */
export function splitRefund(
  amount: number,
  paid: PaymentSplit,
): { ok: true; split: PaymentSplit } | { ok: false; error: "exceeds_paid"; refundable: number } {
  assertFen(amount);
  if (amount <= 0) throw new RangeError(`a refund must be positive, got ${amount}`);
  const refundable = paid.credit + paid.prepaid + paid.rebate;
  if (amount > refundable) return { ok: false, error: "exceeds_paid", refundable };
  const credit = Math.min(paid.credit, amount);
  const prepaid = Math.min(paid.prepaid, amount - credit);
  return { ok: true, split: { credit, prepaid, rebate: amount - credit - prepaid } };
}

/**
 * What an order still has paid, per source, after `refunded` fen came back. Refunds always
 * consume the sources in splitRefund's order, so the charges and the refunded total decide it
 * — wherever a refund landed (a repaid credit part comes back as prepaid).
 */
export function netPaid(charged: PaymentSplit, refunded: number): PaymentSplit {
  assertFen(refunded);
  if (refunded === 0) return { ...charged };
  const back = splitRefund(refunded, charged);
  if (!back.ok) throw new RangeError(`refunded ${refunded} exceeds what was charged`);
  return {
    credit: charged.credit - back.split.credit,
    prepaid: charged.prepaid - back.split.prepaid,
    rebate: charged.rebate - back.split.rebate,
  };
}

export type MovementResult =
  | { ok: true; balances: FundBalances; balanceAfter: number }
  | { ok: false; error: "below_zero"; balance: number }
  | { ok: false; error: "over_credit_limit"; available: number };

/**
 * The one rule every ledger row passes: the account's balance changes by `amount` and must stay
 * ≥ 0; the receivable may only grow past the credit limit when a permitted person overrides it.
 * The override flag lasts while the receivable stays above the limit.
 */
export function applyMovement(
  balances: FundBalances,
  account: FundAccount,
  amount: number,
  options: { allowOverLimit?: boolean } = {},
): MovementResult {
  assertFen(amount);
  if (amount === 0) throw new RangeError("a ledger movement cannot be 0");
  const before = balances[account];
  const after = before + amount;
  assertFen(after, "balance");
  if (after < 0) return { ok: false, error: "below_zero", balance: before };
  const next = { ...balances, [account]: after };
  if (account === "receivable") {
    const within = after <= balances.creditLimit;
    if (!within && amount > 0 && !options.allowOverLimit) {
      return { ok: false, error: "over_credit_limit", available: unusedCredit(balances) };
    }
    next.overLimit = !within;
  }
  return { ok: true, balances: next, balanceAfter: after };
}

export type CreditLimitResult =
  | { ok: true; balances: FundBalances }
  | { ok: false; error: "below_receivable"; receivable: number };

/** A new credit limit (授信额度); below the current receivable only as an override with a reason. */
export function changeCreditLimit(
  balances: FundBalances,
  creditLimit: number,
  options: { allowOverLimit?: boolean } = {},
): CreditLimitResult {
  assertFen(creditLimit, "credit limit");
  if (creditLimit < 0) throw new RangeError("a credit limit cannot be negative");
  const within = balances.receivable <= creditLimit;
  if (!within && !options.allowOverLimit) {
    return { ok: false, error: "below_receivable", receivable: balances.receivable };
  }
  return { ok: true, balances: { ...balances, creditLimit, overLimit: !within } };
}

/** Which (kind, account, sign) combinations a ledger row may have; the database CHECK says the same. */
export function isValidEntry(kind: LedgerKind, account: FundAccount, amount: number): boolean {
  if (amount === 0) return false;
  switch (kind) {
    case "recharge":
      return amount > 0 && account !== "receivable";
    case "order_payment":
      return amount < 0 && (account === "prepaid" || account === "rebate");
    case "refund":
      return account === "receivable" ? amount < 0 : amount > 0 && (account === "prepaid" || account === "rebate");
    case "credit_charge":
      return amount > 0 && account === "receivable";
    case "repayment":
      return amount < 0 && account === "receivable";
    case "adjustment":
    case "reversal":
      return true;
  }
}

export interface StatementRow {
  account: FundAccount;
  amount: number;
}

export interface StatementTotals {
  opening: number;
  increase: number;
  decrease: number;
  closing: number;
}

/**
 * A statement (对账单) for a period: per account the opening balance, what came in and went out,
 * and the closing balance; and for each movement the account's running balance after it.
 */
export function buildStatement<Row extends StatementRow>(
  openings: Readonly<Record<FundAccount, number>>,
  rows: readonly Row[],
): { totals: Record<FundAccount, StatementTotals>; lines: Array<Row & { runningBalance: number }> } {
  const totals = Object.fromEntries(
    FUND_ACCOUNTS.map((a) => [a, { opening: openings[a], increase: 0, decrease: 0, closing: openings[a] }]),
  ) as Record<FundAccount, StatementTotals>;
  const lines = rows.map((row) => {
    const t = totals[row.account];
    assertFen(row.amount);
    if (row.amount > 0) t.increase += row.amount;
    else t.decrease -= row.amount;
    t.closing += row.amount;
    return { ...row, runningBalance: t.closing };
  });
  return { totals, lines };
}

/** How the console's balances list (余额与应收) can be sorted and narrowed. */
export const BALANCE_SORTS = [
  "code",
  "-code",
  "name",
  "-name",
  "prepaid",
  "-prepaid",
  "rebate",
  "-rebate",
  "deposit",
  "-deposit",
  "receivable",
  "-receivable",
  "creditLimit",
  "-creditLimit",
] as const;
export type BalanceSort = (typeof BALANCE_SORTS)[number];

export const BALANCE_FILTERS = ["receivable", "overLimit", "pendingReports"] as const;
export type BalanceFilter = (typeof BALANCE_FILTERS)[number];
