import fc from "fast-check";
import { sql } from "kysely";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS, type Permission } from "../../app/domain/permissions";
import {
  adjustBalance,
  availableToSpend,
  chargeOrder,
  chargeToCredit,
  confirmPaymentReport,
  creditRebate,
  getCustomerFunds,
  getProofImage,
  getStatement,
  listBalances,
  listLedger,
  listPaymentReports,
  orderPayments,
  recordPayment,
  refundOrder,
  rejectPaymentReport,
  reverseEntry,
  setCreditLimit,
  setRebateShare,
  submitPaymentReport,
} from "../../app/services/funds.server";
import { PermissionDeniedError, type StaffActor } from "../../app/services/staff-actor.server";
import { makeCustomer, makeRegion, makeStaff, NOW } from "../support/factories";
import { expectFundsInvariants, findFundsViolations } from "../support/invariants";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let finance: StaffActor;
let east: { id: number };
let south: { id: number };

const staffActor = (id: number, name: string, permissions: readonly Permission[], regionIds: number[] | null = null) =>
  ({
    accountId: id,
    name,
    requestId: `req-${name}`,
    grant: { permissions: new Set(permissions), regionIds },
  }) satisfies StaffActor;

beforeAll(async () => {
  t = await createTestDatabase();
  east = await makeRegion(t.db, "华东");
  south = await makeRegion(t.db, "华南");
  const staff = await makeStaff(t.db, { username: "finance-1" });
  finance = staffActor(staff.id, staff.username, PERMISSIONS);
});
afterEach(async () => {
  await expectFundsInvariants(t.db);
});
afterAll(async () => {
  await expectFundsInvariants(t.db);
  await t.destroy();
});

const DAY = "2026-11-27";
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

async function dealer(regionId = east.id) {
  return makeCustomer(t.db, { regionId });
}

let orderSeq = 0;
/** A bare order row to pay for (the funds module needs only its id and number). */
async function orderFor(customer: { id: number; accountId: number; regionId: number }, payable: number) {
  orderSeq += 1;
  const at = NOW.toISOString();
  return t.db
    .insertInto("orders")
    .values({
      number: `DH20261127-${String(9000 + orderSeq)}`,
      customer_id: customer.id,
      region_id: customer.regionId,
      status: "pending_finance_review",
      idempotency_key: `funds-${orderSeq}`,
      request_hash: "x",
      address_json: "{}",
      goods_amount: payable,
      payable,
      placed_by_account_id: customer.accountId,
      created_at: at,
      updated_at: at,
    })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
}

async function balanceRow(customerId: number) {
  return t.db.selectFrom("fund_balances").selectAll().where("customer_id", "=", customerId).executeTakeFirst();
}

async function ledgerRows(customerId: number) {
  return t.db.selectFrom("fund_ledger").selectAll().where("customer_id", "=", customerId).orderBy("id").execute();
}

async function pay(customerId: number, amount: number, account: "prepaid" | "deposit" | "receivable" = "prepaid") {
  const result = await recordPayment(
    t.db,
    finance,
    { customerId, account, amount, method: "bank", reference: "BANK-1", businessDate: DAY },
    NOW,
  );
  if (!result.ok) throw new Error(`payment refused: ${result.error}`);
  return result;
}

async function proofPng(seed: number): Promise<Uint8Array> {
  return sharp({ create: { width: 40, height: 30, channels: 3, background: { r: seed % 256, g: 80, b: 120 } } })
    .png()
    .toBuffer();
}

