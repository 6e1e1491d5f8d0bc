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

export async function makeWarehouse(db: Kysely<DB>, options: { code?: string; name?: string; active?: boolean } = {}) {
  const n = next();
  return db
    .insertInto("warehouses")
    .values({
      code: options.code ?? `WH${n}`,
      name: options.name ?? `仓库${n}`,
      active: options.active === false ? 0 : 1,
      created_at: NOW.toISOString(),
    })
    .returning(["id", "code", "name"])
    .executeTakeFirstOrThrow();
}

/** A product with one SKU and no stock, for stock tests. */
export async function makeStockSku(db: Kysely<DB>, options: { code?: string; productName?: string } = {}) {
  const n = next();
  const at = NOW.toISOString();
  const product = await db
    .insertInto("products")
    .values({ name: options.productName ?? `库存测试商品${n}`, created_at: at, updated_at: at })
    .returning("id")
    .executeTakeFirstOrThrow();
  return db
    .insertInto("skus")
    .values({
      product_id: product.id,
      code: options.code ?? `SKU-${n}`,
      unit: "箱",
      base_price: 1000,
      retail_price: 1500,
      created_at: at,
      updated_at: at,
    })
    .returning(["id", "code"])
    .executeTakeFirstOrThrow();
}

/** A listed product with one SKU at `basePrice` fen and `stock` units in a fresh warehouse. */
export async function makeOrderableSku(
  db: Kysely<DB>,
  options: {
    basePrice?: number;
    stock?: number;
    minQty?: number;
    multiple?: number;
    listed?: boolean;
    name?: string;
  } = {},
) {
  const n = next();
  const at = NOW.toISOString();
  const product = await db
    .insertInto("products")
    .values({
      name: options.name ?? `订货测试商品${n}`,
      search_text: `订货测试商品${n} ord-${n}`,
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const sku = await db
    .insertInto("skus")
    .values({
      product_id: product.id,
      code: `ORD-${n}`,
      unit: "箱",
      base_price: options.basePrice ?? 1000,
      retail_price: 2000,
      min_qty: options.minQty ?? 1,
      multiple: options.multiple ?? 1,
      listed: options.listed === false ? 0 : 1,
      created_at: at,
      updated_at: at,
    })
    .returning(["id", "code"])
    .executeTakeFirstOrThrow();
  const warehouse = await db
    .insertInto("warehouses")
    .values({ code: `W-${n}`, name: `仓库${n}`, created_at: at })
    .returning("id")
    .executeTakeFirstOrThrow();
  const stock = options.stock ?? 100;
  await db
    .insertInto("stock")
    .values({ sku_id: sku.id, warehouse_id: warehouse.id, on_hand: stock, reserved: 0 })
    .execute();
  if (stock > 0) {
    await db
      .insertInto("stock_movements")
      .values({ sku_id: sku.id, warehouse_id: warehouse.id, kind: "initial", delta: stock, on_hand_after: stock, at })
      .execute();
  }
  return { productId: product.id, skuId: sku.id, code: sku.code, warehouseId: warehouse.id };
}
