import { type CreateTableBuilder, type Kysely, sql } from "kysely";
import { isSqliteDb } from "./locking";

/** Migrations see `Kysely<any>` and never import app code; dialect differences stay in db/. */
export const isSqlite = isSqliteDb;

/** An integer surrogate key: SQLite's rowid alias, PostgreSQL's identity column. */
export function withId<T extends string>(
  db: Kysely<any>,
  table: CreateTableBuilder<T, never>,
): CreateTableBuilder<T, "id"> {
  return isSqlite(db)
    ? table.addColumn("id", "integer", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

/** Booleans are stored as 0/1 integers on both engines, so rows read the same everywhere. */
export function addFlag<T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
  name: string,
  defaultValue: 0 | 1,
): CreateTableBuilder<T, C> {
  return table.addColumn(name, "integer", (c) =>
    c
      .notNull()
      .defaultTo(defaultValue)
      .check(sql`${sql.ref(name)} in (0, 1)`),
  );
}

/** Makes a table append-only: UPDATE and DELETE fail inside the database itself. */
export async function makeAppendOnly(db: Kysely<any>, table: string): Promise<void> {
  if (isSqlite(db)) {
    for (const op of ["update", "delete"]) {
      await sql
        .raw(
          `create trigger ${table}_no_${op} before ${op} on ${table} begin select raise(abort, '${table} is append-only'); end`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `create or replace function ${table}_append_only() returns trigger language plpgsql as $$ begin raise exception '${table} is append-only'; end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger ${table}_no_change before update or delete on ${table} for each statement execute function ${table}_append_only()`,
    )
    .execute(db);
}

/** Binary column type: SQLite's blob, PostgreSQL's bytea. */
export const blobType = (db: Kysely<any>) => (isSqlite(db) ? "blob" : "bytea");
