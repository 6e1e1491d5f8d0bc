import { type Kysely, sql } from "kysely";
import { isUniqueViolation } from "../../db/errors";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import {
  applyMovement,
  assertFen,
  assertShareBp,
  availableToSpend as availableFor,
  type BalanceFilter,
  type BalanceSort,
  buildStatement,
  changeCreditLimit,
  EMPTY_BALANCES,
  FUND_ACCOUNTS,
  type FundAccount,
  type FundBalances,
  isValidEntry,
  type LedgerKind,
  netPaid,
  type OrderPaymentMethod,
  type PaymentMethod,
  type PaymentSplit,
  REVERSIBLE_KINDS,
  type StatementTotals,
  splitOrderAmount,
  splitRefund,
  unusedCredit,
} from "../domain/funds";
import { calendarDay } from "../domain/intl";
import type { StaffGrant } from "../domain/permissions";
import { getEnv } from "../env.server";
import { type Actor, recordAudit } from "./audit.server";
import { type ImageRejection, prepareImage } from "./images.server";
import { afterKey, decodeCursor, encodeCursor } from "./keyset.server";
import { emitEvent } from "./outbox.server";
import { inRegionScope } from "./scope.server";
import { getSettings, updateSettings } from "./settings.server";
import { assertPermission, PermissionDeniedError, type StaffActor } from "./staff-actor.server";
import { containsText } from "./text-search.server";

/**
 * Funds and credit (资金账户与授信, DOMAIN.md §4). Every money movement locks the customer's
 * balance row, applies the one domain rule (applyMovement), updates the balance and appends its
 * ledger row with the balance after — in one transaction with its audit row — so that every
 * balance always equals the sum of its ledger.
 *
 * Two layers: the order pipeline calls the inner functions (chargeOrder, refundOrder,
 * availableToSpend) inside its own transaction; the console and storefront call the wrappers,
 * which check permission and region scope and open the transaction themselves.
 */

/** Who is looking: staff within their regions, or one customer at its own data only. */
export type FundsScope = { kind: "staff"; grant: StaffGrant } | { kind: "customer"; customerId: number };

/** An actor that may carry a staff grant (needed only to override the credit limit). */
export type FundsActor = Actor & { grant?: StaffGrant };

/** The deployment's calendar day of `now`, as YYYY-MM-DD: the default business date. */
export function localDay(now: Date, timeZone = getEnv().APP_TIMEZONE): string {
  return calendarDay(now, timeZone);
}

const BALANCE_COLUMNS = {
  prepaid: "prepaid",
  rebate: "rebate",
  deposit: "deposit",
  receivable: "receivable",
} as const satisfies Record<FundAccount, string>;

interface LockedBalances {
  balances: FundBalances;
  overLimitReason: string | null;
}

function toBalances(row: {
  prepaid: number;
  rebate: number;
  deposit: number;
  receivable: number;
  credit_limit: number;
  over_limit_reason: string | null;
}): FundBalances {
  return {
    prepaid: Number(row.prepaid),
    rebate: Number(row.rebate),
    deposit: Number(row.deposit),
    receivable: Number(row.receivable),
    creditLimit: Number(row.credit_limit),
    overLimit: row.over_limit_reason !== null,
  };
}

const BALANCE_FIELDS = ["prepaid", "rebate", "deposit", "receivable", "credit_limit", "over_limit_reason"] as const;

/** A customer's balances without locking; zeros before its first movement. */
export async function readBalances(db: Kysely<DB>, customerId: number): Promise<FundBalances> {
  const row = await db
    .selectFrom("fund_balances")
    .select(BALANCE_FIELDS)
    .where("customer_id", "=", customerId)
    .executeTakeFirst();
  return row ? toBalances(row) : { ...EMPTY_BALANCES };
}

/**
 * Locks the customer's balance row for the rest of the transaction (creating it at zero on the
 * first movement). Every money movement of a customer passes here first, so movements of one
 * customer are serialised and never lose an update.
 */
async function lockBalances(trx: Kysely<DB>, customerId: number, now: Date): Promise<LockedBalances> {
  await trx
    .insertInto("fund_balances")
    .values({ customer_id: customerId, updated_at: now.toISOString() })
    .onConflict((oc) => oc.column("customer_id").doNothing())
    .execute();
  const row = await forUpdate(
    trx,
    trx.selectFrom("fund_balances").select(BALANCE_FIELDS).where("customer_id", "=", customerId),
  ).executeTakeFirstOrThrow();
  return { balances: toBalances(row), overLimitReason: row.over_limit_reason };
}

export interface LedgerEntryInput {
  customerId: number;
  account: FundAccount;
  kind: LedgerKind;
  /** Signed fen: the change of the account's balance. */
  amount: number;
  method?: PaymentMethod | null;
  reference?: string;
  reason?: string;
  /** YYYY-MM-DD; defaults to today in the deployment's time zone. */
  businessDate?: string;
  orderId?: number | null;
  paymentReportId?: number | null;
  reversalOf?: number | null;
  /** Let the receivable pass the credit limit: the override's reason (caller checked customer.credit). */
  overLimitReason?: string | null;
}

export type MovementRefusal =
  | { ok: false; error: "below_zero"; account: FundAccount; balance: number }
  | { ok: false; error: "over_credit_limit"; available: number };

type WriteResult = { ok: true; entryId: number; balanceAfter: number; state: LockedBalances } | MovementRefusal;

