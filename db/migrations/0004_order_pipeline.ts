import { type Kysely, sql } from "kysely";
import { addFlag, withId } from "../migration-helpers";

// The order pipeline's records: what is reserved, shipments (so an order can ship in parts),
// change slips (异动记录), and the outbox that carries events out after commit.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("orders")
    .addColumn("reserved", "integer", (c) => c.notNull().defaultTo(0).check(sql`reserved in (0, 1)`))
    .execute();
  await db.schema
    .alterTable("orders")
    .addColumn("paid_amount", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("orders").addColumn("payment_method", "text").execute();
  await db.schema.alterTable("orders").addColumn("shipped_at", "text").execute();
  await db.schema.alterTable("orders").addColumn("completed_at", "text").execute();
  // Receipt is due from here on (auto-receipt sweep): indexed with status for the sweep.
  await db.schema.createIndex("orders_receipt_due").on("orders").columns(["status", "shipped_at"]).execute();

  await db.schema
    .createTable("order_reservations")
    .addColumn("order_id", "integer", (c) => c.notNull().references("orders.id").onDelete("cascade"))
    .addColumn("sku_id", "integer", (c) => c.notNull().references("skus.id"))
    .addColumn("warehouse_id", "integer", (c) => c.notNull().references("warehouses.id"))
    .addColumn("quantity", "integer", (c) => c.notNull().check(sql`quantity > 0`))
    .addPrimaryKeyConstraint("order_reservations_pk", ["order_id", "sku_id", "warehouse_id"])
    .execute();
  await db.schema
    .createIndex("order_reservations_stock")
    .on("order_reservations")
    .columns(["sku_id", "warehouse_id"])
    .execute();

  await withId(db, db.schema.createTable("shipments"))
    .addColumn("order_id", "integer", (c) => c.notNull().references("orders.id"))
    .addColumn("number", "text", (c) => c.notNull().unique()) // 出库单号 CK…
    .addColumn("warehouse_id", "integer", (c) => c.notNull().references("warehouses.id"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('outbound', 'shipped')`))
    .addColumn("carrier", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("tracking_no", "text", (c) => c.notNull().defaultTo(""))
    .$call((t) => addFlag(t, "self_pickup", 0))
    .addColumn("outbound_at", "text", (c) => c.notNull())
    .addColumn("outbound_by", "text", (c) => c.notNull())
    .addColumn("shipped_at", "text")
    .addColumn("shipped_by", "text")
    .execute();
  await db.schema.createIndex("shipments_order").on("shipments").column("order_id").execute();

  await db.schema
    .createTable("shipment_lines")
    .addColumn("shipment_id", "integer", (c) => c.notNull().references("shipments.id").onDelete("cascade"))
    .addColumn("sku_id", "integer", (c) => c.notNull().references("skus.id"))
    .addColumn("quantity", "integer", (c) => c.notNull().check(sql`quantity > 0`))
    .addPrimaryKeyConstraint("shipment_lines_pk", ["shipment_id", "sku_id"])
    .execute();

  // 异动记录: each amendment at order review, before → after, visible to the dealer.
  await withId(db, db.schema.createTable("change_slips"))
    .addColumn("order_id", "integer", (c) => c.notNull().references("orders.id").onDelete("cascade"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_account_id", "integer", (c) => c.references("accounts.id"))
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("changes_json", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("change_slips_order").on("change_slips").columns(["order_id", "id"]).execute();

  // Events written in the transaction that caused them; a sender delivers them after commit.
  await withId(db, db.schema.createTable("outbox"))
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("aggregate_type", "text", (c) => c.notNull())
    .addColumn("aggregate_id", "text", (c) => c.notNull())
    .addColumn("payload_json", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("available_at", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("delivered_at", "text")
    .addColumn("last_error", "text")
    .execute();
  await db.schema.createIndex("outbox_pending").on("outbox").columns(["delivered_at", "available_at", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["outbox", "change_slips", "shipment_lines", "shipments", "order_reservations"]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex("orders_receipt_due").execute();
  for (const column of ["completed_at", "shipped_at", "payment_method", "paid_amount", "reserved"]) {
    await db.schema.alterTable("orders").dropColumn(column).execute();
  }
}
