// Staff accounts, roles and the permission matrix as administrators change them (issue 7):
// own-password re-entry, 系统管理员 keeping every permission, the last active administrator,
// deleting an assigned role, every change audited, and changes biting a live session at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS, type Permission } from "../../app/domain/permissions";
import { authenticateCredentials } from "../../app/services/accounts.server";
import type { Actor } from "../../app/services/audit.server";
import { recordAudit } from "../../app/services/audit.server";
import { auditExportRows, listAuditLog } from "../../app/services/audit-log.server";
import { csvStream } from "../../app/services/imports/spreadsheet-stream.server";
import {
  createRole,
  deleteRole,
  getRole,
  listRoles,
  renameRole,
  setRolePermissions,
} from "../../app/services/roles.server";
import { createSession, loadViewer } from "../../app/services/sessions.server";
import {
  createStaff,
  getStaffAccount,
  listStaff,
  resetStaffPassword,
  setStaffActive,
  updateStaff,
} from "../../app/services/staff-admin.server";
import { builtinRoleId, makeRegion, makeRole, makeStaff, NOW, PASSWORD } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let admin: Actor;
let adminRole: number;

beforeAll(async () => {
  t = await createTestDatabase();
  adminRole = await builtinRoleId(t.db, "admin");
  const a = await makeStaff(t.db, { roleIds: [adminRole], username: "root" });
  admin = { accountId: a.id, name: a.username, requestId: "req-test", ip: "198.51.100.1" };
});
afterAll(() => t.destroy());

const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const meta = { ip: "203.0.113.9", userAgent: "vitest" };

async function auditRows(action: string, objectId?: number) {
  let q = t.db.selectFrom("audit_log").selectAll().where("action", "=", action);
  if (objectId !== undefined) q = q.where("object_id", "=", String(objectId));
  return q.orderBy("id").execute();
}

async function permissionsOf(roleId: number): Promise<string[]> {
  const rows = await t.db
    .selectFrom("role_permissions")
    .select("permission_key")
    .where("role_id", "=", roleId)
    .execute();
  return rows.map((r) => r.permission_key).sort();
}

