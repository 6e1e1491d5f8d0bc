// Funds and credit in the browser: finance records a payment and the dealer sees it; a dealer
// reports an offline payment with a proof image and finance confirms it once; a reversal (红冲);
// statements on screen, on paper and as CSV/XLSX — in both languages, on a desk and a phone.
import ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { type Database, openDatabase } from "../../db/client";
import { login, open, screenshot, waitForHydration } from "../support/browser";
import { findFundsViolations } from "../support/invariants";
import { CookieJar, postLogin, request } from "./http";
import { baseUrl, browsersPerTest, failedResource, pathOf, textOf } from "./journey";

const newBrowser = browsersPerTest();
let database: Database;

beforeAll(() => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
});
afterAll(async () => {
  // Whatever the journeys did, the money still adds up.
  expect(await findFundsViolations(database.db)).toEqual([]);
  await database.close();
});

/** "¥1,234.56" or "+¥1,234.56" → 123456. */
const fenOf = (text: string) => {
  const m = /(-?)¥([\d,]+)\.(\d{2})/.exec(text);
  if (!m) throw new Error(`no money in "${text}"`);
  return (m[1] ? -1 : 1) * (Number(m[2]!.replace(/,/g, "")) * 100 + Number(m[3]));
};

async function customer(code: string) {
  return database.db
    .selectFrom("customers as c")
    .leftJoin("fund_balances as b", "b.customer_id", "c.id")
    .select(["c.id", "b.prepaid"])
    .where("c.code", "=", code)
    .executeTakeFirstOrThrow();
}

async function noSidewaysScroll(page: Page) {
  const widths = await page.evaluate(() => ({ inner: window.innerWidth, doc: document.documentElement.scrollWidth }));
  expect(widths.doc, `no sideways scrolling on ${page.url()}`).toBeLessThanOrEqual(widths.inner);
}

const failedResource400 = /status of 400 \(Bad Request\)/;

/** Clicks a submit button without JavaScript: the browser's own form post, answered with a whole page. */
async function submitForm(page: Page, button: ReturnType<Page["locator"]>) {
  const posted = page.waitForRequest((r) => r.method() === "POST");
  await button.click();
  const sent = await posted;
  expect(sent.resourceType(), `${sent.url()} is a plain form post`).toBe("document");
  await page.waitForLoadState("load");
  return sent;
}

async function signedIn(username: string) {
  const jar = new CookieJar();
  expect((await postLogin(baseUrl(), username, "demo1234", jar)).status).toBe(302);
  return jar;
}

