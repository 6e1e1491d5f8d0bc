import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import type { StaffGrant } from "../domain/permissions";
import { inRegionScope } from "./scope.server";

export interface CustomerListItem {
  id: number;
  code: string;
  name: string;
  regionName: string;
  levelName: string | null;
  contactName: string;
  phone: string;
  username: string;
  active: boolean;
}

export interface CustomerListQuery {
  q?: string;
  /** Keyset cursor: the last customer code of the previous page. */
  after?: string;
  limit: number;
}

/** Customers the staff member may see, by code, a page at a time (keyset: no OFFSET). */
export async function listCustomers(
  db: Kysely<DB>,
  grant: StaffGrant,
  query: CustomerListQuery,
): Promise<{ items: CustomerListItem[]; nextCursor: string | null }> {
  let qb = db
    .selectFrom("customers as c")
    .innerJoin("regions as r", "r.id", "c.region_id")
    .innerJoin("accounts as a", "a.id", "c.account_id")
    .leftJoin("customer_levels as l", "l.id", "c.level_id")
    .select([
      "c.id",
      "c.code",
      "c.name",
      "r.name as regionName",
      "l.name as levelName",
      "c.contact_name as contactName",
      "c.phone",
      "a.username",
      "c.active",
    ]);
  qb = inRegionScope(qb, "c.region_id", grant);
  const q = query.q?.trim().toLowerCase();
  if (q) {
    // lower() on both sides: LIKE is case-insensitive on SQLite only.
    const pattern = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    qb = qb.where((eb) =>
      eb.or([
        eb(eb.fn("lower", ["c.code"]), "like", pattern),
        eb(eb.fn("lower", ["c.name"]), "like", pattern),
        eb(eb.fn("lower", ["a.username"]), "like", pattern),
      ]),
    );
  }
  if (query.after) qb = qb.where("c.code", ">", query.after);
  const rows = await qb
    .orderBy("c.code")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({ ...r, active: r.active === 1 })),
    nextCursor: rows.length > query.limit ? page[page.length - 1]!.code : null,
  };
}
