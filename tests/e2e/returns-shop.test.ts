// Returns in the storefront (issue 6): a dealer returns part of a shipped order for a quality
// reason with a photo, sees it in its list and on the order, ships it back once approved, and
// cancels another; refused submits keep what was typed (with and without JavaScript); another
// dealer gets 404 for the return and its photo; both languages, on a desk and a 390 px phone.
import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { BUILTIN_ROLES } from "../../app/domain/permissions";
import { performReturnAction } from "../../app/services/returns.server";
import { type Database, openDatabase } from "../../db/client";
import { login, open, screenshot, waitForHydration } from "../support/browser";
import { baseUrl, browsersPerTest, failedResource, pathOf, textOf } from "./journey";

const newBrowser = browsersPerTest();
let database: Database;

beforeAll(() => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
});
afterAll(async () => {
  await database.close();
});

/** Set by the first journey, used by the later ones. */
const made = { returnNumber: "", orderNumber: "" };

const RETURN_URL = /\/shop\/returns\/TH\d{8}-\d{4}\?created=1$/;

const photo = () =>
  sharp({ create: { width: 120, height: 90, channels: 3, background: { r: 200, g: 60, b: 40 } } })
    .png()
    .toBuffer();

async function noSidewaysScroll(page: Page) {
  const widths = await page.evaluate(() => ({ inner: window.innerWidth, doc: document.documentElement.scrollWidth }));
  expect(widths.doc, `no sideways scrolling on ${page.url()}`).toBeLessThanOrEqual(widths.inner);
}

/** On the "returnable goods" tab: the order with the most units left to return. */
async function mostReturnable(page: Page) {
  await open(page, `${baseUrl()}/shop/returns?view=returnable`);
  const rows = page.getByTestId("returnable-order");
  const left = (await rows.evaluateAll((els) =>
    els.map((el) => Number(el.getAttribute("data-returnable"))),
  )) as number[];
  expect(left.length, "hz-dealer has returnable orders").toBeGreaterThan(0);
  return rows.nth(left.indexOf(Math.max(...left)));
}

/** Opens the return form of the order with the most units left, from the "returnable goods" tab. */
async function openReturnForm(page: Page): Promise<string> {
  const row = await mostReturnable(page);
  const orderNumber = await textOf(row.locator('a[href^="/shop/orders/"]'));
  expect(orderNumber).toMatch(/^DH\d{8}-\d{4}$/);
  await row.locator('a[href^="/shop/returns/new"]').click();
  await page.waitForURL(/\/shop\/returns\/new\?order=DH/);
  await waitForHydration(page);
  await expect.poll(() => page.locator('input[name="lines.0.quantity"]').count()).toBe(1);
  return orderNumber;
}

const line = (page: Page, index: number) => page.locator(`[data-line-index="${index}"]`);

async function submitReturn(page: Page) {
  await page.locator('form[enctype="multipart/form-data"] button[type="submit"]').click();
}