describe(`staff accounts (${testDbKind()})`, () => {
  it("needs the acting person's own password to create an account with roles, and keeps nothing on a wrong one", async () => {
    const reviewer = await builtinRoleId(t.db, "order_reviewer");
    const input = {
      username: "Li.Na",
      displayName: "李娜",
      password: "first password",
      roleIds: [reviewer],
      regionIds: null,
    };

    expect(await createStaff(t.db, admin, input, NOW)).toEqual({ ok: false, error: "wrong_password" });
    expect(await createStaff(t.db, admin, { ...input, actorPassword: "not my password" }, NOW)).toEqual({
      ok: false,
      error: "wrong_password",
    });
    expect(await t.db.selectFrom("accounts").select("id").where("username", "=", "li.na").execute()).toEqual([]);
    const failed = await auditRows("staff.reauth_failed", admin.accountId!);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed[0]!.actor_name).toBe("root");

    const created = await createStaff(t.db, admin, { ...input, actorPassword: PASSWORD }, NOW);
    expect(created).toMatchObject({ ok: true, generatedPassword: null });
    if (!created.ok) return;
    expect(await authenticateCredentials(t.db, "li.na", "first password")).toMatchObject({ id: created.id });
    const [audit] = await auditRows("staff.create", created.id);
    expect(audit).toMatchObject({ actor_account_id: admin.accountId, request_id: "req-test", ip: "198.51.100.1" });
    expect(JSON.parse(audit!.after_json!)).toEqual({
      username: "li.na",
      displayName: "李娜",
      roleIds: [reviewer],
      regionIds: null,
      passwordGenerated: false,
    });

    // The username is unique across staff and customers, whatever its case.
    expect(await createStaff(t.db, admin, { ...input, username: "LI.NA", actorPassword: PASSWORD }, NOW)).toEqual({
      ok: false,
      error: "username_taken",
    });
  });

  it("creates an account without roles without asking for a password, and generates one when asked", async () => {
    const east = await makeRegion(t.db, "华东测试");
    const created = await createStaff(
      t.db,
      admin,
      { username: "temp.clerk", displayName: "临时", password: null, roleIds: [], regionIds: [east.id] },
      NOW,
    );
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.generatedPassword).toMatch(/^[A-Za-z2-9]{12}$/);
    expect(await authenticateCredentials(t.db, "temp.clerk", created.generatedPassword!)).not.toBeNull();
    expect(await getStaffAccount(t.db, created.id)).toMatchObject({ roleIds: [], regionIds: [east.id], active: true });
  });

  it("changes roles only with the password, regions and name without it, and audits before → after", async () => {
    const north = await makeRegion(t.db);
    const south = await makeRegion(t.db);
    const lead = await builtinRoleId(t.db, "business_lead");
    const staff = await makeStaff(t.db, { roleIds: [], regionIds: [north.id] });

    expect(
      await updateStaff(t.db, admin, staff.id, { displayName: "改名", roleIds: [lead], regionIds: [north.id] }, NOW),
    ).toEqual({ ok: false, error: "wrong_password" });
    expect((await getStaffAccount(t.db, staff.id))!.roleIds).toEqual([]);

    expect(
      await updateStaff(t.db, admin, staff.id, { displayName: "改名", regionIds: [north.id, south.id] }, NOW),
    ).toEqual({ ok: true, changed: true });
    expect(
      await updateStaff(
        t.db,
        admin,
        staff.id,
        { displayName: "改名", roleIds: [lead], regionIds: null, actorPassword: PASSWORD },
        NOW,
      ),
    ).toEqual({ ok: true, changed: true });
    expect(await getStaffAccount(t.db, staff.id)).toMatchObject({
      displayName: "改名",
      roleIds: [lead],
      regionIds: null,
    });

    const audits = await auditRows("staff.update", staff.id);
    expect(audits.map((a) => [JSON.parse(a.before_json!), JSON.parse(a.after_json!)])).toEqual([
      [
        { displayName: `员工 ${staff.username}`, regionIds: [north.id] },
        { displayName: "改名", regionIds: [north.id, south.id] },
      ],
      [
        { roleIds: [], regionIds: [north.id, south.id] },
        { roleIds: [lead], regionIds: null },
      ],
    ]);
    // Nothing changed: nothing written.
    expect(await updateStaff(t.db, admin, staff.id, { displayName: "改名", regionIds: null }, NOW)).toEqual({
      ok: true,
      changed: false,
    });
    expect(await auditRows("staff.update", staff.id)).toHaveLength(2);
  });

  it("refuses unknown roles and regions", async () => {
    const staff = await makeStaff(t.db);
    expect(
      await updateStaff(
        t.db,
        admin,
        staff.id,
        { displayName: "x", roleIds: [999_999], regionIds: null, actorPassword: PASSWORD },
        NOW,
      ),
    ).toEqual({ ok: false, error: "unknown_role" });
    expect(await updateStaff(t.db, admin, staff.id, { displayName: "x", regionIds: [999_999] }, NOW)).toEqual({
      ok: false,
      error: "unknown_region",
    });
    expect(await updateStaff(t.db, admin, 999_999, { displayName: "x", regionIds: null }, NOW)).toEqual({
      ok: false,
      error: "not_found",
    });
  });

  it("disables (ending sessions), enables, refuses self-disable, and resets a password ending other sessions", async () => {
    const staff = await makeStaff(t.db);
    const account = { id: staff.id, kind: "staff" as const, username: staff.username };
    const { token } = await createSession(t.db, account, meta, NOW);
    expect(await setStaffActive(t.db, admin, staff.id, false, NOW)).toEqual({ ok: true, changed: true });
    expect(await loadViewer(t.db, token, NOW)).toBeNull();
    expect(await authenticateCredentials(t.db, staff.username, PASSWORD)).toBeNull();
    expect(await setStaffActive(t.db, admin, staff.id, true, NOW)).toEqual({ ok: true, changed: true });
    expect(await authenticateCredentials(t.db, staff.username, PASSWORD)).not.toBeNull();
    const [disable] = await auditRows("staff.disable", staff.id);
    expect(JSON.parse(disable!.before_json!)).toEqual({ active: true });
    expect(JSON.parse(disable!.after_json!)).toEqual({ active: false, sessionsEnded: 1 });
    expect(await auditRows("staff.enable", staff.id)).toHaveLength(1);

    expect(await setStaffActive(t.db, admin, admin.accountId!, false, NOW)).toEqual({
      ok: false,
      error: "self_disable",
    });

    const first = await createSession(t.db, account, meta, NOW);
    const second = await createSession(t.db, account, meta, NOW);
    const kept = (await t.db.selectFrom("sessions").select("id").where("account_id", "=", staff.id).execute()).map(
      (s) => s.id,
    );
    const reset = await resetStaffPassword(
      t.db,
      admin,
      { accountId: staff.id, password: null, keepSessionId: kept[0] },
      NOW,
    );
    expect(reset.ok).toBe(true);
    if (!reset.ok) return;
    const alive = [await loadViewer(t.db, first.token, NOW), await loadViewer(t.db, second.token, NOW)].filter(Boolean);
    expect(alive).toHaveLength(1);
    expect(await authenticateCredentials(t.db, staff.username, PASSWORD)).toBeNull();
    expect(await authenticateCredentials(t.db, staff.username, reset.generatedPassword!)).not.toBeNull();
    const [audit] = await auditRows("staff.password_reset", staff.id);
    expect(JSON.parse(audit!.after_json!)).toEqual({ generated: true, sessionsEnded: 1 });
    expect(audit!.after_json).not.toContain(reset.generatedPassword!);
  });

  it("counts wrong re-entered passwords against the login throttle", async () => {
    const other = await makeStaff(t.db, { roleIds: [adminRole] });
    const by: Actor = { accountId: other.id, name: other.username };
    const target = await makeStaff(t.db);
    const change = (actorPassword: string) =>
      updateStaff(t.db, by, target.id, { displayName: "x", roleIds: [], regionIds: null, actorPassword }, NOW);
    for (let i = 0; i < 5; i++) expect(await change("guess")).toEqual({ ok: false, error: "wrong_password" });
    // Blocked now, even with the right password, until the back-off ends.
    expect(await change(PASSWORD)).toEqual({ ok: false, error: "throttled", retryAfter: 30 });
  });

  it("lists staff by username with filters and a keyset pager", async () => {
    const role = await makeRole(t.db, ["report.view"]);
    for (const name of ["pg.c", "pg.a", "pg.b"]) await makeStaff(t.db, { username: name, roleIds: [role] });
    const first = await listStaff(t.db, { q: "pg.", limit: 2 });
    expect(first.items.map((s) => s.username)).toEqual(["pg.a", "pg.b"]);
    const second = await listStaff(t.db, { q: "pg.", limit: 2, after: first.nextCursor! });
    expect(second.items.map((s) => s.username)).toEqual(["pg.c"]);
    expect(second.nextCursor).toBeNull();
    expect((await listStaff(t.db, { roleId: role, limit: 50 })).items).toHaveLength(3);
    expect(first.items[0]!.roles.map((r) => r.id)).toEqual([role]);
  });
});

