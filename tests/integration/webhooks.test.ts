// Webhooks end to end against a local receiver: outbox → deliveries → signed POSTs, retries, "send again".
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES } from "../../app/domain/permissions";
import { recordPayment } from "../../app/services/funds.server";
import { performOrderAction } from "../../app/services/order-pipeline.server";
import { submitOrder } from "../../app/services/orders.server";
import { emitEvent } from "../../app/services/outbox.server";
import { sendOutbox } from "../../app/services/outbox-sender.server";
import { PermissionDeniedError, type StaffActor } from "../../app/services/staff-actor.server";
import { drainWebhooks, type SendWebhooksOptions, sendWebhooks } from "../../app/services/webhook-sender.server";
import {
  createEndpoint,
  deleteEndpoint,
  type EndpointInput,
  getEndpoint,
  listDeliveries,
  redeliver,
  rotateEndpointSecret,
  updateEndpoint,
  webhookFanOut,
} from "../../app/services/webhooks.server";
import { makeCustomer, makeOrderableSku, makeRegion, NOW } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
}

let t: TestDatabase;
let receiver: Server;
let base: string;
const received: Received[] = [];
/** What the receiver answers, per path (default 200). */
const answers = new Map<string, number>();
let customer: Awaited<ReturnType<typeof makeCustomer>>;
let verify: (secret: string, headers: IncomingHttpHeaders, rawBody: string, nowMs?: number) => boolean;

const admin: StaffActor & { kind: "staff" } = {
  accountId: null,
  name: "admin",
  kind: "staff",
  grant: { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null },
};
const MINUTE = 60_000;
let clock = NOW.getTime();
/** Each step of a test runs a little later, so retries come due only when the test says so. */
const later = (ms = 0) => {
  clock += ms;
  return new Date(clock);
};
const quick: SendWebhooksOptions = { random: () => 0.5, timeoutMs: 5_000 };

/** Runs the outbox (fan-out) and then the webhook sender once, at `now`. */
async function pump(now: Date, options: SendWebhooksOptions = quick) {
  await sendOutbox(t.db, [webhookFanOut(t.db)], now, 500);
  return sendWebhooks(t.db, now, options);
}

const at = (path: string) => received.filter((r) => r.path === path);

async function endpoint(path: string, events: string[], extra: Partial<EndpointInput> = {}) {
  const result = await createEndpoint(
    t.db,
    admin,
    { url: `${base}${path}`, description: path, events, active: true, ...extra },
    NOW,
  );
  if (!result.ok || !("secret" in result) || !result.secret) throw new Error(JSON.stringify(result));
  return { id: result.id, secret: result.secret };
}

async function placeOrder(key: string) {
  const sku = await makeOrderableSku(t.db, { stock: 10 });
  const placed = await submitOrder(
    t.db,
    { accountId: customer.accountId, name: customer.username, kind: "customer" },
    { customerId: customer.id, idempotencyKey: key, lines: [{ skuCode: sku.code, quantity: 1 }] },
    later(),
  );
  if (!placed.ok) throw new Error("not placed");
  return placed.order.number;
}

async function approve(number: string) {
  const { version } = await t.db
    .selectFrom("orders")
    .select("version")
    .where("number", "=", number)
    .executeTakeFirstOrThrow();
  const result = await performOrderAction(t.db, admin, number, { type: "approve", version }, later());
  if (!result.ok) throw new Error(JSON.stringify(result));
}

beforeAll(async () => {
  // The verification example of the README, run as it is written there.
  const readme = readFileSync(resolve(import.meta.dirname, "../../README.md"), "utf8");
  const code = /## Webhooks[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error("README has no webhook verification example");
  const file = join(mkdtempSync(join(tmpdir(), "dinghuo-readme-")), "verify.mjs");
  writeFileSync(file, code);
  verify = (await import(pathToFileURL(file).href)).verifyDinghuoWebhook;

  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body, json: JSON.parse(body) });
      const status = answers.get(path) ?? 200;
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "receiver says no");
    });
  });
  await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  t = await createTestDatabase();
  customer = await makeCustomer(t.db, { regionId: (await makeRegion(t.db)).id });
});
afterAll(async () => {
  await new Promise((done) => receiver.close(done));
  await t.destroy();
});

