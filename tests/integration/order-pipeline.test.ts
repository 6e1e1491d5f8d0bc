import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES, type Permission, type StaffGrant } from "../../app/domain/permissions";
import { DEFAULT_SETTINGS } from "../../app/domain/settings";
import { availableToSpend, orderPayments, recordPayment } from "../../app/services/funds.server";
import { type OrderActor, performOrderAction } from "../../app/services/order-pipeline.server";
import { getOrder, submitOrder } from "../../app/services/orders.server";
import { updateSettings } from "../../app/services/settings.server";
import { makeCustomer, makeOrderableSku, makeRegion, NOW, TEST_ACTOR } from "../support/factories";
import { expectFundsInvariants } from "../support/invariants";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let regionId: number;
let otherRegionId: number;
let customer: Awaited<ReturnType<typeof makeCustomer>>;
let keySeq = 0;

const staff = (permissions: readonly Permission[], regionIds: number[] | null = null, name = "clerk"): OrderActor => ({
  accountId: null,
  name,
  kind: "staff",
  grant: { permissions: new Set(permissions), regionIds } satisfies StaffGrant,
});
const admin = staff(BUILTIN_ROLES.admin.permissions, null, "admin");

async function place(code: string, quantity = 1) {
  const placed = await submitOrder(
    t.db,
    { accountId: customer.accountId, name: customer.username, kind: "customer" },
    { customerId: customer.id, idempotencyKey: `p-${++keySeq}`, lines: [{ skuCode: code, quantity }] },
    NOW,
  );
  if (!placed.ok) throw new Error(`not placed: ${JSON.stringify(placed)}`);
  lastPlaced = placed;
  return placed.order.number;
}
let lastPlaced: Extract<Awaited<ReturnType<typeof submitOrder>>, { ok: true }> | undefined;

async function stockOf(skuId: number) {
  const rows = await t.db.selectFrom("stock").select(["on_hand", "reserved"]).where("sku_id", "=", skuId).execute();
  const movements = await t.db.selectFrom("stock_movements").select("delta").where("sku_id", "=", skuId).execute();
  return {
    onHand: rows.reduce((s, r) => s + Number(r.on_hand), 0),
    reserved: rows.reduce((s, r) => s + Number(r.reserved), 0),
    movementSum: movements.reduce((s, r) => s + Number(r.delta), 0),
  };
}

async function version(number: string) {
  return (await t.db.selectFrom("orders").select("version").where("number", "=", number).executeTakeFirstOrThrow())
    .version;
}

beforeAll(async () => {
  t = await createTestDatabase();
  regionId = (await makeRegion(t.db)).id;
  otherRegionId = (await makeRegion(t.db)).id;
  customer = await makeCustomer(t.db, { regionId });
  // Enough prepaid for every order in this file.
  const paid = await recordPayment(
    t.db,
    { accountId: null, name: "finance", grant: { permissions: new Set(["funds.manage"]), regionIds: null } },
    {
      customerId: customer.id,
      account: "prepaid",
      amount: 100_000_000,
      method: "bank",
      reference: "TEST-TOPUP",
      businessDate: "2026-11-27",
    },
    NOW,
  );
  if (!paid.ok) throw new Error("could not fund the test customer");
});
afterEach(() => expectFundsInvariants(t.db));
afterAll(() => t.destroy());

