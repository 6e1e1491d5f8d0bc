// The supplier keeps the catalog true in the console (管理后台) and the dealer sees it in the
// storefront: imports with a dry run, a product with two SKUs and a picture, a stock adjustment,
// an order placed for a customer by staff (代下单), and a customer's ordering account.
import { readFile } from "node:fs/promises";
import type { BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { SYSTEM_ACTOR } from "../../app/services/audit.server";
import { updateSettings } from "../../app/services/settings.server";
import { type Database, openDatabase } from "../../db/client";
import { login, open, screenshot, waitForHydration } from "../support/browser";
import { CookieJar, postLogin } from "./http";
import { baseUrl, browsersPerTest, pathOf, textOf } from "./journey";

const newBrowser = browsersPerTest();
let database: Database;

beforeAll(() => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
});
afterAll(async () => {
  // Whatever a test did to the stock display, the rest of the suite sees the default.
  await updateSettings(database.db, SYSTEM_ACTOR, { stockDisplay: "flag" }, new Date());
  await forgetCustomers(createdCustomers);
  await database.close();
});

/** Codes of the customers these journeys create (by import or by hand). */
const createdCustomers: string[] = [];

/**
 * Takes the customers these journeys created back out of the customer list once the journeys
 * have seen them work: other journeys (console.test.ts) expect the demo's five customers exactly.
 * They have no orders or money. An ordering account the audit log names (it signed in) must stay,
 * as the log is append-only: it is left switched off, with no customer behind it.
 */
async function forgetCustomers(codes: readonly string[]) {
  if (!codes.length) return;
  await database.db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("customers").select(["id", "account_id"]).where("code", "in", codes).execute();
    if (!rows.length) return;
    const ids = rows.map((r) => r.id);
    const accounts = rows.map((r) => r.account_id);
    for (const table of [
      "cart_items",
      "favourites",
      "customer_prices",
      "customer_addresses",
      "fund_balances",
    ] as const) {
      await trx.deleteFrom(table).where("customer_id", "in", ids).execute();
    }
    await trx.deleteFrom("customers").where("id", "in", ids).execute();
    const named = await trx
      .selectFrom("audit_log")
      .select("actor_account_id")
      .distinct()
      .where("actor_account_id", "in", accounts)
      .execute();
    const kept = named.map((r) => r.actor_account_id!);
    const unnamed = accounts.filter((a) => !kept.includes(a));
    if (unnamed.length) await trx.deleteFrom("accounts").where("id", "in", unnamed).execute();
    if (kept.length) await trx.updateTable("accounts").set({ active: 0 }).where("id", "in", kept).execute();
  });
}

/** A suffix that keeps codes and names of this run apart from any earlier one. */
const RUN = Date.now().toString(36).slice(-5).toUpperCase();

/**
 * Signs in over HTTP and hands the session to the browser. For accounts another journey may
 * have throttled a moment ago (login.test.ts throttles `sh-dealer`): waits out a 429 first.
 */
async function signInWhenAllowed(context: BrowserContext, username: string) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const jar = new CookieJar();
    const response = await postLogin(baseUrl(), username, "demo1234", jar);
    if (response.status === 302) {
      await context.addCookies([{ name: "dh_session", value: jar.get("dh_session")!, url: baseUrl() }]);
      return;
    }
    expect(response.status, `signing in as ${username}`).toBe(429);
    await new Promise((r) => setTimeout(r, Number(response.headers.get("retry-after")) * 1000 + 300));
  }
  throw new Error(`${username} stayed throttled`);
}

/** The header row of the template CSV, downloaded from the page (UTF-8 with BOM, no quoted commas). */
async function templateHeader(page: Page, kind: "products" | "customers"): Promise<string[]> {
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "CSV 模板", exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`dinghuo-${kind}-template.csv`);
  const text = (await readFile((await download.path())!, "utf8")).replace(/^\uFEFF/, "");
  return text.split(/\r?\n/)[0]!.split(",");
}

