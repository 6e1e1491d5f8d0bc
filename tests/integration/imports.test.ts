import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCsvRow } from "../../app/domain/csv";
import type { TableRow } from "../../app/domain/import-rows";
import { BUILTIN_ROLES, type Permission, type StaffGrant } from "../../app/domain/permissions";
import { authenticateCredentials } from "../../app/services/accounts.server";
import {
  checkCustomerImport,
  customerExportRows,
  customerTemplateRows,
  importCustomers,
} from "../../app/services/imports/customers.server";
import {
  checkProductImport,
  importProducts,
  productExportRows,
  productTemplateRows,
} from "../../app/services/imports/products.server";
import { declaredUnzippedBytes, readTable } from "../../app/services/imports/read-file.server";
import { csvStream, type ExportCell, fromRows, xlsxStream } from "../../app/services/imports/spreadsheet-stream.server";
import { NOW, TEST_ACTOR } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
const ids = { east: 0, south: 0, levelA: 0, levelB: 0 };

beforeAll(async () => {
  t = await createTestDatabase();
  const at = NOW.toISOString();
  const regions = await t.db
    .insertInto("regions")
    .values([
      { code: "east", name: "华东", created_at: at },
      { code: "south", name: "华南", created_at: at },
    ])
    .returning(["id", "code"])
    .execute();
  ids.east = regions.find((r) => r.code === "east")!.id;
  ids.south = regions.find((r) => r.code === "south")!.id;
  const levels = await t.db
    .insertInto("customer_levels")
    .values([
      { code: "A", name: "一级", discount_bp: 9000, position: 1, created_at: at },
      { code: "B", name: "二级", discount_bp: 9500, position: 2, created_at: at },
    ])
    .returning(["id", "code"])
    .execute();
  ids.levelA = levels.find((l) => l.code === "A")!.id;
  ids.levelB = levels.find((l) => l.code === "B")!.id;
});
afterAll(() => t.destroy());

const grant = (
  permissions: readonly Permission[] = BUILTIN_ROLES.admin.permissions,
  regionIds: number[] | null = null,
) => ({ permissions: new Set(permissions), regionIds }) satisfies StaffGrant;
const ADMIN = grant();

/** A CSV file's rows exactly as an upload would give them (bytes → text → records). */
async function csvTable(rows: string[][]): Promise<TableRow[]> {
  const bytes = new TextEncoder().encode(`\uFEFF${rows.map(formatCsvRow).join("")}`);
  const read = await readTable("upload.csv", bytes);
  if (!read.ok) throw new Error(`unreadable test file: ${read.error}`);
  return read.table;
}

async function streamBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function exportTable(format: "csv" | "xlsx", rows: AsyncIterable<ExportCell[]>): Promise<TableRow[]> {
  const stream = format === "csv" ? csvStream(rows) : xlsxStream("Sheet", rows);
  const read = await readTable(`export.${format}`, await streamBytes(stream));
  if (!read.ok) throw new Error(`export did not read back: ${read.error}`);
  return read.table;
}

const PRODUCT_HEADER = [
  "规格编码",
  "商品名称",
  "商品分类",
  "规格",
  "条码",
  "单位",
  "订货价",
  "零售价",
  "起订量",
  "限购量",
  "订货倍数",
  "上架",
  "标签",
  "级别价:A",
  "级别价:B",
];