describe(`recording money (${testDbKind()})`, () => {
  it("records a payment as one ledger row with the balance after, and one audit row", async () => {
    const c = await dealer();
    const result = await recordPayment(
      t.db,
      finance,
      {
        customerId: c.id,
        account: "prepaid",
        amount: 1_234_56,
        method: "wechat",
        reference: "WX-778",
        businessDate: "2026-11-20",
      },
      NOW,
    );
    expect(result).toEqual({ ok: true, entryId: expect.any(Number), balanceAfter: 1_234_56 });
    const rows = await ledgerRows(c.id);
    expect(rows).toEqual([
      expect.objectContaining({
        account: "prepaid",
        kind: "recharge",
        amount: 1_234_56,
        balance_after: 1_234_56,
        method: "wechat",
        reference: "WX-778",
        business_date: "2026-11-20",
        actor_account_id: finance.accountId,
        actor_name: "finance-1",
      }),
    ]);
    expect((await balanceRow(c.id))?.prepaid).toBe(1_234_56);
    const audit = await t.db
      .selectFrom("audit_log")
      .selectAll()
      .where("object_type", "=", "customer_funds")
      .where("object_id", "=", String(c.id))
      .execute();
    expect(audit.map((a) => [a.action, a.request_id])).toEqual([["funds.payment", "req-finance-1"]]);
    expect(JSON.parse(audit[0]!.before_json!)).toEqual({ prepaid: 0 });
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({ prepaid: 1_234_56, amount: 1_234_56 });
  });

  it("credits rebate and deposit, deducts with a reason, and refuses to go below zero", async () => {
    const c = await dealer();
    await pay(c.id, 50_000, "deposit");
    expect(
      await creditRebate(t.db, finance, { customerId: c.id, amount: 8_000, reason: "Q3 返点", businessDate: DAY }, NOW),
    ).toMatchObject({ ok: true, balanceAfter: 8_000 });
    expect(
      await adjustBalance(
        t.db,
        finance,
        { customerId: c.id, account: "rebate", amount: -3_000, reason: "返点多发", businessDate: DAY },
        NOW,
      ),
    ).toMatchObject({ ok: true, balanceAfter: 5_000 });
    expect(
      await adjustBalance(
        t.db,
        finance,
        { customerId: c.id, account: "rebate", amount: -5_001, reason: "x", businessDate: DAY },
        NOW,
      ),
    ).toEqual({ ok: false, error: "below_zero", account: "rebate", balance: 5_000 });
    const b = await balanceRow(c.id);
    expect([b?.prepaid, b?.rebate, b?.deposit]).toEqual([0, 5_000, 50_000]);
    expect((await ledgerRows(c.id)).map((r) => [r.kind, r.account, r.amount])).toEqual([
      ["recharge", "deposit", 50_000],
      ["recharge", "rebate", 8_000],
      ["adjustment", "rebate", -3_000],
    ]);
  });

  it("refuses a business date in the future and amounts that are not integer fen", async () => {
    const c = await dealer();
    expect(
      await recordPayment(
        t.db,
        finance,
        {
          customerId: c.id,
          account: "prepaid",
          amount: 100,
          method: "cash",
          reference: "",
          businessDate: "2026-11-28",
        },
        NOW,
      ),
    ).toEqual({ ok: false, error: "future_date" });
    await expect(
      recordPayment(
        t.db,
        finance,
        { customerId: c.id, account: "prepaid", amount: 12.5, method: "cash", reference: "", businessDate: DAY },
        NOW,
      ),
    ).rejects.toThrow(RangeError);
    expect(await ledgerRows(c.id)).toEqual([]);
  });

  it("checks permissions in the service, whatever the route did", async () => {
    const c = await dealer();
    const viewer = staffActor(finance.accountId!, "viewer", ["funds.view"]);
    await expect(
      recordPayment(
        t.db,
        viewer,
        { customerId: c.id, account: "prepaid", amount: 100, method: "cash", reference: "", businessDate: DAY },
        NOW,
      ),
    ).rejects.toThrow(PermissionDeniedError);
    const manager = staffActor(finance.accountId!, "manager", ["funds.view", "funds.manage"]);
    await expect(setCreditLimit(t.db, manager, { customerId: c.id, creditLimit: 100 }, NOW)).rejects.toThrow(
      PermissionDeniedError,
    );
    // Charging past the limit needs customer.credit, even for someone holding funds.manage.
    await expect(
      chargeToCredit(
        t.db,
        manager,
        { customerId: c.id, amount: 100, reason: "x", businessDate: DAY, overLimitReason: "老客户" },
        NOW,
      ),
    ).rejects.toThrow(PermissionDeniedError);
    expect(await ledgerRows(c.id)).toEqual([]);
  });
});