/** Applies one movement to locked balances and appends its ledger row. Nothing is written on a refusal. */
async function writeEntry(
  trx: Kysely<DB>,
  state: LockedBalances,
  entry: LedgerEntryInput,
  actor: Actor,
  now: Date,
): Promise<WriteResult> {
  assertFen(entry.amount);
  if (!isValidEntry(entry.kind, entry.account, entry.amount)) {
    throw new Error(`invalid ledger entry: ${entry.kind} ${entry.amount} on ${entry.account}`);
  }
  const overReason = entry.overLimitReason?.trim() || null;
  const moved = applyMovement(state.balances, entry.account, entry.amount, { allowOverLimit: overReason !== null });
  if (!moved.ok) {
    return moved.error === "below_zero"
      ? { ok: false, error: "below_zero", account: entry.account, balance: moved.balance }
      : { ok: false, error: "over_credit_limit", available: moved.available };
  }
  const overLimitReason = moved.balances.overLimit
    ? entry.account === "receivable" && entry.amount > 0 && overReason
      ? overReason
      : state.overLimitReason
    : null;
  await trx
    .updateTable("fund_balances")
    .set({
      [BALANCE_COLUMNS[entry.account]]: moved.balanceAfter,
      over_limit_reason: overLimitReason,
      updated_at: now.toISOString(),
    })
    .where("customer_id", "=", entry.customerId)
    .execute();
  const { id } = await trx
    .insertInto("fund_ledger")
    .values({
      customer_id: entry.customerId,
      account: entry.account,
      kind: entry.kind,
      amount: entry.amount,
      balance_after: moved.balanceAfter,
      method: entry.method ?? null,
      reference: entry.reference ?? "",
      reason: entry.reason ?? "",
      business_date: entry.businessDate ?? localDay(now),
      order_id: entry.orderId ?? null,
      payment_report_id: entry.paymentReportId ?? null,
      reversal_of: entry.reversalOf ?? null,
      actor_account_id: actor.accountId,
      actor_name: actor.name,
      created_at: now.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return {
    ok: true,
    entryId: id,
    balanceAfter: moved.balanceAfter,
    state: { balances: moved.balances, overLimitReason },
  };
}

function requireTransaction(trx: Kysely<DB>, what: string): void {
  if (!trx.isTransaction) throw new Error(`${what} must run inside the caller's transaction`);
}

function checkOverride(actor: FundsActor, reason: string | null | undefined): string | null {
  const trimmed = reason?.trim() || null;
  if (trimmed === null) return null;
  if (!actor.grant?.permissions.has("customer.credit")) throw new PermissionDeniedError("customer.credit");
  return trimmed;
}

// ---------------------------------------------------------------------------------------------
// For the order pipeline: inside the caller's transaction.
// ---------------------------------------------------------------------------------------------

export interface SpendingPower {
  balances: FundBalances;
  rebateShareBp: number;
  unusedCredit: number;
  /** The largest order the customer can pay now (prepaid + usable rebate + unused credit). */
  available: number;
}

/** What a customer can spend now. Takes `db` or a transaction; reads without locking. */
export async function availableToSpend(db: Kysely<DB>, customerId: number): Promise<SpendingPower> {
  const [balances, settings] = await Promise.all([readBalances(db, customerId), getSettings(db)]);
  const rebateShareBp = assertShareBp(settings.rebateShareBp);
  return {
    balances,
    rebateShareBp,
    unusedCredit: unusedCredit(balances),
    available: availableFor(balances, rebateShareBp),
  };
}

/** What an order has paid and not yet had back, per source. */
export async function orderPayments(db: Kysely<DB>, orderId: number): Promise<PaymentSplit> {
  const rows = await db
    .selectFrom("fund_ledger")
    .select(["account", "kind", (eb) => eb.fn.sum<number>("amount").as("total")])
    .where("order_id", "=", orderId)
    .where("kind", "in", ["order_payment", "credit_charge", "refund"])
    .groupBy(["account", "kind"])
    .execute();
  const total = (account: FundAccount, kind: LedgerKind) =>
    Number(rows.find((r) => r.account === account && r.kind === kind)?.total ?? 0);
  const charged = {
    // 0 - x, not -x: an account the order did not touch is 0, not -0.
    prepaid: 0 - total("prepaid", "order_payment"),
    rebate: 0 - total("rebate", "order_payment"),
    credit: total("receivable", "credit_charge"),
  };
  const refunded = total("prepaid", "refund") + total("rebate", "refund") - total("receivable", "refund");
  return netPaid(charged, refunded);
}

export interface ChargeOrderInput {
  customerId: number;
  orderId: number;
  /** Shown on the ledger row as its reference, e.g. DH20261127-0007. */
  orderNumber: string;
  amount: number;
  method: OrderPaymentMethod;
  /** Defaults to the setting in force. */
  rebateShareBp?: number;
  /** Charge to credit beyond the limit: the reason; the actor must hold customer.credit. */
  overLimitReason?: string | null;
}

export type ChargeOrderResult =
  | { ok: true; split: PaymentSplit; entryIds: number[]; balances: FundBalances }
  | { ok: false; error: "already_charged"; paid: PaymentSplit }
  | { ok: false; error: "insufficient_funds" | "over_credit_limit"; available: number };

/**
 * Pays an order (财务审核): splits the amount by the one domain rule and writes one ledger row
 * per source — 订单扣款 from rebate and prepaid, 挂账 to the receivable — and an audit row. Runs
 * inside the caller's transaction (the pipeline's transition); refuses an order already paid.
 */
export async function chargeOrder(
  trx: Kysely<DB>,
  input: ChargeOrderInput,
  actor: FundsActor,
  now: Date,
): Promise<ChargeOrderResult> {
  requireTransaction(trx, "chargeOrder");
  assertFen(input.amount);
  if (input.amount <= 0) throw new RangeError("an order charge must be positive");
  const overLimitReason = checkOverride(actor, input.overLimitReason);
  let state = await lockBalances(trx, input.customerId, now);
  const paid = await orderPayments(trx, input.orderId);
  if (paid.prepaid + paid.rebate + paid.credit > 0) return { ok: false, error: "already_charged", paid };
  const rebateShareBp = input.rebateShareBp ?? (await getSettings(trx)).rebateShareBp;
  const split = splitOrderAmount(input.amount, state.balances, input.method, rebateShareBp, {
    allowOverLimit: overLimitReason !== null,
  });
  if (!split.ok) return split;
  const parts: Array<[FundAccount, LedgerKind, number]> = [
    ["rebate", "order_payment", -split.split.rebate],
    ["prepaid", "order_payment", -split.split.prepaid],
    ["receivable", "credit_charge", split.split.credit],
  ];
  const entryIds: number[] = [];
  for (const [account, kind, amount] of parts) {
    if (amount === 0) continue;
    const written = await writeEntry(
      trx,
      state,
      {
        customerId: input.customerId,
        account,
        kind,
        amount,
        reference: input.orderNumber,
        orderId: input.orderId,
        overLimitReason: account === "receivable" ? overLimitReason : null,
      },
      actor,
      now,
    );
    // The split was computed from these very balances under the lock: a refusal here is a bug.
    if (!written.ok) throw new Error(`order charge refused after a successful split: ${written.error}`);
    state = written.state;
    entryIds.push(written.entryId);
  }
  await recordAudit(
    trx,
    actor,
    {
      action: "funds.order_charge",
      objectType: "customer_funds",
      objectId: input.customerId,
      after: {
        order: input.orderNumber,
        amount: input.amount,
        method: input.method,
        split: split.split,
        ...(overLimitReason ? { overLimitReason } : {}),
      },
    },
    now,
  );
  return { ok: true, split: split.split, entryIds, balances: state.balances };
}

export interface RefundOrderInput {
  customerId: number;
  orderId: number;
  orderNumber: string;
  /** Fen to give back; omitted: everything the order still has paid. */
  amount?: number;
  reason?: string;
}

export type RefundOrderResult =
  | { ok: true; split: PaymentSplit; entryIds: number[]; balances: FundBalances }
  | { ok: false; error: "nothing_to_refund" }
  | { ok: false; error: "exceeds_paid"; refundable: number };

/**
 * Gives back what an order paid (退款), to where it came from: the receivable first, then
 * prepaid, then rebate. A credit part already repaid by the customer comes back as prepaid.
 * Runs inside the caller's transaction (a void, a cancelled order, a return's refund review).
 */
export async function refundOrder(
  trx: Kysely<DB>,
  input: RefundOrderInput,
  actor: FundsActor,
  now: Date,
): Promise<RefundOrderResult> {
  requireTransaction(trx, "refundOrder");
  let state = await lockBalances(trx, input.customerId, now);
  const paid = await orderPayments(trx, input.orderId);
  const refundable = paid.prepaid + paid.rebate + paid.credit;
  if (refundable === 0) return { ok: false, error: "nothing_to_refund" };
  const amount = input.amount ?? refundable;
  if (amount <= 0) throw new RangeError("a refund must be positive");
  const planned = splitRefund(amount, paid);
  if (!planned.ok) return planned;
  // What the customer has since repaid of the credit part is owed back as prepaid.
  const offReceivable = Math.min(planned.split.credit, state.balances.receivable);
  const toPrepaid = planned.split.prepaid + (planned.split.credit - offReceivable);
  const parts: Array<[FundAccount, number]> = [
    ["receivable", -offReceivable],
    ["prepaid", toPrepaid],
    ["rebate", planned.split.rebate],
  ];
  const entryIds: number[] = [];
  for (const [account, delta] of parts) {
    if (delta === 0) continue;
    const written = await writeEntry(
      trx,
      state,
      {
        customerId: input.customerId,
        account,
        kind: "refund",
        amount: delta,
        reference: input.orderNumber,
        reason: input.reason ?? "",
        orderId: input.orderId,
      },
      actor,
      now,
    );
    if (!written.ok) throw new Error(`order refund refused: ${written.error}`);
    state = written.state;
    entryIds.push(written.entryId);
  }
  const split = { credit: offReceivable, prepaid: toPrepaid, rebate: planned.split.rebate };
  await recordAudit(
    trx,
    actor,
    {
      action: "funds.order_refund",
      objectType: "customer_funds",
      objectId: input.customerId,
      after: { order: input.orderNumber, amount, split, reason: input.reason ?? "" },
    },
    now,
  );
  return { ok: true, split, entryIds, balances: state.balances };
}

// ---------------------------------------------------------------------------------------------
// Reading, scoped: staff within their regions, a customer only itself.
// ---------------------------------------------------------------------------------------------

export interface FundsCustomer {
  id: number;
  code: string;
  name: string;
  regionId: number;
  regionName: string;
}

/** The customer if the scope may see it; otherwise null, the same as for one that does not exist. */
export async function customerInScope(
  db: Kysely<DB>,
  scope: FundsScope,
  customerId: number,
): Promise<FundsCustomer | null> {
  if (scope.kind === "customer" && scope.customerId !== customerId) return null;
  let query = db
    .selectFrom("customers as c")
    .innerJoin("regions as r", "r.id", "c.region_id")
    .select(["c.id", "c.code", "c.name", "c.region_id as regionId", "r.name as regionName"])
    .where("c.id", "=", customerId);
  if (scope.kind === "staff") query = inRegionScope(query, "c.region_id", scope.grant);
  return (await query.executeTakeFirst()) ?? null;
}

export interface CustomerFunds extends SpendingPower {
  customer: FundsCustomer;
  overLimitReason: string | null;
  pendingReports: number;
}

export async function getCustomerFunds(
  db: Kysely<DB>,
  scope: FundsScope,
  customerId: number,
): Promise<CustomerFunds | null> {
  const customer = await customerInScope(db, scope, customerId);
  if (!customer) return null;
  const [power, row, pending] = await Promise.all([
    availableToSpend(db, customerId),
    db.selectFrom("fund_balances").select("over_limit_reason").where("customer_id", "=", customerId).executeTakeFirst(),
    db
      .selectFrom("payment_reports")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("customer_id", "=", customerId)
      .where("status", "=", "pending")
      .executeTakeFirstOrThrow(),
  ]);
  return { ...power, customer, overLimitReason: row?.over_limit_reason ?? null, pendingReports: Number(pending.n) };
}

export interface LedgerEntry {
  id: number;
  account: FundAccount;
  kind: LedgerKind;
  amount: number;
  balanceAfter: number;
  method: PaymentMethod | null;
  reference: string;
  reason: string;
  businessDate: string;
  orderId: number | null;
  paymentReportId: number | null;
  reversalOf: number | null;
  /** The reversal (红冲) that negated this row, if any. */
  reversedBy: number | null;
  actorName: string;
  createdAt: string;
  /** Staff may reverse it now (a manual entry not yet reversed). */
  reversible: boolean;
}

export interface LedgerQuery {
  account?: FundAccount;
  kind?: LedgerKind;
  /** Business dates, inclusive, YYYY-MM-DD. */
  from?: string;
  to?: string;
  /** Part of the reference or reason. */
  q?: string;
  /** One entry only (e.g. the one about to be reversed). */
  entryId?: number;
  /** Keyset cursor: the previous page's `nextCursor`. */
  after?: string;
  limit: number;
}

/** A customer's ledger, newest first, filtered, a page at a time; null outside the scope. */
export async function listLedger(
  db: Kysely<DB>,
  scope: FundsScope,
  customerId: number,
  query: LedgerQuery,
): Promise<{ items: LedgerEntry[]; nextCursor: string | null } | null> {
  if (!(await customerInScope(db, scope, customerId))) return null;
  let qb = db
    .selectFrom("fund_ledger as l")
    .leftJoin("fund_ledger as r", "r.reversal_of", "l.id")
    .select([
      "l.id",
      "l.account",
      "l.kind",
      "l.amount",
      "l.balance_after",
      "l.method",
      "l.reference",
      "l.reason",
      "l.business_date",
      "l.order_id",
      "l.payment_report_id",
      "l.reversal_of",
      "r.id as reversed_by",
      "l.actor_name",
      "l.created_at",
    ])
    .where("l.customer_id", "=", customerId);
  if (query.account) qb = qb.where("l.account", "=", query.account);
  if (query.kind) qb = qb.where("l.kind", "=", query.kind);
  if (query.entryId !== undefined) qb = qb.where("l.id", "=", query.entryId);
  if (query.from) qb = qb.where("l.business_date", ">=", query.from);
  if (query.to) qb = qb.where("l.business_date", "<=", query.to);
  const q = query.q?.trim();
  if (q) {
    qb = qb.where(containsText(["l.reference", "l.reason"], q));
  }
  const cursor = decodeCursor(query.after, ["number"]);
  if (cursor) qb = qb.where("l.id", "<", cursor[0] as number);
  const rows = await qb
    .orderBy("l.id", "desc")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      account: r.account,
      kind: r.kind,
      amount: Number(r.amount),
      balanceAfter: Number(r.balance_after),
      method: r.method,
      reference: r.reference,
      reason: r.reason,
      businessDate: r.business_date,
      orderId: r.order_id,
      paymentReportId: r.payment_report_id,
      reversalOf: r.reversal_of,
      reversedBy: r.reversed_by ?? null,
      actorName: r.actor_name,
      createdAt: r.created_at,
      reversible: r.reversed_by == null && REVERSIBLE_KINDS.includes(r.kind) && r.order_id === null,
    })),
    nextCursor: rows.length > query.limit ? encodeCursor([page[page.length - 1]!.id]) : null,
  };
}

