import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import type { StockDisplay } from "../domain/settings";
import { availableBySku, categoryTree, descendantIds, priceSkusForCustomer } from "../services/catalog.server";
import { containsText } from "../services/text-search.server";

/**
 * GET /api/v1/products: one item per SKU (what an ERP orders by), priced and stocked by the
 * same rules as the storefront (priceSkusForCustomer, availableBySku). A customer sees listed
 * SKUs of listed products at its own price and stock as the stock display setting allows;
 * staff see every SKU at the base price with its stock.
 */
export interface ProductItem {
  skuCode: string;
  productName: string;
  spec: string;
  unit: string;
  price: number;
  retailPrice: number;
  available?: number;
  inStock?: boolean;
  minQty: number;
  maxQty: number | null;
  multiple: number;
  listed?: boolean;
}

export type CatalogAudience = { kind: "customer"; customerId: number; stockDisplay: StockDisplay } | { kind: "staff" };

export async function listSkusForApi(
  db: Kysely<DB>,
  audience: CatalogAudience,
  query: { q?: string; categoryId?: number; afterSkuId?: number; limit: number },
): Promise<{ items: ProductItem[]; lastSkuId: number | null }> {
  let qb = db
    .selectFrom("skus as s")
    .innerJoin("products as p", "p.id", "s.product_id")
    .select([
      "s.id",
      "s.code",
      "s.spec",
      "s.unit",
      "s.base_price",
      "s.retail_price",
      "s.min_qty",
      "s.max_qty",
      "s.multiple",
      "s.listed",
      "p.listed as product_listed",
      "p.name as product_name",
    ]);
  if (audience.kind === "customer") qb = qb.where("s.listed", "=", 1).where("p.listed", "=", 1);
  if (query.categoryId) {
    const ids = descendantIds(await categoryTree(db), query.categoryId);
    qb = qb.where("p.category_id", "in", ids.length ? ids : [-1]);
  }
  const q = query.q?.trim();
  if (q) qb = qb.where(containsText(["p.search_text"], q));
  if (query.afterSkuId) qb = qb.where("s.id", ">", query.afterSkuId);
  const rows = await qb
    .orderBy("s.id")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const ids = page.map((r) => r.id);
  const [prices, available] = await Promise.all([
    audience.kind === "customer" ? priceSkusForCustomer(db, audience.customerId, ids) : Promise.resolve(null),
    availableBySku(db, ids),
  ]);
  const items = page.map((r): ProductItem => {
    const units = available.get(r.id) ?? 0;
    const stock =
      audience.kind === "staff" || audience.stockDisplay === "quantity"
        ? { available: units }
        : audience.stockDisplay === "flag"
          ? { inStock: units > 0 }
          : {};
    return {
      skuCode: r.code,
      productName: r.product_name,
      spec: r.spec,
      unit: r.unit,
      price: prices ? (prices.get(r.id)?.price ?? Number(r.base_price)) : Number(r.base_price),
      retailPrice: Number(r.retail_price),
      ...stock,
      minQty: r.min_qty,
      maxQty: r.max_qty,
      multiple: r.multiple,
      ...(audience.kind === "staff" ? { listed: r.listed === 1 && r.product_listed === 1 } : {}),
    };
  });
  return { items, lastSkuId: rows.length > query.limit ? page[page.length - 1]!.id : null };
}
