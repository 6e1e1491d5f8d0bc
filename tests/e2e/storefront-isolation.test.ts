// Customer isolation over HTTP (RELIABILITY A1): a dealer asking for another dealer's order gets
// the same 404 as for an order that does not exist — on the page, its .data payload and actions.
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { submitOrder } from "../../app/services/orders.server";
import { type Database, openDatabase } from "../../db/client";
import { CookieJar, postLogin, request } from "./http";

const base = () => inject("baseUrl");
let database: Database;
let otherOrder: string;

beforeAll(async () => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
  const gz = await database.db
    .selectFrom("customers")
    .select(["id", "account_id"])
    .where("code", "=", "C0003")
    .executeTakeFirstOrThrow();
  const placed = await submitOrder(
    database.db,
    { accountId: gz.account_id, name: "gz-dealer", kind: "customer" },
    { customerId: gz.id, idempotencyKey: "e2e-isolation", lines: [{ skuCode: "SP001-1", quantity: 5 }] },
    new Date(),
  );
  if (!placed.ok) throw new Error(`could not place gz-dealer's order: ${placed.error}`);
  otherOrder = placed.order.number;
});
afterAll(() => database.close());

async function signedIn(username: string) {
  const jar = new CookieJar();
  const login = await postLogin(base(), username, "demo1234", jar);
  expect(login.status).toBe(302);
  return jar;
}

describe("a dealer cannot reach another dealer's order", () => {
  test("the page, its data request and the cancel action all answer 404", async () => {
    const jar = await signedIn("hz-dealer");
    const page = await request(base(), `/shop/orders/${otherOrder}`, { jar });
    expect(page.status).toBe(404);
    const body = await page.text();
    expect(body).not.toContain("广州粤丰");
    expect(body).not.toContain("SP001-1");
    const missing = await request(base(), "/shop/orders/DH20000101-9999", { jar });
    expect(missing.status).toBe(404);

    const dataRequest = await request(base(), `/shop/orders/${otherOrder}.data`, { jar });
    expect(dataRequest.status).toBe(404);
    expect(await dataRequest.text()).not.toContain("SP001-1");

    const cancel = await request(base(), `/shop/orders/${otherOrder}`, {
      jar,
      headers: { Origin: base() },
      form: { intent: "cancel", version: "1" },
    });
    expect(cancel.status).toBe(404);
    const still = await database.db
      .selectFrom("orders")
      .select("status")
      .where("number", "=", otherOrder)
      .executeTakeFirstOrThrow();
    expect(still.status).toBe("pending_order_review");
  });

  test("the owner sees it", async () => {
    const jar = await signedIn("gz-dealer");
    const page = await request(base(), `/shop/orders/${otherOrder}`, { jar });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(otherOrder);
  });
});
