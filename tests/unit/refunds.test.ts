import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocateDiscount,
  claimedBy,
  linePaidAmounts,
  type PricedLine,
  refundForUnits,
  returnableQuantity,
  unitPaid,
} from "../../app/domain/refunds";

/** An order: lines with quantity and unit price, freight, and a discount the goods can carry. */
const arbOrder = fc
  .record({
    lines: fc.array(
      fc.record({ quantity: fc.integer({ min: 1, max: 30 }), unitPrice: fc.integer({ min: 0, max: 2_000_000 }) }),
      { minLength: 1, maxLength: 6 },
    ),
    freight: fc.integer({ min: 0, max: 100_000 }),
    discountShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ lines, freight, discountShare }) => {
    const priced: PricedLine[] = lines.map((l, i) => ({
      id: i + 1,
      quantity: l.quantity,
      amount: l.quantity * l.unitPrice,
    }));
    const goods = priced.reduce((s, l) => s + l.amount, 0);
    const discount = Math.floor(goods * discountShare);
    return { lines: priced, goods, freight, discount, payable: goods + freight - discount };
  });

/** Returns of the order: each a number of units per line, never more in total than the line had. */
const arbSplit = (lines: PricedLine[], everything: boolean) =>
  fc
    .array(fc.array(fc.nat(), { minLength: lines.length, maxLength: lines.length }), { minLength: 1, maxLength: 8 })
    .map((returns) => {
      const left = lines.map((l) => l.quantity);
      const split = returns.map((r) =>
        r.map((wish, i) => {
          const units = Math.min(wish % (lines[i]!.quantity + 1), left[i]!);
          left[i]! -= units;
          return units;
        }),
      );
      if (everything) split.push(left.slice());
      return split;
    });

/** Refunds each return in order, as the service does: units already refunded come first. */
function refundAll(lines: PricedLine[], discount: number, split: number[][]): number[] {
  const paid = linePaidAmounts(lines, discount);
  const refunded = lines.map(() => 0);
  return split.map((ret) =>
    ret.reduce((sum, units, i) => {
      const line = lines[i]!;
      const amount = refundForUnits(paid.get(line.id)!, line.quantity, refunded[i]!, units);
      refunded[i]! += units;
      return sum + amount;
    }, 0),
  );
}

describe("refund of returned units", () => {
  it("never gives back more than was paid for the goods, over any split of the order into returns", () => {
    fc.assert(
      fc.property(
        arbOrder.chain((order) => fc.tuple(fc.constant(order), arbSplit(order.lines, false))),
        ([order, split]) => {
          const refunds = refundAll(order.lines, order.discount, split);
          for (const r of refunds) expect(Number.isSafeInteger(r) && r >= 0).toBe(true);
          const total = refunds.reduce((s, r) => s + r, 0);
          // Freight is not refunded: at most payable − freight = goods − discount.
          expect(total).toBeLessThanOrEqual(order.payable - order.freight);
          expect(total).toBeLessThanOrEqual(order.payable);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("gives back exactly what was paid for the goods once everything has come back", () => {
    fc.assert(
      fc.property(
        arbOrder.chain((order) => fc.tuple(fc.constant(order), arbSplit(order.lines, true))),
        ([order, split]) => {
          const total = refundAll(order.lines, order.discount, split).reduce((s, r) => s + r, 0);
          expect(total).toBe(order.payable - order.freight);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("spreads the discount so that the lines' shares add up to exactly the discount", () => {
    fc.assert(
      fc.property(arbOrder, (order) => {
        const shares = allocateDiscount(order.lines, order.discount);
        expect([...shares.values()].reduce((s, v) => s + v, 0)).toBe(order.discount);
        for (const line of order.lines) {
          const share = shares.get(line.id)!;
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(line.amount);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("rounds by largest remainder: 100 fen off 3 equal lines is 34 + 33 + 33, the first line first", () => {
    const lines = [1, 2, 3].map((id) => ({ id, quantity: 1, amount: 1000 }));
    expect([...allocateDiscount(lines, 100).values()]).toEqual([34, 33, 33]);
    // 3 units at 10.00 with 1.00 off: paid 9.66 per unit; units come back 9.66, 9.67, 9.67.
    const paid = linePaidAmounts([{ id: 1, quantity: 3, amount: 3000 }], 100).get(1)!;
    expect(paid).toBe(2900);
    expect(unitPaid(paid, 3)).toBe(966);
    expect([0, 1, 2].map((before) => refundForUnits(paid, 3, before, 1))).toEqual([966, 967, 967]);
  });

  it("refunds nothing for goods when the discount exceeds them", () => {
    const lines = [{ id: 1, quantity: 2, amount: 500 }];
    expect(linePaidAmounts(lines, 800).get(1)).toBe(0);
    expect(refundForUnits(0, 2, 0, 2)).toBe(0);
  });

  it("refuses fractions and refunding more units than the line had", () => {
    expect(() => allocateDiscount([{ id: 1, quantity: 1, amount: 100 }], 1.5)).toThrow(RangeError);
    expect(() => refundForUnits(100, 2, 1, 2)).toThrow(RangeError);
  });
});

describe("returnable quantity", () => {
  it("is shipped minus what live returns claim, never below zero", () => {
    expect(returnableQuantity(10, 0)).toBe(10);
    expect(returnableQuantity(10, 4)).toBe(6);
    expect(returnableQuantity(10, 10)).toBe(0);
    expect(returnableQuantity(3, 5)).toBe(0);
    expect(returnableQuantity(0, 0)).toBe(0);
  });

  it("counts a reviewed line at its approved quantity and an unreviewed one at its request", () => {
    expect(claimedBy({ requested: 5, approved: null })).toBe(5);
    expect(claimedBy({ requested: 5, approved: 2 })).toBe(2);
    expect(claimedBy({ requested: 5, approved: 0 })).toBe(0);
  });
});
