import type { Kysely } from "kysely";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import type { StaffGrant } from "../domain/permissions";
import { type ResolvedPrice, resolvePrice } from "../domain/pricing";
import { recordAudit } from "./audit.server";
import { inRegionScope } from "./scope.server";
import { assertPermission, type StaffActor } from "./staff-actor.server";
import { containsText } from "./text-search.server";

/**
 * Prices (价格管理, `price.manage`): customer levels (客户级别) and their discount, explicit
 * level prices (级别价) and customer-specific prices (客户专属价). Every price shown as "what the
 * customer pays" comes from resolvePrice, the one pricing rule.
 */

const MONEY_MAX = 1_000_000_000_000; // ¥10,000,000,000.00 — far above any price, far below 2^53

const isFen = (v: number) => Number.isSafeInteger(v) && v >= 0 && v <= MONEY_MAX;
const isDiscountBp = (v: number) => Number.isSafeInteger(v) && v >= 1 && v <= 10_000;
// ————————————————————————————————————— customer levels —————————————————————————————————————

export interface LevelRow {
  id: number;
  code: string;
  name: string;
  /** Basis points of the base order price: 9500 = 95 %. */
  discountBp: number;
  position: number;
  customerCount: number;
}

export async function listLevels(db: Kysely<DB>, grant: StaffGrant): Promise<LevelRow[]> {
  assertPermission({ grant }, "price.manage");
  const rows = await db
    .selectFrom("customer_levels as l")
    .select([
      "l.id",
      "l.code",
      "l.name",
      "l.discount_bp",
      "l.position",
      (eb) =>
        eb
          .selectFrom("customers as c")
          .select(eb.fn.countAll<number>().as("n"))
          .whereRef("c.level_id", "=", "l.id")
          .as("customerCount"),
    ])
    .orderBy("l.position")
    .orderBy("l.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    discountBp: r.discount_bp,
    position: r.position,
    customerCount: Number(r.customerCount),
  }));
}

export type LevelResult =
  | { ok: true; id: number }
  | { ok: false; error: "not_found" | "code_taken" | "name_taken" | "invalid_discount" };

async function levelTaken(db: Kysely<DB>, column: "code" | "name", value: string, exceptId: number | null) {
  let qb = db
    .selectFrom("customer_levels")
    .select("id")
    .where((eb) => eb(eb.fn("lower", [column]), "=", value.toLowerCase()));
  if (exceptId !== null) qb = qb.where("id", "<>", exceptId);
  return Boolean(await qb.executeTakeFirst());
}

export async function createLevel(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { code: string; name: string; discountBp: number },
  now: Date,
): Promise<LevelResult> {
  assertPermission(actor, "price.manage");
  const code = input.code.trim();
  const name = input.name.trim();
  if (!isDiscountBp(input.discountBp)) return { ok: false, error: "invalid_discount" };
  return db.transaction().execute(async (trx): Promise<LevelResult> => {
    if (await levelTaken(trx, "code", code, null)) return { ok: false, error: "code_taken" };
    if (await levelTaken(trx, "name", name, null)) return { ok: false, error: "name_taken" };
    const last = await trx
      .selectFrom("customer_levels")
      .select((eb) => eb.fn.max<number>("position").as("max"))
      .executeTakeFirst();
    const { id } = await trx
      .insertInto("customer_levels")
      .values({
        code,
        name,
        discount_bp: input.discountBp,
        position: last?.max == null ? 1 : Number(last.max) + 1,
        created_at: now.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      actor,
      {
        action: "customer_level.create",
        objectType: "customer_level",
        objectId: id,
        after: { code, name, discountBp: input.discountBp },
      },
      now,
    );
    return { ok: true, id };
  });
}

/** Renames a level or changes its discount; every customer of the level pays the new price at once. */
export async function updateLevel(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { id: number; name: string; discountBp: number },
  now: Date,
): Promise<LevelResult> {
  assertPermission(actor, "price.manage");
  const name = input.name.trim();
  if (!isDiscountBp(input.discountBp)) return { ok: false, error: "invalid_discount" };
  return db.transaction().execute(async (trx): Promise<LevelResult> => {
    const before = await forUpdate(
      trx,
      trx.selectFrom("customer_levels").select(["id", "name", "discount_bp"]).where("id", "=", input.id),
    ).executeTakeFirst();
    if (!before) return { ok: false, error: "not_found" };
    if (await levelTaken(trx, "name", name, input.id)) return { ok: false, error: "name_taken" };
    if (before.name === name && before.discount_bp === input.discountBp) return { ok: true, id: input.id };
    await trx
      .updateTable("customer_levels")
      .set({ name, discount_bp: input.discountBp })
      .where("id", "=", input.id)
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "customer_level.update",
        objectType: "customer_level",
        objectId: input.id,
        before: { name: before.name, discountBp: before.discount_bp },
        after: { name, discountBp: input.discountBp },
      },
      now,
    );
    return { ok: true, id: input.id };
  });
}

