/** Order quantity rules per SKU (起订量 / 限购量 / 订货倍数). */
export interface QuantityRule {
  minQty: number;
  maxQty: number | null;
  multiple: number;
}

export type QuantityProblem =
  | { code: "not_integer" }
  | { code: "below_min"; min: number }
  | { code: "above_max"; max: number }
  | { code: "not_multiple"; multiple: number };

export function checkQuantity(quantity: number, rule: QuantityRule): QuantityProblem | null {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) return { code: "not_integer" };
  if (quantity < rule.minQty) return { code: "below_min", min: rule.minQty };
  if (rule.maxQty !== null && quantity > rule.maxQty) return { code: "above_max", max: rule.maxQty };
  if (quantity % rule.multiple !== 0) return { code: "not_multiple", multiple: rule.multiple };
  return null;
}

/** The nearest allowed quantity at or above `wanted` (for "add to cart" defaults), or null if none. */
export function nearestAllowedQuantity(wanted: number, rule: QuantityRule): number | null {
  const start = Math.max(Math.ceil(Math.max(wanted, 1)), rule.minQty);
  const q = Math.ceil(start / rule.multiple) * rule.multiple;
  if (rule.maxQty !== null && q > rule.maxQty) return null;
  return q;
}
