import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import { type Actor, recordAudit } from "./audit.server";
import { hashPassword, verifyPassword } from "./passwords.server";

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
  address: string;
  /** The customer's single ordering account (订货账号). */
  username: string;
  password: string;
}

/** Creates a customer together with its one ordering account, in one transaction. */
export async function createCustomer(db: Kysely<DB>, actor: Actor, input: NewCustomer, now: Date): Promise<number> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const at = now.toISOString();
    const account = await trx
      .insertInto("accounts")
      .values({
        username: normaliseUsername(input.username),
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
        code: input.code,
        name: input.name,
        level_id: input.levelId,
        region_id: input.regionId,
        contact_name: input.contactName,
        phone: input.phone,
        address: input.address,
        account_id: account.id,
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      actor,
      {
        action: "customer.create",
        objectType: "customer",
        objectId: id,
        after: { code: input.code, name: input.name },
      },
      now,
    );
    return id;
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

/** Enables or disables a customer; disabling ends its ordering account's sessions at once. */
export async function setCustomerActive(
  db: Kysely<DB>,
  actor: Actor,
  customerId: number,
  active: boolean,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("customers")
      .select(["active", "account_id"])
      .where("id", "=", customerId)
      .executeTakeFirst();
    if (!before) throw new Error(`customer ${customerId} does not exist`);
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
  });
}
