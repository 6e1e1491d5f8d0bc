import type { Kysely } from "kysely";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import { canSeeRegion, type StaffGrant } from "../domain/permissions";
import {
  createCustomer,
  DuplicateFieldError,
  generatePassword,
  type ResetPasswordResult,
  resetCustomerPassword,
  setCustomerActive,
} from "./accounts.server";
import { recordAudit } from "./audit.server";
import { afterKey, decodeCursor, encodeCursor } from "./keyset.server";
import { inRegionScope, regionsOf } from "./scope.server";
import { assertPermission, type StaffActor } from "./staff-actor.server";
import { containsText } from "./text-search.server";

/** Field name → i18n key of the message shown next to that field. */
export type FieldErrors = Record<string, string>;

export interface CustomerListItem {
  id: number;
  code: string;
  name: string;
  regionName: string;
  levelName: string | null;
  contactName: string;
  phone: string;
  username: string;
  active: boolean;
}

export const CUSTOMER_SORTS = ["code", "-code", "name", "-name", "region", "-region"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

export interface CustomerListQuery {
  /** Part of the code, name or ordering account. */
  q?: string;
  regionId?: number;
  levelId?: number;
  status?: "active" | "disabled";
  sort?: CustomerSort;
  /** Keyset cursor from the previous page's `nextCursor`. */
  after?: string;
  limit: number;
}

/** Customers the staff member may see, filtered and sorted, a page at a time (keyset: no OFFSET). */
export async function listCustomers(
  db: Kysely<DB>,
  grant: StaffGrant,
  query: CustomerListQuery,
): Promise<{ items: CustomerListItem[]; nextCursor: string | null }> {
  let qb = db
    .selectFrom("customers as c")
    .innerJoin("regions as r", "r.id", "c.region_id")
    .innerJoin("accounts as a", "a.id", "c.account_id")
    .leftJoin("customer_levels as l", "l.id", "c.level_id")
    .select([
      "c.id",
      "c.code",
      "c.name",
      "r.name as regionName",
      "l.name as levelName",
      "c.contact_name as contactName",
      "c.phone",
      "a.username",
      "c.active",
    ]);
  qb = inRegionScope(qb, "c.region_id", grant);
  const q = query.q?.trim();
  if (q) qb = qb.where(containsText(["c.code", "c.name", "a.username"], q));
  if (query.regionId !== undefined) qb = qb.where("c.region_id", "=", query.regionId);
  if (query.levelId !== undefined) qb = qb.where("c.level_id", "=", query.levelId);
  if (query.status) qb = qb.where("c.active", "=", query.status === "active" ? 1 : 0);

  const sort = query.sort ?? "code";
  const descending = sort.startsWith("-");
  const field = sort.replace(/^-/, "") as "code" | "name" | "region";
  // The code is unique, so it ends every sort key.
  const columns = { code: ["c.code"], name: ["c.name", "c.code"], region: ["r.name", "c.code"] } as const;
  const keyOf = (row: { code: string; name: string; regionName: string }) =>
    field === "code" ? [row.code] : field === "name" ? [row.name, row.code] : [row.regionName, row.code];
  const cursor = decodeCursor(
    query.after,
    columns[field].map(() => "string"),
  );
  if (cursor) {
    qb = qb.where(({ ref }) =>
      afterKey(
        columns[field].map((c) => ref(c)),
        cursor,
        descending,
      ),
    );
  }
  for (const column of columns[field]) qb = qb.orderBy(column, descending ? "desc" : "asc");
  const rows = await qb.limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({ ...r, active: r.active === 1 })),
    nextCursor: rows.length > query.limit ? encodeCursor(keyOf(page[page.length - 1]!)) : null,
  };
}

export interface CustomerAddress {
  id: number;
  contactName: string;
  phone: string;
  address: string;
  isDefault: boolean;
}

export interface CustomerDetail {
  id: number;
  code: string;
  name: string;
  levelId: number | null;
  regionId: number;
  regionName: string;
  contactName: string;
  phone: string;
  active: boolean;
  salesRepAccountId: number | null;
  defaultWarehouseId: number | null;
  invoiceTitle: string;
  taxNo: string;
  bankName: string;
  bankAccount: string;
  account: { id: number; username: string; active: boolean };
  addresses: CustomerAddress[];
  createdAt: string;
  updatedAt: string;
}

