/**
 * A customer's price for one SKU (DOMAIN.md §3), first rule that applies:
 * 1. customer-specific price 客户专属价;
 * 2. the customer level's explicit price 级别价;
 * 3. base price × the level's discount rate (rounded half up to the fen);
 * 4. the base order price 订货价.
 * The server always computes prices this way; a price sent by a client is never trusted.
 */
export interface PriceInputs {
  basePrice: number; // fen
  customerPrice?: number | null;
  level?: { discountBp: number; explicitPrice?: number | null } | null;
}

export type PriceSource = "customer" | "level_price" | "level_discount" | "base";

export interface ResolvedPrice {
  price: number;
  source: PriceSource;
}

export function resolvePrice(input: PriceInputs): ResolvedPrice {
  assertFen(input.basePrice);
  if (input.customerPrice != null) return { price: assertFen(input.customerPrice), source: "customer" };
  if (input.level) {
    if (input.level.explicitPrice != null)
      return { price: assertFen(input.level.explicitPrice), source: "level_price" };
    if (input.level.discountBp !== 10_000) {
      return { price: applyDiscountBp(input.basePrice, input.level.discountBp), source: "level_discount" };
    }
  }
  return { price: input.basePrice, source: "base" };
}

/** base × bp / 10000, rounded half up, in integers only. */
export function applyDiscountBp(fen: number, bp: number): number {
  if (!Number.isInteger(bp) || bp < 0 || bp > 10_000) throw new RangeError(`discount must be 0–10000 bp, got ${bp}`);
  // fen × bp can pass 2^53 and lose the last fen; split fen = q·10000 + r so every step stays exact.
  const q = Math.floor(assertFen(fen) / 10_000);
  const r = fen % 10_000;
  return q * bp + Math.floor((r * bp + 5_000) / 10_000);
}

function assertFen(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`price must be a non-negative integer of fen, got ${value}`);
  return value;
}
