import { type Kysely, sql } from "kysely";
import { forUpdate } from "../../db/locking";
import { prepared, preparedShapes } from "../../db/prepared";
import type { DB } from "../../db/schema";
import { dayEndUtc, dayStartUtc, isCalendarDay } from "../domain/day-range";
import { checkQuantity } from "../domain/order-quantity";
import type { StaffGrant } from "../domain/permissions";
import { getEnv } from "../env.server";
import { type Actor, recordAudit } from "./audit.server";
import { afterKey, type CursorValue, decodeCursor, encodeCursor } from "./keyset.server";
import { type OrderActor, performOrderAction } from "./order-pipeline.server";
import { appendOrderEvent } from "./order-timeline.server";
import { emitEvent } from "./outbox.server";
import { likePattern, matchesLikePattern } from "./text-search.server";

export const ORDER_SORTS = ["-created", "created", "-payable", "payable", "number", "-number"] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

export interface StaffOrderQuery {
  status?: string;
  /** Customer code or name, partial. */
  customer?: string;
  regionId?: number;
  /** Calendar days in the deployment's time zone. */
  from?: string;
  to?: string;
  minPayable?: number;
  maxPayable?: number;
  sort: OrderSort;
  cursor?: string;
  limit: number;
}

export interface StaffOrderRow {
  id: number;
  number: string;
  status: string;
  version: number;
  customerCode: string;
  customerName: string;
  regionName: string;
  payable: number;
  createdAt: string;
}

const SORT_COLUMN = { created: "o.created_at", payable: "o.payable", number: "o.number" } as const;

/**
 * Orders a staff member may see (their regions only), filtered, sorted and a page at a time by
 * keyset on (sort column, id) — the cost of a page does not grow with history.
 */