// ————————————————————————————————————————— SKUs —————————————————————————————————————————

export interface PricingSku {
  id: number;
  code: string;
  spec: string;
  unit: string;
  productId: number;
  productName: string;
  basePrice: number;
  retailPrice: number;
  listed: boolean;
}

function skuQuery(db: Kysely<DB>) {
  return db
    .selectFrom("skus as s")
    .innerJoin("products as p", "p.id", "s.product_id")
    .select([
      "s.id",
      "s.code",
      "s.spec",
      "s.unit",
      "s.product_id",
      "p.name as product_name",
      "s.base_price",
      "s.retail_price",
      "s.listed",
      "p.listed as product_listed",
    ]);
}

type SkuQueryRow = Awaited<ReturnType<ReturnType<typeof skuQuery>["executeTakeFirstOrThrow"]>>;

const toPricingSku = (r: SkuQueryRow): PricingSku => ({
  id: r.id,
  code: r.code,
  spec: r.spec,
  unit: r.unit,
  productId: r.product_id,
  productName: r.product_name,
  basePrice: Number(r.base_price),
  retailPrice: Number(r.retail_price),
  listed: r.listed === 1 && r.product_listed === 1,
});

/** SKUs by code, product name, barcode or spec; a page at a time by code. */
export async function searchSkus(
  db: Kysely<DB>,
  grant: StaffGrant,
  query: { q?: string; after?: string; limit: number },
): Promise<{ items: PricingSku[]; nextCursor: string | null }> {
  assertPermission({ grant }, "price.manage");
  let qb = skuQuery(db);
  const q = query.q?.trim();
  if (q) qb = qb.where(containsText(["s.code", "s.barcode", "p.search_text"], q));
  if (query.after) qb = qb.where("s.code", ">", query.after);
  const rows = await qb
    .orderBy("s.code")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(toPricingSku),
    nextCursor: rows.length > query.limit ? page[page.length - 1]!.code : null,
  };
}

export async function findSkuByCode(db: Kysely<DB>, grant: StaffGrant, code: string): Promise<PricingSku | null> {
  assertPermission({ grant }, "price.manage");
  const row = await skuQuery(db).where("s.code", "=", code.trim()).executeTakeFirst();
  return row ? toPricingSku(row) : null;
}

export interface SkuPricing {
  sku: PricingSku;
  /** Every level: its explicit price if set, and what its customers pay. */
  levels: Array<{
    levelId: number;
    code: string;
    name: string;
    discountBp: number;
    explicitPrice: number | null;
    resolved: ResolvedPrice;
  }>;
  /** Customer-specific prices for this SKU, only of customers the staff member may see. */
  customerPrices: Array<{
    customerId: number;
    code: string;
    name: string;
    regionName: string;
    levelName: string | null;
    price: number;
    /** What the customer would pay without its own price. */
    withoutOwnPrice: ResolvedPrice;
  }>;
}

