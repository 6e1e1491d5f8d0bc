import { type Kysely, type ReferenceExpression, type SelectQueryBuilder, sql } from "kysely";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";
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

/** Whose orders a lookup may find: one customer's, some regions' (empty: none), or any. */
export type OrderScope = { customerId?: number; regionIds?: readonly number[] | null };

/**
 * One order by number (the query's orders table aliased `o`), narrowed to a scope: a prepared
 * statement per kind of scope, so the lookup is built once, not on every call.
 */
export function orderByNumberIn<O>(base: (db: Kysely<DB>, number: string) => SelectQueryBuilder<any, any, O>) {
  const by = {
    any: prepared((db: Kysely<DB>, p: { number: string }) => base(db, p.number)),
    customer: prepared((db: Kysely<DB>, p: { number: string; customerId: number }) =>
      base(db, p.number).where(sql.ref("o.customer_id"), "=", p.customerId),
    ),
    regions: prepared((db: Kysely<DB>, p: { number: string; regionIds: number[] }) =>
      base(db, p.number).where(sql.ref("o.region_id"), "in", p.regionIds),
    ),
  };
  return (db: Kysely<DB>, number: string, scope: OrderScope): Promise<O | undefined> =>
    scope.customerId !== undefined
      ? by.customer.executeTakeFirst(db, { number, customerId: scope.customerId })
      : scope.regionIds
        ? by.regions.executeTakeFirst(db, { number, regionIds: scope.regionIds.length ? [...scope.regionIds] : [-1] })
        : by.any.executeTakeFirst(db, { number });
}

const regionsIn = {
  all: prepared((db: Kysely<DB>, _p: Record<string, never>) =>
    db.selectFrom("regions").select(["id", "name"]).orderBy("id"),
  ),
  some: prepared((db: Kysely<DB>, p: { regionIds: number[] }) =>
    db.selectFrom("regions").select(["id", "name"]).where("id", "in", p.regionIds).orderBy("id"),
  ),
};

/** The regions a staff member works in, in id order: every region for one not limited to some. */
export async function regionsOf(db: Kysely<DB>, grant: StaffGrant): Promise<Array<{ id: number; name: string }>> {
  if (grant.regionIds === null) return regionsIn.all.execute(db, {});
  if (!grant.regionIds.length) return [];
  return regionsIn.some.execute(db, { regionIds: [...grant.regionIds] });
}
