import { type Kysely, sql } from "kysely";
import { addFlag, withId } from "../migration-helpers";

// Webhooks: endpoints that subscribe to outbox events, one delivery per endpoint × event
// (unique, so a re-run of the outbox handler never duplicates one), and every HTTP attempt.
export async function up(db: Kysely<any>): Promise<void> {
  await addFlag(
    withId(db, db.schema.createTable("webhook_endpoints"))
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
      // Subscribed event types and `order.*`-style wildcards, as a JSON array.
      .addColumn("events_json", "text", (c) => c.notNull())
      // The signing secret, encrypted (it must be recoverable to sign); the prefix identifies it.
      .addColumn("secret_ciphertext", "text", (c) => c.notNull())
      .addColumn("secret_prefix", "text", (c) => c.notNull())
      .addColumn("secret_rotated_at", "text", (c) => c.notNull())
      .addColumn("created_by_name", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull()),
    "active",
    1,
  ).execute();

  await withId(db, db.schema.createTable("webhook_deliveries"))
    .addColumn("endpoint_id", "integer", (c) => c.notNull().references("webhook_endpoints.id").onDelete("cascade"))
    .addColumn("outbox_event_id", "integer", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    // The exact JSON body sent (and signed) on every attempt, so a retry sends the same bytes.
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'delivered', 'failed')`))
    // Attempts in the current round; "send again" starts a new round.
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    // Bumped by every claim and every re-queue: the compare-and-set token of the sender.
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("last_attempt_at", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("delivered_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("webhook_deliveries_once", ["endpoint_id", "outbox_event_id"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due")
    .on("webhook_deliveries")
    .columns(["status", "next_attempt_at", "id"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_endpoint")
    .on("webhook_deliveries")
    .columns(["endpoint_id", "id"])
    .execute();

  await withId(db, db.schema.createTable("webhook_attempts"))
    .addColumn("delivery_id", "integer", (c) => c.notNull().references("webhook_deliveries.id").onDelete("cascade"))
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("response_excerpt", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .createIndex("webhook_attempts_delivery")
    .on("webhook_attempts")
    .columns(["delivery_id", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["webhook_attempts", "webhook_deliveries", "webhook_endpoints"]) {
    await db.schema.dropTable(table).execute();
  }
}
