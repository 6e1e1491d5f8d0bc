import { type Kysely, type SelectQueryBuilder, SqliteAdapter } from "kysely";

export function isSqliteDb(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * Locks the selected rows until the transaction ends, for read-modify-write. PostgreSQL needs
 * `FOR UPDATE`; on SQLite every transaction already holds the database's write lock (BEGIN
 * IMMEDIATE), and the clause does not exist.
 */
export function forUpdate<DB, TB extends keyof DB, O>(
  db: Kysely<any>,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return isSqliteDb(db) ? query : query.forUpdate();
}
