import { type Kysely, sql } from "kysely";
import { forUpdate } from "../../db/locking";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";
import { formatDocumentNumber, sequenceKey } from "../domain/document-number";
import {
  mayAct,
  ORDER_PIPELINE,
  type OrderAction,
  type OrderEffect,
  type Actor as PipelineActor,
  transitionOrder,
} from "../domain/order-pipeline";
import type { StaffGrant } from "../domain/permissions";
import { isEnabled } from "../domain/pipeline-engine";
import { getEnv } from "../env.server";
import { type Actor, recordAudit } from "./audit.server";
import { availableToSpend, chargeOrder, refundOrder } from "./funds.server";
import { appendOrderEvent } from "./order-timeline.server";
import { emitEvent } from "./outbox.server";
import { moveQueueCount } from "./queue-counters.server";
import { orderByNumberIn } from "./scope.server";
import { nextInSequence } from "./sequences.server";
import { getSettings } from "./settings.server";
import { PermissionDeniedError } from "./staff-actor.server";
import { recordStockMovement } from "./stock.server";

/** Who acts on an order: a staff member (with grant), the order's customer, or the system sweep. */
export type OrderActor =
  | (Actor & { kind: "staff"; grant: StaffGrant })
  | (Actor & { kind: "customer"; customerId: number })
  | (Actor & { kind: "system" });

export type ShipmentInput = { carrier: string; trackingNo: string } | { selfPickup: true };

export type OrderActionInput =
  | {
      type: "approve";
      version: number;
      note?: string;
      shipment?: ShipmentInput;
      warehouseId?: number;
      payment?: PaymentChoice;
    }
  | { type: "send_back"; version: number; reason: string }
  | { type: "void"; version: number; reason: string }
  | { type: "resubmit"; version: number; note?: string }
  | { type: "cancel"; version: number }
  | { type: "confirm_receipt"; version: number; note?: string };

/** How finance review settles an order; `auto` charges the customer's funds in the default order. */
export type PaymentChoice = {
  method: "auto" | "prepaid" | "rebate_and_prepaid" | "credit" | "offline";
  reference?: string;
  overrideReason?: string;
};

export type OrderActionError =
  | { code: "not_found" }
  | { code: "not_permitted" }
  | { code: "already_handled"; status: string; by: string | null; at: string | null }
  | { code: "stale_version"; status: string; version: number }
  | { code: "reason_required" }
  | { code: "shipment_required" }
  | { code: "insufficient_stock"; skuCode: string; available: number }
  | { code: "insufficient_funds"; available: number; payable: number }
  | { code: "step_disabled" };

export type OrderActionResult =
  | { ok: true; number: string; status: string; version: number }
  | ({ ok: false } & OrderActionError);

/** Thrown inside the transaction to roll it back, carried out as a result. */
class Refused extends Error {
  constructor(readonly error: OrderActionError) {
    super(error.code);
  }
}

type Trx = Kysely<DB>;

interface LoadedOrder {
  id: number;
  number: string;
  status: string;
  version: number;
  customer_id: number;
  region_id: number;
  reserved: number;
  paid_amount: number;
  payable: number;
  warehouse_id: number | null;
  default_warehouse_id: number | null;
}

/** What an action reads of the order it acts on: its state, money and warehouse, and its customer's default warehouse. */
const ACTED_ON_COLUMNS = [
  "o.id",
  "o.number",
  "o.status",
  "o.version",
  "o.customer_id",
  "o.region_id",
  "o.reserved",
  "o.paid_amount",
  "o.payable",
  "o.warehouse_id",
  "c.default_warehouse_id",
] as const;

/** An order with its customer's default warehouse, by number in a scope, locked on PostgreSQL. */
const orderForUpdateIn = orderByNumberIn((db, number) =>
  forUpdate(
    db,
    db
      .selectFrom("orders as o")
      .innerJoin("customers as c", "c.id", "o.customer_id")
      .select(ACTED_ON_COLUMNS)
      .where("o.number", "=", number),
  ),
);

async function loadForUpdate(trx: Trx, number: string, actor: OrderActor): Promise<LoadedOrder | null> {
  // Another customer's order, or one outside a staff member's regions, does not exist for them.
  const row = await orderForUpdateIn(
    trx,
    number,
    actor.kind === "customer"
      ? { customerId: actor.customerId }
      : actor.kind === "staff"
        ? { regionIds: actor.grant.regionIds }
        : {},
  );
  return row ? { ...row, paid_amount: Number(row.paid_amount), payable: Number(row.payable) } : null;
}

