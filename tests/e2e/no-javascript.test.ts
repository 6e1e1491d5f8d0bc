// The storefront without JavaScript: every step a plain HTML form the server answers with a
// whole page — signing in (and a refused sign-in keeping what was typed), searching, adding to
// the cart, emptying it and checking out.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { screenshot } from "../support/browser";
import { baseUrl, browsersPerTest, failedResource, pathOf, textOf } from "./journey";

const newBrowser = browsersPerTest();

/**
 * Clicks a submit button and returns the POST it caused. Without JavaScript it must be the
 * browser's own form submission (a document request), not a fetch by the router.
 */
async function submitForm(page: Page, button: ReturnType<Page["locator"]>) {
  const posted = page.waitForRequest((r) => r.method() === "POST");
  await button.click();
  const request = await posted;
  expect(request.resourceType(), `${request.url()} is a plain form post`).toBe("document");
  await page.waitForLoadState("load");
  return request;
}

describe("without JavaScript", () => {
  test("hz-dealer signs in, adds a product from its page, and places the order at checkout", async () => {
    const { page } = await newBrowser({ javaScriptEnabled: false, allowErrors: [failedResource(401)] });
    await page.goto(`${baseUrl()}/login`);
    // Nothing of React runs: the page is the server's HTML only.
    expect(await page.evaluate(() => "__reactRouterDataRouter" in window)).toBe(false);

    // A wrong password: refused, and the form comes back with the username as typed.
    await page.locator('input[name="username"]').fill("hz-dealer");
    await page.locator('input[name="password"]').fill("not-the-password");
    const refused = await submitForm(page, page.locator('form:has(input[name="password"]) button[type="submit"]'));
    expect((await refused.response())?.status()).toBe(401);
    expect(pathOf(page)).toBe("/login");
    expect(await textOf(page.getByRole("alert"))).toBe("用户名或密码不正确。");
    expect(await page.locator('input[name="username"]').inputValue()).toBe("hz-dealer");
    expect(await page.locator('input[name="password"]').inputValue()).toBe("");
    await screenshot(page, "i3-nojs-login-refused-zh");

    await page.locator('input[name="password"]').fill("demo1234");
    await submitForm(page, page.locator('form:has(input[name="password"]) button[type="submit"]'));
    expect(pathOf(page)).toBe("/shop");
    expect(await textOf(page.getByTestId("company-name"))).toContain("杭州顺达商贸有限公司");

    // Start from an empty cart: remove whatever another journey left, one plain post each.
    await page.goto(`${baseUrl()}/shop/cart`);
    for (let left = await page.locator('[data-testid^="cart-line-"]').count(); left > 0; left--) {
      await submitForm(page, page.locator('[data-testid^="cart-line-"] button[value="remove"]').first());
      expect(await page.locator('[data-testid^="cart-line-"]').count()).toBe(left - 1);
    }

    // Search with the catalog's GET form, open the product, add one SKU.
    await page.goto(`${baseUrl()}/shop`);
    await page.locator("#catalog-q").fill("茉莉花茶");
    await page.locator('form[role="search"] button[type="submit"]').click();
    await page.waitForURL(/\/shop\?q=/);
    const card = page.getByTestId("product-card").filter({ hasText: "茉莉花茶" });
    expect(await card.count()).toBe(1);
    await card.click();
    await page.waitForURL(/\/shop\/products\/\d+$/);
    const sku = page.getByTestId("sku-SP012-1");
    // The suggested quantity is the minimum order (5, in fives).
    expect(await sku.locator('input[name="quantity"]').inputValue()).toBe("5");
    await sku.locator('input[name="quantity"]').fill("10");
    await submitForm(page, sku.getByRole("button", { name: "加入购物车" }));
    expect(await textOf(page.locator("main [role=status]"))).toBe("已加入购物车。");
    expect(await textOf(page.getByTestId("cart-count").first())).toBe("1");
    await screenshot(page, "i3-nojs-product-added-zh");

    // The cart holds that one line; checkout places the order.
    await page.goto(`${baseUrl()}/shop/cart`);
    const lines = page.locator('[data-testid^="cart-line-"]');
    expect(await lines.count()).toBe(1);
    expect(await lines.first().getAttribute("data-testid")).toBe("cart-line-SP012-1");
    await page.locator('a[href="/shop/checkout"]').click();
    await page.waitForURL(/\/shop\/checkout$/);
    await page.locator('textarea[name="remark"]').fill("无脚本下单");
    const placed = await submitForm(page, page.locator('aside button[type="submit"]'));
    expect(new URL(placed.url()).pathname).toBe("/shop/checkout");
    expect(pathOf(page)).toMatch(/^\/shop\/orders\/DH\d{8}-\d{4}\?placed=1$/);
    const main = await textOf(page.locator("main"));
    expect(main).toContain("待订单审核");
    expect(main).toContain("无脚本下单");
    expect(main).toContain("SP012-1");
    expect(await page.getByTestId("cart-count").count()).toBe(0);
    await screenshot(page, "i3-nojs-order-placed-zh");
  });
});
