import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES, type Permission, type StaffGrant } from "../../app/domain/permissions";
import { DEFAULT_SETTINGS } from "../../app/domain/settings";
import { orderPayments, readBalances, recordPayment } from "../../app/services/funds.server";
import { amendOrder } from "../../app/services/order-admin.server";
import { type OrderActor, performOrderAction } from "../../app/services/order-pipeline.server";
import { getOrder, submitOrder } from "../../app/services/orders.server";
import {
  createReturn,
  getReturn,
  listReturns,
  performReturnAction,
  type ReturnActionInput,
  type ReturnActor,
  returnableLines,
} from "../../app/services/returns.server";
import { updateSettings } from "../../app/services/settings.server";
import { makeCustomer, makeOrderableSku, makeRegion, NOW, TEST_ACTOR } from "../support/factories";
import { expectFundsInvariants } from "../support/invariants";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let customer: Awaited<ReturnType<typeof makeCustomer>>;
let other: Awaited<ReturnType<typeof makeCustomer>>;
let keySeq = 0;

const staff = (permissions: readonly Permission[], regionIds: number[] | null = null, name = "clerk"): OrderActor => ({
  accountId: null,
  name,
  kind: "staff",
  grant: { permissions: new Set(permissions), regionIds } satisfies StaffGrant,
});
const admin = staff(BUILTIN_ROLES.admin.permissions, null, "admin");
const dealer = (c: typeof customer): ReturnActor => ({
  accountId: c.accountId,
  name: c.username,
  kind: "customer",
  customerId: c.id,
});

async function fund(c: typeof customer) {
  const paid = await recordPayment(
    t.db,
    { accountId: null, name: "finance", grant: { permissions: new Set(["funds.manage"]), regionIds: null } },
    {
      customerId: c.id,
      account: "prepaid",
      amount: 100_000_000,
      method: "bank",
      reference: "TOPUP",
      businessDate: "2026-11-27",
    },
    NOW,
  );
  if (!paid.ok) throw new Error("could not fund the test customer");
}

/** An order of these lines taken through the order pipeline to pending_receipt (shipped). */
async function shippedOrder(
  c: typeof customer,
  lines: Array<{ code: string; quantity: number }>,
  amend?: (orderNumber: string, version: number) => Promise<unknown>,
) {
  const placed = await submitOrder(
    t.db,
    { accountId: c.accountId, name: c.username, kind: "customer" },
    {
      customerId: c.id,
      idempotencyKey: `o-${++keySeq}`,
      lines: lines.map((l) => ({ skuCode: l.code, quantity: l.quantity })),
    },
    NOW,
  );
  if (!placed.ok) throw new Error(`not placed: ${JSON.stringify(placed)}`);
  const number = placed.order.number;
  if (amend) await amend(number, (await getOrder(t.db, number, {}))!.version);
  const extras = [
    {},
    { payment: { method: "prepaid" as const } },
    {},
    { shipment: { carrier: "顺丰速运", trackingNo: "SF1" } },
  ];
  for (const extra of extras) {
    const version = (await getOrder(t.db, number, {}))!.version;
    const done = await performOrderAction(t.db, admin, number, { type: "approve", version, ...extra }, NOW);
    if (!done.ok) throw new Error(`order step refused: ${JSON.stringify(done)}`);
  }
  const order = (await getOrder(t.db, number, {}))!;
  expect(order.status).toBe("pending_receipt");
  return order;
}

async function returnVersion(number: string) {
  return (await t.db.selectFrom("returns").select("version").where("number", "=", number).executeTakeFirstOrThrow())
    .version;
}

type WithoutVersion<T> = T extends unknown ? Omit<T, "version"> : never;

const act = async (actor: ReturnActor, number: string, input: WithoutVersion<ReturnActionInput>) =>
  performReturnAction(
    t.db,
    actor,
    number,
    { ...input, version: await returnVersion(number) } as ReturnActionInput,
    NOW,
  );

