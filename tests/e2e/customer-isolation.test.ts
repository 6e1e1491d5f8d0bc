// Customer isolation over HTTP (RELIABILITY A1): a dealer asking for any object of another dealer
// — page, `.data` request, action, proof image, return photo — gets the same 404 as for an
// object that does not exist, with no trace of the other dealer in the answer; its own pages show
// nothing of anyone else. Every storefront route of the access matrix must have a case here.
// (Supersedes storefront-isolation.test.ts, whose cases are the order ones below.) The same over
// the HTTP API with the dealer's bearer token: every endpoint of API_MATRIX has its cases.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { setCartQuantity } from "../../app/services/cart.server";
import { type Database, openDatabase } from "../../db/client";
import { API_MATRIX, MATRIX } from "../security/access-matrix";
import { openFingerprinter } from "../security/fingerprint";
import { apiCall, apiToken, dataUrl, pool } from "../security/fixtures";
import { found, type Trace, tracesOf } from "../security/traces";
import { CookieJar, postLogin, request } from "./http";

const base = () => inject("baseUrl");

interface Ask {
  method: "GET" | "POST";
  url: string;
  form?: Record<string, string>;
  /** Send the form as multipart/form-data (upload forms). */
  multipart?: boolean;
  /** 404: another dealer's object; "own": the dealer's own page (must answer, < 400 or a 404 of its own). */
  expect: 404 | "own";
}

interface World {
  /** The other dealers' objects (B = 广州粤丰 C0003, C = 北京京华 C0005). */
  orders: Array<{ number: string; version: number }>;
  returns: Array<{ number: string; version: number; photos: number }>;
  reports: Array<{ id: number; imageId: number }>;
  returnPhotoImages: number[];
  completedOrder: string;
  completedOrderLine: number;
  /** The signed-in dealer's own (A = 杭州顺达 C0001), as a control. */
  own: { order: string; report: number; return: string | null; product: number };
}

let database: Database;
let world: World;
let traces: Trace[];
let jar: CookieJar;
let fingerprints: ReturnType<typeof openFingerprinter>;
let otherCartSku: { id: number; code: string };

const A = "C0001";
const OTHERS = ["C0003", "C0005"];

