import type { Kysely } from "kysely";
import { isUniqueViolation } from "../../db/errors";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import { formatDocumentNumber, sequenceKey } from "../domain/document-number";
import type { Actor as PipelineActor } from "../domain/order-pipeline";
import type { StaffGrant } from "../domain/permissions";
import { claimedBy, linePaidAmounts, refundForUnits, returnableQuantity, unitPaid } from "../domain/refunds";
import {
  mayActOnReturn,
  RETURN_PIPELINE,
  RETURN_VOID_STATUSES,
  type ReturnAction,
  type ReturnEffect,
  transitionReturn,
} from "../domain/return-pipeline";
import { getEnv } from "../env.server";
import { recordAudit } from "./audit.server";
import { orderPayments, refundOrder } from "./funds.server";
import { findByIdempotencyKey, hashRequest } from "./idempotency.server";
import { type ImageRejection, type PreparedImage, prepareImage, storeImage } from "./images.server";
import type { OrderActor } from "./order-pipeline.server";
import { emitEvent } from "./outbox.server";
import { moveQueueCount } from "./queue-counters.server";
import { nextInSequence } from "./sequences.server";
import { getSettings } from "./settings.server";
import { recordStockMovement } from "./stock.server";
import { containsText } from "./text-search.server";

/**
 * Returns (退货单, DOMAIN.md §6): created from shipped orders within what is still returnable,
 * then moved through the returns pipeline (app/domain/return-pipeline.ts) one transition at a
 * time — each in one transaction with a compare-and-set on (status, version), its effects
 * (stock back in, refund to the ledger), timeline, queue counters, outbox and audit rows.
 */

/** Who acts on a return: staff (with grant), the return's customer, or the system. */
export type ReturnActor = OrderActor;

/** Who is looking: staff within their regions, or one customer at its own returns only. */
export type ReturnScope = { kind: "staff"; grant: StaffGrant } | { kind: "customer"; customerId: number };

export const RETURN_REASONS = ["quality", "wrong_item", "damaged", "other"] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];
export const DISPOSITIONS = ["restock", "rework", "downgrade", "scrap"] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Orders in these statuses have left the warehouse and can be returned. */
export const RETURNABLE_ORDER_STATUSES = ["pending_receipt", "completed"] as const;

type Trx = Kysely<DB>;

const scopeOf = (actor: ReturnActor): ReturnScope | null =>
  actor.kind === "customer"
    ? { kind: "customer", customerId: actor.customerId }
    : actor.kind === "staff"
      ? { kind: "staff", grant: actor.grant }
      : null;

const regionList = (grant: StaffGrant) => (grant.regionIds!.length ? (grant.regionIds as number[]) : [-1]);

// ---------------------------------------------------------------------------------------------
// Returnable quantities
// ---------------------------------------------------------------------------------------------

export interface ReturnableLine {
  orderLineId: number;
  skuId: number;
  skuCode: string;
  productName: string;
  spec: string;
  unit: string;
  quantity: number;
  shipped: number;
  /** Claimed by returns not rejected or cancelled, in progress or done. */
  claimed: number;
  returnable: number;
  /** The unit price actually paid after the order discount, rounded down (app/domain/refunds.ts). */
  unitPaid: number;
}

/** Per order line: shipped, claimed by live returns, still returnable. Read inside the caller's lock. */
async function returnableOf(db: Kysely<DB>, order: { id: number; discount: number }): Promise<ReturnableLine[]> {
  const [lines, shipped, claims] = await Promise.all([
    db
      .selectFrom("order_lines")
      .select(["id", "sku_id", "sku_code", "product_name", "spec", "unit", "quantity", "amount"])
      .where("order_id", "=", order.id)
      .orderBy("position")
      .execute(),
    db
      .selectFrom("shipment_lines as sl")
      .innerJoin("shipments as s", "s.id", "sl.shipment_id")
      .select(["sl.sku_id", "sl.quantity"])
      .where("s.order_id", "=", order.id)
      .where("s.status", "=", "shipped")
      .execute(),
    db
      .selectFrom("return_lines as rl")
      .innerJoin("returns as r", "r.id", "rl.return_id")
      .select(["rl.order_line_id", "rl.requested_qty", "rl.approved_qty"])
      .where("r.order_id", "=", order.id)
      .where("r.status", "not in", [...RETURN_VOID_STATUSES])
      .execute(),
  ]);
  const shippedBySku = new Map<number, number>();
  for (const s of shipped) shippedBySku.set(s.sku_id, (shippedBySku.get(s.sku_id) ?? 0) + Number(s.quantity));
  const claimedByLine = new Map<number, number>();
  for (const c of claims)
    claimedByLine.set(
      c.order_line_id,
      (claimedByLine.get(c.order_line_id) ?? 0) + claimedBy({ requested: c.requested_qty, approved: c.approved_qty }),
    );
  const paid = linePaidAmounts(
    lines.map((l) => ({ id: l.id, quantity: l.quantity, amount: Number(l.amount) })),
    order.discount,
  );
  return lines.map((l) => {
    // Shipped units of a SKU go to its lines in order.
    const left = shippedBySku.get(l.sku_id) ?? 0;
    const lineShipped = Math.min(left, l.quantity);
    shippedBySku.set(l.sku_id, left - lineShipped);
    const claimed = claimedByLine.get(l.id) ?? 0;
    return {
      orderLineId: l.id,
      skuId: l.sku_id,
      skuCode: l.sku_code,
      productName: l.product_name,
      spec: l.spec,
      unit: l.unit,
      quantity: l.quantity,
      shipped: lineShipped,
      claimed,
      returnable: returnableQuantity(lineShipped, claimed),
      unitPaid: unitPaid(paid.get(l.id)!, l.quantity),
    };
  });
}

function scopedOrder(db: Kysely<DB>, scope: ReturnScope, orderNumber: string) {
  let qb = db
    .selectFrom("orders")
    .select(["id", "number", "status", "customer_id", "region_id", "discount"])
    .where("number", "=", orderNumber);
  if (scope.kind === "customer") qb = qb.where("customer_id", "=", scope.customerId);
  else if (scope.grant.regionIds !== null) qb = qb.where("region_id", "in", regionList(scope.grant));
  return qb;
}

