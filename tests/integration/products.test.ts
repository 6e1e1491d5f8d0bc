import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS, type Permission } from "../../app/domain/permissions";
import { productSearchText } from "../../app/domain/product-search";
import type { StockDisplay } from "../../app/domain/settings";
import { toggleFavourite } from "../../app/services/cart.server";
import { browseCatalog, getCatalogProduct, priceSkusForCustomer } from "../../app/services/catalog.server";
import {
  createCategory,
  deleteCategory,
  listCategories,
  moveCategory,
  renameCategory,
  reorderCategory,
} from "../../app/services/categories.server";
import {
  addProductImages,
  findServableImage,
  IMAGE_MAX_BYTES,
  moveProductImage,
  readImageBytes,
  removeProductImage,
} from "../../app/services/images.server";
import {
  clearCustomerPrice,
  clearLevelPrice,
  createLevel,
  getCustomerPricing,
  getSkuPricing,
  listLevels,
  quotePrice,
  searchCustomers,
  setCustomerPrice,
  setLevelPrice,
  updateLevel,
} from "../../app/services/prices.server";
import {
  createProduct,
  getProduct,
  listProducts,
  type ProductInput,
  type SkuInput,
  updateProduct,
} from "../../app/services/products.server";
import { PermissionDeniedError, type StaffActor } from "../../app/services/staff-actor.server";
import { makeCustomer, makeRegion, makeWarehouse, NOW, TEST_ACTOR } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const actorWith = (permissions: readonly Permission[], regionIds: number[] | null = null): StaffActor => ({
  ...TEST_ACTOR,
  grant: { permissions: new Set(permissions), regionIds },
});
const admin = actorWith(PERMISSIONS);

let seq = 0;
const sku = (overrides: Partial<SkuInput> = {}): SkuInput => {
  seq += 1;
  return {
    spec: `颜色:红 / 容量:${seq}00ml`,
    code: `T-${seq}`,
    barcode: `690000${String(seq).padStart(6, "0")}`,
    unit: "瓶",
    basePrice: 1000,
    retailPrice: 1500,
    minQty: 1,
    maxQty: null,
    multiple: 1,
    listed: true,
    ...overrides,
  };
};
const product = (overrides: Partial<ProductInput> = {}): ProductInput => ({
  name: "测试商品",
  categoryId: null,
  description: "",
  tags: [],
  listed: true,
  skus: [sku()],
  ...overrides,
});

async function mustCreate(input: ProductInput) {
  const result = await createProduct(t.db, admin, input, NOW);
  if (!result.ok) throw new Error(`createProduct failed: ${JSON.stringify(result)}`);
  return result.productId;
}

async function mustCategory(name: string, parentId: number | null = null) {
  const result = await createCategory(t.db, admin, { name, parentId }, NOW);
  if (!result.ok) throw new Error(`createCategory failed: ${result.error}`);
  return result.id;
}

const auditCount = async (action: string) =>
  Number(
    (
      await t.db
        .selectFrom("audit_log")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("action", "=", action)
        .executeTakeFirstOrThrow()
    ).n,
  );

const storedSearchText = async (productId: number) =>
  (await t.db.selectFrom("products").select("search_text").where("id", "=", productId).executeTakeFirstOrThrow())
    .search_text;

