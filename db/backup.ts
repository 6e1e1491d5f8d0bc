// Online backup and restore of a SQLite database (RELIABILITY C7). The backup is one
// `VACUUM INTO`: a single read transaction, so under WAL it is a consistent snapshot taken
// while the portal keeps writing, and it never blocks the writers. PostgreSQL uses pg_dump /
// pg_restore instead (docs/deployment.md).
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { checkDatabase, type DbViolation } from "../app/services/db-check.server";
import type { DB } from "./schema";

function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Runs every db:check check on a SQLite file without writing to it (not even a -wal file). */
export async function checkSqliteFile(path: string): Promise<DbViolation[]> {
  const sqlite = new SQLite(path, { readonly: true, fileMustExist: true });
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    return await checkDatabase(db, "sqlite");
  } finally {
    await db.destroy();
  }
}

/**
 * Copies the live database at `source` to `destination` (which must not exist), durably: written
 * beside it, fsynced, then renamed into place. Returns the problems db:check finds in the copy.
 */
export async function backupSqlite(source: string, destination: string): Promise<DbViolation[]> {
  if (existsSync(destination)) throw new Error(`${destination} already exists`);
  const partial = `${destination}.partial`;
  rmSync(partial, { force: true });
  const sqlite = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma("busy_timeout = 5000");
    sqlite.prepare("vacuum into ?").run(partial);
  } finally {
    sqlite.close();
  }
  fsyncPath(partial);
  renameSync(partial, destination);
  fsyncPath(dirname(resolve(destination)));
  return checkSqliteFile(destination);
}

export class DatabaseInUseError extends Error {}

/**
 * Replaces the database at `target` with the backup, after checking the backup passes
 * db:check. Refuses while another connection has the target open (leaving WAL mode needs
 * sole access, and an exclusive lock is then held until the swap), unless `force`. The
 * replaced database is kept beside it as `<target>.before-restore-<time>`.
 */
export async function restoreSqlite(
  backup: string,
  target: string,
  options: { force?: boolean; now?: Date } = {},
): Promise<{ keptAs: string | null; problems: DbViolation[] }> {
  const before = await checkSqliteFile(backup);
  if (before.length) return { keptAs: null, problems: before };

  let lock: SQLite.Database | null = null;
  if (existsSync(target) && !options.force) {
    lock = new SQLite(target, { fileMustExist: true, timeout: 0 });
    let mode = "";
    try {
      mode = String(lock.pragma("journal_mode = delete", { simple: true })).toLowerCase();
      if (mode === "delete") lock.exec("begin exclusive");
    } catch {
      mode = "busy";
    }
    if (mode !== "delete") {
      lock.close();
      throw new DatabaseInUseError(`${target} is in use by another process (stop the portal first, or pass --force)`);
    }
  }
  try {
    const partial = `${target}.restore-partial`;
    copyFileSync(backup, partial);
    fsyncPath(partial);
    let keptAs: string | null = null;
    if (existsSync(target)) {
      keptAs = `${target}.before-restore-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, "-")}`;
      renameSync(target, keptAs);
      for (const suffix of ["-wal", "-shm"]) {
        if (existsSync(target + suffix)) renameSync(target + suffix, keptAs + suffix);
      }
    }
    renameSync(partial, target);
    fsyncPath(dirname(resolve(target)));
    return { keptAs, problems: [] };
  } finally {
    lock?.close();
  }
}
