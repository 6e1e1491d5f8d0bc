import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import {
  CATEGORY_SEPARATOR,
  codesInTable,
  type ExistingProduct,
  type ExistingSku,
  fenToYuan,
  formatFlag,
  formatTags,
  type HeaderLanguage,
  headerRow,
  type ImportReport,
  makeReport,
  type PlannedProduct,
  planProducts,
  type TableRow,
  validateProductTable,
} from "../../domain/import-rows";
import type { StaffGrant } from "../../domain/permissions";
import { applyDiscountBp } from "../../domain/pricing";
import { productSearchText } from "../../domain/product-search";
import { type Actor, recordAudit } from "../audit.server";
import { inBatches } from "./batches.server";
import type { ProgressReporter } from "./progress.server";
import type { ExportCell } from "./spreadsheet-stream.server";

/** Every category's path from the root ("饮料/果汁"), and the first category at each path. */
async function loadCategoryPaths(db: Kysely<DB>) {
  const rows = await db
    .selectFrom("categories")
    .select(["id", "parent_id", "name"])
    .orderBy("position")
    .orderBy("id")
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const pathOf = new Map<number, string[]>();
  const resolve = (id: number, seen = new Set<number>()): string[] => {
    const known = pathOf.get(id);
    if (known) return known;
    const row = byId.get(id);
    if (!row || seen.has(id)) return [];
    seen.add(id);
    const path = [...(row.parent_id === null ? [] : resolve(row.parent_id, seen)), row.name];
    pathOf.set(id, path);
    return path;
  };
  const idOfPath = new Map<string, number>();
  for (const row of rows) {
    const key = resolve(row.id).join(CATEGORY_SEPARATOR);
    if (!idOfPath.has(key)) idOfPath.set(key, row.id);
  }
  return { pathOf: (id: number | null) => (id === null ? [] : resolve(id)), idOfPath };
}

async function prepare(db: Kysely<DB>, grant: StaffGrant, table: readonly TableRow[], progress: ProgressReporter) {
  const levels = await db
    .selectFrom("customer_levels")
    .select(["id", "code"])
    .orderBy("position")
    .orderBy("id")
    .execute();
  const { codes } = codesInTable("products", table);
  const skus = new Map<string, ExistingSku & { id: number }>();
  for (const part of inBatches(codes)) {
    const rows = await db
      .selectFrom("skus")
      .select(["id", "code", "product_id", "min_qty", "max_qty", "multiple"])
      .where("code", "in", part)
      .execute();
    for (const r of rows) {
      skus.set(r.code, {
        id: r.id,
        productId: r.product_id,
        minQty: r.min_qty,
        maxQty: r.max_qty,
        multiple: r.multiple,
      });
    }
  }
  progress({ stage: "validate", done: 0, total: table.length });
  const validation = validateProductTable(table, {
    levelCodes: levels.map((l) => l.code),
    canManagePrices: grant.permissions.has("price.manage"),
    existingSkuCodes: new Set(skus.keys()),
  });

  // The products the plan may touch: those of the file's SKUs, and those its new SKUs may join by name.
  const productIds = [...new Set([...skus.values()].map((s) => s.productId))];
  const newNames = [...new Set(validation.rows.filter((r) => !skus.has(r.skuCode)).map((r) => r.productName!))];
  const categories = await loadCategoryPaths(db);
  const products = new Map<number, ExistingProduct>();
  const categoryIdOf = new Map<number, number | null>();
  const addProducts = (rows: Array<{ id: number; name: string; category_id: number | null }>) => {
    for (const p of rows) {
      products.set(p.id, { id: p.id, name: p.name, categoryPath: categories.pathOf(p.category_id) });
      categoryIdOf.set(p.id, p.category_id);
    }
  };
  for (const part of inBatches(productIds)) {
    addProducts(
      await db.selectFrom("products").select(["id", "name", "category_id"]).where("id", "in", part).execute(),
    );
  }
  for (const part of inBatches(newNames)) {
    addProducts(
      await db.selectFrom("products").select(["id", "name", "category_id"]).where("name", "in", part).execute(),
    );
  }
  const plan = planProducts(validation.rows, { skus, products });
  progress({ stage: "validate", done: table.length, total: table.length });
  return {
    report: makeReport("products", validation, plan.problems),
    plan,
    levels,
    skus,
    categories,
    products,
    categoryIdOf,
  };
}

