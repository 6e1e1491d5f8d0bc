import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { testDbKind } from "../support/test-db";

// The planner's statistics are brought up to date when the database opens (issue 9: an outbox
// analysed at 113 rows was still read whole at 120 000, 14 ms a batch, instead of through the
// index of its undelivered events).
const dir = mkdtempSync(join(tmpdir(), "dinghuo-stats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(testDbKind() === "sqlite")("SQLite planner statistics", () => {
  it("are taken again on opening for a table that grew much since the last ANALYZE", async () => {
    const file = join(dir, "stats.db");
    const raw = new SQLite(file);
    raw.exec(`create table events (id integer primary key, delivered_at text, available_at text not null);
      create index events_due on events (id, available_at) where delivered_at is null;`);
    const insert = raw.prepare("insert into events (delivered_at, available_at) values (?, '2026-01-01')");
    for (let i = 0; i < 50; i++) insert.run(null);
    raw.exec("analyze");
    raw.exec("begin");
    for (let i = 0; i < 50_000; i++) insert.run("2026-01-01"); // delivered long ago
    for (let i = 0; i < 20; i++) insert.run(null);
    raw.exec("commit");
    const due =
      "select id from events where delivered_at is null and available_at <= '2026-02-01' order by id limit 10";
    const plan = (db: SQLite.Database) =>
      db
        .prepare(`explain query plan ${due}`)
        .all()
        .map((r) => (r as { detail: string }).detail)
        .join("; ");
    const rows = (db: SQLite.Database) =>
      (db.prepare("select stat from sqlite_stat1 where tbl = 'events' and idx is null").get() as { stat: string }).stat;
    expect(rows(raw)).toBe("50");
    expect(plan(raw)).toBe("SCAN events"); // the whole table, in id order, past 50 000 delivered rows
    raw.close();

    const database = openDatabase({ dialect: "sqlite", url: file });
    await database.close();
    const after = new SQLite(file, { readonly: true });
    expect(Number(rows(after))).toBeGreaterThan(40_000);
    expect(plan(after)).toBe("SCAN events USING INDEX events_due");
    after.close();
  });
});
