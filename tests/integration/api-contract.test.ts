import { Validator } from "@seriousme/openapi-schema-validator";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Endpoint } from "../../app/api/endpoint";
import { ENDPOINTS, openApiDocument } from "../../app/api/endpoints.server";
import { type ApiDeps, handleApi } from "../../app/api/handler.server";
import { ProblemSchema } from "../../app/api/schemas";
import { createIntegrationToken } from "../../app/api/tokens.server";
import { BUILTIN_ROLES } from "../../app/domain/permissions";
import {
  builtinRoleId,
  makeCustomer,
  makeOrderableSku,
  makeRegion,
  makeStaff,
  NOW,
  PASSWORD,
} from "../support/factories";
import { expectFundsInvariants } from "../support/invariants";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

/**
 * The API contract (API.md), driven through `handleApi` with real Requests against the test
 * database: whole order and return journeys as each role, the error codes, tokens, limits,
 * the OpenAPI document, and fuzzed bodies. Every 2xx body is checked against the endpoint's
 * documented schema and every error against the problem schema, so the docs cannot lie.
 */

let t: TestDatabase;
let clock = new Date(NOW);
let keySeq = 0;
const key = () => `key-${++keySeq}`;
const unexpected: unknown[] = [];

type Call = { token?: string; body?: unknown; ip?: string; headers?: Record<string, string>; deps?: Partial<ApiDeps> };
type Answer = { status: number; body: any; headers: Headers };

const compiled = ENDPOINTS.map((e) => ({
  e,
  re: new RegExp(`^${e.path.replace(/\./g, "\\.").replace(/\{\w+\}/g, "[^/]+")}$`),
}));
const endpointOf = (method: string, path: string): Endpoint | undefined =>
  compiled.find((c) => c.e.method === method && c.re.test(path.split("?")[0]!))?.e;

