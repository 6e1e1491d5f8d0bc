import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, type KyselyConfig, PostgresDialect } from "kysely";
import pg from "pg";
import type { DB } from "./schema";
import { GroupCommitSqliteDialect } from "./sqlite-driver";

export type Dialect = "sqlite" | "postgres";

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Where the data lives, for messages: a file path or a redacted URL. */
  location: string;
  close(): Promise<void>;
  /** SQLite: group commits made and the transactions they carried (see db/sqlite-driver.ts). */
  commitStats?(): { commits: number; members: number };
}

export interface DatabaseTarget {
  dialect: Dialect;
  /** SQLite: the file path. PostgreSQL: the connection string. */
  url: string;
  /** PostgreSQL only: the schema to use (tests isolate each run in its own). */
  schema?: string;
}

export const DEFAULT_SQLITE_PATH = "./data/dinghuo.db";

/** `DATABASE_URL` decides the engine: unset or `file:PATH` → SQLite, `postgres://…` → PostgreSQL. */
export function parseDatabaseUrl(value: string | undefined): DatabaseTarget {
  const url = value?.trim();
  if (!url) return { dialect: "sqlite", url: DEFAULT_SQLITE_PATH };
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (!path) throw new Error("DATABASE_URL=file: needs a path, e.g. file:./data/dinghuo.db");
    return { dialect: "sqlite", url: path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: "postgres", url };
  throw new Error(`DATABASE_URL must start with file: or postgres:// (got "${url.split(":")[0]}:…")`);
}

/** SQLite settings that money and stock depend on (RELIABILITY C5); checked after opening. */
export const REQUIRED_SQLITE_PRAGMAS = {
  journal_mode: "wal",
  synchronous: 2, // FULL
  foreign_keys: 1,
  busy_timeout: 5000,
} as const;

function openSqlite(path: string): SQLite.Database {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${REQUIRED_SQLITE_PRAGMAS.busy_timeout}`);
  verifySqlitePragmas(sqlite, path === ":memory:");
  refreshSqliteStatistics(sqlite);
  return sqlite;
}

/**
 * Brings the query planner's table statistics up to date where a table has changed much since
 * they were taken (SQLite's advice for long-lived connections: `optimize=0x10002` when opening,
 * and again now and then; `analysis_limit` keeps each look to a sample). Without it the
 * statistics stay as the last ANALYZE left them: the benchmark's database was analysed when its
 * outbox held 113 events, and at 120 000 the planner still read the whole table, 14 ms a time,
 * instead of the index of the undelivered ones (issue 9). 50 ms on that 2 GB database.
 */
export function refreshSqliteStatistics(sqlite: SQLite.Database): void {
  sqlite.pragma("analysis_limit = 400");
  sqlite.pragma("optimize = 0x10002");
}

/** Another connection for reads (and streams): never writes, so only the waiting time matters. */
function openSqliteReader(path: string): SQLite.Database {
  const sqlite = new SQLite(path, { fileMustExist: true });
  sqlite.pragma(`busy_timeout = ${REQUIRED_SQLITE_PRAGMAS.busy_timeout}`);
  return sqlite;
}

/** Reads the pragmas back: a build of SQLite or a file system that silently ignores one must stop the start. */
export function verifySqlitePragmas(sqlite: SQLite.Database, inMemory = false): void {
  const read = (name: string) => sqlite.pragma(name, { simple: true });
  const actual = {
    journal_mode: String(read("journal_mode")).toLowerCase(),
    synchronous: Number(read("synchronous")),
    foreign_keys: Number(read("foreign_keys")),
    busy_timeout: Number(read("busy_timeout")),
  };
  const wrong: string[] = [];
  if (!inMemory && actual.journal_mode !== "wal") wrong.push(`journal_mode=${actual.journal_mode} (want wal)`);
  if (actual.synchronous !== REQUIRED_SQLITE_PRAGMAS.synchronous)
    wrong.push(`synchronous=${actual.synchronous} (want 2, FULL)`);
  if (actual.foreign_keys !== 1) wrong.push(`foreign_keys=${actual.foreign_keys} (want 1)`);
  if (actual.busy_timeout < REQUIRED_SQLITE_PRAGMAS.busy_timeout)
    wrong.push(`busy_timeout=${actual.busy_timeout} (want ≥ 5000)`);
  if (wrong.length) throw new Error(`SQLite is not configured safely: ${wrong.join(", ")}`);
}

// PostgreSQL returns int8 (count, sum, bigint columns) and numeric as strings; every such value
// here is an integer count or an amount in fen, far inside Number's exact range.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/**
 * `SLOW_QUERY_MS=N` logs every query that took N ms or more (0: all of them) to stderr, one JSON
 * line each, to find what a slow page spends its time on.
 */
function slowQueryLog(): KyselyConfig["log"] {
  const threshold = process.env.SLOW_QUERY_MS;
  if (threshold === undefined || threshold === "") return undefined;
  const ms = Number(threshold);
  return (event) => {
    if (event.queryDurationMillis < ms) return;
    const line = {
      level: event.level === "error" ? 50 : 40,
      time: Date.now(),
      msg: "query",
      ms: Math.round(event.queryDurationMillis * 100) / 100,
      sql: event.query.sql,
    };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  };
}

export function openDatabase(target: DatabaseTarget = parseDatabaseUrl(process.env.DATABASE_URL)): Database {
  if (target.dialect === "sqlite") {
    const sqlite = openSqlite(target.url);
    const inMemory = target.url === ":memory:";
    const dialect = new GroupCommitSqliteDialect({
      writer: sqlite,
      open: inMemory ? null : () => openSqliteReader(target.url),
    });
    const db = new Kysely<DB>({ dialect, log: slowQueryLog() });
    const commitStats = () => ({ ...(dialect.driver?.stats ?? { commits: 0, members: 0 }) });
    return { db, dialect: "sqlite", location: target.url, close: () => db.destroy(), commitStats };
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: slowQueryLog() });
  const location = target.url.replace(/\/\/[^@/]*@/, "//***@");
  return { db, dialect: "postgres", location, close: () => db.destroy() };
}