export interface StatementLine {
  id: number;
  businessDate: string;
  account: FundAccount;
  kind: LedgerKind;
  amount: number;
  runningBalance: number;
  method: PaymentMethod | null;
  reference: string;
  reason: string;
  reversalOf: number | null;
}

export interface Statement {
  customer: FundsCustomer;
  from: string;
  to: string;
  totals: Record<FundAccount, StatementTotals>;
  lines: StatementLine[];
  creditLimit: number;
}

/**
 * A statement (对账单) for business dates from..to inclusive: per account the opening balance
 * (everything before `from`), the movements in date order with running balances, and the
 * closing balance. Null outside the scope — a customer asking for another's gets nothing.
 */
export async function getStatement(
  db: Kysely<DB>,
  scope: FundsScope,
  customerId: number,
  period: { from: string; to: string },
): Promise<Statement | null> {
  const customer = await customerInScope(db, scope, customerId);
  if (!customer) return null;
  const [before, rows, balances] = await Promise.all([
    db
      .selectFrom("fund_ledger")
      .select(["account", (eb) => eb.fn.sum<number>("amount").as("total")])
      .where("customer_id", "=", customerId)
      .where("business_date", "<", period.from)
      .groupBy("account")
      .execute(),
    db
      .selectFrom("fund_ledger")
      .select(["id", "business_date", "account", "kind", "amount", "method", "reference", "reason", "reversal_of"])
      .where("customer_id", "=", customerId)
      .where("business_date", ">=", period.from)
      .where("business_date", "<=", period.to)
      .orderBy("business_date")
      .orderBy("id")
      .execute(),
    readBalances(db, customerId),
  ]);
  const openings = Object.fromEntries(
    FUND_ACCOUNTS.map((a) => [a, Number(before.find((r) => r.account === a)?.total ?? 0)]),
  ) as Record<FundAccount, number>;
  const built = buildStatement(
    openings,
    rows.map((r) => ({
      id: r.id,
      businessDate: r.business_date,
      account: r.account,
      kind: r.kind,
      amount: Number(r.amount),
      method: r.method,
      reference: r.reference,
      reason: r.reason,
      reversalOf: r.reversal_of,
    })),
  );
  return { customer, ...period, totals: built.totals, lines: built.lines, creditLimit: balances.creditLimit };
}