async function orderLineIds(orderId: number) {
  const rows = await t.db
    .selectFrom("order_lines")
    .select("id")
    .where("order_id", "=", orderId)
    .orderBy("position")
    .execute();
  return rows.map((r) => r.id);
}

async function startReturn(
  c: typeof customer,
  orderNumber: string,
  lines: Array<{ orderLineId: number; quantity: number }>,
  actor: ReturnActor = dealer(c),
) {
  const created = await createReturn(
    t.db,
    actor,
    { orderNumber, idempotencyKey: `r-${++keySeq}`, lines: lines.map((l) => ({ ...l, reason: "quality" as const })) },
    NOW,
  );
  if (!created.ok) throw new Error(`return refused: ${JSON.stringify(created)}`);
  return created.return;
}

const restockMovements = (number: string) =>
  t.db
    .selectFrom("stock_movements")
    .selectAll()
    .where("kind", "=", "return_restock")
    .where("ref_id", "=", number)
    .execute();
const refundRows = (orderId: number) =>
  t.db.selectFrom("fund_ledger").selectAll().where("order_id", "=", orderId).where("kind", "=", "refund").execute();
const onHand = async (skuId: number, warehouseId: number) =>
  Number(
    (
      await t.db
        .selectFrom("stock")
        .select("on_hand")
        .where("sku_id", "=", skuId)
        .where("warehouse_id", "=", warehouseId)
        .executeTakeFirstOrThrow()
    ).on_hand,
  );

/** Puts initial stock of a SKU into another warehouse, with its movement. */
async function stockIn(skuId: number, warehouseId: number, quantity: number) {
  await t.db
    .insertInto("stock")
    .values({ sku_id: skuId, warehouse_id: warehouseId, on_hand: quantity, reserved: 0 })
    .execute();
  await t.db
    .insertInto("stock_movements")
    .values({
      sku_id: skuId,
      warehouse_id: warehouseId,
      kind: "initial",
      delta: quantity,
      on_hand_after: quantity,
      at: NOW.toISOString(),
    })
    .execute();
}

beforeAll(async () => {
  t = await createTestDatabase();
  const regionId = (await makeRegion(t.db)).id;
  customer = await makeCustomer(t.db, { regionId });
  other = await makeCustomer(t.db, { regionId: (await makeRegion(t.db)).id });
  await fund(customer);
  await fund(other);
});
afterEach(async () => {
  await updateSettings(t.db, TEST_ACTOR, { returnSteps: DEFAULT_SETTINGS.returnSteps }, NOW);
  await expectFundsInvariants(t.db);
});
afterAll(() => t.destroy());