async function api(method: string, path: string, call: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.Authorization = `Bearer ${call.token}`;
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === "string" ? call.body : JSON.stringify(call.body);
    headers["Content-Type"] ??= "application/json";
  }
  const response = await handleApi(new Request(`http://portal.test/api/v1${path}`, { method, headers, body }), {
    db: t.db,
    now: () => clock,
    ip: call.ip ?? "203.0.113.10",
    onError: (error) => unexpected.push(error),
    ...call.deps,
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (response.status >= 200 && response.status < 300) {
    const schema = endpointOf(method, path)?.success.schema;
    if (schema) {
      const checked = schema.safeParse(parsed);
      if (!checked.success)
        throw new Error(`${method} ${path} answered off its schema: ${JSON.stringify(checked.error.issues)}`);
    }
  } else {
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    ProblemSchema.parse(parsed);
    expect(parsed.status).toBe(response.status);
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

async function login(username: string, ip?: string): Promise<string> {
  const res = await api("POST", "/auth/token", { body: { username, password: PASSWORD }, ip });
  expect(res.status).toBe(201);
  return res.body.token;
}

let regionA: { id: number };
let regionB: { id: number };
let dealer: Awaited<ReturnType<typeof makeCustomer>>;
let dealerCode: string;
let poorDealer: Awaited<ReturnType<typeof makeCustomer>>;
let poorCode: string;
let sku: Awaited<ReturnType<typeof makeOrderableSku>>;
let sku2: Awaited<ReturnType<typeof makeOrderableSku>>;
const tokens: Record<string, string> = {};

const codeOf = async (customerId: number) =>
  (await t.db.selectFrom("customers").select("code").where("id", "=", customerId).executeTakeFirstOrThrow()).code;

beforeAll(async () => {
  t = await createTestDatabase();
  regionA = await makeRegion(t.db);
  regionB = await makeRegion(t.db);
  dealer = await makeCustomer(t.db, { regionId: regionA.id, username: "api-dealer" });
  poorDealer = await makeCustomer(t.db, { regionId: regionA.id, username: "api-poor" });
  await makeCustomer(t.db, { regionId: regionB.id, username: "api-other" });
  dealerCode = await codeOf(dealer.id);
  poorCode = await codeOf(poorDealer.id);
  sku = await makeOrderableSku(t.db, { basePrice: 1250, stock: 500 });
  sku2 = await makeOrderableSku(t.db, { basePrice: 800, stock: 500 });
  for (const role of [
    "admin",
    "order_reviewer",
    "finance_reviewer",
    "warehouse_keeper",
    "shipping_clerk",
    "business_lead",
  ] as const) {
    await makeStaff(t.db, { roleIds: [await builtinRoleId(t.db, role)], username: `api-${role}` });
  }
  await makeStaff(t.db, {
    roleIds: [await builtinRoleId(t.db, "order_reviewer")],
    regionIds: [regionB.id],
    username: "api-regional",
  });
  for (const name of [
    "admin",
    "order_reviewer",
    "finance_reviewer",
    "warehouse_keeper",
    "shipping_clerk",
    "business_lead",
    "regional",
  ])
    tokens[name] = await login(`api-${name}`);
  tokens.dealer = await login("api-dealer");
  tokens.poor = await login("api-poor");
  tokens.other = await login("api-other");
});

afterAll(async () => {
  await t?.destroy();
});

const as = (who: string) => tokens[who]!;

describe(`HTTP API v1 contract (${testDbKind()})`, () => {
  describe("auth", () => {
    it("issues tokens that expire within 12 hours and say who the caller is", async () => {
      const res = await api("POST", "/auth/token", { body: { username: "API-Dealer ", password: PASSWORD } });
      expect(res.status).toBe(201);
      expect(res.body.accountType).toBe("customer");
      expect(res.body.token).toMatch(/^dh_/);
      const ttl = Date.parse(res.body.expiresAt) - clock.getTime();
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(12 * 3600_000);
      // Only the hash is stored.
      const stored = await t.db.selectFrom("api_tokens").select("token_hash").execute();
      expect(stored.some((r) => r.token_hash === res.body.token)).toBe(false);

      const me = await api("GET", "/me", { token: res.body.token });
      expect(me.body).toMatchObject({
        accountType: "customer",
        username: "api-dealer",
        customer: { code: dealerCode },
        permissions: [],
      });
      const staff = await api("GET", "/me", { token: as("finance_reviewer") });
      expect(staff.body.accountType).toBe("staff");
      expect(staff.body.permissions).toEqual([...BUILTIN_ROLES.finance_reviewer.permissions].sort());
    });

    it("answers 401 without a token, with a bad one, and for a wrong password", async () => {
      expect((await api("GET", "/me")).body.code).toBe("unauthenticated");
      const bad = await api("GET", "/me", { token: "dh_not-a-real-token-at-all-000000" });
      expect(bad.status).toBe(401);
      expect(bad.body.code).toBe("invalid_token");
      expect(bad.headers.get("www-authenticate")).toContain("Bearer");
      expect((await api("GET", "/me", { headers: { Authorization: "Basic abc" } })).status).toBe(401);
      const wrong = await api("POST", "/auth/token", {
        body: { username: "api-dealer", password: "nope-nope" },
        ip: "198.51.100.7",
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe("invalid_credentials");
    });

    it("throttles the token endpoint like the login page: 429 with Retry-After", async () => {
      await makeCustomer(t.db, { regionId: regionA.id, username: "api-victim" });
      const attempt = () =>
        api("POST", "/auth/token", {
          body: { username: "api-victim", password: "wrong-password" },
          ip: "198.51.100.8",
        });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await attempt()).status);
      expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
      expect(statuses[4]).toBe(429);
      const blocked = await api("POST", "/auth/token", {
        body: { username: "api-victim", password: PASSWORD },
        ip: "198.51.100.9",
      });
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe("throttled");
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    });

    it("revokes a token, and a revoked, expired or disabled-account token is 401", async () => {
      const token = await login("api-dealer");
      expect((await api("DELETE", "/auth/token", { token })).status).toBe(204);
      expect((await api("GET", "/me", { token })).body.code).toBe("invalid_token");

      const later = await login("api-dealer");
      clock = new Date(NOW.getTime() + 12 * 3600_000 + 1000);
      try {
        expect((await api("GET", "/me", { token: later })).status).toBe(401);
      } finally {
        clock = new Date(NOW);
      }

      const victim = await makeCustomer(t.db, { regionId: regionA.id, username: "api-soon-disabled" });
      const victimToken = await login("api-soon-disabled");
      expect((await api("GET", "/me", { token: victimToken })).status).toBe(200);
      await t.db.updateTable("customers").set({ active: 0 }).where("id", "=", victim.id).execute();
      expect((await api("GET", "/me", { token: victimToken })).status).toBe(401);

      const staff = await makeStaff(t.db, { roleIds: [await builtinRoleId(t.db, "admin")], username: "api-leaver" });
      const staffToken = await login("api-leaver");
      await t.db.updateTable("accounts").set({ active: 0 }).where("id", "=", staff.id).execute();
      expect((await api("GET", "/me", { token: staffToken })).status).toBe(401);
    });

    it("applies a permission change on the next request", async () => {
      const staff = await makeStaff(t.db, {
        roleIds: [await builtinRoleId(t.db, "order_reviewer")],
        username: "api-moved",
      });
      const token = await login("api-moved");
      expect((await api("GET", "/orders", { token })).status).toBe(200);
      await t.db.deleteFrom("account_roles").where("account_id", "=", staff.id).execute();
      const refused = await api("GET", "/orders", { token });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe("forbidden");
    });

    it("accepts integration tokens an administrator created, until they are revoked", async () => {
      const account = await t.db
        .selectFrom("accounts")
        .select("id")
        .where("username", "=", "api-warehouse_keeper")
        .executeTakeFirstOrThrow();
      const admin = {
        accountId: null,
        name: "test",
        grant: { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null },
      };
      const created = await createIntegrationToken(
        t.db,
        admin,
        { accountId: account.id, name: "ERP", expiresInDays: null },
        clock,
      );
      if (!created.ok) throw new Error(created.error);
      const me = await api("GET", "/me", { token: created.token });
      expect(me.body.username).toBe("api-warehouse_keeper");
      const row = await t.db
        .selectFrom("api_tokens")
        .select(["last_used_at", "kind"])
        .where("id", "=", created.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ last_used_at: clock.toISOString(), kind: "integration" });
      expect((await api("DELETE", "/auth/token", { token: created.token })).status).toBe(204);
      expect((await api("GET", "/me", { token: created.token })).status).toBe(401);
    });

    it("limits requests per token in the database: 429 with Retry-After", async () => {
      const token = await login("api-business_lead");
      const deps = { rateLimit: { limit: 3, windowMs: 60_000 } };
      for (let i = 0; i < 3; i++) expect((await api("GET", "/me", { token, deps })).status).toBe(200);
      const limited = await api("GET", "/me", { token, deps });
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe("rate_limited");
      const wait = Number(limited.headers.get("retry-after"));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60);
      // Another token has its own allowance; the next window starts afresh.
      expect((await api("GET", "/me", { token: as("admin"), deps })).status).toBe(200);
      clock = new Date(NOW.getTime() + 60_000);
      try {
        expect((await api("GET", "/me", { token, deps })).status).toBe(200);
      } finally {
        clock = new Date(NOW);
      }
    });

    it("serves a console session (cookie) the same way, without a token", async () => {
      const staffRow = await t.db
        .selectFrom("accounts")
        .select(["id"])
        .where("username", "=", "api-admin")
        .executeTakeFirstOrThrow();
      const viewer = {
        kind: "staff" as const,
        sessionId: "cookie-session",
        accountId: staffRow.id,
        username: "api-admin",
        displayName: "admin",
        roles: [],
        grant: { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null },
      };
      const me = await api("GET", "/me", { deps: { sessionViewer: viewer } });
      expect(me.body.username).toBe("api-admin");
      // A token that is sent must be valid: it is never silently replaced by the cookie.
      const both = await api("GET", "/me", {
        token: "dh_bogus-bogus-bogus-bogus-bogus",
        deps: { sessionViewer: viewer },
      });
      expect(both.status).toBe(401);
      const revoke = await api("DELETE", "/auth/token", { deps: { sessionViewer: viewer } });
      expect(revoke.body.code).toBe("bearer_required");
    });
  });

  describe("funds and payments", () => {
    it("records payments idempotently and shows balances and the ledger to whom they belong", async () => {
      const payment = {
        idempotencyKey: "pay-1",
        account: "prepaid",
        amount: 10_000_000,
        method: "bank",
        reference: "BANK-001",
      };
      const first = await api("POST", `/customers/${dealerCode}/payments`, {
        token: as("finance_reviewer"),
        body: payment,
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ account: "prepaid", kind: "recharge", amount: 10_000_000 });
      const replay = await api("POST", `/customers/${dealerCode}/payments`, {
        token: as("finance_reviewer"),
        body: payment,
      });
      expect(replay.status).toBe(200);
      expect(replay.body.id).toBe(first.body.id);
      const reused = await api("POST", `/customers/${dealerCode}/payments`, {
        token: as("finance_reviewer"),
        body: { ...payment, amount: 1 },
      });
      expect(reused.status).toBe(409);
      expect(reused.body.code).toBe("idempotency_key_reused");
      const rebate = await api("POST", `/customers/${dealerCode}/payments`, {
        token: as("finance_reviewer"),
        body: { ...payment, idempotencyKey: "pay-2", account: "rebate", amount: 5000 },
      });
      expect(rebate.status).toBe(201);
      expect(rebate.body.account).toBe("rebate");

      // Only funds.manage may record; a reviewer is refused, a customer too.
      expect(
        (await api("POST", `/customers/${dealerCode}/payments`, { token: as("order_reviewer"), body: payment })).status,
      ).toBe(403);
      expect(
        (await api("POST", `/customers/${dealerCode}/payments`, { token: as("dealer"), body: payment })).status,
      ).toBe(403);

      const funds = await api("GET", `/customers/${dealerCode}/funds`, { token: as("dealer") });
      expect(funds.body).toMatchObject({ prepaid: 10_000_000, rebate: 5000, deposit: 0 });
      expect((await api("GET", `/customers/${dealerCode}/funds`, { token: as("other") })).status).toBe(404);
      expect((await api("GET", `/customers/${dealerCode}/funds`, { token: as("order_reviewer") })).status).toBe(403);
      expect((await api("GET", `/customers/NOPE/funds`, { token: as("finance_reviewer") })).status).toBe(404);

      const page1 = await api("GET", `/customers/${dealerCode}/ledger?limit=1`, { token: as("dealer") });
      expect(page1.body.items).toHaveLength(1);
      expect(page1.body.items[0].account).toBe("rebate");
      const page2 = await api("GET", `/customers/${dealerCode}/ledger?limit=1&cursor=${page1.body.nextCursor}`, {
        token: as("dealer"),
      });
      expect(page2.body.items[0].account).toBe("prepaid");
      expect(
        (await api("GET", `/customers/${dealerCode}/ledger?cursor=garbage`, { token: as("dealer") })).body.code,
      ).toBe("invalid_cursor");
      await expectFundsInvariants(t.db);
    });
  });

  let completedOrder = "";

  describe("an order through the whole pipeline", () => {
    it("is submitted by the customer, idempotently", async () => {
      const body = { idempotencyKey: "order-1", lines: [{ skuCode: sku.code, quantity: 4 }], remark: "API" };
      const first = await api("POST", "/orders", { token: as("dealer"), body });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        status: "pending_order_review",
        version: 1,
        customer: { code: dealerCode },
        totals: { goods: 5000, payable: 5000 },
        lines: [{ skuCode: sku.code, quantity: 4, unitPrice: 1250, amount: 5000 }],
      });
      // Answered from the rows just written, not read back: it must be the order as read back.
      expect(first.body).toEqual((await api("GET", `/orders/${first.body.number}`, { token: as("dealer") })).body);
      const replay = await api("POST", "/orders", { token: as("dealer"), body });
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(first.body);
      const reused = await api("POST", "/orders", {
        token: as("dealer"),
        body: { ...body, lines: [{ skuCode: sku.code, quantity: 5 }] },
      });
      expect(reused.status).toBe(409);
      expect(reused.body.code).toBe("idempotency_key_reused");
      completedOrder = first.body.number;
    });

    it("refuses unknown fields, bad quantities and prices from the client", async () => {
      const unknown = await api("POST", "/orders", {
        token: as("dealer"),
        body: { idempotencyKey: key(), lines: [{ skuCode: sku.code, quantity: 1, unitPrice: 1 }] },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.code).toBe("validation_failed");
      expect(unknown.body.errors[0].path).toBe("/lines/0");
      const zero = await api("POST", "/orders", {
        token: as("dealer"),
        body: { idempotencyKey: key(), lines: [{ skuCode: sku.code, quantity: 0 }] },
      });
      expect(zero.status).toBe(422);
      expect(zero.body.code).toBe("invalid_quantity");
      expect(zero.body.errors[0].path).toBe("/lines/0/quantity");
      const tooMany = await api("POST", "/orders", {
        token: as("dealer"),
        body: { idempotencyKey: key(), lines: [{ skuCode: sku.code, quantity: 100_000 }] },
      });
      expect(tooMany.body.code).toBe("insufficient_stock");
      const unknownSku = await api("POST", "/orders", {
        token: as("dealer"),
        body: { idempotencyKey: key(), lines: [{ skuCode: "NO-SUCH", quantity: 1 }] },
      });
      expect(unknownSku.body.code).toBe("unknown_sku");
      const notJson = await api("POST", "/orders", { token: as("dealer"), body: "{oops" });
      expect(notJson.body.code).toBe("invalid_json");
      const form = await api("POST", "/orders", {
        token: as("dealer"),
        body: "a=1",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(form.status).toBe(415);
    });

    it("hides it from another customer and from staff of other regions (404)", async () => {
      for (const who of ["other", "regional"]) {
        expect((await api("GET", `/orders/${completedOrder}`, { token: as(who) })).status).toBe(404);
        const act = await api("POST", `/orders/${completedOrder}/actions`, {
          token: as(who),
          body: { action: "cancel", version: 1 },
        });
        expect(act.status).toBe(404);
      }
      const list = await api("GET", "/orders", { token: as("other") });
      expect(list.body.items.map((o: { number: string }) => o.number)).not.toContain(completedOrder);
      expect((await api("GET", "/orders", { token: as("regional") })).body.items).toEqual([]);
    });

    it("is amended at order review with a change slip", async () => {
      const amended = await api("POST", `/orders/${completedOrder}/actions`, {
        token: as("order_reviewer"),
        body: {
          action: "amend",
          version: 1,
          lines: [{ skuCode: sku.code, quantity: 4 }],
          freight: 500,
          reason: "运费",
        },
      });
      expect(amended.status).toBe(200);
      expect(amended.body).toMatchObject({ version: 2, totals: { goods: 5000, freight: 500, payable: 5500 } });
      expect(amended.body.changeSlips).toHaveLength(1);
      expect(amended.body.changeSlips[0].changes).toEqual([{ field: "freight", before: 0, after: 500 }]);
      const customerView = await api("GET", `/orders/${completedOrder}`, { token: as("dealer") });
      expect(customerView.body.changeSlips).toHaveLength(1);
    });

    it("moves step by step, each by the role that holds it, refusing stale versions and wrong roles", async () => {
      const act = (who: string, body: Record<string, unknown>) =>
        api("POST", `/orders/${completedOrder}/actions`, { token: as(who), body });

      // Finance may not approve order review; the customer may not approve at all.
      expect((await act("finance_reviewer", { action: "approve", version: 2 })).status).toBe(403);
      expect((await act("dealer", { action: "approve", version: 2 })).status).toBe(403);

      const reviewed = await act("order_reviewer", { action: "approve", version: 2 });
      expect(reviewed.status).toBe(200);
      expect(reviewed.body).toMatchObject({ status: "pending_finance_review", version: 3 });

      const stale = await act("order_reviewer", { action: "approve", version: 2 });
      expect(stale.status).toBe(409);
      expect(["stale_version", "already_handled"]).toContain(stale.body.code);

      const paid = await act("finance_reviewer", { action: "approve", version: 3, payment: { method: "prepaid" } });
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({
        status: "pending_outbound_review",
        payment: { method: "prepaid", paid: 5500 },
      });

      const out = await act("warehouse_keeper", { action: "approve", version: 4 });
      expect(out.body.status).toBe("pending_shipment");
      expect(out.body.shipment.outboundAt).toBeTruthy();
      // A customer sees the shipment only once it is shipped.
      expect((await api("GET", `/orders/${completedOrder}`, { token: as("dealer") })).body.shipment).toBeUndefined();

      const noShipment = await act("shipping_clerk", { action: "approve", version: 5 });
      expect(noShipment.status).toBe(422);
      expect(noShipment.body.code).toBe("shipment_required");
      const shipped = await act("shipping_clerk", {
        action: "approve",
        version: 5,
        shipment: { carrier: "顺丰", trackingNo: "SF123" },
      });
      expect(shipped.body).toMatchObject({
        status: "pending_receipt",
        shipment: { carrier: "顺丰", trackingNo: "SF123" },
      });

      const received = await act("dealer", { action: "confirm_receipt", version: 6 });
      expect(received.status).toBe(200);
      expect(received.body.status).toBe("completed");
      const steps = received.body.timeline.map((e: { action: string }) => e.action);
      expect(steps).toEqual([
        "submit",
        "amend",
        "approve_order_review",
        "approve_finance_review",
        "approve_outbound_review",
        "approve_shipment",
        "approve_receipt",
      ]);
      await expectFundsInvariants(t.db);
    });

    it("refuses finance approval when funds are short (422 insufficient_funds)", async () => {
      const placed = await api("POST", "/orders", {
        token: as("poor"),
        body: { idempotencyKey: key(), lines: [{ skuCode: sku2.code, quantity: 2 }] },
      });
      const number = placed.body.number;
      await api("POST", `/orders/${number}/actions`, {
        token: as("order_reviewer"),
        body: { action: "approve", version: 1 },
      });
      const short = await api("POST", `/orders/${number}/actions`, {
        token: as("finance_reviewer"),
        body: { action: "approve", version: 2, payment: { method: "prepaid" } },
      });
      expect(short.status).toBe(422);
      expect(short.body).toMatchObject({ code: "insufficient_funds", available: 0, payable: 1600 });
      // Staff order on the customer's behalf, by code; a reviewer of another region cannot.
      const onBehalf = await api("POST", "/orders", {
        token: as("order_reviewer"),
        body: { idempotencyKey: key(), customerCode: poorCode, lines: [{ skuCode: sku2.code, quantity: 1 }] },
      });
      expect(onBehalf.status).toBe(201);
      expect(onBehalf.body.timeline[0].action).toBe("submit_on_behalf");
      expect(onBehalf.body).toEqual(
        (await api("GET", `/orders/${onBehalf.body.number}`, { token: as("order_reviewer") })).body,
      );
      const noCode = await api("POST", "/orders", {
        token: as("order_reviewer"),
        body: { idempotencyKey: key(), lines: [{ skuCode: sku2.code, quantity: 1 }] },
      });
      expect(noCode.body.errors[0].path).toBe("/customerCode");
      const outOfRegion = await api("POST", "/orders", {
        token: as("regional"),
        body: { idempotencyKey: key(), customerCode: poorCode, lines: [{ skuCode: sku2.code, quantity: 1 }] },
      });
      expect(outOfRegion.status).toBe(404);
      expect(
        (
          await api("POST", "/orders", {
            token: as("finance_reviewer"),
            body: { idempotencyKey: key(), customerCode: poorCode, lines: [{ skuCode: sku2.code, quantity: 1 }] },
          })
        ).status,
      ).toBe(403);
    });

    it("sends back, resubmits, voids and cancels with the right people", async () => {
      const place = async () =>
        (
          await api("POST", "/orders", {
            token: as("dealer"),
            body: { idempotencyKey: key(), lines: [{ skuCode: sku2.code, quantity: 1 }] },
          })
        ).body.number as string;
      const a = await place();
      const noReason = await api("POST", `/orders/${a}/actions`, {
        token: as("order_reviewer"),
        body: { action: "send_back", version: 1 },
      });
      expect(noReason.body.code).toBe("reason_required");
      const back = await api("POST", `/orders/${a}/actions`, {
        token: as("order_reviewer"),
        body: { action: "send_back", version: 1, reason: "数量不对" },
      });
      expect(back.body.status).toBe("sent_back");
      const again = await api("POST", `/orders/${a}/actions`, {
        token: as("dealer"),
        body: { action: "resubmit", version: 2 },
      });
      expect(again.body.status).toBe("pending_order_review");
      const voided = await api("POST", `/orders/${a}/actions`, {
        token: as("business_lead"),
        body: { action: "void", version: 3, note: "客户要求" },
      });
      expect(voided.body.status).toBe("cancelled");

      const b = await place();
      expect(
        (
          await api("POST", `/orders/${b}/actions`, {
            token: as("order_reviewer"),
            body: { action: "void", version: 1, reason: "x" },
          })
        ).status,
      ).toBe(403);
      const cancelled = await api("POST", `/orders/${b}/actions`, {
        token: as("dealer"),
        body: { action: "cancel", version: 1 },
      });
      expect(cancelled.body.status).toBe("cancelled");
    });

    it("lists orders newest first with cursors, filtered by status and exact customer code", async () => {
      const page1 = await api("GET", "/orders?limit=2", { token: as("dealer") });
      expect(page1.body.items).toHaveLength(2);
      expect(page1.body.nextCursor).toBeTruthy();
      const page2 = await api("GET", `/orders?limit=2&cursor=${page1.body.nextCursor}`, { token: as("dealer") });
      const all = [...page1.body.items, ...page2.body.items].map((o: { number: string }) => o.number);
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort().reverse()).toEqual(all);
      const completed = await api("GET", "/orders?status=completed", { token: as("dealer") });
      expect(completed.body.items.map((o: { number: string }) => o.number)).toEqual([completedOrder]);
      expect(completed.body.items[0].totals).toEqual({ goods: 5000, freight: 500, discount: 0, payable: 5500 });

      const staffAll = await api("GET", `/orders?customerCode=${poorCode}&limit=1`, { token: as("order_reviewer") });
      expect(staffAll.body.items).toHaveLength(1);
      expect(staffAll.body.items[0].customer.code).toBe(poorCode);
      const staffNext = await api(
        "GET",
        `/orders?customerCode=${poorCode}&limit=1&cursor=${staffAll.body.nextCursor}`,
        {
          token: as("order_reviewer"),
        },
      );
      expect(staffNext.body.items[0].customer.code).toBe(poorCode);
      expect(staffNext.body.items[0].number).not.toBe(staffAll.body.items[0].number);
      expect((await api("GET", "/orders?status=bogus", { token: as("dealer") })).status).toBe(400);
      expect((await api("GET", "/orders?limit=501", { token: as("dealer") })).status).toBe(400);
      expect((await api("GET", "/orders?limit=0", { token: as("dealer") })).status).toBe(400);
      expect((await api("GET", "/orders?unknown=1", { token: as("dealer") })).status).toBe(400);
    });
  });

  describe("a return through the whole pipeline", () => {
    let number = "";

    it("is created by the customer from the completed order, idempotently", async () => {
      const body = {
        idempotencyKey: "return-1",
        orderNumber: completedOrder,
        lines: [{ skuCode: sku.code, quantity: 3, reason: "damaged" }],
      };
      const first = await api("POST", "/returns", { token: as("dealer"), body });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        status: "pending_return_review",
        version: 1,
        orderNumber: completedOrder,
        lines: [{ skuCode: sku.code, requestedQuantity: 3, reason: "damaged" }],
      });
      number = first.body.number;
      const replay = await api("POST", "/returns", { token: as("dealer"), body });
      expect(replay.status).toBe(200);
      expect(replay.body.number).toBe(number);
      const reused = await api("POST", "/returns", {
        token: as("dealer"),
        body: { ...body, lines: [{ skuCode: sku.code, quantity: 1, reason: "damaged" }] },
      });
      expect(reused.body.code).toBe("idempotency_key_reused");
      const tooMany = await api("POST", "/returns", {
        token: as("dealer"),
        body: { ...body, idempotencyKey: key(), lines: [{ skuCode: sku.code, quantity: 2, reason: "quality" }] },
      });
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.code).toBe("invalid_quantity");
      const foreign = await api("POST", "/returns", { token: as("other"), body: { ...body, idempotencyKey: key() } });
      expect(foreign.status).toBe(404);
      expect((await api("GET", `/returns/${number}`, { token: as("other") })).status).toBe(404);
    });

    it("is approved, shipped back, received with dispositions and refunded", async () => {
      const act = (who: string, body: Record<string, unknown>) =>
        api("POST", `/returns/${number}/actions`, { token: as(who), body });
      expect((await act("warehouse_keeper", { action: "approve", version: 1 })).status).toBe(403);
      const approved = await act("order_reviewer", {
        action: "approve",
        version: 1,
        lines: [{ skuCode: sku.code, approvedQuantity: 2 }],
      });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ status: "pending_return_shipment", lines: [{ approvedQuantity: 2 }] });

      const unshipped = await act("dealer", { action: "approve", version: 2 });
      expect(unshipped.body.code).toBe("shipment_required");
      const shipped = await act("dealer", {
        action: "approve",
        version: 2,
        shipment: { carrier: "中通", trackingNo: "ZT9" },
      });
      expect(shipped.body).toMatchObject({ status: "pending_inbound_review", shipment: { carrier: "中通" } });

      const stockBefore = await t.db
        .selectFrom("stock")
        .select("on_hand")
        .where("sku_id", "=", sku.skuId)
        .where("warehouse_id", "=", sku.warehouseId)
        .executeTakeFirstOrThrow();
      const received = await act("warehouse_keeper", {
        action: "approve",
        version: 3,
        lines: [{ skuCode: sku.code, receivedQuantity: 2, disposition: "restock" }],
      });
      expect(received.body).toMatchObject({
        status: "pending_refund_review",
        lines: [{ receivedQuantity: 2, disposition: "restock" }],
      });
      const stockAfter = await t.db
        .selectFrom("stock")
        .select("on_hand")
        .where("sku_id", "=", sku.skuId)
        .where("warehouse_id", "=", sku.warehouseId)
        .executeTakeFirstOrThrow();
      expect(Number(stockAfter.on_hand) - Number(stockBefore.on_hand)).toBe(2);

      const before = (await api("GET", `/customers/${dealerCode}/funds`, { token: as("dealer") })).body.prepaid;
      const refunded = await act("finance_reviewer", { action: "approve", version: 4 });
      expect(refunded.body.status).toBe("completed");
      expect(refunded.body.refundAmount).toBe(2500);
      const after = (await api("GET", `/customers/${dealerCode}/funds`, { token: as("dealer") })).body.prepaid;
      expect(after - before).toBe(2500);
      const ledger = await api("GET", `/customers/${dealerCode}/ledger?limit=1`, { token: as("dealer") });
      expect(ledger.body.items[0]).toMatchObject({ kind: "refund", amount: 2500 });
      await expectFundsInvariants(t.db);
    });

    it("is rejected with a reason, or cancelled by the customer, and listed", async () => {
      const create = async () =>
        (
          await api("POST", "/returns", {
            token: as("dealer"),
            body: {
              idempotencyKey: key(),
              orderNumber: completedOrder,
              lines: [{ skuCode: sku.code, quantity: 1, reason: "other", note: "多发了" }],
            },
          })
        ).body;
      const a = await create();
      const noReason = await api("POST", `/returns/${a.number}/actions`, {
        token: as("order_reviewer"),
        body: { action: "reject", version: 1 },
      });
      expect(noReason.body.code).toBe("reason_required");
      const rejected = await api("POST", `/returns/${a.number}/actions`, {
        token: as("order_reviewer"),
        body: { action: "reject", version: 1, reason: "不符合条件" },
      });
      expect(rejected.body).toMatchObject({ status: "rejected", rejectReason: "不符合条件" });
      const b = await create();
      const cancelled = await api("POST", `/returns/${b.number}/actions`, {
        token: as("dealer"),
        body: { action: "cancel", version: 1 },
      });
      expect(cancelled.body.status).toBe("cancelled");

      const mine = await api("GET", "/returns?limit=2", { token: as("dealer") });
      expect(mine.body.items.map((r: { number: string }) => r.number)).toEqual([b.number, a.number]);
      const next = await api("GET", `/returns?limit=2&cursor=${mine.body.nextCursor}`, { token: as("dealer") });
      expect(next.body.items).toHaveLength(1);
      expect((await api("GET", "/returns", { token: as("other") })).body.items).toEqual([]);
      const staff = await api("GET", `/returns?customerCode=${dealerCode}&status=completed`, {
        token: as("order_reviewer"),
      });
      expect(staff.body.items).toHaveLength(1);
      expect((await api("GET", "/returns", { token: as("regional") })).body.items).toEqual([]);
    });
  });

  describe("catalog and settings", () => {
    it("lists SKUs at the customer's price, stock as the setting allows", async () => {
      const asDealer = await api("GET", `/products?q=${encodeURIComponent(sku.code)}`, { token: as("dealer") });
      expect(asDealer.body.items).toHaveLength(1);
      expect(asDealer.body.items[0]).toMatchObject({ skuCode: sku.code, price: 1250, inStock: true });
      expect(asDealer.body.items[0].available).toBeUndefined();
      const asStaff = await api("GET", `/products?q=${encodeURIComponent(sku.code)}`, {
        token: as("warehouse_keeper"),
      });
      expect(asStaff.body.items[0]).toMatchObject({ listed: true });
      expect(typeof asStaff.body.items[0].available).toBe("number");
      expect((await api("GET", "/products", { token: as("finance_reviewer") })).status).toBe(403);
      const page = await api("GET", "/products?limit=1", { token: as("dealer") });
      const next = await api("GET", `/products?limit=1&cursor=${page.body.nextCursor}`, { token: as("dealer") });
      expect(next.body.items[0].skuCode).not.toBe(page.body.items[0].skuCode);
    });

    it("reads and replaces the workflow settings with settings.workflow only", async () => {
      const got = await api("GET", "/settings/workflow", { token: as("admin") });
      expect(got.body).toMatchObject({ stockDisplay: "flag", orders: { finance_review: true } });
      const put = await api("PUT", "/settings/workflow", {
        token: as("admin"),
        body: { ...got.body, stockDisplay: "quantity" },
      });
      expect(put.body.stockDisplay).toBe("quantity");
      const shown = await api("GET", `/products?q=${encodeURIComponent(sku.code)}`, { token: as("dealer") });
      expect(typeof shown.body.items[0].available).toBe("number");
      const extra = await api("PUT", "/settings/workflow", { token: as("admin"), body: { ...got.body, color: "red" } });
      expect(extra.status).toBe(400);
      expect((await api("GET", "/settings/workflow", { token: as("order_reviewer") })).status).toBe(403);
      expect((await api("PUT", "/settings/workflow", { token: as("dealer"), body: got.body })).status).toBe(403);
      await api("PUT", "/settings/workflow", { token: as("admin"), body: got.body });
    });
  });

  describe("the OpenAPI document", () => {
    it("validates as OpenAPI 3.1 and is served at /openapi.json", async () => {
      const served = await api("GET", "/openapi.json");
      expect(served.status).toBe(200);
      expect(served.body).toEqual(openApiDocument());
      const validator = new Validator();
      const result = await validator.validate(structuredClone(served.body) as Record<string, unknown>);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(validator.version).toBe("3.1");
    });

    it("documents every path of API.md, and every documented path answers (never 404 or 500)", async () => {
      const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
      const apiMd = [
        "POST /auth/token",
        "GET /me",
        "GET /products",
        "POST /orders",
        "GET /orders",
        "GET /orders/{number}",
        "POST /orders/{number}/actions",
        "POST /returns",
        "GET /returns",
        "GET /returns/{number}",
        "POST /returns/{number}/actions",
        "GET /customers/{code}/funds",
        "POST /customers/{code}/payments",
        "GET /customers/{code}/ledger",
        "GET /settings/workflow",
        "PUT /settings/workflow",
        "GET /openapi.json",
      ];
      const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      );
      for (const entry of apiMd) expect(documented).toContain(entry);

      const returnNumber = (await api("GET", "/returns?limit=1", { token: as("admin") })).body.items[0].number;
      const params: Record<string, string> = { number: completedOrder, code: dealerCode };
      const throwaway = await login("api-admin");
      for (const entry of documented.sort((a, b) => (a.startsWith("DELETE") ? 1 : b.startsWith("DELETE") ? -1 : 0))) {
        const [method, template] = entry.split(" ") as [string, string];
        const path = template
          .replace("{number}", template.startsWith("/returns") ? returnNumber : params.number!)
          .replace("{code}", params.code!);
        const hasBody = ["POST", "PUT"].includes(method);
        const res = await api(method, path, { token: throwaway, body: hasBody ? {} : undefined });
        expect(res.status, entry).not.toBe(500);
        expect(res.status, entry).not.toBe(404);
        expect(res.status, entry).not.toBe(405);
      }
      expect((await api("GET", "/nothing-here", { token: as("admin") })).body.code).toBe("no_such_endpoint");
      const wrongMethod = await api("PATCH", "/orders", { token: as("admin") });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get("allow")).toContain("GET");
    });
  });

  describe("robustness", () => {
    it("answers fuzzed bodies and queries with 4xx, never 500", async () => {
      const bodyEndpoints = ENDPOINTS.filter((e) => e.body && e.path !== "/auth/token");
      const numbers = { number: completedOrder, code: dealerCode };
      const pathOf = (e: Endpoint) => e.path.replace("{number}", numbers.number).replace("{code}", numbers.code);
      // Near-valid shapes reach deeper than random JSON: right keys, wrong or extreme values.
      const value = fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.integer(),
        fc.constantFrom(0, -1, 1, 2 ** 53, -(2 ** 53), 1.5, "", "x".repeat(600), null, true, [], {}),
        fc.constantFrom(sku.code, completedOrder, dealerCode, "approve", "prepaid", "restock"),
      );
      const record = fc.dictionary(
        fc.constantFrom(
          "action",
          "version",
          "lines",
          "skuCode",
          "quantity",
          "idempotencyKey",
          "orderNumber",
          "payment",
          "shipment",
          "reason",
          "note",
          "account",
          "amount",
          "method",
          "reference",
          "orders",
          "customerCode",
          "receivedQuantity",
          "disposition",
          "warehouseCode",
          "refund",
        ),
        fc.oneof(
          value,
          fc.array(fc.dictionary(fc.constantFrom("skuCode", "quantity", "reason"), value), { maxLength: 3 }),
        ),
        { maxKeys: 6 },
      );
      const body = fc.oneof(record, fc.jsonValue({ maxDepth: 3 }));
      const who = fc.constantFrom("dealer", "admin", "order_reviewer", "other");
      let calls = 0;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...bodyEndpoints), body, who, async (e, b, w) => {
          calls++;
          const res = await api(e.method, pathOf(e), { token: as(w), body: b });
          return res.status >= 200 && res.status < 500;
        }),
        { numRuns: 300 },
      );
      const queryEndpoints = ENDPOINTS.filter((e) => e.method === "GET" && e.auth === "token");
      const query = fc.dictionary(
        fc.constantFrom("status", "limit", "cursor", "q", "category", "customerCode", "account", "orderNumber", "x"),
        fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constantFrom("-1", "1e9", "abc", "%")),
        { maxKeys: 3 },
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...queryEndpoints), query, who, async (e, q, w) => {
          calls++;
          const res = await api("GET", `${pathOf(e)}?${new URLSearchParams(q)}`, { token: as(w) });
          return res.status >= 200 && res.status < 500;
        }),
        { numRuns: 200 },
      );
      expect(calls).toBe(500);
      expect(unexpected).toEqual([]);
      await expectFundsInvariants(t.db);
    });

    it("turns an unexpected failure into a 500 problem with a request id and no stack trace", async () => {
      const broken = new Proxy(t.db, {
        get(target, prop, receiver) {
          if (prop === "insertInto") throw new Error("disk on fire at /secret/path.ts:12");
          return Reflect.get(target, prop, receiver);
        },
      });
      const errors: unknown[] = [];
      const res = await handleApi(
        new Request("http://portal.test/api/v1/me", { headers: { Authorization: `Bearer ${as("dealer")}` } }),
        { db: broken, now: () => clock, requestId: "req-42", onError: (e) => errors.push(e) },
      );
      expect(res.status).toBe(500);
      const body = await res.json();
      expect(body).toMatchObject({ code: "internal_error", requestId: "req-42", status: 500 });
      expect(JSON.stringify(body)).not.toContain("secret");
      expect(errors).toHaveLength(1);
    });
  });
});
