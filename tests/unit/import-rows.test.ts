import { describe, expect, it } from "vitest";
import {
  type CustomerRowContext,
  fenToYuan,
  headerRow,
  MAX_IMPORT_ROWS,
  makeReport,
  type ProductRow,
  type ProductRowContext,
  parseCategoryPath,
  parseFlag,
  parseMoneyToFen,
  parseQuantity,
  parseTags,
  planProducts,
  type TableRow,
  validateCustomerTable,
  validateProductTable,
} from "../../app/domain/import-rows";

/** A table as a file would give it: line 1 is the header. */
const table = (...rows: string[][]): TableRow[] => rows.map((cells, i) => ({ line: i + 1, cells }));

const productCtx = (over: Partial<ProductRowContext> = {}): ProductRowContext => ({
  levelCodes: ["A", "B"],
  canManagePrices: true,
  existingSkuCodes: new Set(),
  ...over,
});

const PRODUCT_HEADER_ZH = ["规格编码", "商品名称", "商品分类", "规格", "条码", "单位", "订货价", "零售价"];
const PRODUCT_HEADER_EN = [
  "SKU code",
  "Product name",
  "Category",
  "Spec",
  "Barcode",
  "Unit",
  "Base price",
  "Retail price",
];

describe("money, quantities, flags, tags, categories", () => {
  it("parses yuan to integer fen without floats", () => {
    expect(parseMoneyToFen("12.5")).toBe(1250);
    expect(parseMoneyToFen("0.1")).toBe(10);
    expect(parseMoneyToFen("¥1,200.05")).toBe(120005);
    expect(parseMoneyToFen("8元")).toBe(800);
    expect(parseMoneyToFen("19.99")).toBe(1999);
    expect(parseMoneyToFen("12.500")).toBe(1250);
    expect(parseMoneyToFen("99999999999.99")).toBe(9_999_999_999_999);
  });

  it("refuses what is not an amount of fen", () => {
    for (const bad of ["", "abc", "-1", "1.005", "1e3", "12.3.4", "11.000000000000002", "¥"]) {
      expect(parseMoneyToFen(bad), bad).toBeNull();
    }
  });

  it("formats fen back to the same text", () => {
    expect(fenToYuan(1250)).toBe("12.50");
    expect(fenToYuan(5)).toBe("0.05");
    expect(parseMoneyToFen(fenToYuan(123456789))).toBe(123456789);
  });

  it("accepts whole quantities only", () => {
    expect(parseQuantity("12")).toBe(12);
    expect(parseQuantity("1,000")).toBe(1000);
    expect(parseQuantity("6.0")).toBe(6);
    expect(parseQuantity("1.5")).toBeNull();
    expect(parseQuantity("-3")).toBeNull();
    expect(parseQuantity("99999999999")).toBeNull();
  });

  it("reads yes/no in both languages", () => {
    expect(parseFlag("是")).toBe(true);
    expect(parseFlag("YES")).toBe(true);
    expect(parseFlag("下架")).toBe(false);
    expect(parseFlag("0")).toBe(false);
    expect(parseFlag("maybe")).toBeNull();
  });

  it("reads tags by key or Chinese label, in a fixed order", () => {
    expect(parseTags("热卖 新品")).toEqual({ tags: ["new", "hot"], unknown: [] });
    expect(parseTags("clearance,hot、hot")).toEqual({ tags: ["hot", "clearance"], unknown: [] });
    expect(parseTags("特价")).toEqual({ tags: [], unknown: ["特价"] });
  });

  it("splits category paths and refuses empty or deep ones", () => {
    expect(parseCategoryPath("饮料/果汁")).toEqual(["饮料", "果汁"]);
    expect(parseCategoryPath(" 饮料 ／ 果汁 ")).toEqual(["饮料", "果汁"]);
    expect(parseCategoryPath("")).toEqual([]);
    expect(parseCategoryPath("饮料//果汁")).toBeNull();
    expect(parseCategoryPath("a/b/c/d/e/f")).toBeNull();
  });
});