/** An order's lines with what can still be returned; null when the order is not in scope. */
export async function returnableLines(
  db: Kysely<DB>,
  scope: ReturnScope,
  orderNumber: string,
): Promise<{ orderNumber: string; orderStatus: string; canReturn: boolean; lines: ReturnableLine[] } | null> {
  const order = await scopedOrder(db, scope, orderNumber).executeTakeFirst();
  if (!order) return null;
  const canReturn = (RETURNABLE_ORDER_STATUSES as readonly string[]).includes(order.status);
  const lines = await returnableOf(db, { id: order.id, discount: Number(order.discount) });
  return { orderNumber: order.number, orderStatus: order.status, canReturn, lines };
}

// ---------------------------------------------------------------------------------------------
// Creating a return
// ---------------------------------------------------------------------------------------------

/** At most this many photos on one return. */
export const RETURN_PHOTO_LIMIT = 6;

export interface CreateReturnInput {
  orderNumber: string;
  idempotencyKey: string;
  lines: Array<{ orderLineId: number; quantity: number; reason: ReturnReason; note?: string }>;
  note?: string;
  /** Optional photos (raw uploads); each is decoded and checked before anything is written. */
  photos?: Uint8Array[];
}

export type CreateReturnResult =
  | { ok: true; return: { id: number; number: string; status: string }; replayed: boolean }
  | {
      ok: false;
      error:
        | "not_found"
        | "not_permitted"
        | "not_returnable"
        | "no_lines"
        | "invalid_line"
        | "idempotency_key_reused"
        | "too_many_photos";
    }
  | { ok: false; error: "photo"; index: number; rejection: ImageRejection }
  | { ok: false; error: "note_required"; orderLineId: number }
  | { ok: false; error: "exceeds_returnable"; orderLineId: number; returnable: number };

class CreateRefused extends Error {
  constructor(readonly result: Extract<CreateReturnResult, { ok: false }>) {
    super(result.error);
  }
}

function requestHash(customerId: number, input: CreateReturnInput, photos: readonly PreparedImage[]): string {
  const canonical = {
    customerId,
    orderNumber: input.orderNumber,
    lines: input.lines.map((l) => [l.orderLineId, l.quantity, l.reason, l.note?.trim() ?? ""]),
    note: input.note?.trim() ?? "",
    photos: photos.map((p) => p.sha256),
  };
  return hashRequest(canonical);
}

function replay(
  existing: { id: number; number: string; status: string; request_hash: string },
  hash: string,
): CreateReturnResult {
  if (existing.request_hash !== hash) return { ok: false, error: "idempotency_key_reused" };
  return { ok: true, return: { id: existing.id, number: existing.number, status: existing.status }, replayed: true };
}

/**
 * Starts a return (退货单) of a shipped order, by its customer or by staff with `return.create`.
 * In one transaction the order row is locked and every line checked against shipped − already
 * claimed, so two returns racing for the same units can't together exceed what was shipped. The
 * idempotency key makes a retry yield the same return; the same key with another body is refused.
 */
