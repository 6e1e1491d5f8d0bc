// The storefront's returnable orders (可退商品) and an order page's returns by line: the same
// quantities as the returns service's own per-order reading, for one customer only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES } from "../../app/domain/permissions";
import { recordPayment } from "../../app/services/funds.server";
import { type OrderActor, performOrderAction } from "../../app/services/order-pipeline.server";
import { getOrder, submitOrder } from "../../app/services/orders.server";
import { orderReturnsByPosition, returnableOrders } from "../../app/services/returnable-orders.server";
import {
  createReturn,
  performReturnAction,
  type ReturnActor,
  returnableLines,
} from "../../app/services/returns.server";
import { makeCustomer, makeOrderableSku, makeRegion, NOW } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let keySeq = 0;
type Customer = Awaited<ReturnType<typeof makeCustomer>>;
let customer: Customer;
let other: Customer;

const admin: OrderActor = {
  accountId: null,
  name: "admin",
  kind: "staff",
  grant: { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null },
};
const dealer = (c: Customer): ReturnActor => ({
  accountId: c.accountId,
  name: c.username,
  kind: "customer",
  customerId: c.id,
});

async function fund(c: Customer) {
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

/** An order placed by `c` and approved through `steps` order steps (4 = shipped). */
async function order(c: Customer, lines: Array<{ code: string; quantity: number }>, steps = 4) {
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
  const extras = [
    {},
    { payment: { method: "prepaid" as const } },
    {},
    { shipment: { carrier: "顺丰速运", trackingNo: "SF1" } },
  ];
  for (const extra of extras.slice(0, steps)) {
    const version = (await getOrder(t.db, placed.order.number, {}))!.version;
    const done = await performOrderAction(
      t.db,
      admin,
      placed.order.number,
      { type: "approve", version, ...extra },
      NOW,
    );
    if (!done.ok) throw new Error(`order step refused: ${JSON.stringify(done)}`);
  }
  return (await getOrder(t.db, placed.order.number, {}))!;
}

const lineIds = async (orderId: number) =>
  (await t.db.selectFrom("order_lines").select("id").where("order_id", "=", orderId).orderBy("position").execute()).map(
    (r) => r.id,
  );

async function startReturn(c: Customer, orderNumber: string, lines: Array<{ orderLineId: number; quantity: number }>) {
  const created = await createReturn(
    t.db,
    dealer(c),
    { orderNumber, idempotencyKey: `r-${++keySeq}`, lines: lines.map((l) => ({ ...l, reason: "quality" as const })) },
    NOW,
  );
  if (!created.ok) throw new Error(`return refused: ${JSON.stringify(created)}`);
  return created.return;
}

/** Puts initial stock of a SKU into another warehouse, so one warehouse holds every line of an order. */
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
  customer = await makeCustomer(t.db, { regionId: (await makeRegion(t.db)).id });
  other = await makeCustomer(t.db, { regionId: (await makeRegion(t.db)).id });
  await fund(customer);
  await fund(other);
});
afterAll(() => t.destroy());

describe(`returnable orders (${testDbKind()})`, () => {
  it("lists the customer's shipped orders with units left, as the returns service counts them", async () => {
    const a = await makeOrderableSku(t.db, { stock: 200, basePrice: 1000 });
    const b = await makeOrderableSku(t.db, { stock: 200, basePrice: 700 });
    await stockIn(b.skuId, a.warehouseId, 200);
    const full = await order(customer, [
      { code: a.code, quantity: 6 },
      { code: b.code, quantity: 4 },
    ]);
    const fullyReturned = await order(customer, [{ code: a.code, quantity: 2 }]);
    const notShipped = await order(customer, [{ code: a.code, quantity: 3 }], 2);
    const othersOrder = await order(other, [{ code: b.code, quantity: 5 }]);

    const [lineA, lineB] = await lineIds(full.id);
    await startReturn(customer, full.number, [{ orderLineId: lineA!, quantity: 2 }]);
    const cancelled = await startReturn(customer, full.number, [{ orderLineId: lineB!, quantity: 4 }]);
    const version = (
      await t.db
        .selectFrom("returns")
        .select("version")
        .where("number", "=", cancelled.number)
        .executeTakeFirstOrThrow()
    ).version;
    expect(
      await performReturnAction(t.db, dealer(customer), cancelled.number, { type: "cancel", version }, NOW),
    ).toMatchObject({
      ok: true,
    });
    const [onlyLine] = await lineIds(fullyReturned.id);
    await startReturn(customer, fullyReturned.number, [{ orderLineId: onlyLine!, quantity: 2 }]);

    const page = await returnableOrders(t.db, customer.id, { limit: 20 });
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((o) => o.number)).toEqual([full.number]);
    expect(page.items[0]).toMatchObject({ lineCount: 2, shipped: 10, claimed: 2, returnable: 8 });
    // The same figures as the return form's reading of that order.
    const lines = (await returnableLines(t.db, { kind: "customer", customerId: customer.id }, full.number))!.lines;
    expect(lines.reduce((s, l) => s + l.returnable, 0)).toBe(page.items[0]!.returnable);
    expect(page.items.some((o) => o.number === notShipped.number || o.number === othersOrder.number)).toBe(false);

    // The other customer sees only its own.
    expect((await returnableOrders(t.db, other.id, { limit: 20 })).items.map((o) => o.number)).toEqual([
      othersOrder.number,
    ]);

    // An order page: its returns, and the units in return per line by position (cancelled ones free theirs).
    const mine = await orderReturnsByPosition(t.db, full.id);
    expect(mine.returns.map((r) => r.status)).toEqual(["pending_return_review", "cancelled"]);
    expect(mine.byPosition).toEqual([
      { claimed: 2, received: 0 },
      { claimed: 0, received: 0 },
    ]);
  });

  it("pages by keyset over the orders looked at", async () => {
    const a = await makeOrderableSku(t.db, { stock: 200, basePrice: 500 });
    const c = await makeCustomer(t.db, { regionId: (await makeRegion(t.db)).id });
    await fund(c);
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) numbers.push((await order(c, [{ code: a.code, quantity: 1 + i }])).number);
    const first = await returnableOrders(t.db, c.id, { limit: 2 });
    expect(first.items.map((o) => o.number)).toEqual([numbers[2], numbers[1]]);
    expect(first.nextCursor).not.toBeNull();
    const second = await returnableOrders(t.db, c.id, { limit: 2, before: first.nextCursor! });
    expect(second.items.map((o) => o.number)).toEqual([numbers[0]]);
    expect(second.nextCursor).toBeNull();
  });
});