describe(`roles and the permission matrix (${testDbKind()})`, () => {
  it("creates, renames and refuses duplicate names (ignoring case)", async () => {
    const created = await createRole(
      t.db,
      admin,
      { name: "Sales Desk", permissions: ["order.view", "bogus.key"] },
      NOW,
    );
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(await permissionsOf(created.id)).toEqual(["order.view"]);
    expect(await createRole(t.db, admin, { name: "sales desk", permissions: [] }, NOW)).toEqual({
      ok: false,
      error: "name_taken",
    });
    expect(await renameRole(t.db, admin, created.id, "销售内勤", NOW)).toEqual({ ok: true, changed: true });
    expect(await renameRole(t.db, admin, await builtinRoleId(t.db, "order_reviewer"), "改名", NOW)).toEqual({
      ok: false,
      error: "builtin",
    });
    const [rename] = await auditRows("role.rename", created.id);
    expect(JSON.parse(rename!.before_json!)).toEqual({ name: "Sales Desk" });
    expect(JSON.parse(rename!.after_json!)).toEqual({ name: "销售内勤" });
    expect(JSON.parse((await auditRows("role.create", created.id))[0]!.after_json!)).toEqual({
      name: "Sales Desk",
      permissions: ["order.view"],
    });
  });

  it("lets built-in roles be edited, but 系统管理员 always keeps all 27", async () => {
    const reviewer = await builtinRoleId(t.db, "order_reviewer");
    const before = await permissionsOf(reviewer);
    const result = await setRolePermissions(
      t.db,
      admin,
      [{ roleId: reviewer, permissions: [...before, "report.view"] }],
      NOW,
    );
    expect(result).toEqual({ ok: true, changedRoleIds: [reviewer] });
    expect(await permissionsOf(reviewer)).toEqual([...before, "report.view"].sort());

    const withoutOne = PERMISSIONS.filter((p) => p !== "settings.staff");
    expect(await setRolePermissions(t.db, admin, [{ roleId: adminRole, permissions: withoutOne }], NOW)).toEqual({
      ok: false,
      error: "admin_keeps_all",
    });
    // Refused as a whole: the other role in the same save is untouched too.
    expect(
      await setRolePermissions(
        t.db,
        admin,
        [
          { roleId: reviewer, permissions: before },
          { roleId: adminRole, permissions: [] },
        ],
        NOW,
      ),
    ).toMatchObject({ ok: false, error: "admin_keeps_all" });
    expect(await permissionsOf(adminRole)).toHaveLength(27);
    expect(await permissionsOf(reviewer)).toContain("report.view");
    // All 27 again is no change at all.
    expect(await setRolePermissions(t.db, admin, [{ roleId: adminRole, permissions: PERMISSIONS }], NOW)).toEqual({
      ok: true,
      changedRoleIds: [],
    });
  });

  it("toggles matrix cells of several roles in one save, writing and auditing only the roles that changed", async () => {
    const a = await makeRole(t.db, ["order.view"]);
    const b = await makeRole(t.db, ["funds.view"]);
    const c = await makeRole(t.db, ["report.view"]);
    const roles = await listRoles(t.db);
    const version = (id: number) => roles.find((r) => r.id === id)!.updatedAt;
    const result = await setRolePermissions(
      t.db,
      admin,
      [
        { roleId: a, permissions: ["order.view", "order.export"], expectedUpdatedAt: version(a) },
        { roleId: b, permissions: [], expectedUpdatedAt: version(b) },
        { roleId: c, permissions: ["report.view"], expectedUpdatedAt: version(c) },
      ],
      later(1),
    );
    expect(result).toEqual({ ok: true, changedRoleIds: [a, b] });
    expect(await permissionsOf(a)).toEqual(["order.export", "order.view"]);
    expect(await permissionsOf(b)).toEqual([]);
    const [audit] = await auditRows("role.permissions", a);
    expect(JSON.parse(audit!.before_json!)).toEqual({ permissions: ["order.view"] });
    expect(JSON.parse(audit!.after_json!)).toEqual({
      permissions: ["order.view", "order.export"],
      added: ["order.export"],
      removed: [],
    });
    expect(await auditRows("role.permissions", c)).toEqual([]);

    // A form loaded before that save is stale now: refused, nothing written.
    expect(
      await setRolePermissions(t.db, admin, [{ roleId: a, permissions: [], expectedUpdatedAt: version(a) }], later(2)),
    ).toEqual({ ok: false, error: "stale", roleIds: [a] });
    expect(await permissionsOf(a)).toEqual(["order.export", "order.view"]);
  });

  it("refuses to delete an assigned role, saying how many hold it, and moves them when asked", async () => {
    const doomed = await makeRole(t.db, ["customer.view"]);
    const target = await makeRole(t.db, ["product.view"]);
    const one = await makeStaff(t.db, { roleIds: [doomed] });
    const two = await makeStaff(t.db, { roleIds: [doomed, target] });

    expect(await deleteRole(t.db, admin, doomed, {}, NOW)).toEqual({ ok: false, error: "assigned", count: 2 });
    expect(await deleteRole(t.db, admin, doomed, { moveToRoleId: target }, NOW)).toEqual({
      ok: false,
      error: "wrong_password",
    });
    expect(await deleteRole(t.db, admin, doomed, { moveToRoleId: doomed, actorPassword: PASSWORD }, NOW)).toEqual({
      ok: false,
      error: "bad_target",
    });
    expect(await getRole(t.db, doomed)).not.toBeNull();

    expect(await deleteRole(t.db, admin, doomed, { moveToRoleId: target, actorPassword: PASSWORD }, NOW)).toEqual({
      ok: true,
      moved: 2,
    });
    expect(await getRole(t.db, doomed)).toBeNull();
    expect((await getStaffAccount(t.db, one.id))!.roleIds).toEqual([target]);
    expect((await getStaffAccount(t.db, two.id))!.roleIds).toEqual([target]);
    const [audit] = await auditRows("role.delete", doomed);
    expect(JSON.parse(audit!.before_json!)).toMatchObject({ permissions: ["customer.view"], staff: [one.id, two.id] });
    expect(JSON.parse(audit!.after_json!)).toEqual({ movedTo: target });

    const unused = await makeRole(t.db, []);
    expect(await deleteRole(t.db, admin, unused, {}, NOW)).toEqual({ ok: true, moved: 0 });
    expect(await deleteRole(t.db, admin, await builtinRoleId(t.db, "shipping_clerk"), {}, NOW)).toEqual({
      ok: false,
      error: "builtin",
    });
  });

  it("applies a revoked permission to a live session on its very next request", async () => {
    const role = await makeRole(t.db, ["product.view", "customer.view"]);
    const staff = await makeStaff(t.db, { roleIds: [role] });
    const { token } = await createSession(t.db, { id: staff.id, kind: "staff", username: staff.username }, meta, NOW);
    const grant = async (at: Date) => {
      const viewer = await loadViewer(t.db, token, at);
      if (viewer?.kind !== "staff") throw new Error("expected a staff session");
      return [...viewer.grant.permissions].sort();
    };
    expect(await grant(NOW)).toEqual(["customer.view", "product.view"]);

    await setRolePermissions(t.db, admin, [{ roleId: role, permissions: ["product.view"] }], later(1));
    expect(await grant(later(1))).toEqual(["product.view"]);

    // Taking the role away works the same way, and the session itself lives on.
    await updateStaff(
      t.db,
      admin,
      staff.id,
      { displayName: "x", roleIds: [], regionIds: null, actorPassword: PASSWORD },
      later(2),
    );
    expect(await grant(later(2))).toEqual([]);
    const granted: Permission[] = ["report.view"];
    const other = await makeRole(t.db, granted);
    await updateStaff(
      t.db,
      admin,
      staff.id,
      { displayName: "x", roleIds: [other], regionIds: null, actorPassword: PASSWORD },
      later(3),
    );
    expect(await grant(later(3))).toEqual(["report.view"]);
  });
});

