import type { Kysely, Selectable } from "kysely";
import { isUniqueViolation } from "../../db/errors";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";
import { formatDocumentNumber, sequenceKey } from "../domain/document-number";
import type { OrderStatus } from "../domain/pipelines";
import { getEnv } from "../env.server";
import { type Actor, recordAudit } from "./audit.server";
import { findByIdempotencyKey, hashRequest } from "./idempotency.server";
import { type CheckedLine, checkLines, type LineRequest } from "./order-lines.server";
import { routeSubmittedOrder } from "./order-pipeline.server";
import { appendOrderEvent } from "./order-timeline.server";
import { emitEvent } from "./outbox.server";
import { moveQueueCount } from "./queue-counters.server";
import { orderByNumberIn } from "./scope.server";
import { nextInSequence } from "./sequences.server";
import { getSettings } from "./settings.server";

/** Where a submitted order waits first. The pipeline engine (order review on/off) decides later steps. */
const INITIAL_STATUS: OrderStatus = "pending_order_review";

export { CUSTOMER_CANCELLABLE } from "../domain/order-pipeline";

export interface SubmitOrderInput {
  customerId: number;
  idempotencyKey: string;
  lines: LineRequest[];
  /** One of the customer's saved addresses, or `address` typed at checkout, or the customer's main address. */
  addressId?: number | null;
  address?: DeliveryAddress | null;
  requestedDeliveryDate?: string | null;
  remark?: string;
  contractNo?: string;
}

export interface DeliveryAddress {
  contactName: string;
  phone: string;
  address: string;
}

export type SubmitOrderResult =
  | {
      ok: true;
      order: { id: number; number: string; status: string };
      replayed: boolean;
      /**
       * The new order as `getOrder` reads it, built from the rows the insert returned, when it
       * stayed at its first step (nothing else has touched it): the API answers with it instead of
       * reading the order back. Absent on a replay and when switched-off steps moved it on.
       */
      detail?: OrderDetail;
    }
  | { ok: false; error: "invalid_lines"; lines: CheckedLine[] }
  | { ok: false; error: "no_lines" | "address_not_found" | "customer_inactive" | "idempotency_key_reused" };

export interface ActorWithKind extends Actor {
  kind: "staff" | "customer";
}

function requestHash(input: SubmitOrderInput): string {
  const canonical = {
    customerId: input.customerId,
    lines: input.lines.map((l) => [l.skuCode.trim(), l.quantity]),
    addressId: input.addressId ?? null,
    address: input.address ?? null,
    requestedDeliveryDate: input.requestedDeliveryDate ?? null,
    remark: input.remark ?? "",
    contractNo: input.contractNo ?? "",
  };
  return hashRequest(canonical);
}

function replay(
  existing: { id: number; number: string; status: string; request_hash: string },
  hash: string,
): SubmitOrderResult {
  if (existing.request_hash !== hash) return { ok: false, error: "idempotency_key_reused" };
  return { ok: true, order: { id: existing.id, number: existing.number, status: existing.status }, replayed: true };
}

/**
 * Submits an order (订货单) for a customer, by the customer or by staff on its behalf (代下单).
 * The idempotency key makes a double click or a retry yield the same one order; the same key
 * with another body is refused.
 */
/**
 * Lines of one SKU become one line with the summed quantity: an order holds a SKU once, as its
 * reservations and shipment records do (the cart already merges; the API and imports may not).
 */
function mergeSameSku(lines: readonly LineRequest[]): LineRequest[] {
  const merged = new Map<string, LineRequest>();
  for (const line of lines) {
    const code = line.skuCode.trim();
    const seen = merged.get(code);
    if (seen) seen.quantity += line.quantity;
    else merged.set(code, { ...line, skuCode: code });
  }
  return [...merged.values()];
}

const customerForOrder = prepared((db: Kysely<DB>, p: { id: number }) =>
  db
    .selectFrom("customers")
    .select(["id", "code", "name", "region_id", "active", "contact_name", "phone", "address"])
    .where("id", "=", p.id),
);

type NewOrderRow = Omit<
  Selectable<DB["orders"]>,
  "id" | "version" | "warehouse_id" | "reserved" | "paid_amount" | "payment_method" | "shipped_at" | "completed_at"
>;
const insertOrder = prepared((db: Kysely<DB>, p: NewOrderRow) =>
  db
    .insertInto("orders")
    .values({
      number: p.number,
      customer_id: p.customer_id,
      region_id: p.region_id,
      status: p.status,
      idempotency_key: p.idempotency_key,
      request_hash: p.request_hash,
      address_json: p.address_json,
      requested_delivery_date: p.requested_delivery_date,
      remark: p.remark,
      contract_no: p.contract_no,
      goods_amount: p.goods_amount,
      freight: p.freight,
      discount: p.discount,
      payable: p.payable,
      placed_by_account_id: p.placed_by_account_id,
      created_at: p.created_at,
      updated_at: p.updated_at,
    })
    .returning(ORDER_HEADER_COLUMNS),
);