export async function createReturn(
  db: Kysely<DB>,
  actor: ReturnActor,
  input: CreateReturnInput,
  now: Date,
): Promise<CreateReturnResult> {
  const scope = scopeOf(actor);
  if (!scope) return { ok: false, error: "not_permitted" };
  if (scope.kind === "staff" && !scope.grant.permissions.has("return.create"))
    return { ok: false, error: "not_permitted" };
  const found = await scopedOrder(db, scope, input.orderNumber).executeTakeFirst();
  if (!found) return { ok: false, error: "not_found" };
  // Photos are decoded outside the transaction: the write lock is never held for image work.
  const photos: PreparedImage[] = [];
  if ((input.photos?.length ?? 0) > RETURN_PHOTO_LIMIT) return { ok: false, error: "too_many_photos" };
  for (const [index, bytes] of (input.photos ?? []).entries()) {
    const prepared = await prepareImage(bytes);
    if (!prepared.ok) return { ok: false, error: "photo", index, rejection: prepared.error };
    photos.push(prepared.image);
  }
  const hash = requestHash(found.customer_id, input, photos);
  const earlier = await findByIdempotencyKey(db, "returns", found.customer_id, input.idempotencyKey);
  if (earlier) return replay(earlier, hash);

  if (!input.lines.length) return { ok: false, error: "no_lines" };
  const ids = new Set<number>();
  for (const line of input.lines) {
    if (
      ids.has(line.orderLineId) ||
      !Number.isSafeInteger(line.quantity) ||
      line.quantity <= 0 ||
      !(RETURN_REASONS as readonly string[]).includes(line.reason)
    )
      return { ok: false, error: "invalid_line" };
    if (line.reason === "other" && !line.note?.trim())
      return { ok: false, error: "note_required", orderLineId: line.orderLineId };
    ids.add(line.orderLineId);
  }

  try {
    return await db.transaction().execute(async (trx) => {
      // The order row is the lock every return of this order queues on (PostgreSQL; SQLite's
      // write lock already serialises), so claims are counted after the other's commit.
      const order = await forUpdate(trx, scopedOrder(trx, scope, input.orderNumber)).executeTakeFirst();
      if (!order) throw new CreateRefused({ ok: false, error: "not_found" });
      const raced = await findByIdempotencyKey(trx, "returns", order.customer_id, input.idempotencyKey);
      if (raced) return replay(raced, hash);
      if (!(RETURNABLE_ORDER_STATUSES as readonly string[]).includes(order.status))
        throw new CreateRefused({ ok: false, error: "not_returnable" });
      const returnable = new Map(
        (await returnableOf(trx, { id: order.id, discount: Number(order.discount) })).map((l) => [l.orderLineId, l]),
      );
      for (const line of input.lines) {
        const r = returnable.get(line.orderLineId);
        if (!r) throw new CreateRefused({ ok: false, error: "invalid_line" });
        if (line.quantity > r.returnable)
          throw new CreateRefused({
            ok: false,
            error: "exceeds_returnable",
            orderLineId: line.orderLineId,
            returnable: r.returnable,
          });
      }

      const key = sequenceKey("TH", now, getEnv().APP_TIMEZONE);
      const number = formatDocumentNumber(key, await nextInSequence(trx, key));
      const at = now.toISOString();
      const first = RETURN_PIPELINE.steps[0]!.status;
      const created = await trx
        .insertInto("returns")
        .values({
          number,
          order_id: order.id,
          customer_id: order.customer_id,
          region_id: order.region_id,
          status: first,
          idempotency_key: input.idempotencyKey,
          request_hash: hash,
          note: input.note?.trim() ?? "",
          created_by_account_id: actor.accountId,
          created_by_name: actor.name,
          created_at: at,
          updated_at: at,
        })
        .returning(["id", "number", "status"])
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("return_lines")
        .values(
          input.lines.map((l, position) => {
            const r = returnable.get(l.orderLineId)!;
            return {
              return_id: created.id,
              order_line_id: l.orderLineId,
              sku_id: r.skuId,
              sku_code: r.skuCode,
              product_name: r.productName,
              requested_qty: l.quantity,
              reason: l.reason,
              note: l.note?.trim() ?? "",
              unit_paid: r.unitPaid,
              position,
            };
          }),
        )
        .execute();
      for (const [position, photo] of photos.entries()) {
        const imageId = await storeImage(trx, photo, now);
        await trx.insertInto("return_photos").values({ return_id: created.id, image_id: imageId, position }).execute();
      }
      await trx
        .insertInto("return_events")
        .values({
          return_id: created.id,
          at,
          actor_account_id: actor.accountId,
          actor_name: actor.displayName ?? actor.name,
          actor_kind: actor.kind === "staff" ? "staff" : "customer",
          action: actor.kind === "staff" ? "submit_on_behalf" : "submit",
          from_status: null,
          to_status: first,
          note: input.note?.trim() ?? "",
        })
        .execute();

      // Switched-off steps at the front are passed now, by the system, in this transaction.
      const loaded = await loadReturn(trx, created.number, null);
      const settings = await getSettings(trx);
      const result = transitionReturn({ status: "new" }, { type: "submit" }, routeContext(loaded!, settings));
      if (!result.ok) throw new Error(`a new return could not be routed: ${result.refusal.code}`);
      const system: ReturnActor = { accountId: null, name: "system", kind: "system" };
      for (const effect of result.effects)
        await EFFECTS[effect]({ trx, ret: loaded!, actor: system, input: null, automatic: true, now });
      await writeAutoEvents(trx, created.id, result.autoPassed, result.status, at);
      if (result.status !== first)
        await trx.updateTable("returns").set({ status: result.status }).where("id", "=", created.id).execute();
      created.status = result.status;

      await moveQueueCount(trx, "returns", order.region_id, null, result.status);
      const payload = { number, order: order.number, status: result.status, lines: input.lines.length };
      await emitEvent(trx, { type: "return.submitted", aggregateType: "return", aggregateId: number, payload }, now);
      await emitPipelineEvents(trx, number, result.effects, result.status, payload, now);
      await recordAudit(
        trx,
        actor,
        {
          action: "return.submit",
          objectType: "return",
          objectId: number,
          after: { order: order.number, status: result.status, lines: input.lines, autoPassed: result.autoPassed },
        },
        now,
      );
      return { ok: true as const, return: created, replayed: false };
    });
  } catch (error) {
    if (error instanceof CreateRefused) return error.result;
    // PostgreSQL: a concurrent retry with the same key committed between our read and insert.
    if (isUniqueViolation(error)) {
      const winner = await findByIdempotencyKey(db, "returns", found.customer_id, input.idempotencyKey);
      if (winner) return replay(winner, hash);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Moving a return through the pipeline
// ---------------------------------------------------------------------------------------------

export type ReturnShipmentInput = { carrier: string; trackingNo: string } | { dropOff: true };

export type ReturnActionInput =
  | {
      type: "approve";
      version: number;
      note?: string;
      /** Return review: approved quantity per return line (default: as requested). */
      approvals?: Array<{ lineId: number; quantity: number }>;
      /** Inbound review: received quantity and disposition per return line (default: all arrived, restock). */
      receipts?: Array<{ lineId: number; quantity: number; disposition: Disposition }>;
      /** Inbound review: the warehouse restocked goods go into (default: the order's). */
      warehouseId?: number;
      /** Refund review: an amount other than the computed one, with the reason. */
      refund?: { amount: number; reason: string };
    }
  | { type: "ship_back"; version: number; shipment: ReturnShipmentInput; note?: string }
  | { type: "reject"; version: number; reason: string }
  | { type: "cancel"; version: number };

export type ReturnActionError =
  | { code: "not_found" }
  | { code: "not_permitted" }
  | { code: "already_handled"; status: string; by: string | null; at: string | null }
  | { code: "stale_version"; status: string; version: number }
  | { code: "reason_required" }
  | { code: "shipment_required" }
  | { code: "invalid_quantity"; lineId: number | null }
  | { code: "warehouse_required" }
  | { code: "exceeds_paid"; refundable: number };

export type ReturnActionResult =
  | { ok: true; number: string; status: string; version: number }
  | ({ ok: false } & ReturnActionError);

class Refused extends Error {
  constructor(readonly error: ReturnActionError) {
    super(error.code);
  }
}

interface LoadedReturn {
  id: number;
  number: string;
  status: string;
  version: number;
  order_id: number;
  order_number: string;
  order_discount: number;
  customer_id: number;
  region_id: number;
  order_warehouse_id: number | null;
  default_warehouse_id: number | null;
}

async function loadReturn(trx: Trx, number: string, scope: ReturnScope | null, lock = false) {
  let qb = trx
    .selectFrom("returns as r")
    .innerJoin("orders as o", "o.id", "r.order_id")
    .innerJoin("customers as c", "c.id", "r.customer_id")
    .select([
      "r.id",
      "r.number",
      "r.status",
      "r.version",
      "r.order_id",
      "o.number as order_number",
      "o.discount as order_discount",
      "r.customer_id",
      "r.region_id",
      "o.warehouse_id as order_warehouse_id",
      "c.default_warehouse_id",
    ])
    .where("r.number", "=", number);
  // Another customer's return, or one outside a staff member's regions, does not exist for them.
  if (scope?.kind === "customer") qb = qb.where("r.customer_id", "=", scope.customerId);
  if (scope?.kind === "staff" && scope.grant.regionIds !== null)
    qb = qb.where("r.region_id", "in", regionList(scope.grant));
  const row = await (lock ? forUpdate(trx, qb) : qb).executeTakeFirst();
  return row ? ({ ...row, order_discount: Number(row.order_discount) } satisfies LoadedReturn) : null;
}

const warehouseOf = (ret: LoadedReturn) => ret.order_warehouse_id ?? ret.default_warehouse_id;

/** Whether a switched-off step can pass without a person: only inbound needs a warehouse to restock into. */
function routeContext(ret: LoadedReturn, settings: Awaited<ReturnType<typeof getSettings>>) {
  const canAuto: Record<string, boolean> = {
    return_review: true,
    return_shipment: true,
    inbound_review: warehouseOf(ret) !== null,
    refund_review: true,
  };
  return { enabled: settings.returnSteps, canAutoPass: (key: string) => canAuto[key] ?? false };
}

interface EffectContext {
  trx: Trx;
  ret: LoadedReturn;
  actor: ReturnActor;
  /** null when the return was just submitted. */
  input: ReturnActionInput | null;
  /** Set when the step runs without a person (switched off): defaults, no input. */
  automatic: boolean;
  now: Date;
}

const returnLines = (trx: Trx, returnId: number) =>
  trx.selectFrom("return_lines").selectAll().where("return_id", "=", returnId).orderBy("position").execute();

const EFFECTS: Record<ReturnEffect, (ctx: EffectContext) => Promise<void>> = {
  async approve_quantities({ trx, ret, input, automatic }) {
    const lines = await returnLines(trx, ret.id);
    const given = !automatic && input?.type === "approve" ? (input.approvals ?? []) : [];
    const byLine = new Map(given.map((a) => [a.lineId, a.quantity]));
    for (const a of given)
      if (!lines.some((l) => l.id === a.lineId)) throw new Refused({ code: "invalid_quantity", lineId: a.lineId });
    let total = 0;
    for (const line of lines) {
      const quantity = byLine.get(line.id) ?? line.requested_qty;
      if (!Number.isSafeInteger(quantity) || quantity < 0 || quantity > line.requested_qty)
        throw new Refused({ code: "invalid_quantity", lineId: line.id });
      total += quantity;
      await trx.updateTable("return_lines").set({ approved_qty: quantity }).where("id", "=", line.id).execute();
    }
    // Approving nothing is a rejection, which needs its reason.
    if (total === 0) throw new Refused({ code: "invalid_quantity", lineId: null });
  },

  async record_return_shipment({ trx, ret, input, automatic, now }) {
    const shipment = !automatic && input?.type === "ship_back" ? input.shipment : undefined;
    if (!automatic) {
      const complete =
        shipment && ("dropOff" in shipment ? shipment.dropOff : shipment.carrier.trim() && shipment.trackingNo.trim());
      if (!complete) throw new Refused({ code: "shipment_required" });
    }
    const details =
      shipment && "dropOff" in shipment
        ? { drop_off: 1 }
        : { carrier: shipment?.carrier.trim() ?? "", tracking_no: shipment?.trackingNo.trim() ?? "" };
    await trx
      .updateTable("returns")
      .set({ ...details, shipped_back_at: now.toISOString() })
      .where("id", "=", ret.id)
      .execute();
  },

  async receive_goods({ trx, ret, input, actor, automatic, now }) {
    const lines = await returnLines(trx, ret.id);
    const approve = !automatic && input?.type === "approve" ? input : null;
    const given = new Map((approve?.receipts ?? []).map((r) => [r.lineId, r]));
    for (const id of given.keys())
      if (!lines.some((l) => l.id === id)) throw new Refused({ code: "invalid_quantity", lineId: id });
    const warehouseId = approve?.warehouseId ?? warehouseOf(ret);
    if (warehouseId == null) throw new Refused({ code: "warehouse_required" });
    const warehouse = await trx.selectFrom("warehouses").select("id").where("id", "=", warehouseId).executeTakeFirst();
    if (!warehouse) throw new Refused({ code: "warehouse_required" });
    for (const line of lines) {
      const approved = line.approved_qty ?? line.requested_qty;
      const receipt = given.get(line.id);
      const quantity = receipt?.quantity ?? approved;
      const disposition = receipt?.disposition ?? "restock";
      if (
        !Number.isSafeInteger(quantity) ||
        quantity < 0 ||
        quantity > approved ||
        !(DISPOSITIONS as readonly string[]).includes(disposition)
      )
        throw new Refused({ code: "invalid_quantity", lineId: line.id });
      // Rework, downgrade and scrap are recorded on the line; only restock puts goods back on hand.
      if (quantity > 0 && disposition === "restock") {
        const moved = await recordStockMovement(
          trx,
          {
            skuId: line.sku_id,
            warehouseId,
            kind: "return_restock",
            delta: quantity,
            reason: "退货入库",
            refType: "return",
            refId: ret.number,
            actor,
          },
          now,
        );
        if (!moved.ok) throw new Error(`restock of ${ret.number} refused: ${moved.error}`);
      }
      await trx
        .updateTable("return_lines")
        .set({ approved_qty: approved, received_qty: quantity, disposition: quantity > 0 ? disposition : null })
        .where("id", "=", line.id)
        .execute();
    }
    await trx
      .updateTable("returns")
      .set({ warehouse_id: warehouseId, received_at: now.toISOString() })
      .where("id", "=", ret.id)
      .execute();
  },

  async refund({ trx, ret, input, actor, automatic, now }) {
    const computed = await computedRefund(trx, ret);
    const edit = !automatic && input?.type === "approve" ? input.refund : undefined;
    const paid = await orderPayments(trx, ret.order_id);
    const refundable = paid.prepaid + paid.rebate + paid.credit;
    let amount = computed.total;
    let reason = "";
    if (edit) {
      if (!Number.isSafeInteger(edit.amount) || edit.amount < 0)
        throw new Refused({ code: "invalid_quantity", lineId: null });
      reason = edit.reason.trim();
      if (edit.amount !== computed.total && !reason) throw new Refused({ code: "reason_required" });
      amount = edit.amount;
    } else if (automatic) {
      // Without a person the refund never asks for more than the order still has paid.
      amount = Math.min(amount, refundable);
    }
    if (amount > refundable) throw new Refused({ code: "exceeds_paid", refundable });
    if (amount > 0) {
      const refunded = await refundOrder(
        trx,
        {
          customerId: ret.customer_id,
          orderId: ret.order_id,
          orderNumber: ret.order_number,
          amount,
          reason: reason ? `${ret.number} ${reason}` : ret.number,
        },
        { ...actor, grant: actor.kind === "staff" ? actor.grant : undefined },
        now,
      );
      if (!refunded.ok)
        throw new Refused({ code: "exceeds_paid", refundable: "refundable" in refunded ? refunded.refundable : 0 });
    }
    for (const [lineId, lineAmount] of computed.byLine)
      await trx.updateTable("return_lines").set({ refund_amount: lineAmount }).where("id", "=", lineId).execute();
    await trx
      .updateTable("returns")
      .set({ refund_amount: amount, refund_reason: reason, refunded_at: now.toISOString() })
      .where("id", "=", ret.id)
      .execute();
  },
};

/**
 * The default refund of a return (app/domain/refunds.ts): per line, the received units after the
 * units of the same order line already refunded by earlier returns.
 */
async function computedRefund(trx: Trx, ret: LoadedReturn) {
  const lines = await returnLines(trx, ret.id);
  const orderLines = await trx
    .selectFrom("order_lines")
    .select(["id", "quantity", "amount"])
    .where("order_id", "=", ret.order_id)
    .execute();
  const paid = linePaidAmounts(
    orderLines.map((l) => ({ id: l.id, quantity: l.quantity, amount: Number(l.amount) })),
    ret.order_discount,
  );
  const earlier = await trx
    .selectFrom("return_lines as rl")
    .innerJoin("returns as r", "r.id", "rl.return_id")
    .select(["rl.order_line_id", "rl.received_qty"])
    .where("r.order_id", "=", ret.order_id)
    .where("r.id", "!=", ret.id)
    .where("r.refunded_at", "is not", null)
    .execute();
  const refundedUnits = new Map<number, number>();
  for (const e of earlier)
    refundedUnits.set(e.order_line_id, (refundedUnits.get(e.order_line_id) ?? 0) + (e.received_qty ?? 0));
  const byLine = new Map<number, number>();
  let total = 0;
  for (const line of lines) {
    const orderLine = orderLines.find((l) => l.id === line.order_line_id)!;
    const before = Math.min(refundedUnits.get(line.order_line_id) ?? 0, orderLine.quantity);
    const units = Math.min(line.received_qty ?? 0, orderLine.quantity - before);
    const amount = refundForUnits(paid.get(orderLine.id)!, orderLine.quantity, before, units);
    byLine.set(line.id, amount);
    total += amount;
  }
  return { total, byLine };
}

/** The default refund of a return as it stands (for the refund review form). */
export async function suggestedRefund(db: Kysely<DB>, scope: ReturnScope, number: string): Promise<number | null> {
  const ret = await loadReturn(db, number, scope);
  return ret ? (await computedRefund(db, ret)).total : null;
}

const statusOf = (key: string) => RETURN_PIPELINE.steps.find((s) => s.key === key)!.status;

async function writeAutoEvents(trx: Trx, returnId: number, autoPassed: string[], finalStatus: string, at: string) {
  for (const [i, key] of autoPassed.entries()) {
    const next = autoPassed[i + 1];
    await trx
      .insertInto("return_events")
      .values({
        return_id: returnId,
        at,
        actor_account_id: null,
        actor_name: "system",
        actor_kind: "system",
        action: `auto_${key}`,
        from_status: statusOf(key),
        to_status: next ? statusOf(next) : finalStatus,
        note: "",
      })
      .execute();
  }
}

async function emitPipelineEvents(
  trx: Trx,
  number: string,
  effects: ReturnEffect[],
  status: string,
  payload: object,
  now: Date,
) {
  const extra: Array<[boolean, string]> = [
    [effects.includes("receive_goods"), "return.received"],
    [effects.includes("refund"), "return.refunded"],
    [status === "completed", "return.completed"],
  ];
  for (const [when, type] of extra)
    if (when) await emitEvent(trx, { type, aggregateType: "return", aggregateId: number, payload }, now);
}

const ACTION_EVENT: Record<ReturnActionInput["type"], string> = {
  approve: "return.step_approved",
  ship_back: "return.shipped_back",
  reject: "return.rejected",
  cancel: "return.cancelled",
};

const toPipelineActor = (actor: ReturnActor): PipelineActor =>
  actor.kind === "staff" ? { kind: "staff", permissions: actor.grant.permissions } : { kind: actor.kind };

/**
 * Moves one return one step: checks who may act, compares (status, version), applies the engine's
 * effects, writes the timeline, counters, outbox and audit rows — all in one transaction. The
 * loser of a race is told who handled the return and when.
 */
export async function performReturnAction(
  db: Kysely<DB>,
  actor: ReturnActor,
  number: string,
  input: ReturnActionInput,
  now: Date,
): Promise<ReturnActionResult> {
  const settings = await getSettings(db);
  try {
    return await db.transaction().execute(async (trx) => {
      const ret = await loadReturn(trx, number, scopeOf(actor) ?? { kind: "customer", customerId: -1 }, true);
      if (!ret) throw new Refused({ code: "not_found" });
      if (input.version !== ret.version) {
        const last = await trx
          .selectFrom("return_events")
          .select(["actor_name", "at", "to_status"])
          .where("return_id", "=", ret.id)
          .orderBy("id", "desc")
          .executeTakeFirst();
        throw new Refused(
          last && last.to_status === ret.status
            ? { code: "already_handled", status: ret.status, by: last.actor_name, at: last.at }
            : { code: "stale_version", status: ret.status, version: ret.version },
        );
      }
      const action: ReturnAction =
        input.type === "reject" ? { type: "reject", reason: input.reason } : { type: input.type };
      if (!mayActOnReturn(toPipelineActor(actor), { status: ret.status }, action.type))
        throw new Refused({ code: "not_permitted" });
      const result = transitionReturn({ status: ret.status }, action, routeContext(ret, settings));
      if (!result.ok) {
        if (result.refusal.code === "reason_required") throw new Refused({ code: "reason_required" });
        throw new Refused({ code: "already_handled", status: ret.status, by: null, at: null });
      }

      // The approved step's effects run as the actor with its input; auto-passed steps' as the system.
      const own = result.approvedStep
        ? RETURN_PIPELINE.steps.find((s) => s.key === result.approvedStep)!.effects.length
        : 0;
      const system: ReturnActor = { accountId: null, name: "system", kind: "system" };
      for (const [i, effect] of result.effects.entries()) {
        const automatic = i >= own;
        await EFFECTS[effect]({ trx, ret, actor: automatic ? system : actor, input, automatic, now });
      }

      const at = now.toISOString();
      const updated = await trx
        .updateTable("returns")
        .set({
          status: result.status,
          version: ret.version + 1,
          updated_at: at,
          ...(input.type === "reject" ? { reject_reason: input.reason.trim() } : {}),
        })
        .where("id", "=", ret.id)
        .where("status", "=", ret.status)
        .where("version", "=", ret.version)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1)
        throw new Refused({ code: "stale_version", status: ret.status, version: ret.version });

      const note = input.type === "reject" ? input.reason.trim() : "note" in input ? (input.note ?? "") : "";
      const actionName = result.approvedStep ? `approve_${result.approvedStep}` : input.type;
      await trx
        .insertInto("return_events")
        .values({
          return_id: ret.id,
          at,
          actor_account_id: actor.accountId,
          actor_name: actor.displayName ?? actor.name,
          actor_kind: actor.kind,
          action: actionName,
          from_status: ret.status,
          to_status: result.autoPassed.length ? statusOf(result.autoPassed[0]!) : result.status,
          note,
        })
        .execute();
      await writeAutoEvents(trx, ret.id, result.autoPassed, result.status, at);
      await moveQueueCount(trx, "returns", ret.region_id, ret.status, result.status);
      const payload = {
        number: ret.number,
        order: ret.order_number,
        from: ret.status,
        to: result.status,
        actor: actor.name,
        at,
      };
      await emitEvent(
        trx,
        {
          type: ACTION_EVENT[input.type],
          aggregateType: "return",
          aggregateId: ret.number,
          payload: { ...payload, step: result.approvedStep },
        },
        now,
      );
      await emitPipelineEvents(trx, ret.number, result.effects, result.status, payload, now);
      await recordAudit(
        trx,
        actor,
        {
          action: `return.${actionName}`,
          objectType: "return",
          objectId: ret.number,
          before: { status: ret.status, version: ret.version },
          after: {
            status: result.status,
            version: ret.version + 1,
            autoPassed: result.autoPassed,
            ...(input.type === "approve" && input.refund ? { refund: input.refund } : {}),
          },
        },
        now,
      );
      return { ok: true as const, number: ret.number, status: result.status, version: ret.version + 1 };
    });
  } catch (error) {
    if (error instanceof Refused) return { ok: false, ...error.error };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading, scoped
// ---------------------------------------------------------------------------------------------

export interface ReturnSummary {
  id: number;
  number: string;
  orderNumber: string;
  customer: { id: number; code: string; name: string };
  status: string;
  version: number;
  lineCount: number;
  requestedUnits: number;
  refundAmount: number | null;
  createdAt: string;
}

export interface ReturnListQuery {
  status?: string;
  orderNumber?: string;
  customerId?: number;
  /** Return number, order number, customer code or name contains this text. */
  q?: string;
  /** Created on or after / before these ISO instants. */
  from?: string;
  to?: string;
  /** Keyset cursor: the id of the last row of the previous page (newest first). */
  before?: number;
  limit: number;
}

/** Returns in scope, newest first, a page at a time (keyset on id). */
export async function listReturns(
  db: Kysely<DB>,
  scope: ReturnScope,
  query: ReturnListQuery,
): Promise<{ items: ReturnSummary[]; nextCursor: number | null }> {
  let qb = db
    .selectFrom("returns as r")
    .innerJoin("orders as o", "o.id", "r.order_id")
    .innerJoin("customers as c", "c.id", "r.customer_id")
    .select([
      "r.id",
      "r.number",
      "o.number as orderNumber",
      "c.id as customerId",
      "c.code as customerCode",
      "c.name as customerName",
      "r.status",
      "r.version",
      "r.refund_amount",
      "r.created_at",
      (eb) =>
        eb
          .selectFrom("return_lines as l")
          .select(eb.fn.countAll<number>().as("n"))
          .whereRef("l.return_id", "=", "r.id")
          .as("lineCount"),
      (eb) =>
        eb
          .selectFrom("return_lines as l")
          .select((inner) => inner.fn.sum<number>("l.requested_qty").as("u"))
          .whereRef("l.return_id", "=", "r.id")
          .as("requestedUnits"),
    ]);
  if (scope.kind === "customer") qb = qb.where("r.customer_id", "=", scope.customerId);
  else if (scope.grant.regionIds !== null) qb = qb.where("r.region_id", "in", regionList(scope.grant));
  if (query.status) qb = qb.where("r.status", "=", query.status);
  if (query.orderNumber) qb = qb.where("o.number", "=", query.orderNumber);
  if (query.customerId !== undefined) qb = qb.where("r.customer_id", "=", query.customerId);
  if (query.q?.trim()) qb = qb.where(containsText(["r.number", "o.number", "c.code", "c.name"], query.q));
  if (query.from) qb = qb.where("r.created_at", ">=", query.from);
  if (query.to) qb = qb.where("r.created_at", "<", query.to);
  if (query.before) qb = qb.where("r.id", "<", query.before);
  const rows = await qb
    .orderBy("r.id", "desc")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      number: r.number,
      orderNumber: r.orderNumber,
      customer: { id: r.customerId, code: r.customerCode, name: r.customerName },
      status: r.status,
      version: r.version,
      lineCount: Number(r.lineCount),
      requestedUnits: Number(r.requestedUnits ?? 0),
      refundAmount: r.refund_amount === null ? null : Number(r.refund_amount),
      createdAt: r.created_at,
    })),
    nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
  };
}