/** One customer with its addresses and ordering account; null if missing or outside the staff member's regions. */
export async function getCustomer(db: Kysely<DB>, grant: StaffGrant, id: number): Promise<CustomerDetail | null> {
  const query = db
    .selectFrom("customers as c")
    .innerJoin("regions as r", "r.id", "c.region_id")
    .innerJoin("accounts as a", "a.id", "c.account_id")
    .select([
      "c.id",
      "c.code",
      "c.name",
      "c.level_id",
      "c.region_id",
      "r.name as region_name",
      "c.contact_name",
      "c.phone",
      "c.active",
      "c.sales_rep_account_id",
      "c.default_warehouse_id",
      "c.invoice_title",
      "c.tax_no",
      "c.bank_name",
      "c.bank_account",
      "c.created_at",
      "c.updated_at",
      "a.id as account_id",
      "a.username",
      "a.active as account_active",
    ])
    .where("c.id", "=", id);
  const row = await inRegionScope(query, "c.region_id", grant).executeTakeFirst();
  if (!row) return null;
  const addresses = await db
    .selectFrom("customer_addresses")
    .select(["id", "contact_name", "phone", "address", "is_default"])
    .where("customer_id", "=", id)
    .orderBy("is_default", "desc")
    .orderBy("id")
    .execute();
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    levelId: row.level_id,
    regionId: row.region_id,
    regionName: row.region_name,
    contactName: row.contact_name,
    phone: row.phone,
    active: row.active === 1,
    salesRepAccountId: row.sales_rep_account_id,
    defaultWarehouseId: row.default_warehouse_id,
    invoiceTitle: row.invoice_title,
    taxNo: row.tax_no,
    bankName: row.bank_name,
    bankAccount: row.bank_account,
    account: { id: row.account_id, username: row.username, active: row.account_active === 1 },
    addresses: addresses.map((a) => ({
      id: a.id,
      contactName: a.contact_name,
      phone: a.phone,
      address: a.address,
      isDefault: a.is_default === 1,
    })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface CustomerFormOptions {
  /** Only the regions the staff member may see: a region-limited account creates only there. */
  regions: Array<{ id: number; name: string }>;
  levels: Array<{ id: number; name: string }>;
  salesReps: Array<{ id: number; displayName: string; username: string }>;
  warehouses: Array<{ id: number; code: string; name: string }>;
}

/**
 * The choices of the customer form's drop-downs: active sales reps and warehouses, plus the
 * customer's current ones when those have since been deactivated.
 */
export async function customerFormOptions(
  db: Kysely<DB>,
  grant: StaffGrant,
  current: { salesRepAccountId: number | null; defaultWarehouseId: number | null } = {
    salesRepAccountId: null,
    defaultWarehouseId: null,
  },
): Promise<CustomerFormOptions> {
  const [regions, levels, salesReps, warehouses] = await Promise.all([
    regionsOf(db, grant),
    db.selectFrom("customer_levels").select(["id", "name"]).orderBy("position").orderBy("id").execute(),
    db
      .selectFrom("accounts")
      .select(["id", "display_name as displayName", "username"])
      .where("kind", "=", "staff")
      .where((eb) => eb.or([eb("active", "=", 1), eb("id", "=", current.salesRepAccountId ?? 0)]))
      .orderBy("username")
      .execute(),
    db
      .selectFrom("warehouses")
      .select(["id", "code", "name"])
      .where((eb) => eb.or([eb("active", "=", 1), eb("id", "=", current.defaultWarehouseId ?? 0)]))
      .orderBy("code")
      .execute(),
  ]);
  return { regions, levels, salesReps, warehouses };
}

/** What staff edit on a customer (the ordering account is handled apart). */
export interface CustomerDetailsInput {
  code: string;
  name: string;
  levelId: number | null;
  regionId: number;
  contactName: string;
  phone: string;
  salesRepAccountId: number | null;
  defaultWarehouseId: number | null;
  invoiceTitle: string;
  taxNo: string;
  bankName: string;
  bankAccount: string;
}

export interface NewCustomerInput extends CustomerDetailsInput {
  /** The first delivery address (may be empty). */
  address: string;
  username: string;
  /** null: generate a random password, returned once. */
  password: string | null;
}

/**
 * Choices that refer to other rows must exist (a sales rep must be a staff account), and a
 * region-limited staff member may only put a customer in one of its own regions. The form
 * offers only active reps and warehouses, but keeps a customer's current one if it was since
 * deactivated, so saving other details does not silently clear it.
 */
async function checkReferences(db: Kysely<DB>, grant: StaffGrant, input: CustomerDetailsInput): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const [region, level, rep, warehouse] = await Promise.all([
    db.selectFrom("regions").select("id").where("id", "=", input.regionId).executeTakeFirst(),
    input.levelId === null
      ? null
      : db.selectFrom("customer_levels").select("id").where("id", "=", input.levelId).executeTakeFirst(),
    input.salesRepAccountId === null
      ? null
      : db
          .selectFrom("accounts")
          .select("id")
          .where("id", "=", input.salesRepAccountId)
          .where("kind", "=", "staff")
          .executeTakeFirst(),
    input.defaultWarehouseId === null
      ? null
      : db.selectFrom("warehouses").select("id").where("id", "=", input.defaultWarehouseId).executeTakeFirst(),
  ]);
  if (!region || !canSeeRegion(grant, input.regionId)) errors.regionId = "customers.errors.regionNotAllowed";
  if (input.levelId !== null && !level) errors.levelId = "validation.invalid";
  if (input.salesRepAccountId !== null && !rep) errors.salesRepAccountId = "validation.invalid";
  if (input.defaultWarehouseId !== null && !warehouse) errors.defaultWarehouseId = "validation.invalid";
  return errors;
}

export type CreateCustomerResult =
  | { ok: true; id: number; generatedPassword: string | null }
  | { ok: false; fieldErrors: FieldErrors };

/** Creates a customer with its ordering account from the console form. */
export async function createCustomerForStaff(
  db: Kysely<DB>,
  actor: StaffActor,
  input: NewCustomerInput,
  now: Date,
): Promise<CreateCustomerResult> {
  assertPermission(actor, "customer.manage");
  const fieldErrors = await checkReferences(db, actor.grant, input);
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
  const generatedPassword = input.password === null ? generatePassword() : null;
  try {
    const id = await createCustomer(db, actor, { ...input, password: input.password ?? generatedPassword! }, now);
    return { ok: true, id, generatedPassword };
  } catch (error) {
    if (error instanceof DuplicateFieldError)
      return { ok: false, fieldErrors: { [error.field]: "validation.duplicate" } };
    throw error;
  }
}

export type CustomerChangeResult =
  | { ok: true }
  | { ok: false; error: "not_found" }
  | { ok: false; fieldErrors: FieldErrors };

/** Locks the customer row for the rest of the transaction; null if missing or out of scope. */
async function lockCustomer(trx: Kysely<DB>, grant: StaffGrant, id: number) {
  const query = trx.selectFrom("customers").selectAll().where("id", "=", id);
  return forUpdate(trx, inRegionScope(query, "region_id", grant)).executeTakeFirst();
}

/** Saves a customer's details; the audit row keeps only the fields that changed, before and after. */
export async function updateCustomer(
  db: Kysely<DB>,
  actor: StaffActor,
  id: number,
  input: CustomerDetailsInput,
  now: Date,
): Promise<CustomerChangeResult> {
  assertPermission(actor, "customer.manage");
  const code = input.code.trim();
  try {
    return await db.transaction().execute(async (trx): Promise<CustomerChangeResult> => {
      // Scope first: a customer outside the staff member's regions is "not found", whatever was sent.
      const current = await lockCustomer(trx, actor.grant, id);
      if (!current) return { ok: false, error: "not_found" };
      const fieldErrors = await checkReferences(trx, actor.grant, input);
      if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
      const clash = await trx
        .selectFrom("customers")
        .select("id")
        .where("code", "=", code)
        .where("id", "!=", id)
        .executeTakeFirst();
      if (clash) return { ok: false, fieldErrors: { code: "validation.duplicate" } };
      const next = {
        code,
        name: input.name,
        level_id: input.levelId,
        region_id: input.regionId,
        contact_name: input.contactName,
        phone: input.phone,
        sales_rep_account_id: input.salesRepAccountId,
        default_warehouse_id: input.defaultWarehouseId,
        invoice_title: input.invoiceTitle,
        tax_no: input.taxNo,
        bank_name: input.bankName,
        bank_account: input.bankAccount,
      };
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(next)) {
        const old = current[key as keyof typeof current];
        if (old !== value) {
          before[key] = old;
          after[key] = value;
        }
      }
      if (!Object.keys(after).length) return { ok: true };
      await trx
        .updateTable("customers")
        .set({ ...next, updated_at: now.toISOString() })
        .where("id", "=", id)
        .execute();
      await recordAudit(
        trx,
        actor,
        { action: "customer.update", objectType: "customer", objectId: id, before, after },
        now,
      );
      return { ok: true };
    });
  } catch (error) {
    if (/UNIQUE constraint failed|duplicate key value violates unique constraint/.test(String(error))) {
      return { ok: false, fieldErrors: { code: "validation.duplicate" } };
    }
    throw error;
  }
}