export async function submitOrder(
  db: Kysely<DB>,
  actor: ActorWithKind,
  input: SubmitOrderInput,
  now: Date,
): Promise<SubmitOrderResult> {
  const hash = requestHash(input);
  // A key already used answers with its order (or 409) whatever else is wrong with the request
  // now. A new order does not pay for a lookup before its checks: the transaction looks the key up
  // under the write lock anyway, and a refusal looks it up here first (issue 9).
  const refuse = async (refusal: Extract<SubmitOrderResult, { ok: false }>): Promise<SubmitOrderResult> => {
    const earlier = await findByIdempotencyKey(db, "orders", input.customerId, input.idempotencyKey);
    return earlier ? replay(earlier, hash) : refusal;
  };
  if (!input.lines.length) return refuse({ ok: false, error: "no_lines" });

  const customer = await customerForOrder.executeTakeFirst(db, { id: input.customerId });
  if (customer?.active !== 1) return refuse({ ok: false, error: "customer_inactive" });

  let address: DeliveryAddress = input.address ?? {
    contactName: customer.contact_name,
    phone: customer.phone,
    address: customer.address,
  };
  if (input.addressId != null) {
    const row = await db
      .selectFrom("customer_addresses")
      .select(["contact_name", "phone", "address"])
      .where("id", "=", input.addressId)
      .where("customer_id", "=", input.customerId)
      .executeTakeFirst();
    if (!row) return refuse({ ok: false, error: "address_not_found" });
    address = { contactName: row.contact_name, phone: row.phone, address: row.address };
  }

  const settings = await getSettings(db);
  const checked = await checkLines(db, input.customerId, mergeSameSku(input.lines), settings);
  if (checked.some((l) => l.problem)) return refuse({ ok: false, error: "invalid_lines", lines: checked });
  const goods = checked.reduce((sum, l) => sum + l.unitPrice! * l.input.quantity, 0);

  try {
    return await db.transaction().execute(async (trx) => {
      // Re-read under the write lock: a concurrent retry may have committed meanwhile.
      const raced = await findByIdempotencyKey(trx, "orders", input.customerId, input.idempotencyKey);
      if (raced) return replay(raced, hash);

      const key = sequenceKey("DH", now, getEnv().APP_TIMEZONE);
      const number = formatDocumentNumber(key, await nextInSequence(trx, key));
      const at = now.toISOString();
      const header = await insertOrder.executeTakeFirstOrThrow(trx, {
        number,
        customer_id: customer.id,
        region_id: customer.region_id,
        status: INITIAL_STATUS,
        idempotency_key: input.idempotencyKey,
        request_hash: hash,
        address_json: JSON.stringify(address),
        requested_delivery_date: input.requestedDeliveryDate ?? null,
        remark: input.remark ?? "",
        contract_no: input.contractNo ?? "",
        goods_amount: goods,
        freight: 0,
        discount: 0,
        payable: goods,
        placed_by_account_id: actor.accountId!,
        created_at: at,
        updated_at: at,
      });
      const order = { id: header.id, number: header.number, status: header.status };
      const lines = await trx
        .insertInto("order_lines")
        .values(
          checked.map((l, position) => ({
            order_id: order.id,
            sku_id: l.sku!.id,
            sku_code: l.sku!.code,
            product_name: l.sku!.productName,
            spec: l.sku!.spec,
            unit: l.sku!.unit,
            quantity: l.input.quantity,
            unit_price: l.unitPrice!,
            amount: l.unitPrice! * l.input.quantity,
            position,
          })),
        )
        .returningAll()
        .execute();
      const event = await appendOrderEvent(trx, {
        order_id: order.id,
        at,
        actor_account_id: actor.accountId,
        actor_name: actor.displayName ?? actor.name,
        actor_kind: actor.kind,
        action: actor.kind === "staff" ? "submit_on_behalf" : "submit",
        from_status: null,
        to_status: INITIAL_STATUS,
        note: "",
      });
      // Switched-off steps at the front of the pipeline are passed now, in this transaction.
      order.status = await routeSubmittedOrder(trx, order.id, now);
      await emitEvent(
        trx,
        {
          type: "order.submitted",
          aggregateType: "order",
          aggregateId: order.number,
          payload: { number: order.number, status: order.status, payable: goods },
        },
        now,
      );
      await recordAudit(
        trx,
        actor,
        {
          action: "order.submit",
          objectType: "order",
          objectId: order.number,
          after: { status: order.status, payable: goods },
        },
        now,
      );
      // Last, as in performOrderAction: the region's counter row is shared, its lock held to the commit.
      await moveQueueCount(trx, "orders", customer.region_id, null, order.status);
      const untouched = order.status === header.status;
      const detail = untouched
        ? orderDetailFrom(
            { ...header, customer_id: customer.id, customer_code: customer.code, customer_name: customer.name },
            lines.sort((a, b) => a.position - b.position),
            [event],
          )
        : undefined;
      return { ok: true as const, order, replayed: false, detail };
    });
  } catch (error) {
    // PostgreSQL: a concurrent retry with the same key committed between our read and insert.
    if (isUniqueViolation(error)) {
      const winner = await findByIdempotencyKey(db, "orders", input.customerId, input.idempotencyKey);
      if (winner) return replay(winner, hash);
    }
    throw error;
  }
}