describe(`webhooks (${testDbKind()})`, () => {
  it("delivers a committed order event once per subscribed endpoint, signed, however often the senders run", async () => {
    const all = await endpoint("/all-orders", ["order.*"]);
    const submitted = await endpoint("/submitted", ["order.submitted"]);
    await endpoint("/returns", ["return.*"]);
    const number = await placeOrder("once");

    // Two outbox runs at once, then two senders at once, then both again: still one delivery each.
    const now = later();
    await Promise.all([sendOutbox(t.db, [webhookFanOut(t.db)], now), sendOutbox(t.db, [webhookFanOut(t.db)], now)]);
    const [a, b] = await Promise.all([sendWebhooks(t.db, now, quick), sendWebhooks(t.db, now, quick)]);
    expect(a.attempted + b.attempted).toBe(2);
    await pump(later());
    const mine = (path: string) => at(path).filter((r) => r.json.data.number === number);
    expect(mine("/all-orders").map((r) => r.json.type)).toEqual(["order.submitted"]);
    expect(mine("/submitted").map((r) => r.json.type)).toEqual(["order.submitted"]);
    expect(at("/returns")).toEqual([]);

    // A re-run of the outbox handler for the same event adds no delivery.
    const event = await t.db
      .selectFrom("outbox")
      .selectAll()
      .where("aggregate_id", "=", number)
      .executeTakeFirstOrThrow();
    await webhookFanOut(t.db)({
      id: event.id,
      type: event.event_type,
      aggregateType: event.aggregate_type,
      aggregateId: event.aggregate_id,
      payload: JSON.parse(event.payload_json),
      createdAt: event.created_at,
    });
    const rows = await t.db
      .selectFrom("webhook_deliveries")
      .select(["endpoint_id", "status"])
      .where("outbox_event_id", "=", event.id)
      .orderBy("endpoint_id")
      .execute();
    expect(rows).toEqual([
      { endpoint_id: all.id, status: "delivered" },
      { endpoint_id: submitted.id, status: "delivered" },
    ]);

    // The body and headers, and the signature checked with the README's code.
    const [hit] = mine("/all-orders");
    expect(hit!.json).toEqual({
      id: `evt_${event.id}`,
      type: "order.submitted",
      createdAt: event.created_at,
      data: expect.objectContaining({ number }),
    });
    expect(hit!.headers["dinghuo-event"]).toBe("order.submitted");
    expect(hit!.headers["content-type"]).toMatch(/^application\/json/);
    const delivery = await t.db
      .selectFrom("webhook_deliveries")
      .select("id")
      .where("endpoint_id", "=", all.id)
      .where("outbox_event_id", "=", event.id)
      .executeTakeFirstOrThrow();
    expect(hit!.headers["dinghuo-delivery"]).toBe(String(delivery.id));
    expect(hit!.headers["dinghuo-timestamp"]).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(verify(all.secret, hit!.headers, hit!.body, now.getTime())).toBe(true);
    expect(verify(submitted.secret, hit!.headers, hit!.body, now.getTime())).toBe(false);
    expect(verify(all.secret, hit!.headers, hit!.body.replace(number, "DH00000000-0000"), now.getTime())).toBe(false);
    expect(verify(all.secret, hit!.headers, hit!.body, now.getTime() + 6 * MINUTE)).toBe(false);

    // The unsubscribed step approval reaches the order.* endpoint only.
    await approve(number);
    await pump(later());
    expect(mine("/all-orders").map((r) => r.json.type)).toEqual(["order.submitted", "order.step_approved"]);
    expect(mine("/submitted")).toHaveLength(1);
    for (const path of ["/all-orders", "/submitted", "/returns"]) {
      const ep = await t.db
        .selectFrom("webhook_endpoints")
        .select("id")
        .where("description", "=", path)
        .executeTakeFirstOrThrow();
      await updateEndpoint(
        t.db,
        admin,
        ep.id,
        { url: `${base}${path}`, description: path, events: ["order.*"], active: false },
        NOW,
      );
    }
  });

  it("drains the due deliveries batch after batch in one pass, and stops at its time budget", async () => {
    const drain = await endpoint("/drain", ["order.submitted"]);
    for (let i = 0; i < 7; i++) await placeOrder(`drain-${i}`);
    const now = later();
    await sendOutbox(t.db, [webhookFanOut(t.db)], now, 500);
    const before = at("/drain").length;
    // No time at all: one batch only.
    expect(await drainWebhooks(t.db, now, { ...quick, batch: 2, budgetMs: 0 })).toEqual({ attempted: 2, delivered: 2 });
    // Time enough: the other five, in batches of 2 (the last one short), then nothing is left.
    expect(await drainWebhooks(t.db, now, { ...quick, batch: 2 })).toEqual({ attempted: 5, delivered: 5 });
    expect(at("/drain").length - before).toBe(7);
    expect(await drainWebhooks(t.db, now, { ...quick, batch: 2 })).toEqual({ attempted: 0, delivered: 0 });
    const off = { url: `${base}/drain`, description: "/drain", events: ["order.submitted"], active: false };
    await updateEndpoint(t.db, admin, drain.id, off, NOW);
  });

  it("never sends an event of a transaction that rolled back", async () => {
    await endpoint("/rollback", ["order.*", "return.*", "payment.*"]);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await emitEvent(
          trx,
          {
            type: "order.submitted",
            aggregateType: "order",
            aggregateId: "DH-ROLLED-BACK",
            payload: { number: "DH-ROLLED-BACK" },
          },
          later(),
        );
        throw new Error("something failed after the event was written");
      }),
    ).rejects.toThrow("something failed");
    // And one that committed, to show the pipe works.
    await t.db.transaction().execute(async (trx) => {
      await emitEvent(
        trx,
        {
          type: "return.submitted",
          aggregateType: "return",
          aggregateId: "TH-COMMITTED",
          payload: { number: "TH-COMMITTED" },
        },
        later(),
      );
    });
    await pump(later());
    await pump(later(MINUTE));
    expect(await t.db.selectFrom("outbox").select("id").where("aggregate_id", "=", "DH-ROLLED-BACK").execute()).toEqual(
      [],
    );
    expect(at("/rollback").map((r) => r.json.data.number)).toEqual(["TH-COMMITTED"]);
  });

  it("subscribes to a whole group with a wildcard", async () => {
    await endpoint("/returns-only", ["return.*"]);
    await endpoint("/refunds-only", ["return.refunded"]);
    await t.db.transaction().execute(async (trx) => {
      for (const type of ["return.submitted", "return.refunded", "order.voided"])
        await emitEvent(
          trx,
          { type, aggregateType: "return", aggregateId: "TH-W", payload: { number: "TH-W" } },
          later(),
        );
    });
    await pump(later());
    // Sent in parallel: arrival order is not promised (receivers order by `createdAt` if they need to).
    expect(
      at("/returns-only")
        .map((r) => r.json.type)
        .sort(),
    ).toEqual(["return.refunded", "return.submitted"]);
    expect(at("/refunds-only").map((r) => r.json.type)).toEqual(["return.refunded"]);
  });

  it("retries a receiver that answers 500 with growing waits, logs every attempt, then gives up; send again re-delivers", async () => {
    answers.set("/flaky", 500);
    const flaky = await endpoint("/flaky", ["payment.recorded"]);
    await recordPayment(
      t.db,
      { accountId: null, name: "finance", grant: { permissions: new Set(["funds.manage"]), regionIds: null } },
      {
        customerId: customer.id,
        account: "prepaid",
        amount: 500_00,
        method: "bank",
        reference: "BANK-1",
        businessDate: "2026-11-27",
      },
      later(),
    );
    const options = { ...quick, maxAttempts: 3 };
    const first = later();
    await pump(first, options);
    const delivery = () =>
      t.db.selectFrom("webhook_deliveries").selectAll().where("endpoint_id", "=", flaky.id).executeTakeFirstOrThrow();
    let row = await delivery();
    expect(row).toMatchObject({
      status: "pending",
      attempts: 1,
      last_status_code: 500,
      event_type: "payment.recorded",
    });
    // Attempt 1 failed: the next one waits 15–30 s (30 s with half of it random).
    expect(row.next_attempt_at).toBe(new Date(first.getTime() + 22_500).toISOString());
    expect(at("/flaky")[0]!.json.data).toMatchObject({
      customerCode: expect.any(String),
      amount: 500_00,
      account: "prepaid",
    });

    // Not due yet: nothing is sent.
    expect((await pump(later(10_000), options)).attempted).toBe(0);
    const second = later(15_000);
    expect((await pump(second, options)).attempted).toBe(1);
    row = await delivery();
    expect(row.next_attempt_at).toBe(new Date(second.getTime() + 45_000).toISOString());
    await pump(later(MINUTE), options);
    row = await delivery();
    expect(row).toMatchObject({ status: "failed", attempts: 3 });
    expect((await pump(later(24 * 60 * MINUTE), options)).attempted).toBe(0);
    expect(at("/flaky")).toHaveLength(3);

    const log = await t.db
      .selectFrom("webhook_attempts")
      .selectAll()
      .where("delivery_id", "=", row.id)
      .orderBy("id")
      .execute();
    expect(log.map((a) => [a.attempt, a.status_code, a.response_excerpt])).toEqual([
      [1, 500, "receiver says no"],
      [2, 500, "receiver says no"],
      [3, 500, "receiver says no"],
    ]);
    for (const a of log) expect(a.duration_ms).toBeGreaterThanOrEqual(0);

    // The receiver is fixed; "send again" delivers the same event, same id, newly signed.
    answers.delete("/flaky");
    expect(await redeliver(t.db, admin, flaky.id, row.id, later())).toEqual({ ok: true });
    await pump(later(), options);
    row = await delivery();
    expect(row).toMatchObject({ status: "delivered", attempts: 1, last_status_code: 200 });
    const hits = at("/flaky");
    expect(hits).toHaveLength(4);
    expect(new Set(hits.map((h) => h.json.id)).size).toBe(1);

    // And once more for a delivered one: it arrives again.
    await redeliver(t.db, admin, flaky.id, row.id, later());
    const resend = later();
    await pump(resend, options);
    expect(at("/flaky")).toHaveLength(5);
    expect(verify(flaky.secret, at("/flaky")[4]!.headers, at("/flaky")[4]!.body, resend.getTime())).toBe(true);

    const page = await listDeliveries(t.db, admin, flaky.id, { limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.log.map((a) => [a.attempt, a.statusCode])).toEqual([
      [5, 200],
      [4, 200],
      [3, 500],
      [2, 500],
      [1, 500],
    ]);
    expect((await listDeliveries(t.db, admin, flaky.id, { status: "failed", limit: 10 })).items).toEqual([]);
    expect((await listDeliveries(t.db, admin, flaky.id, { event: "order.submitted", limit: 10 })).items).toEqual([]);
  });

  it("signs with the new secret after a rotation", async () => {
    const ep = await endpoint("/rotated", ["order.voided"]);
    const rotated = await rotateEndpointSecret(t.db, admin, ep.id, later());
    if (!rotated.ok) throw new Error("not rotated");
    expect(rotated.secret).not.toBe(ep.secret);
    expect((await getEndpoint(t.db, admin, ep.id))?.secretPrefix).toBe(`${rotated.secret.slice(0, 10)}…`);
    await t.db.transaction().execute(async (trx) => {
      await emitEvent(trx, { type: "order.voided", aggregateType: "order", aggregateId: "DH-V", payload: {} }, later());
    });
    const now = later();
    await pump(now);
    const [hit] = at("/rotated");
    expect(verify(rotated.secret, hit!.headers, hit!.body, now.getTime())).toBe(true);
    expect(verify(ep.secret, hit!.headers, hit!.body, now.getTime())).toBe(false);
  });

  it("pages an endpoint's deliveries newest first", async () => {
    const ep = await endpoint("/paged", ["order.cancelled"]);
    await t.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 5; i++)
        await emitEvent(
          trx,
          { type: "order.cancelled", aggregateType: "order", aggregateId: `DH-P${i}`, payload: { i } },
          later(),
        );
    });
    await pump(later());
    const first = await listDeliveries(t.db, admin, ep.id, { limit: 2 });
    const second = await listDeliveries(t.db, admin, ep.id, { limit: 2, cursor: first.nextCursor! });
    const third = await listDeliveries(t.db, admin, ep.id, { limit: 2, cursor: second.nextCursor! });
    const ids = [...first.items, ...second.items, ...third.items].map((d) => d.id);
    expect(ids).toHaveLength(5);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(third.nextCursor).toBeNull();
    expect((await listDeliveries(t.db, admin, ep.id, { status: "delivered", limit: 10 })).items).toHaveLength(5);
  });

  it("refuses other schemes, internal addresses in production, and region-limited administrators", async () => {
    const input = { description: "", events: ["order.*"], active: true };
    expect(await createEndpoint(t.db, admin, { ...input, url: "ftp://erp.example.com/" }, NOW)).toMatchObject({
      ok: false,
      fieldErrors: { url: "webhooks.errors.url_scheme" },
    });
    expect(await createEndpoint(t.db, admin, { ...input, url: `${base}/x` }, NOW, false)).toMatchObject({
      ok: false,
      fieldErrors: { url: "webhooks.errors.url_internal" },
    });
    expect(
      await createEndpoint(t.db, admin, { ...input, url: "https://erp.example.com/", events: [] }, NOW),
    ).toMatchObject({
      ok: false,
      fieldErrors: { events: "webhooks.errors.eventsRequired" },
    });
    const regional = { ...admin, grant: { permissions: admin.grant.permissions, regionIds: [customer.regionId] } };
    await expect(createEndpoint(t.db, regional, { ...input, url: "https://erp.example.com/" }, NOW)).rejects.toThrow(
      PermissionDeniedError,
    );

    // Allowed when saved (WEBHOOK_ALLOW_PRIVATE), refused when sent by a stricter process: logged, not sent.
    const ep = await endpoint("/internal", ["order.completed"]);
    await t.db.transaction().execute(async (trx) => {
      await emitEvent(
        trx,
        { type: "order.completed", aggregateType: "order", aggregateId: "DH-I", payload: {} },
        later(),
      );
    });
    await pump(later(), { ...quick, allowInternal: false });
    expect(at("/internal")).toEqual([]);
    const [attempt] = (await listDeliveries(t.db, admin, ep.id, { limit: 1 })).items[0]!.log;
    expect(attempt).toMatchObject({ statusCode: null, error: "address refused (internal)" });
  });

  it("deletes an endpoint with its deliveries and attempts", async () => {
    const ep = await endpoint("/deleted", ["order.completed"]);
    await t.db.transaction().execute(async (trx) => {
      await emitEvent(
        trx,
        { type: "order.completed", aggregateType: "order", aggregateId: "DH-D", payload: {} },
        later(),
      );
    });
    await pump(later());
    expect(at("/deleted")).toHaveLength(1);
    expect(await deleteEndpoint(t.db, admin, ep.id, NOW)).toEqual({ ok: true });
    expect(await getEndpoint(t.db, admin, ep.id)).toBeNull();
    expect(await t.db.selectFrom("webhook_deliveries").select("id").where("endpoint_id", "=", ep.id).execute()).toEqual(
      [],
    );
  });
});