beforeAll(async () => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
  const db = database.db;
  fingerprints = openFingerprinter(inject("dbPath"));
  const customers = await db.selectFrom("customers").select(["id", "code"]).execute();
  const idOf = (code: string) => customers.find((c) => c.code === code)!.id;
  const others = OTHERS.map(idOf);
  const orders = await db
    .selectFrom("orders")
    .select(["number", "version", "status"])
    .where("customer_id", "in", others)
    .execute();
  const returns = await db
    .selectFrom("returns as r")
    .select((eb) => [
      "r.number",
      "r.version",
      eb
        .selectFrom("return_photos as p")
        .whereRef("p.return_id", "=", "r.id")
        .select(eb.fn.countAll<number>().as("n"))
        .as("photos"),
    ])
    .where("r.customer_id", "in", others)
    .execute();
  const reports = await db
    .selectFrom("payment_reports")
    .select(["id", "image_id"])
    .where("customer_id", "in", others)
    .execute();
  const photoImages = await db
    .selectFrom("return_photos as p")
    .innerJoin("returns as r", "r.id", "p.return_id")
    .select("p.image_id")
    .where("r.customer_id", "in", others)
    .execute();
  const own = async () => {
    const a = idOf(A);
    const order = await db.selectFrom("orders").select("number").where("customer_id", "=", a).executeTakeFirstOrThrow();
    const report = await db
      .selectFrom("payment_reports")
      .select("id")
      .where("customer_id", "=", a)
      .executeTakeFirstOrThrow();
    const ret = await db.selectFrom("returns").select("number").where("customer_id", "=", a).executeTakeFirst();
    const product = await db.selectFrom("products").select("id").where("listed", "=", 1).executeTakeFirstOrThrow();
    return { order: order.number, report: report.id, return: ret?.number ?? null, product: product.id };
  };
  world = {
    orders: orders.map((o) => ({ number: o.number, version: o.version })),
    returns: returns.map((r) => ({ number: r.number, version: r.version, photos: Number(r.photos ?? 0) })),
    reports: reports.map((r) => ({ id: r.id, imageId: r.image_id })),
    returnPhotoImages: photoImages.map((p) => p.image_id),
    completedOrder: orders.find((o) => o.status === "completed")!.number,
    completedOrderLine: (
      await db
        .selectFrom("order_lines as l")
        .innerJoin("orders as o", "o.id", "l.order_id")
        .select("l.id")
        .where("o.number", "=", orders.find((o) => o.status === "completed")!.number)
        .executeTakeFirstOrThrow()
    ).id,
    own: await own(),
  };
  expect(world.orders.length, "the other dealers have orders").toBeGreaterThan(3);
  expect(world.returns.length, "the other dealers have returns").toBeGreaterThan(0);
  expect(world.reports.length, "the other dealers have payment reports").toBeGreaterThan(0);

  // Something in another dealer's cart that the signed-in one does not have.
  const aCart = await db.selectFrom("cart_items").select("sku_id").where("customer_id", "=", idOf(A)).execute();
  otherCartSku = await db
    .selectFrom("skus")
    .select(["id", "code"])
    .where("listed", "=", 1)
    .where("id", "not in", [0, ...aCart.map((c) => c.sku_id)])
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  await setCartQuantity(db, idOf("C0003"), otherCartSku.id, 37, new Date());

  traces = [
    ...(await tracesOf(
      db,
      customers.filter((c) => c.code !== A).map((c) => c.id),
    )),
    { what: `another dealer's cart line ${otherCartSku.code}`, pattern: new RegExp(otherCartSku.code) },
  ];
  jar = new CookieJar();
  expect((await postLogin(base(), "hz-dealer", "demo1234", jar)).status).toBe(302);
}, 120_000);
afterAll(async () => {
  fingerprints?.close();
  if (database && otherCartSku) {
    // Leave 广州粤丰's cart as the other journeys expect it.
    const gz = await database.db
      .selectFrom("customers")
      .select("id")
      .where("code", "=", "C0003")
      .executeTakeFirstOrThrow();
    await setCartQuantity(database.db, gz.id, otherCartSku.id, 0, new Date());
  }
  await database?.close();
});

const foreignOrders = (intents: Array<[string, boolean]>): Ask[] =>
  world.orders.flatMap((o): Ask[] => [
    { method: "GET" as const, url: `/shop/orders/${o.number}`, expect: 404 as const },
    ...intents.map(([intent, versioned]) => ({
      method: "POST" as const,
      url: `/shop/orders/${o.number}`,
      form: (versioned ? { intent, version: String(o.version) } : { intent }) as Record<string, string>,
      expect: 404 as const,
    })),
  ]);