export interface BalanceListItem {
  customerId: number;
  code: string;
  name: string;
  regionName: string;
  prepaid: number;
  rebate: number;
  deposit: number;
  receivable: number;
  creditLimit: number;
  unusedCredit: number;
  overLimit: boolean;
  pendingReports: number;
}

export interface BalanceListQuery {
  q?: string;
  regionId?: number;
  filter?: BalanceFilter;
  sort?: BalanceSort;
  after?: string;
  limit: number;
}

/** Customers' balances and receivables (余额与应收) within the staff member's regions. */
export async function listBalances(
  db: Kysely<DB>,
  grant: StaffGrant,
  query: BalanceListQuery,
): Promise<{ items: BalanceListItem[]; nextCursor: string | null }> {
  const money = {
    prepaid: sql<number>`coalesce(b.prepaid, 0)`,
    rebate: sql<number>`coalesce(b.rebate, 0)`,
    deposit: sql<number>`coalesce(b.deposit, 0)`,
    receivable: sql<number>`coalesce(b.receivable, 0)`,
    creditLimit: sql<number>`coalesce(b.credit_limit, 0)`,
  };
  let qb = db
    .selectFrom("customers as c")
    .innerJoin("regions as rg", "rg.id", "c.region_id")
    .leftJoin("fund_balances as b", "b.customer_id", "c.id")
    .select((eb) => [
      "c.id as customerId",
      "c.code",
      "c.name",
      "rg.name as regionName",
      money.prepaid.as("prepaid"),
      money.rebate.as("rebate"),
      money.deposit.as("deposit"),
      money.receivable.as("receivable"),
      money.creditLimit.as("creditLimit"),
      "b.over_limit_reason",
      eb
        .selectFrom("payment_reports as p")
        .select((e) => e.fn.countAll<number>().as("n"))
        .whereRef("p.customer_id", "=", "c.id")
        .where("p.status", "=", "pending")
        .as("pendingReports"),
    ]);
  qb = inRegionScope(qb, "c.region_id", grant);
  const q = query.q?.trim();
  if (q) {
    qb = qb.where(containsText(["c.code", "c.name"], q));
  }
  if (query.regionId !== undefined) qb = qb.where("c.region_id", "=", query.regionId);
  if (query.filter === "receivable") qb = qb.where(money.receivable, ">", 0);
  if (query.filter === "overLimit") qb = qb.where("b.over_limit_reason", "is not", null);
  if (query.filter === "pendingReports") {
    qb = qb.where((eb) =>
      eb.exists(
        eb
          .selectFrom("payment_reports as p")
          .select("p.id")
          .whereRef("p.customer_id", "=", "c.id")
          .where("p.status", "=", "pending"),
      ),
    );
  }

  const sort = query.sort ?? "code";
  const descending = sort.startsWith("-");
  const field = sort.replace(/^-/, "") as "code" | "name" | keyof typeof money;
  // The code is unique, so it ends every sort key.
  const isMoney = field !== "code" && field !== "name";
  const key = field === "code" ? [sql.ref("c.code")] : [isMoney ? money[field] : sql.ref("c.name"), sql.ref("c.code")];
  const cursor = decodeCursor(query.after, field === "code" ? ["string"] : [isMoney ? "number" : "string", "string"]);
  if (cursor) qb = qb.where(() => afterKey(key, cursor, descending));
  for (const column of key) qb = qb.orderBy(column, descending ? "desc" : "asc");
  const rows = await qb.limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const items = page.map((r) => {
    const balances: FundBalances = {
      prepaid: Number(r.prepaid),
      rebate: Number(r.rebate),
      deposit: Number(r.deposit),
      receivable: Number(r.receivable),
      creditLimit: Number(r.creditLimit),
      overLimit: r.over_limit_reason !== null,
    };
    return {
      customerId: r.customerId,
      code: r.code,
      name: r.name,
      regionName: r.regionName,
      ...balances,
      unusedCredit: unusedCredit(balances),
      pendingReports: Number(r.pendingReports ?? 0),
    };
  });
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor(field === "code" ? [last.code] : [isMoney ? last[field] : last.name, last.code])
        : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Console actions: permission, region scope, one transaction each.
// ---------------------------------------------------------------------------------------------

export type FundsActionResult =
  | { ok: true; entryId: number; balanceAfter: number }
  | { ok: false; error: "not_found" }
  | { ok: false; error: "future_date" }
  | MovementRefusal;

// Thrown inside a transaction so that a refusal rolls everything back, then returned as a result.
class Refusal<R> extends Error {
  constructor(readonly result: R) {
    super("refused");
  }
}

async function refusable<R>(work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Refusal) return error.result as R;
    throw error;
  }
}

