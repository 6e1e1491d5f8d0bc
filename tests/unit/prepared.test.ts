import SQLite from "better-sqlite3";
import { Kysely, NoResultError, SqliteDialect } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepared } from "../../db/prepared";

interface T {
  items: { id: number; name: string; qty: number; kind: string };
}

describe("prepared queries", () => {
  let db: Kysely<T>;
  beforeEach(async () => {
    db = new Kysely<T>({ dialect: new SqliteDialect({ database: new SQLite(":memory:") }) });
    await db.schema
      .createTable("items")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("name", "text")
      .addColumn("qty", "integer")
      .addColumn("kind", "text")
      .execute();
    await db
      .insertInto("items")
      .values([
        { id: 1, name: "a", qty: 5, kind: "x" },
        { id: 2, name: "b", qty: 7, kind: "y" },
        { id: 3, name: "c", qty: 9, kind: "x" },
      ])
      .execute();
  });
  afterEach(() => db.destroy());

  it("builds once and runs with each call's values, fixed values kept, a name used twice filled twice", async () => {
    let builds = 0;
    const byRange = prepared((k: Kysely<T>, p: { min: number; max: number }) => {
      builds++;
      return k
        .selectFrom("items")
        .select(["id", "name"])
        .where("kind", "=", "x") // fixed at build time
        .where("qty", ">=", p.min)
        .where((eb) => eb.or([eb("qty", "<=", p.max), eb("id", "=", p.max)]))
        .orderBy("id");
    });
    expect(await byRange.execute(db, { min: 1, max: 100 })).toEqual([
      { id: 1, name: "a" },
      { id: 3, name: "c" },
    ]);
    expect(await byRange.execute(db, { min: 6, max: 100 })).toEqual([{ id: 3, name: "c" }]);
    expect(await byRange.executeTakeFirst(db, { min: 1, max: 3 })).toEqual({ id: 3, name: "c" }); // id = 3
    expect(await byRange.executeTakeFirst(db, { min: 10, max: 100 })).toBeUndefined();
    await expect(byRange.executeTakeFirstOrThrow(db, { min: 10, max: 100 })).rejects.toThrow(NoResultError);
    expect(await byRange.executeTakeFirstOrThrow(db, { min: 9, max: 100 })).toEqual({ id: 3, name: "c" });
    expect(builds).toBe(1);
  });

  it("writes inside a transaction with the recipe its database made, and reports rows written", async () => {
    let builds = 0;
    const setQty = prepared((k: Kysely<T>, p: { id: number; qty: number }) => {
      builds++;
      return k.updateTable("items").set({ qty: p.qty }).where("id", "=", p.id);
    });
    expect(await setQty.executeWrite(db, { id: 1, qty: 50 })).toEqual({ numAffectedRows: 1n });
    await db.transaction().execute(async (trx) => {
      expect(await setQty.executeWrite(trx, { id: 2, qty: 70 })).toEqual({ numAffectedRows: 1n });
      expect(await setQty.executeWrite(trx, { id: 99, qty: 1 })).toEqual({ numAffectedRows: 0n });
    });
    expect(builds).toBe(1);
    expect(await db.selectFrom("items").select("qty").orderBy("id").execute()).toEqual([
      { qty: 50 },
      { qty: 70 },
      { qty: 9 },
    ]);
  });

  it("refuses a build that reads a parameter, a parameter that is not one, and a missing value", async () => {
    const reads = prepared((k: Kysely<T>, p: { name: string }) =>
      k.selectFrom("items").select("id").where("name", "=", `${p.name}%`),
    );
    await expect(reads.execute(db, { name: "a" })).rejects.toThrow(/parameter "name" was read/);
    const unused = prepared((k: Kysely<T>, p: { id: number }) =>
      k
        .selectFrom("items")
        .select("id")
        .where("id", "=", p.id ? 1 : 2),
    );
    await expect(unused.execute(db, { id: 1 })).rejects.toThrow(/"id" did not become a parameter/);
    const byName = prepared((k: Kysely<T>, p: { name: string }) =>
      k.selectFrom("items").select("id").where("name", "=", p.name),
    );
    await expect(byName.execute(db, {} as { name: string })).rejects.toThrow(/no value for parameter "name"/);
    // null is a value (SQL's `= null` matches nothing, as unprepared).
    expect(await byName.execute(db, { name: null as unknown as string })).toEqual([]);
  });
});
