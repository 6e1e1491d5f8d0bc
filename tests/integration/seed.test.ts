import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateCredentials } from "../../app/services/accounts.server";
import { seedDemo } from "../../app/services/demo-seed.server";
import { listReturns, returnableLines } from "../../app/services/returns.server";
import { createSession, loadViewer } from "../../app/services/sessions.server";
import { DEMO_CUSTOMERS, DEMO_PASSWORD, DEMO_STAFF } from "../../db/seed/demo-data";
import { NOW } from "../support/factories";
import { expectFundsInvariants } from "../support/invariants";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

describe(`demo seed (${testDbKind()})`, () => {
  it("creates every documented login, and running it again adds nothing", async () => {
    const first = await seedDemo(t.db, NOW);
    expect(first.created.length).toBeGreaterThan(0);
    const second = await seedDemo(t.db, NOW);
    expect(second.created).toEqual([]);
    const count = await t.db
      .selectFrom("accounts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(DEMO_STAFF.length + DEMO_CUSTOMERS.length);
  });

  it("lets each demo login in on its own side", async () => {
    for (const s of DEMO_STAFF) {
      expect(await authenticateCredentials(t.db, s.username, DEMO_PASSWORD), s.username).toMatchObject({
        kind: "staff",
      });
    }
    for (const c of DEMO_CUSTOMERS) {
      expect(await authenticateCredentials(t.db, c.username, DEMO_PASSWORD), c.username).toMatchObject({
        kind: "customer",
      });
    }
  });

  it("limits `east` to 华东 with the 区域经理 role", async () => {
    const account = await authenticateCredentials(t.db, "east", DEMO_PASSWORD);
    const { token } = await createSession(t.db, account!, { ip: "", userAgent: "" }, NOW);
    const viewer = await loadViewer(t.db, token, NOW);
    if (viewer?.kind !== "staff") throw new Error("east should be staff");
    expect(viewer.roles.map((r) => r.name)).toEqual(["区域经理"]);
    const regions = await t.db.selectFrom("regions").select("id").where("name", "=", "华东").execute();
    expect(viewer.grant.regionIds).toEqual(regions.map((r) => r.id));
    expect(viewer.grant.permissions.has("order.review")).toBe(true);
    expect(viewer.grant.permissions.has("funds.view")).toBe(false);
  });

  it("spreads the dealers over three regions and three levels", async () => {
    const rows = await t.db
      .selectFrom("customers as c")
      .innerJoin("regions as r", "r.id", "c.region_id")
      .innerJoin("customer_levels as l", "l.id", "c.level_id")
      .select(["r.name as region", "l.code as level"])
      .execute();
    expect(new Set(rows.map((r) => r.region))).toEqual(new Set(["华东", "华南", "华北"]));
    expect(new Set(rows.map((r) => r.level))).toEqual(new Set(["A", "B", "C"]));
  });

  it("holds demo returns waiting at every step, one done, one rejected and one cancelled", async () => {
    const returns = await t.db
      .selectFrom("returns as r")
      .innerJoin("customers as c", "c.id", "r.customer_id")
      .select(["r.id", "r.number", "r.status", "r.region_id", "r.reject_reason", "r.refund_amount", "c.code"])
      .orderBy("r.id")
      .execute();
    // Seeded twice in the first test: each return once.
    expect(returns.map((r) => [r.code, r.status])).toEqual([
      ["C0001", "completed"],
      ["C0003", "rejected"],
      ["C0001", "pending_refund_review"],
      ["C0005", "pending_inbound_review"],
      ["C0003", "pending_return_shipment"],
      ["C0001", "cancelled"],
      ["C0001", "pending_return_review"],
      ["C0003", "pending_return_review"],
    ]);
    expect(returns.map((r) => r.number)).toEqual([...returns.map((r) => r.number)].sort());
    expect(returns.find((r) => r.status === "rejected")?.reject_reason).not.toBe("");

    const lines = await t.db
      .selectFrom("return_lines")
      .select(["return_id", "reason", "note", "received_qty", "disposition", "refund_amount"])
      .orderBy("id")
      .execute();
    expect(new Set(lines.map((l) => l.reason))).toEqual(new Set(["quality", "wrong_item", "damaged", "other"]));
    expect(lines.filter((l) => l.reason === "other").every((l) => l.note !== "")).toBe(true);

    // The finished one: a restocked line and a scrapped line, refunded to the ledger, restock in stock.
    const done = returns.find((r) => r.status === "completed")!;
    const doneLines = lines.filter((l) => l.return_id === done.id);
    expect(doneLines.map((l) => l.disposition)).toEqual(["restock", "scrap"]);
    const refund = await t.db
      .selectFrom("fund_ledger")
      .select(["amount", "customer_id"])
      .where("kind", "=", "refund")
      .execute();
    expect(refund.map((r) => Number(r.amount))).toEqual([Number(done.refund_amount)]);
    expect(Number(done.refund_amount)).toBe(doneLines.reduce((s, l) => s + Number(l.refund_amount), 0));
    expect(Number(done.refund_amount)).toBeGreaterThan(0);
    const restocked = await t.db
      .selectFrom("stock_movements")
      .select(["delta", "ref_id"])
      .where("kind", "=", "return_restock")
      .execute();
    expect(restocked).toEqual([{ delta: doneLines[0]!.received_qty, ref_id: done.number }]);
    await expectFundsInvariants(t.db);

    // The queue counters agree with the returns themselves.
    const counters = await t.db
      .selectFrom("queue_counters")
      .select(["status", "region_id", "count"])
      .where("pipeline", "=", "returns")
      .where("count", "!=", 0)
      .execute();
    const actual = new Map<string, number>();
    for (const r of returns)
      actual.set(`${r.status}@${r.region_id}`, (actual.get(`${r.status}@${r.region_id}`) ?? 0) + 1);
    expect(new Map(counters.map((c) => [`${c.status}@${c.region_id}`, Number(c.count)]))).toEqual(actual);

    // The 华东 regional manager sees the 华东 dealer's returns only.
    const account = await authenticateCredentials(t.db, "east", DEMO_PASSWORD);
    const { token } = await createSession(t.db, account!, { ip: "", userAgent: "" }, NOW);
    const east = await loadViewer(t.db, token, NOW);
    if (east?.kind !== "staff") throw new Error("east should be staff");
    const seen = await listReturns(t.db, { kind: "staff", grant: east.grant }, { limit: 50 });
    expect(seen.items.map((r) => r.customer.code)).toEqual(["C0001", "C0001", "C0001", "C0001"]);

    // hz-dealer still has shipped orders no return has touched, every line fully returnable.
    const hz = await t.db.selectFrom("customers").select("id").where("code", "=", "C0001").executeTakeFirstOrThrow();
    const shipped = await t.db
      .selectFrom("orders")
      .select("number")
      .where("customer_id", "=", hz.id)
      .where("status", "in", ["pending_receipt", "completed"])
      .orderBy("id")
      .execute();
    const whole = [];
    for (const o of shipped) {
      const r = await returnableLines(t.db, { kind: "customer", customerId: hz.id }, o.number);
      if (r?.lines.every((l) => l.claimed === 0 && l.returnable === l.quantity)) whole.push(o.number);
    }
    expect(whole).toEqual(shipped.slice(1).map((o) => o.number));
    expect(whole.length).toBe(2);
  });
});
