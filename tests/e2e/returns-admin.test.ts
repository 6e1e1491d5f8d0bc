// Returns in the console (issue 6): staff file a return for a dealer, each role works its own step,
// two reviewers race, the warehouse records a shortfall, finance edits the refund without
// JavaScript; the list, export, report, the order's page and the dashboard all show it.
import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { createStaffAccount } from "../../app/services/accounts.server";
import { type Database, openDatabase } from "../../db/client";
import { login, open, screenshot, waitForHydration } from "../support/browser";
import { findFundsViolations } from "../support/invariants";
import { CookieJar, postLogin, request } from "./http";
import { baseUrl, browsersPerTest, failedResource, pathOf, textOf } from "./journey";
import { shipAnOrder } from "./shipped-order";

const newBrowser = browsersPerTest();
let database: Database;

beforeAll(() => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
});
afterAll(async () => {
  expect(await findFundsViolations(database.db)).toEqual([]);
  await database.close();
});

const failed400 = /status of 400 \(Bad Request\)/;

/** "¥1,234.56" → 123456. */
const fenOf = (text: string) => {
  const m = /(-?)¥([\d,]+)\.(\d{2})/.exec(text);
  if (!m) throw new Error(`no money in "${text}"`);
  return (m[1] ? -1 : 1) * (Number(m[2]!.replace(/,/g, "")) * 100 + Number(m[3]));
};
const yuanOf = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

/** A freshly shipped order of 杭州顺达 (C0001) with two lines: no other test competes for its units. */
async function wholeShippedOrder() {
  const order = await shipAnOrder(database.db, "C0001");
  return {
    id: order.id,
    number: order.number,
    warehouse_id: order.warehouseId,
    lines: order.lines.map((l) => ({ sku_id: l.skuId, sku_code: l.skuCode, quantity: l.quantity })),
  };
}

const onHand = async (skuId: number, warehouseId: number) =>
  Number(
    (
      await database.db
        .selectFrom("stock")
        .select("on_hand")
        .where("sku_id", "=", skuId)
        .where("warehouse_id", "=", warehouseId)
        .executeTakeFirst()
    )?.on_hand ?? 0,
  );

async function signIn(username: string, options: Parameters<typeof newBrowser>[0] = {}) {
  const browser = await newBrowser(options);
  await login(browser.page, baseUrl(), username);
  return browser.page;
}

