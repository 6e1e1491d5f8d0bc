import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS, type Permission } from "../../app/domain/permissions";
import { authenticateCredentials } from "../../app/services/accounts.server";
import {
  type CustomerDetailsInput,
  changeCustomerAddress,
  createCustomerForStaff,
  customerFormOptions,
  getCustomer,
  listCustomers,
  type NewCustomerInput,
  resetOrderingPassword,
  setCustomerStatus,
  updateCustomer,
} from "../../app/services/customers.server";
import { createSession, loadViewer } from "../../app/services/sessions.server";
import { PermissionDeniedError, type StaffActor } from "../../app/services/staff-actor.server";
import { makeCustomer, makeLevel, makeRegion, makeStaff, makeWarehouse, NOW, PASSWORD } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let east: { id: number };
let south: { id: number };
let admin: StaffActor;
let eastManager: StaffActor;
beforeAll(async () => {
  t = await createTestDatabase();
  east = await makeRegion(t.db, "华东");
  south = await makeRegion(t.db, "华南");
  const a = await makeStaff(t.db);
  admin = { accountId: a.id, name: a.username, grant: { permissions: new Set(PERMISSIONS), regionIds: null } };
  const m = await makeStaff(t.db, { regionIds: [east.id] });
  eastManager = {
    accountId: m.id,
    name: m.username,
    grant: { permissions: new Set<Permission>(["customer.view", "customer.manage"]), regionIds: [east.id] },
  };
});
afterAll(() => t.destroy());

let n = 0;
function newCustomer(overrides: Partial<NewCustomerInput> = {}): NewCustomerInput {
  n++;
  return {
    code: `K${String(n).padStart(4, "0")}`,
    name: `宁波海曙贸易${n}有限公司`,
    levelId: null,
    regionId: east.id,
    contactName: "陈明",
    phone: "13957400000",
    salesRepAccountId: null,
    defaultWarehouseId: null,
    invoiceTitle: "",
    taxNo: "",
    bankName: "",
    bankAccount: "",
    address: "浙江省宁波市海曙区中山西路 1 号",
    username: `nb-dealer-${n}`,
    password: PASSWORD,
    ...overrides,
  };
}

const details = (c: NonNullable<Awaited<ReturnType<typeof getCustomer>>>): CustomerDetailsInput => ({
  code: c.code,
  name: c.name,
  levelId: c.levelId,
  regionId: c.regionId,
  contactName: c.contactName,
  phone: c.phone,
  salesRepAccountId: c.salesRepAccountId,
  defaultWarehouseId: c.defaultWarehouseId,
  invoiceTitle: c.invoiceTitle,
  taxNo: c.taxNo,
  bankName: c.bankName,
  bankAccount: c.bankAccount,
});

async function countRows(table: "customers" | "accounts") {
  const { n } = await t.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(n);
}