describe("a dealer returns goods", () => {
  test("part of a shipped order for a quality reason with a photo; a refused quantity keeps what was typed", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "hz-dealer");
    const orderNumber = await openReturnForm(page);
    await screenshot(page, "shop-return-new-zh");
    const first = line(page, 0);
    const returnable = Number(await first.getAttribute("data-returnable"));
    expect(returnable).toBeGreaterThan(0);

    // More than can be returned: refused next to the line, nothing typed is lost.
    await page.locator('input[name="lines.0.quantity"]').fill(String(returnable + 1));
    await page.locator('select[name="lines.0.reason"]').selectOption("quality");
    await page.locator('input[name="lines.0.note"]').fill("瓶盖开裂漏液");
    await page.locator('textarea[name="note"]').fill("请尽快安排取件");
    await submitReturn(page);
    await expect.poll(() => textOf(first)).toContain(`超过可退数量（最多 ${returnable}）`);
    expect(await page.locator('input[name="lines.0.quantity"]').getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator('input[name="lines.0.quantity"]').inputValue()).toBe(String(returnable + 1));
    expect(await page.locator('input[name="lines.0.note"]').inputValue()).toBe("瓶盖开裂漏液");
    expect(await page.locator('textarea[name="note"]').inputValue()).toBe("请尽快安排取件");
    expect(pathOf(page)).toBe(`/shop/returns/new?order=${orderNumber}`);
    await screenshot(page, "shop-return-new-refused-zh");

    // One unit with a photo: the return is created and waits for review.
    await page.locator('input[name="lines.0.quantity"]').fill("1");
    await page
      .locator("#return-photos")
      .setInputFiles({ name: "leak.png", mimeType: "image/png", buffer: await photo() });
    expect(await textOf(page.getByTestId("chosen-photos"))).toContain("leak.png");
    await submitReturn(page);
    await page.waitForURL(RETURN_URL);
    await waitForHydration(page);
    const number = decodeURIComponent(pathOf(page).split("/").pop()!.split("?")[0]!);
    const main = page.locator("main");
    await expect.poll(() => textOf(main)).toContain("退货申请已提交");
    expect(await textOf(main)).toContain("待退货审核");
    expect(await textOf(main)).toContain("质量问题：瓶盖开裂漏液");
    expect(await textOf(main)).toContain(orderNumber);
    expect(await textOf(main)).toContain("提交退货申请 → 待退货审核");
    // The photo's thumbnail loads, and links to the full image.
    const thumb = page.locator(`img[src="/shop/returns/${number}/photos/0/thumb"]`);
    await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await page.locator(`a[href="/shop/returns/${number}/photos/0/full"]`).count()).toBe(1);
    await screenshot(page, "shop-return-detail-zh");

    const full = await page.request.get(`${baseUrl()}/shop/returns/${number}/photos/0/full`);
    expect(full.status()).toBe(200);
    expect(full.headers()["content-type"]).toBe("image/png");
    expect(full.headers()["cache-control"]).toBe("private, max-age=3600");
    const again = await page.request.get(`${baseUrl()}/shop/returns/${number}/photos/0/full`, {
      headers: { "If-None-Match": full.headers().etag! },
    });
    expect(again.status()).toBe(304);

    // Listed among my returns…
    await open(page, `${baseUrl()}/shop/returns`);
    const row = page.getByTestId("return-row").first();
    expect(await textOf(row)).toContain(number);
    expect(await textOf(row)).toContain("待退货审核");
    await screenshot(page, "shop-return-list-zh");
    await open(page, `${baseUrl()}/shop/returns?view=returnable`);
    await screenshot(page, "shop-return-returnable-zh");

    // …and on its order, with the units in return on the line.
    await open(page, `${baseUrl()}/shop/orders/${orderNumber}`);
    expect(await textOf(page.getByTestId("order-returns"))).toContain(number);
    expect(await textOf(page.getByTestId("line-returned").first())).toMatch(/已退\/退货中 \d+/);
    // Units are left on the line, so the order still offers a return.
    if (returnable > 1)
      expect(await page.getByTestId("start-return").getAttribute("href")).toBe(
        `/shop/returns/new?order=${orderNumber}`,
      );
    await screenshot(page, "shop-return-order-zh");
    made.returnNumber = number;
    made.orderNumber = orderNumber;
  });

  test("ships the goods back once the return is approved", async () => {
    expect(made.returnNumber).not.toBe("");
    const { version } = await database.db
      .selectFrom("returns")
      .select("version")
      .where("number", "=", made.returnNumber)
      .executeTakeFirstOrThrow();
    const approved = await performReturnAction(
      database.db,
      {
        accountId: null,
        name: "admin",
        kind: "staff",
        grant: { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null },
      },
      made.returnNumber,
      { type: "approve", version },
      new Date(),
    );
    expect(approved).toMatchObject({ ok: true, status: "pending_return_shipment" });

    const { page } = await newBrowser();
    await login(page, baseUrl(), "hz-dealer");
    await open(page, `${baseUrl()}/shop/returns/${made.returnNumber}`);
    const form = page.getByTestId("ship-back");
    // Neither carrier nor drop-off: refused at the fields.
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => textOf(form)).toContain("必填。");
    await screenshot(page, "shop-return-ship-back-zh");
    await form.locator('input[name="carrier"]').fill("顺丰速运");
    await form.locator('input[name="trackingNo"]').fill("SF1234567890");
    await form.locator('button[type="submit"]').click();
    const main = page.locator("main");
    // React Router shows the action's answer as soon as it arrives and the page's own data
    // once its loaders have run again: wait for both.
    await expect.poll(() => textOf(main)).toContain("已记录退货物流");
    await expect.poll(() => textOf(main)).toContain("待入库审核");
    expect(await textOf(main)).toContain("顺丰速运 SF1234567890");
    expect(await page.getByTestId("ship-back").count()).toBe(0);
  });

  test("cancels a return still waiting for review, after 其他 without a reason is refused", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "hz-dealer");
    await openReturnForm(page);
    await page.locator('input[name="lines.0.quantity"]').fill("1");
    await page.locator('select[name="lines.0.reason"]').selectOption("other");
    await submitReturn(page);
    await expect.poll(() => textOf(line(page, 0))).toContain("选择“其他”时请写明原因。");
    expect(await page.locator('input[name="lines.0.quantity"]').inputValue()).toBe("1");
    await page.locator('input[name="lines.0.note"]').fill("买多了");
    await submitReturn(page);
    await page.waitForURL(RETURN_URL);
    await waitForHydration(page);
    const main = page.locator("main");
    await expect.poll(() => textOf(main)).toContain("其他：买多了");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.locator('button:has-text("取消退货申请")').click();
    await expect.poll(() => textOf(main)).toContain("退货申请已取消");
    // The status beside the number and the buttons come from the page's data, read again after the notice.
    await expect.poll(() => textOf(page.locator("main div:has(> h1)"))).toContain("已取消");
    await expect.poll(() => page.locator('button:has-text("取消退货申请")').count()).toBe(0);
    await screenshot(page, "shop-return-cancelled-zh");
  });

  test("another dealer gets 404 for the return, its photo and the order's return form", async () => {
    expect(made.returnNumber).not.toBe("");
    const { page } = await newBrowser({ allowErrors: [failedResource(404)] });
    await login(page, baseUrl(), "sh-dealer");
    const detail = await page.goto(`${baseUrl()}/shop/returns/${made.returnNumber}`);
    expect(detail?.status()).toBe(404);
    expect(await textOf(page.locator("main"))).not.toContain(made.orderNumber);
    const image = await page.request.get(`${baseUrl()}/shop/returns/${made.returnNumber}/photos/0/thumb`);
    expect(image.status()).toBe(404);
    const form = await page.goto(`${baseUrl()}/shop/returns/new?order=${made.orderNumber}`);
    expect(form?.status()).toBe(404);
    // Its own list does not show the other dealer's return.
    await open(page, `${baseUrl()}/shop/returns`);
    expect(await textOf(page.locator("main"))).not.toContain(made.returnNumber);
  });

  test("without JavaScript a refused return comes back with what was typed", async () => {
    const { page } = await newBrowser({ javaScriptEnabled: false, allowErrors: [failedResource(409)] });
    await page.goto(`${baseUrl()}/login`);
    await page.locator('input[name="username"]').fill("hz-dealer");
    await page.locator('input[name="password"]').fill("demo1234");
    await page.locator('form:has(input[name="password"]) button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === "/shop");
    await page.goto(`${baseUrl()}/shop/returns?view=returnable`);
    await page.getByTestId("returnable-order").first().locator('a[href^="/shop/returns/new"]').click();
    // Without JavaScript nothing checks the quantity before the post: the server refuses it.
    await page.waitForURL(/\/shop\/returns\/new\?order=DH/);
    const returnable = Number(await line(page, 0).getAttribute("data-returnable"));
    await page.locator('input[name="lines.0.quantity"]').fill(String(returnable + 5));
    await page.locator('select[name="lines.0.reason"]').selectOption("damaged");
    await page.locator('textarea[name="note"]').fill("外箱压坏");
    const posted = page.waitForRequest((r) => r.method() === "POST");
    await submitReturn(page);
    const sent = await posted;
    expect(sent.resourceType()).toBe("document");
    expect((await sent.response())?.status()).toBe(409);
    await page.waitForLoadState("load");
    expect(await textOf(line(page, 0))).toContain(`超过可退数量（最多 ${returnable}）`);
    expect(await page.locator('input[name="lines.0.quantity"]').inputValue()).toBe(String(returnable + 5));
    expect(await page.locator('select[name="lines.0.reason"]').inputValue()).toBe("damaged");
    expect(await page.locator('textarea[name="note"]').inputValue()).toBe("外箱压坏");
    await screenshot(page, "shop-return-nojs-refused-zh");
  });
});