/** A CSV with the template's header; each row names its cells by header, the rest stay empty. */
function csvOf(header: readonly string[], rows: ReadonlyArray<Record<string, string>>): Buffer {
  const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  for (const row of rows) {
    for (const key of Object.keys(row)) expect(header, `template column ${key}`).toContain(key);
  }
  const lines = [header, ...rows.map((row) => header.map((h) => row[h] ?? ""))].map((r) => r.map(cell).join(","));
  return Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8");
}

async function checkFile(page: Page, name: string, buffer: Buffer) {
  await page.locator("#import-file").setInputFiles({ name, mimeType: "text/csv", buffer });
  await page.getByRole("button", { name: "检查文件", exact: true }).click();
  const result = page.getByTestId("check-result");
  await expect.poll(() => textOf(result.locator("h2"))).toBe(`检查结果：${name}`);
  return result;
}

/** The dry run's problem table as [line, column, problem] rows. */
async function problemRows(page: Page) {
  const rows = page.getByTestId("check-result").locator("table tbody tr");
  const out: string[][] = [];
  for (const row of await rows.all()) out.push((await row.locator("td").allTextContents()).map((s) => s.trim()));
  return out;
}

const importButton = (page: Page) => page.getByRole("button", { name: /^导入 \d+ 行$/ });

/** One figure of the dry run's summary (数据行, 有问题的行, 将新建…). */
const stat = (page: Page, label: string) =>
  textOf(page.getByTestId("check-result").locator("dl > div", { hasText: label }).locator("dd"));

