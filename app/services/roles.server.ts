import type { Kysely } from "kysely";
import { isUniqueViolation } from "../../db/errors";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import { isPermission, PERMISSIONS, type Permission } from "../domain/permissions";
import { type Actor, recordAudit } from "./audit.server";
import { confirmActorPassword, type Refused } from "./staff-admin.server";

/**
 * Roles (角色) and their permissions. The six built-in roles keep their key and name but their
 * permissions are editable, except 系统管理员, which always holds all 27. Custom roles can be added,
 * renamed and deleted; a role still held by staff is deleted only by moving them to another.
 * Every change applies on the next request of every live session: grants are read per request.
 */

export type RoleRefusal =
  | "not_found"
  | "name_taken"
  /** 系统管理员 always holds every permission. */
  | "admin_keeps_all"
  /** Built-in roles keep their names and cannot be deleted. */
  | "builtin"
  /** Staff still hold the role: `count` of them; move them to another role first. */
  | "assigned"
  /** The role to move staff to is the one being deleted, or does not exist. */
  | "bad_target"
  /** The role changed since the form was loaded: reload and try again. */
  | "stale";

export type RoleRefused = { ok: false; error: RoleRefusal; count?: number; roleIds?: number[] };

export interface RoleSummary {
  id: number;
  key: string | null;
  name: string;
  builtin: boolean;
  permissions: Permission[];
  /** Staff accounts holding the role (active or not). */
  staff: number;
  activeStaff: number;
  /** The row's version for optimistic concurrency: its last change. */
  updatedAt: string;
}

const byCatalogue = (perms: Iterable<string>): Permission[] => {
  const set = new Set(perms);
  return PERMISSIONS.filter((p) => set.has(p));
};

/** Built-in roles first (in the order DOMAIN.md lists them), then custom roles by age. */
export async function listRoles(db: Kysely<DB>): Promise<RoleSummary[]> {
  const [roles, grants, holders] = await Promise.all([
    db
      .selectFrom("roles")
      .select(["id", "key", "name", "builtin", "updated_at"])
      .orderBy("builtin", "desc")
      .orderBy("id")
      .execute(),
    db.selectFrom("role_permissions").select(["role_id", "permission_key"]).execute(),
    db
      .selectFrom("account_roles as ar")
      .innerJoin("accounts as a", "a.id", "ar.account_id")
      .select(["ar.role_id", "a.active"])
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .groupBy(["ar.role_id", "a.active"])
      .execute(),
  ]);
  return roles.map((r) => {
    const held = holders.filter((h) => h.role_id === r.id);
    return {
      id: r.id,
      key: r.key,
      name: r.name,
      builtin: r.builtin === 1,
      permissions: byCatalogue(grants.filter((g) => g.role_id === r.id).map((g) => g.permission_key)),
      staff: held.reduce((sum, h) => sum + Number(h.n), 0),
      activeStaff: held.filter((h) => h.active === 1).reduce((sum, h) => sum + Number(h.n), 0),
      updatedAt: r.updated_at,
    };
  });
}

export interface RoleDetail extends RoleSummary {
  holders: Array<{ id: number; username: string; displayName: string; active: boolean }>;
}

export async function getRole(db: Kysely<DB>, roleId: number): Promise<RoleDetail | null> {
  const role = (await listRoles(db)).find((r) => r.id === roleId);
  if (!role) return null;
  const holders = await db
    .selectFrom("account_roles as ar")
    .innerJoin("accounts as a", "a.id", "ar.account_id")
    .select(["a.id", "a.username", "a.display_name", "a.active"])
    .where("ar.role_id", "=", roleId)
    .orderBy("a.username")
    .limit(200)
    .execute();
  return {
    ...role,
    holders: holders.map((h) => ({
      id: h.id,
      username: h.username,
      displayName: h.display_name,
      active: h.active === 1,
    })),
  };
}

async function nameTaken(trx: Kysely<DB>, name: string, exceptId?: number): Promise<boolean> {
  let q = trx
    .selectFrom("roles")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()));
  if (exceptId !== undefined) q = q.where("id", "!=", exceptId);
  return Boolean(await q.executeTakeFirst());
}

