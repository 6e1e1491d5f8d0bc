// Webhooks in the browser: an administrator adds an endpoint pointing at a local receiver,
// approves an order, and finds the signed delivery and its attempt on the endpoint's page.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { type Database, openDatabase } from "../../db/client";
import { login, open, screenshot, waitForHydration } from "../support/browser";
import { baseUrl, browsersPerTest, textOf } from "./journey";
import { placeAnOrder } from "./shipped-order";

const newBrowser = browsersPerTest();

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; data: { number?: string } };
}

let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let verify: (secret: string, headers: IncomingHttpHeaders, rawBody: string) => boolean;
let database: Database;

beforeAll(async () => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
  // The README's verification example, as written there.
  const readme = readFileSync(resolve(import.meta.dirname, "../../README.md"), "utf8");
  const code = /## Webhooks[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error("README has no webhook verification example");
  const file = join(mkdtempSync(join(tmpdir(), "dinghuo-readme-")), "verify.mjs");
  writeFileSync(file, code);
  verify = (await import(pathToFileURL(file).href)).verifyDinghuoWebhook;

  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(200, { "content-type": "text/plain" }).end("received");
    });
  });
  await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/dinghuo/hooks`;
});
afterAll(async () => {
  await new Promise((done) => receiver.close(done));
  await database.close();
});

describe("webhooks in the console", () => {
  test("an endpoint receives a signed order event from a console approval, shown with its attempt; send again re-delivers", async () => {
    const { page } = await newBrowser();
    await login(page, baseUrl(), "admin");

    // Create the endpoint: the secret is shown once.
    await open(page, `${baseUrl()}/admin/settings/webhooks`);
    await page.getByRole("link", { name: "新建端点" }).click();
    await page.waitForURL(/\/admin\/settings\/webhooks\/new$/);
    await waitForHydration(page);
    // Nothing chosen: the error shows next to the events, and what was typed stays.
    await page.locator('input[name="url"]').fill(receiverUrl);
    await page.locator('input[name="description"]').fill("ERP 订单同步");
    await page.getByRole("button", { name: "创建端点" }).click();
    await expect.poll(() => textOf(page.locator("main"))).toContain("请至少订阅一个事件。");
    expect(await page.locator('input[name="url"]').inputValue()).toBe(receiverUrl);
    await page.locator('input[name="events"][value="order.*"]').check();
    await screenshot(page, "admin-webhook-new-zh");
    await page.getByRole("button", { name: "创建端点" }).click();
    const secretBox = page.getByTestId("webhook-secret");
    await expect.poll(() => secretBox.count()).toBe(1);
    const secret = await textOf(secretBox);
    expect(secret).toMatch(/^whsec_/);
    await screenshot(page, "admin-webhook-created-zh");
    await page.getByRole("link", { name: "查看端点" }).click();
    await page.waitForURL(/\/admin\/settings\/webhooks\/\d+$/);
    const endpointPath = new URL(page.url()).pathname;

    // Approve a fresh, funded order waiting for order review (other suites leave theirs in the queue).
    const number = await placeAnOrder(database.db, "C0001");
    await open(page, `${baseUrl()}/admin/orders/${number}`);
    await page.getByTestId("approve-form").locator('button[value="approve"]').click();
    await expect.poll(() => textOf(page.locator('[role="status"], [role="alert"]').first())).not.toBe("");

    // The background jobs (outbox, then webhooks) send it within seconds, signed.
    const mine = () => received.filter((r) => r.json.data.number === number && r.json.type === "order.step_approved");
    await expect.poll(() => mine().length, { timeout: 20_000, interval: 500 }).toBe(1);
    const [hit] = mine();
    expect(hit!.headers["dinghuo-event"]).toBe("order.step_approved");
    expect(verify(secret, hit!.headers, hit!.body)).toBe(true);

    // The endpoint's page lists the delivery, delivered, with its one attempt (200).
    await open(page, `${baseUrl()}${endpointPath}?event=order.step_approved`);
    const row = page.getByTestId("webhook-delivery").first();
    await expect.poll(() => textOf(row)).toContain("已送达");
    expect(await textOf(row)).toContain(hit!.json.id);
    await row.locator("summary").click();
    const attempt = row.getByTestId("webhook-attempt");
    expect(await attempt.count()).toBe(1);
    expect(await textOf(attempt)).toContain("200");
    expect(await textOf(attempt)).toContain("received");
    await screenshot(page, "admin-webhook-deliveries-zh");

    // Send again: the same event arrives a second time, and a second attempt is logged.
    await row.getByRole("button", { name: "重新发送" }).click();
    await expect.poll(() => textOf(row)).toContain("已重新排队");
    await expect.poll(() => mine().length, { timeout: 20_000, interval: 500 }).toBe(2);
    expect(mine()[1]!.json.id).toBe(hit!.json.id);
    await expect
      .poll(
        async () => {
          await open(page, `${baseUrl()}${endpointPath}?event=order.step_approved`);
          return page.getByTestId("webhook-delivery").first().getByTestId("webhook-attempt").count();
        },
        { timeout: 15_000, interval: 1_000 },
      )
      .toBe(2);

    await open(page, `${baseUrl()}/admin/settings/webhooks`);
    expect(await textOf(page.getByTestId("webhook-row").first())).toContain(receiverUrl);
    await screenshot(page, "admin-webhooks-zh");
  });

  test("the pages in English", async () => {
    const { page } = await newBrowser({ locale: "en" });
    await login(page, baseUrl(), "admin");
    await open(page, `${baseUrl()}/admin/settings/webhooks`);
    expect(await textOf(page.locator("main h1"))).toBe("Webhooks");
    await screenshot(page, "admin-webhooks-en");
    await page.getByTestId("webhook-row").first().locator("a").click();
    await page.waitForURL(/\/admin\/settings\/webhooks\/\d+$/);
    await waitForHydration(page);
    const row = page.getByTestId("webhook-delivery").first();
    await expect.poll(() => textOf(row)).toContain("Delivered");
    await row.locator("summary").click();
    await screenshot(page, "admin-webhook-deliveries-en");
    await open(page, `${baseUrl()}/admin/settings/webhooks/new`);
    await page.locator('input[name="url"]').fill("ftp://erp.example.com/");
    await page.locator('input[name="events"][value="return.*"]').check();
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await expect
      .poll(() => textOf(page.locator("main")))
      .toContain("Only http:// and https:// addresses are supported.");
    await screenshot(page, "admin-webhook-new-en");
  });
});