describe(`customers (${testDbKind()})`, () => {
  it("creates a customer with its ordering account, invoice details and first address, audited", async () => {
    const level = await makeLevel(t.db);
    const rep = await makeStaff(t.db);
    const warehouse = await makeWarehouse(t.db);
    const result = await createCustomerForStaff(
      t.db,
      admin,
      newCustomer({
        code: "NB001",
        username: "  NB-Dealer ",
        levelId: level.id,
        salesRepAccountId: rep.id,
        defaultWarehouseId: warehouse.id,
        invoiceTitle: "宁波海曙贸易有限公司",
        taxNo: "91330203MA2AXXXX1K",
        bankName: "工商银行宁波分行",
        bankAccount: "3901 1200 0000 1234",
      }),
      NOW,
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.generatedPassword).toBeNull();
    const customer = await getCustomer(t.db, admin.grant, result.id);
    expect(customer).toMatchObject({
      code: "NB001",
      levelId: level.id,
      salesRepAccountId: rep.id,
      defaultWarehouseId: warehouse.id,
      taxNo: "91330203MA2AXXXX1K",
      bankAccount: "3901 1200 0000 1234",
      active: true,
      account: { username: "nb-dealer", active: true },
      addresses: [{ contactName: "陈明", address: "浙江省宁波市海曙区中山西路 1 号", isDefault: true }],
    });
    expect(await authenticateCredentials(t.db, "nb-dealer", PASSWORD)).toMatchObject({ kind: "customer" });
    const audit = await t.db
      .selectFrom("audit_log")
      .select(["actor_account_id", "after_json"])
      .where("action", "=", "customer.create")
      .where("object_id", "=", String(result.id))
      .executeTakeFirstOrThrow();
    expect(audit.actor_account_id).toBe(admin.accountId);
    expect(audit.after_json).not.toContain(PASSWORD);
  });

  it("generates a password when asked, returns it once, and it works", async () => {
    const result = await createCustomerForStaff(t.db, admin, newCustomer({ password: null }), NOW);
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.generatedPassword).toMatch(/^[A-Za-z2-9]{12}$/);
    const customer = await getCustomer(t.db, admin.grant, result.id);
    expect(await authenticateCredentials(t.db, customer!.account.username, result.generatedPassword!)).not.toBeNull();
  });

  it("refuses a taken code or username with a field error and writes nothing", async () => {
    await createCustomerForStaff(t.db, admin, newCustomer({ code: "DUP1", username: "dup-one" }), NOW);
    const staff = await makeStaff(t.db, { username: "staff-name" });
    const before = [await countRows("customers"), await countRows("accounts")];

    expect(await createCustomerForStaff(t.db, admin, newCustomer({ code: "DUP1" }), NOW)).toEqual({
      ok: false,
      fieldErrors: { code: "validation.duplicate" },
    });
    expect(await createCustomerForStaff(t.db, admin, newCustomer({ username: "DUP-One" }), NOW)).toEqual({
      ok: false,
      fieldErrors: { username: "validation.duplicate" },
    });
    // Usernames are unique across staff and ordering accounts.
    expect(await createCustomerForStaff(t.db, admin, newCustomer({ username: staff.username }), NOW)).toEqual({
      ok: false,
      fieldErrors: { username: "validation.duplicate" },
    });
    expect([await countRows("customers"), await countRows("accounts")]).toEqual(before);

    const other = await createCustomerForStaff(t.db, admin, newCustomer(), NOW);
    if (!other.ok) throw new Error("expected a customer");
    const row = (await getCustomer(t.db, admin.grant, other.id))!;
    expect(await updateCustomer(t.db, admin, other.id, { ...details(row), code: "DUP1" }, NOW)).toEqual({
      ok: false,
      fieldErrors: { code: "validation.duplicate" },
    });
  });

  it("updates details and audits only what changed", async () => {
    const created = await createCustomerForStaff(t.db, admin, newCustomer(), NOW);
    if (!created.ok) throw new Error("expected a customer");
    const row = (await getCustomer(t.db, admin.grant, created.id))!;
    const result = await updateCustomer(
      t.db,
      admin,
      created.id,
      { ...details(row), name: "新名称有限公司", invoiceTitle: "新名称有限公司" },
      NOW,
    );
    expect(result).toEqual({ ok: true });
    expect(await getCustomer(t.db, admin.grant, created.id)).toMatchObject({
      name: "新名称有限公司",
      invoiceTitle: "新名称有限公司",
    });
    const audit = await t.db
      .selectFrom("audit_log")
      .select(["before_json", "after_json"])
      .where("action", "=", "customer.update")
      .where("object_id", "=", String(created.id))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before_json!)).toEqual({ name: row.name, invoice_title: "" });
    expect(JSON.parse(audit.after_json!)).toEqual({ name: "新名称有限公司", invoice_title: "新名称有限公司" });
    // A sales rep must be a staff account, not an ordering account.
    expect(
      await updateCustomer(t.db, admin, created.id, { ...details(row), salesRepAccountId: row.account.id }, NOW),
    ).toEqual({ ok: false, fieldErrors: { salesRepAccountId: "validation.invalid" } });
  });

  it("keeps exactly one default address through adds, edits, default changes and removals", async () => {
    const created = await createCustomerForStaff(t.db, admin, newCustomer({ address: "" }), NOW);
    if (!created.ok) throw new Error("expected a customer");
    const id = created.id;
    const addresses = async () => (await getCustomer(t.db, admin.grant, id))!.addresses;
    const defaults = async () => (await addresses()).filter((a) => a.isDefault).map((a) => a.address);
    const mirrored = async () =>
      (await t.db.selectFrom("customers").select("address").where("id", "=", id).executeTakeFirstOrThrow()).address;
    const input = (address: string) => ({ contactName: "收货人", phone: "13800000001", address });
    expect(await addresses()).toEqual([]);

    const first = await changeCustomerAddress(
      t.db,
      admin,
      id,
      { kind: "add", input: input("一号仓"), makeDefault: false },
      NOW,
    );
    expect(await defaults()).toEqual(["一号仓"]); // the only address is the default
    const second = await changeCustomerAddress(
      t.db,
      admin,
      id,
      { kind: "add", input: input("二号仓"), makeDefault: false },
      NOW,
    );
    expect(await defaults()).toEqual(["一号仓"]);
    const third = await changeCustomerAddress(
      t.db,
      admin,
      id,
      { kind: "add", input: input("三号仓"), makeDefault: true },
      NOW,
    );
    expect(await defaults()).toEqual(["三号仓"]);
    expect(await mirrored()).toBe("三号仓");
    if (!first.ok || !second.ok || !third.ok) throw new Error("expected addresses");

    await changeCustomerAddress(t.db, admin, id, { kind: "set_default", addressId: second.addressId }, NOW);
    expect(await defaults()).toEqual(["二号仓"]);
    await changeCustomerAddress(
      t.db,
      admin,
      id,
      { kind: "update", addressId: second.addressId, input: input("二号仓（新）") },
      NOW,
    );
    expect(await defaults()).toEqual(["二号仓（新）"]);
    expect(await mirrored()).toBe("二号仓（新）");

    await changeCustomerAddress(t.db, admin, id, { kind: "remove", addressId: second.addressId }, NOW);
    expect(await addresses()).toHaveLength(2);
    expect(await defaults()).toHaveLength(1);
    await changeCustomerAddress(t.db, admin, id, { kind: "remove", addressId: first.addressId }, NOW);
    await changeCustomerAddress(t.db, admin, id, { kind: "remove", addressId: third.addressId }, NOW);
    expect(await addresses()).toEqual([]);
    expect(await mirrored()).toBe("");

    // Another customer's address cannot be touched through this one.
    const other = await makeCustomer(t.db, { regionId: east.id });
    const foreign = await changeCustomerAddress(
      t.db,
      admin,
      other.id,
      { kind: "add", input: input("别家"), makeDefault: true },
      NOW,
    );
    if (!foreign.ok) throw new Error("expected an address");
    expect(await changeCustomerAddress(t.db, admin, id, { kind: "remove", addressId: foreign.addressId }, NOW)).toEqual(
      { ok: false, error: "not_found" },
    );
    const audit = await t.db
      .selectFrom("audit_log")
      .select("action")
      .where("object_type", "=", "customer")
      .where("object_id", "=", String(id))
      .where("action", "like", "customer.address_%")
      .execute();
    expect(audit).toHaveLength(8);
  });

  it("resets the ordering account's password and ends its sessions", async () => {
    const customer = await makeCustomer(t.db, { regionId: east.id });
    const session = await createSession(
      t.db,
      { id: customer.accountId, kind: "customer", username: customer.username },
      { ip: "", userAgent: "" },
      NOW,
    );
    expect(await loadViewer(t.db, session.token, NOW)).not.toBeNull();

    expect(await resetOrderingPassword(t.db, admin, customer.id, "a brand new secret", NOW)).toEqual({
      ok: true,
      generatedPassword: null,
    });
    expect(await loadViewer(t.db, session.token, NOW)).toBeNull();
    expect(await authenticateCredentials(t.db, customer.username, PASSWORD)).toBeNull();
    expect(await authenticateCredentials(t.db, customer.username, "a brand new secret")).not.toBeNull();

    const generated = await resetOrderingPassword(t.db, admin, customer.id, null, NOW);
    if (!generated.ok || !generated.generatedPassword) throw new Error("expected a generated password");
    expect(await authenticateCredentials(t.db, customer.username, "a brand new secret")).toBeNull();
    expect(await authenticateCredentials(t.db, customer.username, generated.generatedPassword)).not.toBeNull();

    const audit = await t.db
      .selectFrom("audit_log")
      .select(["after_json"])
      .where("action", "=", "account.password_reset")
      .where("object_id", "=", String(customer.accountId))
      .orderBy("id")
      .execute();
    expect(audit.map((a) => JSON.parse(a.after_json!))).toEqual([
      { customerId: customer.id, generated: false, sessionsEnded: 1 },
      { customerId: customer.id, generated: true, sessionsEnded: 0 },
    ]);
    expect(audit.some((a) => a.after_json!.includes(generated.generatedPassword!))).toBe(false);
  });

  it("disables a customer (ending its sessions) and enables it again", async () => {
    const customer = await makeCustomer(t.db, { regionId: east.id });
    const session = await createSession(
      t.db,
      { id: customer.accountId, kind: "customer", username: customer.username },
      { ip: "", userAgent: "" },
      NOW,
    );
    expect(await setCustomerStatus(t.db, admin, customer.id, false, NOW)).toEqual({ ok: true });
    expect(await loadViewer(t.db, session.token, NOW)).toBeNull();
    expect(await authenticateCredentials(t.db, customer.username, PASSWORD)).toBeNull();
    expect(await setCustomerStatus(t.db, admin, customer.id, true, NOW)).toEqual({ ok: true });
    expect(await authenticateCredentials(t.db, customer.username, PASSWORD)).not.toBeNull();
  });

  it("refuses staff who may only view customers", async () => {
    const customer = await makeCustomer(t.db, { regionId: east.id });
    const viewer: StaffActor = {
      ...admin,
      grant: { permissions: new Set<Permission>(["customer.view"]), regionIds: null },
    };
    await expect(resetOrderingPassword(t.db, viewer, customer.id, null, NOW)).rejects.toThrow(PermissionDeniedError);
    await expect(createCustomerForStaff(t.db, viewer, newCustomer(), NOW)).rejects.toThrow(PermissionDeniedError);
    await expect(setCustomerStatus(t.db, viewer, customer.id, false, NOW)).rejects.toThrow(PermissionDeniedError);
  });
});

