// The whole return of issue 6 across both sides, each step by its own person: a dealer returns part
// of an order for a quality reason with a photo, 订单审核员 approves, the dealer ships the goods
// back, the warehouse restocks one line and scraps the other, finance refunds, and the dealer sees
// the refund in its balance and every step in the timeline. Then again with every return step off.
import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { type Database, openDatabase } from "../../db/client";
import { login, open, screenshot, waitForHydration } from "../support/browser";
import { findFundsViolations } from "../support/invariants";
import { baseUrl, browsersPerTest, pathOf, textOf } from "./journey";
import { type ShippedOrder, shipAnOrder } from "./shipped-order";

const newBrowser = browsersPerTest();
let database: Database;

beforeAll(() => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
});
afterAll(async () => {
  expect(await findFundsViolations(database.db)).toEqual([]);
  await database.close();
});

const RETURN_STEPS = ["return_review", "return_shipment", "inbound_review", "refund_review"] as const;

const photo = () =>
  sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 40, g: 90, b: 200 } } })
    .png()
    .toBuffer();

async function signIn(username: string): Promise<Page> {
  const { page } = await newBrowser();
  await login(page, baseUrl(), username);
  return page;
}

const consoleStatus = (page: Page) => textOf(page.locator("main h1 + span"));
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
const prepaidOf = async (code: string) =>
  Number(
    (
      await database.db
        .selectFrom("fund_balances as b")
        .innerJoin("customers as c", "c.id", "b.customer_id")
        .select("b.prepaid")
        .where("c.code", "=", code)
        .executeTakeFirstOrThrow()
    ).prepaid,
  );
/** "¥1,234.56" → 123456. */
const fenOf = (text: string) => {
  const m = /(-?)¥([\d,]+)\.(\d{2})/.exec(text);
  if (!m) throw new Error(`no money in "${text}"`);
  return (m[1] ? -1 : 1) * (Number(m[2]!.replace(/,/g, "")) * 100 + Number(m[3]));
};

/** The dealer files a return of two units of each line of the order; returns its number. */
async function dealerReturns(dealer: Page, order: ShippedOrder, tag: string): Promise<string> {
  await open(dealer, `${baseUrl()}/shop/returns/new?order=${order.number}`);
  await waitForHydration(dealer);
  await dealer.locator('input[name="lines.0.quantity"]').fill("2");
  await dealer.locator('select[name="lines.0.reason"]').selectOption("quality");
  await dealer.locator('input[name="lines.0.note"]').fill("外包装破损、内瓶渗漏");
  await dealer.locator('input[name="lines.1.quantity"]').fill("2");
  await dealer.locator('select[name="lines.1.reason"]').selectOption("damaged");
  await dealer
    .locator("#return-photos")
    .setInputFiles({ name: "damage.png", mimeType: "image/png", buffer: await photo() });
  await screenshot(dealer, `return-journey-new-${tag}`);
  await dealer.locator('form[enctype="multipart/form-data"] button[type="submit"]').click();
  await dealer.waitForURL(/\/shop\/returns\/TH\d{8}-\d{4}\?created=1$/);
  await waitForHydration(dealer);
  return decodeURIComponent(pathOf(dealer).split("/").pop()!.split("?")[0]!);
}

async function setReturnSteps(admin: Page, on: boolean) {
  await open(admin, `${baseUrl()}/admin/settings/workflow`);
  for (const step of RETURN_STEPS) {
    const box = admin.locator(`input[name="${step}"]`);
    if (on) await box.check();
    else await box.uncheck();
  }
  await admin.locator('form button[type="submit"]').last().click();
  await expect.poll(() => textOf(admin.locator('[role="status"]').first())).toContain("流程设置已保存");
}