describe(`concurrency (${testDbKind()})`, () => {
  it("loses nothing when payments and deductions hit one account at once", async () => {
    const c = await dealer();
    await pay(c.id, 100_000);
    const work = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? recordPayment(
            t.db,
            finance,
            {
              customerId: c.id,
              account: "prepaid",
              amount: 1_001,
              method: "bank",
              reference: `P${i}`,
              businessDate: DAY,
            },
            later(i),
          )
        : adjustBalance(
            t.db,
            finance,
            { customerId: c.id, account: "prepaid", amount: -737, reason: `扣款 ${i}`, businessDate: DAY },
            later(i),
          ),
    );
    const results = await Promise.all(work);
    expect(results.every((r) => r.ok)).toBe(true);
    const expected = 100_000 + 20 * 1_001 - 20 * 737;
    expect((await balanceRow(c.id))?.prepaid).toBe(expected);
    const rows = await ledgerRows(c.id);
    expect(rows).toHaveLength(41);
    expect(rows.reduce((s, r) => s + Number(r.amount), 0)).toBe(expected);
  });

  it("never overspends: 30 concurrent deductions of 100 from 1 000 → exactly 10 succeed", async () => {
    const c = await dealer();
    await pay(c.id, 1_000);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        adjustBalance(
          t.db,
          finance,
          { customerId: c.id, account: "prepaid", amount: -100, reason: `扣款 ${i}`, businessDate: DAY },
          NOW,
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error === "below_zero")).toBe(true);
    expect((await balanceRow(c.id))?.prepaid).toBe(0);
  });

  it("never pays concurrent orders beyond prepaid + credit", async () => {
    const c = await dealer();
    await pay(c.id, 5_000);
    await setCreditLimit(t.db, finance, { customerId: c.id, creditLimit: 3_000 }, NOW);
    const orders = await Promise.all(Array.from({ length: 12 }, () => orderFor(c, 1_000)));
    const results = await Promise.all(
      orders.map((o) =>
        t.db
          .transaction()
          .execute((trx) =>
            chargeOrder(
              trx,
              { customerId: c.id, orderId: o.id, orderNumber: o.number, amount: 1_000, method: "auto" },
              finance,
              NOW,
            ),
          ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(8);
    const b = await balanceRow(c.id);
    expect([b?.prepaid, b?.receivable]).toEqual([0, 3_000]);
  });
});

describe(`orders: charge and refund (${testDbKind()})`, () => {
  it("splits by the rebate share, writes one row per source, and refuses a second charge", async () => {
    const c = await dealer();
    await pay(c.id, 10_000);
    await creditRebate(t.db, finance, { customerId: c.id, amount: 5_000, reason: "返点", businessDate: DAY }, NOW);
    await setCreditLimit(t.db, finance, { customerId: c.id, creditLimit: 20_000 }, NOW);
    const order = await orderFor(c, 30_000);
    const charged = await t.db.transaction().execute((trx) =>
      chargeOrder(
        trx,
        {
          customerId: c.id,
          orderId: order.id,
          orderNumber: order.number,
          amount: 30_000,
          method: "auto",
          rebateShareBp: 1_000,
        },
        finance,
        NOW,
      ),
    );
    expect(charged).toMatchObject({ ok: true, split: { rebate: 3_000, prepaid: 10_000, credit: 17_000 } });
    const rows = (await ledgerRows(c.id)).filter((r) => r.order_id === order.id);
    expect(rows.map((r) => [r.account, r.kind, r.amount, r.reference])).toEqual([
      ["rebate", "order_payment", -3_000, order.number],
      ["prepaid", "order_payment", -10_000, order.number],
      ["receivable", "credit_charge", 17_000, order.number],
    ]);
    expect(await orderPayments(t.db, order.id)).toEqual({ rebate: 3_000, prepaid: 10_000, credit: 17_000 });
    const again = await t.db
      .transaction()
      .execute((trx) =>
        chargeOrder(
          trx,
          { customerId: c.id, orderId: order.id, orderNumber: order.number, amount: 30_000, method: "auto" },
          finance,
          NOW,
        ),
      );
    expect(again).toMatchObject({ ok: false, error: "already_charged" });
  });

  it("refuses an order it cannot pay, and rolls back with the caller", async () => {
    const c = await dealer();
    await pay(c.id, 999);
    const order = await orderFor(c, 1_000);
    const refused = await t.db
      .transaction()
      .execute((trx) =>
        chargeOrder(
          trx,
          { customerId: c.id, orderId: order.id, orderNumber: order.number, amount: 1_000, method: "prepaid" },
          finance,
          NOW,
        ),
      );
    expect(refused).toEqual({ ok: false, error: "insufficient_funds", available: 999 });
    // The pipeline's transaction fails after a successful charge: nothing of the charge stays.
    await pay(c.id, 1);
    await expect(
      t.db.transaction().execute(async (trx) => {
        const ok = await chargeOrder(
          trx,
          { customerId: c.id, orderId: order.id, orderNumber: order.number, amount: 1_000, method: "prepaid" },
          finance,
          NOW,
        );
        expect(ok.ok).toBe(true);
        throw new Error("the transition failed");
      }),
    ).rejects.toThrow("the transition failed");
    expect((await balanceRow(c.id))?.prepaid).toBe(1_000);
    await expect(
      chargeOrder(
        t.db,
        { customerId: c.id, orderId: order.id, orderNumber: order.number, amount: 1_000, method: "prepaid" },
        finance,
        NOW,
      ),
    ).rejects.toThrow(/inside the caller's transaction/);
  });

  it("charges past the credit limit only with customer.credit and a reason, and says so on the balance", async () => {
    const c = await dealer();
    await setCreditLimit(t.db, finance, { customerId: c.id, creditLimit: 1_000 }, NOW);
    const order = await orderFor(c, 1_500);
    const charge = (overLimitReason?: string) =>
      t.db.transaction().execute((trx) =>
        chargeOrder(
          trx,
          {
            customerId: c.id,
            orderId: order.id,
            orderNumber: order.number,
            amount: 1_500,
            method: "credit",
            overLimitReason,
          },
          finance,
          NOW,
        ),
      );
    expect(await charge()).toEqual({ ok: false, error: "over_credit_limit", available: 1_000 });
    expect(await charge("年底冲量，总经理批准")).toMatchObject({ ok: true, split: { credit: 1_500 } });
    const b = await balanceRow(c.id);
    expect([b?.receivable, b?.credit_limit, b?.over_limit_reason]).toEqual([1_500, 1_000, "年底冲量，总经理批准"]);
    // Repaying back within the limit clears the override.
    await pay(c.id, 600, "receivable");
    expect((await balanceRow(c.id))?.over_limit_reason).toBeNull();
  });

  it("refunds to where the money came from, partly or fully, and a repaid credit part as prepaid", async () => {
    const c = await dealer();
    await pay(c.id, 4_000);
    await creditRebate(t.db, finance, { customerId: c.id, amount: 1_000, reason: "返点", businessDate: DAY }, NOW);
    await setCreditLimit(t.db, finance, { customerId: c.id, creditLimit: 10_000 }, NOW);
    const order = await orderFor(c, 10_000);
    await t.db.transaction().execute((trx) =>
      chargeOrder(
        trx,
        {
          customerId: c.id,
          orderId: order.id,
          orderNumber: order.number,
          amount: 10_000,
          method: "auto",
          rebateShareBp: 1_000,
        },
        finance,
        NOW,
      ),
    );
    // rebate 1 000, prepaid 4 000, credit 5 000; the dealer then repays 3 000 of the credit.
    await pay(c.id, 3_000, "receivable");
    const partial = await t.db
      .transaction()
      .execute((trx) =>
        refundOrder(
          trx,
          { customerId: c.id, orderId: order.id, orderNumber: order.number, amount: 6_000, reason: "退货" },
          finance,
          NOW,
        ),
      );
    // 5 000 off the credit part (only 2 000 still owed; 3 000 comes back as prepaid), then 1 000 of prepaid.
    expect(partial).toMatchObject({ ok: true, split: { credit: 2_000, prepaid: 4_000, rebate: 0 } });
    expect(await orderPayments(t.db, order.id)).toEqual({ credit: 0, prepaid: 3_000, rebate: 1_000 });
    const rest = await t.db
      .transaction()
      .execute((trx) =>
        refundOrder(trx, { customerId: c.id, orderId: order.id, orderNumber: order.number }, finance, NOW),
      );
    expect(rest).toMatchObject({ ok: true, split: { credit: 0, prepaid: 3_000, rebate: 1_000 } });
    const b = await balanceRow(c.id);
    // Everything is back: 4 000 prepaid paid + 3 000 repaid; rebate 1 000; nothing owed.
    expect([b?.prepaid, b?.rebate, b?.receivable]).toEqual([7_000, 1_000, 0]);
    const none = await t.db
      .transaction()
      .execute((trx) =>
        refundOrder(trx, { customerId: c.id, orderId: order.id, orderNumber: order.number }, finance, NOW),
      );
    expect(none).toEqual({ ok: false, error: "nothing_to_refund" });
  });

  it("tells the pipeline what a customer can spend", async () => {
    const c = await dealer();
    await pay(c.id, 9_000);
    await creditRebate(t.db, finance, { customerId: c.id, amount: 50_000, reason: "返点", businessDate: DAY }, NOW);
    await setCreditLimit(t.db, finance, { customerId: c.id, creditLimit: 1_000 }, NOW);
    expect((await availableToSpend(t.db, c.id)).available).toBe(10_000);
    await setRebateShare(t.db, finance, 1_000, NOW);
    const power = await availableToSpend(t.db, c.id);
    expect(power).toMatchObject({ rebateShareBp: 1_000, unusedCredit: 1_000, available: 11_111 });
    await setRebateShare(t.db, finance, 0, NOW);
  });
});

describe(`reversal 红冲 (${testDbKind()})`, () => {
  it("negates a row once, points at it, and cannot itself be reversed", async () => {
    const c = await dealer();
    const wrong = await pay(c.id, 8_800);
    await pay(c.id, 880);
    const reversed = await reverseEntry(
      t.db,
      finance,
      { customerId: c.id, entryId: wrong.entryId, reason: "金额录错" },
      later(5),
    );
    expect(reversed).toMatchObject({ ok: true, balanceAfter: 880 });
    if (!reversed.ok) return;
    const row = (await ledgerRows(c.id)).at(-1)!;
    expect([row.kind, row.amount, row.reversal_of, row.reason]).toEqual([
      "reversal",
      -8_800,
      wrong.entryId,
      "金额录错",
    ]);
    expect(
      await reverseEntry(t.db, finance, { customerId: c.id, entryId: wrong.entryId, reason: "again" }, later(6)),
    ).toMatchObject({ ok: false, error: "already_reversed", reversalId: reversed.entryId, by: "finance-1" });
    expect(
      await reverseEntry(t.db, finance, { customerId: c.id, entryId: reversed.entryId, reason: "undo" }, later(7)),
    ).toEqual({ ok: false, error: "not_reversible" });
    const page = await listLedger(t.db, { kind: "staff", grant: finance.grant }, c.id, { limit: 10 });
    expect(page?.items.map((e) => [e.kind, e.reversible, e.reversedBy])).toEqual([
      ["reversal", false, null],
      ["recharge", true, null],
      ["recharge", false, reversed.entryId],
    ]);
  });

  it("is reversed once even when ten people press the button at the same time", async () => {
    const c = await dealer();
    const entry = await pay(c.id, 5_000);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        reverseEntry(t.db, finance, { customerId: c.id, entryId: entry.entryId, reason: `并发 ${i}` }, NOW),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === "already_reversed")).toHaveLength(9);
    expect((await balanceRow(c.id))?.prepaid).toBe(0);
  });

  it("refuses what would take a balance below zero, order rows, and another customer's row", async () => {
    const c = await dealer();
    const other = await dealer();
    const entry = await pay(c.id, 1_000);
    await adjustBalance(
      t.db,
      finance,
      { customerId: c.id, account: "prepaid", amount: -600, reason: "扣款", businessDate: DAY },
      NOW,
    );
    expect(await reverseEntry(t.db, finance, { customerId: c.id, entryId: entry.entryId, reason: "x" }, NOW)).toEqual({
      ok: false,
      error: "below_zero",
      account: "prepaid",
      balance: 400,
    });
    expect(
      await reverseEntry(t.db, finance, { customerId: other.id, entryId: entry.entryId, reason: "x" }, NOW),
    ).toEqual({ ok: false, error: "not_found" });
    const order = await orderFor(c, 100);
    const charged = await t.db
      .transaction()
      .execute((trx) =>
        chargeOrder(
          trx,
          { customerId: c.id, orderId: order.id, orderNumber: order.number, amount: 100, method: "prepaid" },
          finance,
          NOW,
        ),
      );
    if (!charged.ok) throw new Error(charged.error);
    expect(
      await reverseEntry(t.db, finance, { customerId: c.id, entryId: charged.entryIds[0]!, reason: "x" }, NOW),
    ).toEqual({ ok: false, error: "not_reversible" });
  });
});

