import type { Kysely } from "kysely";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";
import type { BusinessSettings } from "../domain/settings";
import { type CheckedLine, checkLines, type LineRequest } from "./order-lines.server";

/**
 * The cart lives on the server, one per customer (its single ordering account), so it survives
 * logout and follows the dealer from phone to desk.
 */
export interface CartView {
  lines: Array<CheckedLine & { skuId: number; imageId: number | null }>;
  goods: number; // fen, over lines without problems
  ok: boolean;
}

export async function getCart(
  db: Kysely<DB>,
  customerId: number,
  settings: Pick<BusinessSettings, "allowOverselling">,
): Promise<CartView> {
  const items = await db
    .selectFrom("cart_items as c")
    .innerJoin("skus as s", "s.id", "c.sku_id")
    .select([
      "c.sku_id",
      "c.quantity",
      "s.code",
      (eb) =>
        eb
          .selectFrom("product_images as pi")
          .select("pi.image_id")
          .whereRef("pi.product_id", "=", "s.product_id")
          .orderBy("pi.position")
          .limit(1)
          .as("image_id"),
    ])
    .where("c.customer_id", "=", customerId)
    .orderBy("c.added_at")
    .orderBy("c.sku_id")
    .execute();
  const checked = await checkLines(
    db,
    customerId,
    items.map((i) => ({ skuCode: i.code, quantity: i.quantity })),
    settings,
  );
  const lines = checked.map((line, i) => ({ ...line, skuId: items[i]!.sku_id, imageId: items[i]!.image_id ?? null }));
  const goods = lines.reduce(
    (sum, l) => sum + (l.problem || l.unitPrice === null ? 0 : l.unitPrice * l.input.quantity),
    0,
  );
  return { lines, goods, ok: lines.length > 0 && lines.every((l) => !l.problem) };
}

/** Sets one SKU's quantity (0 removes it). The quantity is checked when the cart is shown and at checkout. */
export async function setCartQuantity(
  db: Kysely<DB>,
  customerId: number,
  skuId: number,
  quantity: number,
  now: Date,
): Promise<void> {
  if (quantity <= 0) {
    await db.deleteFrom("cart_items").where("customer_id", "=", customerId).where("sku_id", "=", skuId).execute();
    return;
  }
  await db
    .insertInto("cart_items")
    .values({ customer_id: customerId, sku_id: skuId, quantity, added_at: now.toISOString() })
    .onConflict((oc) => oc.columns(["customer_id", "sku_id"]).doUpdateSet({ quantity }))
    .execute();
}

/**
 * Adds checked lines (quick order, reorder, product page) to the cart, adding to quantities
 * already there. Only lines without problems are added; the caller shows the others.
 */
export async function addToCart(db: Kysely<DB>, customerId: number, lines: CheckedLine[], now: Date): Promise<number> {
  const good = lines.filter((l) => !l.problem && l.sku);
  if (!good.length) return 0;
  await db.transaction().execute(async (trx) => {
    for (const line of good) {
      await trx
        .insertInto("cart_items")
        .values({
          customer_id: customerId,
          sku_id: line.sku!.id,
          quantity: line.input.quantity,
          added_at: now.toISOString(),
        })
        .onConflict((oc) =>
          oc
            .columns(["customer_id", "sku_id"])
            .doUpdateSet((eb) => ({ quantity: eb("cart_items.quantity", "+", line.input.quantity) })),
        )
        .execute();
    }
  });
  return good.length;
}

/** After an order is placed, the lines it took leave the cart. */
export async function removeFromCart(db: Kysely<DB>, customerId: number, skuIds: number[]): Promise<void> {
  if (!skuIds.length) return;
  await db.deleteFrom("cart_items").where("customer_id", "=", customerId).where("sku_id", "in", skuIds).execute();
}

export async function cartCount(db: Kysely<DB>, customerId: number): Promise<number> {
  const row = await cartLines.executeTakeFirst(db, { customerId });
  return Number(row?.n ?? 0);
}

/** The storefront's header badge on every page: a prepared count. */
const cartLines = prepared((db: Kysely<DB>, p: { customerId: number }) =>
  db
    .selectFrom("cart_items")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("customer_id", "=", p.customerId),
);

export type { LineRequest };

export async function toggleFavourite(
  db: Kysely<DB>,
  customerId: number,
  productId: number,
  now: Date,
): Promise<boolean> {
  const existing = await db
    .selectFrom("favourites")
    .select("product_id")
    .where("customer_id", "=", customerId)
    .where("product_id", "=", productId)
    .executeTakeFirst();
  if (existing) {
    await db
      .deleteFrom("favourites")
      .where("customer_id", "=", customerId)
      .where("product_id", "=", productId)
      .execute();
    return false;
  }
  await db
    .insertInto("favourites")
    .values({ customer_id: customerId, product_id: productId, created_at: now.toISOString() })
    .execute();
  return true;
}

export async function favouriteIds(db: Kysely<DB>, customerId: number, productIds: number[]): Promise<Set<number>> {
  if (!productIds.length) return new Set();
  const rows = await db
    .selectFrom("favourites")
    .select("product_id")
    .where("customer_id", "=", customerId)
    .where("product_id", "in", productIds)
    .execute();
  return new Set(rows.map((r) => r.product_id));
}
