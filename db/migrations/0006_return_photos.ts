import { type Kysely, sql } from "kysely";

// Photos a dealer attaches to a return (退货照片): the image itself lives once in `images`
// (deduplicated by content hash); this keeps their order on the return.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("return_photos")
    .addColumn("return_id", "integer", (c) => c.notNull().references("returns.id").onDelete("cascade"))
    .addColumn("image_id", "integer", (c) => c.notNull().references("images.id"))
    .addColumn("position", "integer", (c) => c.notNull().check(sql`position >= 0`))
    .addPrimaryKeyConstraint("return_photos_pk", ["return_id", "position"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("return_photos").execute();
}
