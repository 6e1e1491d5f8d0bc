import { createHash, randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { isSqliteDb } from "../../db/locking";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";
import { isPermission, type Permission, type StaffGrant } from "../domain/permissions";
import { type Actor, recordAudit } from "./audit.server";

/** Staff idle out after 30 minutes; dealers, who order from phones, after 7 days (RELIABILITY B3). */
export const SESSION_LIMITS = {
  staff: { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 },
  customer: { idleMs: 7 * 24 * 3600_000, absoluteMs: 30 * 24 * 3600_000 },
} as const;

// last_seen_at is written at most once a minute, so reading pages does not turn into writes.
const TOUCH_INTERVAL_MS = 60_000;

export interface StaffViewer {
  kind: "staff";
  sessionId: string;
  accountId: number;
  username: string;
  displayName: string;
  roles: Array<{ id: number; key: string | null; name: string }>;
  grant: StaffGrant;
}

export interface CustomerViewer {
  kind: "customer";
  sessionId: string;
  accountId: number;
  username: string;
  displayName: string;
  customer: { id: number; code: string; name: string; regionId: number };
}

export type Viewer = StaffViewer | CustomerViewer;

export function viewerActor(viewer: Viewer, request?: { requestId?: string; ip?: string }): Actor {
  return { accountId: viewer.accountId, name: viewer.username, ...request };
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Starts a session: a fresh 256-bit token for the cookie, only its hash in the table. */
export async function createSession(
  db: Kysely<DB>,
  account: { id: number; kind: "staff" | "customer"; username: string },
  meta: { ip: string; userAgent: string; requestId?: string },
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const limits = SESSION_LIMITS[account.kind];
  const expiresAt = new Date(now.getTime() + limits.idleMs);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("sessions")
      .values({
        id: hashToken(token),
        account_id: account.id,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
        ip: meta.ip,
        user_agent: meta.userAgent.slice(0, 300),
      })
      .execute();
    await recordAudit(
      trx,
      { accountId: account.id, name: account.username, requestId: meta.requestId, ip: meta.ip },
      { action: "auth.login", objectType: "account", objectId: account.id },
      now,
    );
  });
  return { token, expiresAt };
}

const sessionById = prepared((db: Kysely<DB>, p: { sessionId: string }) =>
  db
    .selectFrom("sessions as s")
    .innerJoin("accounts as a", "a.id", "s.account_id")
    .leftJoin("customers as c", "c.account_id", "a.id")
    .select([
      "s.created_at",
      "s.last_seen_at",
      "s.expires_at",
      "a.id as account_id",
      "a.username",
      "a.display_name",
      "a.kind",
      "a.active",
      "a.region_limited",
      "c.id as customer_id",
      "c.code as customer_code",
      "c.name as customer_name",
      "c.region_id as customer_region_id",
      "c.active as customer_active",
    ])
    .where("s.id", "=", p.sessionId),
);

/**
 * The account behind a session token, read fresh on every request so that disabling an account
 * or customer, or changing a role, bites on the very next request. `null`: no valid session.
 */
export async function loadViewer(db: Kysely<DB>, token: string, now: Date): Promise<Viewer | null> {
  const sessionId = hashToken(token);
  const row = await sessionById.executeTakeFirst(db, { sessionId });
  if (row?.active !== 1) return null;
  const t = now.getTime();
  const limits = SESSION_LIMITS[row.kind];
  if (Date.parse(row.expires_at) <= t || Date.parse(row.created_at) + limits.absoluteMs <= t) return null;

  if (t - Date.parse(row.last_seen_at) >= TOUCH_INTERVAL_MS) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: now.toISOString(), expires_at: new Date(t + limits.idleMs).toISOString() })
      .where("id", "=", sessionId)
      .execute();
  }

  const base = { sessionId, accountId: row.account_id, username: row.username, displayName: row.display_name };
  if (row.kind === "customer") {
    if (row.customer_id == null || row.customer_active !== 1) return null;
    return {
      kind: "customer",
      ...base,
      customer: {
        id: row.customer_id,
        code: row.customer_code!,
        name: row.customer_name!,
        regionId: row.customer_region_id!,
      },
    };
  }
  return { kind: "staff", ...base, ...(await loadStaffAccess(db, row.account_id, row.region_limited === 1)) };
}

// One row per role, its permissions joined into one text: a role with all 27 permissions was 27
// rows, read on every staff request (~50 µs more of SQLite; issue 9).
const rolesOf = prepared((db: Kysely<DB>, p: { accountId: number }) =>
  db
    .selectFrom("account_roles as ar")
    .innerJoin("roles as r", "r.id", "ar.role_id")
    .select(["r.id", "r.key", "r.name"])
    .select((eb) =>
      eb
        .selectFrom("role_permissions as rp")
        .select(
          isSqliteDb(db)
            ? sql<string | null>`group_concat(rp.permission_key, ',')`.as("permissions")
            : sql<string | null>`string_agg(rp.permission_key, ',')`.as("permissions"),
        )
        .whereRef("rp.role_id", "=", "r.id")
        .as("permissions"),
    )
    .where("ar.account_id", "=", p.accountId)
    .orderBy("r.id"),
);

/** Roles, the union of their permissions, and the region scope of one staff account. */
export async function loadStaffAccess(
  db: Kysely<DB>,
  accountId: number,
  regionLimited: boolean,
): Promise<Pick<StaffViewer, "roles" | "grant">> {
  const rows = await rolesOf.execute(db, { accountId });
  const roles = new Map<number, { id: number; key: string | null; name: string }>();
  const permissions = new Set<Permission>();
  for (const r of rows) {
    roles.set(r.id, { id: r.id, key: r.key, name: r.name });
    for (const key of r.permissions?.split(",") ?? []) if (isPermission(key)) permissions.add(key);
  }
  let regionIds: number[] | null = null;
  if (regionLimited) {
    const regions = await db
      .selectFrom("account_regions")
      .select("region_id")
      .where("account_id", "=", accountId)
      .orderBy("region_id")
      .execute();
    regionIds = regions.map((r) => r.region_id);
  }
  return { roles: [...roles.values()], grant: { permissions, regionIds } };
}

export async function endSession(db: Kysely<DB>, sessionId: string, actor: Actor, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom("sessions").where("id", "=", sessionId).executeTakeFirst();
    if (Number(deleted.numDeletedRows) > 0) {
      await recordAudit(trx, actor, { action: "auth.logout", objectType: "account", objectId: actor.accountId }, now);
    }
  });
}

/** Removes sessions past their idle or absolute limit (run by a periodic sweep). */
export async function deleteExpiredSessions(db: Kysely<DB>, now: Date): Promise<number> {
  const result = await db.deleteFrom("sessions").where("expires_at", "<=", now.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