/** Per storefront route: what the signed-in dealer asks for. Cases are built when the suite runs. */
const CASES: Record<string, () => Ask[]> = {
  "/shop": () => [
    { method: "GET", url: "/shop", expect: "own" },
    { method: "GET", url: `/shop?q=${encodeURIComponent("广州粤丰")}`, expect: "own" },
  ],
  "/shop/products/:productId": () => [{ method: "GET", url: `/shop/products/${world.own.product}`, expect: "own" }],
  "/shop/cart": () => [
    { method: "GET", url: "/shop/cart", expect: "own" },
    // Removing "the line" of another dealer's cart touches only one's own cart.
    { method: "POST", url: "/shop/cart", form: { intent: "remove", skuId: String(otherCartSku.id) }, expect: "own" },
  ],
  "/shop/quick-order": () => [{ method: "GET", url: "/shop/quick-order", expect: "own" }],
  "/shop/checkout": () => [{ method: "GET", url: "/shop/checkout", expect: "own" }],
  "/shop/orders": () => [
    { method: "GET", url: "/shop/orders", expect: "own" },
    { method: "GET", url: `/shop/orders?q=${world.orders[0]!.number}`, expect: "own" },
    { method: "GET", url: "/shop/orders?customer=3&customerId=3", expect: "own" },
  ],
  "/shop/orders/:number": () => [
    { method: "GET", url: `/shop/orders/${world.own.order}`, expect: "own" },
    { method: "GET", url: "/shop/orders/DH20000101-9999", expect: 404 },
    ...foreignOrders([
      ["cancel", true],
      ["confirm_receipt", true],
      ["resubmit", true],
      ["edit", true],
      ["reorder", false],
    ]),
  ],
  "/shop/funds": () => [
    { method: "GET", url: "/shop/funds", expect: "own" },
    { method: "GET", url: "/shop/funds?customer=3&customerId=3", expect: "own" },
  ],
  "/shop/funds/statement": () => [
    { method: "GET", url: "/shop/funds/statement", expect: "own" },
    { method: "GET", url: "/shop/funds/statement?customer=3&customerId=3&from=2020-01-01", expect: "own" },
  ],
  "/shop/funds/report": () => [{ method: "GET", url: "/shop/funds/report", expect: "own" }],
  "/shop/funds/proof/:reportId": () => [
    { method: "GET", url: `/shop/funds/proof/${world.own.report}?variant=thumb`, expect: "own" },
    ...world.reports.flatMap((r) => [
      { method: "GET" as const, url: `/shop/funds/proof/${r.id}?variant=thumb`, expect: 404 as const },
      { method: "GET" as const, url: `/shop/funds/proof/${r.id}?variant=full`, expect: 404 as const },
      // The proof's bytes are not a product image either.
      { method: "GET" as const, url: `/images/${r.imageId}/full`, expect: 404 as const },
    ]),
  ],
  "/shop/returns": () => [
    { method: "GET", url: "/shop/returns", expect: "own" },
    { method: "GET", url: "/shop/returns?view=returnable", expect: "own" },
    { method: "GET", url: `/shop/returns?q=${world.returns[0]!.number}`, expect: "own" },
  ],
  "/shop/returns/new": () => [
    { method: "GET", url: `/shop/returns/new?order=${world.completedOrder}`, expect: 404 },
    {
      method: "POST",
      url: "/shop/returns/new",
      form: {
        order: world.completedOrder,
        idempotencyKey: crypto.randomUUID(),
        note: "",
        "lines.0.orderLineId": String(world.completedOrderLine),
        "lines.0.quantity": "1",
        "lines.0.reason": "quality",
        "lines.0.note": "",
      },
      multipart: true,
      expect: 404,
    },
  ],
  "/shop/returns/:number": () => [
    ...(world.own.return
      ? [{ method: "GET" as const, url: `/shop/returns/${world.own.return}`, expect: "own" as const }]
      : []),
    ...world.returns.flatMap((r): Ask[] => [
      { method: "GET" as const, url: `/shop/returns/${r.number}`, expect: 404 as const },
      {
        method: "POST" as const,
        url: `/shop/returns/${r.number}`,
        form: { intent: "cancel", version: String(r.version) },
        expect: 404 as const,
      },
      {
        method: "POST" as const,
        url: `/shop/returns/${r.number}`,
        form: { intent: "ship_back", version: String(r.version), carrier: "顺丰速运", trackingNo: "SF1" },
        expect: 404 as const,
      },
    ]),
  ],
  "/shop/returns/:number/photos/:position/:variant": () => [
    ...world.returns
      .filter((r) => r.photos > 0)
      .flatMap((r) => [
        { method: "GET" as const, url: `/shop/returns/${r.number}/photos/0/thumb`, expect: 404 as const },
        { method: "GET" as const, url: `/shop/returns/${r.number}/photos/0/full`, expect: 404 as const },
      ]),
    ...world.returnPhotoImages.map((id) => ({
      method: "GET" as const,
      url: `/images/${id}/full`,
      expect: 404 as const,
    })),
  ],
};

async function postMultipart(url: string, fields: Record<string, string>): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return fetch(new URL(url, base()), {
    method: "POST",
    body: form,
    headers: { Cookie: jar.header(), Origin: base() },
    redirect: "manual",
  });
}

const storefront = Object.keys(MATRIX).filter((r) => MATRIX[r]!.get === "customer");

describe("every storefront route has an isolation case", () => {
  test("the matrix's customer routes and the cases here agree", () => {
    expect(
      storefront.filter((r) => !CASES[r]),
      "storefront routes without an isolation case",
    ).toEqual([]);
    expect(
      Object.keys(CASES).filter((r) => !storefront.includes(r)),
      "cases naming no storefront route",
    ).toEqual([]);
  });
});

