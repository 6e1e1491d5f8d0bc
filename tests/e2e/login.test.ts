// The login page: refused credentials, throttling and the language switch.
// Every failed login here counts against the per-address limit (20 an hour): the whole suite
// stays well below it, so keep new failures few.
import { afterAll, describe, expect, inject, test } from "vitest";
import { clearAccountThrottle } from "../../app/services/throttle.server";
import { openDatabase } from "../../db/client";
import { open, screenshot } from "../support/browser";
import { postLogin } from "./http";
import { baseUrl, browsersPerTest, failedResource, pathOf, textOf } from "./journey";

const newBrowser = browsersPerTest();

// The throttling tests leave sh-dealer blocked for a while; the other journeys sign in as it.
afterAll(async () => {
  const database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
  await clearAccountThrottle(database.db, "sh-dealer");
  await database.close();
});

const FAILED = "用户名或密码不正确。";

async function submitLogin(page: import("playwright-core").Page, username: string, password: string) {
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  const answered = page.waitForResponse(
    (r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/login"),
  );
  await page.locator('form:has(input[name="password"]) button[type="submit"]').click();
  return (await answered).status();
}

describe("refused sign-in", () => {
  test("a wrong password is refused, keeps the username, and an unknown username reads the same", async () => {
    const { page } = await newBrowser({ allowErrors: [failedResource(401)] });
    await open(page, `${baseUrl()}/login`);

    expect(await submitLogin(page, "reviewer", "not-the-password")).toBe(401);
    const alert = page.getByRole("alert");
    await expect.poll(() => textOf(alert)).toBe(FAILED);
    expect(pathOf(page)).toBe("/login");
    expect(await page.locator('input[name="username"]').inputValue()).toBe("reviewer");
    await screenshot(page, "login-error-zh");

    expect(await submitLogin(page, "no-such-user", "not-the-password")).toBe(401);
    await expect.poll(() => page.locator('input[name="username"]').inputValue()).toBe("no-such-user");
    await expect.poll(() => textOf(alert)).toBe(FAILED);
    expect(pathOf(page)).toBe("/login");
  });

  test("empty fields are caught in the browser without a request", async () => {
    const { page } = await newBrowser();
    await open(page, `${baseUrl()}/login`);
    let posted = false;
    page.on("request", (r) => {
      if (r.method() === "POST") posted = true;
    });
    await page.locator('form:has(input[name="password"]) button[type="submit"]').click();
    await expect.poll(() => textOf(page.locator("main"))).toContain("请输入用户名。");
    expect(await textOf(page.locator("main"))).toContain("请输入密码。");
    expect(posted).toBe(false);
    expect(pathOf(page)).toBe("/login");
  });

  test("five wrong passwords for one username throttle it, then even the right one is turned away", async () => {
    const { page } = await newBrowser({ allowErrors: [failedResource(401), failedResource(429)] });
    await open(page, `${baseUrl()}/login`);
    const alert = page.getByRole("alert");

    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      statuses.push(await submitLogin(page, "sh-dealer", `wrong-${attempt}`));
      await expect.poll(() => alert.count()).toBe(1);
      if (statuses.at(-1) === 429) break;
      await expect.poll(() => textOf(alert)).toBe(FAILED);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    await expect.poll(() => textOf(alert)).toContain("秒后再试");
    expect(await textOf(alert)).toMatch(/^登录失败次数过多，请在 \d+ 秒后再试。$/);
    expect(pathOf(page)).toBe("/login");
    await screenshot(page, "login-throttled-zh");

    // Even the right password is turned away now, in the page too.
    expect(await submitLogin(page, "sh-dealer", "demo1234")).toBe(429);
    await expect.poll(() => textOf(alert)).toContain("秒后再试");
    expect(pathOf(page)).toBe("/login");
  });

  // Runs after the test above, which left `sh-dealer` throttled.
  test("while throttled, POST /login answers 429 with a Retry-After header", async () => {
    const response = await postLogin(baseUrl(), "sh-dealer", "demo1234");
    expect(response.status).toBe(429);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("dh_session="))).toBe(false);
    expect(await response.text()).toContain("秒后再试");
    const retryAfter = response.headers.get("retry-after");
    expect(retryAfter, "Retry-After header").not.toBeNull();
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(30);
  });
});

describe("a clean page load", () => {
  test("the login page loads without a failed request (the browser's /favicon.ico too)", async () => {
    const { page } = await newBrowser({ strict: true });
    await open(page, `${baseUrl()}/login`);
    await page.waitForLoadState("networkidle");
    // The browser asks for the icon after the load; give that answer a moment to arrive.
    await page.waitForTimeout(500);
  });
});

describe("language", () => {
  test("the English button switches the login page, and the choice survives a reload", async () => {
    const { page, context } = await newBrowser();
    await open(page, `${baseUrl()}/login`);
    await expect.poll(() => textOf(page.locator("h1"))).toBe("登录订货");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.getByRole("button", { name: "中文" }).getAttribute("aria-current")).toBe("true");
    await screenshot(page, "login-zh");

    await page.getByRole("button", { name: "English" }).click();
    await expect.poll(() => textOf(page.locator("h1"))).toBe("Sign in to Dinghuo");
    expect(pathOf(page)).toBe("/login");
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.getByRole("button", { name: "English" }).getAttribute("aria-current")).toBe("true");
    expect(await page.locator('label:has-text("Username")').count()).toBe(1);
    // React Router cookies hold base64 JSON.
    const cookie = (await context.cookies()).find((c) => c.name === "dh_lang");
    expect(cookie?.httpOnly).toBe(true);
    expect(JSON.parse(Buffer.from(decodeURIComponent(cookie?.value ?? ""), "base64").toString())).toBe("en");

    await page.reload();
    await expect.poll(() => textOf(page.locator("h1"))).toBe("Sign in to Dinghuo");
    expect(await page.title()).toBe("Sign in · Dinghuo");

    await page.getByRole("button", { name: "中文" }).click();
    await expect.poll(() => textOf(page.locator("h1"))).toBe("登录订货");
    await page.reload();
    await expect.poll(() => textOf(page.locator("h1"))).toBe("登录订货");
  });

  test("a browser set to English (Accept-Language) gets English on its first visit", async () => {
    const { page } = await newBrowser({ locale: "en-US" });
    await open(page, `${baseUrl()}/login`);
    await expect.poll(() => textOf(page.locator("h1"))).toBe("Sign in to Dinghuo");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await screenshot(page, "login-en");

    await page.getByRole("button", { name: "中文" }).click();
    await expect.poll(() => textOf(page.locator("h1"))).toBe("登录订货");
    await page.reload();
    await expect.poll(() => textOf(page.locator("h1"))).toBe("登录订货");
  });

  test("the chosen language stays after signing in", async () => {
    const { page } = await newBrowser();
    await open(page, `${baseUrl()}/login`);
    await page.getByRole("button", { name: "English" }).click();
    await expect.poll(() => textOf(page.locator("h1"))).toBe("Sign in to Dinghuo");
    await page.locator('input[name="username"]').fill("finance");
    await page.locator('input[name="password"]').fill("demo1234");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/admin");
    await expect.poll(() => textOf(page.locator("main h1"))).toBe("Hello, 陈晓红");
  });
});
