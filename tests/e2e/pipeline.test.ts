// The order pipeline in the browser, each demo role doing its own step (issue 5's journey).
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { login, open, screenshot, waitForHydration } from "../support/browser";
import { baseUrl, browsersPerTest, failedResource, textOf } from "./journey";

const newBrowser = browsersPerTest();

/** The dealer orders two SKUs through the quick-order pad and checkout; returns the order number. */
async function dealerOrders(page: Page, username: string): Promise<string> {
  await login(page, baseUrl(), username);
  await open(page, `${baseUrl()}/shop/quick-order`);
  await page.locator('textarea[name="text"]').fill("SP001-1\t10\nSP022-1\t2");
  await page.locator('button[value="add"]').click();
  await page.waitForURL(/\/shop\/cart$/);
  await open(page, `${baseUrl()}/shop/checkout`);
  await page.locator('aside button[type="submit"]').click();
  await page.waitForURL(/\/shop\/orders\/DH\d{8}-\d{4}/);
  await waitForHydration(page);
  // The URL changes before the order page has rendered; wait for it.
  await expect.poll(() => textOf(page.locator("main h1"))).toMatch(/^DH\d{8}-\d{4}$/);
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
}

/** A staff member opens the order in the console and approves its current step. */
async function approve(page: Page, number: string, fill?: (page: Page) => Promise<void>) {
  await open(page, `${baseUrl()}/admin/orders/${number}`);
  const form = page.getByTestId("approve-form");
  await expect.poll(() => form.count()).toBe(1);
  if (fill) await fill(page);
  const before = await textOf(page.locator("main h1 + span, main .badge").first());
  await form.locator('button[value="approve"]').click();
  await expect.poll(() => textOf(page.locator('[role="status"], [role="alert"]').first())).not.toBe("");
  return before;
}

async function statusOf(page: Page, number: string) {
  await open(page, `${baseUrl()}/admin/orders/${number}`);
  return textOf(page.locator("main").locator("span.badge").first());
}

async function signIn(username: string, options: Parameters<typeof newBrowser>[0] = {}) {
  const browser = await newBrowser(options);
  await login(browser.page, baseUrl(), username);
  return browser.page;
}