describe("validateProductTable", () => {
  it("turns Chinese-headed rows into typed values", () => {
    const result = validateProductTable(
      table(
        [...PRODUCT_HEADER_ZH, "起订量", "限购量", "订货倍数", "上架", "标签", "级别价:A"],
        [
          "OJ-1L",
          "鲜榨橙汁",
          "饮料/果汁",
          "1L",
          "6901234567890",
          "瓶",
          "8.50",
          "12",
          "2",
          "",
          "2",
          "否",
          "新品",
          "8.00",
        ],
      ),
      productCtx(),
    );
    expect(result.problems).toEqual([]);
    expect(result.rows).toEqual([
      {
        line: 2,
        skuCode: "OJ-1L",
        productName: "鲜榨橙汁",
        categoryPath: ["饮料", "果汁"],
        spec: "1L",
        barcode: "6901234567890",
        unit: "瓶",
        basePrice: 850,
        retailPrice: 1200,
        minQty: 2,
        maxQty: null,
        multiple: 2,
        listed: false,
        tags: ["new"],
        levelPrices: [{ levelCode: "A", price: 800 }],
      },
    ]);
    expect(result.creates).toBe(1);
  });

  it("accepts English headers, header notes like （元） and the template's own header row", () => {
    const en = validateProductTable(
      table(PRODUCT_HEADER_EN, ["X1", "Cola", "", "", "", "can", "3", "4"]),
      productCtx(),
    );
    expect(en.problems).toEqual([]);
    const noted = validateProductTable(
      table(["规格编码*", "商品名称", "单位", "订货价（元）", "零售价(元)"], ["X1", "可乐", "罐", "3", "4"]),
      productCtx(),
    );
    expect(noted.problems).toEqual([]);
    expect(noted.rows[0]!.basePrice).toBe(300);
    const template = headerRow("products", "en", ["A", "B"]);
    const fromTemplate = validateProductTable(
      table(template, ["X1", "Cola", "", "", "", "can", "3", "4", "1", "", "1", "yes", "hot", "2.80", ""]),
      productCtx(),
    );
    expect(fromTemplate.problems).toEqual([]);
    expect(fromTemplate.rows[0]!.levelPrices).toEqual([
      { levelCode: "A", price: 280 },
      { levelCode: "B", price: null },
    ]);
  });

  it("reports every bad row with its line and the file's column names", () => {
    const result = validateProductTable(
      table(
        PRODUCT_HEADER_ZH,
        ["OK-1", "好商品", "", "", "", "瓶", "1", "2"],
        ["", "无编码", "", "", "", "瓶", "1", "2"],
        ["BAD-2", "", "", "", "", "", "1.234", "abc"],
        ["OK-1", "重复", "", "", "", "瓶", "1", "2"],
        ["", "", "", "", "", "", "", ""],
        ["BAD 3", "名称", "饮料//果汁", "", "69 01", "瓶", "1", "1"],
      ),
      productCtx(),
    );
    const got = result.problems.map((p) => [p.line, p.column, p.code]);
    expect(got).toEqual([
      [3, "规格编码", "required"],
      [4, "商品名称", "required"],
      [4, "单位", "required"],
      [4, "订货价", "money"],
      [4, "零售价", "money"],
      [5, "规格编码", "duplicateCode"],
      [7, "规格编码", "code"],
      [7, "商品分类", "category"],
      [7, "条码", "code"],
    ]);
    expect(result.problems.find((p) => p.code === "duplicateCode")!.params).toEqual({ line: 2, value: "OK-1" });
    expect(result.badRows).toBe(4);
    expect(result.dataRows).toBe(5);
    expect(result.rows.map((r) => r.skuCode)).toEqual(["OK-1"]);
  });

  it("checks quantity rules: whole numbers of at least 1, max not below min", () => {
    const result = validateProductTable(
      table(
        ["编码", "名称", "单位", "订货价", "零售价", "起订量", "限购量", "订货倍数"],
        ["Q1", "q", "瓶", "1", "1", "10", "5", "0"],
      ),
      productCtx(),
    );
    expect(result.problems.map((p) => [p.column, p.code])).toEqual([
      ["限购量", "maxBelowMin"],
      ["订货倍数", "atLeastOne"],
    ]);
    const fractional = validateProductTable(
      table(["编码", "名称", "单位", "订货价", "零售价", "起订量"], ["Q1", "q", "瓶", "1", "1", "1.5"]),
      productCtx(),
    );
    expect(fractional.problems.map((p) => [p.code, p.params])).toEqual([["integer", { value: "1.5" }]]);
  });

  it("lets an existing SKU's row carry only the columns it changes", () => {
    const result = validateProductTable(
      table(["SKU", "price"], ["OLD-1", "9.90"]),
      productCtx({ existingSkuCodes: new Set(["OLD-1"]) }),
    );
    expect(result.problems).toEqual([]);
    expect(result.rows[0]).toMatchObject({ skuCode: "OLD-1", basePrice: 990, productName: undefined, unit: undefined });
    expect(result.creates).toBe(0);
    const newOne = validateProductTable(table(["SKU", "price"], ["NEW-1", "9.90"]), productCtx());
    expect(newOne.problems.map((p) => [p.columnKey, p.code])).toEqual([
      ["productName", "required"],
      ["unit", "required"],
      ["retailPrice", "required"],
    ]);
  });

  it("does not let an empty cell blank a required field of an existing SKU", () => {
    const result = validateProductTable(
      table(["SKU", "商品名称", "单位"], ["OLD-1", "", ""]),
      productCtx({ existingSkuCodes: new Set(["OLD-1"]) }),
    );
    expect(result.problems.map((p) => [p.column, p.code])).toEqual([
      ["商品名称", "required"],
      ["单位", "required"],
    ]);
  });

  it("refuses unknown, duplicate or missing header columns, and level prices without the permission", () => {
    const unknown = validateProductTable(
      table(["规格编码", "价钱", "级别价:Z", "编码"], ["A", "1", "1", "A"]),
      productCtx(),
    );
    expect(unknown.problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [1, "价钱", "unknownColumn"],
      [1, "级别价:Z", "unknownLevelColumn"],
      [1, "编码", "duplicateColumn"],
    ]);
    expect(unknown.rows).toEqual([]);
    const noCode = validateProductTable(table(["商品名称"], ["可乐"]), productCtx());
    expect(noCode.problems).toEqual([{ line: 1, columnKey: "skuCode", code: "missingColumn" }]);
    const forbidden = validateProductTable(
      table(["规格编码", "Level price:a"], ["A", "1"]),
      productCtx({ canManagePrices: false }),
    );
    expect(forbidden.problems.map((p) => p.code)).toEqual(["levelPricesForbidden"]);
  });

  it("refuses an empty file and one with too many rows", () => {
    expect(validateProductTable(table(["规格编码"]), productCtx()).problems[0]!.code).toBe("emptyFile");
    expect(validateProductTable([], productCtx()).problems[0]!.code).toBe("emptyFile");
    const big = table(["规格编码"], ...Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => [`S${i}`]));
    expect(validateProductTable(big, productCtx()).problems[0]!.code).toBe("tooManyRows");
  });

  it("strips the exported formula guard before reading a cell", () => {
    const result = validateProductTable(
      table(PRODUCT_HEADER_ZH, ["'-1", "'=SUM(A1)", "", "", "", "瓶", "1", "1"]),
      productCtx(),
    );
    expect(result.problems).toEqual([]);
    expect(result.rows[0]).toMatchObject({ skuCode: "-1", productName: "=SUM(A1)" });
  });
});