describe(`offline payments 线下付款 (${testDbKind()})`, () => {
  async function report(customer: { id: number; accountId: number; username: string }, amount: number, seed = 1) {
    const result = await submitPaymentReport(
      t.db,
      { accountId: customer.accountId, name: customer.username },
      customer.id,
      { amount, method: "bank", reference: "ICBC-2026", paidOn: "2026-11-26", note: "", proof: await proofPng(seed) },
      NOW,
    );
    if (!result.ok) throw new Error(result.error);
    return result.reportId;
  }

  it("credits nothing until confirmed, then exactly once even if five confirm at the same time", async () => {
    const c = await dealer();
    const reportId = await report(c, 66_600, 11);
    expect(await ledgerRows(c.id)).toEqual([]);
    const staff = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const s = await makeStaff(t.db, { username: `cashier-${c.id}-${i}` });
        return staffActor(s.id, s.username, ["funds.view", "funds.manage"]);
      }),
    );
    const results = await Promise.all(staff.map((s) => confirmPaymentReport(t.db, s, { reportId }, NOW)));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const winner = staff[results.findIndex((r) => r.ok)]!;
    for (const r of results.filter((r) => !r.ok)) {
      expect(r).toEqual({
        ok: false,
        error: "already_handled",
        status: "confirmed",
        by: winner.name,
        at: NOW.toISOString(),
      });
    }
    const rows = await ledgerRows(c.id);
    expect(rows.map((r) => [r.kind, r.amount, r.payment_report_id, r.business_date])).toEqual([
      ["recharge", 66_600, reportId, "2026-11-26"],
    ]);
    expect((await balanceRow(c.id))?.prepaid).toBe(66_600);
    expect(await rejectPaymentReport(t.db, finance, { reportId, reason: "late" }, NOW)).toMatchObject({
      ok: false,
      error: "already_handled",
      status: "confirmed",
    });
  });

  it("rejects with a reason the dealer sees, and credits nothing", async () => {
    const c = await dealer();
    const reportId = await report(c, 100, 12);
    expect(await rejectPaymentReport(t.db, finance, { reportId, reason: "未收到该笔款项" }, NOW)).toEqual({
      ok: true,
      status: "rejected",
    });
    expect(await confirmPaymentReport(t.db, finance, { reportId }, NOW)).toMatchObject({
      ok: false,
      error: "already_handled",
      status: "rejected",
    });
    const mine = await listPaymentReports(t.db, { kind: "customer", customerId: c.id }, { limit: 10 });
    expect(mine.items.map((r) => [r.status, r.decisionReason, r.entryId])).toEqual([
      ["rejected", "未收到该笔款项", null],
    ]);
    expect(await ledgerRows(c.id)).toEqual([]);
  });

  it("accepts only real PNG, JPEG or WebP proofs up to 5 MB", async () => {
    const c = await dealer();
    const submit = (proof: Uint8Array) =>
      submitPaymentReport(
        t.db,
        { accountId: c.accountId, name: c.username },
        c.id,
        { amount: 100, method: "cash", reference: "", paidOn: DAY, note: "", proof },
        NOW,
      );
    expect(await submit(new TextEncoder().encode("not an image"))).toEqual({
      ok: false,
      error: "proof",
      rejection: "not_an_image",
    });
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: "red" } })
      .gif()
      .toBuffer();
    expect(await submit(gif)).toEqual({ ok: false, error: "proof", rejection: "unsupported_type" });
    expect(await submit(new Uint8Array(5 * 1024 * 1024 + 1))).toEqual({
      ok: false,
      error: "proof",
      rejection: "too_large",
    });
    expect(await submit(new Uint8Array(0))).toEqual({ ok: false, error: "proof", rejection: "empty" });
  });

  it("shows a proof image only to its customer and to staff of its region", async () => {
    const c = await dealer(east.id);
    const other = await dealer(east.id);
    const reportId = await report(c, 100, 13);
    expect(await getProofImage(t.db, { kind: "customer", customerId: c.id }, reportId, "thumb")).toMatchObject({
      contentType: "image/webp",
    });
    expect(await getProofImage(t.db, { kind: "customer", customerId: c.id }, reportId, "full")).toMatchObject({
      contentType: "image/png",
    });
    expect(await getProofImage(t.db, { kind: "customer", customerId: other.id }, reportId, "full")).toBeNull();
    const eastGrant = { permissions: new Set<Permission>(["funds.view"]), regionIds: [east.id] };
    const southGrant = { permissions: new Set<Permission>(["funds.view"]), regionIds: [south.id] };
    expect(await getProofImage(t.db, { kind: "staff", grant: eastGrant }, reportId, "full")).not.toBeNull();
    expect(await getProofImage(t.db, { kind: "staff", grant: southGrant }, reportId, "full")).toBeNull();
    // And a region-limited cashier cannot confirm it either.
    const southCashier = staffActor(finance.accountId!, "south-cashier", ["funds.view", "funds.manage"], [south.id]);
    expect(await confirmPaymentReport(t.db, southCashier, { reportId }, NOW)).toEqual({
      ok: false,
      error: "not_found",
    });
  });
});