describe("another dealer's objects answer 404 and leave no trace, on the page and its .data request", () => {
  test.each(storefront)("%s", async (route) => {
    const asks = CASES[route]!();
    const failures: string[] = [];
    const before = fingerprints.take();
    await pool(asks, 4, async (ask) => {
      for (const channel of ["doc", "data"] as const) {
        const url = channel === "doc" ? ask.url : dataUrl(ask.url);
        const res = ask.multipart
          ? await postMultipart(url, ask.form!)
          : await request(base(), url, {
              jar,
              ...(ask.form ? { form: ask.form, headers: { Origin: base() } } : {}),
            });
        const body = await res.text();
        const label = `${ask.method} ${url}${ask.form?.intent ? ` ${ask.form.intent}` : ""}`;
        if (ask.expect === 404 && res.status !== 404) failures.push(`${label}: ${res.status}, not 404`);
        if (ask.expect === "own" && (res.status >= 500 || res.status === 403))
          failures.push(`${label}: ${res.status} on the dealer's own page`);
        // What the request itself names (the number asked for) may be echoed; anything else of another dealer may not.
        const leaks = found(body, traces, `${ask.url} ${JSON.stringify(ask.form ?? {})}`);
        if (leaks.length) failures.push(`${label}: shows ${leaks.join(", ")}`);
      }
    });
    expect(failures.sort()).toEqual([]);
    // Only the dealer's own cart may have changed (a removal of a line it never had changes nothing).
    expect(fingerprints.changed(before, fingerprints.take()), "tables changed by the requests").toEqual([]);
  });

  test("the owner of an order sees it, so the 404s above are about ownership", async () => {
    const gz = new CookieJar();
    expect((await postLogin(base(), "gz-dealer", "demo1234", gz)).status).toBe(302);
    const number = world.orders[0]!.number;
    const page = await request(base(), `/shop/orders/${number}`, { jar: gz });
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain(number);
    // …and the trace check would have caught the page: it names its dealer.
    expect(found(body, traces, `/shop/orders/${number}`)).toContain("customer 广州粤丰商贸有限公司");
    const photo = world.returns.find((r) => r.photos > 0);
    if (photo)
      expect((await request(base(), `/shop/returns/${photo.number}/photos/0/thumb`, { jar: gz })).status).toBe(200);
  });

  test("another dealer's cart line is still there", async () => {
    const gz = await database.db
      .selectFrom("cart_items as c")
      .innerJoin("customers as cu", "cu.id", "c.customer_id")
      .select("c.quantity")
      .where("cu.code", "=", "C0003")
      .where("c.sku_id", "=", otherCartSku.id)
      .executeTakeFirst();
    expect(gz?.quantity).toBe(37);
  });
});

// -----------------------------------------------------------------------------------------
// The HTTP API (/api/v1) with the dealer's bearer token
// -----------------------------------------------------------------------------------------

interface ApiAsk {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  body?: unknown;
  /** Another token than the dealer's, or none. */
  token?: string | null;
  /** 404: another dealer's object; 403: an endpoint customers never call; "own": its own data. */
  expect: 404 | 403 | "own";
  /** Changes something of the dealer's own (tokens): asked after the "nothing changed" check. */
  writes?: true;
  /** The catalogue lists every SKU: another dealer's cart line is no trace there. */
  catalog?: true;
}

let apiToken_: string;
let apiSku: { own: { skuCode: string; quantity: number }; completedLine: string };

const otherOrderActions = (): ApiAsk[] =>
  world.orders.flatMap((o): ApiAsk[] =>
    ["cancel", "confirm_receipt", "resubmit"].map((action) => ({
      method: "POST",
      path: `/api/v1/orders/${o.number}/actions`,
      body: { action, version: o.version },
      expect: 404,
    })),
  );

