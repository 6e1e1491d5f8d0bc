// WORKERS > 1: every process runs the background sweeps. Two processes sweeping one database at
// once (SQLite file or PostgreSQL schema) handle each outbox event once and confirm each due
// order's receipt once.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDatabase } from "../../app/services/db-check.server";
import { seedDemo } from "../../app/services/demo-seed.server";
import { NOW } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind, testPostgresUrl } from "../support/test-db";

const run = promisify(execFile);
const WORKER = resolve(import.meta.dirname, "../support/sweep-worker.ts");
let t: TestDatabase;
let dir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db, NOW);
  dir = mkdtempSync(join(tmpdir(), "dinghuo-sweeps-"));
});
afterAll(async () => {
  await t.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe(`background sweeps in two processes (${testDbKind()})`, () => {
  it("handle each outbox event once and confirm each due receipt once", async () => {
    const pending = await t.db.selectFrom("outbox").select("id").where("delivered_at", "is", null).execute();
    const due = await t.db.selectFrom("orders").select("id").where("status", "=", "pending_receipt").execute();
    expect(pending.length).toBeGreaterThan(10);
    expect(due.length).toBeGreaterThan(0);
    const events = join(dir, "events.log");
    writeFileSync(events, "");
    const later = new Date(NOW.getTime() + 30 * 24 * 3600_000).toISOString();
    const startAt = String(Date.now() + 4000);
    const args =
      testDbKind() === "sqlite"
        ? [t.name, "-", events, later, startAt]
        : [testPostgresUrl(), t.name, events, later, startAt];
    const outputs = await Promise.all(
      [0, 1].map(() => run(process.execPath, ["--import", "tsx", WORKER, ...args], { timeout: 60_000 })),
    );
    const confirmed = outputs.map(
      (o) => (JSON.parse(o.stdout.trim().split("\n").pop()!) as { confirmed: number }).confirmed,
    );
    const handled = readFileSync(events, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    const ids = handled.map(([id]) => Number(id));
    // Receipts confirmed by the sweeps emit events too: everything pending at the end was handled once.
    const all = await t.db.selectFrom("outbox").select(["id", "delivered_at"]).execute();
    expect(all.filter((e) => e.delivered_at === null)).toEqual([]);
    expect(ids.sort((a, b) => a - b)).toEqual(all.map((e) => e.id).sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(handled.map(([, pid]) => pid)).size).toBe(2);
    expect(confirmed[0]! + confirmed[1]!).toBe(due.length);
    const receipts = await t.db
      .selectFrom("order_events")
      .select(["order_id"])
      .where("action", "=", "approve_receipt")
      .where("actor_kind", "=", "system")
      .execute();
    expect(receipts.map((r) => r.order_id).sort()).toEqual(due.map((d) => d.id).sort());
    expect(await checkDatabase(t.db, t.dialect)).toEqual([]);
  });
});
