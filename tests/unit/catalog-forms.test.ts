import { describe, expect, it } from "vitest";
import { canMoveCategory, moveAmongSiblings } from "../../app/domain/category-tree";
import { formatProductTags, parseProductTags } from "../../app/domain/product-tags";
import { checkSkuRows } from "../../app/domain/sku-rules";
import { bpToPercentInput, parsePercentToBp } from "../../app/forms/price-forms";
import { applyRowIntent, emptyProductForm, parseProductForm } from "../../app/forms/product-form";

describe("category tree rules", () => {
  // 1 ─ 2 ─ 3, and 4 on its own
  const parentOf = new Map<number, number | null>([
    [1, null],
    [2, 1],
    [3, 2],
    [4, null],
  ]);
  it("allows moves that keep a tree and refuses those that would make a loop", () => {
    expect(canMoveCategory(parentOf, 3, null)).toBe(true);
    expect(canMoveCategory(parentOf, 3, 4)).toBe(true);
    expect(canMoveCategory(parentOf, 1, 4)).toBe(true);
    expect(canMoveCategory(parentOf, 1, 1)).toBe(false);
    expect(canMoveCategory(parentOf, 1, 3)).toBe(false);
    expect(canMoveCategory(parentOf, 2, 3)).toBe(false);
  });
  it("moves one place among siblings and stops at the ends", () => {
    expect(moveAmongSiblings([5, 6, 7], 7, "up")).toEqual([5, 7, 6]);
    expect(moveAmongSiblings([5, 6, 7], 5, "down")).toEqual([6, 5, 7]);
    expect(moveAmongSiblings([5, 6, 7], 5, "up")).toEqual([5, 6, 7]);
    expect(moveAmongSiblings([5, 6, 7], 7, "down")).toEqual([5, 6, 7]);
    expect(moveAmongSiblings([5, 6, 7], 9, "up")).toEqual([5, 6, 7]);
  });
});

describe("product tags", () => {
  it("stores known tags as space-separated keys in one order", () => {
    expect(formatProductTags(["clearance", "new", "new", "bogus"])).toBe("new clearance");
    expect(parseProductTags(" hot  new x ")).toEqual(["new", "hot"]);
    expect(parseProductTags("")).toEqual([]);
  });
});

describe("SKU rules", () => {
  const row = { code: "A", unit: "件", basePrice: 100, retailPrice: 150, minQty: 1, maxQty: null, multiple: 1 };
  it("accepts sound rows and names each problem with its row and field", () => {
    expect(checkSkuRows([row, { ...row, code: "B", maxQty: 1 }])).toEqual([]);
    expect(checkSkuRows([])).toEqual([{ index: null, field: null, code: "no_skus" }]);
    expect(
      checkSkuRows([row, { ...row, code: " A ", unit: " ", basePrice: -1, minQty: 5, maxQty: 4, multiple: 0 }]),
    ).toEqual([
      { index: 1, field: "code", code: "code_repeated" },
      { index: 1, field: "unit", code: "required" },
      { index: 1, field: "basePrice", code: "not_money" },
      { index: 1, field: "multiple", code: "not_positive_integer" },
      { index: 1, field: "maxQty", code: "max_below_min" },
    ]);
  });
});

describe("discount percentages", () => {
  it("reads per cent as basis points and writes them back", () => {
    expect(parsePercentToBp("95")).toBe(9500);
    expect(parsePercentToBp(" 92.5 % ")).toBe(9250);
    expect(parsePercentToBp("88.75")).toBe(8875);
    expect(parsePercentToBp("100")).toBe(10_000);
    expect(parsePercentToBp("0.01")).toBe(1);
    for (const bad of ["0", "100.01", "101", "-5", "9.999", "abc", ""]) expect(parsePercentToBp(bad)).toBeNull();
    expect(bpToPercentInput(9500)).toBe("95");
    expect(bpToPercentInput(9250)).toBe("92.5");
    expect(bpToPercentInput(8875)).toBe("88.75");
    expect(bpToPercentInput(1)).toBe("0.01");
  });
});

describe("the product form", () => {
  const formData = (entries: Array<[string, string]>) => {
    const f = new FormData();
    for (const [k, v] of entries) f.append(k, v);
    return f;
  };
  const sku = (i: number, code: string, extra: Array<[string, string]> = []): Array<[string, string]> => [
    ...defaults(i, code).filter(([k]) => !extra.some(([e]) => e === k)),
    ...extra,
  ];
  const defaults = (i: number, code: string): Array<[string, string]> => [
    [`skus.${i}.code`, code],
    [`skus.${i}.spec`, "颜色:红"],
    [`skus.${i}.barcode`, ""],
    [`skus.${i}.unit`, "箱"],
    [`skus.${i}.basePrice`, "12.5"],
    [`skus.${i}.retailPrice`, "1,299"],
    [`skus.${i}.minQty`, "2"],
    [`skus.${i}.maxQty`, ""],
    [`skus.${i}.multiple`, "2"],
  ];

  it("turns yuan into fen, rows into a list in order, and checkboxes into flags", () => {
    const result = parseProductForm(
      formData([
        ["name", " 矿泉水 "],
        ["categoryId", "7"],
        ["tags", "hot"],
        ["tags", "new"],
        ["listed", "1"],
        ...sku(3, "B", [["skus.3.listed", "1"]]),
        ...sku(0, "A", [["skus.0.id", "42"]]),
      ]),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data).toMatchObject({ name: "矿泉水", categoryId: 7, tags: ["hot", "new"], listed: true });
    expect(result.data.skus.map((s) => [s.id, s.code, s.basePrice, s.retailPrice, s.maxQty, s.listed])).toEqual([
      [42, "A", 1250, 129_900, null, false],
      [null, "B", 1250, 129_900, null, true],
    ]);
  });

  it("gives one message key per field and keeps what was typed", () => {
    const result = parseProductForm(
      formData([
        ["name", ""],
        ...sku(0, "A", [
          ["skus.0.basePrice", "12.345"],
          ["skus.0.minQty", "5"],
        ]),
        ...sku(1, "has space"),
      ]),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors).toMatchObject({
      name: "validation.required",
      "skus.0.basePrice": "validation.money",
      "skus.1.code": "products.errors.codeNoSpaces",
    });
    expect(result.values.skus[1]!.code).toBe("has space");
    expect(result.values.skus[0]!.basePrice).toBe("12.345");
  });

  it("reports repeated codes and a maximum below the minimum on the row that has them", () => {
    const result = parseProductForm(
      formData([["name", "x"], ...sku(0, "A"), ...sku(1, "A", [["skus.1.maxQty", "1"]])]),
    );
    expect(!result.ok && result.fieldErrors).toEqual({
      "skus.1.code": "products.errors.skuCodeRepeated",
      "skus.1.maxQty": "products.errors.maxBelowMin",
    });
  });

  it("adds and removes rows for the no-JavaScript form, never leaving none", () => {
    const values = emptyProductForm();
    const two = applyRowIntent(values, "addSku")!;
    expect(two.skus).toHaveLength(2);
    expect(applyRowIntent(two, "removeSku:0")!.skus).toHaveLength(1);
    expect(applyRowIntent(values, "removeSku:0")!.skus).toHaveLength(1);
    expect(applyRowIntent(values, "save")).toBeNull();
  });
});
