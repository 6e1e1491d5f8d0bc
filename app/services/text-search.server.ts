import { type Kysely, type RawBuilder, sql } from "kysely";
import { isSqliteDb } from "../../db/locking";

/**
 * "Contains this text, ignoring case" over one or more columns, the same on both engines:
 * lower() on both sides (LIKE ignores case only on SQLite) and an explicit ESCAPE (SQLite has no
 * default escape character, so a typed % or _ would otherwise act as a wildcard there).
 */
export function containsText(columns: readonly string[], text: string): RawBuilder<boolean> {
  return matchesLikePattern(columns, likePattern(text));
}

/** The `like` pattern `containsText` looks for: the text, lower-cased, with a typed backslash, % or _ taken literally. */
export function likePattern(text: string): string {
  return `%${text
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** Any of the columns, lower-cased, is like `pattern` (from `likePattern`; a prepared query's parameter). */
export function matchesLikePattern(columns: readonly string[], pattern: unknown): RawBuilder<boolean> {
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
  const search = productTextSearch(db, text);
  return productTextCondition(search.kind, columns, search.value);
}

/** How `productTextMatches` looks for a text on this database, and the value it looks with. */
export function productTextSearch(db: Kysely<any>, text: string): { kind: "phrase" | "like"; value: string } {
  const q = text.trim();
  if (!isSqliteDb(db) || [...q].length < 3) return { kind: "like", value: likePattern(q) };
  return { kind: "phrase", value: `"${q.replaceAll('"', '""')}"` };
}

/** `productTextMatches`'s condition for a search of `kind`; `value` may be a prepared query's parameter. */
export function productTextCondition(
  kind: "phrase" | "like",
  columns: { id: string; searchText: string },
  value: unknown,
): RawBuilder<boolean> {
  if (kind === "like") return matchesLikePattern([columns.searchText], value);
  return sql<boolean>`${sql.ref(columns.id)} in (select rowid from products_fts where products_fts match ${value})`;
}
