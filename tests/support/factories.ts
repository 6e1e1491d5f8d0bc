import type { Kysely } from "kysely";
import type { Permission } from "../../app/domain/permissions";
import { createCustomer, createStaffAccount } from "../../app/services/accounts.server";
import { type Actor, SYSTEM_ACTOR } from "../../app/services/audit.server";
import type { DB } from "../../db/schema";

export const NOW = new Date("2026-11-27T08:00:00.000Z");
export const TEST_ACTOR: Actor = { ...SYSTEM_ACTOR, name: "test" };
export const PASSWORD = "correct horse battery";

let seq = 0;
const next = () => ++seq;

export async function makeRegion(db: Kysely<DB>, name?: string) {
  const n = next();
  return db
    .insertInto("regions")
    .values({ code: `r${n}`, name: name ?? `区域${n}`, created_at: NOW.toISOString() })
    .returning(["id", "code", "name"])
    .executeTakeFirstOrThrow();
}

export async function makeLevel(db: Kysely<DB>, discountBp = 9000) {
  const n = next();
  return db
    .insertInto("customer_levels")
    .values({ code: `L${n}`, name: `级别${n}`, discount_bp: discountBp, created_at: NOW.toISOString() })
    .returning(["id"])
    .executeTakeFirstOrThrow();
}

export async function builtinRoleId(db: Kysely<DB>, key: string) {
  const row = await db.selectFrom("roles").select("id").where("key", "=", key).executeTakeFirstOrThrow();
  return row.id;
}

/** A custom role holding exactly these permissions. */
export async function makeRole(db: Kysely<DB>, permissions: Permission[]) {
  const n = next();
  const role = await db
    .insertInto("roles")
    .values({ name: `测试角色${n}`, created_at: NOW.toISOString(), updated_at: NOW.toISOString() })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (permissions.length) {
    await db
      .insertInto("role_permissions")
      .values(permissions.map((permission_key) => ({ role_id: role.id, permission_key })))
      .execute();
  }
  return role.id;
}

export async function makeStaff(
  db: Kysely<DB>,
  options: { roleIds?: number[]; regionIds?: number[] | null; username?: string } = {},
) {
  const username = options.username ?? `staff${next()}`;
  const id = await createStaffAccount(
    db,
    TEST_ACTOR,
    {
      username,
      displayName: `员工 ${username}`,
      password: PASSWORD,
      roleIds: options.roleIds ?? [],
      regionIds: options.regionIds ?? null,
    },
    NOW,
  );
  return { id, username };
}

export async function makeCustomer(
  db: Kysely<DB>,
  options: { regionId?: number; username?: string; code?: string } = {},
) {
  const n = next();
  const regionId = options.regionId ?? (await makeRegion(db)).id;
  const username = options.username ?? `dealer${n}`;
  const id = await createCustomer(
    db,
    TEST_ACTOR,
    {
      code: options.code ?? `C${String(n).padStart(5, "0")}`,
      name: `测试经销商${n}有限公司`,
      levelId: null,
      regionId,
      contactName: "联系人",
      phone: "13800000000",
      address: "地址",
      username,
      password: PASSWORD,
    },
    NOW,
  );
  const { account_id } = await db
    .selectFrom("customers")
    .select("account_id")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return { id, accountId: account_id, username, regionId };
}