describe("the order pipeline, step by step, each role in its own browser", () => {
  test("order review amends, finance pays from prepaid, the warehouse ships out, shipping tracks, the dealer confirms", async () => {
    const dealer = (await newBrowser()).page;
    const number = await dealerOrders(dealer, "hz-dealer");
    await expect.poll(() => textOf(dealer.locator("main"))).toContain("待订单审核");

    // 订单审核员 amends a quantity with a reason, then approves.
    const reviewer = await signIn("reviewer");
    await open(reviewer, `${baseUrl()}/admin/orders/${number}`);
    await reviewer.locator('input[name^="qty_"]').first().fill("20");
    await reviewer.locator('input[name="reason"][placeholder="修改原因"]').fill("客户电话要求加量");
    await reviewer.locator('button[value="amend"]').click();
    await expect.poll(() => textOf(reviewer.getByTestId("change-slips"))).toContain("客户电话要求加量");
    await screenshot(reviewer, "pipeline-order-review-zh");
    await approve(reviewer, number);
    expect(await statusOf(reviewer, number)).toBe("待财务审核");

    // The dealer sees the change slip.
    await open(dealer, `${baseUrl()}/shop/orders/${number}`);
    expect(await textOf(dealer.getByTestId("change-slips"))).toContain("10 → 20");

    // 财务审核员 pays from prepaid: the panel shows what the dealer can pay with.
    const finance = await signIn("finance");
    await open(finance, `${baseUrl()}/admin/orders/${number}`);
    expect(await textOf(finance.getByTestId("finance-funds"))).toContain("预付款");
    await screenshot(finance, "pipeline-finance-review-zh");
    await approve(finance, number, async (p) => {
      await p.locator('select[name="paymentMethod"]').selectOption("prepaid");
    });
    expect(await statusOf(finance, number)).toBe("待出库审核");

    // 仓库管理员 ships out from the default warehouse.
    const warehouse = await signIn("warehouse");
    await approve(warehouse, number);
    expect(await statusOf(warehouse, number)).toBe("待发货确认");

    // 发货审核员 enters the carrier and tracking number, and can print the delivery note.
    const shipping = await signIn("shipping");
    await approve(shipping, number, async (p) => {
      await p.locator('input[name="carrier"]').fill("顺丰速运");
      await p.locator('input[name="trackingNo"]').fill("SF1122334455");
    });
    expect(await statusOf(shipping, number)).toBe("待收货确认");
    await open(shipping, `${baseUrl()}/admin/orders/${number}/delivery-note`);
    expect(await textOf(shipping.locator("article"))).toContain("SF1122334455");
    await screenshot(shipping, "pipeline-delivery-note-zh");

    // The dealer confirms receipt; the timeline shows every step.
    await open(dealer, `${baseUrl()}/shop/orders/${number}`);
    await dealer.locator('button[value="confirm_receipt"]').click();
    await expect.poll(() => textOf(dealer.locator("main"))).toContain("已完成");
    const timeline = await textOf(dealer.locator("main ol"));
    for (const step of ["订单审核通过", "财务审核通过", "出库审核通过", "发货确认", "收货确认"])
      expect(timeline).toContain(step);
    await screenshot(dealer, "pipeline-completed-shop-zh");
  });

  test("with finance review switched off, an approved order goes straight to outbound review", async () => {
    const admin = await signIn("admin");
    await open(admin, `${baseUrl()}/admin/settings/workflow`);
    await admin.locator('input[name="finance_review"]').uncheck();
    await expect.poll(() => textOf(admin.locator('ol[aria-label="生效后的流程"]').first())).toContain("财务审核");
    await screenshot(admin, "pipeline-workflow-settings-zh");
    await admin.locator('form button[type="submit"]').last().click();
    await expect.poll(() => textOf(admin.locator('[role="status"]').first())).toContain("流程设置已保存");
    try {
      const dealer = (await newBrowser()).page;
      const number = await dealerOrders(dealer, "gz-dealer");
      const reviewer = await signIn("reviewer");
      await approve(reviewer, number);
      expect(await statusOf(reviewer, number)).toBe("待出库审核");
      await open(dealer, `${baseUrl()}/shop/orders/${number}`);
      expect(await textOf(dealer.locator("main ol"))).toContain("财务审核（自动通过）");
    } finally {
      await open(admin, `${baseUrl()}/admin/settings/workflow`);
      await admin.locator('input[name="finance_review"]').check();
      await admin.locator('form button[type="submit"]').last().click();
      await expect.poll(() => textOf(admin.locator('[role="status"]').first())).toContain("流程设置已保存");
    }
  });

  test("a reviewer sends an order back with a reason; the dealer edits and resubmits it", async () => {
    const dealer = (await newBrowser()).page;
    const number = await dealerOrders(dealer, "sh-dealer");
    const reviewer = await signIn("reviewer");
    await open(reviewer, `${baseUrl()}/admin/orders/${number}`);
    await reviewer.locator('input[name="reason"][placeholder="原因"]').first().fill("SP022-1 缺货，请改为 1 箱");
    await reviewer.locator('button[value="send_back"]').click();
    await expect.poll(() => statusOf(reviewer, number)).toBe("已退回");

    await open(dealer, `${baseUrl()}/shop/orders/${number}`);
    expect(await textOf(dealer.locator("main ol"))).toContain("SP022-1 缺货，请改为 1 箱");
    const box = dealer.getByTestId("sent-back");
    await box.locator('input[name^="qty_"]').last().fill("1");
    await box.locator('button[value="edit"]').click();
    await expect.poll(() => textOf(dealer.getByTestId("change-slips"))).toContain("2 → 1");
    await screenshot(dealer, "pipeline-sent-back-shop-zh");
    await dealer.getByTestId("sent-back").locator('button[value="resubmit"]').click();
    await expect.poll(() => textOf(dealer.locator("main"))).toContain("待订单审核");
  });

  test("an action's notice arrives with the data it speaks of, never beside the data from before", async () => {
    const dealer = (await newBrowser()).page;
    const number = await dealerOrders(dealer, "hz-dealer");
    const reviewer = await signIn("reviewer");
    await open(reviewer, `${baseUrl()}/admin/orders/${number}`);
    expect(await textOf(reviewer.locator("main span.badge").first())).toBe("待订单审核");
    // The page's data reload after the action (a GET of its .data) is held back 1.5 s, as on a
    // slow line; every frame from the click on records the notice and the status beside it.
    await reviewer.route(/\.data(\?|$)/, async (route) => {
      if (route.request().method() === "GET") await new Promise((done) => setTimeout(done, 1500));
      await route.continue();
    });
    await reviewer.evaluate(() => {
      const frames: string[][] = [];
      (window as unknown as { frames_: string[][] }).frames_ = frames;
      const record = () => {
        frames.push([
          document.querySelector('[role="status"]')?.textContent?.trim() ?? "",
          document.querySelector("main span.badge")?.textContent?.trim() ?? "",
        ]);
        requestAnimationFrame(record);
      };
      record();
    });
    await reviewer.getByTestId("approve-form").locator('button[value="approve"]').click();
    await expect.poll(() => textOf(reviewer.locator('[role="status"]').first()), { timeout: 10_000 }).not.toBe("");
    const frames = await reviewer.evaluate(() => (window as unknown as { frames_: string[][] }).frames_);
    const last = frames[frames.length - 1]!;
    expect(last[1]).toBe("待财务审核");
    // The old status stayed on screen while the reload was held back (the test saw the window)…
    expect(frames.filter(([notice, status]) => !notice && status === "待订单审核").length).toBeGreaterThan(30);
    // …and the notice never showed in it.
    expect(frames.filter(([notice, status]) => notice && status === "待订单审核")).toEqual([]);
  });

  test("two reviewers approving the same order at once: one wins, the other is told who did it", async () => {
    const dealer = (await newBrowser()).page;
    const number = await dealerOrders(dealer, "bj-dealer");
    const a = await signIn("reviewer");
    // The loser's request answers 409, which Chromium logs as a failed resource.
    const b = await signIn("admin", { allowErrors: [failedResource(409)] });
    await open(a, `${baseUrl()}/admin/orders/${number}`);
    await open(b, `${baseUrl()}/admin/orders/${number}`);
    await a.getByTestId("approve-form").locator('button[value="approve"]').click();
    await expect.poll(() => textOf(a.locator('[role="status"]').first())).toContain("已处理");
    await b.getByTestId("approve-form").locator('button[value="approve"]').click();
    // Told by name: 张伟 is the demo order reviewer.
    await expect.poll(() => textOf(b.locator('[role="alert"]').first())).toContain("张伟");
    await screenshot(b, "pipeline-already-handled-zh");
  });
});