export async function getSkuPricing(db: Kysely<DB>, grant: StaffGrant, skuId: number): Promise<SkuPricing | null> {
  assertPermission({ grant }, "price.manage");
  const skuRow = await skuQuery(db).where("s.id", "=", skuId).executeTakeFirst();
  if (!skuRow) return null;
  const sku = toPricingSku(skuRow);
  const [levels, levelPrices] = await Promise.all([
    db
      .selectFrom("customer_levels")
      .select(["id", "code", "name", "discount_bp"])
      .orderBy("position")
      .orderBy("id")
      .execute(),
    db.selectFrom("level_prices").select(["level_id", "price"]).where("sku_id", "=", skuId).execute(),
  ]);
  const explicitByLevel = new Map(levelPrices.map((r) => [r.level_id, Number(r.price)]));
  const customerRows = await inRegionScope(
    db
      .selectFrom("customer_prices as cp")
      .innerJoin("customers as c", "c.id", "cp.customer_id")
      .innerJoin("regions as r", "r.id", "c.region_id")
      .leftJoin("customer_levels as l", "l.id", "c.level_id")
      .select([
        "c.id",
        "c.code",
        "c.name",
        "r.name as region_name",
        "l.name as level_name",
        "l.discount_bp",
        "c.level_id",
        "cp.price",
      ])
      .where("cp.sku_id", "=", skuId),
    "c.region_id",
    grant,
  )
    .orderBy("c.code")
    .limit(500)
    .execute();
  const levelOf = (levelId: number | null, discountBp: number | null) =>
    levelId === null ? null : { discountBp: discountBp ?? 10_000, explicitPrice: explicitByLevel.get(levelId) ?? null };
  return {
    sku,
    levels: levels.map((l) => {
      const explicitPrice = explicitByLevel.get(l.id) ?? null;
      return {
        levelId: l.id,
        code: l.code,
        name: l.name,
        discountBp: l.discount_bp,
        explicitPrice,
        resolved: resolvePrice({ basePrice: sku.basePrice, level: { discountBp: l.discount_bp, explicitPrice } }),
      };
    }),
    customerPrices: customerRows.map((c) => ({
      customerId: c.id,
      code: c.code,
      name: c.name,
      regionName: c.region_name,
      levelName: c.level_name,
      price: Number(c.price),
      withoutOwnPrice: resolvePrice({ basePrice: sku.basePrice, level: levelOf(c.level_id, c.discount_bp) }),
    })),
  };
}

// ————————————————————————————————————————— customers —————————————————————————————————————————

export interface PricingCustomer {
  id: number;
  code: string;
  name: string;
  regionName: string;
  level: { id: number; name: string; discountBp: number } | null;
  ownPriceCount: number;
}

function customerQuery(db: Kysely<DB>, grant: StaffGrant) {
  return inRegionScope(
    db
      .selectFrom("customers as c")
      .innerJoin("regions as r", "r.id", "c.region_id")
      .leftJoin("customer_levels as l", "l.id", "c.level_id")
      .select([
        "c.id",
        "c.code",
        "c.name",
        "r.name as region_name",
        "c.level_id",
        "l.name as level_name",
        "l.discount_bp",
        (eb) =>
          eb
            .selectFrom("customer_prices as cp")
            .select(eb.fn.countAll<number>().as("n"))
            .whereRef("cp.customer_id", "=", "c.id")
            .as("own_price_count"),
      ]),
    "c.region_id",
    grant,
  );
}

type CustomerQueryRow = Awaited<ReturnType<ReturnType<typeof customerQuery>["executeTakeFirstOrThrow"]>>;

const toPricingCustomer = (r: CustomerQueryRow): PricingCustomer => ({
  id: r.id,
  code: r.code,
  name: r.name,
  regionName: r.region_name,
  level: r.level_id === null ? null : { id: r.level_id, name: r.level_name ?? "", discountBp: r.discount_bp ?? 10_000 },
  ownPriceCount: Number(r.own_price_count),
});

/** Customers the staff member may see (分区查看), by code or name, a page at a time. */
export async function searchCustomers(
  db: Kysely<DB>,
  grant: StaffGrant,
  query: { q?: string; after?: string; limit: number },
): Promise<{ items: PricingCustomer[]; nextCursor: string | null }> {
  assertPermission({ grant }, "price.manage");
  let qb = customerQuery(db, grant);
  const q = query.q?.trim();
  if (q) qb = qb.where(containsText(["c.code", "c.name"], q));
  if (query.after) qb = qb.where("c.code", ">", query.after);
  const rows = await qb
    .orderBy("c.code")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(toPricingCustomer),
    nextCursor: rows.length > query.limit ? page[page.length - 1]!.code : null,
  };
}

export async function findCustomerByCode(
  db: Kysely<DB>,
  grant: StaffGrant,
  code: string,
): Promise<PricingCustomer | null> {
  assertPermission({ grant }, "price.manage");
  const row = await customerQuery(db, grant).where("c.code", "=", code.trim()).executeTakeFirst();
  return row ? toPricingCustomer(row) : null;
}