describe(`returns (${testDbKind()})`, () => {
  it("walks a return through review, ship back, inbound (restock one line, scrap another) and refund", async () => {
    const a = await makeOrderableSku(t.db, { stock: 50, basePrice: 1234 });
    const b = await makeOrderableSku(t.db, { stock: 50, basePrice: 999 });
    await stockIn(b.skuId, a.warehouseId, 50); // one warehouse holds both lines
    const order = await shippedOrder(customer, [
      { code: a.code, quantity: 5 },
      { code: b.code, quantity: 3 },
    ]);
    const [lineA, lineB] = await orderLineIds(order.id);
    const ret = await startReturn(customer, order.number, [
      { orderLineId: lineA!, quantity: 3 },
      { orderLineId: lineB!, quantity: 2 },
    ]);
    expect(ret.number).toMatch(/^TH\d{8}-\d{4}$/);
    expect(ret.status).toBe("pending_return_review");

    const detail0 = (await getReturn(t.db, { kind: "customer", customerId: customer.id }, ret.number))!;
    const [rlA, rlB] = detail0.lines.map((l) => l.id);
    // The dealer can't approve its own return; staff approve 2 of the 3 units of line A.
    expect(await act(dealer(customer), ret.number, { type: "approve" })).toMatchObject({
      ok: false,
      code: "not_permitted",
    });
    expect(
      await act(staff(["return.review"]), ret.number, { type: "approve", approvals: [{ lineId: rlA!, quantity: 4 }] }),
    ).toMatchObject({ ok: false, code: "invalid_quantity", lineId: rlA });
    expect(
      await act(staff(["return.review"]), ret.number, { type: "approve", approvals: [{ lineId: rlA!, quantity: 2 }] }),
    ).toMatchObject({ ok: true, status: "pending_return_shipment" });
    // The unit not approved is returnable again.
    const returnable = (await returnableLines(t.db, { kind: "customer", customerId: customer.id }, order.number))!;
    expect(returnable.lines.map((l) => [l.shipped, l.claimed, l.returnable])).toEqual([
      [5, 2, 3],
      [3, 2, 1],
    ]);

    expect(
      await act(dealer(customer), ret.number, { type: "ship_back", shipment: { carrier: "", trackingNo: "" } }),
    ).toMatchObject({ ok: false, code: "shipment_required" });
    expect(
      await act(dealer(customer), ret.number, {
        type: "ship_back",
        shipment: { carrier: "中通快递", trackingNo: "ZT99" },
      }),
    ).toMatchObject({ ok: true, status: "pending_inbound_review" });

    const warehouseId = a.warehouseId;
    const before = await onHand(a.skuId, warehouseId);
    expect(
      await act(staff(["return.inbound_review"]), ret.number, {
        type: "approve",
        warehouseId,
        receipts: [
          { lineId: rlA!, quantity: 2, disposition: "restock" },
          { lineId: rlB!, quantity: 1, disposition: "scrap" },
        ],
      }),
    ).toMatchObject({ ok: true, status: "pending_refund_review" });
    expect(await onHand(a.skuId, warehouseId)).toBe(before + 2);
    expect(await restockMovements(ret.number)).toHaveLength(1);

    const prepaidBefore = (await readBalances(t.db, customer.id)).prepaid;
    expect(
      await act(staff(["return.refund_review"]), ret.number, { type: "approve", refund: { amount: 100, reason: "" } }),
    ).toMatchObject({ ok: false, code: "reason_required" });
    expect(await act(staff(["return.refund_review"]), ret.number, { type: "approve" })).toMatchObject({
      ok: true,
      status: "completed",
    });
    // 2 × 12.34 + 1 × 9.99 (no discount), back to prepaid where the order was paid from.
    expect((await readBalances(t.db, customer.id)).prepaid).toBe(prepaidBefore + 2 * 1234 + 999);
    expect(await refundRows(order.id)).toHaveLength(1);

    const detail = (await getReturn(
      t.db,
      { kind: "staff", grant: admin.kind === "staff" ? admin.grant : null! },
      ret.number,
    ))!;
    expect(detail).toMatchObject({
      status: "completed",
      refundAmount: 2 * 1234 + 999,
      shipment: { carrier: "中通快递" },
    });
    expect(detail.lines.map((l) => [l.requested, l.approved, l.received, l.shortfall, l.disposition])).toEqual([
      [3, 2, 2, 0, "restock"],
      [2, 2, 1, 1, "scrap"],
    ]);
    expect(detail.timeline.map((e) => e.action)).toEqual([
      "submit",
      "approve_return_review",
      "approve_return_shipment",
      "approve_inbound_review",
      "approve_refund_review",
    ]);
    const events = await t.db
      .selectFrom("outbox")
      .select("event_type")
      .where("aggregate_id", "=", ret.number)
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.event_type)).toEqual([
      "return.submitted",
      "return.step_approved",
      "return.shipped_back",
      "return.step_approved",
      "return.received",
      "return.step_approved",
      "return.refunded",
      "return.completed",
    ]);
    const audit = await t.db.selectFrom("audit_log").select("action").where("object_id", "=", ret.number).execute();
    expect(audit).toHaveLength(5);
    const counters = await t.db
      .selectFrom("queue_counters")
      .select(["status", "count"])
      .where("pipeline", "=", "returns")
      .where("region_id", "=", customer.regionId)
      .execute();
    expect(counters.filter((c) => c.status !== "completed").every((c) => Number(c.count) === 0)).toBe(true);
  });

  it("lets concurrent returns of the same line together claim at most what was shipped", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 50 });
    const order = await shippedOrder(customer, [{ code: sku.code, quantity: 5 }]);
    const [line] = await orderLineIds(order.id);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        createReturn(
          t.db,
          dealer(customer),
          {
            orderNumber: order.number,
            idempotencyKey: `race-${i}`,
            lines: [{ orderLineId: line!, quantity: 2, reason: "damaged" }],
          },
          NOW,
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    for (const r of results.filter((r) => !r.ok))
      expect(r).toMatchObject({ error: "exceeds_returnable", orderLineId: line });
    const claimed = await t.db
      .selectFrom("return_lines")
      .select((eb) => eb.fn.sum<number>("requested_qty").as("n"))
      .where("order_line_id", "=", line!)
      .executeTakeFirstOrThrow();
    expect(Number(claimed.n)).toBe(4);
    const left = (await returnableLines(t.db, { kind: "customer", customerId: customer.id }, order.number))!;
    expect(left.lines[0]!.returnable).toBe(1);
  });

  it("yields the same return for a retried submission and refuses the key with another body", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 50 });
    const order = await shippedOrder(customer, [{ code: sku.code, quantity: 4 }]);
    const [line] = await orderLineIds(order.id);
    const input = {
      orderNumber: order.number,
      idempotencyKey: "same-key",
      lines: [{ orderLineId: line!, quantity: 1, reason: "wrong_item" as const }],
    };
    const [first, second] = await Promise.all([
      createReturn(t.db, dealer(customer), input, NOW),
      createReturn(t.db, dealer(customer), input, NOW),
    ]);
    expect(first.ok && second.ok && first.return.number === second.return.number).toBe(true);
    expect(
      await createReturn(t.db, dealer(customer), { ...input, lines: [{ ...input.lines[0]!, quantity: 2 }] }, NOW),
    ).toEqual({
      ok: false,
      error: "idempotency_key_reused",
    });
    expect(
      await createReturn(
        t.db,
        dealer(customer),
        { ...input, idempotencyKey: "other-note", lines: [{ orderLineId: line!, quantity: 1, reason: "other" }] },
        NOW,
      ),
    ).toMatchObject({ ok: false, error: "note_required" });
  });

  it("lets exactly one of 20 simultaneous approvals through and tells the others who did it", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 50 });
    const order = await shippedOrder(customer, [{ code: sku.code, quantity: 3 }]);
    const [line] = await orderLineIds(order.id);
    const ret = await startReturn(customer, order.number, [{ orderLineId: line!, quantity: 2 }]);
    const version = await returnVersion(ret.number);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        performReturnAction(
          t.db,
          staff(["return.review"], null, `reviewer${i}`),
          ret.number,
          { type: "approve", version },
          NOW,
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const losers = results.filter((r) => !r.ok);
    expect(losers).toHaveLength(19);
    for (const l of losers) expect(l).toMatchObject({ code: "already_handled", status: "pending_return_shipment" });
    expect(new Set(losers.map((l) => ("by" in l ? l.by : null))).size).toBe(1);
    const events = await t.db
      .selectFrom("return_events as e")
      .innerJoin("returns as r", "r.id", "e.return_id")
      .select("e.action")
      .where("r.number", "=", ret.number)
      .execute();
    expect(events.map((e) => e.action)).toEqual(["submit", "approve_return_review"]);
  });

  it("restocks exactly once and refunds exactly once when the steps race, never more than was paid", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 50, basePrice: 2500 });
    const order = await shippedOrder(customer, [{ code: sku.code, quantity: 4 }]);
    const [line] = await orderLineIds(order.id);
    const ret = await startReturn(customer, order.number, [{ orderLineId: line!, quantity: 4 }]);
    await act(admin, ret.number, { type: "approve" });
    await act(dealer(customer), ret.number, { type: "ship_back", shipment: { dropOff: true } });
    const before = await onHand(sku.skuId, sku.warehouseId);
    const v1 = await returnVersion(ret.number);
    const inbound = await Promise.all(
      Array.from({ length: 10 }, () =>
        performReturnAction(t.db, staff(["return.inbound_review"]), ret.number, { type: "approve", version: v1 }, NOW),
      ),
    );
    expect(inbound.filter((r) => r.ok)).toHaveLength(1);
    expect(await onHand(sku.skuId, sku.warehouseId)).toBe(before + 4);
    expect(await restockMovements(ret.number)).toHaveLength(1);

    // More than the order has paid is refused, and nothing moves.
    expect(
      await act(staff(["return.refund_review"]), ret.number, {
        type: "approve",
        refund: { amount: 4 * 2500 + 1, reason: "goodwill" },
      }),
    ).toEqual({ ok: false, code: "exceeds_paid", refundable: 4 * 2500 });
    expect(await refundRows(order.id)).toHaveLength(0);

    const prepaidBefore = (await readBalances(t.db, customer.id)).prepaid;
    const v2 = await returnVersion(ret.number);
    const refunds = await Promise.all(
      Array.from({ length: 10 }, () =>
        performReturnAction(
          t.db,
          staff(["return.refund_review"]),
          ret.number,
          { type: "approve", version: v2, refund: { amount: 9000, reason: "包装破损，协商扣除" } },
          NOW,
        ),
      ),
    );
    expect(refunds.filter((r) => r.ok)).toHaveLength(1);
    expect(await refundRows(order.id)).toHaveLength(1);
    expect((await readBalances(t.db, customer.id)).prepaid).toBe(prepaidBefore + 9000);
    expect(await orderPayments(t.db, order.id)).toEqual({ prepaid: 1000, rebate: 0, credit: 0 });
    expect((await getReturn(t.db, { kind: "customer", customerId: customer.id }, ret.number))!).toMatchObject({
      refundAmount: 9000,
      refundReason: "包装破损，协商扣除",
    });
    // Everything was returned: nothing is returnable any more.
    expect(
      await createReturn(
        t.db,
        dealer(customer),
        {
          orderNumber: order.number,
          idempotencyKey: "after-all",
          lines: [{ orderLineId: line!, quantity: 1, reason: "quality" }],
        },
        NOW,
      ),
    ).toMatchObject({ ok: false, error: "exceeds_returnable", returnable: 0 });
  });

  it("does not let a dealer see, return or act on another dealer's order (not found)", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 50 });
    const theirs = await shippedOrder(other, [{ code: sku.code, quantity: 2 }]);
    const [line] = await orderLineIds(theirs.id);
    expect(
      await createReturn(
        t.db,
        dealer(customer),
        {
          orderNumber: theirs.number,
          idempotencyKey: "steal",
          lines: [{ orderLineId: line!, quantity: 1, reason: "quality" }],
        },
        NOW,
      ),
    ).toEqual({ ok: false, error: "not_found" });
    expect(await returnableLines(t.db, { kind: "customer", customerId: customer.id }, theirs.number)).toBeNull();
    const ret = await startReturn(other, theirs.number, [{ orderLineId: line!, quantity: 1 }]);
    const mine = { kind: "customer" as const, customerId: customer.id };
    expect(await getReturn(t.db, mine, ret.number)).toBeNull();
    expect((await listReturns(t.db, mine, { limit: 100 })).items.map((r) => r.number)).not.toContain(ret.number);
    expect(await act(dealer(customer), ret.number, { type: "cancel" })).toEqual({ ok: false, code: "not_found" });
    // Staff of another region don't see it either; staff without return.create can't start one.
    const elsewhere = staff(BUILTIN_ROLES.admin.permissions, [customer.regionId]);
    expect(await act(elsewhere, ret.number, { type: "approve" })).toEqual({ ok: false, code: "not_found" });
    expect(
      await getReturn(
        t.db,
        { kind: "staff", grant: { permissions: new Set(), regionIds: [customer.regionId] } },
        ret.number,
      ),
    ).toBeNull();
    expect(
      await createReturn(
        t.db,
        staff(["return.review"]),
        {
          orderNumber: theirs.number,
          idempotencyKey: "no-perm",
          lines: [{ orderLineId: line!, quantity: 1, reason: "quality" }],
        },
        NOW,
      ),
    ).toEqual({ ok: false, error: "not_permitted" });
    // Its own customer cancels it before approval, which frees the unit again.
    expect(await act(dealer(other), ret.number, { type: "cancel" })).toMatchObject({ ok: true, status: "cancelled" });
    expect(
      (await returnableLines(t.db, { kind: "customer", customerId: other.id }, theirs.number))!.lines[0]!.returnable,
    ).toBe(2);
  });

  it("staff with return.create start a return for a dealer; a rejection needs a reason and frees the units", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 50 });
    const order = await shippedOrder(customer, [{ code: sku.code, quantity: 2 }]);
    const [line] = await orderLineIds(order.id);
    const ret = await startReturn(
      customer,
      order.number,
      [{ orderLineId: line!, quantity: 2 }],
      staff(["return.create"], null, "代办"),
    );
    const detail = (await getReturn(t.db, { kind: "customer", customerId: customer.id }, ret.number))!;
    expect(detail.timeline[0]).toMatchObject({ action: "submit_on_behalf", actorName: "代办" });
    expect(await act(staff(["return.review"]), ret.number, { type: "reject", reason: " " })).toMatchObject({
      ok: false,
      code: "reason_required",
    });
    expect(await act(staff(["return.review"]), ret.number, { type: "reject", reason: "超过退货期限" })).toMatchObject({
      ok: true,
      status: "rejected",
    });
    expect((await getReturn(t.db, { kind: "customer", customerId: customer.id }, ret.number))!.rejectReason).toBe(
      "超过退货期限",
    );
    expect(
      (await returnableLines(t.db, { kind: "customer", customerId: customer.id }, order.number))!.lines[0]!.returnable,
    ).toBe(2);
  });

  it("refuses returns of orders that have not shipped", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 50 });
    const placed = await submitOrder(
      t.db,
      { accountId: customer.accountId, name: customer.username, kind: "customer" },
      { customerId: customer.id, idempotencyKey: `o-${++keySeq}`, lines: [{ skuCode: sku.code, quantity: 1 }] },
      NOW,
    );
    if (!placed.ok) throw new Error("not placed");
    const [line] = await orderLineIds(placed.order.id);
    expect(
      await createReturn(
        t.db,
        dealer(customer),
        {
          orderNumber: placed.order.number,
          idempotencyKey: "early",
          lines: [{ orderLineId: line!, quantity: 1, reason: "quality" }],
        },
        NOW,
      ),
    ).toEqual({ ok: false, error: "not_returnable" });
  });

  it("passes every switched-off step by itself: all off, a return is restocked and refunded on submission", async () => {
    await updateSettings(
      t.db,
      TEST_ACTOR,
      { returnSteps: { return_review: false, return_shipment: false, inbound_review: false, refund_review: false } },
      NOW,
    );
    const sku = await makeOrderableSku(t.db, { stock: 50, basePrice: 700 });
    const order = await shippedOrder(customer, [{ code: sku.code, quantity: 3 }]);
    const [line] = await orderLineIds(order.id);
    const before = await onHand(sku.skuId, sku.warehouseId);
    const prepaidBefore = (await readBalances(t.db, customer.id)).prepaid;
    const ret = await startReturn(customer, order.number, [{ orderLineId: line!, quantity: 2 }]);
    expect(ret.status).toBe("completed");
    expect(await onHand(sku.skuId, sku.warehouseId)).toBe(before + 2);
    expect((await readBalances(t.db, customer.id)).prepaid).toBe(prepaidBefore + 1400);
    const detail = (await getReturn(t.db, { kind: "customer", customerId: customer.id }, ret.number))!;
    expect(detail.timeline.map((e) => [e.action, e.actorKind])).toEqual([
      ["submit", "customer"],
      ["auto_return_review", "system"],
      ["auto_return_shipment", "system"],
      ["auto_inbound_review", "system"],
      ["auto_refund_review", "system"],
    ]);
  });

  it("with only return review on, approval carries the return through the rest to completed", async () => {
    await updateSettings(
      t.db,
      TEST_ACTOR,
      { returnSteps: { return_review: true, return_shipment: false, inbound_review: false, refund_review: false } },
      NOW,
    );
    const sku = await makeOrderableSku(t.db, { stock: 50, basePrice: 300 });
    const order = await shippedOrder(customer, [{ code: sku.code, quantity: 3 }]);
    const [line] = await orderLineIds(order.id);
    const ret = await startReturn(customer, order.number, [{ orderLineId: line!, quantity: 3 }]);
    expect(ret.status).toBe("pending_return_review");
    const rl = (await getReturn(t.db, { kind: "customer", customerId: customer.id }, ret.number))!.lines[0]!;
    expect(
      await act(staff(["return.review"]), ret.number, { type: "approve", approvals: [{ lineId: rl.id, quantity: 1 }] }),
    ).toMatchObject({ ok: true, status: "completed" });
    expect(await restockMovements(ret.number)).toHaveLength(1);
    const refunds = await refundRows(order.id);
    expect(refunds.map((r) => Number(r.amount))).toEqual([300]);
    // The person approved; the system passed the rest and its work is on the ledger as the system.
    expect(refunds[0]!.actor_name).toBe("system");
  });
  it("refunds the discounted unit price to the fen, one unit at a time, and never the freight", async () => {
    await updateSettings(
      t.db,
      TEST_ACTOR,
      { returnSteps: { return_review: false, return_shipment: false, inbound_review: false, refund_review: false } },
      NOW,
    );
    const sku = await makeOrderableSku(t.db, { stock: 50, basePrice: 1000 });
    // 3 × 10.00 with 1.00 off and 5.00 freight: payable 34.00, of which 29.00 paid for the goods.
    const order = await shippedOrder(customer, [{ code: sku.code, quantity: 3 }], async (number, version) => {
      const amended = await amendOrder(
        t.db,
        { accountId: null, name: "reviewer", grant: { permissions: new Set(["order.review"]), regionIds: null } },
        number,
        {
          version,
          lines: [{ skuId: sku.skuId, quantity: 3, unitPrice: 1000 }],
          freight: 500,
          discount: 100,
          reason: "满减",
        },
        NOW,
      );
      if (!amended.ok) throw new Error(`not amended: ${JSON.stringify(amended)}`);
    });
    expect(order.totals).toEqual({ goods: 3000, freight: 500, discount: 100, payable: 3400 });
    const [line] = await orderLineIds(order.id);
    const returnable = (await returnableLines(t.db, { kind: "customer", customerId: customer.id }, order.number))!;
    expect(returnable.lines[0]!.unitPaid).toBe(966);
    const amounts: Array<number | null> = [];
    for (let i = 0; i < 3; i++) {
      const ret = await startReturn(customer, order.number, [{ orderLineId: line!, quantity: 1 }]);
      amounts.push((await getReturn(t.db, { kind: "customer", customerId: customer.id }, ret.number))!.refundAmount);
    }
    expect(amounts).toEqual([966, 967, 967]);
    expect((await refundRows(order.id)).reduce((s, r) => s + Number(r.amount), 0)).toBe(2900);
    expect(await orderPayments(t.db, order.id)).toEqual({ prepaid: 500, rebate: 0, credit: 0 });
  });
});