describe(`the audit log view (${testDbKind()})`, () => {
  it("filters by actor, action (exact or a kind), object and time, newest first, paged by id", async () => {
    const actor: Actor = { accountId: admin.accountId, name: "root" };
    const day = (d: string) => new Date(`${d}T04:00:00.000Z`);
    await recordAudit(t.db, actor, { action: "zz.alpha", objectType: "zz", objectId: 1 }, day("2031-01-01"));
    await recordAudit(t.db, actor, { action: "zz.beta", objectType: "zz", objectId: 2 }, day("2031-01-02"));
    await recordAudit(
      t.db,
      { accountId: null, name: "system" },
      { action: "zz.alpha", objectType: "zz", objectId: 1 },
      day("2031-01-03"),
    );

    const all = await listAuditLog(t.db, { objectType: "zz", limit: 2 });
    expect(all.items.map((r) => r.action)).toEqual(["zz.alpha", "zz.beta"]);
    const rest = await listAuditLog(t.db, { objectType: "zz", limit: 2, beforeId: all.nextCursor! });
    expect(rest.items.map((r) => r.at.slice(0, 10))).toEqual(["2031-01-01"]);
    expect(rest.nextCursor).toBeNull();

    expect((await listAuditLog(t.db, { action: "zz.*", limit: 50 })).items).toHaveLength(3);
    expect((await listAuditLog(t.db, { action: "zz.alpha", limit: 50 })).items).toHaveLength(2);
    expect((await listAuditLog(t.db, { action: "zz.alpha", actor: "ROO", limit: 50 })).items).toHaveLength(1);
    expect((await listAuditLog(t.db, { objectType: "zz", objectId: "2", limit: 50 })).items).toHaveLength(1);
    const window = await listAuditLog(t.db, {
      objectType: "zz",
      fromUtc: "2031-01-02T00:00:00.000Z",
      toUtc: "2031-01-03T00:00:00.000Z",
      limit: 50,
    });
    expect(window.items.map((r) => r.action)).toEqual(["zz.beta"]);
    // A % typed into the action filter is a character, not a wildcard.
    expect((await listAuditLog(t.db, { action: "z%.*", limit: 50 })).items).toEqual([]);
  });

  it("exports the filtered log with formula-looking cells escaped", async () => {
    await recordAudit(
      t.db,
      { accountId: null, name: "system" },
      { action: "yy.note", objectType: "yy", objectId: '=HYPERLINK("http://x")', after: { ok: true } },
      NOW,
    );
    const rows: Array<Array<string | number>> = [];
    for await (const row of auditExportRows(t.db, { objectType: "yy" }, [
      "id",
      "at",
      "actor",
      "action",
      "type",
      "object",
    ])) {
      rows.push(row);
    }
    expect(rows).toHaveLength(2);
    expect(rows[1]!.slice(2, 6)).toEqual(["system", "yy.note", "yy", '=HYPERLINK("http://x")']);
    const csv = await new Response(csvStream(auditExportRows(t.db, { objectType: "yy" }, ["h"]))).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).not.toMatch(/,=HYPERLINK/);
  });

  it("is append-only", async () => {
    await expect(t.db.updateTable("audit_log").set({ action: "x" }).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom("audit_log").execute()).rejects.toThrow(/append-only/);
  });
});