export interface PriceQuote {
  sku: PricingSku;
  customerPrice: number | null;
  levelPrice: number | null;
  resolved: ResolvedPrice;
}

export interface CustomerPricing {
  customer: PricingCustomer;
  /** The customer's own prices, each with what it would pay without it. */
  ownPrices: Array<PriceQuote & { withoutOwnPrice: ResolvedPrice }>;
}

async function quoteMany(db: Kysely<DB>, customer: PricingCustomer, skus: PricingSku[]) {
  const ids = skus.map((s) => s.id);
  if (!ids.length) return [];
  const [own, levelPrices] = await Promise.all([
    db
      .selectFrom("customer_prices")
      .select(["sku_id", "price"])
      .where("customer_id", "=", customer.id)
      .where("sku_id", "in", ids)
      .execute(),
    customer.level
      ? db
          .selectFrom("level_prices")
          .select(["sku_id", "price"])
          .where("level_id", "=", customer.level.id)
          .where("sku_id", "in", ids)
          .execute()
      : Promise.resolve([]),
  ]);
  const ownBySku = new Map(own.map((r) => [r.sku_id, Number(r.price)]));
  const levelBySku = new Map(levelPrices.map((r) => [r.sku_id, Number(r.price)]));
  return skus.map((sku) => {
    const customerPrice = ownBySku.get(sku.id) ?? null;
    const levelPrice = levelBySku.get(sku.id) ?? null;
    const level = customer.level ? { discountBp: customer.level.discountBp, explicitPrice: levelPrice } : null;
    return {
      sku,
      customerPrice,
      levelPrice,
      resolved: resolvePrice({ basePrice: sku.basePrice, customerPrice, level }),
      withoutOwnPrice: resolvePrice({ basePrice: sku.basePrice, level }),
    };
  });
}

export async function getCustomerPricing(
  db: Kysely<DB>,
  grant: StaffGrant,
  customerId: number,
): Promise<CustomerPricing | null> {
  assertPermission({ grant }, "price.manage");
  const row = await customerQuery(db, grant).where("c.id", "=", customerId).executeTakeFirst();
  if (!row) return null;
  const customer = toPricingCustomer(row);
  const skuRows = await skuQuery(db)
    .innerJoin("customer_prices as cp", "cp.sku_id", "s.id")
    .where("cp.customer_id", "=", customerId)
    .orderBy("s.code")
    .limit(500)
    .execute();
  return { customer, ownPrices: await quoteMany(db, customer, skuRows.map(toPricingSku)) };
}

/** What a customer would pay for one SKU today, and which rule decided it. */
export async function quotePrice(
  db: Kysely<DB>,
  grant: StaffGrant,
  input: { customerId: number; skuCode: string },
): Promise<PriceQuote | null> {
  assertPermission({ grant }, "price.manage");
  const row = await customerQuery(db, grant).where("c.id", "=", input.customerId).executeTakeFirst();
  const sku = await findSkuByCode(db, grant, input.skuCode);
  if (!row || !sku) return null;
  const [quote] = await quoteMany(db, toPricingCustomer(row), [sku]);
  return quote ?? null;
}

// ————————————————————————————————————————— setting prices —————————————————————————————————————————

export type SetPriceResult = { ok: true } | { ok: false; error: "not_found" | "invalid_price" };

async function skuExists(db: Kysely<DB>, skuId: number) {
  return Boolean(await db.selectFrom("skus").select("id").where("id", "=", skuId).executeTakeFirst());
}

/** Sets a level's explicit price for a SKU (级别价), which then wins over the level's discount. */
export async function setLevelPrice(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { levelId: number; skuId: number; price: number },
  now: Date,
): Promise<SetPriceResult> {
  assertPermission(actor, "price.manage");
  if (!isFen(input.price)) return { ok: false, error: "invalid_price" };
  return db.transaction().execute(async (trx): Promise<SetPriceResult> => {
    const level = await trx
      .selectFrom("customer_levels")
      .select("id")
      .where("id", "=", input.levelId)
      .executeTakeFirst();
    if (!level || !(await skuExists(trx, input.skuId))) return { ok: false, error: "not_found" };
    const before = await forUpdate(
      trx,
      trx
        .selectFrom("level_prices")
        .select("price")
        .where("level_id", "=", input.levelId)
        .where("sku_id", "=", input.skuId),
    ).executeTakeFirst();
    await trx
      .insertInto("level_prices")
      .values({ level_id: input.levelId, sku_id: input.skuId, price: input.price })
      .onConflict((oc) => oc.columns(["level_id", "sku_id"]).doUpdateSet({ price: input.price }))
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "level_price.set",
        objectType: "level_price",
        objectId: `${input.levelId}:${input.skuId}`,
        before: before ? { price: Number(before.price) } : null,
        after: { price: input.price },
      },
      now,
    );
    return { ok: true };
  });
}

