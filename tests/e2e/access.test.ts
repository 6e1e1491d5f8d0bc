// Each side refuses the other kind of account, and the anonymous are sent to sign in and back.
import { describe, expect, test } from "vitest";
import { login, waitForHydration } from "../support/browser";
import { baseUrl, browsersPerTest, pathOf, textOf } from "./journey";

const newBrowser = browsersPerTest();

describe("each side refuses the other", () => {
  test("a signed-in customer who opens /admin ends up on /shop", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "gz-dealer");
    expect(pathOf(page)).toBe("/shop");

    await page.goto(`${baseUrl()}/admin`);
    expect(pathOf(page)).toBe("/shop");
    await page.goto(`${baseUrl()}/admin/customers`);
    expect(pathOf(page)).toBe("/shop");
    await waitForHydration(page);
    await expect.poll(() => textOf(page.getByTestId("company-name"))).toBe("广州粤丰商贸有限公司");
    // /login sends a signed-in account home instead of showing the form.
    await page.goto(`${baseUrl()}/login`);
    expect(pathOf(page)).toBe("/shop");
  });

  test("a signed-in staff member who opens /shop ends up on /admin", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "lead");
    expect(pathOf(page)).toBe("/admin");

    await page.goto(`${baseUrl()}/shop`);
    expect(pathOf(page)).toBe("/admin");
    await waitForHydration(page);
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("李文静，你好");
    await page.goto(`${baseUrl()}/`);
    expect(pathOf(page)).toBe("/admin");
  });

  test("anonymous /admin goes to /login?redirectTo=%2Fadmin and back after signing in", async () => {
    const { page } = await newBrowser();
    await page.goto(`${baseUrl()}/admin`);
    expect(pathOf(page)).toBe("/login?redirectTo=%2Fadmin");
    await waitForHydration(page);
    await expect.poll(() => textOf(page.locator("h1"))).toBe("登录订货");

    await login(page, baseUrl(), "admin");
    expect(pathOf(page)).toBe("/admin");
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("王建国，你好");
  });

  test("anonymous deep link into the console returns there after signing in", async () => {
    const { page } = await newBrowser();
    await page.goto(`${baseUrl()}/admin/customers?q=C0001`);
    expect(pathOf(page)).toBe(`/login?redirectTo=${encodeURIComponent("/admin/customers?q=C0001")}`);
    await login(page, baseUrl(), "admin");
    expect(pathOf(page)).toBe("/admin/customers?q=C0001");
    await expect.poll(() => page.locator("main table tbody tr td:first-child").allTextContents()).toEqual(["C0001"]);
  });

  test("a customer following a console redirectTo lands on its own storefront", async () => {
    const { page } = await newBrowser();
    await page.goto(`${baseUrl()}/admin`);
    expect(pathOf(page)).toBe("/login?redirectTo=%2Fadmin");
    await login(page, baseUrl(), "hz-dealer");
    expect(pathOf(page)).toBe("/shop");
  });

  test("anonymous /shop and / go to the login page", async () => {
    const { page } = await newBrowser();
    await page.goto(`${baseUrl()}/shop`);
    expect(pathOf(page)).toBe("/login?redirectTo=%2Fshop");
    await page.goto(`${baseUrl()}/`);
    expect(pathOf(page)).toBe("/login");
    await waitForHydration(page);
  });
});
