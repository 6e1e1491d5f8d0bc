import SQLite from "better-sqlite3";
import { Kysely, NoResultError, SqliteDialect, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepared, preparedShapes } from "../../db/prepared";

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

  it("takes lists: built once per length, each call's values in their places, empty refused", async () => {
    let builds = 0;
    const setQtys = prepared((k: Kysely<T>, p: { ids: number[]; qtys: number[]; kind: string }) => {
      builds++;
      return k
        .updateTable("items")
        .set({
          qty: sql<number>`case ${sql.ref("id")} ${sql.join(
            p.ids.map((id, i) => sql`when ${id} then ${p.qtys[i]}`),
            sql` `,
          )} end`,
        })
        .where("id", "in", p.ids)
        .where("kind", "=", p.kind);
    });
    const byIds = prepared((k: Kysely<T>, p: { ids: number[] }) =>
      k.selectFrom("items").select(["id", "qty"]).where("id", "in", p.ids).orderBy("id"),
    );
    const insert = prepared((k: Kysely<T>, p: { ids: number[]; names: string[] }) =>
      k.insertInto("items").values(p.ids.map((id, i) => ({ id, name: p.names[i]!, qty: 0, kind: "z" }))),
    );
    expect(await setQtys.executeWrite(db, { ids: [1, 3], qtys: [50, 90], kind: "x" })).toEqual({ numAffectedRows: 2n });
    expect(await setQtys.executeWrite(db, { ids: [3, 1], qtys: [91, 51], kind: "x" })).toEqual({ numAffectedRows: 2n });
    expect(await setQtys.executeWrite(db, { ids: [2], qtys: [70], kind: "x" })).toEqual({ numAffectedRows: 0n });
    expect(await setQtys.executeWrite(db, { ids: [1, 2, 3], qtys: [1, 2, 3], kind: "y" })).toEqual({
      numAffectedRows: 1n,
    });
    expect(builds).toBe(3); // lengths 2, 1 and 3
    expect(await byIds.execute(db, { ids: [1, 2, 3] })).toEqual([
      { id: 1, qty: 51 },
      { id: 2, qty: 2 },
      { id: 3, qty: 91 },
    ]);
    expect(await byIds.execute(db, { ids: [3] })).toEqual([{ id: 3, qty: 91 }]);
    await insert.executeWrite(db, { ids: [8, 9], names: ["h", "i"] });
    expect(await db.selectFrom("items").selectAll().where("id", ">", 7).orderBy("id").execute()).toEqual([
      { id: 8, name: "h", qty: 0, kind: "z" },
      { id: 9, name: "i", qty: 0, kind: "z" },
    ]);
    await expect(byIds.execute(db, { ids: [] })).rejects.toThrow(/list parameter "ids" is empty/);
    // Past 32 lengths, each call builds its own statement and keeps none; the answers stay right.
    let countBuilds = 0;
    const count = prepared((k: Kysely<T>, p: { ids: number[] }) => {
      countBuilds++;
      return k
        .selectFrom("items")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("id", "in", p.ids);
    });
    for (let round = 0; round < 2; round++)
      for (let n = 1; n <= 40; n++) {
        const ids = Array.from({ length: n }, (_, i) => i + 1);
        expect(await count.executeTakeFirstOrThrow(db, { ids })).toEqual({
          n: Math.min(n, 3) + (n >= 8 ? 1 : 0) + (n >= 9 ? 1 : 0),
        });
      }
    expect(countBuilds).toBe(32 + 8 * 2);
    const reads = prepared((k: Kysely<T>, p: { ids: number[] }) =>
      k.selectFrom("items").select("id").where("name", "=", `${p.ids[0]}`),
    );
    await expect(reads.execute(db, { ids: [1] })).rejects.toThrow(/parameter "ids\[0\]" was read/);
  });

  it("keeps one statement per shape: filters chosen by the shape, values from each call", async () => {
    let builds = 0;
    const list = preparedShapes(
      (s: { kind: boolean; min: boolean; desc: boolean }) => `${s.kind}|${s.min}|${s.desc}`,
      (s) => (k: Kysely<T>, p: { kind?: string; min?: number }) => {
        builds++;
        let qb = k.selectFrom("items").select("id");
        if (s.kind) qb = qb.where("kind", "=", p.kind!);
        if (s.min) qb = qb.where("qty", ">=", p.min!);
        return qb.orderBy("id", s.desc ? "desc" : "asc");
      },
    );
    const ids = async (s: { kind: boolean; min: boolean; desc: boolean }, p: { kind?: string; min?: number }) =>
      (await list(s).execute(db, p)).map((r) => r.id);
    for (let round = 0; round < 2; round++) {
      expect(await ids({ kind: false, min: false, desc: false }, {})).toEqual([1, 2, 3]);
      expect(await ids({ kind: true, min: false, desc: false }, { kind: "x" })).toEqual([1, 3]);
      expect(await ids({ kind: true, min: false, desc: false }, { kind: "y" })).toEqual([2]);
      expect(await ids({ kind: true, min: true, desc: true }, { kind: "x", min: 6 })).toEqual([3]);
      expect(await ids({ kind: false, min: true, desc: true }, { min: 6 })).toEqual([3, 2]);
    }
    expect(builds).toBe(4); // four shapes, each built once over both rounds
  });

  it("past 256 shapes builds a shape for its call and keeps it not", async () => {
    let builds = 0;
    const byId = preparedShapes(
      (n: number) => String(n),
      (n) => (k: Kysely<T>, p: { id: number }) => {
        builds++;
        return k
          .selectFrom("items")
          .select((eb) => [eb.val(n).as("n"), "id"])
          .where("id", "=", p.id);
      },
    );
    for (let round = 0; round < 2; round++)
      for (let n = 0; n < 300; n++) expect(await byId(n).executeTakeFirst(db, { id: 2 })).toEqual({ n, id: 2 });
    expect(builds).toBe(256 + 44 * 2);
  });
});
