import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import { claimedBy, returnableQuantity } from "../domain/refunds";
import { RETURN_VOID_STATUSES } from "../domain/return-pipeline";
import { RETURNABLE_ORDER_STATUSES, returnsOfOrder } from "./returns.server";

/**
 * The storefront's side of returns around orders: which of a dealer's shipped orders still have
 * units to return (the "可退商品" list), and an order page's returns keyed by its lines.
 * Per-line quantities follow the returns service's rule (shipped units of a SKU go to its lines
 * in order; live returns claim approved, else requested, units), computed for a page of orders
 * in four queries instead of four per order.
 */

export interface ReturnableOrder {
  id: number;
  number: string;
  status: string;
  createdAt: string;
  lineCount: number;
  shipped: number;
  claimed: number;
  returnable: number;
}

/**
 * A page of the customer's shipped or completed orders, newest first, keeping those with units
 * still returnable. The keyset runs over the orders looked at, so a page may hold fewer rows
 * than `limit` when fully returned orders were skipped; `nextCursor` is null at the end.
 */
export async function returnableOrders(
  db: Kysely<DB>,
  customerId: number,
  query: { before?: number; limit: number },
): Promise<{ items: ReturnableOrder[]; nextCursor: number | null }> {
  let qb = db
    .selectFrom("orders")
    .select(["id", "number", "status", "created_at"])
    .where("customer_id", "=", customerId)
    .where("status", "in", [...RETURNABLE_ORDER_STATUSES]);
  if (query.before) qb = qb.where("id", "<", query.before);
  const rows = await qb
    .orderBy("id", "desc")
    .limit(query.limit + 1)
    .execute();
  const orders = rows.slice(0, query.limit);
  const nextCursor = rows.length > query.limit ? orders[orders.length - 1]!.id : null;
  if (!orders.length) return { items: [], nextCursor };
  const ids = orders.map((o) => o.id);
  const [lines, shipped, claims] = await Promise.all([
    db
      .selectFrom("order_lines")
      .select(["id", "order_id", "sku_id", "quantity"])
      .where("order_id", "in", ids)
      .orderBy("order_id")
      .orderBy("position")
      .execute(),
    db
      .selectFrom("shipment_lines as sl")
      .innerJoin("shipments as s", "s.id", "sl.shipment_id")
      .select(["s.order_id", "sl.sku_id", "sl.quantity"])
      .where("s.order_id", "in", ids)
      .where("s.status", "=", "shipped")
      .execute(),
    db
      .selectFrom("return_lines as rl")
      .innerJoin("returns as r", "r.id", "rl.return_id")
      .select(["rl.order_line_id", "rl.requested_qty", "rl.approved_qty"])
      .where("r.order_id", "in", ids)
      .where("r.status", "not in", [...RETURN_VOID_STATUSES])
      .execute(),
  ]);
  const shippedLeft = new Map<string, number>();
  for (const s of shipped) {
    const key = `${s.order_id}:${s.sku_id}`;
    shippedLeft.set(key, (shippedLeft.get(key) ?? 0) + Number(s.quantity));
  }
  const claimedByLine = new Map<number, number>();
  for (const c of claims)
    claimedByLine.set(
      c.order_line_id,
      (claimedByLine.get(c.order_line_id) ?? 0) + claimedBy({ requested: c.requested_qty, approved: c.approved_qty }),
    );
  const totals = new Map<number, { lineCount: number; shipped: number; claimed: number; returnable: number }>();
  for (const line of lines) {
    const key = `${line.order_id}:${line.sku_id}`;
    const left = shippedLeft.get(key) ?? 0;
    const lineShipped = Math.min(left, line.quantity);
    shippedLeft.set(key, left - lineShipped);
    const claimed = claimedByLine.get(line.id) ?? 0;
    const total = totals.get(line.order_id) ?? { lineCount: 0, shipped: 0, claimed: 0, returnable: 0 };
    total.lineCount += 1;
    total.shipped += lineShipped;
    total.claimed += claimed;
    total.returnable += returnableQuantity(lineShipped, claimed);
    totals.set(line.order_id, total);
  }
  const items = orders.flatMap((o) => {
    const total = totals.get(o.id);
    if (!total || total.returnable === 0) return [];
    return [{ id: o.id, number: o.number, status: o.status, createdAt: o.created_at, ...total }];
  });
  return { items, nextCursor };
}

/**
 * The returns of one order for its storefront page, with the units claimed and received per
 * order line given by the line's position (the order page lists lines by position). The caller
 * has already read the order within the customer's scope.
 */
export async function orderReturnsByPosition(db: Kysely<DB>, orderId: number) {
  const [ofOrder, lines] = await Promise.all([
    returnsOfOrder(db, orderId),
    db.selectFrom("order_lines").select(["id"]).where("order_id", "=", orderId).orderBy("position").execute(),
  ]);
  return {
    returns: ofOrder.returns,
    byPosition: lines.map((l) => ofOrder.byLine[l.id] ?? { claimed: 0, received: 0 }),
  };
}