function checkBusinessDate(businessDate: string | undefined, now: Date): boolean {
  return businessDate === undefined || businessDate <= localDay(now);
}

/** `payment.recorded` for webhooks, in the transaction that credits the money (DOMAIN §7.6). */
async function emitPaymentRecorded(
  trx: Kysely<DB>,
  entry: LedgerEntryInput,
  written: { entryId: number; balanceAfter: number },
  now: Date,
): Promise<void> {
  const customer = await trx
    .selectFrom("customers")
    .select("code")
    .where("id", "=", entry.customerId)
    .executeTakeFirstOrThrow();
  await emitEvent(
    trx,
    {
      type: "payment.recorded",
      aggregateType: "payment",
      aggregateId: String(written.entryId),
      payload: {
        entryId: written.entryId,
        customerCode: customer.code,
        account: entry.account,
        kind: entry.kind,
        amount: entry.amount,
        balanceAfter: written.balanceAfter,
        method: entry.method ?? null,
        reference: entry.reference ?? "",
        businessDate: entry.businessDate ?? localDay(now),
      },
    },
    now,
  );
}

/** One manual movement: scope, lock, write, audit. */
async function manualMovement(
  db: Kysely<DB>,
  actor: StaffActor,
  entry: LedgerEntryInput,
  audit: { action: string; extra?: Record<string, unknown>; paymentEvent?: boolean },
  now: Date,
): Promise<FundsActionResult> {
  if (!checkBusinessDate(entry.businessDate, now)) return { ok: false, error: "future_date" };
  return db.transaction().execute(async (trx) => {
    if (!(await customerInScope(trx, { kind: "staff", grant: actor.grant }, entry.customerId))) {
      return { ok: false, error: "not_found" } as const;
    }
    const state = await lockBalances(trx, entry.customerId, now);
    const written = await writeEntry(trx, state, entry, actor, now);
    if (!written.ok) return written;
    await recordAudit(
      trx,
      actor,
      {
        action: audit.action,
        objectType: "customer_funds",
        objectId: entry.customerId,
        before: { [entry.account]: state.balances[entry.account] },
        after: {
          [entry.account]: written.balanceAfter,
          entryId: written.entryId,
          kind: entry.kind,
          amount: entry.amount,
          method: entry.method ?? null,
          reference: entry.reference ?? "",
          reason: entry.reason ?? "",
          businessDate: entry.businessDate ?? localDay(now),
          ...audit.extra,
        },
      },
      now,
    );
    if (audit.paymentEvent) await emitPaymentRecorded(trx, entry, written, now);
    return { ok: true, entryId: written.entryId, balanceAfter: written.balanceAfter } as const;
  });
}

export interface RecordPaymentInput {
  customerId: number;
  /** prepaid: 预付款充值; deposit: 保证金; receivable: 还款 against credit. */
  account: "prepaid" | "deposit" | "receivable";
  amount: number;
  method: PaymentMethod;
  reference: string;
  businessDate: string;
  reason?: string;
}

/** 收款确认: money received by bank, cash, WeChat, Alipay… credited to prepaid or deposit, or repaying credit. */
export async function recordPayment(
  db: Kysely<DB>,
  actor: StaffActor,
  input: RecordPaymentInput,
  now: Date,
): Promise<FundsActionResult> {
  assertPermission(actor, "funds.manage");
  assertFen(input.amount);
  if (input.amount <= 0) throw new RangeError("a payment must be positive");
  const repayment = input.account === "receivable";
  return manualMovement(
    db,
    actor,
    {
      customerId: input.customerId,
      account: input.account,
      kind: repayment ? "repayment" : "recharge",
      amount: repayment ? -input.amount : input.amount,
      method: input.method,
      reference: input.reference,
      reason: input.reason ?? "",
      businessDate: input.businessDate,
    },
    { action: repayment ? "funds.repayment" : "funds.payment", paymentEvent: true },
    now,
  );
}