/** The dry run: what importing this table would do, and every problem with it. Writes nothing. */
export async function checkProductImport(
  db: Kysely<DB>,
  grant: StaffGrant,
  table: readonly TableRow[],
  progress: ProgressReporter = () => {},
): Promise<ImportReport> {
  return (await prepare(db, grant, table, progress)).report;
}

export interface ProductImportSummary {
  createdSkus: number;
  updatedSkus: number;
  createdProducts: number;
  createdCategories: number;
}

/**
 * Imports products and SKUs (upserting by SKU code), with their level prices, in one
 * transaction with one audit row — or, if the table has any problem, writes nothing and returns
 * the dry run's report. The check runs again inside the transaction, so what was clean in the
 * dry run but changed since is caught.
 */
export async function importProducts(
  db: Kysely<DB>,
  actor: Actor,
  grant: StaffGrant,
  input: { fileName: string; table: readonly TableRow[] },
  now: Date,
  progress: ProgressReporter = () => {},
): Promise<{ ok: true; report: ImportReport; summary: ProductImportSummary } | { ok: false; report: ImportReport }> {
  return db.transaction().execute(async (trx) => {
    const prepared = await prepare(trx, grant, input.table, progress);
    if (prepared.report.problemCount > 0) return { ok: false as const, report: prepared.report };
    const summary = await applyPlan(trx, prepared, now, progress);
    await recordAudit(
      trx,
      actor,
      {
        action: "import.products",
        objectType: "import",
        after: { fileName: input.fileName, rows: prepared.report.dataRows, ...summary },
      },
      now,
    );
    return { ok: true as const, report: prepared.report, summary };
  });
}

