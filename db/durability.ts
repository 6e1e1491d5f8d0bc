import { sql } from "kysely";

/**
 * Ends a statement whose caller need not wait for its fsync: a counter that may lose its last
 * few increments to a crash (API rate limits). On SQLite such a write outside a transaction
 * goes into the open group commit (db/sqlite-driver.ts), or opens one, and returns at once; it
 * becomes durable with the group. On PostgreSQL it is only a comment.
 */
export const RELAXED_DURABILITY_MARK = "/* relaxed durability */";

/** For a query builder's `modifyEnd`. */
export const relaxedDurability = () => sql.raw(RELAXED_DURABILITY_MARK);