/** Signs in by posting the login form itself: for a browser without JavaScript. */
async function signInWithoutJs(username: string, allowErrors: RegExp[] = []) {
  const { page } = await newBrowser({ javaScriptEnabled: false, allowErrors });
  await page.goto(`${baseUrl()}/login`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill("demo1234");
  await submitForm(page, page.locator('form:has(input[name="password"]) button[type="submit"]'));
  return page;
}

/** Clicks a submit button without JavaScript: the browser's own form post, answered with a whole page. */
async function submitForm(page: Page, button: ReturnType<Page["locator"]>) {
  const posted = page.waitForRequest((r) => r.method() === "POST");
  await button.click();
  const sent = await posted;
  expect(sent.resourceType(), `${sent.url()} is a plain form post`).toBe("document");
  await page.waitForLoadState("load");
  return sent;
}

/** The page as it is, in Chinese and then in English (switched by the header's language form, and back). */
async function shots(page: Page, name: string, javaScript = true) {
  await screenshot(page, `${name}-zh`);
  if (process.env.SCREENSHOTS !== "1") return;
  const switchTo = async (lng: string) => {
    await page.locator(`form[action="/set-language"] button[value="${lng}"]`).first().click();
    await page.waitForFunction((l) => document.documentElement.lang === l, lng);
    await page.waitForLoadState("load");
    if (javaScript) await waitForHydration(page);
  };
  await switchTo("en");
  await screenshot(page, `${name}-en`);
  await switchTo("zh-CN");
}

const statusOf = (page: Page) => textOf(page.locator("main h1 + span"));

describe("returns in the console", () => {
  test("a return filed for a dealer goes through review, ship-back, inbound and refund, each by its role", async () => {
    const order = await wholeShippedOrder();
    const [a, b] = order.lines as [(typeof order.lines)[0], (typeof order.lines)[0]];
    const requestedA = Math.min(4, a.quantity);
    const requestedB = Math.min(3, b.quantity);

    // 系统管理员 files it on 杭州顺达's behalf: customer, then order, then lines.
    const admin = await signIn("admin", { allowErrors: [failed400, failedResource(409)] });
    await open(admin, `${baseUrl()}/admin/returns`);
    await shots(admin, "admin-return-list");
    await admin.getByRole("link", { name: "代客退货" }).click();
    await admin.waitForURL((url) => url.pathname === "/admin/returns/new");
    await waitForHydration(admin);
    await admin.getByPlaceholder("客户编码或名称").fill("C0001");
    await admin.getByRole("button", { name: "搜索" }).click();
    await admin.getByTestId("customer-matches").getByRole("link", { name: "选择" }).first().click();
    await admin.waitForURL((url) => url.searchParams.get("customer") === "C0001");
    await expect.poll(() => admin.getByTestId("returnable-order").count()).toBeGreaterThan(0);
    await shots(admin, "admin-return-new-orders");
    await admin.getByTestId("returnable-order").filter({ hasText: order.number }).getByRole("link").click();
    await admin.waitForURL((url) => url.searchParams.get("order") === order.number);
    await waitForHydration(admin);
    await shots(admin, "admin-return-new");

    const form = admin.getByTestId("return-new-form");
    await form.getByLabel(`${a.sku_code} 退货数量`).fill(String(requestedA));
    await form.getByLabel(`${b.sku_code} 退货数量`).fill(String(requestedB));
    await form.getByLabel(`${b.sku_code} 退货原因`).selectOption("other");
    await form.getByLabel("整单说明（可选）").fill("客户电话反映，代为登记");
    const photo = await sharp({ create: { width: 80, height: 60, channels: 3, background: "#fca5a5" } })
      .png()
      .toBuffer();
    await form
      .locator('input[name="photos"]')
      .setInputFiles({ name: "broken.png", mimeType: "image/png", buffer: photo });
    // "Other" without saying what: refused next to that line's note, everything typed kept.
    await form.getByRole("button", { name: "提交退货申请" }).click();
    await expect.poll(() => textOf(form)).toContain("选择“其他”时请写明原因。");
    expect(await form.getByLabel(`${a.sku_code} 退货数量`).inputValue()).toBe(String(requestedA));
    expect(await form.getByLabel(`${b.sku_code} 退货原因`).inputValue()).toBe("other");
    await form.getByLabel(`${b.sku_code} 说明`).fill("包装与样品不符");
    await form
      .locator('input[name="photos"]')
      .setInputFiles({ name: "broken.png", mimeType: "image/png", buffer: photo });
    await form.getByRole("button", { name: "提交退货申请" }).click();
    await admin.waitForURL(/\/admin\/returns\/TH\d{8}-\d{4,}\?created=1$/);
    await waitForHydration(admin);
    const number = new URL(admin.url()).pathname.split("/").pop()!;
    // The URL changes before the return's page has rendered: wait for the page itself.
    await expect.poll(() => statusOf(admin), { timeout: 10_000 }).toBe("待退货审核");
    expect(await textOf(admin.getByTestId("return-header"))).toContain("代客申请");
    expect(await admin.locator(`img[src="/admin/returns/${number}/photos/0/thumb"]`).count()).toBe(1);
    const thumb = await admin.request.get(`${baseUrl()}/admin/returns/${number}/photos/0/thumb`);
    expect(thumb.status()).toBe(200);
    await shots(admin, "admin-return-step-review");

    // Two reviewers at once: 订单审核员 approves a reduced quantity; the admin, on the same version, is told who did.
    await open(admin, `${baseUrl()}/admin/returns/${number}`);
    const reviewer = await signIn("reviewer");
    await open(reviewer, `${baseUrl()}/admin/returns/${number}`);
    await reviewer.getByLabel(`${a.sku_code} 批准数量`).fill(String(requestedA - 1));
    await reviewer.getByRole("button", { name: "审核通过" }).click();
    await expect.poll(() => textOf(reviewer.getByTestId("return-notice"))).toContain("待退货发货");
    await expect.poll(() => statusOf(reviewer)).toBe("待退货发货");
    await admin.getByRole("button", { name: "审核通过" }).click();
    await expect.poll(() => textOf(admin.getByTestId("return-notice"))).toMatch(/已被 张伟 于 .+ 处理/);
    // The page then shows the return as it now is: waiting for ship-back, no review form.
    await expect.poll(() => statusOf(admin)).toBe("待退货发货");
    expect(await admin.getByTestId("review-form").count()).toBe(0);
    await screenshot(admin, "admin-return-already-handled-zh");

    // Ship-back recorded by staff (return.create): without details it is refused next to the fields.
    await open(admin, `${baseUrl()}/admin/returns/${number}`);
    expect(await statusOf(admin)).toBe("待退货发货");
    await shots(admin, "admin-return-step-ship-back");
    const ship = admin.getByTestId("ship-back-form");
    await ship.getByRole("button", { name: "登记退货发货" }).click();
    await expect.poll(() => textOf(ship)).toContain("请填写承运商和运单号，或选择自行送回。");
    await ship.getByLabel("承运商").fill("顺丰速运");
    await ship.getByLabel("运单号").fill("SF9988776655");
    await ship.getByRole("button", { name: "登记退货发货" }).click();
    await expect.poll(() => statusOf(admin)).toBe("待入库审核");
    expect(await textOf(admin.getByTestId("return-info"))).toContain("SF9988776655");

    // 仓库管理员 restocks line A, scraps line B with one unit short; the shortfall shows as typed.
    const warehouse = await signIn("warehouse");
    await open(warehouse, `${baseUrl()}/admin/returns/${number}`);
    await shots(warehouse, "admin-return-step-inbound");
    const inbound = warehouse.getByTestId("inbound-form");
    const warehouseId = Number(await inbound.locator('select[name="warehouseId"]').inputValue());
    expect(warehouseId).toBe(order.warehouse_id);
    const stockBefore = await onHand(a.sku_id, warehouseId);
    const scrapBefore = await onHand(b.sku_id, warehouseId);
    await inbound.getByLabel(`${b.sku_code} 实收数量`).fill(String(requestedB - 1));
    await inbound.getByLabel(`${b.sku_code} 处理方式`).selectOption("scrap");
    await expect.poll(() => textOf(inbound.locator('[data-testid^="shortfall-"]').nth(1))).toBe("1");
    await inbound.getByRole("button", { name: "入库审核通过" }).click();
    await expect.poll(() => statusOf(warehouse)).toBe("待退款审核");
    expect(await onHand(a.sku_id, warehouseId)).toBe(stockBefore + requestedA - 1);
    expect(await onHand(b.sku_id, warehouseId)).toBe(scrapBefore);
    const lineB = await textOf(warehouse.getByTestId(`line-${b.sku_code}`));
    expect(lineB).toContain("报废");

    // 财务审核员, without JavaScript, refunds 1 yuan less than suggested: first without a reason.
    const finance = await signInWithoutJs("finance", [failedResource(422)]);
    await finance.goto(`${baseUrl()}/admin/returns/${number}`);
    await shots(finance, "admin-return-step-refund", false);
    const refundForm = finance.getByTestId("refund-form");
    const suggested = fenOf(await textOf(refundForm.locator("p").first()));
    expect(suggested).toBeGreaterThan(100);
    expect(await refundForm.locator('input[name="refundAmount"]').inputValue()).toBe(yuanOf(suggested));
    const edited = suggested - 100;
    await refundForm.locator('input[name="refundAmount"]').fill(yuanOf(edited));
    const refused = await submitForm(finance, refundForm.getByRole("button", { name: "确认退款" }));
    expect((await refused.response())?.status()).toBe(422);
    expect(await textOf(finance.getByTestId("refund-form"))).toContain("请填写原因。");
    expect(await finance.getByTestId("refund-form").locator('input[name="refundAmount"]').inputValue()).toBe(
      yuanOf(edited),
    );
    await finance.getByTestId("refund-form").locator('input[name="refundReason"]').fill("扣除往返运费 1 元");
    await submitForm(finance, finance.getByTestId("refund-form").getByRole("button", { name: "确认退款" }));
    await finance.goto(`${baseUrl()}/admin/returns/${number}`);
    expect(await statusOf(finance)).toBe("已完成");
    const info = await textOf(finance.getByTestId("return-info"));
    expect(fenOf(info)).toBe(edited);
    expect(info).toContain("扣除往返运费 1 元");
    const timeline = await textOf(finance.locator("main ol"));
    for (const step of ["代客申请退货", "退货审核通过", "退货已发货", "入库审核通过", "退款审核通过"])
      expect(timeline).toContain(step);
    await shots(finance, "admin-return-completed", false);

    // The list finds it by number; its status tab and the export carry the filters.
    await open(admin, `${baseUrl()}/admin/returns?q=${number}`);
    expect(await admin.getByTestId("return-row").count()).toBe(1);
    expect(await textOf(admin.getByTestId("return-row"))).toContain("已完成");
    const csvHref = await admin.getByRole("link", { name: "导出 CSV" }).getAttribute("href");
    expect(csvHref).toContain(`q=${number}`);
    const jar = new CookieJar();
    expect((await postLogin(baseUrl(), "admin", "demo1234", jar)).status).toBe(302);
    const csv = await request(baseUrl(), csvHref!, { jar });
    expect(csv.status).toBe(200);
    const csvText = await csv.text();
    const rows = csvText.trim().split(/\r?\n/);
    expect(rows).toHaveLength(3); // header + two lines
    expect(csvText).toContain(number);
    expect(csvText).toContain("质量问题");
    expect(csvText).toContain("报废");
    const xlsx = await request(baseUrl(), csvHref!.replace("returns.csv", "returns.xlsx"), { jar });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");

    // The order shows its return and the units returned per line.
    await open(admin, `${baseUrl()}/admin/orders/${order.number}`);
    expect(await textOf(admin.getByTestId("order-returns"))).toContain(number);
    expect(await textOf(admin.getByTestId(`returned-${a.sku_code}`))).toContain(String(requestedA - 1));
    await shots(admin, "admin-return-order");

    // The report counts the reasons and the dispositions.
    await open(admin, `${baseUrl()}/admin/returns-report`);
    expect(await textOf(admin.getByTestId("report-by-reason"))).toContain("质量问题");
    expect(await textOf(admin.getByTestId("report-by-disposition"))).toContain("报废");
    expect(await textOf(admin.getByTestId("report-by-product"))).toContain(a.sku_code);
    expect(await admin.locator('[data-testid="report-by-reason"] svg[role="img"]').count()).toBe(1);
    await shots(admin, "admin-return-report");
  });

  test("the dashboard's return queues open the list at their status", async () => {
    const page = await signIn("admin");
    const link = page.getByTestId("queue-return_review").getByRole("link");
    // login() waits for the URL only: poll the dashboard's link itself.
    await expect
      .poll(() => link.getAttribute("href"), { timeout: 10_000 })
      .toBe("/admin/returns?status=pending_return_review");
    await link.click();
    await page.waitForURL((url) => url.searchParams.get("status") === "pending_return_review");
    await waitForHydration(page);
    // The URL changes before the list has rendered (no row would pass `every` vacuously): wait for the list.
    await page.getByTestId("tab-pending_return_review").waitFor({ state: "attached", timeout: 10_000 });
    const statuses = await page.getByTestId("return-row").locator("td:nth-child(4)").allTextContents();
    expect(statuses.every((s) => s.trim() === "待退货审核")).toBe(true);
    expect(await page.getByTestId("tab-pending_return_review").getAttribute("aria-current")).toBe("page");
  });

  test("a regional manager sees only its regions' returns; staff without return.view get a 403", async () => {
    const south = await database.db
      .selectFrom("returns as r")
      .innerJoin("customers as c", "c.id", "r.customer_id")
      .select("r.number")
      .where("c.code", "=", "C0003")
      .executeTakeFirst();
    const east = await signIn("east", { allowErrors: [failedResource(404)] });
    await open(east, `${baseUrl()}/admin/returns`);
    const customers = await east.getByTestId("return-row").locator("td:nth-child(3)").allTextContents();
    expect(customers.length).toBeGreaterThan(0);
    expect(customers.some((c) => c.includes("C0003") || c.includes("C0005"))).toBe(false);
    if (south) {
      const response = await east.goto(`${baseUrl()}/admin/returns/${south.number}`);
      expect(response?.status()).toBe(404);
    }

    // A custom role with orders but not returns.
    const now = new Date();
    const role = await database.db
      .insertInto("roles")
      .values({ name: "E2E 只看订单", builtin: 0, created_at: now.toISOString(), updated_at: now.toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto("role_permissions")
      .values({ role_id: role.id, permission_key: "order.view" })
      .execute();
    await createStaffAccount(
      database.db,
      { accountId: null, name: "e2e" },
      {
        username: "e2e-orders-only",
        displayName: "只看订单",
        password: "demo1234",
        roleIds: [role.id],
        regionIds: null,
      },
      now,
    );
    const page = await signIn("e2e-orders-only", { allowErrors: [failedResource(403)] });
    // login() waits for the URL only: wait for the console's menu before counting its links.
    await page.locator("aside nav").waitFor({ state: "attached", timeout: 10_000 });
    expect(await page.locator('a[href="/admin/returns"]').count()).toBe(0);
    for (const path of ["/admin/returns", "/admin/returns-report", "/admin/returns/new"]) {
      const response = await page.goto(`${baseUrl()}${path}`);
      expect(response?.status(), path).toBe(403);
    }
    expect(pathOf(page)).toBe("/admin/returns/new");
    const jar = new CookieJar();
    expect((await postLogin(baseUrl(), "e2e-orders-only", "demo1234", jar)).status).toBe(302);
    expect((await request(baseUrl(), "/admin/returns-export/returns.csv", { jar })).status).toBe(403);
  });

  test("in English: the list, a return and the report", async () => {
    const page = (await newBrowser({ locale: "en" })).page;
    await login(page, baseUrl(), "lead");
    await open(page, `${baseUrl()}/admin/returns`);
    expect(await textOf(page.locator("main h1"))).toBe("Returns");
    const first = page.getByTestId("return-row").first().getByRole("link").first();
    await first.click();
    await page.waitForURL(/\/admin\/returns\/TH/);
    await waitForHydration(page);
    // The URL changes before the client-side render of the return: wait for what it shows.
    await expect.poll(() => textOf(page.locator("main"))).toContain("History");
    await open(page, `${baseUrl()}/admin/returns-report`);
    expect(await textOf(page.locator("main h1"))).toBe("Returns analysis");
    expect(await textOf(page.getByTestId("report-by-reason"))).toContain("Quality problem");
  });
});
