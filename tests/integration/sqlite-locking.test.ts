import Database from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySqlitePragmas } from "../../db/client";
import { relaxedDurability } from "../../db/durability";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  if (testDbKind() === "sqlite") t = await createTestDatabase("sqlite");
});
afterAll(() => t?.destroy());

describe.runIf(testDbKind() === "sqlite")("SQLite write locking", () => {
  it("takes the write lock when a transaction begins, before its first write", async () => {
    // A second connection, as another process would have, that refuses to wait for locks.
    const other = new Database(t.name);
    other.pragma("busy_timeout = 0");
    let otherCouldWrite: boolean | undefined;
    await t.db.transaction().execute(async (trx) => {
      await trx.selectFrom("regions").select("id").execute(); // reads only, so far
      try {
        other.exec("begin immediate");
        other.exec("rollback");
        otherCouldWrite = true;
      } catch (error) {
        expect(String(error)).toMatch(/SQLITE_BUSY|database is locked/);
        otherCouldWrite = false;
      }
    });
    other.close();
    expect(otherCouldWrite).toBe(false);
  });

  it("commits concurrent transactions together, reporting each only once another connection can see it", async () => {
    await sql`create table gc_rows (n integer primary key)`.execute(t.db);
    const before = t.commitStats!();
    const other = new Database(t.name, { readonly: true });
    const seen = await Promise.all(
      Array.from({ length: 30 }, async (_, n) => {
        await t.db.transaction().execute(async (trx) => {
          await trx.selectFrom("regions").select("id").execute();
          await new Promise((r) => setImmediate(r)); // other requests' work in between
          await sql`insert into gc_rows (n) values (${n})`.execute(trx);
        });
        return other.prepare("select count(*) as c from gc_rows where n = ?").get(n) as { c: number };
      }),
    );
    other.close();
    expect(seen.every((r) => r.c === 1)).toBe(true);
    const after = t.commitStats!();
    expect(after.members - before.members).toBe(30);
    expect(after.commits - before.commits).toBeLessThan(30); // shared fsyncs
    expect(after.commits - before.commits).toBeGreaterThan(0);
  });

  it("undoes only the failed transaction's work when others share its commit", async () => {
    await sql`create table gc_mixed (n integer primary key)`.execute(t.db);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, n) =>
        t.db.transaction().execute(async (trx) => {
          await sql`insert into gc_mixed (n) values (${n})`.execute(trx);
          await new Promise((r) => setImmediate(r));
          if (n % 2) throw new Error(`refused ${n}`);
          await sql`insert into gc_mixed (n) values (${n + 100})`.execute(trx);
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(
      Array.from({ length: 20 }, (_, n) => (n % 2 ? "rejected" : "fulfilled")),
    );
    const rows = await sql<{ n: number }>`select n from gc_mixed order by n`.execute(t.db);
    const even = Array.from({ length: 10 }, (_, i) => i * 2);
    expect(rows.rows.map((r) => r.n)).toEqual([...even, ...even.map((n) => n + 100)]);
  });

  it("tells every transaction of a group when the shared commit fails, and keeps none of them", async () => {
    await sql`create table gc_parent (id integer primary key)`.execute(t.db);
    await sql`create table gc_child (id integer primary key, parent_id integer references gc_parent (id) deferrable initially deferred)`.execute(
      t.db,
    );
    // Both start at once: the second waits for the writer and joins the first one's group. Its
    // row breaks a deferred foreign key, which SQLite checks only at COMMIT.
    const [good, bad] = await Promise.allSettled([
      t.db.transaction().execute((trx) => sql`insert into gc_parent (id) values (1)`.execute(trx)),
      t.db.transaction().execute((trx) => sql`insert into gc_child (id, parent_id) values (1, 42)`.execute(trx)),
    ]);
    expect(good.status).toBe("rejected");
    expect(bad.status).toBe("rejected");
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    const counts = await sql<{
      p: number;
      c: number;
    }>`select (select count(*) from gc_parent) as p, (select count(*) from gc_child) as c`.execute(t.db);
    expect(counts.rows[0]).toEqual({ p: 0, c: 0 });
    // The writer is usable again.
    await t.db.transaction().execute((trx) => sql`insert into gc_parent (id) values (2)`.execute(trx));
    expect((await sql<{ id: number }>`select id from gc_parent`.execute(t.db)).rows).toEqual([{ id: 2 }]);
  });

  it("answers reads while a transaction is in progress, with what is committed", async () => {
    await sql`create table gc_read (n integer primary key)`.execute(t.db);
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    let inserted!: () => void;
    const insertedYet = new Promise<void>((r) => {
      inserted = r;
    });
    const writing = t.db.transaction().execute(async (trx) => {
      await sql`insert into gc_read (n) values (1)`.execute(trx);
      inserted();
      await gate;
    });
    await insertedYet;
    // With one connection behind one lock this read would wait for the gate, forever.
    const during = await sql<{ c: number }>`select count(*) as c from gc_read`.execute(t.db);
    expect(during.rows[0]!.c).toBe(0);
    open();
    await writing;
    const after = await sql<{ c: number }>`select count(*) as c from gc_read`.execute(t.db);
    expect(after.rows[0]!.c).toBe(1);
  });

  it("streams on a connection of its own: reads and writes go on while an export is open", async () => {
    await sql`create table gc_stream (n integer primary key)`.execute(t.db);
    for (let n = 0; n < 5; n++) await sql`insert into gc_stream (n) values (${n})`.execute(t.db);
    const streamed: number[] = [];
    for await (const row of t.db
      .selectFrom("gc_stream" as never)
      .select("n" as never)
      .stream()) {
      streamed.push((row as { n: number }).n);
      if (streamed.length === 1) {
        await t.db.transaction().execute((trx) => sql`insert into gc_stream (n) values (99)`.execute(trx));
        const count = await sql<{ c: number }>`select count(*) as c from gc_stream`.execute(t.db);
        expect(count.rows[0]!.c).toBe(6);
      }
    }
    expect(streamed).toEqual([0, 1, 2, 3, 4]); // the stream's own snapshot
  });

  it("returns a relaxed write (a rate counter) before its fsync, and commits it with the next group", async () => {
    await sql`create table gc_counter (k text primary key, n integer not null)`.execute(t.db);
    const other = new Database(t.name, { readonly: true });
    const visible = () => (other.prepare("select count(*) as c from gc_counter").get() as { c: number }).c;
    const before = t.commitStats!();
    const upsert = () =>
      sql<{
        n: number;
      }>`insert into gc_counter (k, n) values ('a', 1) on conflict (k) do update set n = n + 1 returning n ${relaxedDurability()}`.execute(
        t.db,
      );
    expect((await upsert()).rows[0]!.n).toBe(1);
    expect((await upsert()).rows[0]!.n).toBe(2); // the writer sees its own group
    expect(visible()).toBe(0); // not committed yet: nobody waited for it
    expect(t.commitStats!().commits).toBe(before.commits);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(visible()).toBe(1);
    expect(t.commitStats!().commits).toBe(before.commits + 1);
    other.close();
  });

  it("refuses to start on a database whose safety settings do not hold", () => {
    const loose = new Database(":memory:");
    loose.pragma("synchronous = NORMAL");
    expect(() => verifySqlitePragmas(loose, true)).toThrow(/synchronous=1/);
    loose.close();
  });
});