/** 返点入账: the supplier credits a rebate (only the supplier ever does). */
export async function creditRebate(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { customerId: number; amount: number; reason: string; reference?: string; businessDate: string },
  now: Date,
): Promise<FundsActionResult> {
  assertPermission(actor, "funds.manage");
  assertFen(input.amount);
  if (input.amount <= 0) throw new RangeError("a rebate must be positive");
  return manualMovement(
    db,
    actor,
    {
      customerId: input.customerId,
      account: "rebate",
      kind: "recharge",
      amount: input.amount,
      reference: input.reference ?? "",
      reason: input.reason,
      businessDate: input.businessDate,
    },
    { action: "funds.rebate" },
    now,
  );
}

/** 调整 / 扣款: a signed correction of prepaid, rebate or deposit, always with a reason. */
export async function adjustBalance(
  db: Kysely<DB>,
  actor: StaffActor,
  input: {
    customerId: number;
    account: "prepaid" | "rebate" | "deposit";
    amount: number;
    reason: string;
    reference?: string;
    businessDate: string;
  },
  now: Date,
): Promise<FundsActionResult> {
  assertPermission(actor, "funds.manage");
  assertFen(input.amount);
  if (input.amount === 0) throw new RangeError("an adjustment cannot be 0");
  if (!input.reason.trim()) throw new RangeError("an adjustment needs a reason");
  return manualMovement(
    db,
    actor,
    {
      customerId: input.customerId,
      account: input.account,
      kind: "adjustment",
      amount: input.amount,
      reference: input.reference ?? "",
      reason: input.reason,
      businessDate: input.businessDate,
    },
    { action: "funds.adjustment" },
    now,
  );
}

/** 挂账 by hand (not for an order): the receivable grows; past the limit only as an override. */
export async function chargeToCredit(
  db: Kysely<DB>,
  actor: StaffActor,
  input: {
    customerId: number;
    amount: number;
    reason: string;
    reference?: string;
    businessDate: string;
    overLimitReason?: string | null;
  },
  now: Date,
): Promise<FundsActionResult> {
  assertPermission(actor, "funds.manage");
  assertFen(input.amount);
  if (input.amount <= 0) throw new RangeError("a credit charge must be positive");
  const overLimitReason = checkOverride(actor, input.overLimitReason);
  return manualMovement(
    db,
    actor,
    {
      customerId: input.customerId,
      account: "receivable",
      kind: "credit_charge",
      amount: input.amount,
      reference: input.reference ?? "",
      reason: input.reason,
      businessDate: input.businessDate,
      overLimitReason,
    },
    { action: "funds.credit_charge", extra: overLimitReason ? { overLimitReason } : undefined },
    now,
  );
}

export type ReverseResult =
  | { ok: true; entryId: number; balanceAfter: number }
  | { ok: false; error: "not_found" | "not_reversible" }
  | { ok: false; error: "already_reversed"; reversalId: number; by: string; at: string }
  | MovementRefusal;

/**
 * 红冲: appends a row negating `entryId` (same account, opposite amount, pointing at it). A row
 * is reversed at most once — checked under the balance lock, and by the unique reversal_of.
 */
export async function reverseEntry(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { customerId: number; entryId: number; reason: string },
  now: Date,
): Promise<ReverseResult> {
  assertPermission(actor, "funds.manage");
  if (!input.reason.trim()) throw new RangeError("a reversal needs a reason");
  try {
    return await db.transaction().execute(async (trx): Promise<ReverseResult> => {
      if (!(await customerInScope(trx, { kind: "staff", grant: actor.grant }, input.customerId))) {
        return { ok: false, error: "not_found" };
      }
      const state = await lockBalances(trx, input.customerId, now);
      const original = await trx
        .selectFrom("fund_ledger")
        .selectAll()
        .where("id", "=", input.entryId)
        .where("customer_id", "=", input.customerId)
        .executeTakeFirst();
      if (!original) return { ok: false, error: "not_found" };
      const earlier = await findReversal(trx, original.id);
      if (earlier) return { ok: false, error: "already_reversed", ...earlier };
      if (!REVERSIBLE_KINDS.includes(original.kind) || original.order_id !== null) {
        return { ok: false, error: "not_reversible" };
      }
      const written = await writeEntry(
        trx,
        state,
        {
          customerId: input.customerId,
          account: original.account,
          kind: "reversal",
          amount: -Number(original.amount),
          method: original.method,
          reference: original.reference,
          reason: input.reason,
          businessDate: localDay(now),
          reversalOf: original.id,
        },
        actor,
        now,
      );
      if (!written.ok) return written;
      await recordAudit(
        trx,
        actor,
        {
          action: "funds.reversal",
          objectType: "customer_funds",
          objectId: input.customerId,
          before: { [original.account]: state.balances[original.account], entryId: original.id },
          after: {
            [original.account]: written.balanceAfter,
            entryId: written.entryId,
            reversalOf: original.id,
            amount: -Number(original.amount),
            reason: input.reason,
          },
        },
        now,
      );
      return { ok: true, entryId: written.entryId, balanceAfter: written.balanceAfter };
    });
  } catch (error) {
    // PostgreSQL without the balance lock's protection (another path) would land here: the
    // unique reversal_of refused a second reversal. Report who was first.
    if (isUniqueViolation(error)) {
      const earlier = await findReversal(db, input.entryId);
      if (earlier) return { ok: false, error: "already_reversed", ...earlier };
    }
    throw error;
  }
}

async function findReversal(db: Kysely<DB>, entryId: number) {
  const row = await db
    .selectFrom("fund_ledger")
    .select(["id", "actor_name", "created_at"])
    .where("reversal_of", "=", entryId)
    .executeTakeFirst();
  return row ? { reversalId: row.id, by: row.actor_name, at: row.created_at } : null;
}

export type CreditLimitChangeResult =
  | { ok: true; creditLimit: number }
  | { ok: false; error: "not_found" }
  | { ok: false; error: "below_receivable"; receivable: number };