describe(`customers and region scope (${testDbKind()})`, () => {
  it("lets region-limited staff neither read nor change another region's customer", async () => {
    const southern = await makeCustomer(t.db, { regionId: south.id });
    const session = await createSession(
      t.db,
      { id: southern.accountId, kind: "customer", username: southern.username },
      { ip: "", userAgent: "" },
      NOW,
    );
    expect(await getCustomer(t.db, eastManager.grant, southern.id)).toBeNull();
    expect(await getCustomer(t.db, admin.grant, southern.id)).not.toBeNull();
    const full = (await getCustomer(t.db, admin.grant, southern.id))!;
    const before = JSON.stringify(full);

    expect(await updateCustomer(t.db, eastManager, southern.id, { ...details(full), name: "改名" }, NOW)).toEqual({
      ok: false,
      error: "not_found",
    });
    // Moving it into the manager's own region does not work either.
    expect(await updateCustomer(t.db, eastManager, southern.id, { ...details(full), regionId: east.id }, NOW)).toEqual({
      ok: false,
      error: "not_found",
    });
    expect(
      await changeCustomerAddress(
        t.db,
        eastManager,
        southern.id,
        { kind: "add", input: { contactName: "x", phone: "1", address: "x" }, makeDefault: true },
        NOW,
      ),
    ).toEqual({ ok: false, error: "not_found" });
    expect(await setCustomerStatus(t.db, eastManager, southern.id, false, NOW)).toEqual({
      ok: false,
      error: "not_found",
    });
    expect(await resetOrderingPassword(t.db, eastManager, southern.id, "another password", NOW)).toEqual({
      ok: false,
      error: "not_found",
    });
    expect(JSON.stringify(await getCustomer(t.db, admin.grant, southern.id))).toBe(before);
    expect(await loadViewer(t.db, session.token, NOW)).not.toBeNull();
    expect(await authenticateCredentials(t.db, southern.username, PASSWORD)).not.toBeNull();
    const listed = await listCustomers(t.db, eastManager.grant, { limit: 1000 });
    expect(listed.items.some((c) => c.id === southern.id)).toBe(false);
  });

  it("lets region-limited staff create and move customers only within their own regions", async () => {
    const options = await customerFormOptions(t.db, eastManager.grant);
    expect(options.regions.map((r) => r.id)).toEqual([east.id]);
    expect(await createCustomerForStaff(t.db, eastManager, newCustomer({ regionId: south.id }), NOW)).toEqual({
      ok: false,
      fieldErrors: { regionId: "customers.errors.regionNotAllowed" },
    });
    const own = await createCustomerForStaff(t.db, eastManager, newCustomer({ regionId: east.id }), NOW);
    if (!own.ok) throw new Error("expected a customer");
    const row = (await getCustomer(t.db, eastManager.grant, own.id))!;
    expect(await updateCustomer(t.db, eastManager, own.id, { ...details(row), regionId: south.id }, NOW)).toEqual({
      ok: false,
      fieldErrors: { regionId: "customers.errors.regionNotAllowed" },
    });
    expect((await getCustomer(t.db, admin.grant, own.id))!.regionId).toBe(east.id);
  });
});