export interface ReturnDetail extends ReturnSummary {
  orderId: number;
  /** Positions of the photos attached, in order (served by getReturnPhoto). */
  photos: number[];
  note: string;
  rejectReason: string;
  shipment: { carrier: string; trackingNo: string; dropOff: boolean; at: string | null };
  warehouseId: number | null;
  receivedAt: string | null;
  refundReason: string;
  refundedAt: string | null;
  createdBy: string;
  lines: Array<{
    id: number;
    orderLineId: number;
    skuCode: string;
    productName: string;
    requested: number;
    approved: number | null;
    received: number | null;
    /** Approved but not received: recorded, not hidden. */
    shortfall: number | null;
    disposition: Disposition | null;
    reason: ReturnReason;
    note: string;
    unitPaid: number;
    refundAmount: number | null;
  }>;
  timeline: Array<{
    at: string;
    actorName: string;
    actorKind: string;
    action: string;
    fromStatus: string | null;
    toStatus: string;
    note: string;
  }>;
}

/** One return with lines and timeline; null when it does not exist for this scope. */
export async function getReturn(db: Kysely<DB>, scope: ReturnScope, number: string): Promise<ReturnDetail | null> {
  let qb = db
    .selectFrom("returns as r")
    .innerJoin("orders as o", "o.id", "r.order_id")
    .innerJoin("customers as c", "c.id", "r.customer_id")
    .selectAll("r")
    .select(["o.number as order_number", "c.code as customer_code", "c.name as customer_name"])
    .where("r.number", "=", number);
  if (scope.kind === "customer") qb = qb.where("r.customer_id", "=", scope.customerId);
  else if (scope.grant.regionIds !== null) qb = qb.where("r.region_id", "in", regionList(scope.grant));
  const r = await qb.executeTakeFirst();
  if (!r) return null;
  const [lines, events, photos] = await Promise.all([
    returnLines(db, r.id),
    db.selectFrom("return_events").selectAll().where("return_id", "=", r.id).orderBy("id").execute(),
    db.selectFrom("return_photos").select("position").where("return_id", "=", r.id).orderBy("position").execute(),
  ]);
  return {
    id: r.id,
    orderId: r.order_id,
    photos: photos.map((p) => p.position),
    number: r.number,
    orderNumber: r.order_number,
    customer: { id: r.customer_id, code: r.customer_code, name: r.customer_name },
    status: r.status,
    version: r.version,
    lineCount: lines.length,
    requestedUnits: lines.reduce((s, l) => s + l.requested_qty, 0),
    refundAmount: r.refund_amount === null ? null : Number(r.refund_amount),
    createdAt: r.created_at,
    note: r.note,
    rejectReason: r.reject_reason,
    shipment: { carrier: r.carrier, trackingNo: r.tracking_no, dropOff: r.drop_off === 1, at: r.shipped_back_at },
    warehouseId: r.warehouse_id,
    receivedAt: r.received_at,
    refundReason: r.refund_reason,
    refundedAt: r.refunded_at,
    createdBy: r.created_by_name,
    lines: lines.map((l) => ({
      id: l.id,
      orderLineId: l.order_line_id,
      skuCode: l.sku_code,
      productName: l.product_name,
      requested: l.requested_qty,
      approved: l.approved_qty,
      received: l.received_qty,
      shortfall: l.approved_qty !== null && l.received_qty !== null ? l.approved_qty - l.received_qty : null,
      disposition: l.disposition,
      reason: l.reason,
      note: l.note,
      unitPaid: Number(l.unit_paid),
      refundAmount: l.refund_amount === null ? null : Number(l.refund_amount),
    })),
    timeline: events.map((e) => ({
      at: e.at,
      actorName: e.actor_name,
      actorKind: e.actor_kind,
      action: e.action,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      note: e.note,
    })),
  };
}

