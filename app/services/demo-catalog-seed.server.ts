import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import sharp from "sharp";
import type { DB } from "../../db/schema";
import { DEMO_PRODUCTS, DEMO_WAREHOUSES } from "../../db/seed/demo-catalog";
import { productSearchText } from "../domain/product-search";

const HUES: Record<string, number> = { 饮料: 200, 日化: 150, 纸品: 40, 休闲食品: 15 };

/** A simple product picture (no text, so it needs no fonts): a pack shape on a tinted ground. */
function productSvg(category: string, index: number): string {
  const hue = (HUES[category] ?? 260) + ((index * 23) % 40) - 20;
  const shape =
    category === "饮料"
      ? `<rect x="330" y="170" width="140" height="60" rx="18" fill="hsl(${hue},45%,35%)"/><rect x="290" y="220" width="220" height="430" rx="60" fill="hsl(${hue},60%,55%)"/><rect x="290" y="380" width="220" height="120" fill="white" opacity="0.85"/>`
      : category === "纸品"
        ? `<rect x="200" y="260" width="400" height="300" rx="30" fill="hsl(${hue},55%,60%)"/><ellipse cx="400" cy="260" rx="120" ry="30" fill="white" opacity="0.9"/>`
        : category === "日化"
          ? `<rect x="270" y="200" width="260" height="440" rx="50" fill="hsl(${hue},50%,50%)"/><rect x="360" y="140" width="80" height="70" rx="12" fill="hsl(${hue},40%,30%)"/><circle cx="400" cy="420" r="70" fill="white" opacity="0.85"/>`
          : `<path d="M230 250 L570 250 L540 620 L260 620 Z" fill="hsl(${hue},65%,55%)"/><rect x="230" y="230" width="340" height="40" rx="10" fill="hsl(${hue},55%,40%)"/><circle cx="400" cy="430" r="80" fill="white" opacity="0.85"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,96%)"/><stop offset="1" stop-color="hsl(${hue},60%,86%)"/></linearGradient></defs><rect width="800" height="800" fill="url(#g)"/>${shape}</svg>`;
}

/** EAN-13 with China's 690 prefix and a valid check digit. */
function barcode(n: number): string {
  const body = `690${String(100000000 + n * 7919).slice(-9)}`;
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * (i % 2 ? 3 : 1), 0);
  return body + ((10 - (sum % 10)) % 10);
}