const customerCtx = (over: Partial<CustomerRowContext> = {}): CustomerRowContext => ({
  levelCodes: ["A", "B"],
  regionCodes: ["east", "south"],
  allowedRegionCodes: null,
  existingCustomers: new Map(),
  usernameOwners: new Map(),
  ...over,
});

const CUSTOMER_HEADER = ["客户编码", "客户名称", "级别编码", "区域编码", "电话", "订货账号", "初始密码"];

describe("validateCustomerTable", () => {
  it("turns rows into customers, normalising usernames and matching codes regardless of case", () => {
    const result = validateCustomerTable(
      table(CUSTOMER_HEADER, ["C1", "一号商贸", "a", "East", "+86 138-0000", " Dealer.One ", "secret-pass"]),
      customerCtx(),
    );
    expect(result.problems).toEqual([]);
    expect(result.rows[0]).toMatchObject({
      code: "C1",
      name: "一号商贸",
      levelCode: "A",
      regionCode: "east",
      phone: "+86 138-0000",
      username: "dealer.one",
      password: "secret-pass",
    });
  });

  it("reports unknown codes, bad usernames, short passwords and duplicates within the file", () => {
    const result = validateCustomerTable(
      table(
        CUSTOMER_HEADER,
        ["C1", "一号", "Z", "west", "abc", "x", "short"],
        ["C2", "二号", "", "east", "", "dealer2", "long-enough"],
        ["C2", "二号重复", "", "east", "", "Dealer2", "long-enough"],
        ["C3", "三号", "", "", "", "", ""],
      ),
      customerCtx(),
    );
    expect(result.problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [2, "级别编码", "unknownLevel"],
      [2, "区域编码", "unknownRegion"],
      [2, "电话", "phone"],
      [2, "订货账号", "username"],
      [2, "初始密码", "passwordTooShort"],
      [4, "客户编码", "duplicateCode"],
      [4, "订货账号", "duplicateUsername"],
      [5, "区域编码", "required"],
      [5, "订货账号", "required"],
      [5, "初始密码", "required"],
    ]);
    expect(result.badRows).toBe(3);
  });

  it("keeps region-limited staff to their regions and does not reveal customers elsewhere", () => {
    const ctx = customerCtx({
      allowedRegionCodes: ["east"],
      existingCustomers: new Map([["S1", { regionCode: "south" }]]),
    });
    const result = validateCustomerTable(
      table(
        ["客户编码", "客户名称", "区域编码", "订货账号", "初始密码"],
        ["E1", "东", "east", "e-one", "long-enough"],
        ["N1", "南", "south", "n-one", "long-enough"],
        ["S1", "南方老客户", "east", "s-one", ""],
      ),
      ctx,
    );
    expect(result.problems.map((p) => [p.line, p.code, p.params?.value])).toEqual([
      [3, "regionOutOfScope", "south"],
      [4, "codeUnavailable", "S1"],
    ]);
  });

  it("refuses a username another account holds, but not the customer's own", () => {
    const ctx = customerCtx({
      existingCustomers: new Map([["C1", { regionCode: "east" }]]),
      usernameOwners: new Map<string, string | null>([
        ["c1-login", "C1"],
        ["admin", null],
      ]),
    });
    const result = validateCustomerTable(
      table(
        ["客户编码", "客户名称", "区域编码", "订货账号", "初始密码"],
        ["C1", "一号", "east", "C1-login", ""],
        ["C2", "二号", "east", "admin", "long-enough"],
      ),
      ctx,
    );
    expect(result.problems.map((p) => [p.line, p.code])).toEqual([[3, "usernameTaken"]]);
  });

  it("needs no password for existing customers and counts ignored ones", () => {
    const result = validateCustomerTable(
      table(["客户编码", "客户名称", "初始密码"], ["C1", "改名", "whatever-123"]),
      customerCtx({ existingCustomers: new Map([["C1", { regionCode: "east" }]]) }),
    );
    expect(result.problems).toEqual([]);
    expect(result.rows[0]).toMatchObject({ code: "C1", name: "改名", password: undefined, regionCode: undefined });
    expect(result.ignoredPasswords).toBe(1);
    const report = makeReport("customers", result);
    expect(report).toMatchObject({ dataRows: 1, creates: 0, updates: 1, problemCount: 0 });
  });
});

