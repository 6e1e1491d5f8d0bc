import { randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import { isUniqueViolation } from "../../db/errors";
import type { DB } from "../../db/schema";
import type { StaffGrant } from "../domain/permissions";
import { type Actor, recordAudit } from "./audit.server";
import { hashPassword, verifyPassword } from "./passwords.server";
import { inRegionScope } from "./scope.server";

export const normaliseUsername = (username: string) => username.trim().toLowerCase();

export interface AuthenticatedAccount {
  id: number;
  kind: "staff" | "customer";
  username: string;
}

/**
 * Checks a username and password. Unknown usernames, wrong passwords and disabled accounts or
 * customers all answer `null` after the same amount of work, so none can be told apart.
 */
export async function authenticateCredentials(
  db: Kysely<DB>,
  username: string,
  password: string,
): Promise<AuthenticatedAccount | null> {
  const row = await db
    .selectFrom("accounts as a")
    .leftJoin("customers as c", "c.account_id", "a.id")
    .select(["a.id", "a.kind", "a.username", "a.password_hash", "a.active", "c.active as customer_active"])
    .where("a.username", "=", normaliseUsername(username))
    .executeTakeFirst();
  const ok = await verifyPassword(row?.password_hash ?? null, password);
  if (!row || !ok || row.active !== 1) return null;
  if (row.kind === "customer" && row.customer_active !== 1) return null;
  return { id: row.id, kind: row.kind, username: row.username };
}

export interface NewStaffAccount {
  username: string;
  displayName: string;
  password: string;
  roleIds: number[];
  /** `null`: all regions; otherwise the only regions this account sees. */
  regionIds: number[] | null;
}

export async function createStaffAccount(
  db: Kysely<DB>,
  actor: Actor,
  input: NewStaffAccount,
  now: Date,
): Promise<number> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const at = now.toISOString();
    const { id } = await trx
      .insertInto("accounts")
      .values({
        username: normaliseUsername(input.username),
        password_hash: passwordHash,
        kind: "staff",
        display_name: input.displayName,
        region_limited: input.regionIds === null ? 0 : 1,
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (input.roleIds.length) {
      await trx
        .insertInto("account_roles")
        .values(input.roleIds.map((role_id) => ({ account_id: id, role_id })))
        .execute();
    }
    if (input.regionIds?.length) {
      await trx
        .insertInto("account_regions")
        .values(input.regionIds.map((region_id) => ({ account_id: id, region_id })))
        .execute();
    }
    await recordAudit(
      trx,
      actor,
      {
        action: "staff.create",
        objectType: "account",
        objectId: id,
        after: { username: input.username, roleIds: input.roleIds, regionIds: input.regionIds },
      },
      now,
    );
    return id;
  });
}

export interface NewCustomer {
  code: string;
  name: string;
  levelId: number | null;
  regionId: number;
  contactName: string;
  phone: string;
  /** The first delivery address; when given it becomes the default one (收货地址). */
  address: string;
  /** The customer's single ordering account (订货账号). */
  username: string;
  password: string;
  salesRepAccountId?: number | null;
  defaultWarehouseId?: number | null;
  invoiceTitle?: string;
  taxNo?: string;
  bankName?: string;
  bankAccount?: string;
}

/** A customer code or a username that another record already holds. */
export class DuplicateFieldError extends Error {
  constructor(readonly field: "code" | "username") {
    super(`${field} is already taken`);
    this.name = "DuplicateFieldError";
  }
}

/**
 * Creates a customer together with its one ordering account, in one transaction. A taken code
 * or username throws DuplicateFieldError naming the field, also when a concurrent request won.
 */
