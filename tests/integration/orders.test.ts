import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCart, setCartQuantity } from "../../app/services/cart.server";
import { priceSkusForCustomer } from "../../app/services/catalog.server";
import { performOrderAction } from "../../app/services/order-pipeline.server";
import { type ActorWithKind, getOrder, listCustomerOrders, submitOrder } from "../../app/services/orders.server";
import { updateSettings } from "../../app/services/settings.server";
import { makeCustomer, makeLevel, makeOrderableSku, makeRegion, NOW, TEST_ACTOR } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let regionId: number;
let a: Awaited<ReturnType<typeof makeCustomer>>;
let b: Awaited<ReturnType<typeof makeCustomer>>;
const actorA = (): ActorWithKind => ({ accountId: a.accountId, name: a.username, kind: "customer" });

beforeAll(async () => {
  t = await createTestDatabase();
  regionId = (await makeRegion(t.db)).id;
  a = await makeCustomer(t.db, { regionId });
  b = await makeCustomer(t.db, { regionId });
});
afterAll(() => t.destroy());

describe(`order submission (${testDbKind()})`, () => {
  it("places an order at the customer's own price, with a DH number, timeline, count and audit row", async () => {
    const level = await makeLevel(t.db, 9000);
    await t.db.updateTable("customers").set({ level_id: level.id }).where("id", "=", a.id).execute();
    const sku = await makeOrderableSku(t.db, { basePrice: 1999 });
    const result = await submitOrder(
      t.db,
      actorA(),
      { customerId: a.id, idempotencyKey: "k-price", lines: [{ skuCode: sku.code, quantity: 3 }] },
      NOW,
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.order.number).toMatch(/^DH20261127-\d{4}$/);
    const order = await getOrder(t.db, result.order.number, { customerId: a.id });
    // 1999 × 90 % = 1799.1 → 1799 fen, rounded half up.
    expect(order?.lines).toEqual([
      expect.objectContaining({ skuCode: sku.code, quantity: 3, unitPrice: 1799, amount: 5397 }),
    ]);
    expect(order?.totals).toEqual({ goods: 5397, freight: 0, discount: 0, payable: 5397 });
    expect(order?.status).toBe("pending_order_review");
    expect(order?.timeline).toEqual([
      expect.objectContaining({ action: "submit", toStatus: "pending_order_review", actorName: a.username }),
    ]);
    const counter = await t.db
      .selectFrom("queue_counters")
      .select("count")
      .where("status", "=", "pending_order_review")
      .where("region_id", "=", regionId)
      .executeTakeFirst();
    expect(counter?.count).toBeGreaterThanOrEqual(1);
    const audit = await t.db
      .selectFrom("audit_log")
      .select("action")
      .where("object_id", "=", result.order.number)
      .execute();
    expect(audit.map((r) => r.action)).toEqual(["order.submit"]);
    await t.db.updateTable("customers").set({ level_id: null }).where("id", "=", a.id).execute();
  });

  it("makes one line of two lines of the same SKU, with the summed quantity", async () => {
    const sku = await makeOrderableSku(t.db, { basePrice: 1000 });
    const result = await submitOrder(
      t.db,
      actorA(),
      {
        customerId: a.id,
        idempotencyKey: "k-same-sku",
        lines: [
          { skuCode: sku.code, quantity: 2 },
          { skuCode: ` ${sku.code} `, quantity: 3 },
        ],
      },
      NOW,
    );
    if (!result.ok) throw new Error(result.error);
    const order = await getOrder(t.db, result.order.number, { customerId: a.id });
    expect(order?.lines).toEqual([expect.objectContaining({ skuCode: sku.code, quantity: 5, amount: 5000 })]);
  });

  it("turns 20 concurrent replays of one submission into one order", async () => {
    const sku = await makeOrderableSku(t.db);
    const input = { customerId: a.id, idempotencyKey: "k-race", lines: [{ skuCode: sku.code, quantity: 2 }] };
    const results = await Promise.all(Array.from({ length: 20 }, () => submitOrder(t.db, actorA(), input, NOW)));
    const numbers = new Set(results.map((r) => (r.ok ? r.order.number : r.error)));
    expect(numbers.size).toBe(1);
    expect(results.filter((r) => r.ok && !r.replayed)).toHaveLength(1);
    const rows = await t.db.selectFrom("orders").select("id").where("idempotency_key", "=", "k-race").execute();
    expect(rows).toHaveLength(1);
    // And sequentially afterwards, the same answer again.
    const again = await submitOrder(t.db, actorA(), input, NOW);
    expect(again.ok && again.order.number).toBe([...numbers][0]);
  });

  it("refuses the same key with another body", async () => {
    const sku = await makeOrderableSku(t.db);
    const first = await submitOrder(
      t.db,
      actorA(),
      { customerId: a.id, idempotencyKey: "k-reuse", lines: [{ skuCode: sku.code, quantity: 1 }] },
      NOW,
    );
    expect(first.ok).toBe(true);
    const second = await submitOrder(
      t.db,
      actorA(),
      { customerId: a.id, idempotencyKey: "k-reuse", lines: [{ skuCode: sku.code, quantity: 2 }] },
      NOW,
    );
    expect(second).toEqual({ ok: false, error: "idempotency_key_reused" });
  });

  it("answers a retry with its order even when the same request would now be refused", async () => {
    const sku = await makeOrderableSku(t.db);
    const input = { customerId: a.id, idempotencyKey: "k-later", lines: [{ skuCode: sku.code, quantity: 1 }] };
    const first = await submitOrder(t.db, actorA(), input, NOW);
    if (!first.ok) throw new Error("not placed");
    // The SKU is taken off sale after the order: a retry of it is still that order, not an error.
    await t.db.updateTable("skus").set({ listed: 0 }).where("id", "=", sku.skuId).execute();
    const retry = await submitOrder(t.db, actorA(), input, NOW);
    expect(retry).toMatchObject({ ok: true, replayed: true, order: { number: first.order.number } });
    // Another body under the key is refused as reused, not as the lines' problem.
    const other = await submitOrder(t.db, actorA(), { ...input, lines: [{ skuCode: sku.code, quantity: 2 }] }, NOW);
    expect(other).toEqual({ ok: false, error: "idempotency_key_reused" });
    // A new key with the unlisted SKU is refused for the line.
    const fresh = await submitOrder(t.db, actorA(), { ...input, idempotencyKey: "k-later-2" }, NOW);
    expect(fresh).toMatchObject({ ok: false, error: "invalid_lines" });
  });

  it("gives concurrent orders distinct numbers", async () => {
    const sku = await makeOrderableSku(t.db);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        submitOrder(
          t.db,
          actorA(),
          { customerId: a.id, idempotencyKey: `k-num-${i}`, lines: [{ skuCode: sku.code, quantity: 1 }] },
          NOW,
        ),
      ),
    );
    const numbers = results.map((r) => (r.ok ? r.order.number : r.error));
    expect(new Set(numbers).size).toBe(10);
  });

  it("names every bad line and places nothing", async () => {
    const short = await makeOrderableSku(t.db, { stock: 3 });
    const unlisted = await makeOrderableSku(t.db, { listed: false });
    const boxed = await makeOrderableSku(t.db, { minQty: 6, multiple: 6 });
    const before = await t.db
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const result = await submitOrder(
      t.db,
      actorA(),
      {
        customerId: a.id,
        idempotencyKey: "k-bad",
        lines: [
          { skuCode: short.code, quantity: 4 },
          { skuCode: unlisted.code, quantity: 1 },
          { skuCode: boxed.code, quantity: 8 },
          { skuCode: "NO-SUCH-CODE", quantity: 1 },
        ],
      },
      NOW,
    );
    expect(result.ok).toBe(false);
    if (result.ok || result.error !== "invalid_lines") throw new Error("expected invalid_lines");
    expect(result.lines.map((l) => l.problem)).toEqual([
      { code: "short_stock", available: 3 },
      { code: "unlisted" },
      { code: "not_multiple", multiple: 6 },
      { code: "unknown_sku" },
    ]);
    const after = await t.db
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("accepts orders beyond stock when overselling is allowed", async () => {
    const short = await makeOrderableSku(t.db, { stock: 1 });
    await updateSettings(t.db, TEST_ACTOR, { allowOverselling: true }, NOW);
    const result = await submitOrder(
      t.db,
      actorA(),
      { customerId: a.id, idempotencyKey: "k-oversell", lines: [{ skuCode: short.code, quantity: 5 }] },
      NOW,
    );
    await updateSettings(t.db, TEST_ACTOR, { allowOverselling: false }, NOW);
    expect(result.ok).toBe(true);
  });

  it("lets the customer cancel once, and tells a stale tab so", async () => {
    const sku = await makeOrderableSku(t.db);
    const placed = await submitOrder(
      t.db,
      actorA(),
      { customerId: a.id, idempotencyKey: "k-cancel", lines: [{ skuCode: sku.code, quantity: 1 }] },
      NOW,
    );
    if (!placed.ok) throw new Error("not placed");
    const order = await getOrder(t.db, placed.order.number, { customerId: a.id });
    const cancel = () =>
      performOrderAction(
        t.db,
        { ...actorA(), kind: "customer", customerId: a.id },
        placed.order.number,
        { type: "cancel", version: order!.version },
        NOW,
      );
    const [first, second] = await Promise.all([cancel(), cancel()]);
    expect([first.ok, second.ok].sort()).toEqual([false, true]);
    const after = await getOrder(t.db, placed.order.number, { customerId: a.id });
    expect(after?.status).toBe("cancelled");
    expect(after?.timeline.map((e) => e.action)).toEqual(["submit", "cancel"]);
    expect([first, second].find((r) => !r.ok)).toMatchObject({ code: "already_handled", by: a.username });
  });
});