describe(`credit limits (${testDbKind()})`, () => {
  it("lowers a limit below the receivable only with an override reason", async () => {
    const c = await dealer();
    await setCreditLimit(t.db, finance, { customerId: c.id, creditLimit: 5_000 }, NOW);
    await chargeToCredit(t.db, finance, { customerId: c.id, amount: 4_000, reason: "样品", businessDate: DAY }, NOW);
    expect(await setCreditLimit(t.db, finance, { customerId: c.id, creditLimit: 3_000 }, NOW)).toEqual({
      ok: false,
      error: "below_receivable",
      receivable: 4_000,
    });
    expect(
      await setCreditLimit(t.db, finance, { customerId: c.id, creditLimit: 3_000, overLimitReason: "风险收紧" }, NOW),
    ).toEqual({ ok: true, creditLimit: 3_000 });
    expect((await balanceRow(c.id))?.over_limit_reason).toBe("风险收紧");
    expect(
      await chargeToCredit(t.db, finance, { customerId: c.id, amount: 1, reason: "x", businessDate: DAY }, NOW),
    ).toEqual({ ok: false, error: "over_credit_limit", available: 0 });
    await setCreditLimit(t.db, finance, { customerId: c.id, creditLimit: 4_000 }, NOW);
    expect((await balanceRow(c.id))?.over_limit_reason).toBeNull();
    const funds = await getCustomerFunds(t.db, { kind: "customer", customerId: c.id }, c.id);
    expect(funds).toMatchObject({ unusedCredit: 0, balances: { receivable: 4_000, creditLimit: 4_000 } });
  });
});