export async function createCustomer(db: Kysely<DB>, actor: Actor, input: NewCustomer, now: Date): Promise<number> {
  const passwordHash = await hashPassword(input.password);
  const username = normaliseUsername(input.username);
  const code = input.code.trim();
  const taken = async (trx: Kysely<DB>): Promise<DuplicateFieldError | null> => {
    const byCode = await trx.selectFrom("customers").select("id").where("code", "=", code).executeTakeFirst();
    if (byCode) return new DuplicateFieldError("code");
    const byName = await trx.selectFrom("accounts").select("id").where("username", "=", username).executeTakeFirst();
    return byName ? new DuplicateFieldError("username") : null;
  };
  try {
    return await db.transaction().execute(async (trx) => {
      const duplicate = await taken(trx);
      if (duplicate) throw duplicate;
      const at = now.toISOString();
      const account = await trx
        .insertInto("accounts")
        .values({
          username,
          password_hash: passwordHash,
          kind: "customer",
          display_name: input.contactName || input.name,
          created_at: at,
          updated_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const { id } = await trx
        .insertInto("customers")
        .values({
          code,
          name: input.name,
          level_id: input.levelId,
          region_id: input.regionId,
          contact_name: input.contactName,
          phone: input.phone,
          address: input.address,
          account_id: account.id,
          sales_rep_account_id: input.salesRepAccountId ?? null,
          default_warehouse_id: input.defaultWarehouseId ?? null,
          invoice_title: input.invoiceTitle ?? "",
          tax_no: input.taxNo ?? "",
          bank_name: input.bankName ?? "",
          bank_account: input.bankAccount ?? "",
          created_at: at,
          updated_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (input.address.trim()) {
        await trx
          .insertInto("customer_addresses")
          .values({
            customer_id: id,
            contact_name: input.contactName,
            phone: input.phone,
            address: input.address,
            is_default: 1,
            created_at: at,
          })
          .execute();
      }
      await recordAudit(
        trx,
        actor,
        {
          action: "customer.create",
          objectType: "customer",
          objectId: id,
          after: {
            code,
            name: input.name,
            username,
            levelId: input.levelId,
            regionId: input.regionId,
            salesRepAccountId: input.salesRepAccountId ?? null,
            defaultWarehouseId: input.defaultWarehouseId ?? null,
          },
        },
        now,
      );
      return id;
    });
  } catch (error) {
    if (error instanceof DuplicateFieldError || !isUniqueViolation(error)) throw error;
    // Lost a race with a concurrent create: say which field, as the check above would have.
    throw (await taken(db)) ?? error;
  }
}

// No 0/O, 1/l/I: a password read aloud or copied from a screen is typed right the first time.
const PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A random password for an ordering account (≈ 70 bits), shown to staff once and never stored. */
export function generatePassword(length = 12): string {
  let out = "";
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}

export type ResetPasswordResult = { ok: true; generatedPassword: string | null } | { ok: false; error: "not_found" };

/**
 * Sets a new password on a customer's ordering account (typed by staff, or generated when
 * `password` is null) and ends the account's sessions in the same transaction. With a grant,
 * a customer outside the staff member's regions is treated as missing.
 */
export async function resetCustomerPassword(
  db: Kysely<DB>,
  actor: Actor,
  input: { customerId: number; password: string | null; grant?: StaffGrant },
  now: Date,
): Promise<ResetPasswordResult> {
  const generatedPassword = input.password === null ? generatePassword() : null;
  const passwordHash = await hashPassword(input.password ?? generatedPassword!);
  return db.transaction().execute(async (trx) => {
    let query = trx.selectFrom("customers").select(["account_id"]).where("id", "=", input.customerId);
    if (input.grant) query = inRegionScope(query, "region_id", input.grant);
    const customer = await query.executeTakeFirst();
    if (!customer) return { ok: false, error: "not_found" } as const;
    await trx
      .updateTable("accounts")
      .set({ password_hash: passwordHash, updated_at: now.toISOString() })
      .where("id", "=", customer.account_id)
      .execute();
    const ended = await trx.deleteFrom("sessions").where("account_id", "=", customer.account_id).executeTakeFirst();
    await recordAudit(
      trx,
      actor,
      {
        action: "account.password_reset",
        objectType: "account",
        objectId: customer.account_id,
        after: {
          customerId: input.customerId,
          generated: generatedPassword !== null,
          sessionsEnded: Number(ended.numDeletedRows),
        },
      },
      now,
    );
    return { ok: true, generatedPassword } as const;
  });
}

/** Enables or disables an account; disabling ends all of its sessions in the same transaction. */
export async function setAccountActive(
  db: Kysely<DB>,
  actor: Actor,
  accountId: number,
  active: boolean,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("accounts").select("active").where("id", "=", accountId).executeTakeFirst();
    if (!before) throw new Error(`account ${accountId} does not exist`);
    await trx
      .updateTable("accounts")
      .set({ active: active ? 1 : 0, updated_at: now.toISOString() })
      .where("id", "=", accountId)
      .execute();
    if (!active) await trx.deleteFrom("sessions").where("account_id", "=", accountId).execute();
    await recordAudit(
      trx,
      actor,
      {
        action: active ? "account.enable" : "account.disable",
        objectType: "account",
        objectId: accountId,
        before: { active: before.active === 1 },
        after: { active },
      },
      now,
    );
  });
}

/**
 * Enables or disables a customer; disabling ends its ordering account's sessions at once.
 * Returns false when there is no such customer, or (given a grant) it lies outside the staff
 * member's regions.
 */
export async function setCustomerActive(
  db: Kysely<DB>,
  actor: Actor,
  customerId: number,
  active: boolean,
  now: Date,
  grant?: StaffGrant,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    let query = trx.selectFrom("customers").select(["active", "account_id"]).where("id", "=", customerId);
    if (grant) query = inRegionScope(query, "region_id", grant);
    const before = await query.executeTakeFirst();
    if (!before) return false;
    await trx
      .updateTable("customers")
      .set({ active: active ? 1 : 0, updated_at: now.toISOString() })
      .where("id", "=", customerId)
      .execute();
    if (!active) await trx.deleteFrom("sessions").where("account_id", "=", before.account_id).execute();
    await recordAudit(
      trx,
      actor,
      {
        action: active ? "customer.enable" : "customer.disable",
        objectType: "customer",
        objectId: customerId,
        before: { active: before.active === 1 },
        after: { active },
      },
      now,
    );
    return true;
  });
}
