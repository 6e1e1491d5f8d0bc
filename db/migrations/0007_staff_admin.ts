import type { Kysely } from "kysely";

// The audit log view (操作日志) filters by action and by date, newest first; without these a
// filtered page would read the whole append-only table, which only ever grows.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("audit_log_action").on("audit_log").columns(["action", "id"]).execute();
  await db.schema.createIndex("audit_log_at").on("audit_log").columns(["at", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("audit_log_at").execute();
  await db.schema.dropIndex("audit_log_action").execute();
}
