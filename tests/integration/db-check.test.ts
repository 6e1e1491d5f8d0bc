// `npm run db:check` (RELIABILITY C6): a clean demo database passes; each kind of damage is
// named. Each corruption runs in a transaction that is rolled back, so one seed serves all.
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDatabase, type DbViolation } from "../../app/services/db-check.server";
import { seedDemo } from "../../app/services/demo-seed.server";
import type { DB } from "../../db/schema";
import { NOW } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db, NOW);
});
afterAll(() => t.destroy());

class Rollback extends Error {}

/** Applies the damage, runs the checks inside the same transaction, then undoes it. */
async function checkAfter(damage: (trx: Kysely<DB>) => Promise<unknown>): Promise<DbViolation[]> {
  let found: DbViolation[] = [];
  await t.db
    .transaction()
    .execute(async (trx) => {
      await damage(trx);
      found = await checkDatabase(trx, t.dialect);
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return found;
}

const checks = (vs: DbViolation[]) => [...new Set(vs.map((v) => v.check))].sort();

async function anOrder(db: Kysely<DB>, status: string) {
  return db.selectFrom("orders").selectAll().where("status", "=", status).orderBy("id").executeTakeFirstOrThrow();
}

describe(`db:check (${testDbKind()})`, () => {
  it("accepts the freshly seeded demo database", async () => {
    expect(await checkDatabase(t.db, t.dialect)).toEqual([]);
  });

  it("reports a fund balance that differs from its ledger", async () => {
    const found = await checkAfter((trx) =>
      trx
        .updateTable("fund_balances")
        .set({ prepaid: sql`prepaid + 1` })
        .where("customer_id", "=", trx.selectFrom("fund_ledger").select("customer_id").limit(1))
        .execute(),
    );
    expect(checks(found)).toEqual(["funds"]);
    expect(found[0]!.problem).toMatch(/prepaid .* ≠ Σ ledger/);
  });

  it("reports a deleted stock movement (on-hand ≠ Σ movements, a shipped order missing its outbound)", async () => {
    const shipped = await anOrder(t.db, "completed");
    const found = await checkAfter((trx) =>
      trx
        .deleteFrom("stock_movements")
        .where("ref_type", "=", "order")
        .where("ref_id", "=", shipped.number)
        .where("kind", "=", "outbound")
        .execute(),
    );
    expect(checks(found)).toEqual(["shipments", "stock"]);
    expect(found.map((v) => v.problem).join("\n")).toContain(`order ${shipped.number} (completed)`);
  });

  it("reports a reservation that no open order holds", async () => {
    const found = await checkAfter((trx) =>
      trx
        .updateTable("stock")
        .set({ reserved: sql`reserved + 1` })
        .where("sku_id", "=", trx.selectFrom("stock").select("sku_id").limit(1))
        .execute(),
    );
    expect(checks(found)).toContain("reservations");
  });

  it("reports an order whose reservation was dropped", async () => {
    const reserved = await t.db
      .selectFrom("orders")
      .selectAll()
      .where("reserved", "=", 1)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const found = await checkAfter((trx) =>
      trx.deleteFrom("order_reservations").where("order_id", "=", reserved.id).execute(),
    );
    expect(checks(found)).toEqual(["reservations"]);
    expect(found.map((v) => v.problem).join("\n")).toContain(`order ${reserved.number}: sku`);
  });

  it.skipIf(testDbKind() !== "sqlite")(
    "reports a product search index that no longer matches the products",
    async () => {
      const found = await checkAfter(async (trx) => {
        // Text changed behind the index's back: its triggers are dropped for the damage.
        await sql`drop trigger products_fts_update`.execute(trx);
        await trx
          .updateTable("products")
          .set({ search_text: "全新的文字" })
          .where("id", "=", trx.selectFrom("products").select("id").limit(1))
          .execute();
      });
      expect(checks(found)).toEqual(["search_index"]);
    },
  );

  it("reports a bumped queue counter", async () => {
    const found = await checkAfter((trx) =>
      trx
        .updateTable("queue_counters")
        .set({ count: sql`count + 1` })
        .where("pipeline", "=", "orders")
        .where("status", "=", "pending_order_review")
        .execute(),
    );
    expect(checks(found)).toEqual(["queue_counters"]);
  });

  it("reports a status change without its timeline event and audit row", async () => {
    const order = await anOrder(t.db, "pending_order_review");
    const found = await checkAfter(async (trx) => {
      await trx.updateTable("orders").set({ status: "cancelled" }).where("id", "=", order.id).execute();
      await moveCounter(trx, order.region_id);
    });
    expect(checks(found)).toEqual(["events"]);
    expect(found[0]!.problem).toContain(`order ${order.number} is cancelled but its last event ends at`);

    const withEvent = await checkAfter(async (trx) => {
      await trx.updateTable("orders").set({ status: "cancelled" }).where("id", "=", order.id).execute();
      await moveCounter(trx, order.region_id);
      await trx
        .insertInto("order_events")
        .values({
          order_id: order.id,
          at: NOW.toISOString(),
          actor_account_id: null,
          actor_name: "someone",
          actor_kind: "staff",
          action: "void",
          from_status: "pending_order_review",
          to_status: "cancelled",
        })
        .execute();
    });
    expect(checks(withEvent)).toEqual(["audit"]);
  });

  it("reports a return whose timeline was cut", async () => {
    const ret = await t.db.selectFrom("returns").select(["id", "number"]).orderBy("id").executeTakeFirstOrThrow();
    const found = await checkAfter((trx) => trx.deleteFrom("return_events").where("return_id", "=", ret.id).execute());
    expect(found).toContainEqual({ check: "events", problem: expect.stringContaining(`return ${ret.number}`) });
  });

  it.runIf(testDbKind() === "sqlite")("reports SQLite foreign key breaks", async () => {
    await sql`pragma foreign_keys = off`.execute(t.db);
    try {
      await t.db
        .insertInto("cart_items")
        .values({ customer_id: 999_999, sku_id: 999_999, quantity: 1, added_at: NOW.toISOString() })
        .execute();
      const found = await checkDatabase(t.db, t.dialect);
      expect(checks(found)).toEqual(["foreign_keys"]);
      await t.db.deleteFrom("cart_items").where("customer_id", "=", 999_999).execute();
    } finally {
      await sql`pragma foreign_keys = on`.execute(t.db);
    }
    expect(await checkDatabase(t.db, t.dialect)).toEqual([]);
  });
});

async function moveCounter(trx: Kysely<DB>, regionId: number) {
  await trx
    .updateTable("queue_counters")
    .set({ count: sql`count - 1` })
    .where("pipeline", "=", "orders")
    .where("status", "=", "pending_order_review")
    .where("region_id", "=", regionId)
    .execute();
  await trx
    .insertInto("queue_counters")
    .values({ pipeline: "orders", status: "cancelled", region_id: regionId, count: 1 })
    .onConflict((oc) =>
      oc.columns(["pipeline", "status", "region_id"]).doUpdateSet({ count: sql`queue_counters.count + 1` }),
    )
    .execute();
}