async function catalogSnapshot() {
  const skus = await t.db
    .selectFrom("skus as s")
    .innerJoin("products as p", "p.id", "s.product_id")
    .leftJoin("categories as c", "c.id", "p.category_id")
    .select([
      "s.code",
      "s.product_id",
      "p.name",
      "c.name as category",
      "p.tags",
      "p.search_text",
      "s.spec",
      "s.barcode",
      "s.unit",
      "s.base_price",
      "s.retail_price",
      "s.min_qty",
      "s.max_qty",
      "s.multiple",
      "s.listed",
    ])
    .orderBy("s.code")
    .execute();
  const levelPrices = await t.db
    .selectFrom("level_prices as lp")
    .innerJoin("skus as s", "s.id", "lp.sku_id")
    .innerJoin("customer_levels as l", "l.id", "lp.level_id")
    .select(["s.code", "l.code as level", "lp.price"])
    .orderBy("s.code")
    .orderBy("l.code")
    .execute();
  const counts = {
    products: Number(
      (
        await t.db
          .selectFrom("products")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    categories: Number(
      (
        await t.db
          .selectFrom("categories")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  };
  return {
    skus: skus.map((s) => ({ ...s, base_price: Number(s.base_price), retail_price: Number(s.retail_price) })),
    levelPrices: levelPrices.map((p) => ({ ...p, price: Number(p.price) })),
    counts,
  };
}

describe(`product import (${testDbKind()})`, () => {
  it("creates products, SKUs, categories and level prices from a clean file, with one audit row", async () => {
    const table = await csvTable([
      PRODUCT_HEADER,
      [
        "OJ-1L",
        "鲜榨橙汁",
        "饮料/果汁",
        "1L",
        "6901234567890",
        "瓶",
        "8.50",
        "12.00",
        "1",
        "",
        "6",
        "是",
        "新品",
        "8.00",
        "",
      ],
      [
        "OJ-2L",
        "鲜榨橙汁",
        "饮料/果汁",
        "2L",
        "6901234567891",
        "瓶",
        "15",
        "22",
        "2",
        "100",
        "2",
        "是",
        "新品",
        "",
        "14.50",
      ],
      [
        "COLA-330",
        "可乐",
        "饮料/碳酸饮料",
        "330ml",
        "",
        "罐",
        "2.30",
        "3.5",
        "24",
        "",
        "24",
        "否",
        "热卖 清仓",
        "",
        "",
      ],
    ]);
    const report = await checkProductImport(t.db, ADMIN, table);
    expect(report).toMatchObject({ dataRows: 3, creates: 3, updates: 0, problemCount: 0 });

    const result = await importProducts(t.db, TEST_ACTOR, ADMIN, { fileName: "products.csv", table }, NOW);
    expect(result.ok).toBe(true);
    expect(result.ok && result.summary).toEqual({
      createdSkus: 3,
      updatedSkus: 0,
      createdProducts: 2,
      createdCategories: 3,
    });

    const snap = await catalogSnapshot();
    expect(snap.counts).toEqual({ products: 2, categories: 3 });
    const oj1 = snap.skus.find((s) => s.code === "OJ-1L")!;
    const oj2 = snap.skus.find((s) => s.code === "OJ-2L")!;
    expect(oj1.product_id).toBe(oj2.product_id);
    expect(oj1).toMatchObject({ name: "鲜榨橙汁", category: "果汁", base_price: 850, retail_price: 1200, tags: "new" });
    expect(oj2).toMatchObject({ min_qty: 2, max_qty: 100, multiple: 2 });
    expect(snap.skus.find((s) => s.code === "COLA-330")).toMatchObject({
      base_price: 230,
      retail_price: 350,
      listed: 0,
      tags: "hot clearance",
      category: "碳酸饮料",
    });
    // The storefront finds a product by any of its SKUs' codes, barcodes and specs.
    expect(oj1.search_text).toBe("鲜榨橙汁 new oj-1l 6901234567890 1l oj-2l 6901234567891 2l");
    expect(snap.levelPrices).toEqual([
      { code: "OJ-1L", level: "A", price: 800 },
      { code: "OJ-2L", level: "B", price: 1450 },
    ]);
    const audit = await t.db.selectFrom("audit_log").selectAll().where("action", "=", "import.products").execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({ fileName: "products.csv", rows: 3, createdSkus: 3 });
  });

  it("updates in place on re-import: no duplicate products or SKUs, only the columns given change", async () => {
    const before = await catalogSnapshot();
    const table = await csvTable([
      ["SKU code", "Base price", "Level price:A", "Tags"],
      ["OJ-1L", "9.00", "", "hot"],
      ["COLA-330", "2.40", "2.20", "hot clearance"],
    ]);
    const result = await importProducts(t.db, TEST_ACTOR, ADMIN, { fileName: "prices.csv", table }, NOW);
    expect(result.ok && result.summary).toMatchObject({ createdSkus: 0, updatedSkus: 2, createdProducts: 0 });
    const after = await catalogSnapshot();
    expect(after.counts).toEqual(before.counts);
    expect(after.skus.map((s) => s.code)).toEqual(before.skus.map((s) => s.code));
    const oj1 = after.skus.find((s) => s.code === "OJ-1L")!;
    expect(oj1).toMatchObject({ base_price: 900, retail_price: 1200, spec: "1L", tags: "hot" });
    expect(after.levelPrices).toEqual([
      { code: "COLA-330", level: "A", price: 220 },
      { code: "OJ-2L", level: "B", price: 1450 },
    ]);
    expect(oj1.search_text).toContain("hot");
  });

  it("imports nothing from a file with bad rows and reports each bad line", async () => {
    const before = await catalogSnapshot();
    const auditsBefore = await t.db.selectFrom("audit_log").select("id").execute();
    const table = await csvTable([
      PRODUCT_HEADER,
      ["GOOD-1", "好商品", "饮料", "", "", "瓶", "1", "2", "", "", "", "", "", "", ""],
      ["BAD-1", "坏价格", "饮料", "", "", "瓶", "1.999", "2", "", "", "", "", "", "", ""],
      ["GOOD-2", "好商品", "饮料", "", "", "瓶", "1", "2", "", "", "", "", "", "", ""],
      ["BAD-2", "", "饮料", "", "", "瓶", "1", "2", "0", "", "", "也许", "", "", ""],
      ["GOOD-1", "重复编码", "饮料", "", "", "瓶", "1", "2", "", "", "", "", "", "", ""],
    ]);
    const result = await importProducts(t.db, TEST_ACTOR, ADMIN, { fileName: "bad.csv", table }, NOW);
    expect(result.ok).toBe(false);
    expect(result.report.badRows).toBe(3);
    expect([...new Set(result.report.problems.map((p) => p.line))]).toEqual([3, 5, 6]);
    expect(result.report.problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [3, "订货价", "money"],
      [5, "商品名称", "required"],
      [5, "起订量", "atLeastOne"],
      [5, "上架", "boolean"],
      [6, "规格编码", "duplicateCode"],
    ]);
    expect(await catalogSnapshot()).toEqual(before);
    expect(await t.db.selectFrom("audit_log").select("id").execute()).toHaveLength(auditsBefore.length);
  });

  it("refuses level prices from staff without price management", async () => {
    const table = await csvTable([
      ["规格编码", "级别价:A"],
      ["OJ-1L", "1.00"],
    ]);
    const report = await checkProductImport(t.db, grant(["product.manage", "product.view"]), table);
    expect(report.problems.map((p) => p.code)).toEqual(["levelPricesForbidden"]);
  });

  it("re-imports its own export (CSV and XLSX) to exactly the same data", async () => {
    // Values a spreadsheet would run as formulas must survive the round trip unchanged.
    const tricky = await csvTable([
      ["规格编码", "商品名称", "单位", "订货价", "零售价", "规格"],
      ["=EVIL", "+86 特供", "箱", "0.05", "0", '@home, "quoted"\nline'],
    ]);
    expect((await importProducts(t.db, TEST_ACTOR, ADMIN, { fileName: "t.csv", table: tricky }, NOW)).ok).toBe(true);
    const before = await catalogSnapshot();

    for (const format of ["csv", "xlsx"] as const) {
      for (const language of ["zh", "en"] as const) {
        const table = await exportTable(format, productExportRows(t.db, language));
        expect(table).toHaveLength(before.skus.length + 1);
        const result = await importProducts(t.db, TEST_ACTOR, ADMIN, { fileName: `export.${format}`, table }, NOW);
        expect(result.ok, JSON.stringify(result.report.problems)).toBe(true);
        expect(result.report).toMatchObject({ creates: 0, updates: before.skus.length });
        expect(await catalogSnapshot()).toEqual(before);
      }
    }
  });

  it("escapes formula-like cells in exports with a leading apostrophe", async () => {
    const bytes = await streamBytes(csvStream(productExportRows(t.db, "zh")));
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith("\uFEFF规格编码,商品名称")).toBe(true);
    expect(text).toContain("'=EVIL,'+86 特供");
    expect(text).not.toMatch(/(^|[\n,])[=+@]/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      (await streamBytes(xlsxStream("商品", productExportRows(t.db, "zh")))).buffer as ArrayBuffer,
    );
    const values = workbook.worksheets[0]!.getColumn(1).values.filter((v) => typeof v === "string");
    expect(values).toContain("'=EVIL");
  });

  it("gives templates that import as they are", async () => {
    for (const format of ["csv", "xlsx"] as const) {
      const table = await exportTable(format, fromRows(await productTemplateRows(t.db, "zh")));
      expect(table[0]!.cells).toEqual(PRODUCT_HEADER);
      const report = await checkProductImport(t.db, ADMIN, table);
      expect(report).toMatchObject({ problemCount: 0, dataRows: 1 });
    }
  });
});

const CUSTOMER_HEADER = [
  "客户编码",
  "客户名称",
  "级别编码",
  "区域编码",
  "联系人",
  "电话",
  "地址",
  "发票抬头",
  "税号",
  "开户银行",
  "银行账号",
  "订货账号",
  "初始密码",
];

async function customerSnapshot() {
  return t.db
    .selectFrom("customers as c")
    .innerJoin("accounts as a", "a.id", "c.account_id")
    .select([
      "c.id",
      "c.code",
      "c.name",
      "c.level_id",
      "c.region_id",
      "c.contact_name",
      "c.phone",
      "c.address",
      "c.invoice_title",
      "c.tax_no",
      "c.bank_name",
      "c.bank_account",
      "a.id as account_id",
      "a.username",
      "a.kind",
      "a.password_hash",
    ])
    .orderBy("c.code")
    .execute();
}

describe(`customer import (${testDbKind()})`, () => {
  it("creates customers, each with its one ordering account that can sign in", async () => {
    const table = await csvTable([
      CUSTOMER_HEADER,
      [
        "E001",
        "杭州一号商贸",
        "A",
        "east",
        "周一",
        "13800000001",
        "杭州",
        "杭州一号商贸有限公司",
        "9133",
        "工行",
        "6222",
        "E-One",
        "first-pass-1",
      ],
      ["S001", "广州一号商贸", "", "south", "", "", "", "", "", "", "", "s-one", "first-pass-2"],
    ]);
    const result = await importCustomers(t.db, TEST_ACTOR, ADMIN, { fileName: "c.csv", table }, NOW);
    expect(result.ok && result.summary).toEqual({ createdCustomers: 2, updatedCustomers: 0 });
    const rows = await customerSnapshot();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      code: "E001",
      level_id: ids.levelA,
      region_id: ids.east,
      username: "e-one",
      kind: "customer",
      invoice_title: "杭州一号商贸有限公司",
      bank_account: "6222",
    });
    expect(rows[1]).toMatchObject({ code: "S001", level_id: null, region_id: ids.south });
    expect(await authenticateCredentials(t.db, "e-one", "first-pass-1")).toMatchObject({ kind: "customer" });
    expect(await authenticateCredentials(t.db, "s-one", "first-pass-2")).not.toBeNull();
    const audit = await t.db.selectFrom("audit_log").selectAll().where("action", "=", "import.customers").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after_json).not.toContain("first-pass");
  });

  it("updates in place on re-import and keeps existing passwords", async () => {
    const before = await customerSnapshot();
    const table = await csvTable([
      ["Customer code", "Customer name", "Level code", "Region code", "Username", "Initial password"],
      ["E001", "杭州一号商贸（新）", "B", "east", "e-one", "ignored-password"],
      ["S001", "广州一号商贸", "", "south", "s-one-new", ""],
    ]);
    const report = await checkCustomerImport(t.db, ADMIN, table);
    expect(report).toMatchObject({ creates: 0, updates: 2, ignoredPasswords: 1, problemCount: 0 });
    const result = await importCustomers(t.db, TEST_ACTOR, ADMIN, { fileName: "c2.csv", table }, NOW);
    expect(result.ok && result.summary).toEqual({ createdCustomers: 0, updatedCustomers: 2 });
    const after = await customerSnapshot();
    expect(after.map((c) => [c.id, c.account_id])).toEqual(before.map((c) => [c.id, c.account_id]));
    expect(after[0]).toMatchObject({ name: "杭州一号商贸（新）", level_id: ids.levelB, contact_name: "周一" });
    expect(after[0]!.password_hash).toBe(before[0]!.password_hash);
    expect(after[1]!.username).toBe("s-one-new");
    expect(await authenticateCredentials(t.db, "s-one-new", "first-pass-2")).not.toBeNull();
  });

  it("imports nothing from a file with bad rows and reports each bad line", async () => {
    const before = await customerSnapshot();
    const table = await csvTable([
      CUSTOMER_HEADER,
      ["N001", "新客户", "A", "east", "", "", "", "", "", "", "", "n-one", "good-password"],
      ["N002", "新客户二", "Z", "west", "", "", "", "", "", "", "", "e-one", "short"],
      ["N003", "新客户三", "", "east", "", "", "", "", "", "", "", "n-one", "good-password"],
    ]);
    const result = await importCustomers(t.db, TEST_ACTOR, ADMIN, { fileName: "bad.csv", table }, NOW);
    expect(result.ok).toBe(false);
    expect(result.report.problems.map((p) => [p.line, p.code])).toEqual([
      [3, "unknownLevel"],
      [3, "unknownRegion"],
      [3, "usernameTaken"],
      [3, "passwordTooShort"],
      [4, "duplicateUsername"],
    ]);
    expect(await customerSnapshot()).toEqual(before);
  });

  it("lets region-limited staff import only customers of their regions", async () => {
    const eastOnly = grant(["customer.view", "customer.manage"], [ids.east]);
    const table = await csvTable([
      ["客户编码", "客户名称", "区域编码", "订货账号", "初始密码"],
      ["E002", "杭州二号", "east", "e-two", "good-password"],
      ["S002", "广州二号", "south", "s-two", "good-password"],
      ["S001", "改名广州一号", "east", "s-one-new", ""],
    ]);
    const result = await importCustomers(t.db, TEST_ACTOR, eastOnly, { fileName: "scoped.csv", table }, NOW);
    expect(result.ok).toBe(false);
    expect(result.report.problems.map((p) => [p.line, p.code])).toEqual([
      [3, "regionOutOfScope"],
      [4, "codeUnavailable"],
    ]);
    const ok = await importCustomers(
      t.db,
      TEST_ACTOR,
      eastOnly,
      { fileName: "scoped.csv", table: table.slice(0, 2) },
      NOW,
    );
    expect(ok.ok).toBe(true);
  });

  it("exports only the regions a region-limited account sees, and never passwords", async () => {
    const eastOnly = grant(["customer.view"], [ids.east]);
    const table = await exportTable("csv", customerExportRows(t.db, eastOnly, "zh"));
    expect(table[0]!.cells).toEqual(CUSTOMER_HEADER);
    expect(table.slice(1).map((r) => r.cells[0])).toEqual(["E001", "E002"]);
    expect(table.slice(1).every((r) => r.cells[3] === "east" && r.cells[12] === "")).toBe(true);
    const all = await exportTable("xlsx", customerExportRows(t.db, ADMIN, "en"));
    expect(all.slice(1).map((r) => r.cells[0])).toEqual(["E001", "E002", "S001"]);
    const nowhere = await exportTable("csv", customerExportRows(t.db, grant(["customer.view"], []), "zh"));
    expect(nowhere).toHaveLength(1);
  });

  it("re-imports its own export to the same data", async () => {
    const before = await customerSnapshot();
    for (const format of ["csv", "xlsx"] as const) {
      const table = await exportTable(format, customerExportRows(t.db, ADMIN, "zh"));
      const result = await importCustomers(t.db, TEST_ACTOR, ADMIN, { fileName: `c.${format}`, table }, NOW);
      expect(result.ok, JSON.stringify(result.report.problems)).toBe(true);
      expect(result.report).toMatchObject({ creates: 0, updates: before.length });
      expect(await customerSnapshot()).toEqual(before);
    }
  });

  it("gives a template whose example row is valid for the importer's regions", async () => {
    const eastOnly = grant(["customer.manage"], [ids.east]);
    const rows = await customerTemplateRows(t.db, eastOnly, "en");
    expect(rows[1]![3]).toBe("east");
    const report = await checkCustomerImport(t.db, eastOnly, await exportTable("xlsx", fromRows(rows)));
    expect(report).toMatchObject({ problemCount: 0, creates: 1 });
  });
});