export interface AddressInput {
  contactName: string;
  phone: string;
  address: string;
}

/**
 * Keeps exactly one default among a customer's addresses (the oldest when none is marked), and
 * mirrors it on the customer row, where orders placed without a chosen address read it.
 */
async function settleDefaultAddress(trx: Kysely<DB>, customerId: number, preferId?: number): Promise<void> {
  const rows = await trx
    .selectFrom("customer_addresses")
    .select(["id", "address", "is_default"])
    .where("customer_id", "=", customerId)
    .orderBy("id")
    .execute();
  const chosen = rows.find((r) => r.id === preferId) ?? rows.find((r) => r.is_default === 1) ?? rows[0];
  if (chosen) {
    await trx
      .updateTable("customer_addresses")
      .set((eb) => ({ is_default: eb.case().when("id", "=", chosen.id).then(1).else(0).end() }))
      .where("customer_id", "=", customerId)
      .execute();
  }
  await trx
    .updateTable("customers")
    .set({ address: chosen?.address ?? "" })
    .where("id", "=", customerId)
    .execute();
}

export type AddressChange =
  | { kind: "add"; input: AddressInput; makeDefault: boolean }
  | { kind: "update"; addressId: number; input: AddressInput }
  | { kind: "remove"; addressId: number }
  | { kind: "set_default"; addressId: number };

