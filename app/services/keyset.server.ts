import { type Expression, type RawBuilder, sql } from "kysely";

/**
 * Keyset pagination over a sort of several columns (the last one unique, so every row has a
 * distinct key). The cursor is the previous page's last key, opaque to the browser.
 */
export type CursorValue = string | number;

export function encodeCursor(values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

/** The key in a cursor, or null when it is missing, tampered with or of another shape. */
export function decodeCursor(
  cursor: string | undefined,
  types: ReadonlyArray<"string" | "number">,
): CursorValue[] | null {
  if (!cursor) return null;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(values) || values.length !== types.length) return null;
    const ok = values.every((v, i) =>
      types[i] === "number" ? typeof v === "number" && Number.isSafeInteger(v) : typeof v === "string",
    );
    return ok ? (values as CursorValue[]) : null;
  } catch {
    return null;
  }
}

/**
 * `(a, b, c) > (x, y, z)` (or `<` when descending): both engines compare row values
 * lexicographically, in the same order their ORDER BY uses.
 */
export function afterKey(
  columns: ReadonlyArray<Expression<unknown> | RawBuilder<unknown>>,
  values: readonly CursorValue[],
  descending: boolean,
): RawBuilder<boolean> {
  return sql<boolean>`(${sql.join(columns)}) ${sql.raw(descending ? "<" : ">")} (${sql.join(values)})`;
}