/** A photo of a return for whoever may see the return (its customer, staff in its region); else null. */
export async function getReturnPhoto(
  db: Kysely<DB>,
  scope: ReturnScope,
  number: string,
  position: number,
  variant: "full" | "thumb",
): Promise<{ sha256: string; contentType: string; bytes: Uint8Array } | null> {
  let qb = db
    .selectFrom("return_photos as p")
    .innerJoin("returns as r", "r.id", "p.return_id")
    .innerJoin("images as i", "i.id", "p.image_id")
    .select(["i.sha256", "i.content_type", variant === "thumb" ? "i.thumb as data" : "i.bytes as data"])
    .where("r.number", "=", number)
    .where("p.position", "=", position);
  if (scope.kind === "customer") qb = qb.where("r.customer_id", "=", scope.customerId);
  else if (scope.grant.regionIds !== null) qb = qb.where("r.region_id", "in", regionList(scope.grant));
  const row = await qb.executeTakeFirst();
  if (!row) return null;
  return { sha256: row.sha256, contentType: variant === "thumb" ? "image/webp" : row.content_type, bytes: row.data };
}

/**
 * The returns of one order (already scope-checked by the caller's order read) and, per order
 * line, the units claimed by live returns and the units received back — for the order's pages.
 */
export async function returnsOfOrder(
  db: Kysely<DB>,
  orderId: number,
): Promise<{
  returns: Array<{ number: string; status: string; createdAt: string; units: number; refundAmount: number | null }>;
  byLine: Record<number, { claimed: number; received: number }>;
}> {
  const [returns, lines] = await Promise.all([
    db
      .selectFrom("returns as r")
      .select([
        "r.number",
        "r.status",
        "r.created_at",
        "r.refund_amount",
        (eb) =>
          eb
            .selectFrom("return_lines as l")
            .select((inner) => inner.fn.sum<number>("l.requested_qty").as("u"))
            .whereRef("l.return_id", "=", "r.id")
            .as("units"),
      ])
      .where("r.order_id", "=", orderId)
      .orderBy("r.id")
      .execute(),
    db
      .selectFrom("return_lines as l")
      .innerJoin("returns as r", "r.id", "l.return_id")
      .select(["l.order_line_id", "l.requested_qty", "l.approved_qty", "l.received_qty"])
      .where("r.order_id", "=", orderId)
      .where("r.status", "not in", [...RETURN_VOID_STATUSES])
      .execute(),
  ]);
  const byLine: Record<number, { claimed: number; received: number }> = {};
  for (const l of lines) {
    const entry = byLine[l.order_line_id] ?? { claimed: 0, received: 0 };
    byLine[l.order_line_id] = entry;
    entry.claimed += claimedBy({ requested: l.requested_qty, approved: l.approved_qty });
    entry.received += l.received_qty ?? 0;
  }
  return {
    returns: returns.map((r) => ({
      number: r.number,
      status: r.status,
      createdAt: r.created_at,
      units: Number(r.units ?? 0),
      refundAmount: r.refund_amount === null ? null : Number(r.refund_amount),
    })),
    byLine,
  };
}

