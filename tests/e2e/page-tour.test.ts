// Every page of the catalog, customers, stock and ordering (issue 3) opened in both languages:
// the console at a desk, the storefront at a desk and on a 390 px phone. Each page answers 200 in
// the language asked for, shows no untranslated key, and the storefront never scrolls sideways.
// With SCREENSHOTS=1 each page is kept as screenshots/tour-<page>-<lang>[-phone].png for review.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { submitOrder } from "../../app/services/orders.server";
import { type Database, openDatabase } from "../../db/client";
import { login, screenshot, waitForHydration } from "../support/browser";
import { baseUrl, browsersPerTest } from "./journey";

const newBrowser = browsersPerTest();
let database: Database;

/**
 * The tour's dealer: sz-dealer (C0004), whose cart no other journey uses. The tour fills its cart
 * for the cart and checkout pages and empties it again afterwards; it places one order of its own.
 * (It creates no customer: other journeys count the customers.)
 */
const DEALER = { username: "sz-dealer", password: "demo1234", code: "C0004" };
const ids = { product: 0, customer: 0, stockRow: "", order: "" };
let addedToCart: number[] = [];

beforeAll(async () => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
  const { db } = database;
  const now = new Date();
  const dealer = await db
    .selectFrom("customers")
    .select(["id", "account_id"])
    .where("code", "=", DEALER.code)
    .executeTakeFirstOrThrow();
  const placed = await submitOrder(
    db,
    { accountId: dealer.account_id, name: DEALER.username, kind: "customer" },
    {
      customerId: dealer.id,
      idempotencyKey: `tour-${Date.now()}`,
      lines: [
        { skuCode: "SP016-1", quantity: 2 },
        { skuCode: "SP032-1", quantity: 20 },
      ],
      remark: "巡检订单：工作日上午送货",
    },
    now,
  );
  if (!placed.ok) throw new Error(`could not place the tour's order: ${placed.error}`);
  ids.order = placed.order.number;

  // Two lines in the cart, so the cart and checkout pages have something to show.
  const skus = await db
    .selectFrom("skus")
    .select(["id", "code", "product_id"])
    .where("code", "in", ["SP001-1", "SP026-2"])
    .orderBy("code")
    .execute();
  const inCart = await db.selectFrom("cart_items").select("sku_id").where("customer_id", "=", dealer.id).execute();
  const fresh = skus.filter((s) => !inCart.some((c) => c.sku_id === s.id));
  if (fresh.length) {
    await db
      .insertInto("cart_items")
      .values(
        fresh.map((s) => ({
          customer_id: dealer.id,
          sku_id: s.id,
          quantity: s.code === "SP001-1" ? 10 : 2,
          added_at: now.toISOString(),
        })),
      )
      .execute();
  }
  addedToCart = fresh.map((s) => s.id);
  ids.customer = dealer.id;
  ids.product = skus.find((s) => s.code === "SP026-2")!.product_id;

  const stock = await db
    .selectFrom("stock as st")
    .innerJoin("skus as s", "s.id", "st.sku_id")
    .innerJoin("warehouses as w", "w.id", "st.warehouse_id")
    .select(["st.sku_id", "st.warehouse_id"])
    .where("s.code", "=", "SP016-1")
    .where("w.code", "=", "WH-HZ")
    .executeTakeFirstOrThrow();
  ids.stockRow = `${stock.sku_id}-${stock.warehouse_id}`;
});
afterAll(async () => {
  if (addedToCart.length) {
    await database.db
      .deleteFrom("cart_items")
      .where("customer_id", "=", ids.customer)
      .where("sku_id", "in", addedToCart)
      .execute();
  }
  await database.close();
});

const LANGS = [
  { tag: "zh", locale: "zh-CN", lang: "zh-CN" },
  { tag: "en", locale: "en-US", lang: "en" },
] as const;

/** i18n keys shown as text: "shop.cart.title", "products.sku.code"… */
const RAW_KEY =
  /\b(app|nav|common|validation|login|shop|products|stock|imports|customers|orders|steps|funds)\.[a-z][A-Za-z]*(\.[A-Za-z]+)*\b/;

interface Visit {
  name: string;
  path: () => string;
}