describe("funds: money in, seen on both sides", () => {
  test("finance records a payment; the dealer sees it in its balance and ledger", async () => {
    const before = await customer("C0002");
    const { page } = await newBrowser();
    await login(page, baseUrl(), "finance");
    await page.getByRole("link", { name: "资金账户", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/admin/funds");
    await expect.poll(() => page.getByTestId("balance-row").count()).toBeGreaterThanOrEqual(5);
    await screenshot(page, "console-funds-balances-zh");

    await page.getByRole("link", { name: "C0002", exact: true }).click();
    await page.waitForURL(`**/admin/funds/customers/${before.id}`);
    await waitForHydration(page);
    // The URL changes before the customer's page has rendered: wait for the page itself.
    await expect
      .poll(async () => fenOf(await textOf(page.getByTestId("balance-prepaid"))), { timeout: 10_000 })
      .toBe(Number(before.prepaid));

    const form = page.getByTestId("form-payment");
    await form.getByLabel("金额（元）").fill("1,234.56");
    await form.getByLabel("付款方式").selectOption("bank");
    await form.getByLabel("参考号（流水号、单据号）").fill("E2E-PAY-0001");
    await form.getByRole("button", { name: "确认收款" }).click();
    await expect.poll(() => textOf(page.getByTestId("funds-result"))).toContain("已入账 ¥1,234.56");
    const after = Number(before.prepaid) + 123_456;
    await expect.poll(async () => fenOf(await textOf(page.getByTestId("balance-prepaid")))).toBe(after);
    const firstRow = page.getByTestId("ledger-row").first();
    expect(await textOf(firstRow)).toContain("E2E-PAY-0001");
    expect(await textOf(firstRow)).toContain("+¥1,234.56");
    // The form is empty again, ready for the next payment.
    expect(await form.getByLabel("金额（元）").inputValue()).toBe("");
    await screenshot(page, "console-funds-customer-zh");

    const rows = await database.db
      .selectFrom("fund_ledger")
      .select(["amount", "balance_after", "kind", "account", "actor_name"])
      .where("reference", "=", "E2E-PAY-0001")
      .execute();
    expect(rows).toEqual([
      { amount: 123_456, balance_after: after, kind: "recharge", account: "prepaid", actor_name: "finance" },
    ]);

    const dealer = await newBrowser();
    await login(dealer.page, baseUrl(), "sh-dealer");
    await dealer.page.getByRole("link", { name: "我的资金" }).first().click();
    await dealer.page.waitForURL((url) => url.pathname === "/shop/funds");
    await expect.poll(async () => fenOf(await textOf(dealer.page.getByTestId("my-prepaid")))).toBe(after);
    const mine = dealer.page.getByTestId("my-ledger-row").first();
    expect(await textOf(mine)).toContain("E2E-PAY-0001");
    expect(await textOf(mine)).toContain("+¥1,234.56");
    // The dealer's page says nothing about who at the supplier keyed it in.
    expect(await textOf(dealer.page.locator("main"))).not.toContain("finance");
    await screenshot(dealer.page, "shop-funds-zh");
  });

  test("a dealer reports an offline payment with a proof; finance confirms; the balance moves once", async () => {
    const before = await customer("C0003");
    const proof = await sharp({ create: { width: 320, height: 480, channels: 3, background: "#e0f2fe" } })
      .png()
      .toBuffer();
    // The first submit, without a proof, is answered 400 on purpose.
    const dealer = await newBrowser({
      viewport: { width: 390, height: 844 },
      allowErrors: [/status of 400 \(Bad Request\) \(http:\/\/[^/]+\/shop\/funds\/report\.data/],
    });
    const page = dealer.page;
    await login(page, baseUrl(), "gz-dealer");
    await open(page, `${baseUrl()}/shop/funds`);
    await noSidewaysScroll(page);
    await screenshot(page, "shop-funds-phone-zh");
    await page.getByRole("link", { name: "报告线下付款" }).click();
    await page.waitForURL((url) => url.pathname === "/shop/funds/report");
    await waitForHydration(page);

    // Without a proof the form is refused, next to the field, keeping what was typed.
    await page.getByLabel("金额（元）").fill("2000");
    await page.getByLabel("付款方式").selectOption("wechat");
    await page.getByLabel("参考号（流水号、单据号）").fill("E2E-WX-0002");
    await page.getByRole("button", { name: "提交" }).click();
    await expect.poll(() => textOf(page.locator("#report-proof-error"))).toBe("请上传付款凭证图片。");
    expect(await page.getByLabel("参考号（流水号、单据号）").inputValue()).toBe("E2E-WX-0002");

    await page.locator('input[name="proof"]').setInputFiles({ name: "回单.png", mimeType: "image/png", buffer: proof });
    await page.getByRole("button", { name: "提交" }).click();
    await expect.poll(() => textOf(page.getByTestId("report-submitted"))).toContain("已提交");
    const report = await database.db
      .selectFrom("payment_reports")
      .select(["id", "status", "amount"])
      .where("reference", "=", "E2E-WX-0002")
      .executeTakeFirstOrThrow();
    expect(report).toMatchObject({ status: "pending", amount: 200_000 });
    await expect.poll(() => textOf(page.getByTestId(`my-report-${report.id}`))).toContain("待确认");
    await noSidewaysScroll(page);
    await screenshot(page, "shop-funds-report-phone-zh");
    // Reported is not paid: nothing is credited yet.
    expect((await customer("C0003")).prepaid).toBe(before.prepaid);

    // The proof is the dealer's and finance's to see, nobody else's.
    const own = await page.request.get(`${baseUrl()}/shop/funds/proof/${report.id}?size=thumb`);
    expect(own.status()).toBe(200);
    expect(own.headers()["content-type"]).toBe("image/webp");
    const other = await signedIn("hz-dealer");
    const stranger = await request(baseUrl(), `/shop/funds/proof/${report.id}`, { jar: other });
    expect(stranger.status).toBe(404);
    expect((await request(baseUrl(), `/admin/funds/proof/${report.id}`)).status).toBe(302);

    const cashier = await newBrowser();
    await login(cashier.page, baseUrl(), "finance");
    await open(cashier.page, `${baseUrl()}/admin/payment-reports`);
    const row = cashier.page.getByTestId(`report-${report.id}`);
    expect(await textOf(row)).toContain("E2E-WX-0002");
    expect(await row.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await screenshot(cashier.page, "console-funds-reports-zh");
    await cashier.page.getByTestId(`confirm-${report.id}`).click();
    await expect.poll(() => textOf(cashier.page.getByTestId("reports-result"))).toContain("已确认收款 ¥2,000.00");
    await expect.poll(() => cashier.page.getByTestId(`report-${report.id}`).count()).toBe(0);

    // A second confirmation — another tab, a double submit — credits nothing more.
    const jar = await signedIn("finance");
    const again = await request(baseUrl(), "/admin/payment-reports", {
      jar,
      headers: { Origin: baseUrl() },
      form: { intent: "confirm", reportId: String(report.id) },
    });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("这笔付款已由 finance 处理");
    const credits = await database.db
      .selectFrom("fund_ledger")
      .select(["amount"])
      .where("payment_report_id", "=", report.id)
      .execute();
    expect(credits).toEqual([{ amount: 200_000 }]);
    expect(Number((await customer("C0003")).prepaid)).toBe(Number(before.prepaid) + 200_000);

    await open(page, `${baseUrl()}/shop/funds`);
    expect(await textOf(page.getByTestId("my-ledger-row").first())).toContain("+¥2,000.00");
    await open(page, `${baseUrl()}/shop/funds/report`);
    await expect.poll(() => textOf(page.getByTestId(`my-report-${report.id}`))).toContain("已确认");
  });
});

describe("funds: corrections and statements", () => {
  test("a reversal (红冲) happens once, in English", async () => {
    const target = await database.db
      .selectFrom("fund_ledger as l")
      .innerJoin("customers as c", "c.id", "l.customer_id")
      .select(["l.id", "l.customer_id", "l.amount"])
      .where("c.code", "=", "C0005")
      .where("l.reference", "=", "ABC-20261102-4410")
      .executeTakeFirstOrThrow();
    const { page } = await newBrowser({ locale: "en" });
    await login(page, baseUrl(), "finance");
    await open(page, `${baseUrl()}/admin/funds/customers/${target.customer_id}`);
    const before = fenOf(await textOf(page.getByTestId("balance-prepaid")));
    const row = page.locator(`[data-testid="ledger-row"][data-entry="${target.id}"]`);
    await row.getByRole("link", { name: "Reverse" }).click();
    await page.waitForURL(/reverse=\d+/);
    const panel = page.getByTestId("reverse-panel");
    await panel.getByLabel("Reason").fill("Duplicate of the bank's second notice");
    await panel.getByRole("button", { name: "Reverse", exact: true }).click();
    await expect.poll(() => textOf(page.getByTestId("funds-result"))).toContain(`Reversed entry #${target.id}`);
    await expect.poll(() => panel.count()).toBe(0);
    await expect
      .poll(async () => fenOf(await textOf(page.getByTestId("balance-prepaid"))))
      .toBe(before - Number(target.amount));
    expect(await textOf(row)).toContain("Reversed");
    await screenshot(page, "console-funds-customer-en");

    const jar = await signedIn("finance");
    const again = await request(baseUrl(), `/admin/funds/customers/${target.customer_id}`, {
      jar,
      headers: { Origin: baseUrl() },
      form: { intent: "reverse", entryId: String(target.id), reason: "again" },
    });
    expect(again.status).toBe(409);
    const reversals = await database.db
      .selectFrom("fund_ledger")
      .select("id")
      .where("reversal_of", "=", target.id)
      .execute();
    expect(reversals).toHaveLength(1);
  });

  test("statements: on screen, printed on A4, exported as CSV and XLSX, in both languages", async () => {
    const hz = await customer("C0001");
    const { page } = await newBrowser();
    await login(page, baseUrl(), "finance");
    await open(page, `${baseUrl()}/admin/funds/customers/${hz.id}`);
    await page.getByRole("link", { name: "对账单" }).click();
    await page.waitForURL(/\/statement$/);
    await waitForHydration(page);
    // The customer page has a ledger filter called "from" too: wait for the statement itself.
    const summary = page.getByTestId("statement-summary");
    await expect.poll(() => summary.count()).toBe(1);
    const periodForm = page.locator("form").filter({ has: page.getByRole("button", { name: "查询" }) });
    const from = await periodForm.locator('input[name="from"]').inputValue();
    expect(from).toMatch(/^\d{4}-\d{2}-01$/);
    await periodForm.locator('input[name="from"]').fill(`${from.slice(0, 4)}-01-01`);
    await page.getByRole("button", { name: "查询" }).click();
    await page.waitForURL(/from=\d{4}-01-01&to=/);
    await waitForHydration(page);
    // The URL changes before the new period has rendered: wait for the statement of that period.
    await page
      .getByTestId("statement-period")
      .filter({ hasText: `${from.slice(0, 4)}-01-01 至` })
      .waitFor({ state: "attached", timeout: 10_000 });
    const closing = fenOf(await textOf(page.getByTestId("statement-prepaid").locator("td").last()));
    expect(closing).toBe(Number(hz.prepaid));
    expect(await page.getByTestId("statement-lines").locator("tbody tr").count()).toBeGreaterThanOrEqual(8);
    await screenshot(page, "console-funds-statement-zh");

    await page.emulateMedia({ media: "print" });
    expect(await page.locator("aside").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "打印" }).isVisible()).toBe(false);
    await screenshot(page, "console-funds-statement-print-zh");
    await page.emulateMedia({ media: "screen" });

    const query = pathOf(page).split("?")[1]!;
    const csv = await page.request.get(
      `${baseUrl()}/admin/funds/customers/${hz.id}/statement/export?${query}&format=csv`,
    );
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-disposition"]).toContain(".csv");
    const text = await csv.text();
    expect(text.startsWith("\uFEFF对账单")).toBe(true);
    expect(text).toContain("C0001");
    expect(text).toContain(`预付款,0.00,`);
    expect(text).toContain((closing / 100).toFixed(2));

    const xlsx = await page.request.get(
      `${baseUrl()}/admin/funds/customers/${hz.id}/statement/export?${query}&format=xlsx`,
    );
    expect(xlsx.status()).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getCell("A1").value).toBe("对账单");
    const prepaidRow = sheet.getRows(1, sheet.rowCount)!.find((r) => r.getCell(1).value === "预付款");
    expect(prepaidRow?.getCell(5).value).toBe(closing / 100);
    expect(prepaidRow?.getCell(5).numFmt).toBe("#,##0.00");

    // English, and the dealer's own copy on a phone.
    const en = await newBrowser({ locale: "en" });
    await login(en.page, baseUrl(), "finance");
    await open(en.page, `${baseUrl()}/admin/funds`);
    await screenshot(en.page, "console-funds-balances-en");
    await open(en.page, `${baseUrl()}/admin/funds/customers/${hz.id}/statement?${query}`);
    expect(await textOf(en.page.getByTestId("statement-summary"))).toContain("Opening balance");
    await screenshot(en.page, "console-funds-statement-en");
    await open(en.page, `${baseUrl()}/admin/payment-reports?status=all`);
    await screenshot(en.page, "console-funds-reports-en");

    const dealer = await newBrowser({ locale: "en", viewport: { width: 390, height: 844 } });
    await login(dealer.page, baseUrl(), "hz-dealer");
    await open(dealer.page, `${baseUrl()}/shop/funds`);
    await noSidewaysScroll(dealer.page);
    await screenshot(dealer.page, "shop-funds-phone-en");
    await open(dealer.page, `${baseUrl()}/shop/funds/statement?${query}`);
    await noSidewaysScroll(dealer.page);
    expect(fenOf(await textOf(dealer.page.getByTestId("statement-prepaid").locator("td").last()))).toBe(closing);
    await screenshot(dealer.page, "shop-funds-statement-phone-en");
    await open(dealer.page, `${baseUrl()}/shop/funds/report`);
    await screenshot(dealer.page, "shop-funds-report-phone-en");
  });

  test("without JavaScript: a refused payment keeps what was typed; a report is filed and rejected with a reason", async () => {
    const sz = await customer("C0004");
    const { page } = await newBrowser({ javaScriptEnabled: false, allowErrors: [failedResource400] });
    await page.goto(`${baseUrl()}/login`);
    await page.locator('input[name="username"]').fill("finance");
    await page.locator('input[name="password"]').fill("demo1234");
    await submitForm(page, page.locator('form:has(input[name="password"]) button[type="submit"]'));
    await page.goto(`${baseUrl()}/admin/funds/customers/${sz.id}`);
    const form = page.getByTestId("form-payment");
    await form.getByLabel("金额（元）").fill("12.345");
    await form.getByLabel("参考号（流水号、单据号）").fill("NOJS-1");
    const refused = await submitForm(page, form.getByRole("button", { name: "确认收款" }));
    expect((await refused.response())?.status()).toBe(400);
    expect(await textOf(page.getByTestId("form-payment"))).toContain("请输入金额，如 12.50。");
    expect(await page.getByTestId("form-payment").getByLabel("参考号（流水号、单据号）").inputValue()).toBe("NOJS-1");
    await page.getByTestId("form-payment").getByLabel("金额（元）").fill("12.34");
    await submitForm(page, page.getByTestId("form-payment").getByRole("button", { name: "确认收款" }));
    expect(await textOf(page.getByTestId("funds-result"))).toContain("已入账 ¥12.34");
    expect(fenOf(await textOf(page.getByTestId("balance-prepaid")))).toBe(Number(sz.prepaid) + 1_234);

    const dealer = await newBrowser({ javaScriptEnabled: false });
    await dealer.page.goto(`${baseUrl()}/login`);
    await dealer.page.locator('input[name="username"]').fill("sz-dealer");
    await dealer.page.locator('input[name="password"]').fill("demo1234");
    await submitForm(dealer.page, dealer.page.locator('form:has(input[name="password"]) button[type="submit"]'));
    await dealer.page.goto(`${baseUrl()}/shop/funds/report`);
    await dealer.page.getByLabel("金额（元）").fill("88");
    await dealer.page.getByLabel("参考号（流水号、单据号）").fill("NOJS-REPORT");
    const proof = await sharp({ create: { width: 60, height: 80, channels: 3, background: "#fde68a" } })
      .jpeg()
      .toBuffer();
    await dealer.page
      .locator('input[name="proof"]')
      .setInputFiles({ name: "a.jpg", mimeType: "image/jpeg", buffer: proof });
    await submitForm(dealer.page, dealer.page.getByRole("button", { name: "提交" }));
    expect(await textOf(dealer.page.getByTestId("report-submitted"))).toContain("已提交");
    const report = await database.db
      .selectFrom("payment_reports")
      .select("id")
      .where("reference", "=", "NOJS-REPORT")
      .executeTakeFirstOrThrow();

    await page.goto(`${baseUrl()}/admin/payment-reports`);
    const row = page.getByTestId(`report-${report.id}`);
    await row.locator("summary").click();
    const noReason = await submitForm(page, row.getByRole("button", { name: "驳回" }));
    expect((await noReason.response())?.status()).toBe(400);
    expect(await textOf(page.getByTestId(`report-${report.id}`))).toContain("必填。");
    await page.getByTestId(`report-${report.id}`).getByLabel("驳回原因").fill("银行未到账");
    await submitForm(page, page.getByTestId(`report-${report.id}`).getByRole("button", { name: "驳回" }));
    expect(await textOf(page.getByTestId("reports-result"))).toContain("已驳回");
    await dealer.page.goto(`${baseUrl()}/shop/funds/report`);
    expect(await textOf(dealer.page.getByTestId(`my-report-${report.id}`))).toContain("银行未到账");
    expect((await customer("C0004")).prepaid).toBe(Number(sz.prepaid) + 1_234);
  });

  test("staff without funds.view get a 403; a dealer cannot open another's statement through the console", async () => {
    const { page } = await newBrowser({ allowErrors: [failedResource(403)] });
    await login(page, baseUrl(), "warehouse");
    // login() waits for the URL only: wait for the console's menu before counting its links.
    await page.locator("aside nav").waitFor({ state: "attached", timeout: 10_000 });
    expect(await page.locator('a[href="/admin/funds"]').count()).toBe(0);
    const response = await page.goto(`${baseUrl()}/admin/funds`);
    expect(response?.status()).toBe(403);
    const sz = await customer("C0004");
    const jar = await signedIn("hz-dealer");
    const res = await request(baseUrl(), `/admin/funds/customers/${sz.id}/statement/export?format=csv`, { jar });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/shop");
  });
});