export async function listOrdersForStaff(
  db: Kysely<DB>,
  grant: StaffGrant,
  query: StaffOrderQuery,
): Promise<{ items: StaffOrderRow[]; nextCursor: string | null }> {
  const field = query.sort.replace(/^-/, "") as keyof typeof SORT_COLUMN;
  const customer = query.customer?.trim();
  const tz = getEnv().APP_TIMEZONE;
  const from = query.from && isCalendarDay(query.from) ? dayStartUtc(query.from, tz).toISOString() : undefined;
  const to = query.to && isCalendarDay(query.to) ? dayEndUtc(query.to, tz).toISOString() : undefined;
  const key = decodeCursor(query.cursor, [field === "payable" ? "number" : "string", "number"]);
  const shape: StaffOrderShape = {
    scope: grant.regionIds === null ? "all" : grant.regionIds.length ? "regions" : "none",
    status: Boolean(query.status),
    region: Boolean(query.regionId),
    customer: Boolean(customer),
    from: from !== undefined,
    to: to !== undefined,
    min: query.minPayable !== undefined,
    max: query.maxPayable !== undefined,
    sort: query.sort,
    after: key !== null,
  };
  const rows = await staffOrderPage(shape).execute(db, {
    limit: query.limit + 1,
    ...(shape.scope === "regions" ? { regionIds: grant.regionIds as number[] } : {}),
    ...(shape.status ? { status: query.status } : {}),
    ...(shape.region ? { regionId: query.regionId } : {}),
    ...(customer ? { customer: likePattern(customer) } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(shape.min ? { min: query.minPayable } : {}),
    ...(shape.max ? { max: query.maxPayable } : {}),
    ...(key ? { after: key } : {}),
  });
  const page = rows.slice(0, query.limit).map((r) => ({ ...r, payable: Number(r.payable) }));
  const last = page[page.length - 1];
  const lastKey: CursorValue[] | null = last
    ? [field === "created" ? last.createdAt : field === "payable" ? last.payable : last.number, last.id]
    : null;
  return { items: page, nextCursor: rows.length > query.limit && lastKey ? encodeCursor(lastKey) : null };
}

/** Which of the staff order list's filters a page uses, its scope and its order: one prepared statement each. */
interface StaffOrderShape {
  scope: "all" | "regions" | "none";
  status: boolean;
  region: boolean;
  customer: boolean;
  from: boolean;
  to: boolean;
  min: boolean;
  max: boolean;
  sort: OrderSort;
  after: boolean;
}

const staffOrderPage = preparedShapes(
  (s: StaffOrderShape) =>
    `${s.scope}|${s.status}|${s.region}|${s.customer}|${s.from}|${s.to}|${s.min}|${s.max}|${s.sort}|${s.after}`,
  (shape) =>
    (
      db: Kysely<DB>,
      p: {
        limit: number;
        regionIds?: number[];
        status?: string;
        regionId?: number;
        customer?: string;
        from?: string;
        to?: string;
        min?: number;
        max?: number;
        after?: CursorValue[];
      },
    ) => {
      const descending = shape.sort.startsWith("-");
      const column = SORT_COLUMN[shape.sort.replace(/^-/, "") as keyof typeof SORT_COLUMN];
      let qb = db
        .selectFrom("orders as o")
        .innerJoin("customers as c", "c.id", "o.customer_id")
        .innerJoin("regions as r", "r.id", "o.region_id")
        .select([
          "o.id",
          "o.number",
          "o.status",
          "o.version",
          "c.code as customerCode",
          "c.name as customerName",
          "r.name as regionName",
          "o.payable",
          "o.created_at as createdAt",
        ]);
      if (shape.scope === "regions") qb = qb.where("o.region_id", "in", p.regionIds!);
      if (shape.scope === "none") qb = qb.where(sql<boolean>`1 = 0`);
      if (shape.status) qb = qb.where("o.status", "=", p.status!);
      if (shape.region) qb = qb.where("o.region_id", "=", p.regionId!);
      if (shape.customer) qb = qb.where(matchesLikePattern(["c.code", "c.name"], p.customer));
      if (shape.from) qb = qb.where("o.created_at", ">=", p.from!);
      if (shape.to) qb = qb.where("o.created_at", "<", p.to!);
      if (shape.min) qb = qb.where("o.payable", ">=", p.min!);
      if (shape.max) qb = qb.where("o.payable", "<=", p.max!);
      if (shape.after) qb = qb.where(afterKey([sql.ref(column), sql.ref("o.id")], p.after!, descending));
      const direction = descending ? "desc" : "asc";
      return qb.orderBy(column, direction).orderBy("o.id", direction).limit(p.limit);
    },
);

export interface Amendment {
  version: number;
  /** New quantity and unit price per line (by SKU); quantity 0 removes the line. */
  lines: Array<{ skuId: number; quantity: number; unitPrice: number }>;
  freight: number;
  discount: number;
  reason: string;
}

export type AmendResult =
  | { ok: true; version: number }
  | {
      ok: false;
      code:
        | "not_found"
        | "not_permitted"
        | "wrong_status"
        | "stale_version"
        | "reason_required"
        | "invalid_amounts"
        | "no_change";
    };

/**
 * Amends an order at order review (订单审核): quantities, prices, freight, discount. Each
 * amendment is one change slip (异动记录: who, when, before → after, reason) the dealer sees.
 */
export async function amendOrder(
  db: Kysely<DB>,
  actor: Actor & { grant: StaffGrant },
  number: string,
  amendment: Amendment,
  now: Date,
): Promise<AmendResult> {
  if (!actor.grant.permissions.has("order.review")) return { ok: false, code: "not_permitted" };
  if (!amendment.reason.trim()) return { ok: false, code: "reason_required" };
  const amounts = [amendment.freight, amendment.discount, ...amendment.lines.flatMap((l) => [l.quantity, l.unitPrice])];
  if (amounts.some((n) => !Number.isSafeInteger(n) || n < 0)) return { ok: false, code: "invalid_amounts" };
  return db.transaction().execute(async (trx) => {
    let qb = trx
      .selectFrom("orders")
      .select(["id", "status", "version", "freight", "discount", "region_id"])
      .where("number", "=", number);
    if (actor.grant.regionIds !== null)
      qb = qb.where("region_id", "in", actor.grant.regionIds.length ? (actor.grant.regionIds as number[]) : [-1]);
    const order = await forUpdate(trx, qb).executeTakeFirst();
    if (!order) return { ok: false, code: "not_found" };
    if (order.status !== "pending_order_review") return { ok: false, code: "wrong_status" };
    if (order.version !== amendment.version) return { ok: false, code: "stale_version" };
    const current = await trx
      .selectFrom("order_lines")
      .selectAll()
      .where("order_id", "=", order.id)
      .orderBy("position")
      .execute();
    const changes: Array<{ field: string; sku?: string; before: number; after: number }> = [];
    let goods = 0;
    for (const line of current) {
      const next = amendment.lines.find((l) => l.skuId === line.sku_id);
      const quantity = next?.quantity ?? line.quantity;
      const unitPrice = next?.unitPrice ?? Number(line.unit_price);
      if (quantity !== line.quantity)
        changes.push({ field: "quantity", sku: line.sku_code, before: line.quantity, after: quantity });
      if (unitPrice !== Number(line.unit_price))
        changes.push({ field: "unit_price", sku: line.sku_code, before: Number(line.unit_price), after: unitPrice });
      if (quantity === 0) {
        await trx.deleteFrom("order_lines").where("id", "=", line.id).execute();
        continue;
      }
      goods += quantity * unitPrice;
      await trx
        .updateTable("order_lines")
        .set({ quantity, unit_price: unitPrice, amount: quantity * unitPrice })
        .where("id", "=", line.id)
        .execute();
    }
    if (Number(order.freight) !== amendment.freight)
      changes.push({ field: "freight", before: Number(order.freight), after: amendment.freight });
    if (Number(order.discount) !== amendment.discount)
      changes.push({ field: "discount", before: Number(order.discount), after: amendment.discount });
    if (!changes.length) return { ok: false, code: "no_change" };
    const payable = goods + amendment.freight - amendment.discount;
    if (goods === 0 || payable < 0) return { ok: false, code: "invalid_amounts" };
    const at = now.toISOString();
    await trx
      .updateTable("orders")
      .set({
        goods_amount: goods,
        freight: amendment.freight,
        discount: amendment.discount,
        payable,
        version: order.version + 1,
        updated_at: at,
      })
      .where("id", "=", order.id)
      .where("version", "=", order.version)
      .execute();
    await trx
      .insertInto("change_slips")
      .values({
        order_id: order.id,
        at,
        actor_account_id: actor.accountId,
        actor_name: actor.displayName ?? actor.name,
        reason: amendment.reason.trim(),
        changes_json: JSON.stringify(changes),
      })
      .execute();
    await appendOrderEvent(trx, {
      order_id: order.id,
      at,
      actor_account_id: actor.accountId,
      actor_name: actor.displayName ?? actor.name,
      actor_kind: "staff",
      action: "amend",
      from_status: order.status,
      to_status: order.status,
      note: amendment.reason.trim(),
    });
    await emitEvent(
      trx,
      { type: "order.amended", aggregateType: "order", aggregateId: number, payload: { number, changes } },
      now,
    );
    await recordAudit(
      trx,
      actor,
      {
        action: "order.amend",
        objectType: "order",
        objectId: number,
        before: { version: order.version },
        after: { version: order.version + 1, changes },
      },
      now,
    );
    return { ok: true, version: order.version + 1 };
  });
}

const slipsOf = prepared((db: Kysely<DB>, p: { orderId: number }) =>
  db.selectFrom("change_slips").selectAll().where("order_id", "=", p.orderId).orderBy("id"),
);

export async function changeSlips(db: Kysely<DB>, orderId: number) {
  const rows = await slipsOf.execute(db, { orderId });
  return rows.map((r) => ({
    at: r.at,
    actorName: r.actor_name,
    reason: r.reason,
    changes: JSON.parse(r.changes_json) as Array<{ field: string; sku?: string; before: number; after: number }>,
  }));
}

const shipmentRows = prepared((db: Kysely<DB>, p: { orderId: number }) =>
  db
    .selectFrom("shipments as s")
    .innerJoin("warehouses as w", "w.id", "s.warehouse_id")
    .select([
      "s.id",
      "s.number",
      "s.status",
      "s.carrier",
      "s.tracking_no",
      "s.self_pickup",
      "s.outbound_at",
      "s.shipped_at",
      "w.name as warehouseName",
      "w.address as warehouseAddress",
    ])
    .where("s.order_id", "=", p.orderId)
    .orderBy("s.id"),
);

export async function shipmentsOf(db: Kysely<DB>, orderId: number) {
  const rows = await shipmentRows.execute(db, { orderId });
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    status: r.status,
    carrier: r.carrier,
    trackingNo: r.tracking_no,
    selfPickup: r.self_pickup === 1,
    outboundAt: r.outbound_at,
    shippedAt: r.shipped_at,
    warehouseName: r.warehouseName,
    warehouseAddress: r.warehouseAddress,
  }));
}

