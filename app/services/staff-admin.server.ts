import type { Kysely } from "kysely";
import { isUniqueViolation } from "../../db/errors";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import { generatePassword, normaliseUsername } from "./accounts.server";
import { type Actor, recordAudit } from "./audit.server";
import { decodeCursor, encodeCursor } from "./keyset.server";
import { hashPassword, verifyPassword } from "./passwords.server";
import { containsText } from "./text-search.server";
import { loginRetryAfterSeconds, recordLoginFailure } from "./throttle.server";

/**
 * Staff accounts (员工账号) as administrators manage them: create, edit roles and regions,
 * disable, reset passwords. Two rules hold in every path:
 * - granting or changing roles needs the acting person's own password again;
 * - at least one active administrator (系统管理员) always remains.
 */

export type StaffRefusal =
  | "not_found"
  | "username_taken"
  | "unknown_role"
  | "unknown_region"
  /** The acting person's own password, typed again, was wrong (or missing). */
  | "wrong_password"
  /** Too many wrong passwords: the login throttle holds this account for `retryAfter` seconds. */
  | "throttled"
  /** This would leave no active administrator. */
  | "last_admin"
  /** Nobody disables their own account: that is how one locks oneself out. */
  | "self_disable";

export type Refused = { ok: false; error: StaffRefusal; retryAfter?: number };

export interface StaffListItem {
  id: number;
  username: string;
  displayName: string;
  active: boolean;
  roles: Array<{ id: number; key: string | null; name: string }>;
  /** `null`: every region. */
  regions: string[] | null;
  createdAt: string;
}

export interface StaffListQuery {
  /** Part of the username or display name. */
  q?: string;
  roleId?: number;
  status?: "active" | "disabled";
  after?: string;
  limit: number;
}

/** Staff accounts by username (unique, so the keyset is one column). */
export async function listStaff(
  db: Kysely<DB>,
  query: StaffListQuery,
): Promise<{ items: StaffListItem[]; nextCursor: string | null }> {
  let qb = db
    .selectFrom("accounts as a")
    .select(["a.id", "a.username", "a.display_name", "a.active", "a.region_limited", "a.created_at"])
    .where("a.kind", "=", "staff");
  const q = query.q?.trim();
  if (q) qb = qb.where(containsText(["a.username", "a.display_name"], q));
  if (query.roleId !== undefined) {
    const roleId = query.roleId;
    qb = qb.where((eb) =>
      eb.exists(
        eb
          .selectFrom("account_roles as ar")
          .select("ar.role_id")
          .whereRef("ar.account_id", "=", "a.id")
          .where("ar.role_id", "=", roleId),
      ),
    );
  }
  if (query.status) qb = qb.where("a.active", "=", query.status === "active" ? 1 : 0);
  const cursor = decodeCursor(query.after, ["string"]);
  if (cursor) qb = qb.where("a.username", ">", cursor[0] as string);
  const rows = await qb
    .orderBy("a.username")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const ids = page.map((r) => r.id);
  const [roles, regions] = ids.length
    ? await Promise.all([
        db
          .selectFrom("account_roles as ar")
          .innerJoin("roles as r", "r.id", "ar.role_id")
          .select(["ar.account_id", "r.id", "r.key", "r.name"])
          .where("ar.account_id", "in", ids)
          .orderBy("r.id")
          .execute(),
        db
          .selectFrom("account_regions as ag")
          .innerJoin("regions as g", "g.id", "ag.region_id")
          .select(["ag.account_id", "g.name"])
          .where("ag.account_id", "in", ids)
          .orderBy("g.id")
          .execute(),
      ])
    : [[], []];
  return {
    items: page.map((r) => ({
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      active: r.active === 1,
      roles: roles.filter((x) => x.account_id === r.id).map(({ id, key, name }) => ({ id, key, name })),
      regions: r.region_limited === 1 ? regions.filter((x) => x.account_id === r.id).map((x) => x.name) : null,
      createdAt: r.created_at,
    })),
    nextCursor: rows.length > query.limit ? encodeCursor([page[page.length - 1]!.username]) : null,
  };
}

export interface StaffDetail {
  id: number;
  username: string;
  displayName: string;
  active: boolean;
  roleIds: number[];
  /** `null`: every region. */
  regionIds: number[] | null;
  createdAt: string;
  updatedAt: string;
  sessions: number;
}