/** 授信额度: sets a customer's credit limit; below the receivable only with an override reason. */
export async function setCreditLimit(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { customerId: number; creditLimit: number; overLimitReason?: string | null },
  now: Date,
): Promise<CreditLimitChangeResult> {
  assertPermission(actor, "customer.credit");
  assertFen(input.creditLimit);
  const overLimitReason = input.overLimitReason?.trim() || null;
  return db.transaction().execute(async (trx): Promise<CreditLimitChangeResult> => {
    if (!(await customerInScope(trx, { kind: "staff", grant: actor.grant }, input.customerId))) {
      return { ok: false, error: "not_found" };
    }
    const state = await lockBalances(trx, input.customerId, now);
    const changed = changeCreditLimit(state.balances, input.creditLimit, {
      allowOverLimit: overLimitReason !== null,
    });
    if (!changed.ok) return changed;
    const reason = changed.balances.overLimit ? (overLimitReason ?? state.overLimitReason) : null;
    await trx
      .updateTable("fund_balances")
      .set({ credit_limit: input.creditLimit, over_limit_reason: reason, updated_at: now.toISOString() })
      .where("customer_id", "=", input.customerId)
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "funds.credit_limit",
        objectType: "customer_funds",
        objectId: input.customerId,
        before: { creditLimit: state.balances.creditLimit, overLimitReason: state.overLimitReason },
        after: { creditLimit: input.creditLimit, overLimitReason: reason },
      },
      now,
    );
    return { ok: true, creditLimit: input.creditLimit };
  });
}

/** The share of an order rebate may pay (返点抵扣比例), in basis points; customer.credit. */
export async function setRebateShare(db: Kysely<DB>, actor: StaffActor, rebateShareBp: number, now: Date) {
  assertPermission(actor, "customer.credit");
  assertShareBp(rebateShareBp);
  await updateSettings(db, actor, { rebateShareBp }, now);
}

// ---------------------------------------------------------------------------------------------
// Offline payments (线下付款): reported by the dealer, confirmed or rejected by finance.
// ---------------------------------------------------------------------------------------------

export interface PaymentReportInput {
  amount: number;
  method: PaymentMethod;
  reference: string;
  paidOn: string;
  note: string;
  proof: Uint8Array;
}

export type SubmitReportResult =
  | { ok: true; reportId: number }
  | { ok: false; error: "future_date" }
  | { ok: false; error: "proof"; rejection: ImageRejection };

/** A dealer reports a payment it made; nothing is credited until finance confirms it. */
export async function submitPaymentReport(
  db: Kysely<DB>,
  actor: Actor,
  customerId: number,
  input: PaymentReportInput,
  now: Date,
): Promise<SubmitReportResult> {
  assertFen(input.amount);
  if (input.amount <= 0) throw new RangeError("a payment must be positive");
  if (!checkBusinessDate(input.paidOn, now)) return { ok: false, error: "future_date" };
  const prepared = await prepareImage(input.proof);
  if (!prepared.ok) return { ok: false, error: "proof", rejection: prepared.error };
  const image = prepared.image;
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto("images")
      .values({
        sha256: image.sha256,
        content_type: image.contentType,
        width: image.width,
        height: image.height,
        bytes: image.bytes,
        thumb: image.thumb,
        created_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column("sha256").doNothing())
      .execute();
    const { id: imageId } = await trx
      .selectFrom("images")
      .select("id")
      .where("sha256", "=", image.sha256)
      .executeTakeFirstOrThrow();
    const { id } = await trx
      .insertInto("payment_reports")
      .values({
        customer_id: customerId,
        amount: input.amount,
        method: input.method,
        reference: input.reference,
        paid_on: input.paidOn,
        note: input.note,
        image_id: imageId,
        created_by_account_id: actor.accountId!,
        created_at: now.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      actor,
      {
        action: "funds.report_submit",
        objectType: "payment_report",
        objectId: id,
        after: {
          customerId,
          amount: input.amount,
          method: input.method,
          reference: input.reference,
          paidOn: input.paidOn,
          image: image.sha256,
        },
      },
      now,
    );
    return { ok: true as const, reportId: id };
  });
}

export type ReportStatus = "pending" | "confirmed" | "rejected";

export interface PaymentReportItem {
  id: number;
  customerId: number;
  customerCode: string;
  customerName: string;
  amount: number;
  method: PaymentMethod;
  reference: string;
  paidOn: string;
  note: string;
  status: ReportStatus;
  decisionReason: string;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
  /** The ledger row that credited it, once confirmed. */
  entryId: number | null;
}

/** Offline payment reports, newest first, within the scope (a customer: only its own). */
export async function listPaymentReports(
  db: Kysely<DB>,
  scope: FundsScope,
  query: { status?: ReportStatus; customerId?: number; after?: string; limit: number },
): Promise<{ items: PaymentReportItem[]; nextCursor: string | null }> {
  let qb = db
    .selectFrom("payment_reports as p")
    .innerJoin("customers as c", "c.id", "p.customer_id")
    .leftJoin("fund_ledger as l", "l.payment_report_id", "p.id")
    .select([
      "p.id",
      "p.customer_id",
      "c.code",
      "c.name",
      "p.amount",
      "p.method",
      "p.reference",
      "p.paid_on",
      "p.note",
      "p.status",
      "p.decision_reason",
      "p.decided_by_name",
      "p.decided_at",
      "p.created_at",
      "l.id as entry_id",
    ]);
  if (scope.kind === "customer") qb = qb.where("p.customer_id", "=", scope.customerId);
  else qb = inRegionScope(qb, "c.region_id", scope.grant);
  if (query.customerId !== undefined) qb = qb.where("p.customer_id", "=", query.customerId);
  if (query.status) qb = qb.where("p.status", "=", query.status);
  const cursor = decodeCursor(query.after, ["number"]);
  if (cursor) qb = qb.where("p.id", "<", cursor[0] as number);
  const rows = await qb
    .orderBy("p.id", "desc")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      customerCode: r.code,
      customerName: r.name,
      amount: Number(r.amount),
      method: r.method,
      reference: r.reference,
      paidOn: r.paid_on,
      note: r.note,
      status: r.status,
      decisionReason: r.decision_reason,
      decidedBy: r.decided_by_name,
      decidedAt: r.decided_at,
      createdAt: r.created_at,
      entryId: r.entry_id ?? null,
    })),
    nextCursor: rows.length > query.limit ? encodeCursor([page[page.length - 1]!.id]) : null,
  };
}

