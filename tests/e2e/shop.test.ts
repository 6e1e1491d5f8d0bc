// Customers in the storefront (订货商城), on a desktop and on a phone.
import { describe, expect, test } from "vitest";
import { login, screenshot } from "../support/browser";
import { baseUrl, browsersPerTest, pathOf, textOf } from "./journey";

const newBrowser = browsersPerTest();

describe("customer → storefront", () => {
  test("hz-dealer signs in and lands on /shop with its company name", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "hz-dealer");

    expect(pathOf(page)).toBe("/shop");
    const company = page.getByTestId("company-name");
    await expect.poll(() => textOf(company)).toContain("杭州顺达商贸有限公司");
    expect(await company.isVisible()).toBe(true);
    const header = page.locator("header").first();
    expect(await textOf(header)).toContain("订货商城");
    expect(await textOf(page.locator("main"))).not.toBe("");
    // The console is not offered to a dealer.
    expect(await page.locator('a[href^="/admin"]').count()).toBe(0);
    await screenshot(page, "shop-home-zh");

    await page.getByRole("button", { name: "English" }).click();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
    await expect.poll(() => textOf(header)).toContain("Storefront");
    expect(pathOf(page)).toBe("/shop");
    expect(await textOf(company)).toContain("杭州顺达商贸有限公司");
    await screenshot(page, "shop-home-en");
  });

  test("on a phone (390×844) the storefront fits the screen", async () => {
    const { page } = await newBrowser({ viewport: { width: 390, height: 844 } });
    await login(page, baseUrl(), "hz-dealer");
    expect(pathOf(page)).toBe("/shop");
    await expect.poll(() => textOf(page.getByTestId("company-name"))).toContain("杭州顺达商贸有限公司");

    const widths = await page.evaluate(() => ({
      inner: window.innerWidth,
      document: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
    }));
    expect(widths.document, "no sideways scrolling").toBeLessThanOrEqual(widths.inner);
    expect(widths.body, "no sideways scrolling").toBeLessThanOrEqual(widths.inner);

    // The user menu opens inside the screen too.
    await page.locator("header details summary").click();
    const panel = page.locator("header details > div");
    await expect.poll(() => panel.isVisible()).toBe(true);
    const box = await panel.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await page.locator("header details summary").click();
    await screenshot(page, "shop-home-phone-zh");
  });
});
