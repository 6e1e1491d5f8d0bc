import { type Kysely, sql } from "kysely";
import { isUniqueViolation } from "../../db/errors";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import type { StaffGrant } from "../domain/permissions";
import { productSearchText } from "../domain/product-search";
import { formatProductTags, type ProductTag, parseProductTags } from "../domain/product-tags";
import { checkSkuRows, type SkuProblem } from "../domain/sku-rules";
import { DEFAULT_PRODUCT_SORT, type ProductSort } from "../forms/product-list";
import { recordAudit } from "./audit.server";
import { categoryTree, descendantIds } from "./catalog.server";
import { assertPermission, type StaffActor } from "./staff-actor.server";
import { productTextMatches } from "./text-search.server";

// ————————————————————————————————————————— saving —————————————————————————————————————————

export interface SkuInput {
  /** An existing SKU of this product to update; absent or unknown: a new SKU. */
  id?: number | null;
  spec: string;
  code: string;
  barcode: string;
  unit: string;
  basePrice: number; // 订货价, fen
  retailPrice: number; // 零售价, fen
  minQty: number;
  maxQty: number | null;
  multiple: number;
  listed: boolean;
}

export interface ProductInput {
  name: string;
  categoryId: number | null;
  description: string;
  tags: readonly string[];
  listed: boolean;
  skus: readonly SkuInput[];
}

/** Why a product cannot be saved as sent, attached to the field the person should fix. */
export type ProductProblem =
  | SkuProblem
  | { index: number; field: "code"; code: "code_taken" }
  | { index: null; field: "name"; code: "required" }
  | { index: null; field: "categoryId"; code: "category_not_found" };

export type SaveProductResult =
  | {
      ok: true;
      productId: number;
      /** SKUs taken off the form that orders or stock records still point at: unlisted (下架), not deleted. */
      keptSkuCodes: string[];
    }
  | { ok: false; error: "invalid"; problems: ProductProblem[] }
  | { ok: false; error: "not_found" | "stale" };

function normalise(input: ProductInput): ProductInput {
  return {
    name: input.name.trim(),
    categoryId: input.categoryId,
    description: input.description.trim(),
    tags: parseProductTags(formatProductTags(input.tags)),
    listed: input.listed,
    skus: input.skus.map((s) => ({
      ...s,
      spec: s.spec.trim(),
      code: s.code.trim(),
      barcode: s.barcode.trim(),
      unit: s.unit.trim(),
    })),
  };
}

/** The rules that need the database: the category exists, no SKU code belongs to anyone else. */
async function findProblems(
  db: Kysely<DB>,
  input: ProductInput,
  options: { productId: number | null; reservedCodes: readonly string[] },
): Promise<ProductProblem[]> {
  const problems: ProductProblem[] = [...checkSkuRows(input.skus)];
  if (!input.name) problems.push({ index: null, field: "name", code: "required" });
  if (input.categoryId !== null) {
    const category = await db
      .selectFrom("categories")
      .select("id")
      .where("id", "=", input.categoryId)
      .executeTakeFirst();
    if (!category) problems.push({ index: null, field: "categoryId", code: "category_not_found" });
  }
  const codes = [...new Set(input.skus.map((s) => s.code).filter(Boolean))];
  if (codes.length) {
    let qb = db.selectFrom("skus").select("code").where("code", "in", codes);
    if (options.productId !== null) qb = qb.where("product_id", "<>", options.productId);
    const taken = new Set([...(await qb.execute()).map((r) => r.code), ...options.reservedCodes]);
    input.skus.forEach((s, index) => {
      const repeated = problems.some((p) => p.index === index && p.field === "code");
      if (!repeated && taken.has(s.code)) problems.push({ index, field: "code", code: "code_taken" });
    });
  }
  return problems;
}

const skuValues = (s: SkuInput, position: number, at: string) => ({
  spec: s.spec,
  code: s.code,
  barcode: s.barcode,
  unit: s.unit,
  base_price: s.basePrice,
  retail_price: s.retailPrice,
  min_qty: s.minQty,
  max_qty: s.maxQty,
  multiple: s.multiple,
  listed: s.listed ? 1 : 0,
  position,
  updated_at: at,
});

