import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES } from "../../app/domain/permissions";
import { recordPayment } from "../../app/services/funds.server";
import { type OrderActor, performOrderAction } from "../../app/services/order-pipeline.server";
import { submitOrder } from "../../app/services/orders.server";
import { updateSettings } from "../../app/services/settings.server";
import { makeCustomer, makeOrderableSku, makeRegion, NOW, TEST_ACTOR } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind, testPostgresUrl } from "../support/test-db";

const run = promisify(execFile);
const WORKER = resolve(import.meta.dirname, "../support/race-worker.ts");

let t: TestDatabase;
let customer: Awaited<ReturnType<typeof makeCustomer>>;
const admin: OrderActor = {
  accountId: null,
  name: "admin",
  kind: "staff",
  grant: { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null },
};

async function place(code: string, key: string) {
  const placed = await submitOrder(
    t.db,
    { accountId: customer.accountId, name: customer.username, kind: "customer" },
    { customerId: customer.id, idempotencyKey: key, lines: [{ skuCode: code, quantity: 1 }] },
    NOW,
  );
  if (!placed.ok) throw new Error("not placed");
  return placed.order.number;
}
const versionOf = async (number: string) =>
  (await t.db.selectFrom("orders").select("version").where("number", "=", number).executeTakeFirstOrThrow()).version;

/** Runs the tasks split across two separate Node processes on the same database (file or schema). */
async function inTwoProcesses(tasks: Array<{ number: string; version: number }>): Promise<string[]> {
  const halves = [tasks.filter((_, i) => i % 2 === 0), tasks.filter((_, i) => i % 2 === 1)];
  const outputs = await Promise.all(
    halves.map((half) =>
      run(
        process.execPath,
        testDbKind() === "sqlite"
          ? ["--import", "tsx", WORKER, t.name, JSON.stringify(half)]
          : ["--import", "tsx", WORKER, testPostgresUrl(), JSON.stringify(half), t.name],
        { timeout: 60_000 },
      ),
    ),
  );
  return outputs.flatMap((o) => JSON.parse(o.stdout.trim().split("\n").pop()!) as string[]);
}

beforeAll(async () => {
  t = await createTestDatabase();
  customer = await makeCustomer(t.db, { regionId: (await makeRegion(t.db)).id });
  await recordPayment(
    t.db,
    { accountId: null, name: "finance", grant: { permissions: new Set(["funds.manage"]), regionIds: null } },
    {
      customerId: customer.id,
      account: "prepaid",
      amount: 100_000_000,
      method: "bank",
      reference: "T",
      businessDate: "2026-11-27",
    },
    NOW,
  );
});
afterAll(() => t?.destroy());

describe(`two processes on one database (${testDbKind()})`, () => {
  it("let exactly one of 50 approvals of one order through, with no SQLITE_BUSY or deadlock", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 5 });
    const number = await place(sku.code, "two-proc-approve");
    const version = await versionOf(number);
    const results = await inTwoProcesses(Array.from({ length: 50 }, () => ({ number, version })));
    expect(results).toHaveLength(50);
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(results.filter((r) => r !== "ok" && r !== "already_handled")).toEqual([]);
  });

  it("ship exactly 10 of 100 racing outbound reviews of one unit when 10 are in stock", async () => {
    const sku = await makeOrderableSku(t.db, { stock: 10 });
    await updateSettings(t.db, TEST_ACTOR, { allowOverselling: true }, NOW);
    const numbers: string[] = [];
    for (let i = 0; i < 100; i++) numbers.push(await place(sku.code, `two-proc-out-${i}`));
    for (const number of numbers) {
      for (let step = 0; step < 2; step++) {
        await performOrderAction(t.db, admin, number, { type: "approve", version: await versionOf(number) }, NOW);
      }
    }
    await updateSettings(t.db, TEST_ACTOR, { allowOverselling: false }, NOW);
    const tasks = await Promise.all(numbers.map(async (number) => ({ number, version: await versionOf(number) })));
    const results = await inTwoProcesses(tasks);
    expect(results.filter((r) => r === "ok")).toHaveLength(10);
    expect(results.filter((r) => r !== "ok" && r !== "insufficient_stock")).toEqual([]);
    const stock = await t.db
      .selectFrom("stock")
      .select(["on_hand", "reserved"])
      .where("sku_id", "=", sku.skuId)
      .execute();
    const movements = await t.db
      .selectFrom("stock_movements")
      .select("delta")
      .where("sku_id", "=", sku.skuId)
      .execute();
    expect(stock.reduce((s, r) => s + Number(r.on_hand), 0)).toBe(0);
    expect(movements.reduce((s, r) => s + Number(r.delta), 0)).toBe(0);
  });
});