/** Removes a level's explicit price: the level's discount applies again. */
export async function clearLevelPrice(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { levelId: number; skuId: number },
  now: Date,
): Promise<SetPriceResult> {
  assertPermission(actor, "price.manage");
  return db.transaction().execute(async (trx): Promise<SetPriceResult> => {
    const before = await forUpdate(
      trx,
      trx
        .selectFrom("level_prices")
        .select("price")
        .where("level_id", "=", input.levelId)
        .where("sku_id", "=", input.skuId),
    ).executeTakeFirst();
    if (!before) return { ok: true };
    await trx
      .deleteFrom("level_prices")
      .where("level_id", "=", input.levelId)
      .where("sku_id", "=", input.skuId)
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "level_price.clear",
        objectType: "level_price",
        objectId: `${input.levelId}:${input.skuId}`,
        before: { price: Number(before.price) },
        after: null,
      },
      now,
    );
    return { ok: true };
  });
}

/** The customer, if the staff member's regions include it; otherwise it does not exist for them. */
async function customerInScope(db: Kysely<DB>, grant: StaffGrant, customerId: number): Promise<boolean> {
  const row = await inRegionScope(
    db.selectFrom("customers as c").select("c.id").where("c.id", "=", customerId),
    "c.region_id",
    grant,
  ).executeTakeFirst();
  return Boolean(row);
}

/** Sets a customer's own price for a SKU (客户专属价), which wins over every other rule. */
export async function setCustomerPrice(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { customerId: number; skuId: number; price: number },
  now: Date,
): Promise<SetPriceResult> {
  assertPermission(actor, "price.manage");
  if (!isFen(input.price)) return { ok: false, error: "invalid_price" };
  return db.transaction().execute(async (trx): Promise<SetPriceResult> => {
    if (!(await customerInScope(trx, actor.grant, input.customerId)) || !(await skuExists(trx, input.skuId))) {
      return { ok: false, error: "not_found" };
    }
    const before = await forUpdate(
      trx,
      trx
        .selectFrom("customer_prices")
        .select("price")
        .where("customer_id", "=", input.customerId)
        .where("sku_id", "=", input.skuId),
    ).executeTakeFirst();
    await trx
      .insertInto("customer_prices")
      .values({ customer_id: input.customerId, sku_id: input.skuId, price: input.price })
      .onConflict((oc) => oc.columns(["customer_id", "sku_id"]).doUpdateSet({ price: input.price }))
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "customer_price.set",
        objectType: "customer_price",
        objectId: `${input.customerId}:${input.skuId}`,
        before: before ? { price: Number(before.price) } : null,
        after: { price: input.price },
      },
      now,
    );
    return { ok: true };
  });
}

export async function clearCustomerPrice(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { customerId: number; skuId: number },
  now: Date,
): Promise<SetPriceResult> {
  assertPermission(actor, "price.manage");
  return db.transaction().execute(async (trx): Promise<SetPriceResult> => {
    if (!(await customerInScope(trx, actor.grant, input.customerId))) return { ok: false, error: "not_found" };
    const before = await forUpdate(
      trx,
      trx
        .selectFrom("customer_prices")
        .select("price")
        .where("customer_id", "=", input.customerId)
        .where("sku_id", "=", input.skuId),
    ).executeTakeFirst();
    if (!before) return { ok: true };
    await trx
      .deleteFrom("customer_prices")
      .where("customer_id", "=", input.customerId)
      .where("sku_id", "=", input.skuId)
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "customer_price.clear",
        objectType: "customer_price",
        objectId: `${input.customerId}:${input.skuId}`,
        before: { price: Number(before.price) },
        after: null,
      },
      now,
    );
    return { ok: true };
  });
}