type SkuRow = {
  id: number;
  code: string;
  spec: string;
  barcode: string;
  unit: string;
  base_price: number;
  retail_price: number;
  min_qty: number;
  max_qty: number | null;
  multiple: number;
  listed: number;
};

const skuSnapshot = (s: SkuRow) => ({
  id: s.id,
  code: s.code,
  spec: s.spec,
  barcode: s.barcode,
  unit: s.unit,
  basePrice: Number(s.base_price),
  retailPrice: Number(s.retail_price),
  minQty: s.min_qty,
  maxQty: s.max_qty,
  multiple: s.multiple,
  listed: s.listed === 1,
});

async function productSnapshot(db: Kysely<DB>, productId: number) {
  const product = await db
    .selectFrom("products")
    .select(["name", "category_id", "description", "tags", "listed"])
    .where("id", "=", productId)
    .executeTakeFirstOrThrow();
  const skus = await db
    .selectFrom("skus")
    .select([
      "id",
      "code",
      "spec",
      "barcode",
      "unit",
      "base_price",
      "retail_price",
      "min_qty",
      "max_qty",
      "multiple",
      "listed",
    ])
    .where("product_id", "=", productId)
    .orderBy("position")
    .orderBy("id")
    .execute();
  return {
    name: product.name,
    categoryId: product.category_id,
    description: product.description,
    tags: product.tags,
    listed: product.listed === 1,
    skus: skus.map(skuSnapshot),
  };
}

/** Keeps products.search_text equal to productSearchText of the product and all its SKUs. */
async function refreshSearchText(db: Kysely<DB>, productId: number): Promise<void> {
  const product = await db
    .selectFrom("products")
    .select(["name", "tags"])
    .where("id", "=", productId)
    .executeTakeFirstOrThrow();
  const skus = await db
    .selectFrom("skus")
    .select(["code", "barcode", "spec"])
    .where("product_id", "=", productId)
    .orderBy("position")
    .orderBy("id")
    .execute();
  await db
    .updateTable("products")
    .set({ search_text: productSearchText(product, skus) })
    .where("id", "=", productId)
    .execute();
}

/**
 * A concurrent save took a SKU code between our check and our insert (PostgreSQL reports the
 * unique violation at commit time): answer with the same field error the check would have given.
 */
async function explainUniqueViolation(
  db: Kysely<DB>,
  input: ProductInput,
  productId: number | null,
  error: unknown,
): Promise<SaveProductResult> {
  if (!isUniqueViolation(error)) throw error;
  const problems = await findProblems(db, input, { productId, reservedCodes: [] });
  if (!problems.length) throw error;
  return { ok: false, error: "invalid", problems };
}

