import { type ReferenceExpression, type SelectQueryBuilder, sql } from "kysely";
import type { StaffGrant } from "../domain/permissions";

/**
 * Narrows a query to the regions a staff member may see (分区查看). Every console list, count,
 * export and search passes through it, so a region-limited account sees 0 rows elsewhere.
 */
export function inRegionScope<QDB, TB extends keyof QDB, O>(
  query: SelectQueryBuilder<QDB, TB, O>,
  regionColumn: ReferenceExpression<QDB, TB>,
  grant: StaffGrant,
): SelectQueryBuilder<QDB, TB, O> {
  if (grant.regionIds === null) return query;
  if (grant.regionIds.length === 0) return query.where(sql<boolean>`1 = 0`);
  return query.where(regionColumn, "in", grant.regionIds as any);
}
