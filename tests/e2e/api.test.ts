// The HTTP API over real HTTP against the built server: /api/v1 is routed, bearer tokens need no
// CSRF check while cookie-authenticated writes keep it, and the console's API pages work in both
// languages. With SCREENSHOTS=1 the pages are kept as screenshots/api-<page>-<lang>.png.
import { describe, expect, test } from "vitest";
import { login, screenshot, waitForHydration } from "../support/browser";
import { CookieJar, postLogin, request } from "./http";
import { baseUrl, browsersPerTest } from "./journey";

const newBrowser = browsersPerTest();

async function token(username: string): Promise<string> {
  // A script sends no Origin; the token endpoint is open, so there is nothing to forge.
  const issued = await fetch(new URL("/api/v1/auth/token", baseUrl()), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: "demo1234" }),
  });
  expect(issued.status).toBe(201);
  return ((await issued.json()) as { token: string }).token;
}

const bearer = (t: string, init: RequestInit = {}) => ({
  ...init,
  headers: { Authorization: `Bearer ${t}`, ...(init.headers as Record<string, string>) },
});

describe("HTTP API over HTTP", () => {
  test("a token, /me, an order list and the OpenAPI document", async () => {
    const dealer = await token("hz-dealer");
    const me = await fetch(new URL("/api/v1/me", baseUrl()), bearer(dealer));
    expect(me.status).toBe(200);
    expect(me.headers.get("x-request-id")).toBeTruthy();
    expect(await me.json()).toMatchObject({ accountType: "customer", customer: { code: "C0001" } });

    const reviewer = await token("reviewer");
    const orders = await fetch(new URL("/api/v1/orders?limit=5", baseUrl()), bearer(reviewer));
    expect(orders.status).toBe(200);
    const page = (await orders.json()) as { items: Array<{ number: string; customer: { code: string } }> };
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items[0]!.number).toMatch(/^DH\d{8}-\d{4}$/);

    const doc = await fetch(new URL("/api/v1/openapi.json", baseUrl()));
    expect(doc.status).toBe(200);
    expect(doc.headers.get("content-type")).toContain("application/json");
    expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");

    const missing = await fetch(new URL("/api/v1/nothing", baseUrl()), bearer(reviewer));
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
  });

  test("bearer writes need no Origin; cookie writes without one are refused", async () => {
    const dealer = await token("hz-dealer");
    // No Origin, a bearer token: past the CSRF check, into validation.
    const invalid = await fetch(
      new URL("/api/v1/orders", baseUrl()),
      bearer(dealer, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }),
    );
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { code: string }).code).toBe("validation_failed");

    const jar = new CookieJar();
    expect((await postLogin(baseUrl(), "hz-dealer", "demo1234", jar)).status).toBe(302);
    const cookieRead = await request(baseUrl(), "/api/v1/me", { jar });
    expect(cookieRead.status).toBe(200);
    const forged = await request(baseUrl(), "/api/v1/orders", {
      method: "POST",
      jar,
      headers: { "Content-Type": "application/json" },
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("content-type")).toBe("application/problem+json");
    expect(((await forged.json()) as { code: string }).code).toBe("csrf");
    const sameSite = await fetch(new URL("/api/v1/orders", baseUrl()), {
      method: "POST",
      headers: { Cookie: jar.header(), Origin: baseUrl(), "Content-Type": "application/json" },
      body: "{}",
    });
    expect(sameSite.status).toBe(400);

    // A bearer header does not open the CSRF check anywhere but the API.
    const page = await request(baseUrl(), "/set-language", {
      jar,
      headers: { Authorization: `Bearer ${dealer}` },
      form: { lang: "en" },
    });
    expect(page.status).toBe(403);

    const revoked = await fetch(new URL("/api/v1/auth/token", baseUrl()), bearer(dealer, { method: "DELETE" }));
    expect(revoked.status).toBe(204);
    expect((await fetch(new URL("/api/v1/me", baseUrl()), bearer(dealer))).status).toBe(401);
  });
});

describe("the console's API pages", () => {
  for (const lang of [
    { tag: "zh", locale: "zh-CN", heading: "API 令牌", reference: "API 参考", created: "令牌只显示这一次" },
    { tag: "en", locale: "en-US", heading: "API tokens", reference: "API reference", created: "shown only this once" },
  ]) {
    test(`an administrator creates, uses and revokes an integration token (${lang.tag})`, async () => {
      const { page } = await newBrowser({ locale: lang.locale });
      await login(page, baseUrl(), "admin");
      await page.goto(`${baseUrl()}/admin/settings/api`);
      await waitForHydration(page);
      await expect.poll(() => page.locator("h1").textContent()).toBe(lang.reference);
      await expect.poll(() => page.getByText("/api/v1/orders/{number}/actions").count()).toBeGreaterThan(0);
      expect(await page.locator("body").textContent()).not.toMatch(/\bapi\.(reference|endpoints|tags)\./);
      // Each endpoint opens to its fields and error codes.
      await page.locator("#actOnOrder summary").click();
      await expect.poll(() => page.getByText('action: "confirm_receipt"').isVisible()).toBe(true);
      await screenshot(page, `api-reference-${lang.tag}`);

      await page.goto(`${baseUrl()}/admin/settings/api-tokens`);
      await waitForHydration(page);
      await expect.poll(() => page.locator("h1").textContent()).toBe(lang.heading);
      await page.locator('select[name="accountId"]').selectOption({ label: "warehouse · 刘强" });
      await page.locator('input[name="name"]').fill(`ERP ${lang.tag}`);
      await page.locator('form:has(input[name="name"]) button[type="submit"]').click();
      const shown = page.getByTestId("new-token");
      await expect.poll(() => shown.count()).toBe(1);
      expect(await page.locator("body").textContent()).toContain(lang.created);
      await screenshot(page, `api-token-created-${lang.tag}`);
      const secret = ((await shown.textContent()) ?? "").trim();
      expect(secret).toMatch(/^dh_/);

      const me = await fetch(new URL("/api/v1/me", baseUrl()), bearer(secret));
      expect(await me.json()).toMatchObject({ username: "warehouse" });
      await page.reload();
      await waitForHydration(page);
      // Shown once: gone after a reload, listed with its last use instead.
      expect(await page.getByTestId("new-token").count()).toBe(0);
      const row = page.locator("tr", { hasText: `ERP ${lang.tag}` });
      await expect.poll(() => row.count()).toBe(1);
      await screenshot(page, `api-tokens-${lang.tag}`);

      await row.getByRole("button").click();
      await expect.poll(async () => (await fetch(new URL("/api/v1/me", baseUrl()), bearer(secret))).status).toBe(401);
    });
  }
});
