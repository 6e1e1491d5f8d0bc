import { type Kysely, sql } from "kysely";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import type { StaffGrant } from "../domain/permissions";
import type { StockMovementKind } from "../domain/stock-movements";
import { type Actor, recordAudit } from "./audit.server";
import { afterKey, type CursorValue, decodeCursor, encodeCursor } from "./keyset.server";
import { assertPermission, type StaffActor } from "./staff-actor.server";
import { containsText } from "./text-search.server";

export interface StockMovementInput {
  skuId: number;
  warehouseId: number;
  kind: StockMovementKind;
  /** Change of on_hand; negative takes stock out. */
  delta: number;
  /**
   * Change of `reserved` in the same update: an outbound of q passes `delta: -q,
   * reservedDelta: -q`, taking the goods out and releasing their reservation at once.
   */
  reservedDelta?: number;
  reason?: string;
  /** What caused it, e.g. `order` + the order id. */
  refType?: string | null;
  refId?: string | number | null;
  actor: Actor;
  /** Overselling is on: reserved may exceed on_hand afterwards (on_hand still never drops below 0). */
  allowBelowReserved?: boolean;
}

export type StockRefusal = "below_zero" | "below_reserved";

export type StockMovementResult =
  | { ok: true; movementId: number; onHandBefore: number; onHandAfter: number; reserved: number }
  | { ok: false; error: StockRefusal; onHand: number; reserved: number };

/** Locks one SKU's stock row in one warehouse, creating it at 0 first if it does not exist yet. */
async function lockStockRow(trx: Kysely<DB>, skuId: number, warehouseId: number) {
  // ON CONFLICT DO NOTHING: two first movements at once both end up locking the one row.
  await trx
    .insertInto("stock")
    .values({ sku_id: skuId, warehouse_id: warehouseId, on_hand: 0, reserved: 0 })
    .onConflict((oc) => oc.columns(["sku_id", "warehouse_id"]).doNothing())
    .execute();
  return forUpdate(
    trx,
    trx
      .selectFrom("stock")
      .select(["on_hand", "reserved"])
      .where("sku_id", "=", skuId)
      .where("warehouse_id", "=", warehouseId),
  ).executeTakeFirstOrThrow();
}

/**
 * The one way on_hand changes: locks the stock row, checks the result stays ≥ 0 and ≥ reserved,
 * updates it and appends one stock_movements row with the balance after, so on_hand = Σ delta.
 * Call it inside the caller's transaction, which also writes the audit row; on a refusal nothing
 * has been written, and the caller decides whether to roll back.
 */