describe(`at least one active administrator remains (${testDbKind()})`, () => {
  let own: TestDatabase;
  beforeAll(async () => {
    own = await createTestDatabase();
  });
  afterAll(() => own.destroy());

  const actorOf = (s: { id: number; username: string }): Actor => ({ accountId: s.id, name: s.username });

  it("refuses to disable or demote the last one, and allows it once another exists", async () => {
    const adminId = await builtinRoleId(own.db, "admin");
    const lead = await builtinRoleId(own.db, "business_lead");
    const first = await makeStaff(own.db, { roleIds: [adminId], username: "first.admin" });
    const helper = await makeStaff(own.db, { roleIds: [adminId], username: "helper" });
    // The helper is switched off, so `first` is the only active administrator.
    await own.db.updateTable("accounts").set({ active: 0 }).where("id", "=", helper.id).execute();
    const by = actorOf(first);

    expect(
      await updateStaff(
        own.db,
        by,
        first.id,
        { displayName: "x", roleIds: [lead], regionIds: null, actorPassword: PASSWORD },
        NOW,
      ),
    ).toEqual({ ok: false, error: "last_admin" });
    expect((await getStaffAccount(own.db, first.id))!.roleIds).toEqual([adminId]);
    expect(await setStaffActive(own.db, { accountId: null, name: "system" }, first.id, false, NOW)).toEqual({
      ok: false,
      error: "last_admin",
    });
    expect(await setRolePermissions(own.db, by, [{ roleId: adminId, permissions: ["order.view"] }], NOW)).toMatchObject(
      {
        ok: false,
        error: "admin_keeps_all",
      },
    );

    // With a second active administrator, the first may step down.
    expect(await setStaffActive(own.db, by, helper.id, true, NOW)).toEqual({ ok: true, changed: true });
    expect(
      await updateStaff(
        own.db,
        by,
        first.id,
        { displayName: "x", roleIds: [adminId, lead], regionIds: null, actorPassword: PASSWORD },
        NOW,
      ),
    ).toEqual({ ok: true, changed: true });
    expect(
      await updateStaff(
        own.db,
        by,
        first.id,
        { displayName: "x", roleIds: [lead], regionIds: null, actorPassword: PASSWORD },
        NOW,
      ),
    ).toEqual({ ok: true, changed: true });
    // Now the helper is the last one.
    expect(await setStaffActive(own.db, actorOf(first), helper.id, false, NOW)).toEqual({
      ok: false,
      error: "last_admin",
    });
    // Restore: first is an administrator again, for the next test.
    expect(
      await updateStaff(
        own.db,
        actorOf(helper),
        first.id,
        { displayName: "x", roleIds: [adminId], regionIds: null, actorPassword: PASSWORD },
        NOW,
      ),
    ).toEqual({ ok: true, changed: true });
  });

  it("lets only one of two concurrent demotions of the last two administrators through", async () => {
    const adminId = await builtinRoleId(own.db, "admin");
    const lead = await builtinRoleId(own.db, "business_lead");
    const a = await makeStaff(own.db, { roleIds: [adminId], username: "race.a" });
    const b = await makeStaff(own.db, { roleIds: [adminId], username: "race.b" });
    // Leave exactly these two as active administrators.
    await own.db
      .updateTable("accounts")
      .set({ active: 0 })
      .where("id", "not in", [a.id, b.id])
      .where("kind", "=", "staff")
      .execute();
    const activeAdmins = async () =>
      own.db
        .selectFrom("account_roles as ar")
        .innerJoin("accounts as x", "x.id", "ar.account_id")
        .select("x.id")
        .where("ar.role_id", "=", adminId)
        .where("x.active", "=", 1)
        .execute();
    expect(await activeAdmins()).toHaveLength(2);

    for (let round = 0; round < 3; round++) {
      // Each demotes the other at the same moment.
      const results = await Promise.all([
        updateStaff(
          own.db,
          actorOf(a),
          b.id,
          { displayName: "B", roleIds: [lead], regionIds: null, actorPassword: PASSWORD },
          NOW,
        ),
        updateStaff(
          own.db,
          actorOf(b),
          a.id,
          { displayName: "A", roleIds: [lead], regionIds: null, actorPassword: PASSWORD },
          NOW,
        ),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "last_admin" }]);
      expect(await activeAdmins()).toHaveLength(1);

      // A demotion racing a disable: still one administrator left.
      const [survivor] = await activeAdmins();
      const demoted = survivor!.id === a.id ? b : a;
      const keeper = survivor!.id === a.id ? a : b;
      await updateStaff(
        own.db,
        actorOf(keeper),
        demoted.id,
        { displayName: "back", roleIds: [adminId], regionIds: null, actorPassword: PASSWORD },
        NOW,
      );
      expect(await activeAdmins()).toHaveLength(2);
      const mixed = await Promise.all([
        setStaffActive(own.db, actorOf(keeper), demoted.id, false, NOW),
        updateStaff(
          own.db,
          actorOf(demoted),
          keeper.id,
          { displayName: "k", roleIds: [lead], regionIds: null, actorPassword: PASSWORD },
          NOW,
        ),
      ]);
      expect(mixed.filter((r) => r.ok)).toHaveLength(1);
      expect(await activeAdmins()).toHaveLength(1);

      // Back to two active administrators for the next round.
      const [left] = await activeAdmins();
      const leftActor = left!.id === a.id ? a : b;
      const other = left!.id === a.id ? b : a;
      await setStaffActive(own.db, actorOf(leftActor), other.id, true, NOW);
      await updateStaff(
        own.db,
        actorOf(leftActor),
        other.id,
        { displayName: "o", roleIds: [adminId], regionIds: null, actorPassword: PASSWORD },
        NOW,
      );
      await updateStaff(
        own.db,
        actorOf(other),
        leftActor.id,
        { displayName: "l", roleIds: [adminId], regionIds: null, actorPassword: PASSWORD },
        NOW,
      );
      expect(await activeAdmins()).toHaveLength(2);
    }
  });
});