describe("import with a dry run", () => {
  test("products: every bad row is listed by line and reason, nothing is imported; a clean file imports", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "admin");
    await page.getByRole("link", { name: "导入导出", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/admin/import/products");
    await waitForHydration(page);
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("导入导出：商品");

    const header = await templateHeader(page, "products");
    expect(header.slice(0, 3)).toEqual(["规格编码", "商品名称", "商品分类"]);
    expect(header).toContain("级别价:A");

    const code = (n: number) => `E3I${RUN}-${n}`;
    const juice = `导入测试橙汁${RUN}`;
    const tea = `导入测试乌龙${RUN}`;
    const good = (skuCode: string, name: string, spec: string, price: string) => ({
      规格编码: skuCode,
      商品名称: name,
      商品分类: "饮料/果汁",
      规格: spec,
      单位: "箱",
      订货价: price,
      零售价: "30.00",
      起订量: "1",
      订货倍数: "1",
      上架: "是",
      标签: "新品",
    });
    const rows = [
      good(code(1), juice, "1L×12瓶", "20.00"), // line 2
      { ...good(code(2), juice, "2L×6瓶", "22.00"), "级别价:A": "九折" }, // line 3: not money
      good(code(3), juice, "300ml×24瓶", "18.00"), // line 4
      { ...good(code(4), tea, "500ml×15瓶", "40.00"), 起订量: "10", 限购量: "5" }, // line 5: max below min
      good(code(5), tea, "1L×12瓶", "45.00"), // line 6
      good(code(1), juice, "1L×12瓶", "20.00"), // line 7: the code of line 2 again
    ];
    const badName = `products-bad-${RUN}.csv`;
    await checkFile(page, badName, csvOf(header, rows));
    await expect
      .poll(() => problemRows(page))
      .toEqual([
        ["3", "级别价:A", "“九折”不是有效金额（如 12.50，最多两位小数）。"],
        ["5", "限购量", "限购量 5 小于起订量 10。"],
        ["7", "规格编码", `编码“${code(1)}”与第 2 行重复。`],
      ]);
    expect(await stat(page, "数据行")).toBe("6");
    expect(await stat(page, "有问题的行")).toBe("3");
    expect(await textOf(page.getByTestId("check-result"))).toContain("有 3 行存在问题，没有导入任何数据。");
    expect(await importButton(page).count(), "no import button while rows are bad").toBe(0);
    await screenshot(page, "i3-import-products-errors-zh");
    // The dry run wrote nothing.
    const none = await database.db.selectFrom("skus").select("id").where("code", "like", `E3I${RUN}-%`).execute();
    expect(none).toEqual([]);

    // The fixed file: the good rows only.
    const cleanName = `products-clean-${RUN}.csv`;
    await checkFile(page, cleanName, csvOf(header, [rows[0]!, rows[2]!, rows[4]!]));
    await expect.poll(() => stat(page, "将新建")).toBe("3");
    expect(await textOf(page.getByTestId("check-result"))).toContain("检查通过：3 行数据全部有效。");
    expect(await page.getByTestId("check-result").locator("table").count()).toBe(0);
    await importButton(page).click();
    const done = page.getByTestId("import-done");
    await expect.poll(() => textOf(done), { timeout: 15_000 }).toContain(`导入完成：${cleanName}`);
    expect(await textOf(done)).toContain("新建规格 3 个、更新规格 0 个，新建商品 2 个、分类 0 个。");
    await screenshot(page, "i3-import-products-done-zh");

    // The products are in the console's list, found by the run's name and by a SKU code.
    await open(page, `${baseUrl()}/admin/products?q=${encodeURIComponent(RUN)}`);
    const list = page.locator("main table tbody");
    await expect.poll(() => list.locator("tr").count()).toBe(2);
    const listText = await textOf(list);
    expect(listText).toContain(juice);
    expect(listText).toContain(tea);
    expect(await textOf(list.locator("tr", { hasText: juice }))).toContain(`${code(1)} · ${code(3)}`);
    expect(await textOf(list.locator("tr", { hasText: juice }))).toContain("¥18.00 – ¥20.00");
    await open(page, `${baseUrl()}/admin/products?q=${encodeURIComponent(code(5))}`);
    await expect.poll(() => textOf(list)).toContain(tea);
    expect(await list.locator("tr").count()).toBe(1);
  });

  test("customers: an unknown region code is reported on its line; the fixed file imports", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "admin");
    await open(page, `${baseUrl()}/admin/import/customers`);
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("导入导出：客户");
    const header = await templateHeader(page, "customers");
    expect(header.slice(0, 4)).toEqual(["客户编码", "客户名称", "级别编码", "区域编码"]);

    const customer = (n: number, region: string) => ({
      客户编码: `E3K${RUN}${n}`,
      客户名称: `导入测试客户${RUN}-${n}`,
      级别编码: "B",
      区域编码: region,
      联系人: "周测试",
      电话: "0571-88880000",
      地址: "浙江省杭州市滨江区江南大道 1 号",
      订货账号: `e3k${RUN.toLowerCase()}${n}`,
      初始密码: "Import-2026-ok",
    });
    createdCustomers.push(customer(1, "").客户编码, customer(2, "").客户编码, customer(3, "").客户编码);
    const badName = `customers-bad-${RUN}.csv`;
    await checkFile(page, badName, csvOf(header, [customer(1, "east"), customer(2, "mars"), customer(3, "south")]));
    await expect.poll(() => problemRows(page)).toEqual([["3", "区域编码", "不存在区域“mars”。"]]);
    expect(await stat(page, "有问题的行")).toBe("1");
    expect(await importButton(page).count()).toBe(0);
    await screenshot(page, "i3-import-customers-errors-zh");

    const cleanName = `customers-clean-${RUN}.csv`;
    await checkFile(page, cleanName, csvOf(header, [customer(1, "east"), customer(2, "north"), customer(3, "south")]));
    await expect.poll(() => stat(page, "将新建")).toBe("3");
    await importButton(page).click();
    const done = page.getByTestId("import-done");
    await expect.poll(() => textOf(done), { timeout: 20_000 }).toContain(`导入完成：${cleanName}`);
    expect(await textOf(done)).toContain("新建客户 3 个（含订货账号），更新客户 0 个。");

    await open(page, `${baseUrl()}/admin/customers?q=E3K${RUN}`);
    const codes = await page.locator("main table tbody tr td:first-child").allTextContents();
    expect(codes.map((c) => c.trim())).toEqual([`E3K${RUN}1`, `E3K${RUN}2`, `E3K${RUN}3`]);
    expect(await textOf(page.locator("main table tbody"))).toContain("华北");
  });
});