export interface ReturnsReport {
  byReason: Array<{ reason: ReturnReason; lines: number; units: number }>;
  byDisposition: Array<{ disposition: Disposition; units: number }>;
  byProduct: Array<{
    skuCode: string;
    productName: string;
    units: number;
    received: number;
    reasons: Partial<Record<ReturnReason, number>>;
  }>;
}

/**
 * Returns by reason and by product (units requested in live returns; dispositions of units
 * received) within scope and an optional creation period — the console's small returns report.
 */
export async function returnsReport(
  db: Kysely<DB>,
  scope: ReturnScope,
  period: { from?: string; to?: string },
  topProducts = 20,
): Promise<ReturnsReport> {
  let qb = db
    .selectFrom("return_lines as l")
    .innerJoin("returns as r", "r.id", "l.return_id")
    .select([
      "l.sku_code",
      "l.product_name",
      "l.reason",
      "l.disposition",
      (eb) => eb.fn.countAll<number>().as("lines"),
      (eb) => eb.fn.sum<number>("l.requested_qty").as("units"),
      (eb) => eb.fn.sum<number>(eb.fn.coalesce("l.received_qty", eb.lit(0))).as("received"),
    ])
    .where("r.status", "not in", [...RETURN_VOID_STATUSES])
    .groupBy(["l.sku_code", "l.product_name", "l.reason", "l.disposition"]);
  if (scope.kind === "customer") qb = qb.where("r.customer_id", "=", scope.customerId);
  else if (scope.grant.regionIds !== null) qb = qb.where("r.region_id", "in", regionList(scope.grant));
  if (period.from) qb = qb.where("r.created_at", ">=", period.from);
  if (period.to) qb = qb.where("r.created_at", "<", period.to);
  const rows = await qb.execute();

  const reasons = new Map<ReturnReason, { lines: number; units: number }>();
  const dispositions = new Map<Disposition, number>();
  const products = new Map<string, ReturnsReport["byProduct"][number]>();
  for (const row of rows) {
    const units = Number(row.units ?? 0);
    const received = Number(row.received ?? 0);
    const reason = reasons.get(row.reason) ?? { lines: 0, units: 0 };
    reason.lines += Number(row.lines);
    reason.units += units;
    reasons.set(row.reason, reason);
    if (row.disposition) dispositions.set(row.disposition, (dispositions.get(row.disposition) ?? 0) + received);
    const product = products.get(row.sku_code) ?? {
      skuCode: row.sku_code,
      productName: row.product_name,
      units: 0,
      received: 0,
      reasons: {},
    };
    product.units += units;
    product.received += received;
    product.reasons[row.reason] = (product.reasons[row.reason] ?? 0) + units;
    products.set(row.sku_code, product);
  }
  return {
    byReason: RETURN_REASONS.map((reason) => ({ reason, ...(reasons.get(reason) ?? { lines: 0, units: 0 }) })),
    byDisposition: DISPOSITIONS.map((disposition) => ({ disposition, units: dispositions.get(disposition) ?? 0 })),
    byProduct: [...products.values()]
      .sort((a, b) => b.units - a.units || a.skuCode.localeCompare(b.skuCode))
      .slice(0, topProducts),
  };
}

