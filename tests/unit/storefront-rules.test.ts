import { describe, expect, it } from "vitest";
import { businessDay, formatDocumentNumber, sequenceKey } from "../../app/domain/document-number";
import { checkQuantity, nearestAllowedQuantity } from "../../app/domain/order-quantity";
import { productSearchText } from "../../app/domain/product-search";
import { parsePadRows, splitPadText } from "../../app/domain/quick-order";

describe("quantity rules", () => {
  const rule = { minQty: 5, maxQty: 100, multiple: 5 };
  it("accepts quantities that meet the minimum, maximum and multiple", () => {
    expect(checkQuantity(5, rule)).toBeNull();
    expect(checkQuantity(100, rule)).toBeNull();
  });
  it("names the rule a quantity breaks", () => {
    expect(checkQuantity(0, rule)).toEqual({ code: "not_integer" });
    expect(checkQuantity(2.5, rule)).toEqual({ code: "not_integer" });
    expect(checkQuantity(3, rule)).toEqual({ code: "below_min", min: 5 });
    expect(checkQuantity(105, rule)).toEqual({ code: "above_max", max: 100 });
    expect(checkQuantity(12, rule)).toEqual({ code: "not_multiple", multiple: 5 });
  });
  it("suggests the nearest allowed quantity", () => {
    expect(nearestAllowedQuantity(1, rule)).toBe(5);
    expect(nearestAllowedQuantity(12, rule)).toBe(15);
    expect(nearestAllowedQuantity(101, rule)).toBeNull();
    expect(nearestAllowedQuantity(3, { minQty: 2, maxQty: null, multiple: 1 })).toBe(3);
  });
});

describe("document numbers", () => {
  it("use the business day in the deployment's time zone", () => {
    // 2026-11-27 17:30 UTC is already 11-28 in Shanghai.
    const late = new Date("2026-11-27T17:30:00Z");
    expect(businessDay(late, "Asia/Shanghai")).toBe("20261128");
    expect(businessDay(late, "UTC")).toBe("20261127");
    expect(formatDocumentNumber(sequenceKey("DH", late, "Asia/Shanghai"), 7)).toBe("DH20261128-0007");
    expect(formatDocumentNumber("TH20261127", 12345)).toBe("TH20261127-12345");
  });
});

describe("quick-order pad", () => {
  it("reads spreadsheet paste, commas and spaces, and skips a header row", () => {
    const parsed = parsePadRows(splitPadText("商品编码\t数量\nSP001-1\t10\nSP002-1, 4\n\nSP003-2   24\r\n"));
    expect(parsed.unreadable).toEqual([]);
    expect(parsed.lines).toEqual([
      { lineNo: 2, skuCode: "SP001-1", quantity: 10 },
      { lineNo: 3, skuCode: "SP002-1", quantity: 4 },
      { lineNo: 5, skuCode: "SP003-2", quantity: 24 },
    ]);
  });
  it("reports lines it cannot read by their number", () => {
    const parsed = parsePadRows(splitPadText("SP001-1 10\nSP002-1\nSP003-1 ten\nSP004-1 -3"));
    expect(parsed.lines.map((l) => l.skuCode)).toEqual(["SP001-1"]);
    expect(parsed.unreadable).toEqual([2, 3, 4]);
  });
});

describe("product search text", () => {
  it("holds the name, tags and every SKU's code, barcode and spec, lower-cased", () => {
    expect(
      productSearchText({ name: "Lemon 洗洁精", tags: "hot" }, [
        { code: "SP022-1", barcode: "6901234567892", spec: "规格:1.5kg" },
      ]),
    ).toBe("lemon 洗洁精 hot sp022-1 6901234567892 规格:1.5kg");
  });
});
