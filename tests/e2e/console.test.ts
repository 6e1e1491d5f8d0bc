// Staff in the console (管理后台): dashboard, language, sign-out, permissions and region scope.
import { describe, expect, test } from "vitest";
import { login, open, screenshot, waitForHydration } from "../support/browser";
import { baseUrl, browsersPerTest, failedResource, pathOf, textOf } from "./journey";

const newBrowser = browsersPerTest();

const QUEUES = [
  "order_review",
  "finance_review",
  "outbound_review",
  "shipment",
  "receipt",
  "return_review",
  "return_shipment",
  "inbound_review",
  "refund_review",
];

describe("staff → console", () => {
  test("admin signs in, lands on the dashboard and sees the queues and the menu", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "admin");

    expect(pathOf(page)).toBe("/admin");
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("王建国，你好");
    expect(await page.title()).toBe("工作台 · 订货");
    await expect.poll(() => textOf(page.locator("main h2").first())).toBe("待我处理");

    for (const key of QUEUES) {
      const card = page.getByTestId(`queue-${key}`);
      expect(await card.count(), `queue-${key}`).toBe(1);
      // Counts depend on the orders other journeys placed; they are whole numbers, never blank.
      expect(await textOf(card.locator(".text-3xl")), `queue-${key}`).toMatch(/^\d+$/);
    }
    await expect.poll(() => textOf(page.getByTestId("queue-order_review"))).toContain("订单审核");

    const customersLink = page.getByRole("link", { name: "客户", exact: true });
    expect(await customersLink.count()).toBe(1);
    expect(await customersLink.getAttribute("href")).toBe("/admin/customers");
    const dashboardLink = page.getByRole("link", { name: "工作台", exact: true });
    expect(await dashboardLink.getAttribute("aria-current")).toBe("page");
    await screenshot(page, "console-dashboard-zh");

    // The menu link works client-side and marks itself current.
    await customersLink.click();
    await page.waitForURL((url) => url.pathname === "/admin/customers");
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("客户");
    await expect.poll(() => customersLink.getAttribute("aria-current")).toBe("page");
  });

  test("switching language inside the console changes the menu, and back", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "admin");
    const nav = page.getByRole("navigation", { name: "菜单" });
    await expect.poll(() => textOf(nav.getByRole("link").first())).toBe("工作台");

    await page.getByRole("button", { name: "English" }).click();
    await expect
      .poll(() => textOf(page.getByRole("navigation", { name: "Menu" }).getByRole("link").first()))
      .toBe("Dashboard");
    expect(pathOf(page)).toBe("/admin");
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("Hello, 王建国");
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
    await expect.poll(() => textOf(page.getByTestId("queue-order_review"))).toContain("Order review");
    await screenshot(page, "console-dashboard-en");

    // Still English after a full reload (the cookie), then back to Chinese.
    await page.reload();
    await expect.poll(() => textOf(page.getByRole("link", { name: "Dashboard", exact: true }))).toBe("Dashboard");
    await page.getByRole("button", { name: "中文" }).click();
    await expect
      .poll(() => textOf(page.getByRole("navigation", { name: "菜单" }).getByRole("link").first()))
      .toBe("工作台");
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("王建国，你好");
  });

  test("signing out from the user menu ends the session", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "admin");

    const menu = page.locator("header details");
    await menu.locator("summary").click();
    await expect.poll(() => menu.getAttribute("open")).not.toBeNull();
    await expect.poll(() => textOf(menu)).toContain("系统管理员");
    await menu.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
    await expect.poll(() => textOf(page.locator("h1"))).toBe("登录订货");

    await page.goto(`${baseUrl()}/admin`);
    expect(pathOf(page)).toBe("/login?redirectTo=%2Fadmin");
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "dh_session")).toBeUndefined();
  });
});