/** Creates a product (商品) with its SKUs (规格) in one transaction, with its audit row. */
export async function createProduct(
  db: Kysely<DB>,
  actor: StaffActor,
  rawInput: ProductInput,
  now: Date,
): Promise<SaveProductResult> {
  assertPermission(actor, "product.manage");
  const input = normalise(rawInput);
  try {
    return await db.transaction().execute(async (trx): Promise<SaveProductResult> => {
      const problems = await findProblems(trx, input, { productId: null, reservedCodes: [] });
      if (problems.length) return { ok: false, error: "invalid", problems };
      const at = now.toISOString();
      const { id } = await trx
        .insertInto("products")
        .values({
          name: input.name,
          category_id: input.categoryId,
          description: input.description,
          tags: formatProductTags(input.tags),
          listed: input.listed ? 1 : 0,
          search_text: productSearchText({ name: input.name, tags: formatProductTags(input.tags) }, input.skus),
          created_at: at,
          updated_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("skus")
        .values(input.skus.map((s, position) => ({ ...skuValues(s, position, at), product_id: id, created_at: at })))
        .execute();
      await recordAudit(
        trx,
        actor,
        { action: "product.create", objectType: "product", objectId: id, after: await productSnapshot(trx, id) },
        now,
      );
      return { ok: true, productId: id, keptSkuCodes: [] };
    });
  } catch (error) {
    return explainUniqueViolation(db, input, null, error);
  }
}

/** SKU ids among `skuIds` that an order line or a stock movement points at: they must never be deleted. */
export async function skuIdsInUse(db: Kysely<DB>, skuIds: readonly number[]): Promise<Set<number>> {
  if (!skuIds.length) return new Set();
  const ids = [...skuIds];
  const [lines, movements] = await Promise.all([
    db.selectFrom("order_lines").select("sku_id").distinct().where("sku_id", "in", ids).execute(),
    db.selectFrom("stock_movements").select("sku_id").distinct().where("sku_id", "in", ids).execute(),
  ]);
  return new Set([...lines, ...movements].map((r) => r.sku_id));
}

/**
 * Saves a product and its SKU rows as the form sends them: rows with a known id are updated,
 * others inserted, missing ones deleted — except SKUs that orders or stock records point at,
 * which are unlisted (下架) and kept, and reported back so the page can say why.
 * `expectedUpdatedAt` (when the form was opened) refuses to overwrite someone else's save.
 */
export async function updateProduct(
  db: Kysely<DB>,
  actor: StaffActor,
  productId: number,
  rawInput: ProductInput & { expectedUpdatedAt?: string | null },
  now: Date,
): Promise<SaveProductResult> {
  assertPermission(actor, "product.manage");
  const input = normalise(rawInput);
  try {
    return await db.transaction().execute(async (trx): Promise<SaveProductResult> => {
      const product = await forUpdate(
        trx,
        trx.selectFrom("products").select(["id", "updated_at"]).where("id", "=", productId),
      ).executeTakeFirst();
      if (!product) return { ok: false, error: "not_found" };
      if (rawInput.expectedUpdatedAt && rawInput.expectedUpdatedAt !== product.updated_at) {
        return { ok: false, error: "stale" };
      }
      const before = await productSnapshot(trx, productId);
      const existing = new Map(before.skus.map((s) => [s.id, s]));
      // An id that is not one of this product's SKUs is never trusted: the row becomes a new SKU.
      const rows = input.skus.map((s) => ({ ...s, id: s.id != null && existing.has(s.id) ? s.id : null }));
      const submittedIds = new Set(rows.map((s) => s.id).filter((id): id is number => id !== null));
      const removed = before.skus.filter((s) => !submittedIds.has(s.id));
      const inUse = await skuIdsInUse(
        trx,
        removed.map((s) => s.id),
      );
      const kept = removed.filter((s) => inUse.has(s.id));
      const deleted = removed.filter((s) => !inUse.has(s.id));

      const problems = await findProblems(
        trx,
        { ...input, skus: rows },
        { productId, reservedCodes: kept.map((s) => s.code) },
      );
      if (problems.length) return { ok: false, error: "invalid", problems };

      const at = now.toISOString();
      if (deleted.length) {
        await trx
          .deleteFrom("skus")
          .where(
            "id",
            "in",
            deleted.map((s) => s.id),
          )
          .execute();
      }
      // Codes may be swapped between rows of this product: park changed ones first so the
      // unique index never sees two rows with one code mid-update.
      const recoded = rows.filter((s) => s.id !== null && existing.get(s.id)!.code !== s.code);
      for (const s of recoded) {
        await trx
          .updateTable("skus")
          .set({ code: `~${s.id}~${at}` })
          .where("id", "=", s.id!)
          .execute();
      }
      for (const [position, s] of rows.entries()) {
        if (s.id !== null) {
          await trx
            .updateTable("skus")
            .set(skuValues(s, position, at))
            .where("id", "=", s.id)
            .execute();
        } else {
          await trx
            .insertInto("skus")
            .values({ ...skuValues(s, position, at), product_id: productId, created_at: at })
            .execute();
        }
      }
      for (const [i, s] of kept.entries()) {
        await trx
          .updateTable("skus")
          .set({ listed: 0, position: rows.length + i, updated_at: at })
          .where("id", "=", s.id)
          .execute();
      }
      await trx
        .updateTable("products")
        .set({
          name: input.name,
          category_id: input.categoryId,
          description: input.description,
          tags: formatProductTags(input.tags),
          listed: input.listed ? 1 : 0,
          updated_at: at,
        })
        .where("id", "=", productId)
        .execute();
      await refreshSearchText(trx, productId);
      await recordAudit(
        trx,
        actor,
        {
          action: "product.update",
          objectType: "product",
          objectId: productId,
          before,
          after: await productSnapshot(trx, productId),
        },
        now,
      );
      return { ok: true, productId, keptSkuCodes: kept.map((s) => s.code) };
    });
  } catch (error) {
    return explainUniqueViolation(db, input, productId, error);
  }
}

// ————————————————————————————————————————— reading —————————————————————————————————————————

export interface ProductDetail {
  id: number;
  name: string;
  categoryId: number | null;
  description: string;
  tags: ProductTag[];
  listed: boolean;
  createdAt: string;
  updatedAt: string;
  skus: Array<{
    id: number;
    spec: string;
    code: string;
    barcode: string;
    unit: string;
    basePrice: number;
    retailPrice: number;
    minQty: number;
    maxQty: number | null;
    multiple: number;
    listed: boolean;
    /** Orders or stock records point at it: it can be unlisted, never deleted. */
    inUse: boolean;
  }>;
  images: Array<{ id: number; position: number; width: number; height: number }>;
}

/** One product for the console's edit page, or null. */
export async function getProduct(db: Kysely<DB>, grant: StaffGrant, productId: number): Promise<ProductDetail | null> {
  assertPermission({ grant }, "product.view");
  const product = await db.selectFrom("products").selectAll().where("id", "=", productId).executeTakeFirst();
  if (!product) return null;
  const [skus, images] = await Promise.all([
    db.selectFrom("skus").selectAll().where("product_id", "=", productId).orderBy("position").orderBy("id").execute(),
    db
      .selectFrom("product_images as pi")
      .innerJoin("images as i", "i.id", "pi.image_id")
      .select(["i.id", "pi.position", "i.width", "i.height"])
      .where("pi.product_id", "=", productId)
      .orderBy("pi.position")
      .orderBy("i.id")
      .execute(),
  ]);
  const inUse = await skuIdsInUse(
    db,
    skus.map((s) => s.id),
  );
  return {
    id: product.id,
    name: product.name,
    categoryId: product.category_id,
    description: product.description,
    tags: parseProductTags(product.tags),
    listed: product.listed === 1,
    createdAt: product.created_at,
    updatedAt: product.updated_at,
    skus: skus.map((s) => ({
      id: s.id,
      spec: s.spec,
      code: s.code,
      barcode: s.barcode,
      unit: s.unit,
      basePrice: Number(s.base_price),
      retailPrice: Number(s.retail_price),
      minQty: s.min_qty,
      maxQty: s.max_qty,
      multiple: s.multiple,
      listed: s.listed === 1,
      inUse: inUse.has(s.id),
    })),
    images: images.map((i) => ({ ...i })),
  };
}

export interface ProductListQuery {
  /** Matches name, tags, SKU codes, barcodes and specs (products.search_text). */
  q?: string;
  /** This category and every category under it. */
  categoryId?: number;
  listed?: "listed" | "unlisted";
  tag?: ProductTag;
  sort?: ProductSort;
  /** Keyset cursor from the previous page's `nextCursor`. */
  cursor?: string;
  limit: number;
}

export interface ProductListItem {
  id: number;
  name: string;
  categoryId: number | null;
  listed: boolean;
  tags: ProductTag[];
  updatedAt: string;
  skuCount: number;
  listedSkuCount: number;
  /** The first few SKU codes, in SKU order. */
  codes: string[];
  minBasePrice: number | null;
  maxBasePrice: number | null;
  /** The first image, for a thumbnail. */
  imageId: number | null;
}

function encodeCursor(sort: ProductSort, value: string, id: number): string {
  return Buffer.from(JSON.stringify([sort, value, id])).toString("base64url");
}

function decodeCursor(sort: ProductSort, cursor: string | undefined): { value: string; id: number } | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 3) return null;
    const [s, value, id] = parsed;
    // A cursor from another sort order would skip or repeat rows: start from the top instead.
    if (s !== sort || typeof value !== "string" || !Number.isSafeInteger(id)) return null;
    return { value, id };
  } catch {
    return null;
  }
}

