import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyMovement,
  availableToSpend,
  buildStatement,
  changeCreditLimit,
  EMPTY_BALANCES,
  FUND_ACCOUNTS,
  type FundAccount,
  type FundBalances,
  isValidEntry,
  LEDGER_KINDS,
  type LedgerKind,
  netPaid,
  ORDER_PAYMENT_METHODS,
  type PaymentSplit,
  shareOf,
  splitOrderAmount,
  splitRefund,
  unusedCredit,
  usableRebate,
} from "../../app/domain/funds";

const balances = (partial: Partial<FundBalances>): FundBalances => ({ ...EMPTY_BALANCES, ...partial });

const fen = (max = 10_000_000) => fc.integer({ min: 0, max });
const bp = fc.integer({ min: 0, max: 10_000 });
const arbBalances = fc
  .record({ prepaid: fen(), rebate: fen(), deposit: fen(), creditLimit: fen(), receivable: fen() })
  .map((b) => ({ ...b, receivable: Math.min(b.receivable, b.creditLimit), overLimit: false }));

describe("what a customer can spend (可用额度)", () => {
  it("is prepaid + unused credit when rebate may not pay (share 0 %)", () => {
    const b = balances({ prepaid: 50_000, rebate: 9_999, creditLimit: 100_000, receivable: 30_000 });
    expect(unusedCredit(b)).toBe(70_000);
    expect(availableToSpend(b, 0)).toBe(120_000);
  });

  it("adds rebate up to its share of the order", () => {
    // 10 %: an order of 110 000 may use 11 000 of rebate, but only 5 000 is there.
    expect(availableToSpend(balances({ prepaid: 100_000, rebate: 5_000 }), 1_000)).toBe(105_000);
    // 10 % with plenty of rebate: A − ⌊A/10⌋ ≤ 90 000 → A = 100 000 (10 000 rebate + 90 000 prepaid).
    expect(availableToSpend(balances({ prepaid: 90_000, rebate: 50_000 }), 1_000)).toBe(100_000);
    // 100 %: everything.
    expect(availableToSpend(balances({ prepaid: 1, rebate: 50_000 }), 10_000)).toBe(50_001);
  });

  it("never counts credit beyond the limit", () => {
    expect(unusedCredit(balances({ creditLimit: 1_000, receivable: 1_500, overLimit: true }))).toBe(0);
    expect(
      availableToSpend(balances({ prepaid: 200, creditLimit: 1_000, receivable: 1_500, overLimit: true }), 0),
    ).toBe(200);
  });

  it("is exactly the largest order the automatic split can pay", () => {
    fc.assert(
      fc.property(arbBalances, bp, (b, share) => {
        const available = availableToSpend(b, share);
        expect(Number.isSafeInteger(available)).toBe(true);
        if (available > 0) expect(splitOrderAmount(available, b, "auto", share).ok).toBe(true);
        expect(splitOrderAmount(available + 1, b, "auto", share).ok).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it("computes shares of huge amounts without losing a fen", () => {
    expect(shareOf(900_719_925_474_099, 3_333)).toBe(300_209_951_160_517);
    // Here floating point (Math.floor(a * 3333 / 10000)) would give …170.
    expect(shareOf(9_007_199_254_740_984, 3_333)).toBe(3_002_099_511_605_169);
    expect(shareOf(1, 9_999)).toBe(0);
    expect(() => shareOf(1.5, 100)).toThrow(RangeError);
    expect(() => shareOf(100, 10_001)).toThrow(RangeError);
  });
});

describe("splitting an order's amount", () => {
  it("pays from prepaid only, or refuses", () => {
    const b = balances({ prepaid: 1_000, rebate: 1_000 });
    expect(splitOrderAmount(800, b, "prepaid", 5_000)).toEqual({
      ok: true,
      split: { rebate: 0, prepaid: 800, credit: 0 },
    });
    expect(splitOrderAmount(1_001, b, "prepaid", 5_000)).toEqual({
      ok: false,
      error: "insufficient_funds",
      available: 1_000,
    });
  });

  it("takes rebate up to the share first, then prepaid", () => {
    const b = balances({ prepaid: 10_000, rebate: 3_000 });
    expect(splitOrderAmount(10_000, b, "rebate_and_prepaid", 2_000)).toEqual({
      ok: true,
      split: { rebate: 2_000, prepaid: 8_000, credit: 0 },
    });
    // Share 0 % (the default): rebate is not touched.
    expect(splitOrderAmount(10_000, b, "rebate_and_prepaid", 0)).toEqual({
      ok: true,
      split: { rebate: 0, prepaid: 10_000, credit: 0 },
    });
  });

  it("charges to credit within the limit, beyond it only as an override", () => {
    const b = balances({ creditLimit: 5_000, receivable: 4_000 });
    expect(splitOrderAmount(1_000, b, "credit", 0).ok).toBe(true);
    expect(splitOrderAmount(1_001, b, "credit", 0)).toEqual({
      ok: false,
      error: "over_credit_limit",
      available: 1_000,
    });
    expect(splitOrderAmount(1_001, b, "credit", 0, { allowOverLimit: true })).toEqual({
      ok: true,
      split: { rebate: 0, prepaid: 0, credit: 1_001 },
    });
  });

  it("always splits into non-negative integer parts that add up and fit their sources", () => {
    fc.assert(
      fc.property(
        arbBalances,
        fc.integer({ min: 1, max: 30_000_000 }),
        fc.constantFrom(...ORDER_PAYMENT_METHODS),
        bp,
        fc.boolean(),
        (b, amount, method, share, override) => {
          const result = splitOrderAmount(amount, b, method, share, { allowOverLimit: override });
          if (!result.ok) return;
          const { rebate, prepaid, credit } = result.split;
          for (const part of [rebate, prepaid, credit]) {
            expect(Number.isSafeInteger(part)).toBe(true);
            expect(part).toBeGreaterThanOrEqual(0);
          }
          expect(rebate + prepaid + credit).toBe(amount);
          expect(rebate).toBeLessThanOrEqual(Math.min(b.rebate, shareOf(amount, share)));
          expect(prepaid).toBeLessThanOrEqual(b.prepaid);
          if (!override) expect(credit).toBeLessThanOrEqual(unusedCredit(b));
        },
      ),
      { numRuns: 3_000 },
    );
  });
});

describe("splitting a refund over what an order paid", () => {
  it("reduces the receivable first, then prepaid, then rebate", () => {
    const paid: PaymentSplit = { rebate: 100, prepaid: 500, credit: 300 };
    expect(splitRefund(900, paid)).toEqual({ ok: true, split: { credit: 300, prepaid: 500, rebate: 100 } });
    expect(splitRefund(350, paid)).toEqual({ ok: true, split: { credit: 300, prepaid: 50, rebate: 0 } });
    expect(splitRefund(901, paid)).toEqual({ ok: false, error: "exceeds_paid", refundable: 900 });
  });
});

describe("a movement keeps every balance legal", () => {
  it("never takes prepaid, rebate or deposit below zero", () => {
    const b = balances({ prepaid: 100 });
    expect(applyMovement(b, "prepaid", -100)).toMatchObject({ ok: true, balanceAfter: 0 });
    expect(applyMovement(b, "prepaid", -101)).toEqual({ ok: false, error: "below_zero", balance: 100 });
    expect(applyMovement(b, "rebate", -1)).toEqual({ ok: false, error: "below_zero", balance: 0 });
  });

  it("lets the receivable pass the limit only with an override, which lasts while it stays above", () => {
    const b = balances({ creditLimit: 1_000, receivable: 900 });
    expect(applyMovement(b, "receivable", 101)).toEqual({ ok: false, error: "over_credit_limit", available: 100 });
    const over = applyMovement(b, "receivable", 600, { allowOverLimit: true });
    expect(over).toMatchObject({ ok: true, balanceAfter: 1_500, balances: { overLimit: true } });
    if (!over.ok) return;
    const partly = applyMovement(over.balances, "receivable", -200);
    expect(partly).toMatchObject({ ok: true, balances: { overLimit: true, receivable: 1_300 } });
    if (!partly.ok) return;
    // Still over: a further charge needs its own override.
    expect(applyMovement(partly.balances, "receivable", 1).ok).toBe(false);
    expect(applyMovement(partly.balances, "receivable", -300)).toMatchObject({ balances: { overLimit: false } });
  });

  it("refuses a float or a zero", () => {
    expect(() => applyMovement(EMPTY_BALANCES, "prepaid", 0.5)).toThrow(RangeError);
    expect(() => applyMovement(EMPTY_BALANCES, "prepaid", 0)).toThrow(RangeError);
  });

  it("lowers a credit limit below the receivable only as an override", () => {
    const b = balances({ creditLimit: 1_000, receivable: 800 });
    expect(changeCreditLimit(b, 700)).toEqual({ ok: false, error: "below_receivable", receivable: 800 });
    expect(changeCreditLimit(b, 700, { allowOverLimit: true })).toMatchObject({
      ok: true,
      balances: { overLimit: true },
    });
    expect(changeCreditLimit(b, 800)).toMatchObject({ ok: true, balances: { overLimit: false, creditLimit: 800 } });
  });

  it("knows which kinds go with which accounts and signs", () => {
    expect(isValidEntry("recharge", "prepaid", 1)).toBe(true);
    expect(isValidEntry("recharge", "prepaid", -1)).toBe(false);
    expect(isValidEntry("recharge", "receivable", 1)).toBe(false);
    expect(isValidEntry("order_payment", "deposit", -1)).toBe(false);
    expect(isValidEntry("credit_charge", "receivable", 1)).toBe(true);
    expect(isValidEntry("repayment", "receivable", -1)).toBe(true);
    expect(isValidEntry("refund", "receivable", -1)).toBe(true);
    expect(isValidEntry("refund", "receivable", 1)).toBe(false);
    expect(isValidEntry("adjustment", "deposit", -5)).toBe(true);
  });
});

// A ledger driven only by the domain rules, as the services drive the database: the property
// below throws random sequences of every operation at it.
interface Row {
  id: number;
  account: FundAccount;
  kind: LedgerKind;
  amount: number;
  balanceAfter: number;
  reversalOf: number | null;
  orderId: number | null;
}

class Ledger {
  balances: FundBalances = { ...EMPTY_BALANCES };
  rows: Row[] = [];
  reversed = new Set<number>();
  private nextOrder = 1;

  post(account: FundAccount, kind: LedgerKind, amount: number, extra: Partial<Row> = {}, override = false): boolean {
    if (amount === 0 || !isValidEntry(kind, account, amount)) return false;
    const moved = applyMovement(this.balances, account, amount, { allowOverLimit: override });
    if (!moved.ok) return false;
    this.balances = moved.balances;
    this.rows.push({
      id: this.rows.length + 1,
      account,
      kind,
      amount,
      balanceAfter: moved.balanceAfter,
      reversalOf: null,
      orderId: null,
      ...extra,
    });
    return true;
  }

  paidBy(orderId: number): PaymentSplit {
    const sum = (kind: LedgerKind, account?: FundAccount) =>
      this.rows
        .filter((r) => r.orderId === orderId && r.kind === kind && (!account || r.account === account))
        .reduce((s, r) => s + Math.abs(r.amount), 0);
    const charged = {
      prepaid: sum("order_payment", "prepaid"),
      rebate: sum("order_payment", "rebate"),
      credit: sum("credit_charge"),
    };
    return netPaid(charged, sum("refund"));
  }

  apply(op: Op): void {
    switch (op.type) {
      case "recharge":
        this.post(op.account, "recharge", op.amount);
        return;
      case "adjust":
        this.post(op.account, "adjustment", op.amount);
        return;
      case "creditCharge":
        this.post("receivable", "credit_charge", op.amount, {}, op.override);
        return;
      case "repay":
        this.post("receivable", "repayment", -Math.min(op.amount, this.balances.receivable));
        return;
      case "limit": {
        const changed = changeCreditLimit(this.balances, op.limit, { allowOverLimit: op.override });
        if (changed.ok) this.balances = changed.balances;
        return;
      }
      case "order": {
        const split = splitOrderAmount(op.amount, this.balances, op.method, op.share, { allowOverLimit: op.override });
        if (!split.ok) return;
        const orderId = this.nextOrder++;
        const { rebate, prepaid, credit } = split.split;
        const ok =
          (rebate === 0 || this.post("rebate", "order_payment", -rebate, { orderId })) &&
          (prepaid === 0 || this.post("prepaid", "order_payment", -prepaid, { orderId })) &&
          (credit === 0 || this.post("receivable", "credit_charge", credit, { orderId }, op.override));
        if (!ok) throw new Error("a successful split could not be posted");
        return;
      }
      case "refund": {
        const orderId = 1 + (op.pick % Math.max(1, this.nextOrder - 1));
        const paid = this.paidBy(orderId);
        const total = paid.prepaid + paid.rebate + paid.credit;
        if (total === 0) return;
        const planned = splitRefund(1 + (op.amount % total), paid);
        if (!planned.ok) throw new Error("a refund within what was paid was refused");
        const offReceivable = Math.min(planned.split.credit, this.balances.receivable);
        const toPrepaid = planned.split.prepaid + planned.split.credit - offReceivable;
        if (offReceivable) this.post("receivable", "refund", -offReceivable, { orderId });
        if (toPrepaid) this.post("prepaid", "refund", toPrepaid, { orderId });
        if (planned.split.rebate) this.post("rebate", "refund", planned.split.rebate, { orderId });
        return;
      }
      case "reverse": {
        if (!this.rows.length) return;
        const target = this.rows[op.pick % this.rows.length]!;
        if (target.kind === "reversal" || target.orderId !== null || this.reversed.has(target.id)) return;
        if (this.post(target.account, "reversal", -target.amount, { reversalOf: target.id })) {
          this.reversed.add(target.id);
        }
        return;
      }
    }
  }
}

type Op =
  | { type: "recharge"; account: "prepaid" | "rebate" | "deposit"; amount: number }
  | { type: "adjust"; account: "prepaid" | "rebate" | "deposit"; amount: number }
  | { type: "creditCharge"; amount: number; override: boolean }
  | { type: "repay"; amount: number }
  | { type: "limit"; limit: number; override: boolean }
  | {
      type: "order";
      amount: number;
      method: (typeof ORDER_PAYMENT_METHODS)[number];
      share: number;
      override: boolean;
    }
  | { type: "refund"; pick: number; amount: number }
  | { type: "reverse"; pick: number };

const money = fc.integer({ min: 1, max: 500_000 });
const spendAccount = fc.constantFrom("prepaid" as const, "rebate" as const, "deposit" as const);
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant("recharge" as const), account: spendAccount, amount: money }),
  fc.record({
    type: fc.constant("adjust" as const),
    account: spendAccount,
    amount: fc.integer({ min: -500_000, max: 500_000 }),
  }),
  fc.record({ type: fc.constant("creditCharge" as const), amount: money, override: fc.boolean() }),
  fc.record({ type: fc.constant("repay" as const), amount: money }),
  fc.record({
    type: fc.constant("limit" as const),
    limit: fc.integer({ min: 0, max: 2_000_000 }),
    override: fc.boolean(),
  }),
  fc.record({
    type: fc.constant("order" as const),
    amount: money,
    method: fc.constantFrom(...ORDER_PAYMENT_METHODS),
    share: bp,
    override: fc.boolean(),
  }),
  fc.record({ type: fc.constant("refund" as const), pick: fc.nat(), amount: fc.nat() }),
  fc.record({ type: fc.constant("reverse" as const), pick: fc.nat() }),
);

describe("random sequences of ledger operations (property)", () => {
  it("keep every balance equal to the sum of its rows and never break a limit", () => {
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 60 }), (ops) => {
        const ledger = new Ledger();
        for (const op of ops) {
          ledger.apply(op);
          for (const account of FUND_ACCOUNTS) {
            const rows = ledger.rows.filter((r) => r.account === account);
            const sum = rows.reduce((s, r) => s + r.amount, 0);
            expect(ledger.balances[account]).toBe(sum);
            expect(ledger.balances[account]).toBeGreaterThanOrEqual(0);
            expect(rows.at(-1)?.balanceAfter ?? 0).toBe(sum);
          }
          const b = ledger.balances;
          expect(b.receivable <= b.creditLimit || b.overLimit).toBe(true);
          expect(b.overLimit).toBe(b.receivable > b.creditLimit);
          expect(new Set(ledger.rows.map((r) => r.reversalOf).filter((id) => id !== null)).size).toBe(
            ledger.rows.filter((r) => r.reversalOf !== null).length,
          );
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it("never lets an order's refunds exceed what it paid", () => {
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 60 }), (ops) => {
        const ledger = new Ledger();
        for (const op of ops) ledger.apply(op);
        const orders = new Set(ledger.rows.map((r) => r.orderId).filter((id): id is number => id !== null));
        for (const orderId of orders) {
          const paid = ledger.paidBy(orderId);
          expect(paid.prepaid + paid.rebate + paid.credit).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("statements (对账单)", () => {
  it("runs each account from its opening to its closing balance", () => {
    const openings = { prepaid: 1_000, rebate: 0, deposit: 500, receivable: 200 };
    const { totals, lines } = buildStatement(openings, [
      { account: "prepaid" as const, amount: 300 },
      { account: "receivable" as const, amount: -200 },
      { account: "prepaid" as const, amount: -1_100 },
    ]);
    expect(lines.map((l) => l.runningBalance)).toEqual([1_300, 0, 200]);
    expect(totals.prepaid).toEqual({ opening: 1_000, increase: 300, decrease: 1_100, closing: 200 });
    expect(totals.receivable).toEqual({ opening: 200, increase: 0, decrease: 200, closing: 0 });
    expect(totals.deposit).toEqual({ opening: 500, increase: 0, decrease: 0, closing: 500 });
  });

  it("closes at opening + increase − decrease for any movements", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            account: fc.constantFrom(...FUND_ACCOUNTS),
            amount: fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((n) => n !== 0),
          }),
        ),
        (rows) => {
          const openings = { prepaid: 10, rebate: 20, deposit: 30, receivable: 40 };
          const { totals } = buildStatement(openings, rows);
          for (const account of FUND_ACCOUNTS) {
            const t = totals[account];
            expect(t.closing).toBe(t.opening + t.increase - t.decrease);
            const net = rows.filter((r) => r.account === account).reduce((s, r) => s + r.amount, 0);
            expect(t.closing).toBe(openings[account] + net);
          }
        },
      ),
    );
  });
});

it("names every ledger kind the database accepts", () => {
  expect(LEDGER_KINDS).toEqual([
    "recharge",
    "order_payment",
    "refund",
    "credit_charge",
    "repayment",
    "adjustment",
    "reversal",
  ]);
  expect(usableRebate(balances({ rebate: 50 }), 1_000, 1_000)).toBe(50);
});