/** Per endpoint of API_MATRIX: what the dealer (C0001) asks for with its token. */
const API_CASES: Record<string, () => Promise<ApiAsk[]> | ApiAsk[]> = {
  "POST /api/v1/auth/token": () => [
    {
      method: "POST",
      path: "/api/v1/auth/token",
      body: { username: "hz-dealer", password: "demo1234" },
      token: null,
      expect: "own",
      writes: true,
    },
  ],
  "DELETE /api/v1/auth/token": async () => [
    {
      method: "DELETE",
      path: "/api/v1/auth/token",
      token: await apiToken(base(), "hz-dealer", "demo1234"),
      expect: "own",
      writes: true,
    },
  ],
  "GET /api/v1/me": () => [{ method: "GET", path: "/api/v1/me", expect: "own" }],
  "GET /api/v1/openapi.json": () => [{ method: "GET", path: "/api/v1/openapi.json", expect: "own" }],
  "GET /api/v1/products": () => [
    { method: "GET", path: "/api/v1/products?limit=100", expect: "own", catalog: true },
    { method: "GET", path: `/api/v1/products?q=${encodeURIComponent("广州粤丰")}`, expect: "own", catalog: true },
  ],
  "POST /api/v1/orders": () =>
    OTHERS.map((code) => ({
      method: "POST" as const,
      path: "/api/v1/orders",
      body: { idempotencyKey: randomUUID(), lines: [apiSku.own], customerCode: code },
      expect: 404 as const,
    })),
  "GET /api/v1/orders": () => [
    { method: "GET", path: "/api/v1/orders?limit=100", expect: "own" },
    ...OTHERS.map((code) => ({
      method: "GET" as const,
      path: `/api/v1/orders?customerCode=${code}`,
      expect: "own" as const,
    })),
  ],
  "GET /api/v1/orders/{number}": () => [
    { method: "GET", path: `/api/v1/orders/${world.own.order}`, expect: "own" },
    { method: "GET", path: "/api/v1/orders/DH20000101-9999", expect: 404 },
    ...world.orders.map((o) => ({ method: "GET" as const, path: `/api/v1/orders/${o.number}`, expect: 404 as const })),
  ],
  "POST /api/v1/orders/{number}/actions": otherOrderActions,
  "POST /api/v1/returns": () => [
    {
      method: "POST",
      path: "/api/v1/returns",
      body: {
        idempotencyKey: randomUUID(),
        orderNumber: world.completedOrder,
        lines: [{ skuCode: apiSku.completedLine, quantity: 1, reason: "quality" }],
      },
      expect: 404,
    },
  ],
  "GET /api/v1/returns": () => [
    { method: "GET", path: "/api/v1/returns?limit=100", expect: "own" },
    ...OTHERS.map((code) => ({
      method: "GET" as const,
      path: `/api/v1/returns?customerCode=${code}`,
      expect: "own" as const,
    })),
    { method: "GET", path: `/api/v1/returns?orderNumber=${world.completedOrder}`, expect: "own" },
  ],
  "GET /api/v1/returns/{number}": () =>
    world.returns.map((r) => ({ method: "GET" as const, path: `/api/v1/returns/${r.number}`, expect: 404 as const })),
  "POST /api/v1/returns/{number}/actions": () =>
    world.returns.flatMap((r): ApiAsk[] => [
      {
        method: "POST",
        path: `/api/v1/returns/${r.number}/actions`,
        body: { action: "cancel", version: r.version },
        expect: 404,
      },
      {
        method: "POST",
        path: `/api/v1/returns/${r.number}/actions`,
        body: { action: "approve", version: r.version, shipment: { dropOff: true } },
        expect: 404,
      },
    ]),
  "GET /api/v1/customers/{code}/funds": () => [
    { method: "GET", path: `/api/v1/customers/${A}/funds`, expect: "own" },
    ...OTHERS.map((code) => ({
      method: "GET" as const,
      path: `/api/v1/customers/${code}/funds`,
      expect: 404 as const,
    })),
  ],
  "GET /api/v1/customers/{code}/ledger": () => [
    { method: "GET", path: `/api/v1/customers/${A}/ledger?limit=100`, expect: "own" },
    ...OTHERS.map((code) => ({
      method: "GET" as const,
      path: `/api/v1/customers/${code}/ledger`,
      expect: 404 as const,
    })),
  ],
  // Customers never record payments nor read settings: refused as such, whoever's code is named.
  "POST /api/v1/customers/{code}/payments": () =>
    [A, ...OTHERS].map((code) => ({
      method: "POST" as const,
      path: `/api/v1/customers/${code}/payments`,
      body: { idempotencyKey: randomUUID(), account: "prepaid", amount: 100, method: "bank", reference: "ISO-API" },
      expect: 403 as const,
    })),
  "GET /api/v1/settings/workflow": () => [{ method: "GET", path: "/api/v1/settings/workflow", expect: 403 }],
  "PUT /api/v1/settings/workflow": () => [
    {
      method: "PUT",
      path: "/api/v1/settings/workflow",
      body: {
        orders: { order_review: true, finance_review: true, outbound_review: true, shipment: true, receipt: true },
        returns: { return_review: true, return_shipment: true, inbound_review: true, refund_review: true },
        autoReceiptDays: 7,
        allowOverselling: false,
        stockDisplay: "quantity",
      },
      expect: 403,
    },
  ],
};