const toPipelineActor = (actor: OrderActor): PipelineActor =>
  actor.kind === "staff" ? { kind: "staff", permissions: actor.grant.permissions } : { kind: actor.kind };

type OrderLineRef = { sku_id: number; sku_code: string; quantity: number };
// An order's lines never change while it moves through the pipeline: one action reads them once,
// however many of its effects and checks ask (an approval read them four times, issue 9).
const linesRead = new WeakMap<LoadedOrder, Promise<OrderLineRef[]>>();

const lineRefs = prepared((db: Kysely<DB>, p: { orderId: number }) =>
  db
    .selectFrom("order_lines")
    .select(["sku_id", "sku_code", "quantity"])
    .where("order_id", "=", p.orderId)
    .orderBy("position"),
);

function lines(trx: Trx, order: LoadedOrder): Promise<OrderLineRef[]> {
  let read = linesRead.get(order);
  if (!read) {
    read = lineRefs.execute(trx, { orderId: order.id });
    linesRead.set(order, read);
  }
  return read;
}

const stockInActiveWarehouses = prepared((db: Kysely<DB>, p: { skuIds: number[] }) =>
  db
    .selectFrom("warehouses as w")
    .leftJoin("stock as s", (join) => join.onRef("s.warehouse_id", "=", "w.id").on("s.sku_id", "in", p.skuIds))
    .select(["w.id", "s.sku_id", "s.on_hand", "s.reserved"])
    .where("w.active", "=", 1)
    .orderBy("w.id"),
);

/**
 * The warehouse an order draws from: the one chosen at outbound, else the order's, else the
 * customer's default, else the active warehouse that best covers the lines.
 */
async function warehouseFor(trx: Trx, order: LoadedOrder, chosen?: number): Promise<number> {
  const id = chosen ?? order.warehouse_id ?? order.default_warehouse_id;
  if (id) return id;
  const orderLines = await lines(trx, order);
  const rows = await stockInActiveWarehouses.execute(trx, { skuIds: orderLines.map((l) => l.sku_id) });
  if (!rows.length)
    throw new Refused({ code: "insufficient_stock", skuCode: orderLines[0]?.sku_code ?? "", available: 0 });
  let best = rows[0]!.id;
  let bestScore = -1;
  for (const warehouseId of new Set(rows.map((r) => r.id))) {
    // Lines fully covered first, then units available.
    const available = new Map(
      rows
        .filter((r) => r.id === warehouseId && r.sku_id !== null)
        .map((r) => [r.sku_id!, Number(r.on_hand) - Number(r.reserved)]),
    );
    const covered = orderLines.filter((l) => (available.get(l.sku_id) ?? 0) >= l.quantity).length;
    const units = orderLines.reduce(
      (sum, l) => sum + Math.min(Math.max(available.get(l.sku_id) ?? 0, 0), l.quantity),
      0,
    );
    const score = covered * 1_000_000_000 + units;
    if (score > bestScore) {
      best = warehouseId;
      bestScore = score;
    }
  }
  return best;
}

/** Available (on hand − reserved) per SKU in one warehouse. */
async function availableIn(trx: Trx, warehouseId: number, skuIds: number[]) {
  if (!skuIds.length) return new Map<number, number>();
  const rows = await trx
    .selectFrom("stock")
    .select(["sku_id", "on_hand", "reserved"])
    .where("warehouse_id", "=", warehouseId)
    .where("sku_id", "in", skuIds)
    .execute();
  return new Map(rows.map((r) => [r.sku_id, Number(r.on_hand) - Number(r.reserved)]));
}

/**
 * Changes the reserved units of several SKUs in one warehouse: one insert of missing stock rows,
 * one read of the rows (locked, in SKU order, so two orders sharing SKUs never deadlock on
 * PostgreSQL), then one update of them all. Returns each SKU's units on hand and reserved before.
 */
