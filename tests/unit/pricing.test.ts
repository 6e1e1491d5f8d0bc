import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyDiscountBp, resolvePrice } from "../../app/domain/pricing";

describe("resolvePrice: the first rule that applies (DOMAIN.md §3)", () => {
  const level = (discountBp: number, explicitPrice: number | null = null) => ({ discountBp, explicitPrice });

  it("charges the base order price when nothing else applies", () => {
    expect(resolvePrice({ basePrice: 1999 })).toEqual({ price: 1999, source: "base" });
    expect(resolvePrice({ basePrice: 1999, customerPrice: null, level: null })).toEqual({
      price: 1999,
      source: "base",
    });
  });

  it("applies the level's discount to the base price", () => {
    expect(resolvePrice({ basePrice: 2000, level: level(9000) })).toEqual({ price: 1800, source: "level_discount" });
  });

  it("treats a 100 % level without an explicit price as the base price", () => {
    expect(resolvePrice({ basePrice: 2000, level: level(10_000) })).toEqual({ price: 2000, source: "base" });
  });

  it("prefers the level's explicit price over its discount", () => {
    expect(resolvePrice({ basePrice: 2000, level: level(9000, 1700) })).toEqual({
      price: 1700,
      source: "level_price",
    });
    // Even when it is dearer than the discount would be, and even on a 100 % level.
    expect(resolvePrice({ basePrice: 2000, level: level(5000, 1950) }).price).toBe(1950);
    expect(resolvePrice({ basePrice: 2000, level: level(10_000, 1900) })).toEqual({
      price: 1900,
      source: "level_price",
    });
  });

  it("prefers the customer's own price over every level rule", () => {
    expect(resolvePrice({ basePrice: 2000, customerPrice: 1500, level: level(9000, 1700) })).toEqual({
      price: 1500,
      source: "customer",
    });
    expect(resolvePrice({ basePrice: 2000, customerPrice: 2100, level: level(5000) })).toEqual({
      price: 2100,
      source: "customer",
    });
    expect(resolvePrice({ basePrice: 2000, customerPrice: 1500 })).toEqual({ price: 1500, source: "customer" });
  });

  it("honours a price of zero as a real price, not as 'no price'", () => {
    expect(resolvePrice({ basePrice: 2000, customerPrice: 0, level: level(9000, 1700) })).toEqual({
      price: 0,
      source: "customer",
    });
    expect(resolvePrice({ basePrice: 2000, level: level(9000, 0) })).toEqual({ price: 0, source: "level_price" });
    expect(resolvePrice({ basePrice: 0, level: level(9000) })).toEqual({ price: 0, source: "level_discount" });
  });

  it("rounds a discounted price half up to the fen", () => {
    // 19.99 × 95 % = 18.9905 → 18.99; 0.10 × 95 % = 0.095 → 0.10; 0.01 × 50 % = 0.005 → 0.01.
    expect(resolvePrice({ basePrice: 1999, level: level(9500) }).price).toBe(1899);
    expect(resolvePrice({ basePrice: 10, level: level(9500) }).price).toBe(10);
    expect(resolvePrice({ basePrice: 1, level: level(5000) }).price).toBe(1);
    expect(resolvePrice({ basePrice: 1, level: level(4999) }).price).toBe(0);
  });

  it("refuses prices that are not whole, non-negative fen", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => resolvePrice({ basePrice: bad })).toThrow(RangeError);
      expect(() => resolvePrice({ basePrice: 100, customerPrice: bad })).toThrow(RangeError);
      expect(() => resolvePrice({ basePrice: 100, level: level(9000, bad) })).toThrow(RangeError);
    }
  });

  it("checks the base price even when another rule decides", () => {
    expect(() => resolvePrice({ basePrice: -1, customerPrice: 100 })).toThrow(RangeError);
  });

  it("refuses a level discount outside 0–10000 basis points", () => {
    for (const bad of [-1, 10_001, 9500.5, Number.NaN]) {
      expect(() => resolvePrice({ basePrice: 100, level: level(bad) })).toThrow(RangeError);
    }
  });
});

describe("applyDiscountBp", () => {
  it("multiplies by basis points and rounds half up", () => {
    expect(applyDiscountBp(10_000, 9500)).toBe(9500);
    expect(applyDiscountBp(12_345, 8800)).toBe(10_864); // 10863.6 → 10864
    expect(applyDiscountBp(12_345, 8000)).toBe(9876); // exactly 9876
    expect(applyDiscountBp(15, 5000)).toBe(8); // 7.5 → 8
    expect(applyDiscountBp(13, 5000)).toBe(7); // 6.5 → 7
    expect(applyDiscountBp(1, 1)).toBe(0);
  });

  it("keeps the price at 100 % and makes it free at 0 %", () => {
    expect(applyDiscountBp(98_765, 10_000)).toBe(98_765);
    expect(applyDiscountBp(98_765, 0)).toBe(0);
    expect(applyDiscountBp(0, 9500)).toBe(0);
  });

  it("stays exact to the fen for every safe amount (checked against BigInt)", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 10_000 }), (fen, bp) => {
        const exact = (BigInt(fen) * BigInt(bp) + 5_000n) / 10_000n;
        expect(applyDiscountBp(fen, bp)).toBe(Number(exact));
      }),
      { numRuns: 5_000 },
    );
    expect(applyDiscountBp(5_789_022_152_180_657, 9301)).toBe(5_384_369_503_743_229);
  });

  it("refuses bad amounts and bad rates", () => {
    expect(() => applyDiscountBp(-1, 9500)).toThrow(RangeError);
    expect(() => applyDiscountBp(10.5, 9500)).toThrow(RangeError);
    expect(() => applyDiscountBp(100, -1)).toThrow(RangeError);
    expect(() => applyDiscountBp(100, 10_001)).toThrow(RangeError);
    expect(() => applyDiscountBp(100, 0.5)).toThrow(RangeError);
  });
});
