// The server at the HTTP level, without a browser: CSRF, disabling accounts, health, headers.
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { setAccountActive, setCustomerActive } from "../../app/services/accounts.server";
import { updateSettings } from "../../app/services/settings.server";
import { type Database, openDatabase } from "../../db/client";
import { CookieJar, postLogin, request } from "./http";

const baseUrl = inject("baseUrl");
const ACTOR = { accountId: null, name: "test" };
let database: Database;

beforeAll(() => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
});
afterAll(async () => {
  await database?.close();
});

async function accountIdOf(username: string): Promise<number> {
  const row = await database.db
    .selectFrom("accounts")
    .select("id")
    .where("username", "=", username)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function signIn(username: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const response = await postLogin(baseUrl, username, "demo1234", jar);
  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe("/shop");
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith("dh_session="));
  expect(setCookie).toBeDefined();
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Lax/i);
  expect(jar.get("dh_session")).toBeTruthy();
  return jar;
}

describe("CSRF", () => {
  test("a login POST from a foreign origin is refused with 403", async () => {
    const response = await request(baseUrl, "/login", {
      headers: { Origin: "http://evil.example" },
      form: { username: "admin", password: "demo1234" },
    });
    // Refused either way; the app's own refusal is a 403 page in the reader's language.
    expect(response.headers.getSetCookie().some((c) => c.startsWith("dh_session="))).toBe(false);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("请求被拒绝");
  });

  test("a login POST without an Origin is refused with 403", async () => {
    const response = await request(baseUrl, "/login", { form: { username: "admin", password: "demo1234" } });
    expect(response.headers.getSetCookie().some((c) => c.startsWith("dh_session="))).toBe(false);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("请求被拒绝");
  });

  test("a cross-site fetch metadata header is refused even with our own Origin", async () => {
    const response = await request(baseUrl, "/login", {
      headers: { Origin: baseUrl, "Sec-Fetch-Site": "cross-site" },
      form: { username: "admin", password: "demo1234" },
    });
    expect(response.headers.getSetCookie().some((c) => c.startsWith("dh_session="))).toBe(false);
    expect(response.status).toBe(403);
  });

  test("a logout POST from a foreign origin does not end the session", async () => {
    const jar = await signIn("gz-dealer");
    const refused = await request(baseUrl, "/logout", {
      method: "POST",
      jar,
      headers: { Origin: "http://evil.example" },
    });
    expect(refused.status).toBe(403);
    expect((await request(baseUrl, "/shop", { jar })).status).toBe(200);
    const done = await request(baseUrl, "/logout", { method: "POST", jar, headers: { Origin: baseUrl } });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/login");
    expect(jar.get("dh_session")).toBeUndefined();
  });
});

describe("disabling takes effect on the next request", () => {
  test("a disabled account's session stops working at once", async () => {
    const jar = await signIn("sz-dealer");
    const before = await request(baseUrl, "/shop", { jar });
    expect(before.status).toBe(200);
    expect(await before.text()).toContain("深圳鹏城日用品有限公司");

    const accountId = await accountIdOf("sz-dealer");
    await setAccountActive(database.db, ACTOR, accountId, false, new Date());
    try {
      const after = await request(baseUrl, "/shop", { jar });
      expect(after.status).toBe(302);
      expect(after.headers.get("location")).toBe("/login?redirectTo=%2Fshop");
      // The dead cookie is cleared.
      expect(jar.get("dh_session")).toBeUndefined();
    } finally {
      await setAccountActive(database.db, ACTOR, accountId, true, new Date());
    }
    // Enabled again: signing in works (this is a successful login, not another failure).
    const again = await signIn("sz-dealer");
    expect((await request(baseUrl, "/shop", { jar: again })).status).toBe(200);
  });

  test("disabling the customer ends its ordering account's session", async () => {
    const jar = await signIn("bj-dealer");
    expect((await request(baseUrl, "/shop", { jar })).status).toBe(200);

    const accountId = await accountIdOf("bj-dealer");
    const customer = await database.db
      .selectFrom("customers")
      .select("id")
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    await setCustomerActive(database.db, ACTOR, customer.id, false, new Date());
    try {
      const after = await request(baseUrl, "/shop", { jar });
      expect(after.status).toBe(302);
      expect(after.headers.get("location")).toBe("/login?redirectTo=%2Fshop");
    } finally {
      await setCustomerActive(database.db, ACTOR, customer.id, true, new Date());
    }
    const again = await signIn("bj-dealer");
    expect((await request(baseUrl, "/shop", { jar: again })).status).toBe(200);
  });
});

describe("health", () => {
  test("GET /healthz answers 200 ok", async () => {
    const response = await request(baseUrl, "/healthz");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });

  test("GET /readyz answers 200 {ready: true}", async () => {
    const response = await request(baseUrl, "/readyz");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ ready: true });
  });
});

