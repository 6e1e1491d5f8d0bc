/** Business settings with their defaults (DOMAIN.md §3–5). Stored as JSON per key. */
export type StockDisplay = "quantity" | "flag" | "hidden";

/** Stock as a dealer may see it: null when hidden; the units only when the setting shows them. */
export type ShownStock = { inStock: boolean; available: number | null } | null;

/** What of `available` units (over a SKU's or a product's SKUs) the setting lets a dealer see. */
export function shownStock(available: number, display: StockDisplay): ShownStock {
  if (display === "hidden") return null;
  return { inStock: available > 0, available: display === "quantity" ? Math.max(available, 0) : null };
}

export interface BusinessSettings {
  /** What dealers see of stock: the quantity, an in-stock flag, or nothing. */
  stockDisplay: StockDisplay;
  /** Accept orders beyond available stock. */
  allowOverselling: boolean;
  /** Order pipeline steps switched on (订单流程设置); every step on by default. */
  orderSteps: Record<"order_review" | "finance_review" | "outbound_review" | "shipment" | "receipt", boolean>;
  /** Return pipeline steps switched on (退货流程设置). */
  returnSteps: Record<"return_review" | "return_shipment" | "inbound_review" | "refund_review", boolean>;
  /** Receipt is confirmed automatically this many days after shipment (0: never). */
  autoReceiptDays: number;
  /** The share of an order that rebate (返点) may pay, in basis points: 1000 = 10 %; 0 = off. */
  rebateShareBp: number;
}

export const DEFAULT_SETTINGS: BusinessSettings = {
  stockDisplay: "flag",
  allowOverselling: false,
  orderSteps: { order_review: true, finance_review: true, outbound_review: true, shipment: true, receipt: true },
  returnSteps: { return_review: true, return_shipment: true, inbound_review: true, refund_review: true },
  autoReceiptDays: 7,
  rebateShareBp: 0,
};