describe(`the database backs the rules (${testDbKind()})`, () => {
  it("refuses negative balances, a receivable over the limit without an override, and edits of the ledger", async () => {
    const c = await dealer();
    await pay(c.id, 100);
    const update = (values: Record<string, unknown>) =>
      t.db.updateTable("fund_balances").set(values).where("customer_id", "=", c.id).execute();
    await expect(update({ prepaid: -1 })).rejects.toThrow();
    await expect(update({ rebate: -1 })).rejects.toThrow();
    await expect(update({ deposit: -1 })).rejects.toThrow();
    await expect(update({ receivable: 10 })).rejects.toThrow();
    await expect(update({ over_limit_reason: " " })).rejects.toThrow();
    const row = (await ledgerRows(c.id))[0]!;
    await expect(t.db.updateTable("fund_ledger").set({ amount: 1 }).where("id", "=", row.id).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.deleteFrom("fund_ledger").where("id", "=", row.id).execute()).rejects.toThrow(/append-only/);
    const base = {
      customer_id: c.id,
      balance_after: 0,
      business_date: DAY,
      actor_name: "x",
      created_at: NOW.toISOString(),
    };
    // A recharge must be positive; a reversal must point at a row, and only once.
    await expect(
      t.db
        .insertInto("fund_ledger")
        .values({ ...base, account: "prepaid", kind: "recharge", amount: -5 })
        .execute(),
    ).rejects.toThrow();
    await expect(
      t.db
        .insertInto("fund_ledger")
        .values({ ...base, account: "prepaid", kind: "reversal", amount: -5 })
        .execute(),
    ).rejects.toThrow();
    await expect(
      t.db
        .insertInto("fund_ledger")
        .values({ ...base, account: "prepaid", kind: "adjustment", amount: 0 })
        .execute(),
    ).rejects.toThrow();
    expect(await findFundsViolations(t.db)).toEqual([]);
  });

  it("keeps money in integer columns only: no float type in any funds table", async () => {
    const tables = ["fund_balances", "fund_ledger", "payment_reports"];
    const types: string[] = [];
    for (const table of tables) {
      if (testDbKind() === "sqlite") {
        const rows = await sql<{ type: string }>`select type from pragma_table_info(${table})`.execute(t.db);
        types.push(...rows.rows.map((r) => r.type.toLowerCase()));
      } else {
        const rows = await sql<{ data_type: string }>`
          select data_type from information_schema.columns
          where table_name = ${table} and table_schema = current_schema()`.execute(t.db);
        types.push(...rows.rows.map((r) => r.data_type.toLowerCase()));
      }
    }
    expect(types.length).toBeGreaterThan(30);
    for (const type of types) expect(type).not.toMatch(/real|double|float|numeric|decimal/);
  });

  it("finds a drifted balance with the invariant check", async () => {
    const c = await dealer();
    await pay(c.id, 500);
    // Bypass the services, as a bug would.
    await t.db.updateTable("fund_balances").set({ prepaid: 499 }).where("customer_id", "=", c.id).execute();
    expect(await findFundsViolations(t.db)).toEqual([{ customerId: c.id, problem: "prepaid 499 ≠ Σ ledger 500" }]);
    await t.db.updateTable("fund_balances").set({ prepaid: 500 }).where("customer_id", "=", c.id).execute();
  });
});

