import type { Kysely } from "kysely";

// Issue 9 (benchmarks at scale): a console queue is one status, newest first. With only
// (status, region_id, id) the database reads every order waiting in the queue and sorts them
// per page; (status, created_at, id) walks the queue in page order and stops after one page,
// so the cost of a page no longer grows with the size of the queue or of the history.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("orders_status_created").on("orders").columns(["status", "created_at", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("orders_status_created").execute();
}
