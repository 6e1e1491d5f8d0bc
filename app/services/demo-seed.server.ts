import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import {
  DEMO_CUSTOMERS,
  DEMO_LEVELS,
  DEMO_PASSWORD,
  DEMO_REGIONS,
  DEMO_STAFF,
  REGIONAL_MANAGER_ROLE,
} from "../../db/seed/demo-data";
import { REGIONAL_MANAGER_PERMISSIONS } from "../domain/permissions";
import { createCustomer, createStaffAccount } from "./accounts.server";
import { type Actor, recordAudit } from "./audit.server";
import { seedDemoCatalog } from "./demo-catalog-seed.server";
import { seedDemoFunds } from "./demo-funds-seed.server";
import { seedDemoOrders } from "./demo-orders-seed.server";
import { seedDemoReturns } from "./demo-returns-seed.server";

const SEED_ACTOR: Actor = { accountId: null, name: "seed" };

/** Fills a demo database. Idempotent: what exists (by code or username) is left alone. */
export async function seedDemo(db: Kysely<DB>, now: Date): Promise<{ created: string[] }> {
  const created: string[] = [];
  const at = now.toISOString();

  for (const region of DEMO_REGIONS) {
    const exists = await db.selectFrom("regions").select("id").where("code", "=", region.code).executeTakeFirst();
    if (!exists) {
      await db
        .insertInto("regions")
        .values({ ...region, created_at: at })
        .execute();
      created.push(`region ${region.name}`);
    }
  }
  for (const level of DEMO_LEVELS) {
    const exists = await db
      .selectFrom("customer_levels")
      .select("id")
      .where("code", "=", level.code)
      .executeTakeFirst();
    if (!exists) {
      await db
        .insertInto("customer_levels")
        .values({
          code: level.code,
          name: level.name,
          discount_bp: level.discountBp,
          position: level.position,
          created_at: at,
        })
        .execute();
      created.push(`level ${level.name}`);
    }
  }

  const managerRole = await db
    .selectFrom("roles")
    .select("id")
    .where("name", "=", REGIONAL_MANAGER_ROLE)
    .executeTakeFirst();
  if (!managerRole) {
    await db.transaction().execute(async (trx) => {
      const role = await trx
        .insertInto("roles")
        .values({ name: REGIONAL_MANAGER_ROLE, builtin: 0, created_at: at, updated_at: at })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("role_permissions")
        .values(REGIONAL_MANAGER_PERMISSIONS.map((permission_key) => ({ role_id: role.id, permission_key })))
        .execute();
      await recordAudit(
        trx,
        SEED_ACTOR,
        { action: "role.create", objectType: "role", objectId: role.id, after: { name: REGIONAL_MANAGER_ROLE } },
        now,
      );
    });
    created.push(`role ${REGIONAL_MANAGER_ROLE}`);
  }

  const roles = await db.selectFrom("roles").select(["id", "key", "name"]).execute();
  const regions = await db.selectFrom("regions").select(["id", "code"]).execute();
  const levels = await db.selectFrom("customer_levels").select(["id", "code"]).execute();
  const regionId = (code: string) => regions.find((r) => r.code === code)!.id;

  for (const staff of DEMO_STAFF) {
    const exists = await db
      .selectFrom("accounts")
      .select("id")
      .where("username", "=", staff.username)
      .executeTakeFirst();
    if (exists) continue;
    const roleIds = roles
      .filter((r) => (staff.roleKeys as readonly string[]).includes(r.key ?? "") || r.name === staff.role)
      .map((r) => r.id);
    await createStaffAccount(
      db,
      SEED_ACTOR,
      {
        username: staff.username,
        displayName: staff.displayName,
        password: DEMO_PASSWORD,
        roleIds,
        regionIds: staff.regions ? staff.regions.map(regionId) : null,
      },
      now,
    );
    created.push(`staff ${staff.username}`);
  }

  for (const customer of DEMO_CUSTOMERS) {
    const exists = await db.selectFrom("customers").select("id").where("code", "=", customer.code).executeTakeFirst();
    if (exists) continue;
    await createCustomer(
      db,
      SEED_ACTOR,
      {
        code: customer.code,
        name: customer.name,
        levelId: levels.find((l) => l.code === customer.level)?.id ?? null,
        regionId: regionId(customer.region),
        contactName: customer.contactName,
        phone: customer.phone,
        address: customer.address,
        username: customer.username,
        password: DEMO_PASSWORD,
      },
      now,
    );
    created.push(`customer ${customer.username}`);
  }
  created.push(...(await seedDemoCatalog(db, now)));
  created.push(...(await seedDemoFunds(db, now)));
  created.push(...(await seedDemoOrders(db, now)));
  created.push(...(await seedDemoReturns(db, now)));
  return { created };
}
