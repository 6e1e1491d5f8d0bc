import { type Kysely, sql } from "kysely";

// Issue 9: the outbox sender asks for the oldest events not yet delivered and due
// (`delivered_at is null and available_at <= now order by id`). Its index, (delivered_at,
// available_at, id), found the due rows but not in id order, so every pass sorted all of them:
// with 170 000 waiting after a benchmark run that was 18 ms of a blocked event loop, every two
// seconds. This one holds only the undelivered events, in id order, with their due time: a pass
// reads its batch off the front and stops, and the index shrinks as events are delivered.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("outbox_due")
    .on("outbox")
    .columns(["id", "available_at"])
    .where(sql.ref("delivered_at"), "is", null)
    .execute();
  await db.schema.dropIndex("outbox_pending").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("outbox_pending").on("outbox").columns(["delivered_at", "available_at", "id"]).execute();
  await db.schema.dropIndex("outbox_due").execute();
}