/** An order line pointing at a SKU, as a submitted order leaves it. */
async function orderSku(skuId: number) {
  const customer = await makeCustomer(t.db);
  const at = NOW.toISOString();
  const order = await t.db
    .insertInto("orders")
    .values({
      number: `DH-T-${skuId}-${customer.id}`,
      customer_id: customer.id,
      region_id: customer.regionId,
      status: "pending_order_review",
      idempotency_key: `k-${skuId}-${customer.id}`,
      request_hash: "h",
      address_json: "{}",
      goods_amount: 1000,
      payable: 1000,
      placed_by_account_id: customer.accountId,
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto("order_lines")
    .values({
      order_id: order.id,
      sku_id: skuId,
      sku_code: "x",
      product_name: "x",
      spec: "",
      unit: "瓶",
      quantity: 1,
      unit_price: 1000,
      amount: 1000,
      position: 0,
    })
    .execute();
}

describe(`categories (${testDbKind()})`, () => {
  it("builds a tree, renames, moves under a parent and reorders siblings", async () => {
    const drinks = await mustCategory("饮料A");
    const snacks = await mustCategory("零食A");
    const tea = await mustCategory("茶饮A", drinks);
    const juice = await mustCategory("果汁A", drinks);

    let tree = await listCategories(t.db, admin.grant);
    const names = () => tree.filter((c) => c.name.endsWith("A")).map((c) => `${"  ".repeat(c.depth)}${c.name}`);
    expect(names()).toEqual(["饮料A", "  茶饮A", "  果汁A", "零食A"]);

    expect(await renameCategory(t.db, admin, { id: juice, name: "果汁饮料A" }, NOW)).toEqual({ ok: true });
    expect(await reorderCategory(t.db, admin, { id: juice, direction: "up" }, NOW)).toEqual({ ok: true });
    tree = await listCategories(t.db, admin.grant);
    expect(names()).toEqual(["饮料A", "  果汁饮料A", "  茶饮A", "零食A"]);

    expect(await moveCategory(t.db, admin, { id: tea, parentId: snacks }, NOW)).toEqual({ ok: true });
    tree = await listCategories(t.db, admin.grant);
    expect(names()).toEqual(["饮料A", "  果汁饮料A", "零食A", "  茶饮A"]);
    expect(tree.find((c) => c.id === tea)!.path).toEqual(["零食A", "茶饮A"]);

    expect(await reorderCategory(t.db, admin, { id: snacks, direction: "up" }, NOW)).toEqual({ ok: true });
    tree = await listCategories(t.db, admin.grant);
    expect(names().slice(0, 2)).toEqual(["零食A", "  茶饮A"]);
    expect(await auditCount("category.move")).toBeGreaterThanOrEqual(1);
    expect(await auditCount("category.reorder")).toBeGreaterThanOrEqual(2);
  });

  it("refuses to move a category under itself or its own descendant", async () => {
    const top = await mustCategory("顶层B");
    const middle = await mustCategory("中层B", top);
    const bottom = await mustCategory("底层B", middle);
    expect(await moveCategory(t.db, admin, { id: top, parentId: bottom }, NOW)).toEqual({ ok: false, error: "cycle" });
    expect(await moveCategory(t.db, admin, { id: top, parentId: top }, NOW)).toEqual({ ok: false, error: "cycle" });
    const tree = await listCategories(t.db, admin.grant);
    expect(tree.find((c) => c.id === top)!.parentId).toBeNull();
  });

  it("refuses a second sibling of the same name, but allows it elsewhere", async () => {
    const parent = await mustCategory("父类C");
    await mustCategory("同名C", parent);
    expect(await createCategory(t.db, admin, { name: " 同名c ", parentId: parent }, NOW)).toEqual({
      ok: false,
      error: "name_taken",
    });
    expect((await createCategory(t.db, admin, { name: "同名C", parentId: null }, NOW)).ok).toBe(true);
  });

  it("deletes only an empty category, and says what is in the way", async () => {
    const parent = await mustCategory("待删父类D");
    const child = await mustCategory("待删子类D", parent);
    const productId = await mustCreate(product({ name: "占位商品D", categoryId: child }));

    expect(await deleteCategory(t.db, admin, { id: parent }, NOW)).toEqual({
      ok: false,
      error: "has_children",
      count: 1,
    });
    expect(await deleteCategory(t.db, admin, { id: child }, NOW)).toEqual({
      ok: false,
      error: "has_products",
      count: 1,
    });

    const detail = (await getProduct(t.db, admin.grant, productId))!;
    await updateProduct(t.db, admin, productId, { ...detail, categoryId: null, skus: detail.skus }, NOW);
    expect(await deleteCategory(t.db, admin, { id: child }, NOW)).toEqual({ ok: true });
    expect(await deleteCategory(t.db, admin, { id: parent }, NOW)).toEqual({ ok: true });
    const ids = (await listCategories(t.db, admin.grant)).map((c) => c.id);
    expect(ids).not.toContain(parent);
    expect(ids).not.toContain(child);
    expect(await auditCount("category.delete")).toBe(2);
  });

  it("lets product.view read the tree but only product.manage change it", async () => {
    const viewer = actorWith(["product.view"]);
    await expect(listCategories(t.db, viewer.grant)).resolves.toBeInstanceOf(Array);
    await expect(createCategory(t.db, viewer, { name: "不许E", parentId: null }, NOW)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    await expect(listCategories(t.db, actorWith(["order.view"]).grant)).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});

describe(`products (${testDbKind()})`, () => {
  it("creates a product with several SKUs, in fen, with tags and search text", async () => {
    const category = await mustCategory("日化F");
    const input = product({
      name: "洗衣液F",
      categoryId: category,
      description: "  浓缩配方  ",
      tags: ["hot", "new", "bogus"],
      skus: [
        sku({ code: "F-1L", spec: "容量:1L", basePrice: 2350, retailPrice: 2990, minQty: 2, maxQty: 100, multiple: 2 }),
        sku({ code: "F-2L", spec: "容量:2L", unit: "箱", basePrice: 4100, retailPrice: 5200, listed: false }),
      ],
    });
    const id = await mustCreate(input);
    const saved = (await getProduct(t.db, admin.grant, id))!;
    expect(saved).toMatchObject({
      name: "洗衣液F",
      categoryId: category,
      description: "浓缩配方",
      tags: ["new", "hot"],
      listed: true,
    });
    expect(saved.skus.map((s) => [s.code, s.unit, s.basePrice, s.retailPrice, s.minQty, s.maxQty, s.listed])).toEqual([
      ["F-1L", "瓶", 2350, 2990, 2, 100, true],
      ["F-2L", "箱", 4100, 5200, 1, null, false],
    ]);
    const row = await t.db
      .selectFrom("products")
      .select(["tags", "search_text"])
      .where("id", "=", id)
      .executeTakeFirst();
    expect(row!.tags).toBe("new hot");
    expect(row!.search_text).toBe(productSearchText({ name: "洗衣液F", tags: "new hot" }, saved.skus));
    expect(await auditCount("product.create")).toBeGreaterThanOrEqual(1);
  });

  it("refuses a SKU code another product already uses, naming the row", async () => {
    await mustCreate(product({ name: "先来G", skus: [sku({ code: "G-DUP" })] }));
    const result = await createProduct(
      t.db,
      admin,
      product({ name: "后到G", skus: [sku({ code: "G-OK" }), sku({ code: " G-DUP " })] }),
      NOW,
    );
    expect(result).toEqual({
      ok: false,
      error: "invalid",
      problems: [{ index: 1, field: "code", code: "code_taken" }],
    });
    const names = await t.db.selectFrom("products").select("name").where("name", "=", "后到G").execute();
    expect(names).toHaveLength(0);
  });

  it("refuses repeated codes within one product and a maximum below the minimum", async () => {
    const result = await createProduct(
      t.db,
      admin,
      product({ skus: [sku({ code: "H-1" }), sku({ code: "H-1", minQty: 10, maxQty: 5, multiple: 0 })] }),
      NOW,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error === "invalid" && result.problems).toEqual(
      expect.arrayContaining([
        { index: 1, field: "code", code: "code_repeated" },
        { index: 1, field: "maxQty", code: "max_below_min" },
        { index: 1, field: "multiple", code: "not_positive_integer" },
      ]),
    );
    expect(await createProduct(t.db, admin, product({ skus: [] }), NOW)).toMatchObject({
      ok: false,
      problems: [{ code: "no_skus" }],
    });
  });

  it("edits name and SKUs and keeps the search text in step", async () => {
    const id = await mustCreate(product({ name: "旧名称I", skus: [sku({ code: "I-OLD", barcode: "111" })] }));
    expect((await listProducts(t.db, admin.grant, { q: "i-old", limit: 10 })).items.map((p) => p.id)).toEqual([id]);

    const before = (await getProduct(t.db, admin.grant, id))!;
    const result = await updateProduct(
      t.db,
      admin,
      id,
      {
        ...product({ name: "新名称I", tags: ["clearance"] }),
        skus: [{ ...before.skus[0]!, code: "I-NEW", barcode: "222" }, sku({ code: "I-ADDED", spec: "口味:柠檬" })],
        expectedUpdatedAt: before.updatedAt,
      },
      new Date(NOW.getTime() + 1000),
    );
    expect(result).toEqual({ ok: true, productId: id, keptSkuCodes: [] });
    const after = (await getProduct(t.db, admin.grant, id))!;
    expect(after.name).toBe("新名称I");
    expect(after.skus.map((s) => s.code)).toEqual(["I-NEW", "I-ADDED"]);
    expect(after.skus[0]!.id).toBe(before.skus[0]!.id);
    expect(await storedSearchText(id)).toBe(productSearchText({ name: "新名称I", tags: "clearance" }, after.skus));

    const find = async (q: string) => (await listProducts(t.db, admin.grant, { q, limit: 10 })).items.map((p) => p.id);
    expect(await find("I-OLD")).toEqual([]);
    expect(await find("111")).toEqual([]);
    expect(await find("i-new")).toEqual([id]);
    expect(await find("222")).toEqual([id]);
    expect(await find("柠檬")).toEqual([id]);
    expect(await find("新名称")).toEqual([id]);
  });

  it("finds a product by any part of its text, ignoring case, on the console and the storefront", async () => {
    const a = await mustCreate(
      product({
        name: "Ultra洗衣液ZQX",
        skus: [sku({ code: "ZQX-ABC-01", barcode: "6977123456", spec: "规格:750ML装" })],
      }),
    );
    const b = await mustCreate(product({ name: "Zqx蓝色 100%_off", skus: [sku({ code: "ZQX-B" })] }));
    const c = await mustCreate(product({ name: 'ZQX "引号" 款', skus: [sku({ code: "ZQX-C" })], listed: false }));
    const find = async (q: string) =>
      (await listProducts(t.db, admin.grant, { q, limit: 50 })).items.map((p) => p.id).sort((x, y) => x - y);
    expect(await find("zqx-abc")).toEqual([a]); // a SKU code, in another case
    expect(await find("zqx")).toEqual([a, b, c]);
    expect(await find("ULTRA洗衣液")).toEqual([a]);
    expect(await find("7123")).toEqual([a]); // inside a barcode
    expect(await find("750ml")).toEqual([a]); // inside a spec
    expect(await find("液z")).toEqual([a]); // under three characters: read without the index
    // Typed characters are text, never syntax: quotes, % and _ match themselves only.
    expect(await find('"引号"')).toEqual([c]);
    expect(await find("100%_o")).toEqual([b]);
    expect(await find("100%x")).toEqual([]);
    expect(await find("0%_")).toEqual([b]);
    expect(await find("ZQX-ABC-02")).toEqual([]);

    // The storefront searches the same text, listed products only.
    const customer = await makeCustomer(t.db);
    const shop = async (q: string) =>
      (await browseCatalog(t.db, customer.id, { q, limit: 24, stockDisplay: "hidden" })).items.map((p) => p.id);
    expect(await shop("zqx-abc-01")).toEqual([a]);
    expect((await shop("ZQX")).sort((x, y) => x - y)).toEqual([a, b]);
    expect(await shop("引号")).toEqual([]);

    // Renamed: found by the new text only, at once.
    const before = (await getProduct(t.db, admin.grant, b))!;
    await updateProduct(
      t.db,
      admin,
      b,
      { ...product({ name: "改名后的商品QWV" }), skus: before.skus, expectedUpdatedAt: before.updatedAt },
      new Date(NOW.getTime() + 1000),
    );
    expect(await find("蓝色 100")).toEqual([]);
    expect(await find("名后的")).toEqual([b]);
    expect(await shop("qwv")).toEqual([b]);
  });

  it("swaps codes between two SKUs of one product in one save", async () => {
    const id = await mustCreate(product({ skus: [sku({ code: "J-A" }), sku({ code: "J-B" })] }));
    const before = (await getProduct(t.db, admin.grant, id))!;
    const [a, b] = before.skus;
    const result = await updateProduct(
      t.db,
      admin,
      id,
      {
        ...product(),
        skus: [
          { ...a!, code: "J-B" },
          { ...b!, code: "J-A" },
        ],
      },
      NOW,
    );
    expect(result.ok).toBe(true);
    const after = (await getProduct(t.db, admin.grant, id))!;
    expect(after.skus.map((s) => [s.id, s.code])).toEqual([
      [a!.id, "J-B"],
      [b!.id, "J-A"],
    ]);
  });

  it("deletes a removed SKU nobody used, but only unlists one that an order points at", async () => {
    const id = await mustCreate(
      product({ name: "有订单K", skus: [sku({ code: "K-KEEP" }), sku({ code: "K-USED" }), sku({ code: "K-FREE" })] }),
    );
    const before = (await getProduct(t.db, admin.grant, id))!;
    const used = before.skus.find((s) => s.code === "K-USED")!;
    await orderSku(used.id);
    expect((await getProduct(t.db, admin.grant, id))!.skus.find((s) => s.id === used.id)!.inUse).toBe(true);

    const result = await updateProduct(
      t.db,
      admin,
      id,
      { ...product({ name: "有订单K" }), skus: [before.skus[0]!] },
      NOW,
    );
    expect(result).toEqual({ ok: true, productId: id, keptSkuCodes: ["K-USED"] });
    const after = (await getProduct(t.db, admin.grant, id))!;
    expect(after.skus.map((s) => [s.code, s.listed])).toEqual([
      ["K-KEEP", true],
      ["K-USED", false],
    ]);
    // The kept SKU's code is still taken and still findable in the console.
    expect(await find("k-used")).toEqual([id]);
    const reuse = await updateProduct(
      t.db,
      admin,
      id,
      { ...product({ name: "有订单K" }), skus: [after.skus[0]!, sku({ code: "K-USED" })] },
      NOW,
    );
    expect(reuse).toMatchObject({ ok: false, problems: [{ index: 1, field: "code", code: "code_taken" }] });

    async function find(q: string) {
      return (await listProducts(t.db, admin.grant, { q, limit: 10 })).items.map((p) => p.id);
    }
  });

  it("refuses to overwrite a save made since the form was opened", async () => {
    const id = await mustCreate(product());
    const opened = (await getProduct(t.db, admin.grant, id))!;
    await updateProduct(t.db, admin, id, { ...opened, name: "别人先改了" }, new Date(NOW.getTime() + 60_000));
    const mine = await updateProduct(
      t.db,
      admin,
      id,
      { ...opened, name: "我的修改", expectedUpdatedAt: opened.updatedAt },
      new Date(NOW.getTime() + 120_000),
    );
    expect(mine).toEqual({ ok: false, error: "stale" });
    expect((await getProduct(t.db, admin.grant, id))!.name).toBe("别人先改了");
  });

  it("never takes over another product's SKU through a forged id", async () => {
    const victim = await mustCreate(product({ skus: [sku({ code: "L-VICTIM" })] }));
    const victimSku = (await getProduct(t.db, admin.grant, victim))!.skus[0]!;
    const attacker = await mustCreate(product({ skus: [sku({ code: "L-ATTACKER" })] }));
    const result = await updateProduct(
      t.db,
      admin,
      attacker,
      { ...product(), skus: [{ ...sku({ code: "L-NEW" }), id: victimSku.id }] },
      NOW,
    );
    expect(result.ok).toBe(true);
    expect((await getProduct(t.db, admin.grant, victim))!.skus[0]).toMatchObject({
      id: victimSku.id,
      code: "L-VICTIM",
    });
    expect((await getProduct(t.db, admin.grant, attacker))!.skus.map((s) => s.code)).toEqual(["L-NEW"]);
  });

  it("filters by category with its sub-categories, listed state and tag; sorts and pages by keyset", async () => {
    const root = await mustCategory("筛选M");
    const sub = await mustCategory("子类M", root);
    const other = await mustCategory("其他M");
    const names = ["M苹果", "M香蕉", "M橙子", "M葡萄", "M西瓜"];
    const ids: number[] = [];
    for (const [i, name] of names.entries()) {
      ids.push(
        await mustCreate(
          product({
            name,
            categoryId: i < 2 ? root : i < 4 ? sub : other,
            listed: i !== 1,
            tags: i % 2 ? ["hot"] : ["new"],
          }),
        ),
      );
    }
    const list = async (q: Parameters<typeof listProducts>[2]) =>
      (await listProducts(t.db, admin.grant, q)).items.map((p) => p.name);
    expect((await list({ categoryId: root, limit: 50 })).sort()).toEqual(["M橙子", "M苹果", "M葡萄", "M香蕉"].sort());
    expect(await list({ categoryId: sub, limit: 50, sort: "name" })).toEqual(["M橙子", "M葡萄"].sort());
    expect(await list({ categoryId: root, listed: "unlisted", limit: 50 })).toEqual(["M香蕉"]);
    expect((await list({ q: "m", tag: "hot", limit: 50 })).sort()).toEqual(["M葡萄", "M香蕉"].sort());

    const pages: string[][] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listProducts(t.db, admin.grant, { q: "m", sort: "-name", cursor, limit: 2 });
      pages.push(page.items.map((p) => p.name));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const all = pages.flat().filter((n) => names.includes(n));
    expect(all).toHaveLength(5);
    expect(new Set(all).size).toBe(5);
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    const full = (await list({ q: "m", sort: "-name", limit: 100 })).filter((n) => names.includes(n));
    expect(all).toEqual(full);
    // A cursor made for another sort order starts again at the top rather than skipping rows.
    const descendingCursor = (await listProducts(t.db, admin.grant, { q: "m", sort: "-name", limit: 1 })).nextCursor!;
    const ascending = await list({ q: "m", sort: "name", cursor: descendingCursor, limit: 100 });
    expect(ascending).toEqual(await list({ q: "m", sort: "name", limit: 100 }));
    expect(ascending.filter((n) => names.includes(n))).toEqual([...full].reverse());
  });

  it("browses the storefront by category with its sub-categories, favourites, short and long text, and pages", async () => {
    const root = await mustCategory("店面R");
    const sub = await mustCategory("子类R", root);
    const other = await mustCategory("其他R");
    const ids: number[] = [];
    for (const [i, name] of ["R甲xyz", "R乙xyz", "R丙xyz", "R丁", "R戊"].entries()) {
      ids.push(await mustCreate(product({ name, categoryId: i < 2 ? root : i < 4 ? sub : other })));
    }
    const customer = await makeCustomer(t.db);
    await toggleFavourite(t.db, customer.id, ids[1]!, NOW);
    await toggleFavourite(t.db, customer.id, ids[4]!, NOW);
    const browse = async (query: Omit<Parameters<typeof browseCatalog>[2], "limit" | "stockDisplay">, limit = 24) =>
      (await browseCatalog(t.db, customer.id, { ...query, limit, stockDisplay: "flag" })).items
        .map((p) => p.id)
        .filter((id) => ids.includes(id));
    expect(await browse({ categoryId: root })).toEqual(ids.slice(0, 4));
    expect(await browse({ categoryId: sub })).toEqual(ids.slice(2, 4));
    expect(await browse({ favouritesOnly: true })).toEqual([ids[1], ids[4]]);
    expect(await browse({ categoryId: root, favouritesOnly: true })).toEqual([ids[1]]);
    expect(await browse({ q: "xyz" })).toEqual(ids.slice(0, 3)); // three characters: the trigram index
    expect(await browse({ q: "R丁" })).toEqual([ids[3]]); // two: read without it
    expect(await browse({ q: "xyz", categoryId: sub })).toEqual([ids[2]]);
    expect(await browse({ q: "xyz", after: ids[0] })).toEqual(ids.slice(1, 3));
    // Pages of two by keyset, in each filter: every product once, in id order.
    for (const query of [{ categoryId: root }, { q: "xyz" }, { favouritesOnly: true }]) {
      const seen: number[] = [];
      let after: number | undefined;
      for (;;) {
        const page = await browseCatalog(t.db, customer.id, { ...query, after, limit: 2, stockDisplay: "hidden" });
        seen.push(...page.items.map((p) => p.id).filter((id) => ids.includes(id)));
        if (page.nextCursor === null) break;
        after = page.nextCursor;
      }
      expect(seen).toEqual(await browse(query, 100));
    }
  });

  it("lets product.view list and read, and only product.manage save", async () => {
    const viewer = actorWith(["product.view"]);
    await expect(listProducts(t.db, viewer.grant, { limit: 5 })).resolves.toBeTruthy();
    await expect(createProduct(t.db, viewer, product(), NOW)).rejects.toBeInstanceOf(PermissionDeniedError);
    const id = await mustCreate(product());
    await expect(updateProduct(t.db, viewer, id, product(), NOW)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(listProducts(t.db, actorWith(["customer.view"]).grant, { limit: 5 })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });
});

describe(`product images (${testDbKind()})`, () => {
  const png = (width: number, height: number, color = "#c00") =>
    sharp({ create: { width, height, channels: 3, background: color } })
      .png()
      .toBuffer();

  it("accepts a real PNG, makes a WebP thumbnail, and refuses a text file renamed .png", async () => {
    const id = await mustCreate(product());
    const good = await png(800, 400);
    const result = await addProductImages(
      t.db,
      admin,
      id,
      [
        { name: "photo.png", bytes: good },
        { name: "notes.png", bytes: Buffer.from("this is not a picture, only text\n") },
      ],
      NOW,
    );
    expect(result).toMatchObject({ ok: true, rejected: [{ name: "notes.png", error: "not_an_image" }] });
    const added = result.ok ? result.added : [];
    expect(added).toHaveLength(1);

    const stored = await t.db.selectFrom("images").selectAll().where("id", "=", added[0]!).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ content_type: "image/png", width: 800, height: 400 });
    expect(Buffer.from(stored.bytes).equals(good)).toBe(true);
    const thumb = await sharp(await readImageBytes(t.db, added[0]!, "thumb")).metadata();
    expect(thumb).toMatchObject({ format: "webp", width: 320, height: 160 });
    expect(await findServableImage(t.db, added[0]!)).toEqual({ sha256: stored.sha256, contentType: "image/png" });
    expect((await getProduct(t.db, admin.grant, id))!.images.map((i) => i.id)).toEqual(added);
  });

  it("judges by content: GIF and SVG are refused, JPEG and WebP accepted, over 5 MB too large", async () => {
    const id = await mustCreate(product());
    const base = sharp({ create: { width: 40, height: 40, channels: 3, background: "#0a0" } });
    const files = [
      { name: "a.png", bytes: await base.clone().gif().toBuffer() },
      { name: "b.png", bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>') },
      { name: "c.bin", bytes: await base.clone().jpeg().toBuffer() },
      { name: "d", bytes: await base.clone().webp().toBuffer() },
      { name: "huge.png", bytes: Buffer.concat([await png(10, 10), Buffer.alloc(IMAGE_MAX_BYTES)]) },
      { name: "empty.png", bytes: Buffer.alloc(0) },
    ];
    const result = await addProductImages(t.db, admin, id, files, NOW);
    expect(result).toMatchObject({
      ok: true,
      rejected: [
        { name: "a.png", error: "unsupported_type" },
        { name: "b.png", error: "unsupported_type" },
        { name: "huge.png", error: "too_large" },
        { name: "empty.png", error: "empty" },
      ],
    });
    const types = await t.db
      .selectFrom("images as i")
      .innerJoin("product_images as pi", "pi.image_id", "i.id")
      .select("i.content_type")
      .where("pi.product_id", "=", id)
      .orderBy("pi.position")
      .execute();
    expect(types.map((r) => r.content_type)).toEqual(["image/jpeg", "image/webp"]);
  });

  it("stores the same bytes once, and removes and reorders a product's images", async () => {
    const first = await mustCreate(product());
    const second = await mustCreate(product());
    const [red, blue, green] = await Promise.all([png(30, 30, "#f00"), png(30, 30, "#00f"), png(30, 30, "#0f0")]);
    const a = await addProductImages(
      t.db,
      admin,
      first,
      [
        { name: "r.png", bytes: red },
        { name: "b.png", bytes: blue },
        { name: "g.png", bytes: green },
      ],
      NOW,
    );
    const b = await addProductImages(t.db, admin, second, [{ name: "r-again.png", bytes: red }], NOW);
    const [r, bl, g] = a.ok ? a.added : [];
    expect(b.ok && b.added).toEqual([r]);
    const order = async () => (await getProduct(t.db, admin.grant, first))!.images.map((i) => i.id);

    expect(await moveProductImage(t.db, admin, { productId: first, imageId: g!, direction: "up" }, NOW)).toEqual({
      ok: true,
    });
    expect(await order()).toEqual([r, g, bl]);
    expect(await removeProductImage(t.db, admin, { productId: first, imageId: r! }, NOW)).toEqual({ ok: true });
    expect(await order()).toEqual([g, bl]);
    expect((await getProduct(t.db, admin.grant, first))!.images.map((i) => i.position)).toEqual([0, 1]);
    // Still shown on the second product, so still served.
    expect(await findServableImage(t.db, r!)).not.toBeNull();
    expect(await removeProductImage(t.db, admin, { productId: second, imageId: r! }, NOW)).toEqual({ ok: true });
    expect(await findServableImage(t.db, r!)).toBeNull();
    expect(await removeProductImage(t.db, admin, { productId: second, imageId: r! }, NOW)).toEqual({
      ok: false,
      error: "not_found",
    });
    expect(await auditCount("product.images_reorder")).toBeGreaterThanOrEqual(1);
  });

  it("needs product.manage to upload", async () => {
    const id = await mustCreate(product());
    await expect(
      addProductImages(t.db, actorWith(["product.view"]), id, [{ name: "x.png", bytes: await png(5, 5) }], NOW),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});

describe(`prices (${testDbKind()})`, () => {
  it("creates and edits customer levels with a discount in basis points", async () => {
    const created = await createLevel(t.db, admin, { code: "VIP", name: "大客户", discountBp: 9500 }, NOW);
    expect(created.ok).toBe(true);
    const id = created.ok ? created.id : 0;
    expect(await createLevel(t.db, admin, { code: "vip", name: "别的", discountBp: 9000 }, NOW)).toEqual({
      ok: false,
      error: "code_taken",
    });
    expect(await createLevel(t.db, admin, { code: "X0", name: "零折", discountBp: 0 }, NOW)).toEqual({
      ok: false,
      error: "invalid_discount",
    });
    expect(await updateLevel(t.db, admin, { id, name: "战略客户", discountBp: 8850 }, NOW)).toEqual({ ok: true, id });
    const levels = await listLevels(t.db, admin.grant);
    expect(levels.find((l) => l.id === id)).toMatchObject({ code: "VIP", name: "战略客户", discountBp: 8850 });
    expect(await auditCount("customer_level.update")).toBe(1);
  });

  it("sets and clears level and customer prices; every rule agrees with the storefront's", async () => {
    const region = await makeRegion(t.db);
    const customer = await makeCustomer(t.db, { regionId: region.id });
    const level = await createLevel(t.db, admin, { code: "P1", name: "价格级别", discountBp: 9000 }, NOW);
    const levelId = level.ok ? level.id : 0;
    await t.db.updateTable("customers").set({ level_id: levelId }).where("id", "=", customer.id).execute();
    const productId = await mustCreate(product({ skus: [sku({ code: "P-SKU", basePrice: 1999 })] }));
    const skuId = (await getProduct(t.db, admin.grant, productId))!.skus[0]!.id;

    const check = async (price: number, source: string) => {
      const quote = await quotePrice(t.db, admin.grant, { customerId: customer.id, skuCode: "P-SKU" });
      expect(quote?.resolved).toEqual({ price, source });
      const storefront = await priceSkusForCustomer(t.db, customer.id, [skuId]);
      expect(storefront.get(skuId)).toMatchObject({ price, source });
    };
    await check(1799, "level_discount"); // 19.99 × 90 % = 17.991 → 17.99

    expect(await setLevelPrice(t.db, admin, { levelId, skuId, price: 1700 }, NOW)).toEqual({ ok: true });
    await check(1700, "level_price");
    const skuPricing = (await getSkuPricing(t.db, admin.grant, skuId))!;
    expect(skuPricing.levels.find((l) => l.levelId === levelId)).toMatchObject({
      explicitPrice: 1700,
      resolved: { price: 1700, source: "level_price" },
    });

    expect(await setCustomerPrice(t.db, admin, { customerId: customer.id, skuId, price: 1500 }, NOW)).toEqual({
      ok: true,
    });
    expect(await setCustomerPrice(t.db, admin, { customerId: customer.id, skuId, price: 1550 }, NOW)).toEqual({
      ok: true,
    });
    await check(1550, "customer");
    const own = (await getCustomerPricing(t.db, admin.grant, customer.id))!.ownPrices;
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ customerPrice: 1550, withoutOwnPrice: { price: 1700, source: "level_price" } });

    expect(await clearCustomerPrice(t.db, admin, { customerId: customer.id, skuId }, NOW)).toEqual({ ok: true });
    await check(1700, "level_price");
    expect(await clearLevelPrice(t.db, admin, { levelId, skuId }, NOW)).toEqual({ ok: true });
    await check(1799, "level_discount");
    await t.db.updateTable("customers").set({ level_id: null }).where("id", "=", customer.id).execute();
    await check(1999, "base");

    expect(await setCustomerPrice(t.db, admin, { customerId: customer.id, skuId, price: -1 }, NOW)).toEqual({
      ok: false,
      error: "invalid_price",
    });
    expect(await setLevelPrice(t.db, admin, { levelId, skuId, price: 12.5 }, NOW)).toEqual({
      ok: false,
      error: "invalid_price",
    });
    const audit = await t.db
      .selectFrom("audit_log")
      .select(["action", "before_json", "after_json"])
      .where("object_type", "=", "customer_price")
      .where("object_id", "=", `${customer.id}:${skuId}`)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => [a.action, a.before_json, a.after_json])).toEqual([
      ["customer_price.set", "null", '{"price":1500}'],
      ["customer_price.set", '{"price":1500}', '{"price":1550}'],
      ["customer_price.clear", '{"price":1550}', "null"],
    ]);
  });

  it("summarizes a product on its catalog card exactly as the product page prices and stocks its SKUs", async () => {
    const region = await makeRegion(t.db);
    const customer = await makeCustomer(t.db, { regionId: region.id });
    const level = await createLevel(t.db, admin, { code: "CARD", name: "卡片级别", discountBp: 9000 }, NOW);
    const levelId = level.ok ? level.id : 0;
    await t.db.updateTable("customers").set({ level_id: levelId }).where("id", "=", customer.id).execute();
    const word = `卡片${Date.now().toString(36)}`;
    const productId = await mustCreate(
      product({
        name: `${word}商品`,
        skus: [
          sku({ basePrice: 1999 }), // level discount: 1799
          sku({ basePrice: 3000, unit: "箱" }), // level price 1500
          sku({ basePrice: 2500 }), // own price 1200
          sku({ basePrice: 500, listed: false }), // not on sale: not in the card
        ],
      }),
    );
    const skus = (await getProduct(t.db, admin.grant, productId))!.skus;
    await setLevelPrice(t.db, admin, { levelId, skuId: skus[1]!.id, price: 1500 }, NOW);
    await setCustomerPrice(t.db, admin, { customerId: customer.id, skuId: skus[2]!.id, price: 1200 }, NOW);
    const open = await makeWarehouse(t.db);
    const closed = await makeWarehouse(t.db, { active: false });
    const stock = (warehouseId: number, skuId: number, onHand: number, reserved: number) =>
      t.db
        .insertInto("stock")
        .values({ warehouse_id: warehouseId, sku_id: skuId, on_hand: onHand, reserved })
        .execute();
    await stock(open.id, skus[0]!.id, 10, 3); // 7
    await stock(closed.id, skus[0]!.id, 100, 0); // an inactive warehouse counts nothing
    await stock(open.id, skus[1]!.id, 2, 5); // short: counts 0, not −3

    const browse = (stockDisplay: StockDisplay) =>
      browseCatalog(t.db, customer.id, { q: word, limit: 24, stockDisplay });
    const page = await browse("quantity");
    const full = (await getCatalogProduct(t.db, customer.id, productId))!;
    const prices = full.skus.map((s) => s.price);
    expect(prices).toEqual([1799, 1500, 1200]);
    const units = full.skus.reduce((sum, s) => sum + Math.max(s.available, 0), 0);
    expect(units).toBe(7);
    expect(page.items).toEqual([
      {
        id: productId,
        name: `${word}商品`,
        tags: [],
        imageId: null,
        skuCount: 3,
        minPrice: Math.min(...prices),
        samePrice: false,
        unit: full.skus[0]!.unit,
        stock: { inStock: true, available: 7 },
      },
    ]);
    // The other settings compute and send only what they show: a flag, or nothing.
    expect((await browse("flag")).items[0]!.stock).toEqual({ inStock: true, available: null });
    expect((await browse("hidden")).items[0]!.stock).toBeNull();
    expect({ ...(await browse("flag")).items[0]!, stock: null }).toEqual({ ...page.items[0]!, stock: null });

    // The flag is the sum's sign: one SKU over its reservations is enough, short SKUs do not
    // cancel it, and units in an inactive warehouse do not count.
    await t.db
      .updateTable("stock")
      .set({ reserved: 10 })
      .where("sku_id", "=", skus[0]!.id)
      .where("warehouse_id", "=", open.id)
      .execute();
    expect((await browse("flag")).items[0]!.stock).toEqual({ inStock: false, available: null });
    expect((await browse("quantity")).items[0]!.stock).toEqual({ inStock: false, available: 0 });
    await stock(open.id, skus[2]!.id, 1, 0);
    expect((await browse("flag")).items[0]!.stock).toEqual({ inStock: true, available: null });
    expect((await browse("quantity")).items[0]!.stock).toEqual({ inStock: true, available: 1 });
  });

  it("finds an explicit price on the card whoever wrote it, and stays right when it is removed", async () => {
    const customer = await makeCustomer(t.db);
    const level = await createLevel(t.db, admin, { code: "TRIG", name: "触发级别", discountBp: 10_000 }, NOW);
    const levelId = level.ok ? level.id : 0;
    const word = `价格${Date.now().toString(36)}`;
    const productId = await mustCreate(
      product({ name: `${word}商品`, skus: [sku({ basePrice: 1000 }), sku({ basePrice: 2000 })] }),
    );
    const [a, b] = (await getProduct(t.db, admin.grant, productId))!.skus;
    const card = async () => {
      const [item] = (await browseCatalog(t.db, customer.id, { q: word, limit: 24, stockDisplay: "hidden" })).items;
      const prices = (await getCatalogProduct(t.db, customer.id, productId))!.skus.map((s) => s.price);
      // The card agrees with the product page's prices.
      expect(item!.minPrice).toBe(Math.min(...prices));
      expect(item!.samePrice).toBe(prices.every((p) => p === prices[0]));
      return { min: item!.minPrice, same: item!.samePrice };
    };
    const priced = async () =>
      (await t.db.selectFrom("skus").select("priced").where("product_id", "=", productId).orderBy("id").execute()).map(
        (r) => Number(r.priced),
      );
    expect(await card()).toEqual({ min: 1000, same: false });
    expect(await priced()).toEqual([0, 0]);
    // Rows written straight into the tables (as an import or a script might): the triggers mark the SKUs.
    await t.db.insertInto("customer_prices").values({ customer_id: customer.id, sku_id: b!.id, price: 500 }).execute();
    expect(await priced()).toEqual([0, 1]);
    expect(await card()).toEqual({ min: 500, same: false });
    await t.db.updateTable("customers").set({ level_id: levelId }).where("id", "=", customer.id).execute();
    await t.db.insertInto("level_prices").values({ level_id: levelId, sku_id: a!.id, price: 500 }).execute();
    expect(await priced()).toEqual([1, 1]);
    expect(await card()).toEqual({ min: 500, same: true });
    // Removed: the mark stays (a lookup that finds nothing), the card goes back to the base price.
    await t.db.deleteFrom("customer_prices").where("sku_id", "=", b!.id).execute();
    expect(await priced()).toEqual([1, 1]);
    expect(await card()).toEqual({ min: 500, same: false });
    await setCustomerPrice(t.db, admin, { customerId: customer.id, skuId: b!.id, price: 400 }, NOW);
    expect(await card()).toEqual({ min: 400, same: false });
  });

  it("shows and changes region-limited staff's own regions' customers only", async () => {
    const east = await makeRegion(t.db, "华东Q");
    const south = await makeRegion(t.db, "华南Q");
    const mine = await makeCustomer(t.db, { regionId: east.id, code: "QE01" });
    const theirs = await makeCustomer(t.db, { regionId: south.id, code: "QS01" });
    const productId = await mustCreate(product({ skus: [sku({ code: "Q-SKU" })] }));
    const skuId = (await getProduct(t.db, admin.grant, productId))!.skus[0]!.id;
    await setCustomerPrice(t.db, admin, { customerId: theirs.id, skuId, price: 900 }, NOW);

    const manager = actorWith(["price.manage"], [east.id]);
    const found = await searchCustomers(t.db, manager.grant, { q: "Q", limit: 50 });
    expect(found.items.map((c) => c.code)).toEqual(["QE01"]);
    expect(await getCustomerPricing(t.db, manager.grant, theirs.id)).toBeNull();
    expect(await quotePrice(t.db, manager.grant, { customerId: theirs.id, skuCode: "Q-SKU" })).toBeNull();
    expect((await getSkuPricing(t.db, manager.grant, skuId))!.customerPrices).toEqual([]);
    expect((await getSkuPricing(t.db, admin.grant, skuId))!.customerPrices.map((c) => c.code)).toEqual(["QS01"]);

    expect(await setCustomerPrice(t.db, manager, { customerId: theirs.id, skuId, price: 1 }, NOW)).toEqual({
      ok: false,
      error: "not_found",
    });
    expect(await clearCustomerPrice(t.db, manager, { customerId: theirs.id, skuId }, NOW)).toEqual({
      ok: false,
      error: "not_found",
    });
    expect(await setCustomerPrice(t.db, manager, { customerId: mine.id, skuId, price: 800 }, NOW)).toEqual({
      ok: true,
    });
    const stillTheirs = await t.db
      .selectFrom("customer_prices")
      .select("price")
      .where("customer_id", "=", theirs.id)
      .executeTakeFirstOrThrow();
    expect(Number(stillTheirs.price)).toBe(900);
  });

  it("needs price.manage for every price operation", async () => {
    const lead = actorWith(["product.view", "product.manage"]);
    await expect(listLevels(t.db, lead.grant)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(createLevel(t.db, lead, { code: "N", name: "N", discountBp: 9000 }, NOW)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    await expect(setLevelPrice(t.db, lead, { levelId: 1, skuId: 1, price: 1 }, NOW)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });
});
