import type { Permission } from "./permissions";

/**
 * The two pipelines as data (DOMAIN.md §5–6): each step, the status an order or return waits
 * in, and the permission that acts on it. The engine that moves documents between them builds
 * on these lists; the console's queues and counts read them.
 */
export interface PipelineStep<Key extends string = string, Status extends string = string> {
  key: Key;
  status: Status;
  /** Staff permission that works this step's queue; `null` when only the customer acts. */
  permission: Permission | null;
}

export const ORDER_STEPS = [
  { key: "order_review", status: "pending_order_review", permission: "order.review" }, // 订单审核
  { key: "finance_review", status: "pending_finance_review", permission: "order.finance_review" }, // 财务审核
  { key: "outbound_review", status: "pending_outbound_review", permission: "order.outbound_review" }, // 出库审核
  { key: "shipment", status: "pending_shipment", permission: "order.ship" }, // 发货确认
  { key: "receipt", status: "pending_receipt", permission: "order.confirm_receipt" }, // 收货确认
] as const satisfies readonly PipelineStep[];

export const RETURN_STEPS = [
  { key: "return_review", status: "pending_return_review", permission: "return.review" }, // 退货审核
  { key: "return_shipment", status: "pending_return_shipment", permission: "return.create" }, // 退货发货
  { key: "inbound_review", status: "pending_inbound_review", permission: "return.inbound_review" }, // 入库审核
  { key: "refund_review", status: "pending_refund_review", permission: "return.refund_review" }, // 退款审核
] as const satisfies readonly PipelineStep[];

export type OrderStatus = (typeof ORDER_STEPS)[number]["status"] | "completed" | "sent_back" | "cancelled";
export type ReturnStatus = (typeof RETURN_STEPS)[number]["status"] | "completed" | "rejected" | "cancelled";
export type PipelineName = "orders" | "returns";

export const PIPELINES: Record<PipelineName, readonly PipelineStep[]> = { orders: ORDER_STEPS, returns: RETURN_STEPS };