describe("permissions", () => {
  test("a warehouse keeper has no 客户 menu entry and gets a 403 page for /admin/customers", async () => {
    const { page } = await newBrowser({ allowErrors: [failedResource(403)] });
    await login(page, baseUrl(), "warehouse");
    expect(pathOf(page)).toBe("/admin");
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("刘强，你好");
    expect(await page.getByRole("link", { name: "工作台", exact: true }).count()).toBe(1);
    expect(await page.getByRole("link", { name: "客户", exact: true }).count()).toBe(0);
    expect(await page.locator('a[href="/admin/customers"]').count()).toBe(0);
    // Only the queues of the warehouse's own steps.
    expect(await page.locator('[data-testid^="queue-"]').count()).toBe(2);
    expect(await page.getByTestId("queue-outbound_review").count()).toBe(1);
    expect(await page.getByTestId("queue-inbound_review").count()).toBe(1);

    const response = await page.goto(`${baseUrl()}/admin/customers`);
    expect(response?.status()).toBe(403);
    await waitForHydration(page);
    const alert = page.getByRole("alert");
    await expect.poll(() => textOf(alert.locator("h1"))).toBe("没有权限");
    expect(await textOf(alert)).toContain("403");
    expect(await textOf(alert)).toContain("你的账号没有访问此页面的权限");
    // The console's frame stays around the message.
    expect(await page.getByRole("link", { name: "工作台", exact: true }).count()).toBe(1);
    await screenshot(page, "console-403-zh");

    await page.getByRole("button", { name: "English" }).click();
    await expect.poll(() => textOf(page.getByRole("alert").locator("h1"))).toBe("Not permitted");
    expect(pathOf(page)).toBe("/admin/customers");
    expect(await textOf(page.getByRole("alert"))).toContain("403");
    expect(await page.getByRole("link", { name: "Dashboard", exact: true }).count()).toBe(1);
    await screenshot(page, "console-403-en");
  });
});

describe("region scope", () => {
  const customerCodes = async (page: import("playwright-core").Page) =>
    page.locator("main table tbody tr td:first-child").allTextContents();

  test("a regional manager for 华东 sees only the 华东 customers", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "east");
    await open(page, `${baseUrl()}/admin/customers`);
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("客户");
    expect(await customerCodes(page)).toEqual(["C0001", "C0002"]);
    const body = await textOf(page.locator("main"));
    expect(body).toContain("杭州顺达商贸有限公司");
    expect(body).toContain("上海浦江百货贸易有限公司");
    for (const code of ["C0003", "C0004", "C0005"]) expect(body).not.toContain(code);
    for (const name of ["广州粤丰商贸有限公司", "深圳鹏城日用品有限公司", "北京京华联合商贸有限公司"]) {
      expect(body).not.toContain(name);
    }
    // The user menu says which regions this account sees.
    await page.locator("header details summary").click();
    await expect.poll(() => textOf(page.locator("header details"))).toContain("华东");
    await page.locator("header details summary").click();
    await expect.poll(() => page.locator("header details").getAttribute("open")).toBeNull();
    await screenshot(page, "console-customers-east-zh");

    // Searching stays inside the scope.
    await page.locator("#customer-search").fill("C0003");
    await page.getByRole("button", { name: "搜索", exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get("q") === "C0003");
    await expect.poll(() => textOf(page.locator("main table tbody"))).toBe("没有符合条件的记录。");
  });

  test("admin sees all five demo customers, of every region", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "admin");
    await open(page, `${baseUrl()}/admin/customers`);
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("客户");
    // Other suites on this database may have added customers of their own.
    expect(await customerCodes(page)).toEqual(expect.arrayContaining(["C0001", "C0002", "C0003", "C0004", "C0005"]));
  });

  test("a console list opens at 20 rows and keeps a chosen 50 or 100 in its address and its next page", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "admin");
    // The audit log has well over 100 entries by now (every sign-in and change writes one).
    await open(page, `${baseUrl()}/admin/settings/audit`);
    const rows = page.locator("main tbody tr");
    expect(await rows.count()).toBe(20);
    const sizes = page.getByTestId("page-sizes");
    expect(await sizes.locator('[aria-current="true"]').textContent()).toBe("20");
    await sizes.getByRole("link", { name: "每页 50 条" }).click();
    await page.waitForURL((url) => url.searchParams.get("size") === "50");
    await expect.poll(() => rows.count()).toBe(50);
    expect(await sizes.locator('[aria-current="true"]').textContent()).toBe("50");
    const firstOfFifty = await textOf(rows.first());
    await page.getByRole("link", { name: "下一页" }).click();
    await page.waitForURL((url) => url.searchParams.has("cursor"));
    expect(new URL(page.url()).searchParams.get("size")).toBe("50");
    await expect.poll(async () => (await textOf(rows.first())) !== firstOfFifty).toBe(true);
    await screenshot(page, "console-page-sizes");
    // Back to 20: the first page again, and no size in the address.
    await sizes.getByRole("link", { name: "每页 20 条" }).click();
    await page.waitForURL((url) => !url.searchParams.has("size") && !url.searchParams.has("cursor"));
    await expect.poll(() => rows.count()).toBe(20);
  });
});