const RAW_KEY = /\b(returns|returnsShop|orders|shop|common|funds)\.[a-z][A-Za-z_]*(\.[A-Za-z_]+)*\b/;

describe("the return pages in both languages", () => {
  const langs = [
    { tag: "zh", locale: "zh-CN", lang: "zh-CN", title: "退货" },
    { tag: "en", locale: "en-US", lang: "en", title: "Returns" },
  ] as const;
  for (const lang of langs)
    for (const phone of [false, true])
      test(`in ${lang.tag} ${phone ? "on a 390 px phone" : "at a desk"}`, async () => {
        expect(made.returnNumber).not.toBe("");
        const { page } = await newBrowser({
          locale: lang.locale,
          ...(phone ? { viewport: { width: 390, height: 844 } } : {}),
        });
        await login(page, baseUrl(), "hz-dealer");
        const suffix = `${lang.tag}${phone ? "-phone" : ""}`;
        const formOrder = await textOf((await mostReturnable(page)).locator('a[href^="/shop/orders/"]'));
        const stops = [
          { name: "list", path: "/shop/returns" },
          { name: "returnable", path: "/shop/returns?view=returnable" },
          { name: "new", path: `/shop/returns/new?order=${formOrder}` },
          { name: "detail", path: `/shop/returns/${made.returnNumber}` },
          { name: "order", path: `/shop/orders/${made.orderNumber}` },
        ];
        for (const stop of stops) {
          const response = await page.goto(`${baseUrl()}${stop.path}`);
          expect(response?.status(), stop.name).toBe(200);
          await waitForHydration(page);
          expect(await page.locator("html").getAttribute("lang")).toBe(lang.lang);
          expect(await textOf(page.locator("main")), `${stop.name}: untranslated key`).not.toMatch(RAW_KEY);
          if (phone) await noSidewaysScroll(page);
          await screenshot(page, `shop-return-${stop.name}-${suffix}`);
        }
        // The desk's top bar links to returns; a phone reaches them from my orders.
        await open(page, `${baseUrl()}/shop/orders`);
        if (phone) await page.getByTestId("returns-link").click();
        else await page.locator('header nav a[href="/shop/returns"]').click();
        await page.waitForURL(/\/shop\/returns$/);
        await expect.poll(() => textOf(page.locator("main h1"))).toBe(lang.title);
      });

  test("the language button switches a return page to English", async () => {
    expect(made.returnNumber).not.toBe("");
    const { page } = await newBrowser();
    await login(page, baseUrl(), "hz-dealer");
    await open(page, `${baseUrl()}/shop/returns/${made.returnNumber}`);
    expect(await textOf(page.locator("main"))).toContain("待入库审核");
    await page.getByRole("button", { name: "English" }).click();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
    await expect.poll(() => textOf(page.locator("main"))).toContain("Awaiting inbound review");
    expect(await textOf(page.locator("main"))).toContain("Quality problem");
    expect(pathOf(page)).toBe(`/shop/returns/${made.returnNumber}`);
  });
});