export type DecideReportResult =
  | { ok: true; status: "confirmed"; entryId: number; balanceAfter: number }
  | { ok: true; status: "rejected" }
  | { ok: false; error: "not_found" }
  | { ok: false; error: "future_date" }
  | { ok: false; error: "already_handled"; status: ReportStatus; by: string | null; at: string | null };

async function lockReport(trx: Kysely<DB>, grant: StaffGrant, reportId: number) {
  const query = trx
    .selectFrom("payment_reports as p")
    .innerJoin("customers as c", "c.id", "p.customer_id")
    .select([
      "p.id",
      "p.customer_id",
      "p.amount",
      "p.method",
      "p.reference",
      "p.paid_on",
      "p.status",
      "p.decided_by_name",
      "p.decided_at",
    ])
    .where("p.id", "=", reportId);
  return forUpdate(trx, inRegionScope(query, "c.region_id", grant)).executeTakeFirst();
}

/**
 * 收款确认 of a reported payment: credits prepaid once. Two people confirming at the same time:
 * the report row is locked and its status changes only from pending, and the ledger refuses a
 * second row for the same report, so exactly one credit happens; the other is told who did it.
 */
export async function confirmPaymentReport(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { reportId: number; businessDate?: string },
  now: Date,
): Promise<DecideReportResult> {
  assertPermission(actor, "funds.manage");
  if (!checkBusinessDate(input.businessDate, now)) return { ok: false, error: "future_date" };
  try {
    return await refusable(() =>
      db.transaction().execute(async (trx): Promise<DecideReportResult> => {
        const report = await lockReport(trx, actor.grant, input.reportId);
        if (!report) return { ok: false, error: "not_found" };
        if (report.status !== "pending") {
          return {
            ok: false,
            error: "already_handled",
            status: report.status,
            by: report.decided_by_name,
            at: report.decided_at,
          };
        }
        const at = now.toISOString();
        const updated = await trx
          .updateTable("payment_reports")
          .set({
            status: "confirmed",
            decided_by_account_id: actor.accountId,
            decided_by_name: actor.name,
            decided_at: at,
          })
          .where("id", "=", report.id)
          .where("status", "=", "pending")
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw new Refusal(await alreadyHandled(trx, report.id));
        const state = await lockBalances(trx, report.customer_id, now);
        const credit: LedgerEntryInput = {
          customerId: report.customer_id,
          account: "prepaid",
          kind: "recharge",
          amount: Number(report.amount),
          method: report.method,
          reference: report.reference,
          businessDate: input.businessDate ?? report.paid_on,
          paymentReportId: report.id,
        };
        const written = await writeEntry(trx, state, credit, actor, now);
        if (!written.ok) throw new Error(`crediting a payment refused: ${written.error}`);
        await emitPaymentRecorded(trx, credit, written, now);
        await recordAudit(
          trx,
          actor,
          {
            action: "funds.report_confirm",
            objectType: "payment_report",
            objectId: report.id,
            before: { status: "pending", prepaid: state.balances.prepaid },
            after: { status: "confirmed", prepaid: written.balanceAfter, entryId: written.entryId },
          },
          now,
        );
        return { ok: true, status: "confirmed", entryId: written.entryId, balanceAfter: written.balanceAfter };
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error)) return alreadyHandled(db, input.reportId);
    throw error;
  }
}

async function alreadyHandled(db: Kysely<DB>, reportId: number): Promise<DecideReportResult> {
  const row = await db
    .selectFrom("payment_reports")
    .select(["status", "decided_by_name", "decided_at"])
    .where("id", "=", reportId)
    .executeTakeFirstOrThrow();
  return { ok: false, error: "already_handled", status: row.status, by: row.decided_by_name, at: row.decided_at };
}

/** Rejects a reported payment with a reason the dealer sees; nothing is credited. */
export async function rejectPaymentReport(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { reportId: number; reason: string },
  now: Date,
): Promise<DecideReportResult> {
  assertPermission(actor, "funds.manage");
  const reason = input.reason.trim();
  if (!reason) throw new RangeError("a rejection needs a reason");
  return db.transaction().execute(async (trx): Promise<DecideReportResult> => {
    const report = await lockReport(trx, actor.grant, input.reportId);
    if (!report) return { ok: false, error: "not_found" };
    if (report.status !== "pending") {
      return {
        ok: false,
        error: "already_handled",
        status: report.status,
        by: report.decided_by_name,
        at: report.decided_at,
      };
    }
    await trx
      .updateTable("payment_reports")
      .set({
        status: "rejected",
        decision_reason: reason,
        decided_by_account_id: actor.accountId,
        decided_by_name: actor.name,
        decided_at: now.toISOString(),
      })
      .where("id", "=", report.id)
      .where("status", "=", "pending")
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "funds.report_reject",
        objectType: "payment_report",
        objectId: report.id,
        before: { status: "pending" },
        after: { status: "rejected", reason },
      },
      now,
    );
    return { ok: true, status: "rejected" };
  });
}

export type ProofVariant = "full" | "thumb";

/**
 * A report's proof image for whoever may see the report: its own customer, or staff (with
 * funds.view, checked by the route) within their regions. Null otherwise — the same as missing.
 */
export async function getProofImage(
  db: Kysely<DB>,
  scope: FundsScope,
  reportId: number,
  variant: ProofVariant,
): Promise<{ sha256: string; contentType: string; bytes: Uint8Array } | null> {
  let query = db
    .selectFrom("payment_reports as p")
    .innerJoin("customers as c", "c.id", "p.customer_id")
    .innerJoin("images as i", "i.id", "p.image_id")
    .select(["i.sha256", "i.content_type", variant === "thumb" ? "i.thumb as data" : "i.bytes as data"])
    .where("p.id", "=", reportId);
  query =
    scope.kind === "customer"
      ? query.where("p.customer_id", "=", scope.customerId)
      : inRegionScope(query, "c.region_id", scope.grant);
  const row = await query.executeTakeFirst();
  if (!row) return null;
  return {
    sha256: row.sha256,
    contentType: variant === "thumb" ? "image/webp" : row.content_type,
    bytes: row.data,
  };
}

/** The ETag of a proof image variant: its content never changes under one report. */
export const proofEtag = (sha256: string, variant: ProofVariant) => `"${sha256}-${variant}"`;