/** The console's product list: filtered, sorted, a page at a time by keyset (no OFFSET). */
export async function listProducts(
  db: Kysely<DB>,
  grant: StaffGrant,
  query: ProductListQuery,
): Promise<{ items: ProductListItem[]; nextCursor: string | null }> {
  assertPermission({ grant }, "product.view");
  const sort = query.sort ?? DEFAULT_PRODUCT_SORT;
  const column = sort.endsWith("name") ? ("p.name" as const) : ("p.updated_at" as const);
  const descending = sort.startsWith("-");

  let qb = db.selectFrom("products as p").select([
    "p.id",
    "p.name",
    "p.category_id",
    "p.listed",
    "p.tags",
    "p.updated_at",
    (eb) =>
      eb
        .selectFrom("skus as s")
        .select(eb.fn.countAll<number>().as("n"))
        .whereRef("s.product_id", "=", "p.id")
        .as("skuCount"),
    (eb) =>
      eb
        .selectFrom("skus as s")
        .select(eb.fn.countAll<number>().as("n"))
        .whereRef("s.product_id", "=", "p.id")
        .where("s.listed", "=", 1)
        .as("listedSkuCount"),
    (eb) =>
      eb
        .selectFrom("skus as s")
        .select((sub) => sub.fn.min<number>("s.base_price").as("v"))
        .whereRef("s.product_id", "=", "p.id")
        .as("minBasePrice"),
    (eb) =>
      eb
        .selectFrom("skus as s")
        .select((sub) => sub.fn.max<number>("s.base_price").as("v"))
        .whereRef("s.product_id", "=", "p.id")
        .as("maxBasePrice"),
    (eb) =>
      eb
        .selectFrom("product_images as pi")
        .select("pi.image_id")
        .whereRef("pi.product_id", "=", "p.id")
        .orderBy("pi.position")
        .orderBy("pi.image_id")
        .limit(1)
        .as("imageId"),
  ]);

  const q = query.q?.trim().toLowerCase();
  if (q) qb = qb.where(productTextMatches(db, { id: "p.id", searchText: "p.search_text" }, q));
  if (query.categoryId) {
    const ids = descendantIds(await categoryTree(db), query.categoryId);
    qb = qb.where("p.category_id", "in", ids.length ? ids : [-1]);
  }
  if (query.listed) qb = qb.where("p.listed", "=", query.listed === "listed" ? 1 : 0);
  if (query.tag) qb = qb.where(sql<boolean>`(' ' || p.tags || ' ') like ${`% ${query.tag} %`}`);

  const after = decodeCursor(sort, query.cursor);
  if (after) {
    const op = descending ? "<" : ">";
    qb = qb.where((eb) =>
      eb.or([eb(column, op, after.value), eb.and([eb(column, "=", after.value), eb("p.id", op, after.id)])]),
    );
  }
  const rows = await qb
    .orderBy(column, descending ? "desc" : "asc")
    .orderBy("p.id", descending ? "desc" : "asc")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);

  const skuCodes = page.length
    ? await db
        .selectFrom("skus")
        .select(["product_id", "code"])
        .where(
          "product_id",
          "in",
          page.map((r) => r.id),
        )
        .orderBy("product_id")
        .orderBy("position")
        .orderBy("id")
        .execute()
    : [];
  const items = page.map(
    (r): ProductListItem => ({
      id: r.id,
      name: r.name,
      categoryId: r.category_id,
      listed: r.listed === 1,
      tags: parseProductTags(r.tags),
      updatedAt: r.updated_at,
      skuCount: Number(r.skuCount),
      listedSkuCount: Number(r.listedSkuCount),
      codes: skuCodes
        .filter((s) => s.product_id === r.id)
        .slice(0, 3)
        .map((s) => s.code),
      minBasePrice: r.minBasePrice == null ? null : Number(r.minBasePrice),
      maxBasePrice: r.maxBasePrice == null ? null : Number(r.maxBasePrice),
      imageId: r.imageId == null ? null : Number(r.imageId),
    }),
  );
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor(sort, column === "p.name" ? last.name : last.updated_at, last.id)
      : null;
  return { items, nextCursor };
}
