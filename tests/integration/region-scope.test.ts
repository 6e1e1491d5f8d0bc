import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffGrant } from "../../app/domain/permissions";
import { BUILTIN_ROLES, type Permission } from "../../app/domain/permissions";
import { listCustomers } from "../../app/services/customers.server";
import { queueCountsFor } from "../../app/services/queues.server";
import { makeCustomer, makeRegion } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let east: { id: number };
let south: { id: number };
beforeAll(async () => {
  t = await createTestDatabase();
  east = await makeRegion(t.db, "华东");
  south = await makeRegion(t.db, "华南");
  for (let i = 0; i < 7; i++) await makeCustomer(t.db, { regionId: east.id, code: `E${i}` });
  for (let i = 0; i < 5; i++) await makeCustomer(t.db, { regionId: south.id, code: `S${i}` });
});
afterAll(() => t.destroy());

const grant = (
  regionIds: number[] | null,
  permissions: readonly Permission[] = BUILTIN_ROLES.admin.permissions,
): StaffGrant => ({
  permissions: new Set(permissions),
  regionIds,
});

describe(`region scope (${testDbKind()})`, () => {
  it("shows all customers to an unlimited account and only its regions' to a limited one", async () => {
    const all = await listCustomers(t.db, grant(null), { limit: 100 });
    expect(all.items).toHaveLength(12);
    const eastOnly = await listCustomers(t.db, grant([east.id]), { limit: 100 });
    expect(eastOnly.items.map((c) => c.code)).toEqual(["E0", "E1", "E2", "E3", "E4", "E5", "E6"]);
    expect(eastOnly.items.every((c) => c.regionName === "华东")).toBe(true);
    const none = await listCustomers(t.db, grant([]), { limit: 100 });
    expect(none.items).toHaveLength(0);
  });

  it("applies the scope to search too", async () => {
    const found = await listCustomers(t.db, grant([east.id]), { q: "s", limit: 100 });
    expect(found.items.filter((c) => c.code.startsWith("S"))).toHaveLength(0);
    // A typed % or _ is text, not a wildcard, on both engines.
    await t.db.updateTable("customers").set({ name: "百分百_100%商行" }).where("code", "=", "S4").execute();
    expect((await listCustomers(t.db, grant(null), { q: "100%", limit: 100 })).items.map((c) => c.code)).toEqual([
      "S4",
    ]);
    expect((await listCustomers(t.db, grant(null), { q: "百_1", limit: 100 })).items.map((c) => c.code)).toEqual([
      "S4",
    ]);
    expect((await listCustomers(t.db, grant(null), { q: "%", limit: 100 })).items.map((c) => c.code)).toEqual(["S4"]);
    const southSearch = await listCustomers(t.db, grant(null), { q: "S1", limit: 100 });
    expect(southSearch.items.map((c) => c.code)).toEqual(["S1"]);
  });

  it("pages by keyset without gaps or repeats", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listCustomers(t.db, grant(null), { limit: 5, after });
      seen.push(...page.items.map((c) => c.code));
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect([...seen].sort()).toEqual(seen);
  });

  it("counts queues only inside the account's regions, and only the steps it works", async () => {
    const zero = await queueCountsFor(t.db, grant(null));
    expect(zero).toHaveLength(9);
    expect(zero.every((q) => q.count === 0)).toBe(true);

    await t.db
      .insertInto("queue_counters")
      .values([
        { pipeline: "orders", status: "pending_order_review", region_id: east.id, count: 3 },
        { pipeline: "orders", status: "pending_order_review", region_id: south.id, count: 4 },
        { pipeline: "returns", status: "pending_refund_review", region_id: south.id, count: 2 },
      ])
      .execute();
    const count = (qs: Awaited<ReturnType<typeof queueCountsFor>>, status: string) =>
      qs.find((q) => q.step.status === status)?.count;

    const all = await queueCountsFor(t.db, grant(null));
    expect(count(all, "pending_order_review")).toBe(7);
    expect(count(all, "pending_refund_review")).toBe(2);
    const eastOnly = await queueCountsFor(t.db, grant([east.id]));
    expect(count(eastOnly, "pending_order_review")).toBe(3);
    expect(count(eastOnly, "pending_refund_review")).toBe(0);

    const reviewer = await queueCountsFor(t.db, grant(null, BUILTIN_ROLES.order_reviewer.permissions));
    expect(reviewer.map((q) => q.step.key)).toEqual(["order_review", "return_review"]);
  });
});
