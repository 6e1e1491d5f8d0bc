import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateCredentials, setAccountActive, setCustomerActive } from "../../app/services/accounts.server";
import { createSession, endSession, loadViewer, SESSION_LIMITS } from "../../app/services/sessions.server";
import {
  builtinRoleId,
  makeCustomer,
  makeRegion,
  makeRole,
  makeStaff,
  NOW,
  PASSWORD,
  TEST_ACTOR,
} from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const meta = { ip: "203.0.113.7", userAgent: "vitest" };
const later = (ms: number) => new Date(NOW.getTime() + ms);

describe(`login and sessions (${testDbKind()})`, () => {
  it("accepts the right password and tells nothing apart on failure", async () => {
    const staff = await makeStaff(t.db, { username: "Wang.Wei" });
    expect(await authenticateCredentials(t.db, "wang.wei", PASSWORD)).toEqual({
      id: staff.id,
      kind: "staff",
      username: "wang.wei",
    });
    expect(await authenticateCredentials(t.db, "  WANG.WEI ", PASSWORD)).not.toBeNull();
    expect(await authenticateCredentials(t.db, "wang.wei", "wrong password")).toBeNull();
    expect(await authenticateCredentials(t.db, "nobody", PASSWORD)).toBeNull();
  });

  it("stores passwords as argon2id at m=19456, t=2, p=1", async () => {
    const staff = await makeStaff(t.db);
    const row = await t.db
      .selectFrom("accounts")
      .select("password_hash")
      .where("id", "=", staff.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("keeps only the token's hash, and each login gets a new token", async () => {
    const staff = await makeStaff(t.db);
    const account = { id: staff.id, kind: "staff" as const, username: staff.username };
    const a = await createSession(t.db, account, meta, NOW);
    const b = await createSession(t.db, account, meta, NOW);
    expect(a.token).not.toBe(b.token);
    expect(Buffer.from(a.token, "base64url")).toHaveLength(32);
    const stored = await t.db.selectFrom("sessions").select("id").where("account_id", "=", staff.id).execute();
    expect(stored.map((s) => s.id)).not.toContain(a.token);
    const audit = await t.db
      .selectFrom("audit_log")
      .select("action")
      .where("actor_account_id", "=", staff.id)
      .where("action", "=", "auth.login")
      .execute();
    expect(audit).toHaveLength(2);
  });

  it("loads a staff member with the exact union of their roles and their regions", async () => {
    const east = await makeRegion(t.db);
    const roleA = await makeRole(t.db, ["order.view", "customer.view"]);
    const roleB = await makeRole(t.db, ["customer.view", "funds.view"]);
    const staff = await makeStaff(t.db, { roleIds: [roleA, roleB], regionIds: [east.id] });
    const { token } = await createSession(t.db, { id: staff.id, kind: "staff", username: staff.username }, meta, NOW);
    const viewer = await loadViewer(t.db, token, NOW);
    expect(viewer?.kind).toBe("staff");
    if (viewer?.kind !== "staff") return;
    expect([...viewer.grant.permissions].sort()).toEqual(["customer.view", "funds.view", "order.view"]);
    expect(viewer.grant.regionIds).toEqual([east.id]);
    expect(viewer.roles).toHaveLength(2);
  });

  it("gives an administrator every permission and all regions", async () => {
    const staff = await makeStaff(t.db, { roleIds: [await builtinRoleId(t.db, "admin")] });
    const { token } = await createSession(t.db, { id: staff.id, kind: "staff", username: staff.username }, meta, NOW);
    const viewer = await loadViewer(t.db, token, NOW);
    if (viewer?.kind !== "staff") throw new Error("expected staff");
    expect(viewer.grant.permissions.size).toBe(27);
    expect(viewer.grant.regionIds).toBeNull();
  });

  it("loads a customer with its company", async () => {
    const customer = await makeCustomer(t.db);
    const { token } = await createSession(
      t.db,
      { id: customer.accountId, kind: "customer", username: customer.username },
      meta,
      NOW,
    );
    const viewer = await loadViewer(t.db, token, NOW);
    expect(viewer).toMatchObject({ kind: "customer", customer: { id: customer.id, regionId: customer.regionId } });
  });

  it("ends every session of an account the moment it is disabled", async () => {
    const staff = await makeStaff(t.db);
    const account = { id: staff.id, kind: "staff" as const, username: staff.username };
    const { token } = await createSession(t.db, account, meta, NOW);
    expect(await loadViewer(t.db, token, NOW)).not.toBeNull();
    await setAccountActive(t.db, TEST_ACTOR, staff.id, false, NOW);
    expect(await loadViewer(t.db, token, NOW)).toBeNull();
    expect(await authenticateCredentials(t.db, staff.username, PASSWORD)).toBeNull();
    // Enabling again does not revive the old session.
    await setAccountActive(t.db, TEST_ACTOR, staff.id, true, NOW);
    expect(await loadViewer(t.db, token, NOW)).toBeNull();
    expect(await authenticateCredentials(t.db, staff.username, PASSWORD)).not.toBeNull();
  });

  it("ends the ordering account's sessions when the customer is disabled", async () => {
    const customer = await makeCustomer(t.db);
    const { token } = await createSession(
      t.db,
      { id: customer.accountId, kind: "customer", username: customer.username },
      meta,
      NOW,
    );
    await setCustomerActive(t.db, TEST_ACTOR, customer.id, false, NOW);
    expect(await loadViewer(t.db, token, NOW)).toBeNull();
    expect(await authenticateCredentials(t.db, customer.username, PASSWORD)).toBeNull();
    const audit = await t.db
      .selectFrom("audit_log")
      .select(["before_json", "after_json"])
      .where("action", "=", "customer.disable")
      .where("object_id", "=", String(customer.id))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before_json!)).toEqual({ active: true });
    expect(JSON.parse(audit.after_json!)).toEqual({ active: false });
  });

  it("expires an idle staff session after 30 minutes, and activity keeps it alive", async () => {
    const staff = await makeStaff(t.db);
    const { token } = await createSession(t.db, { id: staff.id, kind: "staff", username: staff.username }, meta, NOW);
    expect(await loadViewer(t.db, token, later(20 * 60_000))).not.toBeNull();
    // Seen at +20 min, so still alive at +45 min, then idle past +50 min.
    expect(await loadViewer(t.db, token, later(45 * 60_000))).not.toBeNull();
    expect(await loadViewer(t.db, token, later(45 * 60_000 + SESSION_LIMITS.staff.idleMs))).toBeNull();
  });

  it("ends a staff session after 12 hours however active", async () => {
    const staff = await makeStaff(t.db);
    const { token } = await createSession(t.db, { id: staff.id, kind: "staff", username: staff.username }, meta, NOW);
    let at = 0;
    while (at < SESSION_LIMITS.staff.absoluteMs - 20 * 60_000) {
      at += 20 * 60_000;
      expect(await loadViewer(t.db, token, later(at))).not.toBeNull();
    }
    expect(await loadViewer(t.db, token, later(SESSION_LIMITS.staff.absoluteMs))).toBeNull();
  });

  it("ends a session at logout, server-side", async () => {
    const staff = await makeStaff(t.db);
    const { token } = await createSession(t.db, { id: staff.id, kind: "staff", username: staff.username }, meta, NOW);
    const viewer = await loadViewer(t.db, token, NOW);
    await endSession(t.db, viewer!.sessionId, { accountId: staff.id, name: staff.username }, NOW);
    expect(await loadViewer(t.db, token, NOW)).toBeNull();
  });

  it("applies a role change on the next request", async () => {
    const role = await makeRole(t.db, ["customer.view"]);
    const staff = await makeStaff(t.db, { roleIds: [role] });
    const { token } = await createSession(t.db, { id: staff.id, kind: "staff", username: staff.username }, meta, NOW);
    const before = await loadViewer(t.db, token, NOW);
    expect(before?.kind === "staff" && before.grant.permissions.has("customer.view")).toBe(true);
    await t.db.deleteFrom("role_permissions").where("role_id", "=", role).execute();
    const after = await loadViewer(t.db, token, NOW);
    expect(after?.kind === "staff" && after.grant.permissions.has("customer.view")).toBe(false);
  });
});