/**
 * Every return line matching a list query, one row per line, read a page at a time by keyset
 * so an export streams in constant memory.
 */
export async function* returnExportRows(
  db: Kysely<DB>,
  scope: ReturnScope,
  query: Omit<ReturnListQuery, "before" | "limit">,
  pageSize = 500,
) {
  let before: number | undefined;
  for (;;) {
    const page = await listReturns(db, scope, { ...query, before, limit: pageSize });
    if (!page.items.length) return;
    const lines = await db
      .selectFrom("return_lines")
      .selectAll()
      .where(
        "return_id",
        "in",
        page.items.map((r) => r.id),
      )
      .orderBy("return_id", "desc")
      .orderBy("position")
      .execute();
    const byReturn = new Map<number, typeof lines>();
    for (const line of lines) byReturn.set(line.return_id, [...(byReturn.get(line.return_id) ?? []), line]);
    for (const r of page.items)
      for (const line of byReturn.get(r.id) ?? [])
        yield {
          number: r.number,
          orderNumber: r.orderNumber,
          customerCode: r.customer.code,
          customerName: r.customer.name,
          status: r.status,
          createdAt: r.createdAt,
          skuCode: line.sku_code,
          productName: line.product_name,
          reason: line.reason,
          note: line.note,
          requested: line.requested_qty,
          approved: line.approved_qty,
          received: line.received_qty,
          disposition: line.disposition,
          unitPaid: Number(line.unit_paid),
          refundAmount: line.refund_amount === null ? null : Number(line.refund_amount),
        };
    if (page.nextCursor === null) return;
    before = page.nextCursor;
  }
}