/**
 * Confirms receipt of orders shipped more than `days` ago (自动收货). Safe to run in every
 * process at once: each order moves through the same compare-and-set as a person's click,
 * so a second sweeper finds it already handled.
 */
export async function sweepAutoReceipt(db: Kysely<DB>, days: number, now: Date, batch = 200): Promise<number> {
  if (days <= 0) return 0;
  const due = new Date(now.getTime() - days * 24 * 3600_000).toISOString();
  const rows = await db
    .selectFrom("orders")
    .select(["number", "version"])
    .where("status", "=", "pending_receipt")
    .where("shipped_at", "<=", due)
    .orderBy("shipped_at")
    .limit(batch)
    .execute();
  const system: OrderActor = { accountId: null, name: "system", kind: "system" };
  let done = 0;
  for (const row of rows) {
    const result = await performOrderAction(
      db,
      system,
      row.number,
      { type: "confirm_receipt", version: row.version, note: `${days}` },
      now,
    );
    if (result.ok) done++;
  }
  return done;
}

export type EditSentBackResult =
  | { ok: true; version: number }
  | {
      ok: false;
      code: "not_found" | "wrong_status" | "stale_version" | "invalid_amounts" | "no_change";
      problems?: unknown[];
    };

/**
 * The dealer edits a sent-back order before resubmitting: quantities only (0 removes a line),
 * checked against today's quantity rules, at the prices the order was placed at. Each edit is
 * a change slip, like staff amendments, so both sides see what changed.
 */