describe(`order pipeline (${testDbKind()})`, () => {
  it("walks an order through every step: reservation, outbound movement, shipment, completion", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 20 });
    const number = await place(sku.code, 3);
    const approve = async (extra: object = {}) =>
      performOrderAction(t.db, admin, number, { type: "approve", version: await version(number), ...extra }, NOW);

    expect(await approve()).toMatchObject({ ok: true, status: "pending_finance_review" });
    expect(await stockOf(sku.skuId)).toEqual({ onHand: 20, reserved: 3, movementSum: 20 });
    const before = (await availableToSpend(t.db, customer.id)).balances.prepaid;
    expect(await approve({ payment: { method: "prepaid" } })).toMatchObject({
      ok: true,
      status: "pending_outbound_review",
    });
    const order0 = await getOrder(t.db, number, {});
    expect(await orderPayments(t.db, order0!.id)).toEqual({ rebate: 0, prepaid: order0!.totals.payable, credit: 0 });
    expect((await availableToSpend(t.db, customer.id)).balances.prepaid).toBe(before - order0!.totals.payable);
    expect(await approve()).toMatchObject({ ok: true, status: "pending_shipment" });
    expect(await stockOf(sku.skuId)).toEqual({ onHand: 17, reserved: 0, movementSum: 17 });
    expect(await approve()).toMatchObject({ ok: false, code: "shipment_required" });
    expect(await approve({ shipment: { carrier: "顺丰速运", trackingNo: "SF1234567890" } })).toMatchObject({
      ok: true,
      status: "pending_receipt",
    });
    const customerActor: OrderActor = {
      accountId: customer.accountId,
      name: customer.username,
      kind: "customer",
      customerId: customer.id,
    };
    expect(
      await performOrderAction(
        t.db,
        customerActor,
        number,
        { type: "confirm_receipt", version: await version(number) },
        NOW,
      ),
    ).toMatchObject({
      ok: true,
      status: "completed",
    });

    const order = await getOrder(t.db, number, {});
    expect(order?.timeline.map((e) => e.action)).toEqual([
      "submit",
      "approve_order_review",
      "approve_finance_review",
      "approve_outbound_review",
      "approve_shipment",
      "approve_receipt",
    ]);
    const shipment = await t.db
      .selectFrom("shipments")
      .selectAll()
      .where("order_id", "=", order!.id)
      .executeTakeFirstOrThrow();
    expect(shipment).toMatchObject({ status: "shipped", carrier: "顺丰速运", tracking_no: "SF1234567890" });
    expect(shipment.number).toMatch(/^CK\d{8}-\d{4}$/);
    const events = await t.db
      .selectFrom("outbox")
      .select("event_type")
      .where("aggregate_id", "=", number)
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.event_type)).toEqual([
      "order.submitted",
      "order.step_approved",
      "order.step_approved",
      "order.step_approved",
      "order.step_approved",
      "order.shipped",
      "order.step_approved",
      "order.completed",
    ]);
    const audit = await t.db.selectFrom("audit_log").select("action").where("object_id", "=", number).execute();
    expect(audit).toHaveLength(6);
  });

  it("lets exactly one of 50 simultaneous approvals through and tells the others who did it", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 50 });
    const number = await place(sku.code, 2);
    const v = await version(number);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        performOrderAction(
          t.db,
          staff(["order.review"], null, `reviewer${i}`),
          number,
          { type: "approve", version: v },
          NOW,
        ),
      ),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const losers = results.filter((r) => !r.ok);
    expect(losers).toHaveLength(49);
    for (const loser of losers)
      expect(loser).toMatchObject({ code: "already_handled", status: "pending_finance_review" });
    expect(new Set(losers.map((l) => (l.ok ? null : "by" in l ? l.by : null))).size).toBe(1);
    expect(await stockOf(sku.skuId)).toMatchObject({ reserved: 2 });
    const reservations = await t.db.selectFrom("order_reservations").select("quantity").execute();
    expect(reservations.filter((r) => r.quantity === 2).length).toBeGreaterThanOrEqual(1);
  });

  it("ships exactly 10 of 100 racing outbound reviews of one unit when 10 are in stock", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 10 });
    // Overselling lets 100 orders through order review on 10 units; outbound is where stock must hold.
    await updateSettings(t.db, TEST_ACTOR, { allowOverselling: true }, NOW);
    const numbers: string[] = [];
    for (let i = 0; i < 100; i++) numbers.push(await place(sku.code, 1));
    for (const number of numbers) {
      await performOrderAction(t.db, admin, number, { type: "approve", version: await version(number) }, NOW);
      await performOrderAction(t.db, admin, number, { type: "approve", version: await version(number) }, NOW);
    }
    await updateSettings(t.db, TEST_ACTOR, { allowOverselling: false }, NOW);
    const versions = await Promise.all(numbers.map(version));
    const results = await Promise.all(
      numbers.map((number, i) =>
        performOrderAction(
          t.db,
          staff(["order.outbound_review"]),
          number,
          { type: "approve", version: versions[i]! },
          NOW,
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ code: "insufficient_stock" });
    const stock = await stockOf(sku.skuId);
    expect(stock.onHand).toBe(0);
    expect(stock.movementSum).toBe(stock.onHand);
    const outbound = await t.db
      .selectFrom("stock_movements")
      .select("id")
      .where("sku_id", "=", sku.skuId)
      .where("kind", "=", "outbound")
      .execute();
    expect(outbound).toHaveLength(10);
  });

  it("with order review switched off, a submitted order goes straight to finance review, reserved", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 5 });
    await updateSettings(
      t.db,
      TEST_ACTOR,
      { orderSteps: { ...DEFAULT_SETTINGS.orderSteps, order_review: false } },
      NOW,
    );
    const number = await place(sku.code, 2);
    await updateSettings(t.db, TEST_ACTOR, { orderSteps: DEFAULT_SETTINGS.orderSteps }, NOW);
    const order = await getOrder(t.db, number, {});
    expect(order?.status).toBe("pending_finance_review");
    expect(order?.timeline.map((e) => e.action)).toEqual(["submit", "auto_order_review"]);
    // Moved on in the same transaction: the submission has no as-written detail to answer with.
    expect(lastPlaced?.detail).toBeUndefined();
    expect(await stockOf(sku.skuId)).toMatchObject({ reserved: 2 });
  });

  it("keeps an order in order review when it is switched off but no warehouse can cover it", async () => {
    // One unit in each of two warehouses: the order of two passes submission (two available in
    // all) but no single warehouse can reserve it, so a person must look at it.
    const sku = await makeOrderableSku(t.db, { stock: 1 });
    const second = await t.db
      .insertInto("warehouses")
      .values({ code: "W-SPLIT", name: "第二仓", created_at: NOW.toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto("stock")
      .values({ sku_id: sku.skuId, warehouse_id: second.id, on_hand: 1, reserved: 0 })
      .execute();
    await t.db
      .insertInto("stock_movements")
      .values({
        sku_id: sku.skuId,
        warehouse_id: second.id,
        kind: "initial",
        delta: 1,
        on_hand_after: 1,
        at: NOW.toISOString(),
      })
      .execute();
    await updateSettings(
      t.db,
      TEST_ACTOR,
      { orderSteps: { ...DEFAULT_SETTINGS.orderSteps, order_review: false } },
      NOW,
    );
    const number = await place(sku.code, 2);
    await updateSettings(t.db, TEST_ACTOR, { orderSteps: DEFAULT_SETTINGS.orderSteps }, NOW);
    const order = await getOrder(t.db, number, {});
    expect(order?.status).toBe("pending_order_review");
    expect(order?.timeline.map((e) => e.action)).toEqual(["submit"]);
    expect(await stockOf(sku.skuId)).toMatchObject({ reserved: 0 });
    // Left at its first step: the detail built from the inserted rows is the order read back.
    expect(lastPlaced?.detail).toEqual(order);
  });

  it("refuses staff without the step's permission and hides orders outside their regions", async () => {
    const sku = await makeOrderableSku(t.db);
    const number = await place(sku.code);
    const v = await version(number);
    expect(
      await performOrderAction(t.db, staff(["order.finance_review"]), number, { type: "approve", version: v }, NOW),
    ).toEqual({
      ok: false,
      code: "not_permitted",
    });
    expect(
      await performOrderAction(
        t.db,
        staff(["order.review"], [otherRegionId]),
        number,
        { type: "approve", version: v },
        NOW,
      ),
    ).toEqual({
      ok: false,
      code: "not_found",
    });
    expect(
      await performOrderAction(t.db, staff(["order.review"], [regionId]), number, { type: "approve", version: v }, NOW),
    ).toMatchObject({ ok: true });
  });

  it("sends back with a reason, and the dealer resubmits into order review", async () => {
    const sku = await makeOrderableSku(t.db);
    const number = await place(sku.code);
    expect(
      await performOrderAction(
        t.db,
        admin,
        number,
        { type: "send_back", version: await version(number), reason: " " },
        NOW,
      ),
    ).toEqual({
      ok: false,
      code: "reason_required",
    });
    expect(
      await performOrderAction(
        t.db,
        admin,
        number,
        { type: "send_back", version: await version(number), reason: "请确认规格" },
        NOW,
      ),
    ).toMatchObject({
      ok: true,
      status: "sent_back",
    });
    const dealer: OrderActor = {
      accountId: customer.accountId,
      name: customer.username,
      kind: "customer",
      customerId: customer.id,
    };
    expect(
      await performOrderAction(t.db, dealer, number, { type: "resubmit", version: await version(number) }, NOW),
    ).toMatchObject({
      ok: true,
      status: "pending_order_review",
    });
    const order = await getOrder(t.db, number, {});
    expect(order?.timeline.find((e) => e.action === "send_back")?.note).toBe("请确认规格");
  });

  it("refuses finance approval when funds are short, and lets only a credit-permitted person override", async () => {
    const poor = await makeCustomer(t.db, { regionId });
    const sku = await makeOrderableSku(t.db, { basePrice: 5000 });
    const placed = await submitOrder(
      t.db,
      { accountId: poor.accountId, name: poor.username, kind: "customer" },
      { customerId: poor.id, idempotencyKey: "poor-1", lines: [{ skuCode: sku.code, quantity: 2 }] },
      NOW,
    );
    if (!placed.ok) throw new Error("not placed");
    const number = placed.order.number;
    await performOrderAction(t.db, admin, number, { type: "approve", version: await version(number) }, NOW);
    const finance = staff(["order.finance_review"], null, "finance");
    expect(
      await performOrderAction(t.db, finance, number, { type: "approve", version: await version(number) }, NOW),
    ).toEqual({
      ok: false,
      code: "insufficient_funds",
      available: 0,
      payable: 10_000,
    });
    // Overriding the credit limit needs customer.credit as well as a reason.
    const override = {
      type: "approve" as const,
      payment: { method: "credit" as const, overrideReason: "老客户，月底结清" },
    };
    expect(
      await performOrderAction(t.db, finance, number, { ...override, version: await version(number) }, NOW),
    ).toEqual({ ok: false, code: "not_permitted" });
    const financeLead = staff(["order.finance_review", "customer.credit"], null, "finance-lead");
    expect(
      await performOrderAction(t.db, financeLead, number, { ...override, version: await version(number) }, NOW),
    ).toMatchObject({
      ok: true,
      status: "pending_outbound_review",
    });
    expect((await availableToSpend(t.db, poor.id)).balances.receivable).toBe(10_000);
  });

  it("charges once when 50 finance reviewers approve at the same moment", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 5 });
    const number = await place(sku.code, 1);
    await performOrderAction(t.db, admin, number, { type: "approve", version: await version(number) }, NOW);
    const v = await version(number);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        performOrderAction(
          t.db,
          staff(["order.finance_review"], null, `finance${i}`),
          number,
          { type: "approve", version: v },
          NOW,
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const order = await getOrder(t.db, number, {});
    const rows = await t.db.selectFrom("fund_ledger").select("id").where("order_id", "=", order!.id).execute();
    expect(rows).toHaveLength(1);
  });

  it("voids a paid order before outbound: reservation released, payment refunded", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 10, basePrice: 2500 });
    const number = await place(sku.code, 2);
    const start = (await availableToSpend(t.db, customer.id)).balances.prepaid;
    await performOrderAction(t.db, admin, number, { type: "approve", version: await version(number) }, NOW);
    await performOrderAction(t.db, admin, number, { type: "approve", version: await version(number) }, NOW);
    expect((await availableToSpend(t.db, customer.id)).balances.prepaid).toBe(start - 5000);
    expect(
      await performOrderAction(
        t.db,
        admin,
        number,
        { type: "void", version: await version(number), reason: "客户取消" },
        NOW,
      ),
    ).toMatchObject({
      ok: true,
      status: "cancelled",
    });
    expect((await availableToSpend(t.db, customer.id)).balances.prepaid).toBe(start);
    expect(await stockOf(sku.skuId)).toEqual({ onHand: 10, reserved: 0, movementSum: 10 });
  });

  it("voids before outbound, releasing the reservation; not after", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 10 });
    const number = await place(sku.code, 4);
    await performOrderAction(t.db, admin, number, { type: "approve", version: await version(number) }, NOW);
    expect(await stockOf(sku.skuId)).toMatchObject({ reserved: 4 });
    expect(
      await performOrderAction(
        t.db,
        admin,
        number,
        { type: "void", version: await version(number), reason: "客户要求取消" },
        NOW,
      ),
    ).toMatchObject({
      ok: true,
      status: "cancelled",
    });
    expect(await stockOf(sku.skuId)).toEqual({ onHand: 10, reserved: 0, movementSum: 10 });
    const counters = await t.db
      .selectFrom("queue_counters")
      .select(["status", "count"])
      .where("region_id", "=", regionId)
      .where("pipeline", "=", "orders")
      .execute();
    const real = await t.db
      .selectFrom("orders")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("region_id", "=", regionId)
      .groupBy("status")
      .execute();
    // The counters the dashboard reads agree with the orders themselves.
    for (const row of real) expect(counters.find((c) => c.status === row.status)?.count).toBe(Number(row.n));
  });
});
