import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import { prepared, preparedShapes } from "../../db/prepared";
import type { DB } from "../../db/schema";
import { type PriceInputs, type PriceSource, resolvePrice } from "../domain/pricing";
import { type ShownStock, type StockDisplay, shownStock } from "../domain/settings";
import { productTextCondition, productTextSearch } from "./text-search.server";

export interface CategoryNode {
  id: number;
  name: string;
  parentId: number | null;
  children: CategoryNode[];
}

/** The top-level categories, in menu order: the storefront's chips (one indexed read, not the tree). */
export async function rootCategories(db: Kysely<DB>): Promise<Array<{ id: number; name: string }>> {
  return topCategories.execute(db, {});
}

const topCategories = prepared((db: Kysely<DB>, _p: Record<string, never>) =>
  db.selectFrom("categories").select(["id", "name"]).where("parent_id", "is", null).orderBy("position").orderBy("id"),
);

export async function categoryTree(db: Kysely<DB>): Promise<CategoryNode[]> {
  const rows = await db
    .selectFrom("categories")
    .select(["id", "name", "parent_id"])
    .orderBy("position")
    .orderBy("id")
    .execute();
  const nodes = new Map<number, CategoryNode>(
    rows.map((r) => [r.id, { id: r.id, name: r.name, parentId: r.parent_id, children: [] }]),
  );
  const roots: CategoryNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** A category and everything under it. */
export function descendantIds(tree: CategoryNode[], id: number): number[] {
  const find = (nodes: CategoryNode[]): CategoryNode | undefined => {
    for (const n of nodes) {
      if (n.id === id) return n;
      const hit = find(n.children);
      if (hit) return hit;
    }
    return undefined;
  };
  const root = find(tree);
  if (!root) return [];
  const out: number[] = [];
  const walk = (n: CategoryNode) => {
    out.push(n.id);
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

export interface PricedSku {
  skuId: number;
  price: number;
  source: PriceSource;
}

/** The customer's price level and its discount, the inputs that `resolvePrice` takes from the customer. */
const customerPriceLevel = prepared((db: Kysely<DB>, p: { customerId: number }) =>
  db
    .selectFrom("customers as c")
    .leftJoin("customer_levels as l", "l.id", "c.level_id")
    .select(["c.level_id", "l.discount_bp"])
    .where("c.id", "=", p.customerId),
);

function levelInput(
  customer: { level_id: number | null; discount_bp: number | null } | undefined,
  explicitPrice: number | string | null,
): PriceInputs["level"] {
  if (customer?.level_id == null) return null;
  return {
    discountBp: customer.discount_bp ?? 10_000,
    explicitPrice: explicitPrice == null ? null : Number(explicitPrice),
  };
}

const pricesFor = prepared((db: Kysely<DB>, p: { customerId: number; skuIds: number[] }) =>
  db
    .selectFrom("skus as s")
    .leftJoin("customers as c", (join) => join.on("c.id", "=", p.customerId))
    .leftJoin("customer_levels as l", "l.id", "c.level_id")
    .leftJoin("customer_prices as cp", (join) =>
      join.onRef("cp.sku_id", "=", "s.id").on("cp.customer_id", "=", p.customerId),
    )
    .leftJoin("level_prices as lp", (join) =>
      join.onRef("lp.sku_id", "=", "s.id").onRef("lp.level_id", "=", "c.level_id"),
    )
    .select(["s.id", "s.base_price", "c.level_id", "l.discount_bp", "cp.price as own_price", "lp.price as level_price"])
    .where("s.id", "in", p.skuIds),
);

export async function priceSkusForCustomer(
  db: Kysely<DB>,
  customerId: number,
  skuIds: number[],
): Promise<Map<number, PricedSku>> {
  const result = new Map<number, PricedSku>();
  if (!skuIds.length) return result;
  // One query for the base, own and level prices and the customer's level (four before; issue 9).
  const rows = await pricesFor.execute(db, { customerId, skuIds });
  for (const row of rows) {
    const resolved = resolvePrice({
      basePrice: Number(row.base_price),
      customerPrice: row.own_price == null ? null : Number(row.own_price),
      level: levelInput(row, row.level_price),
    });
    result.set(row.id, { skuId: row.id, ...resolved });
  }
  return result;
}

const availableFor = prepared((db: Kysely<DB>, p: { skuIds: number[] }) =>
  db
    .selectFrom("stock as s")
    .innerJoin("warehouses as w", "w.id", "s.warehouse_id")
    .select(["s.sku_id", (eb) => eb.fn.sum<number>(eb("s.on_hand", "-", eb.ref("s.reserved"))).as("available")])
    .where("w.active", "=", 1)
    .where("s.sku_id", "in", p.skuIds)
    .groupBy("s.sku_id"),
);

/** Available = on hand − reserved, summed over active warehouses. */
export async function availableBySku(db: Kysely<DB>, skuIds: number[]): Promise<Map<number, number>> {
  if (!skuIds.length) return new Map();
  const rows = await availableFor.execute(db, { skuIds });
  return new Map(rows.map((r) => [r.sku_id, Number(r.available)]));
}

export interface CatalogSku {
  id: number;
  code: string;
  barcode: string;
  spec: string;
  unit: string;
  price: number;
  priceSource: PriceSource;
  retailPrice: number;
  minQty: number;
  maxQty: number | null;
  multiple: number;
  available: number;
}

export interface CatalogProduct {
  id: number;
  name: string;
  description: string;
  tags: string[];
  categoryId: number | null;
  imageIds: number[];
  skus: CatalogSku[];
}

/** A product as a catalog card shows it: a summary of its listed SKUs at this customer's prices. */
export interface CatalogCard {
  id: number;
  name: string;
  tags: string[];
  imageId: number | null;
  skuCount: number;
  /** The lowest of the customer's prices over the SKUs, and whether every SKU costs that. */
  minPrice: number;
  samePrice: boolean;
  /** The first SKU's unit. */
  unit: string;
  /**
   * Units available to order over every SKU (a SKU short of stock counts 0, not less), as the
   * stock display setting lets the dealer see them: only what is shown is computed, and sent.
   */
  stock: ShownStock;
}

interface BrowseQuery {
  q?: string;
  categoryId?: number;
  /** Keyset cursor: the last product id of the previous page. */
  after?: number;
  limit: number;
  favouritesOnly?: boolean;
  /** The stock display setting: what the cards show of stock. */
  stockDisplay: StockDisplay;
}

/** Which of the catalog's optional filters a page asks for: one prepared statement each. */
interface BrowseShape {
  search: "phrase" | "like" | null;
  category: boolean;
  favourites: boolean;
  after: boolean;
}

const browseProducts = preparedShapes(
  (s: BrowseShape) => `${s.search}|${s.category}|${s.favourites}|${s.after}`,
  (shape) =>
    (
      db: Kysely<DB>,
      p: { customerId?: number; categoryIds?: number[]; text?: string; after?: number; limit: number },
    ) => {
      // A phrase is looked up in the trigram table first and the products joined to its matches in
      // id order, so the page stops at its last card instead of collecting every match (207 for
      // "洗衣液" on the benchmark's catalog) before reading products.
      const from =
        shape.search === "phrase"
          ? (db
              .withTables<{ products_fts: { rowid: number } }>()
              .selectFrom("products_fts")
              .innerJoin("products as p", "p.id", "products_fts.rowid")
              .where(sql<boolean>`products_fts match ${p.text}`) as unknown as ReturnType<typeof productsFrom>)
          : productsFrom(db);
      let qb = from
        .select(["p.id", "p.name", "p.tags"])
        .where("p.listed", "=", 1)
        .where((eb) =>
          eb.exists(
            eb.selectFrom("skus as s").select("s.id").whereRef("s.product_id", "=", "p.id").where("s.listed", "=", 1),
          ),
        );
      if (shape.category) qb = qb.where("p.category_id", "in", p.categoryIds!);
      if (shape.search === "like")
        qb = qb.where(productTextCondition("like", { id: "p.id", searchText: "p.search_text" }, p.text));
      if (shape.favourites) {
        qb = qb.where((eb) =>
          eb.exists(
            eb
              .selectFrom("favourites as f")
              .select("f.product_id")
              .whereRef("f.product_id", "=", "p.id")
              .where("f.customer_id", "=", p.customerId!),
          ),
        );
      }
      if (shape.after) qb = qb.where("p.id", ">", p.after!);
      return qb.orderBy(shape.search === "phrase" ? sql`products_fts.rowid` : sql.ref("p.id")).limit(p.limit);
    },
);

const productsFrom = (db: Kysely<DB>) => db.selectFrom("products as p");

/** The storefront catalog for one customer: listed products with listed SKUs, at its prices. */
export async function browseCatalog(
  db: Kysely<DB>,
  customerId: number,
  query: BrowseQuery,
): Promise<{ items: CatalogCard[]; nextCursor: number | null }> {
  const categoryIds = query.categoryId ? descendantIds(await categoryTree(db), query.categoryId) : undefined;
  const text = query.q?.trim();
  const search = text ? productTextSearch(db, text) : null;
  const shape: BrowseShape = {
    search: search?.kind ?? null,
    category: categoryIds !== undefined,
    favourites: Boolean(query.favouritesOnly),
    after: Boolean(query.after),
  };
  const rows = await browseProducts(shape).execute(db, {
    limit: query.limit + 1,
    ...(shape.category ? { categoryIds: categoryIds?.length ? categoryIds : [-1] } : {}),
    ...(search ? { text: search.value } : {}),
    ...(shape.favourites ? { customerId } : {}),
    ...(shape.after ? { after: query.after } : {}),
  });
  const page = rows.slice(0, query.limit);
  const items = await summarizeProducts(db, customerId, page, query.stockDisplay);
  return { items, nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
}

export async function getCatalogProduct(
  db: Kysely<DB>,
  customerId: number,
  productId: number,
): Promise<CatalogProduct | null> {
  const row = await db
    .selectFrom("products")
    .select(["id", "name", "description", "tags", "category_id"])
    .where("id", "=", productId)
    .where("listed", "=", 1)
    .executeTakeFirst();
  if (!row) return null;
  const [product] = await hydrateProducts(db, customerId, [row]);
  return product?.skus.length ? product : null;
}

/**
 * Cards for a page of products, summed up in the database: a product's SKUs never come back
 * one by one (24 products of 50 SKUs were 1 200 rows and ~20 ms a page; this is 24 rows and
 * ~2 ms, issue 9). The pricing rule stays `resolvePrice`'s: an SKU with its own or its level's
 * explicit price costs that; any other costs its base price through the level discount, which
 * never reorders prices (`applyDiscountBp` is monotonic), so the cheapest and dearest of those
 * are the discounted cheapest and dearest base prices.
 */
async function summarizeProducts(
  db: Kysely<DB>,
  customerId: number,
  rows: Array<{ id: number; name: string; tags: string }>,
  stockDisplay: StockDisplay,
): Promise<CatalogCard[]> {
  if (!rows.length) return [];
  const productIds = rows.map((r) => r.id);
  const [customer, summaries, images] = await Promise.all([
    customerPriceLevel.executeTakeFirst(db, { customerId }),
    productSummaries(stockDisplay).execute(db, { customerId, productIds }),
    productImages.execute(db, { productIds }),
  ]);
  const byProduct = new Map(summaries.map((r) => [r.product_id, r]));
  const firstImage = new Map<number, number>();
  for (const image of images) if (!firstImage.has(image.product_id)) firstImage.set(image.product_id, image.image_id);
  const price = (base: unknown, explicit: unknown, pick: (a: number, b: number) => number) => {
    const fromBase =
      base == null
        ? null
        : resolvePrice({ basePrice: Number(base), customerPrice: null, level: levelInput(customer, null) }).price;
    if (explicit == null) return fromBase!;
    return fromBase == null ? Number(explicit) : pick(fromBase, Number(explicit));
  };
  return rows.flatMap((r) => {
    const summary = byProduct.get(r.id);
    if (!summary) return [];
    const minPrice = price(summary.min_base, summary.min_explicit, Math.min);
    return [
      {
        id: r.id,
        name: r.name,
        tags: r.tags.split(/\s+/).filter(Boolean),
        imageId: firstImage.get(r.id) ?? null,
        skuCount: Number(summary.sku_count),
        minPrice,
        samePrice: minPrice === price(summary.max_base, summary.max_explicit, Math.max),
        unit: String(summary.unit ?? ""),
        stock: shownStock(Number(summary.units ?? 0), stockDisplay),
      },
    ];
  });
}

/** The products' images, in their order. */
const productImages = prepared((db: Kysely<DB>, p: { productIds: number[] }) =>
  db
    .selectFrom("product_images")
    .select(["product_id", "image_id"])
    .where("product_id", "in", p.productIds)
    .orderBy("position"),
);

/** SKU `s`'s units over the active warehouses; clamped, a SKU short of stock (or with none) counts 0, not less. */
const skuUnits = (eb: ExpressionBuilder<DB & { s: DB["skus"] }, "s">, clamped: boolean) =>
  eb
    .selectFrom("stock as st")
    .innerJoin("warehouses as w", "w.id", "st.warehouse_id")
    .select((e) => {
      const sum = e.fn.sum<number>(e("st.on_hand", "-", e.ref("st.reserved")));
      // Clamped inside the subquery: a CASE over the outer column made PostgreSQL run it twice.
      return (clamped ? e.case().when(sum, ">", 0).then(sum).else(0).end() : sum).as("n");
    })
    .whereRef("st.sku_id", "=", "s.id")
    .where("w.active", "=", 1);

/**
 * Each product's card figures at one customer's prices (`summarizeProducts`), one statement per
 * stock display: its SKUs' count, the cheapest and dearest base prices of those without an
 * explicit price and the cheapest and dearest explicit ones, the units it shows and the first
 * SKU's unit. The customer's level is looked up inside, so this runs beside the level's read.
 */
const productSummaries = preparedShapes(
  (stockDisplay: StockDisplay) => stockDisplay,
  (stockDisplay) => (db: Kysely<DB>, p: { customerId: number; productIds: number[] }) =>
    db
      .selectFrom(
        db
          .selectFrom("skus as s")
          .select((eb) => [
            "s.product_id",
            "s.base_price",
            // The customer's own price, else its level's; looked up only for a SKU that has had
            // one (`priced`): most have none, and two lookups for each of a page's 1 200 SKUs
            // were a third of the statement (issue 9).
            eb
              .case()
              .when("s.priced", "=", 1)
              .then(
                eb.fn.coalesce(
                  eb
                    .selectFrom("customer_prices as cp")
                    .select("cp.price")
                    .where("cp.customer_id", "=", p.customerId)
                    .whereRef("cp.sku_id", "=", "s.id"),
                  eb
                    .selectFrom("level_prices as lp")
                    .select("lp.price")
                    .whereRef("lp.sku_id", "=", "s.id")
                    .where(
                      "lp.level_id",
                      "=",
                      eb.selectFrom("customers as c").select("c.level_id").where("c.id", "=", p.customerId),
                    ),
                ),
              )
              .end()
              .as("explicit"),
            // Summed only when the dealer sees the quantity.
            stockDisplay === "quantity" ? skuUnits(eb, true).as("available") : eb.lit(0).as("available"),
          ])
          .where("s.product_id", "in", p.productIds)
          .where("s.listed", "=", 1)
          .as("x"),
      )
      .select((eb) => {
        const baseIfNotExplicit = eb.case().when("x.explicit", "is", null).then(eb.ref("x.base_price")).end();
        return [
          "x.product_id",
          eb.fn.countAll<number>().as("sku_count"),
          eb.fn.min(baseIfNotExplicit).as("min_base"),
          eb.fn.max(baseIfNotExplicit).as("max_base"),
          eb.fn.min("x.explicit").as("min_explicit"),
          eb.fn.max("x.explicit").as("max_explicit"),
          // The units the setting shows: the sum for the quantity; for the flag, 1 when one SKU
          // has units — the search stops at the first, not the sum over all of them (a card of 50
          // SKUs read 100 stock rows for one yes; issue 9); nothing when hidden.
          stockDisplay === "quantity"
            ? eb.fn.sum<number>("x.available").as("units")
            : stockDisplay === "flag"
              ? eb
                  .case()
                  .when(
                    eb.exists(
                      eb
                        .selectFrom("skus as s")
                        .select("s.id")
                        .whereRef("s.product_id", "=", "x.product_id")
                        .where("s.listed", "=", 1)
                        .where((e) => e(skuUnits(e, false), ">", 0)),
                    ),
                  )
                  .then(1)
                  .else(0)
                  .end()
                  .as("units")
              : eb.lit(0).as("units"),
          eb
            .selectFrom("skus as first")
            .select("first.unit")
            .whereRef("first.product_id", "=", "x.product_id")
            .where("first.listed", "=", 1)
            .orderBy("first.position")
            .orderBy("first.id")
            .limit(1)
            .as("unit"),
        ];
      })
      .groupBy("x.product_id"),
);

async function hydrateProducts(
  db: Kysely<DB>,
  customerId: number,
  rows: Array<{ id: number; name: string; description: string; tags: string; category_id: number | null }>,
): Promise<CatalogProduct[]> {
  if (!rows.length) return [];
  const productIds = rows.map((r) => r.id);
  const [skus, images] = await Promise.all([
    db
      .selectFrom("skus")
      .selectAll()
      .where("product_id", "in", productIds)
      .where("listed", "=", 1)
      .orderBy("product_id")
      .orderBy("position")
      .orderBy("id")
      .execute(),
    productImages.execute(db, { productIds }),
  ]);
  const skuIds = skus.map((s) => s.id);
  const [prices, available] = await Promise.all([
    priceSkusForCustomer(db, customerId, skuIds),
    availableBySku(db, skuIds),
  ]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    tags: r.tags.split(/\s+/).filter(Boolean),
    categoryId: r.category_id,
    imageIds: images.filter((i) => i.product_id === r.id).map((i) => i.image_id),
    skus: skus
      .filter((s) => s.product_id === r.id)
      .map((s) => ({
        id: s.id,
        code: s.code,
        barcode: s.barcode,
        spec: s.spec,
        unit: s.unit,
        price: prices.get(s.id)!.price,
        priceSource: prices.get(s.id)!.source,
        retailPrice: Number(s.retail_price),
        minQty: s.min_qty,
        maxQty: s.max_qty,
        multiple: s.multiple,
        available: available.get(s.id) ?? 0,
      })),
  }));
}