export interface OrderSummary {
  id: number;
  number: string;
  status: string;
  version: number;
  payable: number;
  lineCount: number;
  createdAt: string;
}

/** A customer's own orders, newest first, a page at a time (keyset on id). */
export async function listCustomerOrders(
  db: Kysely<DB>,
  customerId: number,
  query: { status?: string; before?: number; limit: number },
): Promise<{ items: OrderSummary[]; nextCursor: number | null }> {
  let qb = db
    .selectFrom("orders as o")
    .select([
      "o.id",
      "o.number",
      "o.status",
      "o.version",
      "o.payable",
      "o.created_at as createdAt",
      (eb) =>
        eb
          .selectFrom("order_lines as l")
          .select(eb.fn.countAll<number>().as("n"))
          .whereRef("l.order_id", "=", "o.id")
          .as("lineCount"),
    ])
    .where("o.customer_id", "=", customerId);
  if (query.status) qb = qb.where("o.status", "=", query.status);
  if (query.before) qb = qb.where("o.id", "<", query.before);
  const rows = await qb
    .orderBy("o.id", "desc")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({ ...r, payable: Number(r.payable), lineCount: Number(r.lineCount) })),
    nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
  };
}

export interface OrderDetail {
  id: number;
  number: string;
  status: string;
  version: number;
  customer: { id: number; code: string; name: string };
  address: { contactName: string; phone: string; address: string };
  requestedDeliveryDate: string | null;
  remark: string;
  contractNo: string;
  totals: { goods: number; freight: number; discount: number; payable: number };
  /** How the order was paid (null: not yet) and how much of it. */
  paid: { method: string | null; amount: number };
  createdAt: string;
  lines: Array<{
    skuId: number;
    skuCode: string;
    productName: string;
    spec: string;
    unit: string;
    quantity: number;
    unitPrice: number;
    amount: number;
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

const linesOf = prepared((db: Kysely<DB>, p: { orderId: number }) =>
  db.selectFrom("order_lines").selectAll().where("order_id", "=", p.orderId).orderBy("position"),
);
const timelineOf = prepared((db: Kysely<DB>, p: { orderId: number }) =>
  db.selectFrom("order_events").selectAll().where("order_id", "=", p.orderId).orderBy("id"),
);

/** One order with lines and timeline; `customerId` confines it to that customer's own orders. */
export async function getOrder(
  db: Kysely<DB>,
  number: string,
  scope: { customerId?: number; regionIds?: readonly number[] | null },
): Promise<OrderDetail | null> {
  const o = await orderHeaderIn(db, number, scope);
  if (!o) return null;
  const [lines, events] = await Promise.all([
    linesOf.execute(db, { orderId: o.id }),
    timelineOf.execute(db, { orderId: o.id }),
  ]);
  return orderDetailFrom(o, lines, events);
}

/** An order's header and customer by number, in a scope. */
const orderHeaderIn = orderByNumberIn((db, number) =>
  db
    .selectFrom("orders as o")
    .innerJoin("customers as c", "c.id", "o.customer_id")
    .select(ORDER_HEADER_COLUMNS.map((column) => `o.${column}` as const))
    .select(["c.id as customer_id", "c.code as customer_code", "c.name as customer_name"])
    .where("o.number", "=", number),
);

/** The order header's columns `OrderDetail` is made of (the customer comes from a join). */
const ORDER_HEADER_COLUMNS = [
  "id",
  "number",
  "status",
  "version",
  "address_json",
  "requested_delivery_date",
  "remark",
  "contract_no",
  "goods_amount",
  "freight",
  "discount",
  "payable",
  "payment_method",
  "paid_amount",
  "created_at",
] as const;

type OrderHeaderRow = Pick<Selectable<DB["orders"]>, (typeof ORDER_HEADER_COLUMNS)[number]> & {
  customer_id: number;
  customer_code: string;
  customer_name: string;
};

/** One mapping from rows to `OrderDetail`, for the order read back and the order just written. */
function orderDetailFrom(
  o: OrderHeaderRow,
  lines: Selectable<DB["order_lines"]>[],
  events: Selectable<DB["order_events"]>[],
): OrderDetail {
  return {
    id: o.id,
    number: o.number,
    status: o.status,
    version: o.version,
    customer: { id: o.customer_id, code: o.customer_code, name: o.customer_name },
    address: JSON.parse(o.address_json),
    requestedDeliveryDate: o.requested_delivery_date,
    remark: o.remark,
    contractNo: o.contract_no,
    totals: {
      goods: Number(o.goods_amount),
      freight: Number(o.freight),
      discount: Number(o.discount),
      payable: Number(o.payable),
    },
    paid: { method: o.payment_method, amount: Number(o.paid_amount) },
    createdAt: o.created_at,
    lines: lines.map((l) => ({
      skuId: l.sku_id,
      skuCode: l.sku_code,
      productName: l.product_name,
      spec: l.spec,
      unit: l.unit,
      quantity: l.quantity,
      unitPrice: Number(l.unit_price),
      amount: Number(l.amount),
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