describe("API: another dealer's objects answer 404 to the dealer's token and leave no trace", () => {
  beforeAll(async () => {
    apiToken_ = await apiToken(base(), "hz-dealer", "demo1234");
    const db = database.db;
    const own = await db
      .selectFrom("order_lines as l")
      .innerJoin("orders as o", "o.id", "l.order_id")
      .innerJoin("skus as s", "s.id", "l.sku_id")
      .select(["s.code", "l.quantity"])
      .where("o.number", "=", world.own.order)
      .executeTakeFirstOrThrow();
    const completed = await db
      .selectFrom("order_lines as l")
      .innerJoin("orders as o", "o.id", "l.order_id")
      .innerJoin("skus as s", "s.id", "l.sku_id")
      .select("s.code")
      .where("o.number", "=", world.completedOrder)
      .executeTakeFirstOrThrow();
    apiSku = { own: { skuCode: own.code, quantity: Number(own.quantity) }, completedLine: completed.code };
  });

  test("every endpoint of API_MATRIX has isolation cases, and only those", () => {
    expect(
      Object.keys(API_MATRIX).filter((k) => !API_CASES[k]),
      "API endpoints without an isolation case",
    ).toEqual([]);
    expect(
      Object.keys(API_CASES).filter((k) => !API_MATRIX[k]),
      "cases naming no API endpoint",
    ).toEqual([]);
  });

  test("404 (or 403 where customers never may) with no trace of another dealer; the dealer's own answers", async () => {
    const asks = (await Promise.all(Object.values(API_CASES).map((make) => make()))).flat();
    const failures: string[] = [];
    const ask = async (a: ApiAsk) => {
      const token = a.token !== undefined ? a.token : apiToken_;
      const res = await apiCall(base(), a.method, a.path, token, a.body);
      const label = `${a.method} ${a.path}${(a.body as { action?: string } | undefined)?.action ? ` ${(a.body as { action: string }).action}` : ""}`;
      if (typeof a.expect === "number" && res.status !== a.expect)
        failures.push(`${label}: ${res.status}, not ${a.expect} ${res.body.slice(0, 200)}`);
      if (a.expect === "own" && (res.status >= 400 || res.status === 0))
        failures.push(`${label}: ${res.status} on the dealer's own data`);
      const shown = a.catalog ? traces.filter((t) => !t.what.includes("cart line")) : traces;
      const leaks = found(res.body, shown, `${a.path} ${JSON.stringify(a.body ?? {})}`);
      if (leaks.length) failures.push(`${label}: shows ${leaks.join(", ")}`);
    };
    const before = fingerprints.take();
    await pool(
      asks.filter((a) => !a.writes),
      4,
      ask,
    );
    expect(fingerprints.changed(before, fingerprints.take()), "tables changed by the requests").toEqual([]);
    await pool(
      asks.filter((a) => a.writes),
      2,
      ask,
    );
    expect(asks.filter((a) => a.expect === 404).length).toBeGreaterThan(20);
    expect(failures.sort()).toEqual([]);
  });

  test("the owner's token reads the same order, so the 404s above are about ownership", async () => {
    const token = await apiToken(base(), "gz-dealer", "demo1234");
    const number = world.orders[0]!.number;
    const res = await apiCall(base(), "GET", `/api/v1/orders/${number}`, token);
    expect(res.status).toBe(200);
    expect(found(res.body, traces, `/api/v1/orders/${number}`)).toContain("customer 广州粤丰商贸有限公司");
    expect((await apiCall(base(), "GET", "/api/v1/customers/C0003/funds", token)).status).toBe(200);
  });
});