/** Adds, edits, removes or makes default one delivery address (收货地址), audited. */
export async function changeCustomerAddress(
  db: Kysely<DB>,
  actor: StaffActor,
  customerId: number,
  change: AddressChange,
  now: Date,
): Promise<{ ok: true; addressId: number } | { ok: false; error: "not_found" }> {
  assertPermission(actor, "customer.manage");
  return db.transaction().execute(async (trx) => {
    // Every address change locks the customer first, so two of them never race on "one default".
    if (!(await lockCustomer(trx, actor.grant, customerId))) return { ok: false, error: "not_found" } as const;
    const audit = (action: string, addressId: number, before?: unknown, after?: unknown) =>
      recordAudit(
        trx,
        actor,
        {
          action: `customer.address_${action}`,
          objectType: "customer",
          objectId: customerId,
          before,
          after: { addressId, ...(after as object) },
        },
        now,
      );
    if (change.kind === "add") {
      const { id } = await trx
        .insertInto("customer_addresses")
        .values({
          customer_id: customerId,
          contact_name: change.input.contactName,
          phone: change.input.phone,
          address: change.input.address,
          is_default: 0,
          created_at: now.toISOString(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await settleDefaultAddress(trx, customerId, change.makeDefault ? id : undefined);
      await audit("add", id, undefined, { ...change.input, makeDefault: change.makeDefault });
      return { ok: true, addressId: id } as const;
    }
    const existing = await trx
      .selectFrom("customer_addresses")
      .select(["id", "contact_name", "phone", "address", "is_default"])
      .where("id", "=", change.addressId)
      .where("customer_id", "=", customerId)
      .executeTakeFirst();
    if (!existing) return { ok: false, error: "not_found" } as const;
    const before = { contactName: existing.contact_name, phone: existing.phone, address: existing.address };
    if (change.kind === "update") {
      await trx
        .updateTable("customer_addresses")
        .set({ contact_name: change.input.contactName, phone: change.input.phone, address: change.input.address })
        .where("id", "=", existing.id)
        .execute();
      await settleDefaultAddress(trx, customerId);
      await audit("update", existing.id, before, change.input);
    } else if (change.kind === "remove") {
      await trx.deleteFrom("customer_addresses").where("id", "=", existing.id).execute();
      await settleDefaultAddress(trx, customerId);
      await audit("remove", existing.id, before);
    } else {
      await settleDefaultAddress(trx, customerId, existing.id);
      await audit("set_default", existing.id, { wasDefault: existing.is_default === 1 }, { isDefault: true });
    }
    return { ok: true, addressId: existing.id } as const;
  });
}

/** Enables or disables a customer within the staff member's regions (disabling ends its sessions). */
export async function setCustomerStatus(
  db: Kysely<DB>,
  actor: StaffActor,
  customerId: number,
  active: boolean,
  now: Date,
): Promise<{ ok: true } | { ok: false; error: "not_found" }> {
  assertPermission(actor, "customer.manage");
  const done = await setCustomerActive(db, actor, customerId, active, now, actor.grant);
  return done ? { ok: true } : { ok: false, error: "not_found" };
}

/**
 * Resets the ordering account's password: `password` as typed by staff, or null to generate
 * one that is returned once. Ends the account's sessions.
 */
export async function resetOrderingPassword(
  db: Kysely<DB>,
  actor: StaffActor,
  customerId: number,
  password: string | null,
  now: Date,
): Promise<ResetPasswordResult> {
  assertPermission(actor, "customer.manage");
  return resetCustomerPassword(db, actor, { customerId, password, grant: actor.grant }, now);
}