export async function createRole(
  db: Kysely<DB>,
  actor: Actor,
  input: { name: string; permissions: readonly string[] },
  now: Date,
): Promise<{ ok: true; id: number } | RoleRefused> {
  const name = input.name.trim();
  const permissions = byCatalogue(input.permissions.filter(isPermission));
  try {
    return await db.transaction().execute(async (trx) => {
      if (await nameTaken(trx, name)) return { ok: false, error: "name_taken" } as const;
      const at = now.toISOString();
      const { id } = await trx
        .insertInto("roles")
        .values({ name, builtin: 0, created_at: at, updated_at: at })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (permissions.length) {
        await trx
          .insertInto("role_permissions")
          .values(permissions.map((permission_key) => ({ role_id: id, permission_key })))
          .execute();
      }
      await recordAudit(
        trx,
        actor,
        { action: "role.create", objectType: "role", objectId: id, after: { name, permissions } },
        now,
      );
      return { ok: true, id } as const;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: "name_taken" };
    throw error;
  }
}

export async function renameRole(
  db: Kysely<DB>,
  actor: Actor,
  roleId: number,
  newName: string,
  now: Date,
): Promise<{ ok: true; changed: boolean } | RoleRefused> {
  const name = newName.trim();
  try {
    return await db.transaction().execute(async (trx) => {
      const role = await forUpdate(
        trx,
        trx.selectFrom("roles").select(["name", "builtin"]).where("id", "=", roleId),
      ).executeTakeFirst();
      if (!role) return { ok: false, error: "not_found" } as const;
      if (role.builtin === 1) return { ok: false, error: "builtin" } as const;
      if (role.name === name) return { ok: true, changed: false } as const;
      if (await nameTaken(trx, name, roleId)) return { ok: false, error: "name_taken" } as const;
      await trx.updateTable("roles").set({ name, updated_at: now.toISOString() }).where("id", "=", roleId).execute();
      await recordAudit(
        trx,
        actor,
        { action: "role.rename", objectType: "role", objectId: roleId, before: { name: role.name }, after: { name } },
        now,
      );
      return { ok: true, changed: true } as const;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: "name_taken" };
    throw error;
  }
}

export interface PermissionChange {
  roleId: number;
  permissions: readonly string[];
  /** The role's `updatedAt` the form was based on; a different one refuses the change as stale. */
  expectedUpdatedAt?: string;
}

/**
 * Sets the permissions of one or more roles in one transaction (the matrix page saves every
 * role at once). Only roles whose set really changes are written and audited. Refused as a
 * whole when 系统管理员 would lose any permission, or a role changed since the form was loaded.
 */
export async function setRolePermissions(
  db: Kysely<DB>,
  actor: Actor,
  changes: readonly PermissionChange[],
  now: Date,
): Promise<{ ok: true; changedRoleIds: number[] } | RoleRefused> {
  return db.transaction().execute(async (trx) => {
    const ids = changes.map((c) => c.roleId);
    if (!ids.length) return { ok: true, changedRoleIds: [] } as const;
    const roles = await forUpdate(
      trx,
      trx.selectFrom("roles").select(["id", "key", "updated_at"]).where("id", "in", ids).orderBy("id"),
    ).execute();
    if (roles.length !== new Set(ids).size) return { ok: false, error: "not_found" } as const;
    const stale = changes.filter(
      (c) =>
        c.expectedUpdatedAt !== undefined && roles.find((r) => r.id === c.roleId)!.updated_at !== c.expectedUpdatedAt,
    );
    if (stale.length) return { ok: false, error: "stale", roleIds: stale.map((c) => c.roleId) } as const;
    const current = await trx
      .selectFrom("role_permissions")
      .select(["role_id", "permission_key"])
      .where("role_id", "in", ids)
      .execute();
    // Every refusal comes before the first write: returning from here commits what was written.
    for (const change of changes) {
      const role = roles.find((r) => r.id === change.roleId)!;
      if (role.key === "admin" && byCatalogue(change.permissions.filter(isPermission)).length !== PERMISSIONS.length) {
        return { ok: false, error: "admin_keeps_all" } as const;
      }
    }
    const changed: number[] = [];
    for (const change of changes) {
      const role = roles.find((r) => r.id === change.roleId)!;
      const next = byCatalogue(change.permissions.filter(isPermission));
      const before = byCatalogue(current.filter((c) => c.role_id === role.id).map((c) => c.permission_key));
      if (before.length === next.length && before.every((p, i) => p === next[i])) continue;
      const added = next.filter((p) => !before.includes(p));
      const removed = before.filter((p) => !next.includes(p));
      if (removed.length) {
        await trx
          .deleteFrom("role_permissions")
          .where("role_id", "=", role.id)
          .where("permission_key", "in", removed)
          .execute();
      }
      if (added.length) {
        await trx
          .insertInto("role_permissions")
          .values(added.map((permission_key) => ({ role_id: role.id, permission_key })))
          .execute();
      }
      await trx.updateTable("roles").set({ updated_at: now.toISOString() }).where("id", "=", role.id).execute();
      await recordAudit(
        trx,
        actor,
        {
          action: "role.permissions",
          objectType: "role",
          objectId: role.id,
          before: { permissions: before },
          after: { permissions: next, added, removed },
        },
        now,
      );
      changed.push(role.id);
    }
    return { ok: true, changedRoleIds: changed } as const;
  });
}

/**
 * Deletes a custom role. While staff hold it, it is refused with their number, unless
 * `moveToRoleId` names another role: they then get that role instead (which grants a role, so it
 * needs the acting person's own password), all in one transaction.
 */
export async function deleteRole(
  db: Kysely<DB>,
  actor: Actor,
  roleId: number,
  input: { moveToRoleId?: number | null; actorPassword?: string },
  now: Date,
): Promise<{ ok: true; moved: number } | RoleRefused | Refused> {
  const moveTo = input.moveToRoleId ?? null;
  if (moveTo === roleId) return { ok: false, error: "bad_target" };
  if (moveTo !== null) {
    const confirmed = await confirmActorPassword(db, actor, input.actorPassword, now);
    if (!confirmed.ok) return confirmed;
  }
  return db.transaction().execute(async (trx) => {
    const role = await forUpdate(
      trx,
      trx.selectFrom("roles").select(["name", "builtin"]).where("id", "=", roleId),
    ).executeTakeFirst();
    if (!role) return { ok: false, error: "not_found" } as const;
    if (role.builtin === 1) return { ok: false, error: "builtin" } as const;
    const holders = (
      await trx.selectFrom("account_roles").select("account_id").where("role_id", "=", roleId).execute()
    ).map((h) => h.account_id);
    if (holders.length && moveTo === null) return { ok: false, error: "assigned", count: holders.length } as const;
    if (holders.length && moveTo !== null) {
      const target = await trx.selectFrom("roles").select("id").where("id", "=", moveTo).executeTakeFirst();
      if (!target) return { ok: false, error: "bad_target" } as const;
      const already = (
        await trx
          .selectFrom("account_roles")
          .select("account_id")
          .where("role_id", "=", moveTo)
          .where("account_id", "in", holders)
          .execute()
      ).map((h) => h.account_id);
      const adding = holders.filter((h) => !already.includes(h));
      if (adding.length) {
        await trx
          .insertInto("account_roles")
          .values(adding.map((account_id) => ({ account_id, role_id: moveTo })))
          .execute();
      }
      await trx.deleteFrom("account_roles").where("role_id", "=", roleId).execute();
    }
    const permissions = byCatalogue(
      (await trx.selectFrom("role_permissions").select("permission_key").where("role_id", "=", roleId).execute()).map(
        (p) => p.permission_key,
      ),
    );
    await trx.deleteFrom("role_permissions").where("role_id", "=", roleId).execute();
    await trx.deleteFrom("roles").where("id", "=", roleId).execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "role.delete",
        objectType: "role",
        objectId: roleId,
        before: { name: role.name, permissions, staff: holders },
        after: holders.length ? { movedTo: moveTo } : undefined,
      },
      now,
    );
    return { ok: true, moved: holders.length } as const;
  });
}
