import { type Kysely, sql } from "kysely";
import { isSqlite } from "../migration-helpers";

// Issue 9: a catalog card sums up its product's listed SKUs at the dealer's prices (count,
// cheapest and dearest price, the first SKU's unit, whether one has stock): on the benchmark's
// catalog search, 24 products of 50 SKUs, ~0.6 ms of SQLite a page.
//
// - `skus_card` holds every column the summary reads, in the order the first SKU is chosen:
//   through (product_id, position) each SKU was a read of its whole row from the table.
// - `skus.priced` is 1 once the SKU has had an explicit price (a customer's or a level's):
//   the summary looks for explicit prices of those SKUs only, where it probed both price tables
//   for every SKU (1 200 × 2 lookups a page that nearly always found nothing). Triggers set it
//   with every price row inserted, whatever writes it (the prices page, the import, the seeds);
//   nothing clears it, so a SKU whose prices were removed is still looked up, which costs a
//   lookup and is never wrong.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("skus")
    .addColumn("priced", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update skus set priced = 1
    where id in (select sku_id from customer_prices) or id in (select sku_id from level_prices)`.execute(db);
  if (isSqlite(db)) {
    for (const table of ["customer_prices", "level_prices"]) {
      await sql`create trigger ${sql.id(`${table}_mark_priced`)} after insert on ${sql.table(table)} begin
        update skus set priced = 1 where id = new.sku_id and priced = 0;
      end`.execute(db);
    }
  } else {
    await sql`create function mark_sku_priced() returns trigger language plpgsql as $$
      begin
        update skus set priced = 1 where id = new.sku_id and priced = 0;
        return null;
      end $$`.execute(db);
    for (const table of ["customer_prices", "level_prices"]) {
      await sql`create trigger ${sql.id(`${table}_mark_priced`)} after insert on ${sql.table(table)}
        for each row execute function mark_sku_priced()`.execute(db);
    }
  }
  await db.schema
    .createIndex("skus_card")
    .on("skus")
    .columns(["product_id", "listed", "position", "id", "base_price", "unit", "priced"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("skus_card").execute();
  for (const table of ["customer_prices", "level_prices"]) {
    if (isSqlite(db)) await sql`drop trigger ${sql.id(`${table}_mark_priced`)}`.execute(db);
    else await sql`drop trigger ${sql.id(`${table}_mark_priced`)} on ${sql.table(table)}`.execute(db);
  }
  if (!isSqlite(db)) await sql`drop function mark_sku_priced()`.execute(db);
  await db.schema.alterTable("skus").dropColumn("priced").execute();
}