/** Deterministic pseudo-random numbers, so every demo database looks the same. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** The demo catalog: categories, ~60 products with pictures, SKUs, stock in two warehouses, prices. */
export async function seedDemoCatalog(db: Kysely<DB>, now: Date): Promise<string[]> {
  const exists = await db.selectFrom("products").select("id").limit(1).executeTakeFirst();
  if (exists) return [];
  const at = now.toISOString();
  const random = rng(20261127);

  // Pictures first, outside the transaction: rendering is CPU work, not database work.
  const pictures = await Promise.all(
    DEMO_PRODUCTS.map(async (p, i) => {
      const png = await sharp(Buffer.from(productSvg(p.category[0], i)))
        .png()
        .toBuffer();
      const thumb = await sharp(png).resize(320, 320).webp({ quality: 80 }).toBuffer();
      return { png, thumb, sha256: createHash("sha256").update(png).digest("hex") };
    }),
  );

  await db.transaction().execute(async (trx) => {
    const warehouseIds: number[] = [];
    for (const w of DEMO_WAREHOUSES) {
      const row = await trx
        .insertInto("warehouses")
        .values({ ...w, created_at: at })
        .onConflict((oc) => oc.column("code").doNothing())
        .returning("id")
        .executeTakeFirst();
      warehouseIds.push(
        row?.id ??
          (await trx.selectFrom("warehouses").select("id").where("code", "=", w.code).executeTakeFirstOrThrow()).id,
      );
    }

    const categoryIds = new Map<string, number>();
    const categoryId = async (path: string[]) => {
      let parent: number | null = null;
      for (let depth = 0; depth < path.length; depth++) {
        const key = path.slice(0, depth + 1).join("/");
        let id = categoryIds.get(key);
        if (id === undefined) {
          const row = await trx
            .insertInto("categories")
            .values({ parent_id: parent, name: path[depth]!, position: categoryIds.size, created_at: at })
            .returning("id")
            .executeTakeFirstOrThrow();
          id = row.id;
          categoryIds.set(key, id);
        }
        parent = id;
      }
      return parent!;
    };

    let skuNumber = 0;
    for (const [index, p] of DEMO_PRODUCTS.entries()) {
      const skus = p.skus.map(([spec, base, retail, minQty, multiple], i) => ({
        code: `SP${String(index + 1).padStart(3, "0")}-${i + 1}`,
        barcode: barcode(++skuNumber),
        spec,
        base,
        retail,
        minQty,
        multiple,
      }));
      const product = await trx
        .insertInto("products")
        .values({
          category_id: await categoryId(p.category),
          name: p.name,
          description: p.description,
          tags: p.tags,
          search_text: productSearchText(p, skus),
          created_at: at,
          updated_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const picture = pictures[index]!;
      const image = await trx
        .insertInto("images")
        .values({
          sha256: picture.sha256,
          content_type: "image/png",
          width: 800,
          height: 800,
          bytes: picture.png,
          thumb: picture.thumb,
          created_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("product_images")
        .values({ product_id: product.id, image_id: image.id, position: 0 })
        .execute();

      for (const [position, s] of skus.entries()) {
        const sku = await trx
          .insertInto("skus")
          .values({
            product_id: product.id,
            code: s.code,
            barcode: s.barcode,
            spec: s.spec,
            unit: p.unit,
            base_price: s.base,
            retail_price: s.retail,
            min_qty: s.minQty,
            max_qty: null,
            multiple: s.multiple,
            position,
            created_at: at,
            updated_at: at,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        // Stock: most SKUs well stocked, a few short or out, so the storefront shows every case.
        for (const warehouseId of warehouseIds) {
          const roll = random();
          const onHand = roll < 0.08 ? 0 : roll < 0.2 ? Math.floor(random() * 8) : 50 + Math.floor(random() * 450);
          await trx
            .insertInto("stock")
            .values({ sku_id: sku.id, warehouse_id: warehouseId, on_hand: onHand, reserved: 0 })
            .execute();
          if (onHand > 0) {
            await trx
              .insertInto("stock_movements")
              .values({
                sku_id: sku.id,
                warehouse_id: warehouseId,
                kind: "initial",
                delta: onHand,
                on_hand_after: onHand,
                reason: "期初库存",
                actor_account_id: null,
                at,
              })
              .execute();
          }
        }
      }
    }

    // Explicit level prices on a few best sellers, and customer-specific prices for two dealers.
    const levels = await trx.selectFrom("customer_levels").select(["id", "code"]).execute();
    const levelA = levels.find((l) => l.code === "A");
    const hot = await trx
      .selectFrom("skus")
      .select(["id", "base_price"])
      .where("code", "in", ["SP001-1", "SP006-1", "SP016-1", "SP022-1"])
      .execute();
    if (levelA) {
      for (const s of hot) {
        await trx
          .insertInto("level_prices")
          .values({ level_id: levelA.id, sku_id: s.id, price: Math.round(Number(s.base_price) * 0.85) })
          .execute();
      }
    }
    const special = await trx
      .selectFrom("customers")
      .select(["id", "code"])
      .where("code", "in", ["C0001", "C0003"])
      .execute();
    const specialSkus = await trx
      .selectFrom("skus")
      .select(["id", "base_price"])
      .where("code", "in", ["SP001-1", "SP011-1", "SP026-1"])
      .execute();
    for (const c of special) {
      for (const s of specialSkus) {
        await trx
          .insertInto("customer_prices")
          .values({ customer_id: c.id, sku_id: s.id, price: Math.round(Number(s.base_price) * 0.8) })
          .execute();
      }
    }

    // Delivery addresses and default warehouses.
    const customers = await trx
      .selectFrom("customers")
      .select(["id", "contact_name", "phone", "address", "region_id"])
      .execute();
    const regions = await trx.selectFrom("regions").select(["id", "code"]).execute();
    const south = regions.find((r) => r.code === "south")?.id;
    for (const c of customers) {
      const hasAddress = await trx
        .selectFrom("customer_addresses")
        .select("id")
        .where("customer_id", "=", c.id)
        .executeTakeFirst();
      if (!hasAddress) {
        await trx
          .insertInto("customer_addresses")
          .values({
            customer_id: c.id,
            contact_name: c.contact_name,
            phone: c.phone,
            address: c.address,
            is_default: 1,
            created_at: at,
          })
          .execute();
      }
      await trx
        .updateTable("customers")
        .set({ default_warehouse_id: c.region_id === south ? warehouseIds[1]! : warehouseIds[0]! })
        .where("id", "=", c.id)
        .execute();
    }
  });
  return [`catalog ${DEMO_PRODUCTS.length} products`];
}
