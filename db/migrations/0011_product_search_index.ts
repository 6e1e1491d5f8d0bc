import { type Kysely, sql } from "kysely";
import { isSqlite } from "../migration-helpers";

// Issue 9: a catalog search read every product's search text (name, tags and every SKU's code,
// barcode and spec; ~500 characters each) with `lower(search_text) like '%…%'`. At 2 000 products
// a search that matched few or none took 1–1.6 ms; the cost grows with the catalog.
//
// SQLite: an FTS5 table with the trigram tokenizer over products.search_text (external content:
// the text is stored once, in products; triggers keep the index in step with every insert,
// update and delete). A phrase of three or more characters matches exactly the rows containing
// it, ignoring case. PostgreSQL: pg_trgm's GIN index on lower(search_text), which its planner
// may use for the same `like '%…%'` the search already runs (it prefers a scan while the table
// is small: at 2 000 products it scans).
export async function up(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    await sql`create virtual table products_fts using fts5(search_text, content='products', content_rowid='id', tokenize='trigram case_sensitive 0')`.execute(
      db,
    );
    await sql`insert into products_fts(products_fts) values ('rebuild')`.execute(db);
    await sql`create trigger products_fts_insert after insert on products begin
      insert into products_fts(rowid, search_text) values (new.id, new.search_text);
    end`.execute(db);
    await sql`create trigger products_fts_delete after delete on products begin
      insert into products_fts(products_fts, rowid, search_text) values ('delete', old.id, old.search_text);
    end`.execute(db);
    await sql`create trigger products_fts_update after update of search_text on products begin
      insert into products_fts(products_fts, rowid, search_text) values ('delete', old.id, old.search_text);
      insert into products_fts(rowid, search_text) values (new.id, new.search_text);
    end`.execute(db);
  } else {
    // In a schema of its own choosing (public unless it was installed before), named in full: an
    // app living in another schema (search_path) still finds the operator class.
    await sql`create extension if not exists pg_trgm with schema public`.execute(db);
    const { rows } = await sql<{ schema: string }>`
      select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
      where e.extname = 'pg_trgm'`.execute(db);
    const opclass = sql.id(rows[0]!.schema, "gin_trgm_ops");
    await sql`create index products_search_trgm on products using gin (lower(search_text) ${opclass})`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    for (const trigger of ["products_fts_insert", "products_fts_delete", "products_fts_update"])
      await sql.raw(`drop trigger ${trigger}`).execute(db);
    await sql`drop table products_fts`.execute(db);
  } else {
    await sql`drop index products_search_trgm`.execute(db);
  }
}