describe("a return from the dealer's request to the refund", () => {
  test("every step by its own person; stock and balance move once; both sides show the history", async () => {
    const order = await shipAnOrder(database.db, "C0002");
    const [a, b] = order.lines as [ShippedOrder["lines"][number], ShippedOrder["lines"][number]];
    const dealer = (await newBrowser()).page;
    await login(dealer, baseUrl(), "sh-dealer");
    const number = await dealerReturns(dealer, order, "zh");
    // The URL changes before the client-side render of the return: wait for what it shows.
    await expect.poll(() => textOf(dealer.locator("main"))).toContain("待退货审核");
    expect(await dealer.locator(`img[src="/shop/returns/${number}/photos/0/thumb"]`).count()).toBe(1);

    // 订单审核员 approves as requested.
    const reviewer = await signIn("reviewer");
    await open(reviewer, `${baseUrl()}/admin/returns/${number}`);
    expect(await reviewer.locator(`img[src="/admin/returns/${number}/photos/0/thumb"]`).count()).toBe(1);
    await reviewer.getByRole("button", { name: "审核通过" }).click();
    await expect.poll(() => consoleStatus(reviewer)).toBe("待退货发货");

    // The dealer ships the goods back.
    await open(dealer, `${baseUrl()}/shop/returns/${number}`);
    const ship = dealer.getByTestId("ship-back");
    await ship.locator('input[name="carrier"]').fill("德邦物流");
    await ship.locator('input[name="trackingNo"]').fill("DPK202611280001");
    await ship.locator('button[type="submit"]').click();
    await expect.poll(() => textOf(dealer.locator("main"))).toContain("待入库审核");

    // 仓库管理员 restocks line A and scraps line B: only A's stock rises, by exactly its units.
    const warehouse = await signIn("warehouse");
    await open(warehouse, `${baseUrl()}/admin/returns/${number}`);
    const inbound = warehouse.getByTestId("inbound-form");
    const into = Number(await inbound.locator('select[name="warehouseId"]').inputValue());
    const [aBefore, bBefore] = [await onHand(a.skuId, into), await onHand(b.skuId, into)];
    await inbound.getByLabel(`${b.skuCode} 处理方式`).selectOption("scrap");
    await screenshot(warehouse, "return-journey-inbound-zh");
    await inbound.getByRole("button", { name: "入库审核通过" }).click();
    await expect.poll(() => consoleStatus(warehouse)).toBe("待退款审核");
    expect(await onHand(a.skuId, into)).toBe(aBefore + 2);
    expect(await onHand(b.skuId, into)).toBe(bBefore);

    // 财务审核员 refunds the suggested amount; it goes back to prepaid, once.
    const finance = await signIn("finance");
    await open(finance, `${baseUrl()}/admin/returns/${number}`);
    const refundForm = finance.getByTestId("refund-form");
    const suggested = fenOf(await textOf(refundForm.locator("p").first()));
    expect(suggested).toBeGreaterThan(0);
    const prepaidBefore = await prepaidOf("C0002");
    await refundForm.getByRole("button", { name: "确认退款" }).click();
    await expect.poll(() => consoleStatus(finance)).toBe("已完成");
    expect(await prepaidOf("C0002")).toBe(prepaidBefore + suggested);

    // The dealer sees the refund in its balance and ledger, and every step on the return.
    await open(dealer, `${baseUrl()}/shop/funds`);
    expect(fenOf(await textOf(dealer.getByTestId("my-prepaid")))).toBe(prepaidBefore + suggested);
    const refundRow = dealer.getByTestId("my-ledger-row").filter({ hasText: number });
    expect(await refundRow.count()).toBe(1);
    expect(fenOf(await textOf(refundRow))).toBe(suggested);
    await screenshot(dealer, "return-journey-funds-zh");
    await open(dealer, `${baseUrl()}/shop/returns/${number}`);
    const page = await textOf(dealer.locator("main"));
    expect(page).toContain("已完成");
    for (const step of ["提交退货申请", "退货审核通过", "退货已发货", "入库审核通过", "退款审核通过"])
      expect(page).toContain(step);
    expect(page).toContain("报废");
    await screenshot(dealer, "return-journey-completed-zh");

    // The order shows its return on both sides.
    await open(dealer, `${baseUrl()}/shop/orders/${order.number}`);
    expect(await textOf(dealer.getByTestId("order-returns"))).toContain(number);
    await open(finance, `${baseUrl()}/admin/orders/${order.number}`);
    expect(await textOf(finance.getByTestId("order-returns"))).toContain(number);
  });

  test("with every return step switched off, the return is received, restocked and refunded at once", async () => {
    const order = await shipAnOrder(database.db, "C0002");
    const admin = await signIn("admin");
    await setReturnSteps(admin, false);
    try {
      const dealer = (await newBrowser()).page;
      await login(dealer, baseUrl(), "sh-dealer");
      const prepaidBefore = await prepaidOf("C0002");
      const [a] = order.lines;
      const stockBefore = await onHand(a!.skuId, order.warehouseId);
      const number = await dealerReturns(dealer, order, "steps-off-zh");
      await expect.poll(() => textOf(dealer.locator("main"))).toContain("已完成");
      const main = await textOf(dealer.locator("main"));
      for (const step of [
        "退货审核（自动通过）",
        "退货发货（自动跳过）",
        "入库审核（自动通过）",
        "退款审核（自动通过）",
      ])
        expect(main).toContain(step);
      await screenshot(dealer, "return-journey-steps-off-zh");
      const ret = await database.db
        .selectFrom("returns")
        .select(["status", "refund_amount"])
        .where("number", "=", number)
        .executeTakeFirstOrThrow();
      expect(ret.status).toBe("completed");
      expect(Number(ret.refund_amount)).toBeGreaterThan(0);
      expect(await prepaidOf("C0002")).toBe(prepaidBefore + Number(ret.refund_amount));
      expect(await onHand(a!.skuId, order.warehouseId)).toBe(stockBefore + 2);
    } finally {
      await setReturnSteps(admin, true);
    }
  });

  test("with only return review on, an approved return waits for the goods; then in English", async () => {
    const order = await shipAnOrder(database.db, "C0002");
    const admin = await signIn("admin");
    await open(admin, `${baseUrl()}/admin/settings/workflow`);
    await admin.locator('input[name="return_review"]').check();
    for (const step of RETURN_STEPS.slice(1)) await admin.locator(`input[name="${step}"]`).check();
    await admin.locator('input[name="refund_review"]').uncheck();
    await admin.locator('form button[type="submit"]').last().click();
    await expect.poll(() => textOf(admin.locator('[role="status"]').first())).toContain("流程设置已保存");
    try {
      const dealer = (await newBrowser()).page;
      await login(dealer, baseUrl(), "sh-dealer");
      const number = await dealerReturns(dealer, order, "refund-off-zh");
      await open(admin, `${baseUrl()}/admin/returns/${number}`);
      await admin.getByRole("button", { name: "审核通过" }).click();
      await expect.poll(() => consoleStatus(admin)).toBe("待退货发货");
      // Inbound then completes it; refund review is off, so the refund is automatic.
      const ship = admin.getByTestId("ship-back-form");
      await ship.getByLabel("承运商").fill("顺丰速运");
      await ship.getByLabel("运单号").fill("SF1100220033");
      await ship.getByRole("button", { name: "登记退货发货" }).click();
      await expect.poll(() => consoleStatus(admin)).toBe("待入库审核");
      await admin.getByTestId("inbound-form").getByRole("button", { name: "入库审核通过" }).click();
      await expect.poll(() => consoleStatus(admin)).toBe("已完成");
      expect(await textOf(admin.locator("main ol"))).toContain("退款审核（自动通过）");
      // The dealer reads the same history in English.
      await dealer.locator('form[action="/set-language"] button[value="en"]').first().click();
      await dealer.waitForFunction(() => document.documentElement.lang === "en");
      await open(dealer, `${baseUrl()}/shop/returns/${number}`);
      const main = await textOf(dealer.locator("main"));
      expect(main).toContain("Completed");
      expect(main).toContain("Refund review (passed automatically)");
      await screenshot(dealer, "return-journey-completed-en");
    } finally {
      await setReturnSteps(admin, true);
    }
  });
});
