import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import { ORDER_PIPELINE } from "../domain/order-pipeline";
import { RETURN_PIPELINE } from "../domain/return-pipeline";
import { orderPayments } from "../services/funds.server";
import { changeSlips, shipmentsOf } from "../services/order-admin.server";
import type { OrderDetail } from "../services/orders.server";
import type { ReturnDetail, ReturnSummary } from "../services/returns.server";
import type { Viewer } from "../services/sessions.server";

/** Service results in the API's shapes (app/api/schemas.ts): names from API.md, no internal ids. */

const stepOf = (steps: ReadonlyArray<{ key: string; status: string }>, status: string | null) =>
  steps.find((s) => s.status === status)?.key ?? null;

function presentTimeline(steps: ReadonlyArray<{ key: string; status: string }>, timeline: OrderDetail["timeline"]) {
  return timeline.map((e) => ({
    step: stepOf(steps, e.fromStatus),
    action: e.action,
    actor: e.actorName,
    actorKind: e.actorKind as "staff" | "customer" | "system",
    at: e.at,
    note: e.note,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
  }));
}

export async function presentOrder(
  db: Kysely<DB>,
  order: OrderDetail,
  viewer: Viewer,
  /** "new": the order was created in this request: it has no change slips or shipments yet. */
  age: "new" | "existing" = "existing",
) {
  const fresh = age === "new";
  const [slips, shipments, split] = await Promise.all([
    fresh ? [] : changeSlips(db, order.id),
    fresh ? [] : shipmentsOf(db, order.id),
    // The split of a payment is shown only once there is one.
    order.paid.method ? orderPayments(db, order.id) : null,
  ]);
  // Like the storefront, a customer sees a shipment once it has been handed to the carrier.
  const visible = viewer.kind === "customer" ? shipments.filter((s) => s.shippedAt) : shipments;
  const shipment = visible[visible.length - 1];
  return {
    number: order.number,
    status: order.status,
    version: order.version,
    customer: { code: order.customer.code, name: order.customer.name },
    lines: order.lines.map((l) => ({
      skuCode: l.skuCode,
      productName: l.productName,
      spec: l.spec,
      unit: l.unit,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      amount: l.amount,
    })),
    totals: order.totals,
    address: order.address,
    requestedDeliveryDate: order.requestedDeliveryDate,
    remark: order.remark,
    contractNo: order.contractNo,
    createdAt: order.createdAt,
    ...(order.paid.method
      ? {
          payment: {
            method: order.paid.method,
            paid: order.paid.amount,
            prepaid: split!.prepaid,
            rebate: split!.rebate,
            credit: split!.credit,
          },
        }
      : {}),
    ...(shipment
      ? {
          shipment: {
            number: shipment.number,
            warehouse: shipment.warehouseName,
            carrier: shipment.carrier,
            trackingNo: shipment.trackingNo,
            selfPickup: shipment.selfPickup,
            outboundAt: shipment.outboundAt,
            shippedAt: shipment.shippedAt,
          },
        }
      : {}),
    timeline: presentTimeline(ORDER_PIPELINE.steps, order.timeline),
    changeSlips: slips.map((s) => ({ at: s.at, actor: s.actorName, reason: s.reason, changes: s.changes })),
  };
}

export const presentReturnSummary = (r: ReturnSummary) => ({
  number: r.number,
  orderNumber: r.orderNumber,
  status: r.status,
  version: r.version,
  customer: { code: r.customer.code, name: r.customer.name },
  lineCount: r.lineCount,
  requestedUnits: r.requestedUnits,
  refundAmount: r.refundAmount,
  createdAt: r.createdAt,
});

export const presentReturn = (r: ReturnDetail) => ({
  number: r.number,
  orderNumber: r.orderNumber,
  status: r.status,
  version: r.version,
  customer: { code: r.customer.code, name: r.customer.name },
  note: r.note,
  rejectReason: r.rejectReason,
  createdAt: r.createdAt,
  createdBy: r.createdBy,
  lines: r.lines.map((l) => ({
    skuCode: l.skuCode,
    productName: l.productName,
    reason: l.reason,
    note: l.note,
    requestedQuantity: l.requested,
    approvedQuantity: l.approved,
    receivedQuantity: l.received,
    disposition: l.disposition,
    unitPaid: l.unitPaid,
    refundAmount: l.refundAmount,
  })),
  shipment: r.shipment,
  receivedAt: r.receivedAt,
  refundAmount: r.refundAmount,
  refundReason: r.refundReason,
  refundedAt: r.refundedAt,
  timeline: presentTimeline(RETURN_PIPELINE.steps, r.timeline),
});
