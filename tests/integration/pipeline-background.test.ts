import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES } from "../../app/domain/permissions";
import { recordPayment } from "../../app/services/funds.server";
import { sweepAutoReceipt } from "../../app/services/order-admin.server";
import { type OrderActor, performOrderAction } from "../../app/services/order-pipeline.server";
import { submitOrder } from "../../app/services/orders.server";
import { drainOutbox, type OutboxEvent, sendOutbox } from "../../app/services/outbox-sender.server";
import { makeCustomer, makeOrderableSku, makeRegion, NOW } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let customer: Awaited<ReturnType<typeof makeCustomer>>;
const admin: OrderActor = {
  accountId: null,
  name: "admin",
  kind: "staff",
  grant: { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null },
};
const DAY = 24 * 3600_000;

async function shippedOrder(key: string, shippedAt: Date): Promise<string> {
  const sku = await makeOrderableSku(t.db, { stock: 10 });
  const placed = await submitOrder(
    t.db,
    { accountId: customer.accountId, name: customer.username, kind: "customer" },
    { customerId: customer.id, idempotencyKey: key, lines: [{ skuCode: sku.code, quantity: 1 }] },
    shippedAt,
  );
  if (!placed.ok) throw new Error("not placed");
  for (let step = 0; step < 4; step++) {
    const { version } = await t.db
      .selectFrom("orders")
      .select("version")
      .where("number", "=", placed.order.number)
      .executeTakeFirstOrThrow();
    const result = await performOrderAction(
      t.db,
      admin,
      placed.order.number,
      { type: "approve", version, shipment: step === 3 ? { carrier: "顺丰速运", trackingNo: `SF${key}` } : undefined },
      shippedAt,
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
  }
  return placed.order.number;
}

beforeAll(async () => {
  t = await createTestDatabase();
  customer = await makeCustomer(t.db, { regionId: (await makeRegion(t.db)).id });
  await recordPayment(
    t.db,
    { accountId: null, name: "finance", grant: { permissions: new Set(["funds.manage"]), regionIds: null } },
    {
      customerId: customer.id,
      account: "prepaid",
      amount: 10_000_000,
      method: "bank",
      reference: "T",
      businessDate: "2026-11-27",
    },
    NOW,
  );
});
afterAll(() => t.destroy());

describe(`background work (${testDbKind()})`, () => {
  it("confirms receipt N days after shipment, each order once even with two sweepers at once", async () => {
    const old1 = await shippedOrder("old-1", new Date(NOW.getTime() - 8 * DAY));
    const old2 = await shippedOrder("old-2", new Date(NOW.getTime() - 9 * DAY));
    const fresh = await shippedOrder("fresh", new Date(NOW.getTime() - 2 * DAY));
    const [a, b] = await Promise.all([sweepAutoReceipt(t.db, 7, NOW), sweepAutoReceipt(t.db, 7, NOW)]);
    expect(a + b).toBe(2);
    const statuses = await t.db
      .selectFrom("orders")
      .select(["number", "status"])
      .where("number", "in", [old1, old2, fresh])
      .execute();
    expect(Object.fromEntries(statuses.map((s) => [s.number, s.status]))).toEqual({
      [old1]: "completed",
      [old2]: "completed",
      [fresh]: "pending_receipt",
    });
    const events = await t.db
      .selectFrom("order_events")
      .select("actor_kind")
      .where("action", "=", "approve_receipt")
      .execute();
    expect(events).toEqual([{ actor_kind: "system" }, { actor_kind: "system" }]);
    expect(await sweepAutoReceipt(t.db, 0, NOW)).toBe(0);
  });

  it("delivers every committed event once, even with two senders running at once", async () => {
    const seen: OutboxEvent[] = [];
    const handler = async (event: OutboxEvent) => {
      seen.push(event);
    };
    const pending = await t.db.selectFrom("outbox").select("id").where("delivered_at", "is", null).execute();
    expect(pending.length).toBeGreaterThan(5);
    const later = new Date(NOW.getTime() + 60_000);
    await Promise.all([sendOutbox(t.db, [handler], later, 500), sendOutbox(t.db, [handler], later, 500)]);
    expect(seen.map((e) => e.id).sort((x, y) => x - y)).toEqual(pending.map((p) => p.id).sort((x, y) => x - y));
    const left = await t.db.selectFrom("outbox").select("id").where("delivered_at", "is", null).execute();
    expect(left).toEqual([]);
  });

  it("retries a failed delivery later instead of losing it", async () => {
    await shippedOrder("retry", NOW);
    const later = new Date(NOW.getTime() + 60_000);
    const failing = async () => {
      throw new Error("receiver down");
    };
    expect(await sendOutbox(t.db, [failing], later)).toBe(0);
    const failed = await t.db
      .selectFrom("outbox")
      .select(["attempts", "last_error", "available_at"])
      .where("delivered_at", "is", null)
      .execute();
    expect(failed.length).toBeGreaterThan(0);
    for (const row of failed) {
      expect(row.attempts).toBe(1);
      expect(row.last_error).toBe("receiver down");
      expect(row.available_at > later.toISOString()).toBe(true);
    }
    // Nothing is due before the backoff ends; afterwards it goes through.
    expect(await sendOutbox(t.db, [async () => {}], later)).toBe(0);
    expect(await sendOutbox(t.db, [async () => {}], new Date(later.getTime() + 3600_000))).toBe(failed.length);
  });

  it("drains the outbox batch after batch in one pass, and stops at its time budget", async () => {
    for (let i = 0; i < 6; i++) await shippedOrder(`drain-${i}`, NOW);
    const later = new Date(NOW.getTime() + 2 * 3600_000);
    const due = await t.db.selectFrom("outbox").select("id").where("delivered_at", "is", null).execute();
    expect(due.length).toBeGreaterThan(20);
    const seen: number[] = [];
    const handler = async (event: OutboxEvent) => {
      seen.push(event.id);
    };
    // No time at all: one batch only.
    expect(await drainOutbox(t.db, [handler], later, { batch: 4, budgetMs: 0 })).toBe(4);
    // Time enough: the rest, in batches of 4, oldest first.
    expect(await drainOutbox(t.db, [handler], later, { batch: 4 })).toBe(due.length - 4);
    expect(seen).toEqual(due.map((d) => d.id).sort((x, y) => x - y));
    expect(await t.db.selectFrom("outbox").select("id").where("delivered_at", "is", null).execute()).toEqual([]);
    expect(await drainOutbox(t.db, [handler], later, { batch: 4 })).toBe(0);
  });
});