describe("reading uploaded files", () => {
  it("refuses files of the wrong type, damaged workbooks and broken CSV with a reason", async () => {
    expect(await readTable("a.pdf", new Uint8Array([1, 2, 3]))).toEqual({ ok: false, error: "type" });
    expect(await readTable("a.csv", new Uint8Array([0x61, 0, 0x62]))).toEqual({ ok: false, error: "type" });
    const fakeZip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]);
    expect(await readTable("a.xlsx", fakeZip)).toEqual({ ok: false, error: "malformedXlsx" });
    expect(await readTable("a.csv", fakeZip)).toEqual({ ok: false, error: "type" });
    expect(await readTable("a.xlsx", new TextEncoder().encode("a,b"))).toEqual({ ok: false, error: "type" });
    expect(await readTable("a.csv", new TextEncoder().encode('a,b\n"x,y\n'))).toEqual({
      ok: false,
      error: "malformedCsv",
      line: 2,
    });
    expect(await readTable("a.csv", new Uint8Array(10 * 1024 * 1024 + 1))).toEqual({ ok: false, error: "tooLarge" });
  });

  it("reads a CSV saved by Excel on Chinese Windows (GB18030)", async () => {
    // "规格编码,商品名称\r\nA1,可乐\r\n" in GBK.
    const gbk = new Uint8Array([
      0xb9, 0xe6, 0xb8, 0xf1, 0xb1, 0xe0, 0xc2, 0xeb, 0x2c, 0xc9, 0xcc, 0xc6, 0xb7, 0xc3, 0xfb, 0xb3, 0xc6, 0x0d, 0x0a,
      0x41, 0x31, 0x2c, 0xbf, 0xc9, 0xc0, 0xd6, 0x0d, 0x0a,
    ]);
    const read = await readTable("gbk.csv", gbk);
    expect(read.ok && read.table.map((r) => r.cells)).toEqual([
      ["规格编码", "商品名称"],
      ["A1", "可乐"],
    ]);
  });

  it("reads numbers, formulas and rich text from a workbook as text, by row number", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("s");
    sheet.addRow(["规格编码", "订货价", "商品名称"]);
    sheet.addRow([]);
    sheet.getCell("A3").value = "X1";
    sheet.getCell("B3").value = { formula: "10*1.25", result: 12.5 };
    sheet.getCell("C3").value = { richText: [{ text: "可" }, { text: "乐" }] };
    const read = await readTable("w.xlsx", new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(read.ok && read.table).toEqual([
      { line: 1, cells: ["规格编码", "订货价", "商品名称"] },
      { line: 3, cells: ["X1", "12.5", "可乐"] },
    ]);
  });
});

describe("zip bombs", () => {
  it("refuses a workbook whose parts declare more than the unpacked limit, before unpacking it", async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("s").addRow(["规格编码"]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    expect(declaredUnzippedBytes(bytes)).toBeGreaterThan(0);
    expect((await readTable("ok.xlsx", bytes)).ok).toBe(true);
    // Rewrite the first central-directory entry to claim 4 GB unpacked.
    const forged = bytes.slice();
    const view = new DataView(forged.buffer);
    let at = forged.length - 22;
    while (view.getUint32(at, true) !== 0x06054b50) at--;
    const first = view.getUint32(at + 16, true);
    view.setUint32(first + 24, 0xffffffff, true);
    expect(await readTable("bomb.xlsx", forged)).toEqual({ ok: false, error: "malformedXlsx" });
  });
});
