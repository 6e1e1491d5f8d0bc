// db:backup / db:restore (RELIABILITY C7): backups taken while another process writes restore to
// databases that pass every db:check check; restore refuses a database that is in use.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDatabase } from "../../app/services/db-check.server";
import { seedDemo } from "../../app/services/demo-seed.server";
import { backupSqlite, checkSqliteFile, DatabaseInUseError, restoreSqlite } from "../../db/backup";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { NOW } from "../support/factories";
import { testDbKind } from "../support/test-db";

const WORKER = resolve(import.meta.dirname, "../../scripts/crash-worker.ts");
let dir: string;
let live: string;

beforeAll(async () => {
  if (testDbKind() !== "sqlite") return;
  dir = mkdtempSync(join(tmpdir(), "dinghuo-backup-"));
  live = join(dir, "live.db");
  const database = openDatabase({ dialect: "sqlite", url: live });
  await migrateToLatest(database.db);
  await seedDemo(database.db, NOW);
  await database.close();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const count = (file: string, table: string) => {
  const sqlite = new SQLite(file, { readonly: true });
  try {
    return (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
};

describe.runIf(testDbKind() === "sqlite")("SQLite online backup and restore", () => {
  it("takes consistent backups while another process writes, and each restores to a sound database", async () => {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", WORKER, live, "11"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let commits = 0;
    child.stdout!.on("data", (chunk: Buffer) => {
      commits += chunk
        .toString()
        .split("\n")
        .filter((l) => l.startsWith("C ")).length;
    });
    const waitFor = async (n: number) => {
      while (commits < n) await new Promise((r) => setTimeout(r, 20));
    };
    const backups: { file: string; commitsBefore: number; commitsAfter: number }[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        await waitFor(30 * (i + 1));
        const file = join(dir, `backup-${i}.db`);
        const commitsBefore = commits;
        expect(await backupSqlite(live, file)).toEqual([]);
        backups.push({ file, commitsBefore, commitsAfter: commits });
      }
      // The writer still commits after the last backup: the backups never held it up for good.
      // (Not a count at a moment: on a loaded machine a backup can finish between two commits.)
      await waitFor(commits + 1);
    } finally {
      child.kill("SIGKILL");
    }
    // Later backups hold more than earlier ones.
    expect(count(backups[2]!.file, "order_events")).toBeGreaterThan(count(backups[0]!.file, "order_events"));
    for (const [i, b] of backups.entries()) {
      const restored = join(dir, `restored-${i}.db`);
      expect(await restoreSqlite(b.file, restored)).toEqual({ keptAs: null, problems: [] });
      const database = openDatabase({ dialect: "sqlite", url: restored });
      expect(await checkDatabase(database.db, "sqlite")).toEqual([]);
      await database.close();
    }
    expect(await checkSqliteFile(live)).toEqual([]);
  });

  it("refuses to restore over a database in use unless forced, and keeps the one it replaces", async () => {
    const backup = join(dir, "for-restore.db");
    expect(await backupSqlite(live, backup)).toEqual([]);
    const target = join(dir, "target.db");
    expect((await restoreSqlite(backup, target)).problems).toEqual([]);

    const portal = openDatabase({ dialect: "sqlite", url: target });
    await portal.db.selectFrom("orders").select("id").limit(1).execute();
    await expect(restoreSqlite(backup, target)).rejects.toBeInstanceOf(DatabaseInUseError);
    await portal.close();

    const replaced = await restoreSqlite(backup, target, { now: NOW });
    expect(replaced.problems).toEqual([]);
    expect(replaced.keptAs && existsSync(replaced.keptAs)).toBe(true);
    expect(await checkSqliteFile(target)).toEqual([]);
  });

  it("refuses a backup that fails db:check and leaves the target untouched", async () => {
    const bad = join(dir, "bad.db");
    expect(await backupSqlite(live, bad)).toEqual([]);
    const sqlite = new SQLite(bad);
    sqlite.prepare("update fund_balances set prepaid = prepaid + 1").run();
    sqlite.close();
    const target = join(dir, "untouched.db");
    const result = await restoreSqlite(bad, target);
    expect(result.problems.map((p) => p.check)).toContain("funds");
    expect(existsSync(target)).toBe(false);
  });
});