async function changeReservations(trx: Trx, warehouseId: number, deltas: Map<number, number>) {
  const skuIds = [...deltas.keys()].sort((a, b) => a - b);
  const before = new Map<number, { onHand: number; reservedBefore: number }>();
  if (!skuIds.length) return before;
  await insertMissingStock.executeWrite(trx, { warehouseId, skuIds });
  const rows = await stockForUpdate.execute(trx, { warehouseId, skuIds });
  const reservedAfter = new Map<number, number>();
  for (const row of rows) {
    const reserved = Number(row.reserved) + deltas.get(row.sku_id)!;
    if (reserved < 0) throw new Error(`reservation would drop below zero for sku ${row.sku_id}`);
    reservedAfter.set(row.sku_id, reserved);
    before.set(row.sku_id, { onHand: Number(row.on_hand), reservedBefore: Number(row.reserved) });
  }
  if (!reservedAfter.size) return before;
  await setReserved.executeWrite(trx, {
    warehouseId,
    skuIds: [...reservedAfter.keys()],
    reserved: [...reservedAfter.values()],
  });
  return before;
}

const insertMissingStock = prepared((db: Kysely<DB>, p: { warehouseId: number; skuIds: number[] }) =>
  db
    .insertInto("stock")
    .values(p.skuIds.map((skuId) => ({ sku_id: skuId, warehouse_id: p.warehouseId, on_hand: 0, reserved: 0 })))
    .onConflict((oc) => oc.columns(["sku_id", "warehouse_id"]).doNothing()),
);

const stockForUpdate = prepared((db: Kysely<DB>, p: { warehouseId: number; skuIds: number[] }) =>
  forUpdate(
    db,
    db
      .selectFrom("stock")
      .select(["sku_id", "on_hand", "reserved"])
      .where("warehouse_id", "=", p.warehouseId)
      .where("sku_id", "in", p.skuIds)
      .orderBy("sku_id"),
  ),
);

// One statement for every SKU (a 5-line order was 5 updates; issue 9). The cast types the
// parameter for PostgreSQL, which would otherwise read a CASE of bare parameters as text.
const setReserved = prepared((db: Kysely<DB>, p: { warehouseId: number; skuIds: number[]; reserved: number[] }) =>
  db
    .updateTable("stock")
    .set({
      reserved: sql<number>`case ${sql.ref("sku_id")} ${sql.join(
        p.skuIds.map((skuId, i) => sql`when ${skuId} then cast(${p.reserved[i]} as integer)`),
        sql` `,
      )} end`,
    })
    .where("warehouse_id", "=", p.warehouseId)
    .where("sku_id", "in", p.skuIds),
);

async function changeReservation(trx: Trx, skuId: number, warehouseId: number, delta: number) {
  await trx
    .insertInto("stock")
    .values({ sku_id: skuId, warehouse_id: warehouseId, on_hand: 0, reserved: 0 })
    .onConflict((oc) => oc.columns(["sku_id", "warehouse_id"]).doNothing())
    .execute();
  const row = await forUpdate(
    trx,
    trx
      .selectFrom("stock")
      .select(["on_hand", "reserved"])
      .where("sku_id", "=", skuId)
      .where("warehouse_id", "=", warehouseId),
  ).executeTakeFirstOrThrow();
  const reserved = Number(row.reserved) + delta;
  if (reserved < 0) throw new Error(`reservation would drop below zero for sku ${skuId}`);
  await trx
    .updateTable("stock")
    .set({ reserved })
    .where("sku_id", "=", skuId)
    .where("warehouse_id", "=", warehouseId)
    .execute();
  return { onHand: Number(row.on_hand), reservedBefore: Number(row.reserved) };
}

