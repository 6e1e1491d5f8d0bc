/**
 * What a returned unit brings back (退款金额, DOMAIN.md §6), to the fen, by one rule:
 *
 * 1. The order-level discount is spread over the goods pro rata to each line's amount by the
 *    largest-remainder method: every line gets ⌊discount × amount / goods⌋ and the fen left over
 *    go one each to the lines with the largest remainders (earlier line first on a tie). So the
 *    lines' shares add up to exactly the discount. A line's paid amount L = amount − share.
 * 2. Within a line, the n-th unit ever refunded brings back ⌊n·L/Q⌋ − ⌊(n−1)·L/Q⌋ (Q = the line's
 *    quantity): the unit price actually paid, L/Q, rounded down, with the fen left over coming
 *    back with the last units. Whatever way a line's units are split into returns, the refunds
 *    add up to ⌊r·L/Q⌋ for r units returned — never more than L, and exactly L when all are.
 *
 * Freight is not refunded: returns give back what was paid for the goods. If the discount is
 * larger than the goods (only possible with freight), the goods were paid nothing and refund 0.
 * Pure: integer fen in, integer fen out; products are computed in BigInt so nothing overflows.
 */

export interface PricedLine {
  id: number;
  quantity: number;
  /** quantity × unit price at submission, fen. */
  amount: number;
}

const assertCount = (n: number, what: string) => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number ≥ 0, got ${n}`);
};

/** Each line's share of the discount, largest remainder, in the lines' order; Σ = min(discount, goods). */
export function allocateDiscount(lines: readonly PricedLine[], discount: number): Map<number, number> {
  assertCount(discount, "discount");
  for (const l of lines) assertCount(l.amount, "line amount");
  const goods = lines.reduce((s, l) => s + BigInt(l.amount), 0n);
  const total = BigInt(discount) > goods ? goods : BigInt(discount);
  const shares = new Map<number, number>();
  if (goods === 0n) {
    for (const l of lines) shares.set(l.id, 0);
    return shares;
  }
  const parts = lines.map((l, index) => {
    const exact = total * BigInt(l.amount);
    return { id: l.id, index, floor: exact / goods, remainder: exact % goods };
  });
  let left = total - parts.reduce((s, p) => s + p.floor, 0n);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const p of byRemainder) {
    if (left === 0n) break;
    p.floor += 1n;
    left -= 1n;
  }
  for (const p of parts) shares.set(p.id, Number(p.floor));
  return shares;
}

/** What each line paid for its goods after the discount (L above). */
export function linePaidAmounts(lines: readonly PricedLine[], discount: number): Map<number, number> {
  const shares = allocateDiscount(lines, discount);
  return new Map(lines.map((l) => [l.id, l.amount - shares.get(l.id)!]));
}

/** The refund for the first `units` units of a line paying `paid` for `quantity` units: ⌊units·paid/quantity⌋. */
export function cumulativeRefund(paid: number, quantity: number, units: number): number {
  assertCount(paid, "paid");
  assertCount(units, "units");
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new RangeError(`quantity must be > 0, got ${quantity}`);
  if (units > quantity) throw new RangeError(`cannot refund ${units} of ${quantity} units`);
  return Number((BigInt(units) * BigInt(paid)) / BigInt(quantity));
}

/** The refund for `units` more units of a line whose first `alreadyRefunded` units were refunded before. */
export function refundForUnits(paid: number, quantity: number, alreadyRefunded: number, units: number): number {
  return cumulativeRefund(paid, quantity, alreadyRefunded + units) - cumulativeRefund(paid, quantity, alreadyRefunded);
}

/** The unit price actually paid, rounded down to the fen (for display; refunds use `refundForUnits`). */
export function unitPaid(paid: number, quantity: number): number {
  return cumulativeRefund(paid, quantity, 1);
}

/**
 * How many units of a line can still be returned: shipped minus what returns already claim
 * (every return not rejected or cancelled, finished or in progress). Never below 0.
 */
export function returnableQuantity(shipped: number, claimed: number): number {
  assertCount(shipped, "shipped");
  assertCount(claimed, "claimed");
  return Math.max(0, shipped - claimed);
}

/**
 * What one return line claims of its order line: the approved quantity once reviewed, the
 * requested quantity before. A shortfall at inbound review is recorded, not given back to claim.
 */
export function claimedBy(line: { requested: number; approved: number | null }): number {
  return line.approved ?? line.requested;
}
