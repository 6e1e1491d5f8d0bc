import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES, PERMISSION_AREAS } from "../../app/domain/permissions";
import { migrateToLatest, pendingMigrations } from "../../db/migrate";
import { makeCustomer, makeStaff, NOW } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

describe(`schema (${testDbKind()})`, () => {
  it("is current after migrating, and migrating again changes nothing", async () => {
    expect(await pendingMigrations(t.db)).toEqual([]);
    const again = await migrateToLatest(t.db);
    expect(again.results).toEqual([]);
  });

  it("holds the 27 permissions of the domain catalogue, by area", async () => {
    const rows = await t.db.selectFrom("permissions").select(["key", "area"]).orderBy("position").execute();
    const expected = Object.entries(PERMISSION_AREAS).flatMap(([area, keys]) => keys.map((key) => ({ key, area })));
    expect(rows).toEqual(expected);
  });

  it("holds the six built-in roles with their default permissions", async () => {
    const rows = await t.db
      .selectFrom("roles as r")
      .innerJoin("role_permissions as rp", "rp.role_id", "r.id")
      .select(["r.key", "rp.permission_key"])
      .where("r.builtin", "=", 1)
      .execute();
    const byRole: Record<string, string[]> = {};
    for (const r of rows) byRole[r.key!] = [...(byRole[r.key!] ?? []), r.permission_key];
    const expected = Object.fromEntries(
      Object.entries(BUILTIN_ROLES).map(([key, role]) => [key, [...role.permissions].sort()]),
    );
    expect(Object.fromEntries(Object.entries(byRole).map(([k, v]) => [k, v.sort()]))).toEqual(expected);
  });

  it("gives each customer exactly one ordering account, enforced by the database", async () => {
    const customer = await makeCustomer(t.db);
    const staff = await makeStaff(t.db);
    const region = await t.db.selectFrom("regions").select("id").executeTakeFirstOrThrow();
    const base = {
      name: "x",
      region_id: region.id,
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    };
    // A second customer on the same ordering account.
    await expect(
      t.db
        .insertInto("customers")
        .values({ ...base, code: "DUP1", account_id: customer.accountId })
        .execute(),
    ).rejects.toThrow();
    // A customer on a staff account.
    await expect(
      t.db
        .insertInto("customers")
        .values({ ...base, code: "DUP2", account_id: staff.id })
        .execute(),
    ).rejects.toThrow();
    // A customer with no account.
    await expect(
      t.db
        .insertInto("customers")
        .values({ ...base, code: "DUP3", account_id: null as unknown as number })
        .execute(),
    ).rejects.toThrow();
  });

  it("keeps usernames unique across staff and customers", async () => {
    await makeStaff(t.db, { username: "same-name" });
    await expect(makeCustomer(t.db, { username: "same-name" })).rejects.toThrow();
    await expect(makeStaff(t.db, { username: "SAME-NAME" })).rejects.toThrow();
  });

  it("refuses to change or delete audit rows", async () => {
    const row = await t.db.selectFrom("audit_log").select("id").executeTakeFirstOrThrow();
    await expect(
      t.db.updateTable("audit_log").set({ action: "tampered" }).where("id", "=", row.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom("audit_log").where("id", "=", row.id).execute()).rejects.toThrow(/append-only/);
  });

  it("refuses negative queue counts", async () => {
    const region = await t.db.selectFrom("regions").select("id").executeTakeFirstOrThrow();
    await expect(
      t.db
        .insertInto("queue_counters")
        .values({ pipeline: "orders", status: "pending_order_review", region_id: region.id, count: -1 })
        .execute(),
    ).rejects.toThrow();
  });

  it.runIf(testDbKind() === "sqlite")(
    "runs SQLite with WAL, synchronous=FULL, foreign keys and a busy timeout",
    async () => {
      const read = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(t.db)).rows[0] as object)[0];
      expect(await read("journal_mode")).toBe("wal");
      expect(await read("synchronous")).toBe(2);
      expect(await read("foreign_keys")).toBe(1);
      expect(Number(await read("busy_timeout"))).toBeGreaterThanOrEqual(5000);
    },
  );
});
