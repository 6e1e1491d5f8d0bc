// A freshly shipped order of one demo dealer, made through the real services on the e2e database,
// so a test that returns goods never competes with another test for the demo orders' units.
import type { Kysely } from "kysely";
import { BUILTIN_ROLES } from "../../app/domain/permissions";
import { recordPayment } from "../../app/services/funds.server";
import { type OrderActor, performOrderAction } from "../../app/services/order-pipeline.server";
import { submitOrder } from "../../app/services/orders.server";
import type { DB } from "../../db/schema";

const grant = { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null };
const admin: OrderActor = { accountId: null, name: "admin", kind: "staff", grant };

export interface ShippedOrder {
  id: number;
  number: string;
  warehouseId: number;
  lines: Array<{ skuId: number; skuCode: string; quantity: number }>;
}

/**
 * Places an order of `lineCount` well-stocked SKUs for the dealer, funded first, so it waits at
 * order review and every later step can pass: returns its number.
 */
export async function placeAnOrder(db: Kysely<DB>, customerCode: string, lineCount = 2): Promise<string> {
  const customer = await db
    .selectFrom("customers as c")
    .innerJoin("accounts as a", "a.id", "c.account_id")
    .select(["c.id", "c.account_id", "a.username"])
    .where("c.code", "=", customerCode)
    .executeTakeFirstOrThrow();
  const skus = await db
    .selectFrom("skus as s")
    .innerJoin("stock as st", "st.sku_id", "s.id")
    .select(["s.code", "s.min_qty", "s.multiple"])
    .where("s.listed", "=", 1)
    .groupBy(["s.id", "s.code", "s.min_qty", "s.multiple"])
    .having((eb) => eb.fn.min("st.on_hand"), ">=", 200)
    .orderBy("s.id", "desc")
    .limit(lineCount)
    .execute();
  if (skus.length < lineCount) throw new Error("the demo catalogue has too few well-stocked SKUs");
  const now = new Date();
  const paid = await recordPayment(
    db,
    { accountId: null, name: "admin", grant },
    {
      customerId: customer.id,
      account: "prepaid",
      amount: 5_000_000,
      method: "bank",
      reference: `E2E-${now.getTime()}`,
      businessDate: now.toISOString().slice(0, 10),
    },
    now,
  );
  if (!paid.ok) throw new Error(`could not fund ${customerCode}: ${JSON.stringify(paid)}`);
  const placed = await submitOrder(
    db,
    { accountId: customer.account_id, name: customer.username, kind: "customer" },
    {
      customerId: customer.id,
      idempotencyKey: `e2e-order-${now.getTime()}-${Math.random()}`,
      lines: skus.map((s) => ({ skuCode: s.code, quantity: s.min_qty * s.multiple * 2 })),
    },
    now,
  );
  if (!placed.ok) throw new Error(`order for ${customerCode} refused: ${JSON.stringify(placed)}`);
  return placed.order.number;
}

/** The same order taken on to 待收货确认 (shipped). */
export async function shipAnOrder(db: Kysely<DB>, customerCode: string, lineCount = 2): Promise<ShippedOrder> {
  const number = await placeAnOrder(db, customerCode, lineCount);
  for (let step = 0; step < 4; step++) {
    const order = await db
      .selectFrom("orders")
      .select(["status", "version"])
      .where("number", "=", number)
      .executeTakeFirstOrThrow();
    if (order.status === "pending_receipt") break;
    const result = await performOrderAction(
      db,
      admin,
      number,
      order.status === "pending_shipment"
        ? { type: "approve", version: order.version, shipment: { carrier: "顺丰速运", trackingNo: "SF5550001234" } }
        : { type: "approve", version: order.version, payment: { method: "auto" } },
      new Date(),
    );
    if (!result.ok) throw new Error(`could not move ${number}: ${JSON.stringify(result)}`);
  }
  const order = await db
    .selectFrom("orders")
    .select(["id", "number", "status", "warehouse_id"])
    .where("number", "=", number)
    .executeTakeFirstOrThrow();
  if (order.status !== "pending_receipt") throw new Error(`${number} stopped at ${order.status}`);
  const lines = await db
    .selectFrom("order_lines")
    .select(["sku_id", "sku_code", "quantity"])
    .where("order_id", "=", order.id)
    .orderBy("position")
    .execute();
  return {
    id: order.id,
    number,
    warehouseId: order.warehouse_id!,
    lines: lines.map((l) => ({ skuId: l.sku_id, skuCode: l.sku_code, quantity: l.quantity })),
  };
}
