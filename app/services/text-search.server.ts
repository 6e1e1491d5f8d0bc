import { type RawBuilder, sql } from "kysely";

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
