import { type Kysely, type RawBuilder, sql } from "kysely";
import { isSqliteDb } from "../../db/locking";

/**
 * "Contains this text, ignoring case" over one or more columns, the same on both engines:
 * lower() on both sides (LIKE ignores case only on SQLite) and an explicit ESCAPE (SQLite has no
 * default escape character, so a typed % or _ would otherwise act as a wildcard there).
 */
export function containsText(columns: readonly string[], text: string): RawBuilder<boolean> {
  const pattern = `%${text
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const tests = columns.map((column) => sql`lower(${sql.ref(column)}) like ${pattern} escape '\\'`);
  return sql<boolean>`(${sql.join(tests, sql` or `)})`;
}

/**
 * `containsText` over products.search_text (name, tags, SKU codes, barcodes and specs), through
 * the index migration 0011 built. On SQLite a text of three or more characters is a phrase
 * query on the trigram table, which matches exactly the products containing it, ignoring case;
 * shorter text cannot be looked up by trigrams and is scanned as before. On PostgreSQL the same
 * `like` may use the pg_trgm index: its planner takes it when it costs less than a scan (with the
 * bench's 2 000 products it still scans; README, Benchmarks).
 */
export function productTextMatches(
  db: Kysely<any>,
  columns: { id: string; searchText: string },
  text: string,
): RawBuilder<boolean> {
  const q = text.trim();
  if (!isSqliteDb(db) || [...q].length < 3) return containsText([columns.searchText], q);
  const phrase = `"${q.replaceAll('"', '""')}"`;
  return sql<boolean>`${sql.ref(columns.id)} in (select rowid from products_fts where products_fts match ${phrase})`;
}