describe(`customer list (${testDbKind()})`, () => {
  it("filters by region, level and status, and pages every sort by keyset", async () => {
    const region = await makeRegion(t.db, "西北");
    const gold = await makeLevel(t.db);
    const names = ["甲", "丙", "乙", "丁", "戊", "己", "庚"];
    const ids: number[] = [];
    for (const [i, name] of names.entries()) {
      const created = await createCustomerForStaff(
        t.db,
        admin,
        newCustomer({ code: `XB${9 - i}`, name: `西北${name}`, regionId: region.id, levelId: i % 2 ? gold.id : null }),
        NOW,
      );
      if (!created.ok) throw new Error("expected a customer");
      ids.push(created.id);
    }
    await setCustomerStatus(t.db, admin, ids[0]!, false, NOW);
    const grant = admin.grant;
    const inRegion = await listCustomers(t.db, grant, { regionId: region.id, limit: 100 });
    expect(inRegion.items.map((c) => c.code)).toEqual(["XB3", "XB4", "XB5", "XB6", "XB7", "XB8", "XB9"]);
    const goldOnes = await listCustomers(t.db, grant, { regionId: region.id, levelId: gold.id, limit: 100 });
    expect(goldOnes.items.map((c) => c.code)).toEqual(["XB4", "XB6", "XB8"]);
    const disabled = await listCustomers(t.db, grant, { regionId: region.id, status: "disabled", limit: 100 });
    expect(disabled.items.map((c) => c.code)).toEqual(["XB9"]);
    expect(
      (await listCustomers(t.db, grant, { regionId: region.id, status: "active", limit: 100 })).items,
    ).toHaveLength(6);

    for (const sort of ["code", "-code", "name", "-name", "region", "-region"] as const) {
      const all = await listCustomers(t.db, grant, { sort, limit: 1000 });
      const seen: number[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await listCustomers(t.db, grant, { sort, limit: 4, after });
        seen.push(...page.items.map((c) => c.id));
        if (!page.nextCursor) break;
        after = page.nextCursor;
      }
      expect(seen, sort).toEqual(all.items.map((c) => c.id));
    }
    const byNameDesc = await listCustomers(t.db, grant, { regionId: region.id, sort: "-name", limit: 100 });
    const sortedNames = byNameDesc.items.map((c) => c.name);
    expect(sortedNames).toHaveLength(7);
    expect(new Set(sortedNames).size).toBe(7);
    const byNameAsc = await listCustomers(t.db, grant, { regionId: region.id, sort: "name", limit: 100 });
    expect(byNameAsc.items.map((c) => c.name)).toEqual([...sortedNames].reverse());
  });
});
