// A dealer finds goods, uses the quick-order pad, checks out and tracks the order — on a desk and on a phone.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { login, open, screenshot, waitForHydration } from "../support/browser";
import { baseUrl, browsersPerTest, pathOf, textOf } from "./journey";

const newBrowser = browsersPerTest();

async function noSidewaysScroll(page: Page) {
  const widths = await page.evaluate(() => ({ inner: window.innerWidth, doc: document.documentElement.scrollWidth }));
  expect(widths.doc, `no sideways scrolling on ${page.url()}`).toBeLessThanOrEqual(widths.inner);
}

async function orderJourney(page: Page, tag: string, phone: boolean) {
  await login(page, baseUrl(), phone ? "sh-dealer" : "hz-dealer");
  expect(pathOf(page)).toBe("/shop");
  // The login redirect renders the catalog client-side; wait for it.
  await expect.poll(() => page.getByTestId("product-card").count()).toBeGreaterThan(10);
  if (phone) await noSidewaysScroll(page);
  await screenshot(page, `shop-catalog-${tag}`);

  // Search by name.
  await page.locator('input[name="q"]').fill("洗衣液");
  await page.locator('form[role="search"] button[type="submit"]').click();
  await page.waitForURL(/q=/);
  const cards = page.getByTestId("product-card");
  // The URL changes before the client-side render: wait until the cards shown are the results.
  await expect
    .poll(async () => {
      const texts = await cards.allTextContents();
      return texts.length > 0 && texts.every((text) => text.includes("洗衣液"));
    })
    .toBe(true);
  await screenshot(page, `shop-search-${tag}`);

  // Product page → add one SKU to the cart.
  await cards.first().click();
  await page.waitForURL(/\/shop\/products\/\d+/);
  await waitForHydration(page);
  // The URL changes before the product page has rendered: wait for its SKUs before measuring it.
  await page.locator('[data-testid^="sku-"]').first().waitFor({ state: "attached", timeout: 10_000 });
  if (phone) await noSidewaysScroll(page);
  await page.locator('button:has-text("加入购物车")').first().click();
  await expect.poll(() => textOf(page.locator('[role="status"]'))).toContain("已加入购物车");
  await screenshot(page, `shop-product-${tag}`);

  // Quick order: a pasted list with one unknown code is refused whole, line by line…
  await open(page, `${baseUrl()}/shop/quick-order`);
  await page.locator('textarea[name="text"]').fill("商品编码\t数量\nSP001-1\t10\nNOPE-404\t3\nSP006-1\t2");
  await page.locator('button[value="add"]').click();
  await expect.poll(() => textOf(page.getByTestId("pad-line-3"))).toContain("没有这个商品编码");
  expect(await textOf(page.getByTestId("pad-line-4"))).toContain("起订量为 5");
  expect(await textOf(page.getByTestId("pad-line-2"))).toContain("可订购");
  expect(pathOf(page)).toBe("/shop/quick-order");
  await screenshot(page, `shop-quick-order-${tag}`);
  // …and once fixed, added in one go.
  await page.locator('textarea[name="text"]').fill("SP001-1\t10\nSP006-1\t5");
  await page.locator('button[value="add"]').click();
  await page.waitForURL(/\/shop\/cart$/);
  await waitForHydration(page);
  // The URL changes before the client-side render of the new page: wait for what it shows.
  await expect.poll(() => page.locator('[data-testid^="cart-line-"]').count()).toBeGreaterThanOrEqual(3);
  if (phone) await noSidewaysScroll(page);
  await screenshot(page, `shop-cart-${tag}`);

  // Checkout → one order, in review.
  await page.locator('a[href="/shop/checkout"]').click();
  await page.waitForURL(/\/shop\/checkout$/);
  await waitForHydration(page);
  await page.locator('textarea[name="remark"]').fill("请周五前送达");
  if (phone) await noSidewaysScroll(page);
  await screenshot(page, `shop-checkout-${tag}`);
  await page.locator('aside button[type="submit"]').click();
  await page.waitForURL(/\/shop\/orders\/DH\d{8}-\d{4}\?placed=1$/);
  await waitForHydration(page);
  const number = decodeURIComponent(pathOf(page).split("/").pop()!.split("?")[0]!);
  await expect.poll(() => textOf(page.locator("main"))).toContain("待订单审核");
  expect(await textOf(page.locator("main"))).toContain("请周五前送达");
  if (phone) await noSidewaysScroll(page);
  await screenshot(page, `shop-order-${tag}`);

  // The cart is empty now, and the order is listed under my orders.
  await expect.poll(() => page.getByTestId("cart-count").count()).toBe(0);
  await open(page, `${baseUrl()}/shop/orders`);
  expect(await textOf(page.getByTestId("order-row").first())).toContain(number);
  if (phone) await noSidewaysScroll(page);
  await screenshot(page, `shop-orders-${tag}`);
  return number;
}

describe("a dealer orders", () => {
  test("on a desktop: search, product page, quick order, checkout, my orders", async () => {
    const { page } = await newBrowser();
    await orderJourney(page, "zh", false);
  });

  test("on a 390 px phone, the same journey fits the screen", async () => {
    const { page } = await newBrowser({ viewport: { width: 390, height: 844 } });
    await orderJourney(page, "phone-zh", true);
  });

  test("cancels an order nobody has approved yet", async () => {
    const { page } = await newBrowser();
    const number = await orderJourney(page, "cancel", false);
    await open(page, `${baseUrl()}/shop/orders/${number}`);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.locator('button[value="cancel"]').click();
    await expect.poll(() => textOf(page.locator("main"))).toContain("订单已取消");
    // The status beside the number, once the page's data has been read again after the notice.
    await expect.poll(() => textOf(page.locator("main div:has(> h1)"))).toContain("已取消");
  });
});