describe("headers", () => {
  const nonceOf = (csp: string | null) => csp?.match(/script-src [^;]*'nonce-([A-Za-z0-9+/=]+)'/)?.[1];

  test("pages carry a strict CSP with a fresh nonce that their scripts use, and a request id", async () => {
    const first = await request(baseUrl, "/login");
    expect(first.status).toBe(200);
    const csp = first.headers.get("content-security-policy");
    expect(csp).toBeTruthy();
    const nonce = nonceOf(csp);
    expect(nonce, csp ?? "").toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);

    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    const requestId = first.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const second = await request(baseUrl, "/login");
    expect(nonceOf(second.headers.get("content-security-policy"))).not.toBe(nonce);
    expect(second.headers.get("x-request-id")).not.toBe(requestId);
  });

  test("redirects, errors and resource routes carry a CSP and a request id too", async () => {
    for (const path of ["/admin", "/no-such-page", "/healthz", "/readyz"]) {
      const response = await request(baseUrl, path);
      expect(nonceOf(response.headers.get("content-security-policy")), path).toBeTruthy();
      expect(response.headers.get("x-request-id"), path).toBeTruthy();
    }
    expect((await request(baseUrl, "/no-such-page")).status).toBe(404);
  });

  test("the session cookie is not Secure on the plain-http test server but is HttpOnly", async () => {
    const jar = new CookieJar();
    const response = await postLogin(baseUrl, "hz-dealer", "demo1234", jar);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("dh_session="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });
});

describe("documents", () => {
  // Pages are rendered to one string with their loader data settled first (entry.server.tsx):
  // the data must still reach the page, once, after the markup and before the stream's end.
  test("a page is one whole document that carries its loader data for hydration", async () => {
    const jar = await signIn("hz-dealer");
    const response = await request(baseUrl, "/shop/orders", { jar });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html.startsWith("<!DOCTYPE html><html")).toBe(true);
    expect(html.endsWith("</body></html>")).toBe(true);
    // Sent whole, so its length is known up front (no chunked framing).
    expect(Number(response.headers.get("content-length"))).toBe(Buffer.byteLength(html));
    expect(html.match(/<html\b/g)).toHaveLength(1);

    const enqueued = [...html.matchAll(/streamController\.enqueue\(("(?:[^"\\]|\\.)*")\)/g)].map(
      (m) => JSON.parse(m[1]!) as string,
    );
    expect(enqueued).toHaveLength(1);
    // The shop layout's loader data (the dealer's company) and the page's own (its orders).
    const customer = await database.db
      .selectFrom("customers")
      .select("name")
      .where("code", "=", "C0001")
      .executeTakeFirstOrThrow();
    expect(enqueued[0]).toContain(JSON.stringify(customer.name));
    expect(enqueued[0]).toContain("routes/shop/orders");
    const close = html.indexOf("streamController.close()");
    expect(close).toBeGreaterThan(html.indexOf("streamController.enqueue("));
    expect(html.indexOf("streamController.close()", close + 1)).toBe(-1);
  });

  test("an error page is a whole document with its status", async () => {
    const response = await request(baseUrl, "/no-such-page");
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html.startsWith("<!DOCTYPE html><html")).toBe(true);
    expect(html).toContain("streamController.close()");
  });
});

describe("stock on the storefront", () => {
  // The stock display setting decides what a dealer sees of stock, on the cards and the product
  // page; what it hides is not in the page's data either (the page source is readable).
  test("shows the units, an in-stock flag or nothing, and sends no more than it shows", async () => {
    const product = await database.db
      .selectFrom("products as p")
      .innerJoin("skus as s", "s.product_id", "p.id")
      .innerJoin("stock as st", "st.sku_id", "s.id")
      .innerJoin("warehouses as w", "w.id", "st.warehouse_id")
      .select(["p.id", "p.name", (eb) => eb.fn.sum<number>(eb("st.on_hand", "-", eb.ref("st.reserved"))).as("units")])
      .where("p.listed", "=", 1)
      .where("s.listed", "=", 1)
      .where("w.active", "=", 1)
      .groupBy(["p.id", "p.name"])
      .having((eb) => eb.fn.count("s.id").distinct(), "=", 1)
      .having((eb) => eb.fn.sum(eb("st.on_hand", "-", eb.ref("st.reserved"))), ">", 0)
      .orderBy("p.id")
      .executeTakeFirstOrThrow();
    const units = Number(product.units);
    const jar = await signIn("hz-dealer");
    const pages = async () =>
      Promise.all(
        [`/shop/products/${product.id}`, `/shop?q=${encodeURIComponent(product.name)}`].map(async (path) => {
          const response = await request(baseUrl, path, { jar });
          expect(response.status, path).toBe(200);
          return response.text();
        }),
      );
    const actor = { accountId: null, name: "test" };
    try {
      await updateSettings(database.db, actor, { stockDisplay: "quantity" }, new Date());
      // The units as a number in the page's encoded data (a JSON array of values).
      const unitsInData = new RegExp(`[,\\[]${units}[,\\]]`);
      const dataOf = (html: string) => html.slice(html.indexOf("streamController.enqueue("));
      for (const html of await pages()) {
        expect(html).toContain(`库存 ${units}<`);
        expect(dataOf(html)).toMatch(unitsInData);
      }

      await updateSettings(database.db, actor, { stockDisplay: "flag" }, new Date());
      for (const html of await pages()) {
        expect(html).toContain(">有货<");
        expect(html).not.toContain(`库存 ${units}`);
        expect(dataOf(html)).not.toMatch(unitsInData);
      }

      await updateSettings(database.db, actor, { stockDisplay: "hidden" }, new Date());
      for (const html of await pages()) {
        expect(html).not.toContain(">有货<");
        expect(html).not.toContain(`库存 ${units}`);
        expect(dataOf(html)).not.toMatch(unitsInData);
      }
    } finally {
      await updateSettings(database.db, actor, { stockDisplay: "flag" }, new Date());
    }
  });
});