const addReservations = prepared(
  (db: Kysely<DB>, p: { orderId: number; warehouseId: number; skuIds: number[]; quantities: number[] }) =>
    db
      .insertInto("order_reservations")
      .values(
        p.skuIds.map((skuId, i) => ({
          order_id: p.orderId,
          sku_id: skuId,
          warehouse_id: p.warehouseId,
          quantity: p.quantities[i]!,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(["order_id", "sku_id", "warehouse_id"])
          .doUpdateSet((eb) => ({ quantity: eb("order_reservations.quantity", "+", eb.ref("excluded.quantity")) })),
      ),
);

const markReserved = prepared((db: Kysely<DB>, p: { orderId: number; warehouseId: number }) =>
  db.updateTable("orders").set({ reserved: 1, warehouse_id: p.warehouseId }).where("id", "=", p.orderId),
);

interface EffectContext {
  trx: Trx;
  order: LoadedOrder;
  actor: OrderActor;
  input: OrderActionInput;
  allowOverselling: boolean;
  now: Date;
  /** Set when the step runs without a person (switched off). */
  automatic: boolean;
}

const EFFECTS: Record<OrderEffect, (ctx: EffectContext) => Promise<void>> = {
  async reserve_stock({ trx, order, input, allowOverselling }) {
    const warehouseId = await warehouseFor(trx, order, input.type === "approve" ? input.warehouseId : undefined);
    // Units per SKU: a SKU on two lines is reserved, checked and recorded once, for both.
    const wanted = new Map<number, { quantity: number; skuCode: string }>();
    for (const line of await lines(trx, order)) {
      const entry = wanted.get(line.sku_id);
      if (entry) entry.quantity += line.quantity;
      else wanted.set(line.sku_id, { quantity: line.quantity, skuCode: line.sku_code });
    }
    const stock = await changeReservations(
      trx,
      warehouseId,
      new Map([...wanted].map(([skuId, w]) => [skuId, w.quantity])),
    );
    for (const [skuId, w] of wanted) {
      const { onHand, reservedBefore } = stock.get(skuId)!;
      if (!allowOverselling && onHand - reservedBefore < w.quantity) {
        throw new Refused({
          code: "insufficient_stock",
          skuCode: w.skuCode,
          available: Math.max(onHand - reservedBefore, 0),
        });
      }
    }
    if (wanted.size) {
      await addReservations.executeWrite(trx, {
        orderId: order.id,
        warehouseId,
        skuIds: [...wanted.keys()],
        quantities: [...wanted.values()].map((w) => w.quantity),
      });
    }
    await markReserved.executeWrite(trx, { orderId: order.id, warehouseId });
    order.reserved = 1;
    order.warehouse_id = warehouseId;
  },

  async release_stock({ trx, order }) {
    const reservations = await trx
      .selectFrom("order_reservations")
      .selectAll()
      .where("order_id", "=", order.id)
      .execute();
    for (const r of reservations) await changeReservation(trx, r.sku_id, r.warehouse_id, -r.quantity);
    await trx.deleteFrom("order_reservations").where("order_id", "=", order.id).execute();
    await trx.updateTable("orders").set({ reserved: 0 }).where("id", "=", order.id).execute();
    order.reserved = 0;
  },

  async charge_payment(ctx) {
    await chargeOrderPayment(ctx);
  },

  async refund_payment(ctx) {
    await refundOrderPayment(ctx);
  },

  async ship_out({ trx, order, input, actor, now }) {
    const chosen = input.type === "approve" ? input.warehouseId : undefined;
    const warehouseId = await warehouseFor(trx, order, chosen);
    const reservations = await trx
      .selectFrom("order_reservations")
      .selectAll()
      .where("order_id", "=", order.id)
      .execute();
    const reservedBySku = new Map<number, { warehouseId: number; quantity: number }[]>();
    for (const r of reservations)
      reservedBySku.set(r.sku_id, [
        ...(reservedBySku.get(r.sku_id) ?? []),
        { warehouseId: r.warehouse_id, quantity: r.quantity },
      ]);
    const key = sequenceKey("DH", now, getEnv().APP_TIMEZONE).replace(/^DH/, "CK");
    const seq = await nextInSequence(trx, key);
    const shipment = await trx
      .insertInto("shipments")
      .values({
        order_id: order.id,
        number: formatDocumentNumber(key, seq),
        warehouse_id: warehouseId,
        status: "outbound",
        outbound_at: now.toISOString(),
        outbound_by: actor.name,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const line of await lines(trx, order)) {
      // A reservation elsewhere (the warehouse was changed at outbound) is released first.
      let fromReservation = 0;
      for (const r of reservedBySku.get(line.sku_id) ?? []) {
        if (r.warehouseId === warehouseId) fromReservation += r.quantity;
        else await changeReservation(trx, line.sku_id, r.warehouseId, -r.quantity);
      }
      const result = await recordStockMovement(
        trx,
        {
          skuId: line.sku_id,
          warehouseId,
          kind: "outbound",
          delta: -line.quantity,
          reservedDelta: -Math.min(fromReservation, line.quantity),
          reason: "出库审核",
          refType: "order",
          refId: order.number,
          actor,
          allowBelowReserved: true,
        },
        now,
      );
      if (!result.ok)
        throw new Refused({ code: "insufficient_stock", skuCode: line.sku_code, available: result.onHand });
      await trx
        .insertInto("shipment_lines")
        .values({ shipment_id: shipment.id, sku_id: line.sku_id, quantity: line.quantity })
        .execute();
    }
    await trx.deleteFrom("order_reservations").where("order_id", "=", order.id).execute();
    await trx
      .updateTable("orders")
      .set({ reserved: 0, warehouse_id: warehouseId })
      .where("id", "=", order.id)
      .execute();
    order.reserved = 0;
  },

  async record_shipment({ trx, order, input, actor, now, automatic }) {
    const shipment = input.type === "approve" ? input.shipment : undefined;
    if (!shipment && !automatic) throw new Refused({ code: "shipment_required" });
    const details =
      shipment && "selfPickup" in shipment
        ? { self_pickup: 1 }
        : { carrier: shipment?.carrier ?? "", tracking_no: shipment?.trackingNo ?? "" };
    await trx
      .updateTable("shipments")
      .set({ ...details, status: "shipped", shipped_at: now.toISOString(), shipped_by: actor.name })
      .where("order_id", "=", order.id)
      .where("status", "=", "outbound")
      .execute();
    await trx.updateTable("orders").set({ shipped_at: now.toISOString() }).where("id", "=", order.id).execute();
  },

  async complete({ trx, order, now }) {
    await trx.updateTable("orders").set({ completed_at: now.toISOString() }).where("id", "=", order.id).execute();
  },
};

/**
 * Finance review (财务审核): settles the order from the customer's funds by the one split rule
 * (app/domain/funds.ts). "offline" matches a confirmed offline payment, which finance has
 * already credited to prepaid, so it pays from prepaid with the payment's reference.
 */
async function chargeOrderPayment({ trx, order, input, actor, now }: EffectContext): Promise<void> {
  const choice = input.type === "approve" ? input.payment : undefined;
  const method = choice?.method === "offline" ? "prepaid" : (choice?.method ?? "auto");
  if (order.payable > 0) {
    let result: Awaited<ReturnType<typeof chargeOrder>>;
    try {
      result = await chargeOrder(
        trx,
        {
          customerId: order.customer_id,
          orderId: order.id,
          orderNumber: order.number,
          amount: order.payable,
          method,
          overLimitReason: choice?.overrideReason ?? null,
        },
        { ...actor, grant: actor.kind === "staff" ? actor.grant : undefined },
        now,
      );
    } catch (error) {
      if (error instanceof PermissionDeniedError) throw new Refused({ code: "not_permitted" });
      throw error;
    }
    if (!result.ok && result.error !== "already_charged") {
      throw new Refused({ code: "insufficient_funds", available: result.available, payable: order.payable });
    }
  }
  const label =
    choice?.method === "offline" && choice.reference ? `offline:${choice.reference}` : (choice?.method ?? "auto");
  await trx
    .updateTable("orders")
    .set({ paid_amount: order.payable, payment_method: label })
    .where("id", "=", order.id)
    .execute();
  order.paid_amount = order.payable;
}

/** Void or cancel after payment: everything the order paid goes back where it came from. */
async function refundOrderPayment({ trx, order, input, actor, now }: EffectContext): Promise<void> {
  const reason = "reason" in input ? input.reason : "";
  const result = await refundOrder(
    trx,
    { customerId: order.customer_id, orderId: order.id, orderNumber: order.number, reason },
    { ...actor, grant: actor.kind === "staff" ? actor.grant : undefined },
    now,
  );
  if (!result.ok && result.error !== "nothing_to_refund")
    throw new Error(`refund of ${order.number} refused: ${result.error}`);
  await trx.updateTable("orders").set({ paid_amount: 0 }).where("id", "=", order.id).execute();
  order.paid_amount = 0;
}

/**
 * Whether a switched-off step's work can be done now without a person (DOMAIN §5). Only a
 * switched-off step is ever asked about: with every step on, nothing is read.
 */
async function autoPassable(
  trx: Trx,
  order: LoadedOrder,
  settings: { allowOverselling: boolean; orderSteps: Record<string, boolean> },
): Promise<Record<string, boolean>> {
  if (ORDER_PIPELINE.steps.every((step) => isEnabled(settings.orderSteps, step.key))) return {};
  const { allowOverselling } = settings;
  const warehouseId = await warehouseFor(trx, order).catch(() => null);
  const orderLines = await lines(trx, order);
  let stockSuffices = allowOverselling;
  if (!stockSuffices && warehouseId) {
    const available = await availableIn(
      trx,
      warehouseId,
      orderLines.map((l) => l.sku_id),
    );
    stockSuffices = orderLines.every((l) => (available.get(l.sku_id) ?? 0) >= l.quantity);
  }
  return {
    order_review: stockSuffices,
    // Funds suffice: prepaid + usable rebate + unused credit covers the order.
    finance_review: order.payable === 0 || (await availableToSpend(trx, order.customer_id)).available >= order.payable,
    // At outbound the goods are reserved already, unless order review was skipped without them.
    outbound_review: Boolean(warehouseId) && (order.reserved === 1 || stockSuffices),
    shipment: true,
    receipt: true,
  };
}

const ACTION_EVENT: Partial<Record<OrderAction["type"], string>> = {
  send_back: "order.sent_back",
  void: "order.voided",
  cancel: "order.cancelled",
  resubmit: "order.submitted",
};

/** The order's step moves on, only from the status and version the action was judged on. */
const moveStatus = prepared(
  (db: Kysely<DB>, p: { id: number; from: string; to: string; version: number; at: string }) =>
    db
      .updateTable("orders")
      .set({ status: p.to, version: sql`version + 1`, updated_at: p.at })
      .where("id", "=", p.id)
      .where("status", "=", p.from)
      .where("version", "=", p.version),
);

/**
 * Moves one order one step: checks who may act, compares (status, version), applies the
 * engine's effects, writes the timeline, counters, outbox and audit rows — all in one
 * transaction. The loser of a race is told who handled the order and when.
 */
export async function performOrderAction(
  db: Kysely<DB>,
  actor: OrderActor,
  number: string,
  input: OrderActionInput,
  now: Date,
): Promise<OrderActionResult> {
  const settings = await getSettings(db);
  try {
    return await db.transaction().execute(async (trx) => {
      const order = await loadForUpdate(trx, number, actor);
      if (!order) throw new Refused({ code: "not_found" });
      const state = { status: order.status, reserved: order.reserved === 1, paid: order.paid_amount > 0 };
      const action: OrderAction =
        input.type === "send_back" || input.type === "void"
          ? { type: input.type, reason: input.reason }
          : { type: input.type };
      // The order moved on since the actor saw it: say who handled it rather than judge a stale request.
      if (input.version !== order.version) {
        const last = await trx
          .selectFrom("order_events")
          .select(["actor_name", "at", "to_status"])
          .where("order_id", "=", order.id)
          .orderBy("id", "desc")
          .executeTakeFirst();
        throw new Refused(
          last && last.to_status === order.status
            ? { code: "already_handled", status: order.status, by: last.actor_name, at: last.at }
            : { code: "stale_version", status: order.status, version: order.version },
        );
      }
      if (!mayAct(toPipelineActor(actor), state, action.type)) {
        // A customer acting on a step that isn't theirs is simply not permitted; staff likewise.
        throw new Refused({ code: "not_permitted" });
      }
      const canAuto = await autoPassable(trx, order, settings);
      const result = transitionOrder(state, action, {
        enabled: settings.orderSteps,
        canAutoPass: (key) => canAuto[key] ?? false,
      });
      if (!result.ok) {
        if (result.refusal.code === "reason_required") throw new Refused({ code: "reason_required" });
        throw new Refused({ code: "already_handled", status: order.status, by: null, at: null });
      }

      // The approved step's effects run as the actor; auto-passed steps' effects run as the system.
      const own = result.approvedStep
        ? ORDER_PIPELINE.steps.find((s) => s.key === result.approvedStep)!.effects.length
        : result.effects.length;
      for (const [i, effect] of result.effects.entries()) {
        await EFFECTS[effect]({
          trx,
          order,
          actor,
          input,
          allowOverselling: settings.allowOverselling,
          now,
          automatic: i >= own || !result.approvedStep,
        });
      }

      const at = now.toISOString();
      const updated = await moveStatus.executeWrite(trx, {
        id: order.id,
        from: order.status,
        to: result.status,
        version: order.version,
        at,
      });
      if (Number(updated.numAffectedRows) !== 1)
        throw new Refused({ code: "stale_version", status: order.status, version: order.version });

      const note = "reason" in input ? input.reason : "note" in input ? (input.note ?? "") : "";
      const actionName = result.approvedStep ? `approve_${result.approvedStep}` : input.type;
      // Timeline: the person's action, then each step passed automatically.
      const steps = [
        {
          action: actionName,
          to: result.autoPassed.length
            ? ORDER_PIPELINE.steps.find((s) => s.key === result.autoPassed[0])!.status
            : result.status,
        },
      ];
      await appendOrderEvent(trx, {
        order_id: order.id,
        at,
        actor_account_id: actor.accountId,
        actor_name: actor.displayName ?? actor.name,
        actor_kind: actor.kind,
        action: actionName,
        from_status: order.status,
        to_status: result.autoPassed.length ? steps[0]!.to : result.status,
        note,
      });
      await appendAutoPassEvents(trx, order.id, result.autoPassed, result.status, at);
      const payload = { number: order.number, from: order.status, to: result.status, actor: actor.name, at };
      const event = ACTION_EVENT[input.type] ?? "order.step_approved";
      await emitEvent(
        trx,
        {
          type: event,
          aggregateType: "order",
          aggregateId: order.number,
          payload: { ...payload, step: result.approvedStep },
        },
        now,
      );
      if (result.effects.includes("record_shipment"))
        await emitEvent(
          trx,
          { type: "order.shipped", aggregateType: "order", aggregateId: order.number, payload },
          now,
        );
      if (result.status === "completed")
        await emitEvent(
          trx,
          { type: "order.completed", aggregateType: "order", aggregateId: order.number, payload },
          now,
        );
      await recordAudit(
        trx,
        actor,
        {
          action: `order.${actionName}`,
          objectType: "order",
          objectId: order.number,
          before: { status: order.status, version: order.version },
          after: { status: result.status, version: order.version + 1, autoPassed: result.autoPassed },
        },
        now,
      );
      // Last: every order of a region in this status shares the counter row, and on PostgreSQL its
      // lock is held from here to the commit.
      await moveQueueCount(trx, "orders", order.region_id, order.status, result.status);
      return { ok: true as const, number: order.number, status: result.status, version: order.version + 1 };
    });
  } catch (error) {
    if (error instanceof Refused) return { ok: false, ...error.error };
    throw error;
  }
}

/**
 * Routes a just-submitted (or resubmitted) order past the switched-off steps at the front of the
 * pipeline, e.g. with order review off straight to finance review, applying their work and
 * writing their timeline entries. Runs in the submission's transaction; returns the status.
 */
export async function routeSubmittedOrder(trx: Trx, orderId: number, now: Date): Promise<string> {
  const settings = await getSettings(trx);
  if (isEnabled(settings.orderSteps, "order_review")) return "pending_order_review";
  const row = await trx
    .selectFrom("orders as o")
    .innerJoin("customers as c", "c.id", "o.customer_id")
    .select(ACTED_ON_COLUMNS)
    .where("o.id", "=", orderId)
    .executeTakeFirstOrThrow();
  const order: LoadedOrder = { ...row, paid_amount: Number(row.paid_amount), payable: Number(row.payable) };
  const canAuto = await autoPassable(trx, order, settings);
  const result = transitionOrder(
    { status: "new", reserved: false, paid: false },
    { type: "submit" },
    { enabled: settings.orderSteps, canAutoPass: (key) => canAuto[key] ?? false },
  );
  if (!result.ok || !result.autoPassed.length) return ORDER_PIPELINE.steps[0]!.status;
  const system: OrderActor = { accountId: null, name: "system", kind: "system" };
  for (const effect of result.effects) {
    await EFFECTS[effect]({
      trx,
      order,
      actor: system,
      input: { type: "resubmit", version: order.version },
      allowOverselling: settings.allowOverselling,
      now,
      automatic: true,
    });
  }
  await appendAutoPassEvents(trx, order.id, result.autoPassed, result.status, now.toISOString());
  await trx.updateTable("orders").set({ status: result.status }).where("id", "=", order.id).execute();
  return result.status;
}

const statusOf = (key: string) => ORDER_PIPELINE.steps.find((s) => s.key === key)!.status;

/** One system timeline entry per step passed automatically, each ending where the next begins. */
async function appendAutoPassEvents(
  trx: Trx,
  orderId: number,
  autoPassed: readonly string[],
  finalStatus: string,
  at: string,
): Promise<void> {
  for (const [i, key] of autoPassed.entries()) {
    const next = autoPassed[i + 1];
    await appendOrderEvent(trx, {
      order_id: orderId,
      at,
      actor_account_id: null,
      actor_name: "system",
      actor_kind: "system",
      action: `auto_${key}`,
      from_status: statusOf(key),
      to_status: next ? statusOf(next) : finalStatus,
      note: "",
    });
  }
}
