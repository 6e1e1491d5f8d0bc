import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { StaffGrant } from "../../domain/permissions";
import { inRegionScope } from "../scope.server";

/** The level and region codes a file may use, as the import page lists them for the importer. */
export async function importReferenceCodes(
  db: Kysely<DB>,
  grant: StaffGrant,
): Promise<{ levels: Array<{ code: string; name: string }>; regions: Array<{ code: string; name: string }> }> {
  const [levels, regions] = await Promise.all([
    db.selectFrom("customer_levels").select(["code", "name"]).orderBy("position").orderBy("id").execute(),
    inRegionScope(db.selectFrom("regions").select(["code", "name"]), "id", grant)
      .orderBy("id")
      .execute(),
  ]);
  return { levels, regions };
}