export async function getStaffAccount(db: Kysely<DB>, accountId: number): Promise<StaffDetail | null> {
  const row = await db
    .selectFrom("accounts")
    .select(["id", "username", "display_name", "active", "region_limited", "created_at", "updated_at"])
    .where("id", "=", accountId)
    .where("kind", "=", "staff")
    .executeTakeFirst();
  if (!row) return null;
  const [roles, regions, sessions] = await Promise.all([
    db.selectFrom("account_roles").select("role_id").where("account_id", "=", accountId).orderBy("role_id").execute(),
    db
      .selectFrom("account_regions")
      .select("region_id")
      .where("account_id", "=", accountId)
      .orderBy("region_id")
      .execute(),
    db
      .selectFrom("sessions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    active: row.active === 1,
    roleIds: roles.map((r) => r.role_id),
    regionIds: row.region_limited === 1 ? regions.map((r) => r.region_id) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sessions: Number(sessions.n),
  };
}

/** The roles and regions a staff form offers. */
export async function staffFormOptions(db: Kysely<DB>) {
  const [roles, regions] = await Promise.all([
    db.selectFrom("roles").select(["id", "key", "name", "builtin"]).orderBy("builtin", "desc").orderBy("id").execute(),
    db.selectFrom("regions").select(["id", "name"]).orderBy("id").execute(),
  ]);
  return { roles: roles.map((r) => ({ ...r, builtin: r.builtin === 1 })), regions };
}

/**
 * Checks the acting person's own password, typed again. Wrong guesses count against the same
 * throttle as logins for that username, so a borrowed, unlocked screen cannot be used to guess it.
 */
export async function confirmActorPassword(
  db: Kysely<DB>,
  actor: Actor,
  password: string | undefined,
  now: Date,
): Promise<{ ok: true } | Refused> {
  if (actor.accountId === null) return { ok: false, error: "wrong_password" };
  const keys = { username: actor.name, ip: "" };
  const wait = await loginRetryAfterSeconds(db, keys, now);
  if (wait > 0) return { ok: false, error: "throttled", retryAfter: wait };
  const row = await db
    .selectFrom("accounts")
    .select("password_hash")
    .where("id", "=", actor.accountId)
    .where("kind", "=", "staff")
    .where("active", "=", 1)
    .executeTakeFirst();
  if (await verifyPassword(row?.password_hash ?? null, password ?? "")) return { ok: true };
  await recordLoginFailure(db, keys, now);
  await recordAudit(
    db,
    actor,
    { action: "staff.reauth_failed", objectType: "account", objectId: actor.accountId },
    now,
  );
  return { ok: false, error: "wrong_password" };
}

async function adminRoleId(trx: Kysely<DB>): Promise<number> {
  // Every path that could take away an administrator locks this one row first, so two such
  // changes run one after the other and the second sees the first (PostgreSQL; SQLite
  // transactions already hold the write lock).
  const row = await forUpdate(
    trx,
    trx.selectFrom("roles").select("id").where("key", "=", "admin"),
  ).executeTakeFirstOrThrow();
  return row.id;
}

/** Active administrators other than `accountId`. */
async function otherActiveAdmins(trx: Kysely<DB>, adminId: number, accountId: number): Promise<number> {
  const row = await trx
    .selectFrom("account_roles as ar")
    .innerJoin("accounts as a", "a.id", "ar.account_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("ar.role_id", "=", adminId)
    .where("a.active", "=", 1)
    .where("a.kind", "=", "staff")
    .where("a.id", "!=", accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function checkReferences(
  trx: Kysely<DB>,
  roleIds: readonly number[],
  regionIds: readonly number[] | null,
): Promise<Refused | null> {
  if (roleIds.length) {
    const found = await trx.selectFrom("roles").select("id").where("id", "in", roleIds).execute();
    if (found.length !== new Set(roleIds).size) return { ok: false, error: "unknown_role" };
  }
  if (regionIds?.length) {
    const found = await trx.selectFrom("regions").select("id").where("id", "in", regionIds).execute();
    if (found.length !== new Set(regionIds).size) return { ok: false, error: "unknown_region" };
  }
  return null;
}

const unique = (ids: readonly number[]) => [...new Set(ids)].sort((a, b) => a - b);

export interface NewStaffInput {
  username: string;
  displayName: string;
  /** `null`: generate one (shown once). */
  password: string | null;
  roleIds: number[];
  /** `null`: all regions. */
  regionIds: number[] | null;
  /** The acting person's own password; needed whenever roles are granted. */
  actorPassword?: string;
}

/**
 * Creates a staff account with its roles and regions. Granting any role (an administrator
 * included) needs the acting person's password typed again.
 */
export async function createStaff(
  db: Kysely<DB>,
  actor: Actor,
  input: NewStaffInput,
  now: Date,
): Promise<{ ok: true; id: number; generatedPassword: string | null } | Refused> {
  const username = normaliseUsername(input.username);
  const roleIds = unique(input.roleIds);
  const regionIds = input.regionIds === null ? null : unique(input.regionIds);
  if (roleIds.length) {
    const confirmed = await confirmActorPassword(db, actor, input.actorPassword, now);
    if (!confirmed.ok) return confirmed;
  }
  const generatedPassword = input.password === null ? generatePassword() : null;
  const passwordHash = await hashPassword(input.password ?? generatedPassword!);
  try {
    return await db.transaction().execute(async (trx) => {
      const taken = await trx.selectFrom("accounts").select("id").where("username", "=", username).executeTakeFirst();
      if (taken) return { ok: false, error: "username_taken" } as const;
      const refused = await checkReferences(trx, roleIds, regionIds);
      if (refused) return refused;
      const at = now.toISOString();
      const { id } = await trx
        .insertInto("accounts")
        .values({
          username,
          password_hash: passwordHash,
          kind: "staff",
          display_name: input.displayName,
          region_limited: regionIds === null ? 0 : 1,
          created_at: at,
          updated_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (roleIds.length) {
        await trx
          .insertInto("account_roles")
          .values(roleIds.map((role_id) => ({ account_id: id, role_id })))
          .execute();
      }
      if (regionIds?.length) {
        await trx
          .insertInto("account_regions")
          .values(regionIds.map((region_id) => ({ account_id: id, region_id })))
          .execute();
      }
      await recordAudit(
        trx,
        actor,
        {
          action: "staff.create",
          objectType: "account",
          objectId: id,
          after: {
            username,
            displayName: input.displayName,
            roleIds,
            regionIds,
            passwordGenerated: generatedPassword !== null,
          },
        },
        now,
      );
      return { ok: true, id, generatedPassword } as const;
    });
  } catch (error) {
    // A concurrent create took the username between the check and the insert.
    if (isUniqueViolation(error)) return { ok: false, error: "username_taken" };
    throw error;
  }
}

export interface StaffChanges {
  displayName: string;
  /**
   * The new set of roles, or `undefined` to leave them as they are. Given roles need the acting
   * person's own password, even when they happen to equal the current ones: the form sends them
   * only when the person changed them.
   */
  roleIds?: number[];
  /** `null`: all regions. */
  regionIds: number[] | null;
  /** The acting person's own password, typed again; needed when `roleIds` is given. */
  actorPassword?: string;
}

const sameIds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Changes a staff account's name, roles and regions. A change of roles needs the acting
 * person's password; taking the administrator role from the last active administrator is refused.
 * The account's live sessions keep going and see the new grant on their next request.
 */
export async function updateStaff(
  db: Kysely<DB>,
  actor: Actor,
  accountId: number,
  input: StaffChanges,
  now: Date,
): Promise<{ ok: true; changed: boolean } | Refused> {
  const requestedRoles = input.roleIds === undefined ? undefined : unique(input.roleIds);
  const regionIds = input.regionIds === null ? null : unique(input.regionIds);
  if (requestedRoles !== undefined) {
    const exists = await db
      .selectFrom("accounts")
      .select("id")
      .where("id", "=", accountId)
      .where("kind", "=", "staff")
      .executeTakeFirst();
    if (!exists) return { ok: false, error: "not_found" };
    const confirmed = await confirmActorPassword(db, actor, input.actorPassword, now);
    if (!confirmed.ok) return confirmed;
  }
  return db.transaction().execute(async (trx) => {
    const adminId = await adminRoleId(trx);
    const account = await forUpdate(
      trx,
      trx
        .selectFrom("accounts")
        .select(["display_name", "active", "region_limited"])
        .where("id", "=", accountId)
        .where("kind", "=", "staff"),
    ).executeTakeFirst();
    if (!account) return { ok: false, error: "not_found" } as const;
    const beforeRoles = (
      await trx.selectFrom("account_roles").select("role_id").where("account_id", "=", accountId).execute()
    )
      .map((r) => r.role_id)
      .sort((a, b) => a - b);
    const beforeRegions =
      account.region_limited === 1
        ? (await trx.selectFrom("account_regions").select("region_id").where("account_id", "=", accountId).execute())
            .map((r) => r.region_id)
            .sort((a, b) => a - b)
        : null;
    const roleIds = requestedRoles ?? beforeRoles;
    const refused = await checkReferences(trx, requestedRoles ?? [], regionIds);
    if (refused) return refused;
    const losesAdmin = beforeRoles.includes(adminId) && !roleIds.includes(adminId);
    if (losesAdmin && account.active === 1 && (await otherActiveAdmins(trx, adminId, accountId)) === 0) {
      return { ok: false, error: "last_admin" } as const;
    }

    const rolesChanged = !sameIds(beforeRoles, roleIds);
    const regionsChanged =
      (beforeRegions === null) !== (regionIds === null) ||
      (beforeRegions !== null && regionIds !== null && !sameIds(beforeRegions, regionIds));
    const nameChanged = account.display_name !== input.displayName;
    if (!rolesChanged && !regionsChanged && !nameChanged) return { ok: true, changed: false } as const;

    await trx
      .updateTable("accounts")
      .set({
        display_name: input.displayName,
        region_limited: regionIds === null ? 0 : 1,
        updated_at: now.toISOString(),
      })
      .where("id", "=", accountId)
      .execute();
    if (rolesChanged) {
      await trx.deleteFrom("account_roles").where("account_id", "=", accountId).execute();
      if (roleIds.length) {
        await trx
          .insertInto("account_roles")
          .values(roleIds.map((role_id) => ({ account_id: accountId, role_id })))
          .execute();
      }
    }
    if (regionsChanged) {
      await trx.deleteFrom("account_regions").where("account_id", "=", accountId).execute();
      if (regionIds?.length) {
        await trx
          .insertInto("account_regions")
          .values(regionIds.map((region_id) => ({ account_id: accountId, region_id })))
          .execute();
      }
    }
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    if (nameChanged) {
      before.displayName = account.display_name;
      after.displayName = input.displayName;
    }
    if (rolesChanged) {
      before.roleIds = beforeRoles;
      after.roleIds = roleIds;
    }
    if (regionsChanged) {
      before.regionIds = beforeRegions;
      after.regionIds = regionIds;
    }
    await recordAudit(
      trx,
      actor,
      { action: "staff.update", objectType: "account", objectId: accountId, before, after },
      now,
    );
    return { ok: true, changed: true } as const;
  });
}

/**
 * Enables or disables a staff account. Disabling ends its sessions at once; the last active
 * administrator, and one's own account, cannot be disabled.
 */
export async function setStaffActive(
  db: Kysely<DB>,
  actor: Actor,
  accountId: number,
  active: boolean,
  now: Date,
): Promise<{ ok: true; changed: boolean } | Refused> {
  if (!active && actor.accountId === accountId) return { ok: false, error: "self_disable" };
  return db.transaction().execute(async (trx) => {
    const adminId = await adminRoleId(trx);
    const account = await forUpdate(
      trx,
      trx.selectFrom("accounts").select("active").where("id", "=", accountId).where("kind", "=", "staff"),
    ).executeTakeFirst();
    if (!account) return { ok: false, error: "not_found" } as const;
    if ((account.active === 1) === active) return { ok: true, changed: false } as const;
    if (!active) {
      const isAdmin = await trx
        .selectFrom("account_roles")
        .select("role_id")
        .where("account_id", "=", accountId)
        .where("role_id", "=", adminId)
        .executeTakeFirst();
      if (isAdmin && (await otherActiveAdmins(trx, adminId, accountId)) === 0) {
        return { ok: false, error: "last_admin" } as const;
      }
    }
    await trx
      .updateTable("accounts")
      .set({ active: active ? 1 : 0, updated_at: now.toISOString() })
      .where("id", "=", accountId)
      .execute();
    let sessionsEnded = 0;
    if (!active) {
      const ended = await trx.deleteFrom("sessions").where("account_id", "=", accountId).executeTakeFirst();
      sessionsEnded = Number(ended.numDeletedRows);
    }
    await recordAudit(
      trx,
      actor,
      {
        action: active ? "staff.enable" : "staff.disable",
        objectType: "account",
        objectId: accountId,
        before: { active: !active },
        after: active ? { active } : { active, sessionsEnded },
      },
      now,
    );
    return { ok: true, changed: true } as const;
  });
}

/**
 * Sets a new password on a staff account (typed, or generated when `password` is null and shown
 * once) and ends its sessions, except `keepSessionId` (one's own current session, when resetting
 * one's own password).
 */
export async function resetStaffPassword(
  db: Kysely<DB>,
  actor: Actor,
  input: { accountId: number; password: string | null; keepSessionId?: string },
  now: Date,
): Promise<{ ok: true; generatedPassword: string | null } | Refused> {
  const generatedPassword = input.password === null ? generatePassword() : null;
  const passwordHash = await hashPassword(input.password ?? generatedPassword!);
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .selectFrom("accounts")
      .select("id")
      .where("id", "=", input.accountId)
      .where("kind", "=", "staff")
      .executeTakeFirst();
    if (!account) return { ok: false, error: "not_found" } as const;
    await trx
      .updateTable("accounts")
      .set({ password_hash: passwordHash, updated_at: now.toISOString() })
      .where("id", "=", input.accountId)
      .execute();
    let ending = trx.deleteFrom("sessions").where("account_id", "=", input.accountId);
    if (input.keepSessionId) ending = ending.where("id", "!=", input.keepSessionId);
    const ended = await ending.executeTakeFirst();
    await recordAudit(
      trx,
      actor,
      {
        action: "staff.password_reset",
        objectType: "account",
        objectId: input.accountId,
        after: { generated: generatedPassword !== null, sessionsEnded: Number(ended.numDeletedRows) },
      },
      now,
    );
    return { ok: true, generatedPassword } as const;
  });
}
