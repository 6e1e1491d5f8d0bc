/**
 * "Nothing changed": a hash per table of the e2e database, read straight from the SQLite file.
 * Tables the server touches on its own (sessions, throttling, the outbox sender's bookkeeping)
 * and the API's request counters and token last-use stamps are left out; everything a refused
 * request could change is in.
 */
import { createHash } from "node:crypto";
import Database from "better-sqlite3";

const VOLATILE = new Set([
  "sessions",
  "auth_throttle",
  "outbox",
  "webhook_deliveries",
  "webhook_attempts",
  "kysely_migration",
  "kysely_migration_lock",
  // The API's per-token request counters: every request, allowed or not, counts.
  "api_rate_limits",
]);

/** Columns the server writes on its own in otherwise meaningful tables: a token's last use. */
const VOLATILE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  api_tokens: ["last_used_at", "last_used_ip"],
};

export type Fingerprint = Map<string, string>;

export function openFingerprinter(dbPath: string) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const tables = () => {
    const all = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as Array<{ name: string; sql: string }>;
    // A full-text index (products_fts and its shadow tables) is derived from its table, which is in.
    const indexes = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
    return all
      .map((t) => t.name)
      .filter((name) => !VOLATILE.has(name) && !indexes.some((i) => name === i || name.startsWith(`${i}_`)));
  };
  function take(): Fingerprint {
    const out: Fingerprint = new Map();
    for (const name of tables()) {
      const hash = createHash("sha1");
      // Image bytes are large and never change in place: their content hash stands for them.
      const sql =
        name === "images" ? `SELECT id, sha256 FROM "images" ORDER BY id` : `SELECT * FROM "${name}" ORDER BY rowid`;
      for (const row of db.prepare(sql).iterate()) {
        const skip = VOLATILE_COLUMNS[name] ?? [];
        const plain = Object.fromEntries(
          Object.entries(row as Record<string, unknown>)
            .filter(([k]) => !skip.includes(k))
            .map(([k, v]) => [k, Buffer.isBuffer(v) ? createHash("sha1").update(v).digest("hex") : v]),
        );
        hash.update(JSON.stringify(plain));
      }
      out.set(name, hash.digest("hex"));
    }
    return out;
  }

  /** The tables whose rows differ between two fingerprints. */
  function changed(before: Fingerprint, after: Fingerprint): string[] {
    const names = new Set([...before.keys(), ...after.keys()]);
    return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
  }

  return { take, changed, close: () => db.close() };
}