export async function recordStockMovement(
  trx: Kysely<DB>,
  input: StockMovementInput,
  now: Date,
): Promise<StockMovementResult> {
  if (!trx.isTransaction) throw new Error("recordStockMovement must run inside a transaction");
  const reservedDelta = input.reservedDelta ?? 0;
  if (!Number.isSafeInteger(input.delta) || !Number.isSafeInteger(reservedDelta)) {
    throw new Error("stock quantities are integers");
  }
  const row = await lockStockRow(trx, input.skuId, input.warehouseId);
  const onHand = Number(row.on_hand);
  const reserved = Number(row.reserved);
  const onHandAfter = onHand + input.delta;
  const reservedAfter = reserved + reservedDelta;
  if (reservedAfter < 0) throw new Error(`reserved would drop below 0 (${reserved} ${reservedDelta})`);
  if (onHandAfter < 0) return { ok: false, error: "below_zero", onHand, reserved };
  if (reservedAfter > onHandAfter && !input.allowBelowReserved && input.delta < 0) {
    return { ok: false, error: "below_reserved", onHand, reserved };
  }
  await trx
    .updateTable("stock")
    .set({ on_hand: onHandAfter, reserved: reservedAfter })
    .where("sku_id", "=", input.skuId)
    .where("warehouse_id", "=", input.warehouseId)
    .execute();
  const { id } = await trx
    .insertInto("stock_movements")
    .values({
      sku_id: input.skuId,
      warehouse_id: input.warehouseId,
      kind: input.kind,
      delta: input.delta,
      on_hand_after: onHandAfter,
      reason: input.reason ?? "",
      ref_type: input.refType ?? null,
      ref_id: input.refId == null ? null : String(input.refId),
      actor_account_id: input.actor.accountId,
      at: now.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ok: true, movementId: id, onHandBefore: onHand, onHandAfter, reserved: reservedAfter };
}

export type StockChangeResult =
  | { ok: true; movementId: number; delta: number; onHandAfter: number }
  | { ok: false; error: "not_found" | "already_initialised" }
  | { ok: false; error: StockRefusal; onHand: number; reserved: number };

type Refused = Exclude<StockChangeResult, { ok: true }>;

// Thrown inside the transaction so that a refusal rolls back everything, then returned as a result.
class Refusal extends Error {
  constructor(readonly result: Refused) {
    super(result.error);
  }
}

async function changeStock(
  db: Kysely<DB>,
  actor: StaffActor,
  target: { skuId: number; warehouseId: number },
  kind: "initial" | "adjustment" | "stocktake",
  reason: string,
  deltaFor: (current: { onHand: number; movements: number }) => number | Refused,
  now: Date,
): Promise<StockChangeResult> {
  assertPermission(actor, "stock.manage");
  try {
    return await db.transaction().execute(async (trx) => {
      const [sku, warehouse] = await Promise.all([
        trx.selectFrom("skus").select("id").where("id", "=", target.skuId).executeTakeFirst(),
        trx.selectFrom("warehouses").select("id").where("id", "=", target.warehouseId).executeTakeFirst(),
      ]);
      if (!sku || !warehouse) throw new Refusal({ ok: false, error: "not_found" });
      const locked = await lockStockRow(trx, target.skuId, target.warehouseId);
      const { n } = await trx
        .selectFrom("stock_movements")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("sku_id", "=", target.skuId)
        .where("warehouse_id", "=", target.warehouseId)
        .executeTakeFirstOrThrow();
      const delta = deltaFor({ onHand: Number(locked.on_hand), movements: Number(n) });
      if (typeof delta !== "number") throw new Refusal(delta);
      const moved = await recordStockMovement(trx, { ...target, kind, delta, reason, actor }, now);
      if (!moved.ok) throw new Refusal(moved);
      await recordAudit(
        trx,
        actor,
        {
          action: `stock.${kind}`,
          objectType: "stock",
          objectId: `${target.skuId}:${target.warehouseId}`,
          before: { onHand: moved.onHandBefore, reserved: moved.reserved },
          after: { onHand: moved.onHandAfter, delta, reason, movementId: moved.movementId },
        },
        now,
      );
      return { ok: true, movementId: moved.movementId, delta, onHandAfter: moved.onHandAfter } as const;
    });
  } catch (error) {
    if (error instanceof Refusal) return error.result;
    throw error;
  }
}

/** 调整: adds or takes away `delta` units with a reason. */
export function adjustStock(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { skuId: number; warehouseId: number; delta: number; reason: string },
  now: Date,
): Promise<StockChangeResult> {
  return changeStock(db, actor, input, "adjustment", input.reason, () => input.delta, now);
}

/** 盘点: records the counted quantity; the movement is counted − on_hand (0 when the count agrees). */
export function stocktake(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { skuId: number; warehouseId: number; counted: number; reason: string },
  now: Date,
): Promise<StockChangeResult> {
  return changeStock(db, actor, input, "stocktake", input.reason, ({ onHand }) => input.counted - onHand, now);
}

/** 期初: the first stock of a SKU in a warehouse; refused once any movement exists there. */
export function setInitialStock(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { skuId: number; warehouseId: number; quantity: number; reason?: string },
  now: Date,
): Promise<StockChangeResult> {
  return changeStock(
    db,
    actor,
    input,
    "initial",
    input.reason ?? "",
    ({ movements }) => (movements > 0 ? { ok: false, error: "already_initialised" } : input.quantity),
    now,
  );
}

export interface StockLevel {
  skuId: number;
  skuCode: string;
  productName: string;
  spec: string;
  unit: string;
  warehouseId: number;
  warehouseCode: string;
  warehouseName: string;
  warehouseActive: boolean;
  onHand: number;
  reserved: number;
  available: number;
}

export const STOCK_SORTS = ["code", "-code", "name", "-name", "onHand", "-onHand", "available", "-available"] as const;
export type StockSort = (typeof STOCK_SORTS)[number];

export interface StockListQuery {
  /** Part of a SKU code or product name. */
  q?: string;
  warehouseId?: number;
  sort?: StockSort;
  after?: string;
  limit: number;
}

function stockLevelsQuery(db: Kysely<DB>) {
  // Every SKU in every warehouse, stocked or not, so a first quantity can be entered anywhere.
  return db
    .selectFrom("skus as s")
    .innerJoin("products as p", "p.id", "s.product_id")
    .innerJoin("warehouses as w", (join) => join.onTrue())
    .leftJoin("stock as st", (join) => join.onRef("st.sku_id", "=", "s.id").onRef("st.warehouse_id", "=", "w.id"))
    .select([
      "s.id as skuId",
      "s.code as skuCode",
      "p.name as productName",
      "s.spec",
      "s.unit",
      "w.id as warehouseId",
      "w.code as warehouseCode",
      "w.name as warehouseName",
      "w.active as warehouseActive",
      sql<number>`coalesce(st.on_hand, 0)`.as("onHand"),
      sql<number>`coalesce(st.reserved, 0)`.as("reserved"),
    ]);
}

const toLevel = (r: {
  skuId: number;
  skuCode: string;
  productName: string;
  spec: string;
  unit: string;
  warehouseId: number;
  warehouseCode: string;
  warehouseName: string;
  warehouseActive: number;
  onHand: number;
  reserved: number;
}): StockLevel => ({
  ...r,
  onHand: Number(r.onHand),
  reserved: Number(r.reserved),
  available: Number(r.onHand) - Number(r.reserved),
  warehouseActive: r.warehouseActive === 1,
});

/** Stock per SKU per warehouse (active warehouses unless one is chosen), a page at a time. */
export async function listStock(
  db: Kysely<DB>,
  query: StockListQuery,
): Promise<{ items: StockLevel[]; nextCursor: string | null }> {
  let qb = stockLevelsQuery(db);
  if (query.warehouseId !== undefined) qb = qb.where("w.id", "=", query.warehouseId);
  else qb = qb.where("w.active", "=", 1);
  const q = query.q?.trim();
  if (q) qb = qb.where(containsText(["s.code", "p.name"], q));
  const sort = query.sort ?? "code";
  const descending = sort.startsWith("-");
  const field = sort.replace(/^-/, "") as "code" | "name" | "onHand" | "available";
  // SKU code and warehouse code together are unique: they end every key.
  const tail = [sql.ref("s.code"), sql.ref("w.code")];
  const head = {
    code: [],
    name: [sql.ref("p.name")],
    onHand: [sql`coalesce(st.on_hand, 0)`],
    available: [sql`coalesce(st.on_hand - st.reserved, 0)`],
  }[field];
  const columns = [...head, ...tail];
  const types = { code: [], name: ["string"], onHand: ["number"], available: ["number"] } as const;
  const cursor = decodeCursor(query.after, [...types[field], "string", "string"]);
  if (cursor) qb = qb.where(afterKey(columns, cursor, descending));
  for (const column of columns) qb = qb.orderBy(column, descending ? "desc" : "asc");
  const rows = (await qb.limit(query.limit + 1).execute()).map(toLevel);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const keyOf = (r: StockLevel): CursorValue[] => {
    const h = { code: [], name: [r.productName], onHand: [r.onHand], available: [r.available] }[field];
    return [...h, r.skuCode, r.warehouseCode];
  };
  return { items: page, nextCursor: rows.length > query.limit && last ? encodeCursor(keyOf(last)) : null };
}

/** One SKU in one warehouse, with how many movements it has had (none: 期初 may be entered). */
export async function getStockLevel(
  db: Kysely<DB>,
  skuId: number,
  warehouseId: number,
): Promise<(StockLevel & { movementCount: number }) | null> {
  const row = await stockLevelsQuery(db).where("s.id", "=", skuId).where("w.id", "=", warehouseId).executeTakeFirst();
  if (!row) return null;
  const { n } = await db
    .selectFrom("stock_movements")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("sku_id", "=", skuId)
    .where("warehouse_id", "=", warehouseId)
    .executeTakeFirstOrThrow();
  return { ...toLevel(row), movementCount: Number(n) };
}

export interface StockMovementItem {
  id: number;
  at: string;
  skuId: number;
  skuCode: string;
  productName: string;
  spec: string;
  warehouseId: number;
  warehouseName: string;
  kind: StockMovementKind;
  delta: number;
  onHandAfter: number;
  reason: string;
  refType: string | null;
  refId: string | null;
  actorName: string | null;
}

export interface MovementListQuery {
  /** A SKU code, or part of one. */
  sku?: string;
  warehouseId?: number;
  kind?: StockMovementKind;
  /** ISO instants: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  sort?: "at" | "-at";
  after?: string;
  limit: number;
  /** The reader's grant: a region-limited one sees no document number of another region. */
  grant?: StaffGrant;
}

/**
 * Stock is one ledger for every region, but the orders and returns that moved it are not: a
 * region-limited reader sees that an order or return moved the stock, not which one elsewhere.
 */
async function hideForeignRefs(
  db: Kysely<DB>,
  grant: StaffGrant | undefined,
  items: StockMovementItem[],
): Promise<StockMovementItem[]> {
  if (!grant || grant.regionIds === null) return items;
  const regions = grant.regionIds.length ? (grant.regionIds as number[]) : [-1];
  const visible = new Set<string>();
  for (const [type, table] of [
    ["order", "orders"],
    ["return", "returns"],
  ] as const) {
    const numbers = [...new Set(items.filter((i) => i.refType === type && i.refId).map((i) => i.refId!))];
    if (!numbers.length) continue;
    const rows = await db
      .selectFrom(table)
      .select("number")
      .where("number", "in", numbers)
      .where("region_id", "in", regions)
      .execute();
    for (const r of rows) visible.add(`${type}:${r.number}`);
  }
  return items.map((i) =>
    (i.refType === "order" || i.refType === "return") && i.refId && !visible.has(`${i.refType}:${i.refId}`)
      ? { ...i, refId: null }
      : i,
  );
}

/** The stock ledger, newest first by default, a page at a time. */
export async function listStockMovements(
  db: Kysely<DB>,
  query: MovementListQuery,
): Promise<{ items: StockMovementItem[]; nextCursor: string | null }> {
  let qb = db
    .selectFrom("stock_movements as m")
    .innerJoin("skus as s", "s.id", "m.sku_id")
    .innerJoin("products as p", "p.id", "s.product_id")
    .innerJoin("warehouses as w", "w.id", "m.warehouse_id")
    .leftJoin("accounts as a", "a.id", "m.actor_account_id")
    .select([
      "m.id",
      "m.at",
      "m.sku_id as skuId",
      "s.code as skuCode",
      "p.name as productName",
      "s.spec",
      "m.warehouse_id as warehouseId",
      "w.name as warehouseName",
      "m.kind",
      "m.delta",
      "m.on_hand_after as onHandAfter",
      "m.reason",
      "m.ref_type as refType",
      "m.ref_id as refId",
      "a.display_name as actorName",
    ]);
  const sku = query.sku?.trim().toLowerCase();
  if (sku) {
    const pattern = `%${sku.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    qb = qb.where((eb) => eb(eb.fn("lower", ["s.code"]), "like", pattern));
  }
  if (query.warehouseId !== undefined) qb = qb.where("m.warehouse_id", "=", query.warehouseId);
  if (query.kind) qb = qb.where("m.kind", "=", query.kind);
  if (query.from) qb = qb.where("m.at", ">=", query.from);
  if (query.to) qb = qb.where("m.at", "<", query.to);
  const descending = (query.sort ?? "-at") === "-at";
  const cursor = decodeCursor(query.after, ["string", "number"]);
  if (cursor) qb = qb.where(afterKey([sql.ref("m.at"), sql.ref("m.id")], cursor, descending));
  const rows = await qb
    .orderBy("m.at", descending ? "desc" : "asc")
    .orderBy("m.id", descending ? "desc" : "asc")
    .limit(query.limit + 1)
    .execute();
  const page = await hideForeignRefs(
    db,
    query.grant,
    rows.slice(0, query.limit).map((r) => ({
      ...r,
      delta: Number(r.delta),
      onHandAfter: Number(r.onHandAfter),
    })),
  );
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > query.limit && last ? encodeCursor([last.at, last.id]) : null };
}
