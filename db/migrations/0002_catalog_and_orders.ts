import { type Kysely, sql } from "kysely";
import { addFlag, blobType, withId } from "../migration-helpers";

// Catalog, prices, customers' details, warehouses and stock, carts, and orders as the
// storefront submits them (DOMAIN.md §3, §5). Money is integer fen; quantities are integers.
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("categories"))
    .addColumn("parent_id", "integer", (c) => c.references("categories.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("categories_parent").on("categories").columns(["parent_id", "position"]).execute();

  await withId(db, db.schema.createTable("products"))
    .addColumn("category_id", "integer", (c) => c.references("categories.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("tags", "text", (c) => c.notNull().defaultTo("")) // space-separated: new hot clearance
    .$call((t) => addFlag(t, "listed", 1))
    .addColumn("search_text", "text", (c) => c.notNull().defaultTo("")) // lower-cased name, codes, barcodes
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("products_category").on("products").columns(["category_id", "id"]).execute();

  await withId(db, db.schema.createTable("images"))
    .addColumn("sha256", "text", (c) => c.notNull().unique())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("width", "integer", (c) => c.notNull())
    .addColumn("height", "integer", (c) => c.notNull())
    .addColumn("bytes", blobType(db), (c) => c.notNull())
    .addColumn("thumb", blobType(db), (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("product_images")
    .addColumn("product_id", "integer", (c) => c.notNull().references("products.id").onDelete("cascade"))
    .addColumn("image_id", "integer", (c) => c.notNull().references("images.id"))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("product_images_pk", ["product_id", "image_id"])
    .execute();

  await withId(db, db.schema.createTable("skus"))
    .addColumn("product_id", "integer", (c) => c.notNull().references("products.id").onDelete("cascade"))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("barcode", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("spec", "text", (c) => c.notNull().defaultTo("")) // e.g. "颜色:红 / 容量:500ml"
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("base_price", "bigint", (c) => c.notNull().check(sql`base_price >= 0`)) // 订货价, fen
    .addColumn("retail_price", "bigint", (c) => c.notNull().check(sql`retail_price >= 0`)) // 零售价, fen
    .addColumn("min_qty", "integer", (c) => c.notNull().defaultTo(1).check(sql`min_qty >= 1`))
    .addColumn("max_qty", "integer", (c) => c.check(sql`max_qty is null or max_qty >= 1`))
    .addColumn("multiple", "integer", (c) => c.notNull().defaultTo(1).check(sql`multiple >= 1`))
    .$call((t) => addFlag(t, "listed", 1))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint("skus_max_at_least_min", sql`max_qty is null or max_qty >= min_qty`)
    .execute();
  await db.schema.createIndex("skus_product").on("skus").columns(["product_id", "position"]).execute();
  await db.schema.createIndex("skus_barcode").on("skus").column("barcode").execute();

  // 客户级别价: an explicit price per level, else base × the level's discount.
  await db.schema
    .createTable("level_prices")
    .addColumn("level_id", "integer", (c) => c.notNull().references("customer_levels.id").onDelete("cascade"))
    .addColumn("sku_id", "integer", (c) => c.notNull().references("skus.id").onDelete("cascade"))
    .addColumn("price", "bigint", (c) => c.notNull().check(sql`price >= 0`))
    .addPrimaryKeyConstraint("level_prices_pk", ["level_id", "sku_id"])
    .execute();

  // 客户专属价: wins over every other rule.
  await db.schema
    .createTable("customer_prices")
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id").onDelete("cascade"))
    .addColumn("sku_id", "integer", (c) => c.notNull().references("skus.id").onDelete("cascade"))
    .addColumn("price", "bigint", (c) => c.notNull().check(sql`price >= 0`))
    .addPrimaryKeyConstraint("customer_prices_pk", ["customer_id", "sku_id"])
    .execute();

  await withId(db, db.schema.createTable("warehouses"))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull().defaultTo(""))
    .$call((t) => addFlag(t, "active", 1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("stock")
    .addColumn("sku_id", "integer", (c) => c.notNull().references("skus.id").onDelete("cascade"))
    .addColumn("warehouse_id", "integer", (c) => c.notNull().references("warehouses.id"))
    .addColumn("on_hand", "integer", (c) => c.notNull().defaultTo(0).check(sql`on_hand >= 0`))
    .addColumn("reserved", "integer", (c) => c.notNull().defaultTo(0).check(sql`reserved >= 0`))
    .addPrimaryKeyConstraint("stock_pk", ["sku_id", "warehouse_id"])
    .execute();

  // Every change of on_hand is one row here; on_hand = Σ delta.
  await withId(db, db.schema.createTable("stock_movements"))
    .addColumn("sku_id", "integer", (c) => c.notNull().references("skus.id"))
    .addColumn("warehouse_id", "integer", (c) => c.notNull().references("warehouses.id"))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('initial', 'adjustment', 'stocktake', 'outbound', 'return_restock')`),
    )
    .addColumn("delta", "integer", (c) => c.notNull())
    .addColumn("on_hand_after", "integer", (c) => c.notNull().check(sql`on_hand_after >= 0`))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("ref_type", "text")
    .addColumn("ref_id", "text")
    .addColumn("actor_account_id", "integer", (c) => c.references("accounts.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("stock_movements_sku")
    .on("stock_movements")
    .columns(["sku_id", "warehouse_id", "id"])
    .execute();
  await db.schema.createIndex("stock_movements_at").on("stock_movements").columns(["at", "id"]).execute();

  // Customers' details beyond the foundation.
  for (const [name, type] of [
    ["sales_rep_account_id", "integer"],
    ["default_warehouse_id", "integer"],
    ["invoice_title", "text"],
    ["tax_no", "text"],
    ["bank_name", "text"],
    ["bank_account", "text"],
  ] as const) {
    await db.schema
      .alterTable("customers")
      .addColumn(name, type, (c) => {
        if (name === "sales_rep_account_id") return c.references("accounts.id");
        if (name === "default_warehouse_id") return c.references("warehouses.id");
        return c.notNull().defaultTo("");
      })
      .execute();
  }

  await withId(db, db.schema.createTable("customer_addresses"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id").onDelete("cascade"))
    .addColumn("contact_name", "text", (c) => c.notNull())
    .addColumn("phone", "text", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .$call((t) => addFlag(t, "is_default", 0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("customer_addresses_customer").on("customer_addresses").column("customer_id").execute();

  await db.schema
    .createTable("cart_items")
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id").onDelete("cascade"))
    .addColumn("sku_id", "integer", (c) => c.notNull().references("skus.id").onDelete("cascade"))
    .addColumn("quantity", "integer", (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn("added_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("cart_items_pk", ["customer_id", "sku_id"])
    .execute();

  await db.schema
    .createTable("favourites")
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id").onDelete("cascade"))
    .addColumn("product_id", "integer", (c) => c.notNull().references("products.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("favourites_pk", ["customer_id", "product_id"])
    .execute();

  // DH20261127-0007: one counter row per prefix and day, bumped inside the order's transaction.
  await db.schema
    .createTable("number_sequences")
    .addColumn("key", "text", (c) => c.primaryKey()) // e.g. "DH20261127"
    .addColumn("last", "integer", (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable("orders"))
    .addColumn("number", "text", (c) => c.notNull().unique())
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
    // Copied from the customer at submission: scope filters and queue counters never join.
    .addColumn("region_id", "integer", (c) => c.notNull().references("regions.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("address_json", "text", (c) => c.notNull())
    .addColumn("requested_delivery_date", "text")
    .addColumn("remark", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("contract_no", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("goods_amount", "bigint", (c) => c.notNull().check(sql`goods_amount >= 0`))
    .addColumn("freight", "bigint", (c) => c.notNull().defaultTo(0).check(sql`freight >= 0`))
    .addColumn("discount", "bigint", (c) => c.notNull().defaultTo(0).check(sql`discount >= 0`))
    .addColumn("payable", "bigint", (c) => c.notNull().check(sql`payable >= 0`))
    .addColumn("warehouse_id", "integer", (c) => c.references("warehouses.id"))
    .addColumn("placed_by_account_id", "integer", (c) => c.notNull().references("accounts.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("orders_idempotency", ["customer_id", "idempotency_key"])
    .addCheckConstraint("orders_payable", sql`payable = goods_amount + freight - discount`)
    .execute();
  await db.schema.createIndex("orders_customer").on("orders").columns(["customer_id", "id"]).execute();
  await db.schema.createIndex("orders_status_region").on("orders").columns(["status", "region_id", "id"]).execute();
  await db.schema.createIndex("orders_created").on("orders").columns(["created_at", "id"]).execute();

  await withId(db, db.schema.createTable("order_lines"))
    .addColumn("order_id", "integer", (c) => c.notNull().references("orders.id").onDelete("cascade"))
    .addColumn("sku_id", "integer", (c) => c.notNull().references("skus.id"))
    .addColumn("sku_code", "text", (c) => c.notNull())
    .addColumn("product_name", "text", (c) => c.notNull())
    .addColumn("spec", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("quantity", "integer", (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn("unit_price", "bigint", (c) => c.notNull().check(sql`unit_price >= 0`))
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addCheckConstraint("order_lines_amount", sql`amount = quantity * unit_price`)
    .execute();
  await db.schema.createIndex("order_lines_order").on("order_lines").columns(["order_id", "position"]).execute();

  // The timeline both sides see: every step with actor, time and note.
  await withId(db, db.schema.createTable("order_events"))
    .addColumn("order_id", "integer", (c) => c.notNull().references("orders.id").onDelete("cascade"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_account_id", "integer", (c) => c.references("accounts.id"))
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("actor_kind", "text", (c) => c.notNull().check(sql`actor_kind in ('staff', 'customer', 'system')`))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("from_status", "text")
    .addColumn("to_status", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("order_events_order").on("order_events").columns(["order_id", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "order_events",
    "order_lines",
    "orders",
    "number_sequences",
    "favourites",
    "cart_items",
    "customer_addresses",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  for (const column of [
    "bank_account",
    "bank_name",
    "tax_no",
    "invoice_title",
    "default_warehouse_id",
    "sales_rep_account_id",
  ]) {
    await db.schema.alterTable("customers").dropColumn(column).execute();
  }
  for (const table of [
    "stock_movements",
    "stock",
    "warehouses",
    "customer_prices",
    "level_prices",
    "skus",
    "product_images",
    "images",
    "products",
    "categories",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