export async function editSentBackOrder(
  db: Kysely<DB>,
  actor: Actor & { customerId: number },
  number: string,
  edit: { version: number; quantities: Array<{ skuId: number; quantity: number }> },
  now: Date,
): Promise<EditSentBackResult> {
  if (edit.quantities.some((q) => !Number.isSafeInteger(q.quantity) || q.quantity < 0))
    return { ok: false, code: "invalid_amounts" };
  return db.transaction().execute(async (trx) => {
    const order = await forUpdate(
      trx,
      trx
        .selectFrom("orders")
        .select(["id", "status", "version", "freight", "discount"])
        .where("number", "=", number)
        .where("customer_id", "=", actor.customerId),
    ).executeTakeFirst();
    if (!order) return { ok: false, code: "not_found" };
    if (order.status !== "sent_back") return { ok: false, code: "wrong_status" };
    if (order.version !== edit.version) return { ok: false, code: "stale_version" };
    const current = await trx
      .selectFrom("order_lines as l")
      .innerJoin("skus as s", "s.id", "l.sku_id")
      .select(["l.id", "l.sku_id", "l.sku_code", "l.quantity", "l.unit_price", "s.min_qty", "s.max_qty", "s.multiple"])
      .where("l.order_id", "=", order.id)
      .execute();
    const changes: Array<{ field: string; sku?: string; before: number; after: number }> = [];
    let goods = 0;
    for (const line of current) {
      const quantity = edit.quantities.find((q) => q.skuId === line.sku_id)?.quantity ?? line.quantity;
      if (quantity > 0) {
        if (checkQuantity(quantity, { minQty: line.min_qty, maxQty: line.max_qty, multiple: line.multiple }))
          return { ok: false, code: "invalid_amounts" };
      }
      if (quantity !== line.quantity)
        changes.push({ field: "quantity", sku: line.sku_code, before: line.quantity, after: quantity });
      if (quantity === 0) {
        await trx.deleteFrom("order_lines").where("id", "=", line.id).execute();
        continue;
      }
      const amount = quantity * Number(line.unit_price);
      goods += amount;
      await trx.updateTable("order_lines").set({ quantity, amount }).where("id", "=", line.id).execute();
    }
    if (!changes.length) return { ok: false, code: "no_change" };
    const payable = goods + Number(order.freight) - Number(order.discount);
    if (goods === 0 || payable < 0) return { ok: false, code: "invalid_amounts" };
    const at = now.toISOString();
    await trx
      .updateTable("orders")
      .set({ goods_amount: goods, payable, version: order.version + 1, updated_at: at })
      .where("id", "=", order.id)
      .where("version", "=", order.version)
      .execute();
    await trx
      .insertInto("change_slips")
      .values({
        order_id: order.id,
        at,
        actor_account_id: actor.accountId,
        actor_name: actor.displayName ?? actor.name,
        reason: "客户修改",
        changes_json: JSON.stringify(changes),
      })
      .execute();
    await recordAudit(
      trx,
      actor,
      { action: "order.customer_edit", objectType: "order", objectId: number, after: { changes } },
      now,
    );
    return { ok: true, version: order.version + 1 };
  });
}

/**
 * Every order matching the filters, as spreadsheet rows (header first), fetched a page at a
 * time by keyset, so exporting a month of orders streams in constant memory.
 */
export async function* orderExportRows(
  db: Kysely<DB>,
  grant: StaffGrant,
  query: Omit<StaffOrderQuery, "cursor" | "limit">,
  labels: { header: string[]; status: (status: string) => string },
): AsyncGenerator<Array<string | number>> {
  yield labels.header;
  let cursor: string | undefined;
  for (;;) {
    const page = await listOrdersForStaff(db, grant, { ...query, cursor, limit: 500 });
    const totals = page.items.length
      ? await db
          .selectFrom("orders")
          .select(["id", "goods_amount", "freight", "discount", "remark", "contract_no"])
          .where(
            "id",
            "in",
            page.items.map((o) => o.id),
          )
          .execute()
      : [];
    const byId = new Map(totals.map((r) => [r.id, r]));
    for (const o of page.items) {
      const t = byId.get(o.id)!;
      yield [
        o.number,
        o.customerCode,
        o.customerName,
        o.regionName,
        labels.status(o.status),
        yuan(Number(t.goods_amount)),
        yuan(Number(t.freight)),
        yuan(Number(t.discount)),
        yuan(o.payable),
        o.createdAt,
        t.contract_no,
        t.remark,
      ];
    }
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

/** Fen as exact yuan text ("1234.50"): no float between the ledger and the spreadsheet. */
const yuan = (fen: number) =>
  `${fen < 0 ? "-" : ""}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, "0")}`;