describe(`reading, scoped (${testDbKind()})`, () => {
  it("gives a customer its own ledger and statement and nothing of another's", async () => {
    const a = await dealer();
    const b = await dealer();
    await pay(a.id, 1_000);
    await pay(b.id, 2_000);
    const asA = { kind: "customer" as const, customerId: a.id };
    expect((await listLedger(t.db, asA, a.id, { limit: 10 }))?.items).toHaveLength(1);
    expect(await listLedger(t.db, asA, b.id, { limit: 10 })).toBeNull();
    expect(await getStatement(t.db, asA, b.id, { from: "2026-11-01", to: DAY })).toBeNull();
    expect(await getCustomerFunds(t.db, asA, b.id)).toBeNull();
    const reports = await listPaymentReports(t.db, asA, { customerId: b.id, limit: 10 });
    expect(reports.items).toEqual([]);
  });

  it("limits region-limited staff to their regions in lists, ledgers and statements", async () => {
    const e = await dealer(east.id);
    const s = await dealer(south.id);
    await pay(e.id, 100);
    await pay(s.id, 200);
    const eastOnly = { permissions: new Set<Permission>(PERMISSIONS), regionIds: [east.id] };
    const list = await listBalances(t.db, eastOnly, { limit: 500 });
    expect(list.items.some((i) => i.customerId === e.id)).toBe(true);
    expect(list.items.some((i) => i.customerId === s.id)).toBe(false);
    expect(list.items.every((i) => i.regionName === "华东")).toBe(true);
    const scope = { kind: "staff" as const, grant: eastOnly };
    expect(await listLedger(t.db, scope, s.id, { limit: 10 })).toBeNull();
    expect(await getStatement(t.db, scope, s.id, { from: "2026-01-01", to: DAY })).toBeNull();
    const eastActor = staffActor(finance.accountId!, "east-finance", PERMISSIONS, [east.id]);
    expect(
      await recordPayment(
        t.db,
        eastActor,
        { customerId: s.id, account: "prepaid", amount: 1, method: "cash", reference: "", businessDate: DAY },
        NOW,
      ),
    ).toEqual({ ok: false, error: "not_found" });
    const none = { permissions: new Set<Permission>(PERMISSIONS), regionIds: [] };
    expect((await listBalances(t.db, none, { limit: 10 })).items).toEqual([]);
  });

  it("builds a statement by business date: opening, movements with running balances, closing", async () => {
    const c = await dealer();
    const on = (businessDate: string, amount: number) =>
      recordPayment(
        t.db,
        finance,
        { customerId: c.id, account: "prepaid", amount, method: "bank", reference: businessDate, businessDate },
        NOW,
      );
    await on("2026-10-15", 10_000);
    await on("2026-11-03", 2_500);
    // Recorded later but dated earlier: it belongs to October's opening.
    await on("2026-10-31", 500);
    await adjustBalance(
      t.db,
      finance,
      { customerId: c.id, account: "prepaid", amount: -1_200, reason: "运费", businessDate: "2026-11-10" },
      NOW,
    );
    await on("2026-12-01".replace("12-01", "11-27"), 300);
    const statement = await getStatement(t.db, { kind: "staff", grant: finance.grant }, c.id, {
      from: "2026-11-01",
      to: "2026-11-26",
    });
    expect(statement?.totals.prepaid).toEqual({ opening: 10_500, increase: 2_500, decrease: 1_200, closing: 11_800 });
    expect(statement?.lines.map((l) => [l.businessDate, l.amount, l.runningBalance])).toEqual([
      ["2026-11-03", 2_500, 13_000],
      ["2026-11-10", -1_200, 11_800],
    ]);
    expect(statement?.totals.rebate).toEqual({ opening: 0, increase: 0, decrease: 0, closing: 0 });
  });

  it("searches the ledger by reference or note, a typed % or _ matching only itself", async () => {
    const c = await dealer();
    const scope = { kind: "staff" as const, grant: finance.grant };
    await recordPayment(
      t.db,
      finance,
      { customerId: c.id, account: "prepaid", amount: 100, method: "bank", reference: "icbc-77", businessDate: DAY },
      NOW,
    );
    await adjustBalance(
      t.db,
      finance,
      { customerId: c.id, account: "prepaid", amount: -10, reason: "手续费 5%", businessDate: DAY },
      NOW,
    );
    const search = async (q: string) =>
      (await listLedger(t.db, scope, c.id, { q, limit: 10 }))!.items.map((e) => e.reference || e.reason);
    expect(await search("ICBC")).toEqual(["icbc-77"]);
    expect(await search("5%")).toEqual(["手续费 5%"]);
    expect(await search("%")).toEqual(["手续费 5%"]);
    expect(await search("_")).toEqual([]);
    expect((await listBalances(t.db, finance.grant, { q: "C%", limit: 10 })).items).toEqual([]);
    expect((await listBalances(t.db, finance.grant, { q: "c0", limit: 500 })).items.length).toBeGreaterThan(0);
  });

  it("pages the ledger and the balances list by keyset without gaps or repeats", async () => {
    const c = await dealer();
    for (let i = 1; i <= 7; i++) await pay(c.id, i * 100);
    const seen: number[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listLedger(t.db, { kind: "staff", grant: finance.grant }, c.id, { limit: 3, after });
      seen.push(...page!.items.map((e) => e.amount));
      if (!page!.nextCursor) break;
      after = page!.nextCursor;
    }
    expect(seen).toEqual([700, 600, 500, 400, 300, 200, 100]);
    const filtered = await listLedger(t.db, { kind: "staff", grant: finance.grant }, c.id, {
      limit: 10,
      kind: "adjustment",
    });
    expect(filtered?.items).toEqual([]);

    const codes: string[] = [];
    const prepaids: number[] = [];
    after = undefined;
    for (;;) {
      const page = await listBalances(t.db, finance.grant, { limit: 4, sort: "-prepaid", after });
      codes.push(...page.items.map((i) => i.code));
      prepaids.push(...page.items.map((i) => i.prepaid));
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
    const all = await listBalances(t.db, finance.grant, { limit: 1_000 });
    expect(new Set(codes).size).toBe(all.items.length);
    expect(codes).toHaveLength(all.items.length);
    expect([...prepaids].sort((x, y) => y - x)).toEqual(prepaids);
    for (const item of all.items) {
      for (const key of ["prepaid", "rebate", "deposit", "receivable", "creditLimit", "unusedCredit"] as const) {
        expect(Number.isSafeInteger(item[key]), `${item.code} ${key}`).toBe(true);
      }
    }
    // JSON round trip: amounts stay integers (no "100.0", no strings).
    const json = JSON.parse(JSON.stringify(all.items)) as typeof all.items;
    expect(json.every((i) => typeof i.prepaid === "number" && Number.isInteger(i.prepaid))).toBe(true);
  });
});

describe(`random sequences against the database (${testDbKind()})`, () => {
  it("keep every invariant after every operation", async () => {
    const op = fc.oneof(
      fc.record({ type: fc.constant("pay" as const), amount: fc.integer({ min: 1, max: 50_000 }) }),
      fc.record({ type: fc.constant("rebate" as const), amount: fc.integer({ min: 1, max: 20_000 }) }),
      fc.record({
        type: fc.constant("adjust" as const),
        amount: fc.integer({ min: -30_000, max: 30_000 }).filter((n) => n !== 0),
      }),
      fc.record({ type: fc.constant("limit" as const), limit: fc.integer({ min: 0, max: 60_000 }) }),
      fc.record({ type: fc.constant("order" as const), amount: fc.integer({ min: 1, max: 40_000 }) }),
      fc.record({ type: fc.constant("refund" as const) }),
      fc.record({ type: fc.constant("repay" as const), amount: fc.integer({ min: 1, max: 40_000 }) }),
      fc.record({ type: fc.constant("reverse" as const), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const c = await dealer();
        const orders: Array<{ id: number; number: string }> = [];
        for (const o of ops) {
          if (o.type === "pay") await pay(c.id, o.amount);
          else if (o.type === "rebate")
            await creditRebate(
              t.db,
              finance,
              { customerId: c.id, amount: o.amount, reason: "r", businessDate: DAY },
              NOW,
            );
          else if (o.type === "adjust")
            await adjustBalance(
              t.db,
              finance,
              { customerId: c.id, account: "prepaid", amount: o.amount, reason: "a", businessDate: DAY },
              NOW,
            );
          else if (o.type === "limit")
            await setCreditLimit(t.db, finance, { customerId: c.id, creditLimit: o.limit }, NOW);
          else if (o.type === "order") {
            const order = await orderFor(c, o.amount);
            const r = await t.db
              .transaction()
              .execute((trx) =>
                chargeOrder(
                  trx,
                  { customerId: c.id, orderId: order.id, orderNumber: order.number, amount: o.amount, method: "auto" },
                  finance,
                  NOW,
                ),
              );
            if (r.ok) orders.push(order);
          } else if (o.type === "refund") {
            const order = orders.pop();
            if (order)
              await t.db
                .transaction()
                .execute((trx) =>
                  refundOrder(trx, { customerId: c.id, orderId: order.id, orderNumber: order.number }, finance, NOW),
                );
          } else if (o.type === "repay") {
            const owed = Number((await balanceRow(c.id))?.receivable ?? 0);
            if (owed > 0) await pay(c.id, Math.min(owed, o.amount), "receivable");
          } else {
            const rows = await ledgerRows(c.id);
            const target = rows[o.pick % Math.max(1, rows.length)];
            if (target) await reverseEntry(t.db, finance, { customerId: c.id, entryId: target.id, reason: "r" }, NOW);
          }
          const problems = (await findFundsViolations(t.db)).filter((v) => v.customerId === c.id);
          expect(problems).toEqual([]);
        }
      }),
      { numRuns: 15 },
    );
  });
});