describe("planProducts", () => {
  const row = (over: Partial<ProductRow> & { skuCode: string; line: number }): ProductRow => ({
    levelPrices: [],
    ...over,
  });

  it("groups new SKUs by product name and category, and joins an existing product of the same name", () => {
    const plan = planProducts(
      [
        row({ line: 2, skuCode: "N1", productName: "可乐", categoryPath: ["饮料"] }),
        row({ line: 3, skuCode: "N2", productName: "可乐", categoryPath: ["饮料"] }),
        row({ line: 4, skuCode: "N3", productName: "可乐", categoryPath: [] }),
        row({ line: 5, skuCode: "N4", productName: "雪碧", categoryPath: ["饮料"] }),
      ],
      {
        skus: new Map(),
        products: new Map([[7, { id: 7, name: "雪碧", categoryPath: ["饮料"] }]]),
      },
    );
    expect(plan.problems).toEqual([]);
    expect(
      plan.products.map((p) => [p.existingId, p.name, p.categoryPath.join("/"), p.rows.map((r) => r.skuCode)]),
    ).toEqual([
      [null, "可乐", "饮料", ["N1", "N2"]],
      [null, "可乐", "", ["N3"]],
      [7, "雪碧", "饮料", ["N4"]],
    ]);
  });

  it("keeps existing SKUs in their product, renaming it, and lets new SKUs follow the new name", () => {
    const plan = planProducts(
      [
        row({ line: 2, skuCode: "OLD", productName: "新名字" }),
        row({ line: 3, skuCode: "NEW", productName: "新名字", categoryPath: ["饮料"] }),
      ],
      {
        skus: new Map([["OLD", { productId: 3, minQty: 1, maxQty: null, multiple: 1 }]]),
        products: new Map([[3, { id: 3, name: "旧名字", categoryPath: ["饮料"] }]]),
      },
    );
    expect(plan.products).toHaveLength(1);
    expect(plan.products[0]).toMatchObject({ existingId: 3, name: "新名字", categoryPath: ["饮料"] });
    expect(plan.products[0]!.rows.map((r) => r.skuCode)).toEqual(["OLD", "NEW"]);
  });

  it("reports rows that give one product different names or tags", () => {
    const plan = planProducts(
      [
        row({ line: 2, skuCode: "A", productName: "甲", tags: ["new"] }),
        row({ line: 3, skuCode: "B", productName: "乙" }),
        row({ line: 4, skuCode: "N", productName: "甲", categoryPath: ["饮料"], tags: ["hot"] }),
        row({ line: 5, skuCode: "M", productName: "甲", categoryPath: ["饮料"], tags: ["new"] }),
      ],
      {
        skus: new Map([
          ["A", { productId: 1, minQty: 1, maxQty: null, multiple: 1 }],
          ["B", { productId: 1, minQty: 1, maxQty: null, multiple: 1 }],
        ]),
        products: new Map([[1, { id: 1, name: "甲", categoryPath: ["饮料"] }]]),
      },
    );
    expect(plan.problems).toEqual([
      { line: 3, columnKey: "productName", code: "productConflict", params: { line: 2 } },
      { line: 4, columnKey: "tags", code: "productConflict", params: { line: 2 } },
    ]);
  });

  it("checks min and max as they will be stored when the file changes only one", () => {
    const plan = planProducts([row({ line: 2, skuCode: "A", minQty: 20 })], {
      skus: new Map([["A", { productId: 1, minQty: 1, maxQty: 10, multiple: 1 }]]),
      products: new Map([[1, { id: 1, name: "甲", categoryPath: [] }]]),
    });
    expect(plan.problems).toEqual([
      { line: 2, columnKey: "minQty", code: "maxBelowMin", params: { min: 20, max: 10 } },
    ]);
  });
});