async function applyPlan(
  trx: Kysely<DB>,
  prepared: Awaited<ReturnType<typeof prepare>>,
  now: Date,
  progress: ProgressReporter,
): Promise<ProductImportSummary> {
  const at = now.toISOString();
  const { plan, skus, categories } = prepared;
  const levelIdOf = new Map(prepared.levels.map((l) => [l.code, l.id]));
  const summary: ProductImportSummary = { createdSkus: 0, updatedSkus: 0, createdProducts: 0, createdCategories: 0 };
  const total = plan.products.reduce((n, p) => n + p.rows.length, 0);
  let written = 0;

  const ensureCategory = async (path: readonly string[]): Promise<number | null> => {
    if (!path.length) return null;
    const key = path.join(CATEGORY_SEPARATOR);
    const known = categories.idOfPath.get(key);
    if (known !== undefined) return known;
    const parentId = await ensureCategory(path.slice(0, -1));
    const siblings = trx.selectFrom("categories").select((eb) => eb.fn.max("position").as("position"));
    const last = await (parentId === null
      ? siblings.where("parent_id", "is", null)
      : siblings.where("parent_id", "=", parentId)
    ).executeTakeFirst();
    const { id } = await trx
      .insertInto("categories")
      .values({
        parent_id: parentId,
        name: path[path.length - 1]!,
        position: last?.position == null ? 0 : Number(last.position) + 1,
        created_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    categories.idOfPath.set(key, id);
    summary.createdCategories++;
    return id;
  };

  const touched: number[] = [];
  // Two categories may share a path; a product whose path is unchanged keeps the one it has.
  const categoryFor = (product: PlannedProduct) => {
    if (product.existingId !== null) {
      const before = prepared.products.get(product.existingId)!;
      if (before.categoryPath.join(CATEGORY_SEPARATOR) === product.categoryPath.join(CATEGORY_SEPARATOR)) {
        return Promise.resolve(prepared.categoryIdOf.get(product.existingId) ?? null);
      }
    }
    return ensureCategory(product.categoryPath);
  };
  for (const product of plan.products) {
    const productId = await upsertProduct(trx, product, await categoryFor(product), at);
    if (product.existingId === null) summary.createdProducts++;
    touched.push(productId);
    const last = await trx
      .selectFrom("skus")
      .select((eb) => eb.fn.max("position").as("position"))
      .where("product_id", "=", productId)
      .executeTakeFirst();
    let position = last?.position == null ? 0 : Number(last.position) + 1;

    for (const row of product.rows) {
      const existing = skus.get(row.skuCode);
      let skuId: number;
      if (existing) {
        skuId = existing.id;
        const changes = {
          ...(row.spec !== undefined && { spec: row.spec }),
          ...(row.barcode !== undefined && { barcode: row.barcode }),
          ...(row.unit !== undefined && { unit: row.unit }),
          ...(row.basePrice !== undefined && { base_price: row.basePrice }),
          ...(row.retailPrice !== undefined && { retail_price: row.retailPrice }),
          ...(row.minQty !== undefined && { min_qty: row.minQty }),
          ...(row.maxQty !== undefined && { max_qty: row.maxQty }),
          ...(row.multiple !== undefined && { multiple: row.multiple }),
          ...(row.listed !== undefined && { listed: row.listed ? 1 : 0 }),
        };
        await trx
          .updateTable("skus")
          .set({ ...changes, updated_at: at })
          .where("id", "=", skuId)
          .execute();
        summary.updatedSkus++;
      } else {
        const inserted = await trx
          .insertInto("skus")
          .values({
            product_id: productId,
            code: row.skuCode,
            barcode: row.barcode ?? "",
            spec: row.spec ?? "",
            unit: row.unit!,
            base_price: row.basePrice!,
            retail_price: row.retailPrice!,
            min_qty: row.minQty ?? 1,
            max_qty: row.maxQty ?? null,
            multiple: row.multiple ?? 1,
            listed: row.listed === false ? 0 : 1,
            position: position++,
            created_at: at,
            updated_at: at,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        skuId = inserted.id;
        summary.createdSkus++;
      }
      for (const lp of row.levelPrices) {
        const levelId = levelIdOf.get(lp.levelCode)!;
        if (lp.price === null) {
          await trx.deleteFrom("level_prices").where("level_id", "=", levelId).where("sku_id", "=", skuId).execute();
        } else {
          await trx
            .insertInto("level_prices")
            .values({ level_id: levelId, sku_id: skuId, price: lp.price })
            .onConflict((oc) => oc.columns(["level_id", "sku_id"]).doUpdateSet({ price: lp.price! }))
            .execute();
        }
      }
      progress({ stage: "write", done: ++written, total });
    }
  }
  await refreshSearchText(trx, touched);
  return summary;
}

async function upsertProduct(
  trx: Kysely<DB>,
  product: PlannedProduct,
  categoryId: number | null,
  at: string,
): Promise<number> {
  if (product.existingId !== null) {
    await trx
      .updateTable("products")
      .set({
        name: product.name,
        category_id: categoryId,
        ...(product.tags !== undefined && { tags: product.tags.join(" ") }),
        updated_at: at,
      })
      .where("id", "=", product.existingId)
      .execute();
    return product.existingId;
  }
  const { id } = await trx
    .insertInto("products")
    .values({
      name: product.name,
      category_id: categoryId,
      tags: (product.tags ?? []).join(" "),
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/** products.search_text from the product and all of its SKUs, as the storefront searches it. */
async function refreshSearchText(trx: Kysely<DB>, productIds: readonly number[]): Promise<void> {
  for (const part of inBatches([...new Set(productIds)])) {
    const [products, skus] = await Promise.all([
      trx.selectFrom("products").select(["id", "name", "tags"]).where("id", "in", part).execute(),
      trx
        .selectFrom("skus")
        .select(["product_id", "code", "barcode", "spec"])
        .where("product_id", "in", part)
        .orderBy("product_id")
        .orderBy("position")
        .orderBy("id")
        .execute(),
    ]);
    for (const p of products) {
      const text = productSearchText(
        p,
        skus.filter((s) => s.product_id === p.id),
      );
      await trx.updateTable("products").set({ search_text: text }).where("id", "=", p.id).execute();
    }
  }
}

const EXAMPLE_PRODUCT: Record<HeaderLanguage, ExportCell[]> = {
  zh: [
    "DEMO-OJ-1L",
    "示例 鲜榨橙汁",
    "饮料/果汁",
    "1L",
    "6901234567890",
    "瓶",
    "8.50",
    "12.00",
    1,
    "",
    6,
    "是",
    "新品",
  ],
  en: [
    "DEMO-OJ-1L",
    "Sample orange juice",
    "Drinks/Juice",
    "1L",
    "6901234567890",
    "bottle",
    "8.50",
    "12.00",
    1,
    "",
    6,
    "yes",
    "new",
  ],
};

/** The template: the header row and one example row, with one level-price column per customer level. */
export async function productTemplateRows(db: Kysely<DB>, language: HeaderLanguage): Promise<ExportCell[][]> {
  const levels = await db
    .selectFrom("customer_levels")
    .select(["code", "discount_bp"])
    .orderBy("position")
    .orderBy("id")
    .execute();
  // The example level price is what the level's discount would give, so the example is coherent.
  const example = [...EXAMPLE_PRODUCT[language], ...levels.map((l) => fenToYuan(applyDiscountBp(850, l.discount_bp)))];
  return [
    headerRow(
      "products",
      language,
      levels.map((l) => l.code),
    ),
    example,
  ];
}

/**
 * Every SKU as an import row (same columns as the template), a batch of products at a time, so
 * an export of any size streams without being held in memory.
 */
export async function* productExportRows(db: Kysely<DB>, language: HeaderLanguage): AsyncGenerator<ExportCell[]> {
  const levels = await db
    .selectFrom("customer_levels")
    .select(["id", "code"])
    .orderBy("position")
    .orderBy("id")
    .execute();
  yield headerRow(
    "products",
    language,
    levels.map((l) => l.code),
  );
  const categories = await loadCategoryPaths(db);
  let after = 0;
  for (;;) {
    const products = await db
      .selectFrom("products")
      .select(["id", "name", "category_id", "tags"])
      .where("id", ">", after)
      .orderBy("id")
      .limit(200)
      .execute();
    if (!products.length) return;
    after = products[products.length - 1]!.id;
    const ids = products.map((p) => p.id);
    const skus = await db
      .selectFrom("skus")
      .selectAll()
      .where("product_id", "in", ids)
      .orderBy("product_id")
      .orderBy("position")
      .orderBy("id")
      .execute();
    const prices = skus.length
      ? await db
          .selectFrom("level_prices")
          .select(["sku_id", "level_id", "price"])
          .where(
            "sku_id",
            "in",
            skus.map((s) => s.id),
          )
          .execute()
      : [];
    const priceOf = new Map(prices.map((p) => [`${p.sku_id}:${p.level_id}`, Number(p.price)]));
    const productOf = new Map(products.map((p) => [p.id, p]));
    for (const s of skus) {
      const p = productOf.get(s.product_id)!;
      yield [
        s.code,
        p.name,
        categories.pathOf(p.category_id).join(CATEGORY_SEPARATOR),
        s.spec,
        s.barcode,
        s.unit,
        fenToYuan(Number(s.base_price)),
        fenToYuan(Number(s.retail_price)),
        s.min_qty,
        s.max_qty ?? "",
        s.multiple,
        formatFlag(s.listed === 1, language),
        formatTags(p.tags, language),
        ...levels.map((l) => {
          const price = priceOf.get(`${s.id}:${l.id}`);
          return price === undefined ? "" : fenToYuan(price);
        }),
      ];
    }
  }
}