async function visit(page: Page, stop: Visit, lang: (typeof LANGS)[number], suffix = "") {
  const response = await page.goto(`${baseUrl()}${stop.path()}`);
  expect(response?.status(), `${stop.name}: status`).toBe(200);
  await waitForHydration(page);
  expect(await page.locator("html").getAttribute("lang"), `${stop.name}: language`).toBe(lang.lang);
  // All the page's words, hidden ones too (closed menus, screen-reader text, labels in attributes).
  const text = await page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement;
    for (const el of Array.from(body.querySelectorAll("script, style"))) el.remove();
    const attributes = Array.from(body.querySelectorAll("[placeholder], [aria-label], [title], [alt]")).flatMap((el) =>
      ["placeholder", "aria-label", "title", "alt"].map((name) => el.getAttribute(name) ?? ""),
    );
    return [body.textContent ?? "", ...attributes].join("\n");
  });
  expect(text, `${stop.name}: untranslated key`).not.toMatch(RAW_KEY);
  expect(await page.title(), `${stop.name}: title`).not.toBe("Dinghuo");
  const widths = await page.evaluate(() => ({ inner: window.innerWidth, doc: document.documentElement.scrollWidth }));
  await screenshot(page, `tour-${stop.name}-${lang.tag}${suffix}`);
  return widths;
}

const CONSOLE: Visit[] = [
  { name: "products", path: () => "/admin/products" },
  { name: "product-new", path: () => "/admin/products/new" },
  { name: "product-edit", path: () => `/admin/products/${ids.product}` },
  { name: "categories", path: () => "/admin/categories" },
  { name: "prices-levels", path: () => "/admin/prices?tab=levels" },
  { name: "prices-skus", path: () => "/admin/prices?tab=skus&q=SP001" },
  { name: "prices-customers", path: () => "/admin/prices?tab=customers" },
  { name: "customers", path: () => "/admin/customers" },
  { name: "customer-new", path: () => "/admin/customers/new" },
  { name: "customer-edit", path: () => `/admin/customers/${ids.customer}` },
  { name: "warehouses", path: () => "/admin/warehouses" },
  { name: "stock", path: () => "/admin/stock" },
  { name: "stock-row", path: () => `/admin/stock?q=SP016-1&row=${ids.stockRow}` },
  { name: "stock-movements", path: () => "/admin/stock/movements" },
  { name: "import-products", path: () => "/admin/import/products" },
  { name: "import-customers", path: () => "/admin/import/customers" },
  { name: "order-new", path: () => "/admin/orders/new?q=C000" },
  { name: "order-new-customer", path: () => "/admin/orders/new?customer=C0001" },
];

const STOREFRONT: Visit[] = [
  { name: "shop-catalog", path: () => "/shop" },
  { name: "shop-search", path: () => `/shop?q=${encodeURIComponent("洗发水")}` },
  { name: "shop-product", path: () => `/shop/products/${ids.product}` },
  { name: "shop-quick-order", path: () => "/shop/quick-order" },
  { name: "shop-cart", path: () => "/shop/cart" },
  { name: "shop-checkout", path: () => "/shop/checkout" },
  { name: "shop-orders", path: () => "/shop/orders" },
  { name: "shop-order", path: () => `/shop/orders/${ids.order}` },
];

describe("page tour", () => {
  for (const lang of LANGS) {
    test(`the console's catalog, customer, stock and order pages in ${lang.tag}`, async () => {
      const { page } = await newBrowser({ locale: lang.locale });
      await login(page, baseUrl(), "admin");
      for (const stop of CONSOLE) await visit(page, stop, lang);
    });

    for (const phone of [false, true]) {
      test(`the storefront in ${lang.tag} ${phone ? "on a 390 px phone" : "at a desk"}`, async () => {
        const { page } = await newBrowser({
          locale: lang.locale,
          ...(phone ? { viewport: { width: 390, height: 844 } } : {}),
        });
        await login(page, baseUrl(), DEALER.username, DEALER.password);
        for (const stop of STOREFRONT) {
          const widths = await visit(page, stop, lang, phone ? "-phone" : "");
          expect(widths.doc, `${stop.name}: no sideways scrolling`).toBeLessThanOrEqual(widths.inner);
        }
      });
    }
  }
});
