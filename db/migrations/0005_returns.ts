import { type Kysely, sql } from "kysely";
import { addFlag, withId } from "../migration-helpers";

// Returns (退货单, DOMAIN.md §6): the header with its pipeline status and ship-back details, one
// row per returned order line with requested → approved → received quantities, and a timeline.
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("returns"))
    .addColumn("number", "text", (c) => c.notNull().unique()) // TH…
    .addColumn("order_id", "integer", (c) => c.notNull().references("orders.id"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
    // Copied from the order: scope filters and queue counters never join.
    .addColumn("region_id", "integer", (c) => c.notNull().references("regions.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("reject_reason", "text", (c) => c.notNull().defaultTo(""))
    // Ship back (退货发货): carrier and tracking, or dropped off in person.
    .addColumn("carrier", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("tracking_no", "text", (c) => c.notNull().defaultTo(""))
    .$call((t) => addFlag(t, "drop_off", 0))
    .addColumn("shipped_back_at", "text")
    // Inbound review: the warehouse restocked lines went into.
    .addColumn("warehouse_id", "integer", (c) => c.references("warehouses.id"))
    .addColumn("received_at", "text")
    // Refund review: what was refunded, and why when it differs from the computed amount.
    .addColumn("refund_amount", "bigint", (c) => c.check(sql`refund_amount >= 0`))
    .addColumn("refund_reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("refunded_at", "text")
    .addColumn("created_by_account_id", "integer", (c) => c.references("accounts.id"))
    .addColumn("created_by_name", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("returns_idempotency", ["customer_id", "idempotency_key"])
    .execute();
  await db.schema.createIndex("returns_customer").on("returns").columns(["customer_id", "id"]).execute();
  await db.schema.createIndex("returns_order").on("returns").columns(["order_id", "id"]).execute();
  await db.schema.createIndex("returns_status_region").on("returns").columns(["status", "region_id", "id"]).execute();

  await withId(db, db.schema.createTable("return_lines"))
    .addColumn("return_id", "integer", (c) => c.notNull().references("returns.id").onDelete("cascade"))
    .addColumn("order_line_id", "integer", (c) => c.notNull().references("order_lines.id"))
    .addColumn("sku_id", "integer", (c) => c.notNull().references("skus.id"))
    .addColumn("sku_code", "text", (c) => c.notNull())
    .addColumn("product_name", "text", (c) => c.notNull())
    .addColumn("requested_qty", "integer", (c) => c.notNull().check(sql`requested_qty > 0`))
    .addColumn("approved_qty", "integer")
    .addColumn("received_qty", "integer")
    .addColumn("disposition", "text", (c) => c.check(sql`disposition in ('restock', 'rework', 'downgrade', 'scrap')`))
    .addColumn("reason", "text", (c) => c.notNull().check(sql`reason in ('quality', 'wrong_item', 'damaged', 'other')`))
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    // The order line's unit price after the order discount (floor; app/domain/refunds.ts has the exact rule).
    .addColumn("unit_paid", "bigint", (c) => c.notNull().check(sql`unit_paid >= 0`))
    .addColumn("refund_amount", "bigint", (c) => c.check(sql`refund_amount >= 0`))
    .addColumn("position", "integer", (c) => c.notNull())
    .addCheckConstraint("return_lines_approved", sql`approved_qty >= 0 and approved_qty <= requested_qty`)
    .addCheckConstraint(
      "return_lines_received",
      sql`received_qty is null or (received_qty >= 0 and approved_qty is not null and received_qty <= approved_qty)`,
    )
    .addUniqueConstraint("return_lines_once", ["return_id", "order_line_id"])
    .execute();
  await db.schema.createIndex("return_lines_order_line").on("return_lines").column("order_line_id").execute();

  await withId(db, db.schema.createTable("return_events"))
    .addColumn("return_id", "integer", (c) => c.notNull().references("returns.id").onDelete("cascade"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_account_id", "integer", (c) => c.references("accounts.id"))
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("actor_kind", "text", (c) => c.notNull().check(sql`actor_kind in ('staff', 'customer', 'system')`))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("from_status", "text")
    .addColumn("to_status", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("return_events_return").on("return_events").columns(["return_id", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["return_events", "return_lines", "returns"]) await db.schema.dropTable(table).execute();
}
