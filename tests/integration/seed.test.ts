import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateCredentials } from "../../app/services/accounts.server";
import { seedDemo } from "../../app/services/demo-seed.server";
import { createSession, loadViewer } from "../../app/services/sessions.server";
import { DEMO_CUSTOMERS, DEMO_PASSWORD, DEMO_STAFF } from "../../db/seed/demo-data";
import { NOW } from "../support/factories";
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
});