describe("a product from the console to the storefront", () => {
  test("admin creates a product with two SKUs and a picture; the dealer finds it at its level price", async () => {
    const name = `测试果汁礼盒${RUN}`;
    const codes = [`E3P${RUN}-1`, `E3P${RUN}-2`];
    const { page } = await newBrowser();
    await login(page, baseUrl(), "admin");
    await open(page, `${baseUrl()}/admin/products`);
    await page.getByRole("link", { name: "新建商品", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/admin/products/new");
    await waitForHydration(page);

    await page.getByLabel("商品名称", { exact: true }).fill(name);
    const category = page.getByLabel("分类", { exact: true });
    const juiceValue = await category.locator("option", { hasText: "果汁" }).first().getAttribute("value");
    await category.selectOption(juiceValue!);
    await page.getByLabel("商品描述", { exact: true }).fill("端到端测试创建的商品。");
    await page.getByRole("button", { name: "+ 添加规格" }).click();
    await expect.poll(() => page.getByTestId("sku-row").count()).toBe(2);
    const sku = (field: string, n: number) => page.getByLabel(`${field} #${n}`, { exact: true });
    const fill = async (n: number, values: Record<string, string>) => {
      for (const [field, value] of Object.entries(values)) await sku(field, n).fill(value);
    };
    await fill(1, { 规格: "1L×6瓶", "SKU 编码": codes[0]!, 单位: "箱", 订货价: "20.00", 零售价: "26.00" });
    await fill(2, { 规格: "2L×4瓶", "SKU 编码": codes[1]!, 单位: "箱", 订货价: "35.50", 零售价: "45" });
    await screenshot(page, "i3-product-new-filled-zh");
    await page.getByRole("button", { name: "创建商品", exact: true }).click();
    await page.waitForURL(/\/admin\/products\/\d+\?saved=created$/);
    await waitForHydration(page);
    await expect.poll(() => textOf(page.locator("main"))).toContain("商品已创建。现在可以上传商品图片。");
    expect(await textOf(page.locator("main h1"))).toBe(name);
    const productId = Number(new URL(page.url()).pathname.split("/").pop());

    // A PNG made here: 64×64, orange.
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#f97316" } })
      .png()
      .toBuffer();
    await page.locator('input[name="images"]').setInputFiles({ name: "礼盒.png", mimeType: "image/png", buffer: png });
    await page.getByRole("button", { name: "上传", exact: true }).click();
    await expect.poll(() => textOf(page.locator("main"))).toContain("已添加 1 张图片。");
    const image = page.getByTestId("product-image");
    await expect.poll(() => image.count()).toBe(1);
    expect(await textOf(image)).toContain("主图 · 64×64");
    await screenshot(page, "i3-product-edit-uploaded-zh");

    // In the list with its thumbnail, which loads and may be cached for good.
    await open(page, `${baseUrl()}/admin/products?q=${encodeURIComponent(name)}`);
    const row = page.locator("main table tbody tr");
    await expect.poll(() => row.count()).toBe(1);
    expect(await textOf(row)).toContain(`${codes[0]} · ${codes[1]}`);
    expect(await textOf(row)).toContain("¥20.00 – ¥35.50");
    const thumb = row.locator("img");
    const src = await thumb.getAttribute("src");
    expect(src).toMatch(/^\/images\/\d+\/thumb$/);
    await thumb.scrollIntoViewIfNeeded();
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);
    const served = await page.context().request.get(`${baseUrl()}${src}`);
    expect(served.status()).toBe(200);
    expect(served.headers()["content-type"]).toBe("image/webp");
    expect(served.headers()["cache-control"]).toContain("immutable");
    await screenshot(page, "i3-products-list-thumb-zh");

    // hz-dealer (level A: 90 % of the base price, no explicit price for these SKUs).
    const dealer = await newBrowser();
    await login(dealer.page, baseUrl(), "hz-dealer");
    await dealer.page.locator("#catalog-q").fill(name);
    await dealer.page.locator('form[role="search"] button[type="submit"]').click();
    await dealer.page.waitForURL(/q=/);
    const cards = dealer.page.getByTestId("product-card");
    await expect.poll(() => cards.count()).toBe(1);
    expect(await textOf(cards)).toContain(name);
    expect(await textOf(cards)).toContain("¥18.00");
    expect(await textOf(cards)).toContain("2 个规格");
    const cardImage = cards.locator("img");
    await expect.poll(() => cardImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);

    // Found by a SKU code too.
    await open(dealer.page, `${baseUrl()}/shop?q=${encodeURIComponent(codes[1]!)}`);
    await expect.poll(() => textOf(cards)).toContain(name);
    await cards.click();
    await dealer.page.waitForURL(`**/shop/products/${productId}`);
    await waitForHydration(dealer.page);
    const first = dealer.page.getByTestId(`sku-${codes[0]}`);
    const second = dealer.page.getByTestId(`sku-${codes[1]}`);
    // The URL changes before the product page has rendered: wait for the page itself.
    await expect.poll(() => textOf(first), { timeout: 10_000 }).toContain("¥18.00");
    expect(await textOf(first)).toContain("建议零售价：¥26.00");
    // 3550 fen × 0.9 = 3195 fen.
    expect(await textOf(second)).toContain("¥31.95");
    expect(await textOf(second)).toContain("建议零售价：¥45.00");
    await screenshot(dealer.page, "i3-shop-new-product-zh");
  });
});

describe("stock", () => {
  test("an adjustment with a reason is a movement, and the product page shows stock as the setting says", async () => {
    const SKU = "SP048-1";
    const level = await database.db
      .selectFrom("stock as st")
      .innerJoin("skus as s", "s.id", "st.sku_id")
      .innerJoin("warehouses as w", "w.id", "st.warehouse_id")
      .select(["s.product_id", "w.code", "st.on_hand", "st.reserved"])
      .where("s.code", "=", SKU)
      .execute();
    const productId = level[0]!.product_id;
    const hz = level.find((l) => l.code === "WH-HZ")!;
    const available = level.reduce((sum, l) => sum + Number(l.on_hand) - Number(l.reserved), 0);

    const setDisplay = (stockDisplay: "quantity" | "flag" | "hidden") =>
      updateSettings(database.db, SYSTEM_ACTOR, { stockDisplay }, new Date());
    const dealer = await newBrowser();
    await login(dealer.page, baseUrl(), "hz-dealer");
    const skuCard = dealer.page.getByTestId(`sku-${SKU}`);
    const productPage = async () => {
      await open(dealer.page, `${baseUrl()}/shop/products/${productId}`);
      return textOf(skuCard);
    };
    try {
      await setDisplay("quantity");
      expect(await productPage()).toContain(`库存 ${available}`);

      const { page } = await newBrowser();
      await login(page, baseUrl(), "admin");
      await open(page, `${baseUrl()}/admin/stock`);
      await page.locator("#stock-search").fill(SKU);
      await page.getByRole("button", { name: "搜索", exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get("q") === SKU);
      const rows = page.locator("main table tbody tr");
      await expect.poll(() => rows.count()).toBe(2);
      await rows.filter({ hasText: "杭州总仓" }).getByRole("link", { name: "调整 / 盘点" }).click();
      await page.waitForURL((url) => url.searchParams.has("row"));
      const adjust = page.locator("form", { has: page.getByRole("button", { name: "提交调整" }) });
      await adjust.getByLabel("调整数量").fill("7");
      await adjust.getByLabel("原因").fill(`E2E 盘盈补录 ${RUN}`);
      await adjust.getByRole("button", { name: "提交调整" }).click();
      const onHand = Number(hz.on_hand) + 7;
      await expect.poll(() => textOf(page.locator("main"))).toContain(`已调整 +7，现在库 ${onHand}。`);
      // The notice is the action's answer; the table is the page's data, read again just after it.
      await expect.poll(() => textOf(rows.filter({ hasText: "杭州总仓" }))).toContain(String(onHand));
      await screenshot(page, "i3-stock-adjusted-zh");

      await open(page, `${baseUrl()}/admin/stock/movements?sku=${SKU}`);
      const latest = page.locator("main table tbody tr").first();
      const cells = (await latest.locator("td").allTextContents()).map((c) => c.trim());
      expect(cells.slice(1)).toEqual([
        SKU,
        expect.stringContaining("碧根果"),
        "杭州总仓",
        "调整",
        "+7",
        String(onHand),
        `E2E 盘盈补录 ${RUN}`,
        "—",
        "王建国",
      ]);
      await screenshot(page, "i3-stock-movements-zh");

      // The dealer sees the new quantity, then only a flag, then nothing, as the setting says.
      expect(await productPage()).toContain(`库存 ${available + 7}`);
      await setDisplay("hidden");
      const hidden = await productPage();
      expect(hidden).not.toMatch(/库存|有货|缺货/);
      expect(hidden).toContain(SKU);
      await setDisplay("flag");
      const flagged = await productPage();
      expect(flagged).toContain("有货");
      expect(flagged).not.toContain("库存");
    } finally {
      await setDisplay("flag");
    }
  });
});

describe("an order placed by staff for a customer (代下单)", () => {
  test("reviewer orders for C0002; sh-dealer sees it, placed by staff", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "reviewer");
    await page.getByRole("link", { name: "代客下单", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/admin/orders/new");
    await waitForHydration(page);
    await page.locator("#customer-q").fill("上海浦江");
    await page.getByRole("button", { name: "搜索", exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get("q") === "上海浦江");
    const match = page.locator("main li", { hasText: "C0002" });
    await expect.poll(() => textOf(match)).toContain("上海浦江百货贸易有限公司");
    await match.getByRole("link", { name: "选择" }).click();
    await page.waitForURL((url) => url.searchParams.get("customer") === "C0002");
    await waitForHydration(page);

    await page.locator('textarea[name="text"]').fill("SP001-1 10");
    await page.locator('input[name="remark"]').fill(`代下单测试 ${RUN}`);
    await page.getByRole("button", { name: "检查", exact: true }).click();
    const line = page.locator("main table tbody tr");
    await expect.poll(() => textOf(line)).toContain("可订购");
    // Level B: 95 % of ¥24.00.
    expect(await textOf(line)).toContain("¥22.80");
    expect(await textOf(page.locator("main table tfoot"))).toContain("¥228.00");
    await screenshot(page, "i3-order-on-behalf-checked-zh");

    await page.getByRole("button", { name: "提交订单", exact: true }).click();
    await page.waitForURL((url) => url.searchParams.has("placed"));
    await waitForHydration(page);
    // The URL changes before the new page has rendered: wait for its notice (checked exactly below).
    const placedNotice = page.locator("main [role=status]").first();
    await expect
      .poll(() => textOf(placedNotice), { timeout: 10_000 })
      .toMatch(/^已为 上海浦江百货贸易有限公司 提交订单 DH\d{8}-\d{4}，等待订单审核。$/);
    const notice = await textOf(placedNotice);
    const number = /DH\d{8}-\d{4}/.exec(notice)?.[0];
    expect(notice).toBe(`已为 上海浦江百货贸易有限公司 提交订单 ${number}，等待订单审核。`);
    await screenshot(page, "i3-order-on-behalf-placed-zh");

    const dealer = await newBrowser();
    await signInWhenAllowed(dealer.context, "sh-dealer");
    await open(dealer.page, `${baseUrl()}/shop/orders`);
    const row = dealer.page.getByTestId("order-row").filter({ hasText: number! });
    expect(await row.count()).toBe(1);
    expect(await textOf(row)).toContain("待订单审核");
    await open(dealer.page, `${baseUrl()}/shop/orders/${number}`);
    const main = await textOf(dealer.page.locator("main"));
    expect(main).toContain(`代下单测试 ${RUN}`);
    expect(main).toContain("SP001-1");
    // The timeline's first step says staff placed it, and which staff member.
    const placed = dealer.page.locator("main ol > li").first();
    expect(await textOf(placed.locator("p").first())).toBe("代客下单 → 待订单审核");
    // The timeline names the staff member who placed it.
    expect(await textOf(placed.locator("p").nth(1))).toMatch(/ · 员工 张伟$/);
    await screenshot(dealer.page, "i3-shop-order-by-staff-zh");
  });

  test("a 华东-only manager finds C0002 but not C0003 (华南)", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "east");
    await open(page, `${baseUrl()}/admin/orders/new`);
    const search = async (q: string) => {
      await page.locator("#customer-q").fill(q);
      await page.getByRole("button", { name: "搜索", exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get("q") === q);
      await waitForHydration(page);
      return page.locator("main section");
    };
    // The URL changes before the results have rendered: poll the results themselves.
    const eastern = await search("C0002");
    await expect.poll(() => textOf(eastern), { timeout: 10_000 }).toContain("上海浦江百货贸易有限公司");
    const southern = await search("C0003");
    await expect.poll(() => textOf(southern), { timeout: 10_000 }).toContain("没有符合条件的记录。");
    expect(await textOf(southern)).not.toContain("广州粤丰");
    // Asking for it by address answers as for a customer that does not exist.
    await open(page, `${baseUrl()}/admin/orders/new?customer=C0003`);
    expect(await textOf(page.locator("main"))).toContain("找不到这个客户，或不在你的区域内。");
    expect(await page.locator('textarea[name="text"]').count()).toBe(0);
  });
});

describe("customers and their ordering accounts", () => {
  test("lead creates a customer with an account; the dealer signs in; once disabled it is sent to /login", async () => {
    const code = `E3C${RUN}`;
    const username = `e3c${RUN.toLowerCase()}`;
    const company = `端到端测试商贸${RUN}`;
    createdCustomers.push(code);
    const { page } = await newBrowser();
    await login(page, baseUrl(), "lead");
    await open(page, `${baseUrl()}/admin/customers`);
    await page.getByRole("link", { name: "新建客户", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/admin/customers/new");
    await waitForHydration(page);
    await page.getByLabel("客户编码", { exact: true }).fill(code);
    await page.getByLabel("客户名称", { exact: true }).fill(company);
    await page.getByLabel("区域", { exact: true }).selectOption({ label: "华东" });
    await page.getByLabel("客户级别", { exact: true }).selectOption({ label: "一级经销商" });
    await page.getByLabel("联系人", { exact: true }).fill("吴测试");
    await page.getByLabel("电话", { exact: true }).fill("13900001111");
    await page.getByLabel("收货地址（设为默认地址）").fill("浙江省宁波市鄞州区测试路 8 号");
    await page.getByLabel("订货账号", { exact: true }).fill(username);
    await page.getByLabel("密码", { exact: true }).fill("New-dealer-2026");
    await page.getByLabel("再次输入密码", { exact: true }).fill("New-dealer-2026");
    await page.getByRole("button", { name: "新建客户", exact: true }).click();
    await page.waitForURL(/\/admin\/customers\/\d+\?created=1$/);
    await waitForHydration(page);
    const customerPage = pathOf(page).split("?")[0]!;
    await expect.poll(() => textOf(page.locator("main h1"))).toContain(company);

    // The new dealer signs in and lands in the storefront under its own name.
    const dealer = await newBrowser();
    await login(dealer.page, baseUrl(), username, "New-dealer-2026");
    expect(pathOf(dealer.page)).toBe("/shop");
    await expect.poll(() => textOf(dealer.page.getByTestId("company-name"))).toContain(company);
    // Level A prices apply at once: ¥24.00 × 0.85 (the explicit level price of SP001-1).
    await open(dealer.page, `${baseUrl()}/shop?q=SP001-1`);
    await expect.poll(() => textOf(dealer.page.getByTestId("product-card").first())).toContain("¥20.40");

    // lead disables the customer; the dealer's next request goes to the login page.
    await open(page, `${baseUrl()}${customerPage}`);
    await page.getByRole("button", { name: "停用客户", exact: true }).click();
    await expect.poll(() => textOf(page.locator("main"))).toContain("客户已停用，其登录会话已全部结束。");
    await expect.poll(() => page.getByRole("button", { name: "启用客户", exact: true }).count()).toBe(1);
    await screenshot(page, "i3-customer-disabled-zh");

    await dealer.page.getByRole("link", { name: "我的订单" }).first().click();
    await dealer.page.waitForURL((url) => url.pathname === "/login");
    await dealer.page.goto(`${baseUrl()}/shop`);
    expect(pathOf(dealer.page)).toBe("/login?redirectTo=%2Fshop");
    // And the password no longer opens it.
    const retry = await postLogin(baseUrl(), username, "New-dealer-2026");
    expect(retry.status).toBe(401);
  });
});