describe(`customer isolation (${testDbKind()})`, () => {
  it("gives customer B nothing of A's orders", async () => {
    const sku = await makeOrderableSku(t.db);
    const placed = await submitOrder(
      t.db,
      actorA(),
      { customerId: a.id, idempotencyKey: "k-iso", lines: [{ skuCode: sku.code, quantity: 1 }] },
      NOW,
    );
    if (!placed.ok) throw new Error("not placed");
    expect(await getOrder(t.db, placed.order.number, { customerId: b.id })).toBeNull();
    const actorB: ActorWithKind = { accountId: b.accountId, name: b.username, kind: "customer" };
    expect(
      await performOrderAction(
        t.db,
        { ...actorB, kind: "customer", customerId: b.id },
        placed.order.number,
        { type: "cancel", version: 1 },
        NOW,
      ),
    ).toEqual({ ok: false, code: "not_found" });
    const bOrders = await listCustomerOrders(t.db, b.id, { limit: 100 });
    expect(bOrders.items.map((o) => o.number)).not.toContain(placed.order.number);
    // A's order is still untouched.
    expect((await getOrder(t.db, placed.order.number, { customerId: a.id }))?.status).toBe("pending_order_review");
  });

  it("never delivers to another customer's address", async () => {
    const sku = await makeOrderableSku(t.db);
    const address = await t.db
      .insertInto("customer_addresses")
      .values({
        customer_id: b.id,
        contact_name: "乙方",
        phone: "13900000000",
        address: "乙方仓库",
        is_default: 1,
        created_at: NOW.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const result = await submitOrder(
      t.db,
      actorA(),
      {
        customerId: a.id,
        idempotencyKey: "k-address",
        lines: [{ skuCode: sku.code, quantity: 1 }],
        addressId: address.id,
      },
      NOW,
    );
    expect(result).toEqual({ ok: false, error: "address_not_found" });
  });

  it("keeps carts apart", async () => {
    const sku = await makeOrderableSku(t.db);
    await setCartQuantity(t.db, a.id, sku.skuId, 4, NOW);
    await setCartQuantity(t.db, b.id, sku.skuId, 0, NOW);
    const cartA = await getCart(t.db, a.id, { allowOverselling: false });
    const cartB = await getCart(t.db, b.id, { allowOverselling: false });
    expect(cartA.lines.find((l) => l.skuId === sku.skuId)?.input.quantity).toBe(4);
    expect(cartB.lines.find((l) => l.skuId === sku.skuId)).toBeUndefined();
  });

  it("never shows B the price agreed with A", async () => {
    const sku = await makeOrderableSku(t.db, { basePrice: 5000 });
    await t.db.insertInto("customer_prices").values({ customer_id: a.id, sku_id: sku.skuId, price: 3333 }).execute();
    expect((await priceSkusForCustomer(t.db, a.id, [sku.skuId])).get(sku.skuId)).toEqual({
      skuId: sku.skuId,
      price: 3333,
      source: "customer",
    });
    expect((await priceSkusForCustomer(t.db, b.id, [sku.skuId])).get(sku.skuId)).toEqual({
      skuId: sku.skuId,
      price: 5000,
      source: "base",
    });
  });
});
