import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { relaxedDurability } from "../../db/durability";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";
import { type Actor, recordAudit } from "../services/audit.server";
import { hashToken, loadStaffAccess, type Viewer } from "../services/sessions.server";
import { assertPermission, type StaffActor } from "../services/staff-actor.server";

/**
 * API bearer tokens (API.md "Auth"). Only a token's SHA-256 is stored, as for cookie sessions.
 * The account behind a token is read fresh on every request, so disabling an account or its
 * customer, or changing a role, bites on the very next call.
 */

/** Tokens from POST /api/v1/auth/token die this long after they were issued. */
export const SESSION_TOKEN_TTL_MS = 12 * 3600_000;
/** Integration tokens may be given a lifetime of at most this many days (or none). */
export const MAX_INTEGRATION_DAYS = 3650;
// last_used_at is written at most once a minute, so reading does not turn into writes.
const TOUCH_INTERVAL_MS = 60_000;

const newSecret = () => `dh_${randomBytes(32).toString("base64url")}`;
/** What the token list shows: enough to tell tokens apart, far too little to use one. */
const prefixOf = (token: string) => token.slice(0, 10);

export interface ApiPrincipal {
  viewer: Viewer;
  tokenId: number;
  kind: "session" | "integration";
}

/** Issues a short-lived token to an account that has just proved its password. */
export async function issueSessionToken(
  db: Kysely<DB>,
  account: { id: number; username: string },
  meta: { ip: string; requestId?: string },
  now: Date,
): Promise<{ token: string; expiresAt: string }> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + SESSION_TOKEN_TTL_MS).toISOString();
  await db.transaction().execute(async (trx) => {
    // Expired tokens of this account are dropped as new ones are issued, so the table stays small.
    await trx
      .deleteFrom("api_tokens")
      .where("account_id", "=", account.id)
      .where("kind", "=", "session")
      .where("expires_at", "<=", now.toISOString())
      .execute();
    const { id } = await trx
      .insertInto("api_tokens")
      .values({
        token_hash: hashToken(token),
        account_id: account.id,
        kind: "session",
        prefix: prefixOf(token),
        created_at: now.toISOString(),
        expires_at: expiresAt,
        last_used_at: now.toISOString(),
        last_used_ip: meta.ip,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      { accountId: account.id, name: account.username, requestId: meta.requestId, ip: meta.ip },
      { action: "auth.api_token", objectType: "api_token", objectId: id },
      now,
    );
  });
  return { token, expiresAt };
}

const tokenByHash = prepared((db: Kysely<DB>, p: { hash: string }) =>
  db
    .selectFrom("api_tokens as t")
    .innerJoin("accounts as a", "a.id", "t.account_id")
    .leftJoin("customers as c", "c.account_id", "a.id")
    .select([
      "t.id",
      "t.kind",
      "t.expires_at",
      "t.revoked_at",
      "t.last_used_at",
      "a.id as account_id",
      "a.username",
      "a.display_name",
      "a.kind as account_kind",
      "a.active",
      "a.region_limited",
      "c.id as customer_id",
      "c.code as customer_code",
      "c.name as customer_name",
      "c.region_id as customer_region_id",
      "c.active as customer_active",
    ])
    .where("t.token_hash", "=", p.hash),
);

/**
 * The principal behind a bearer token, or null: unknown, revoked or expired token, disabled
 * account or customer. Touches last use (at most once a minute).
 */
export async function authenticateToken(
  db: Kysely<DB>,
  token: string,
  meta: { ip: string },
  now: Date,
): Promise<ApiPrincipal | null> {
  if (!/^dh_[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await tokenByHash.executeTakeFirst(db, { hash: hashToken(token) });
  if (row?.active !== 1 || row.revoked_at !== null) return null;
  if (row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime()) return null;
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= TOUCH_INTERVAL_MS) {
    await db
      .updateTable("api_tokens")
      .set({ last_used_at: now.toISOString(), last_used_ip: meta.ip })
      .where("id", "=", row.id)
      .execute();
  }
  const base = {
    sessionId: `api:${row.id}`,
    accountId: row.account_id,
    username: row.username,
    displayName: row.display_name,
  };
  if (row.account_kind === "customer") {
    if (row.customer_id == null || row.customer_active !== 1) return null;
    return {
      tokenId: row.id,
      kind: row.kind,
      viewer: {
        kind: "customer",
        ...base,
        customer: {
          id: row.customer_id,
          code: row.customer_code!,
          name: row.customer_name!,
          regionId: row.customer_region_id!,
        },
      },
    };
  }
  const access = await loadStaffAccess(db, row.account_id, row.region_limited === 1);
  return { tokenId: row.id, kind: row.kind, viewer: { kind: "staff", ...base, ...access } };
}

/** Ends the token a request came with (DELETE /api/v1/auth/token). */
export async function revokeOwnToken(db: Kysely<DB>, tokenId: number, actor: Actor, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable("api_tokens")
      .set({ revoked_at: now.toISOString() })
      .where("id", "=", tokenId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) > 0)
      await recordAudit(
        trx,
        actor,
        { action: "auth.api_token_revoke", objectType: "api_token", objectId: tokenId },
        now,
      );
  });
}

// ---------------------------------------------------------------------------------------------
// Integration tokens: created by an administrator (settings.staff) for a staff account.
// ---------------------------------------------------------------------------------------------

export interface IntegrationTokenInput {
  accountId: number;
  name: string;
  /** null: until revoked. */
  expiresInDays: number | null;
}

export type CreateIntegrationTokenResult =
  | { ok: true; id: number; token: string; expiresAt: string | null }
  | { ok: false; error: "account_not_found" | "invalid_expiry" | "name_required" };

/** Creates a long-lived token for a staff account. The secret is returned once and never again. */
export async function createIntegrationToken(
  db: Kysely<DB>,
  actor: StaffActor,
  input: IntegrationTokenInput,
  now: Date,
): Promise<CreateIntegrationTokenResult> {
  assertPermission(actor, "settings.staff");
  const name = input.name.trim();
  if (!name) return { ok: false, error: "name_required" };
  if (
    input.expiresInDays !== null &&
    (!Number.isSafeInteger(input.expiresInDays) ||
      input.expiresInDays < 1 ||
      input.expiresInDays > MAX_INTEGRATION_DAYS)
  )
    return { ok: false, error: "invalid_expiry" };
  const account = await db
    .selectFrom("accounts")
    .select(["id", "username"])
    .where("id", "=", input.accountId)
    .where("kind", "=", "staff")
    .where("active", "=", 1)
    .executeTakeFirst();
  if (!account) return { ok: false, error: "account_not_found" };
  const token = newSecret();
  const expiresAt =
    input.expiresInDays === null ? null : new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString();
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("api_tokens")
      .values({
        token_hash: hashToken(token),
        account_id: account.id,
        kind: "integration",
        name: name.slice(0, 100),
        prefix: prefixOf(token),
        created_at: now.toISOString(),
        expires_at: expiresAt,
        created_by_account_id: actor.accountId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      actor,
      {
        action: "api_token.create",
        objectType: "api_token",
        objectId: row.id,
        after: { account: account.username, name, expiresAt },
      },
      now,
    );
    return row.id;
  });
  return { ok: true, id, token, expiresAt };
}

export interface IntegrationTokenRow {
  id: number;
  name: string;
  prefix: string;
  account: { id: number; username: string; displayName: string; active: boolean };
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string;
  revokedAt: string | null;
}

/** Every integration token, newest first (live ones and the record of revoked ones). */
export async function listIntegrationTokens(db: Kysely<DB>, actor: StaffActor): Promise<IntegrationTokenRow[]> {
  assertPermission(actor, "settings.staff");
  const rows = await db
    .selectFrom("api_tokens as t")
    .innerJoin("accounts as a", "a.id", "t.account_id")
    .leftJoin("accounts as b", "b.id", "t.created_by_account_id")
    .select([
      "t.id",
      "t.name",
      "t.prefix",
      "t.created_at",
      "t.expires_at",
      "t.last_used_at",
      "t.last_used_ip",
      "t.revoked_at",
      "a.id as account_id",
      "a.username",
      "a.display_name",
      "a.active",
      "b.display_name as created_by",
    ])
    .where("t.kind", "=", "integration")
    .orderBy("t.id", "desc")
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    account: { id: r.account_id, username: r.username, displayName: r.display_name, active: r.active === 1 },
    createdAt: r.created_at,
    createdBy: r.created_by ?? null,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    lastUsedIp: r.last_used_ip,
    revokedAt: r.revoked_at,
  }));
}

/** Revokes an integration token; false when there is no such live token. */
export async function revokeIntegrationToken(
  db: Kysely<DB>,
  actor: StaffActor,
  id: number,
  now: Date,
): Promise<boolean> {
  assertPermission(actor, "settings.staff");
  return db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable("api_tokens")
      .set({ revoked_at: now.toISOString() })
      .where("id", "=", id)
      .where("kind", "=", "integration")
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) return false;
    await recordAudit(trx, actor, { action: "api_token.revoke", objectType: "api_token", objectId: id }, now);
    return true;
  });
}

/** Staff accounts an integration token can be made for (active ones), by username. */
export async function tokenAccountChoices(db: Kysely<DB>) {
  return db
    .selectFrom("accounts")
    .select(["id", "username", "display_name as displayName"])
    .where("kind", "=", "staff")
    .where("active", "=", 1)
    .orderBy("username")
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Rate limits: a fixed window per token, counted in the database so every process shares it.
// ---------------------------------------------------------------------------------------------

export interface RateLimitPolicy {
  limit: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { limit: 600, windowMs: 60_000 };

export type RateDecision = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

const countRequest = prepared((db: Kysely<DB>, p: { key: string; windowNo: number }) =>
  db
    .insertInto("api_rate_limits")
    .values({ key: p.key, window_no: p.windowNo, count: 1 })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        count: sql<number>`case when api_rate_limits.window_no = ${p.windowNo} then api_rate_limits.count + 1 else 1 end`,
        window_no: p.windowNo,
      }),
    )
    .returning(["count"])
    // A crash may lose the last few counts; no request waits for this one's fsync.
    .modifyEnd(relaxedDurability()),
);

/** Counts one request against `key` and says whether it is within the policy. One statement, atomic. */
export async function consumeRequest(
  db: Kysely<DB>,
  key: string,
  policy: RateLimitPolicy,
  now: Date,
): Promise<RateDecision> {
  const windowNo = Math.floor(now.getTime() / policy.windowMs);
  const row = await countRequest.executeTakeFirstOrThrow(db, { key, windowNo });
  const count = Number(row.count);
  if (count <= policy.limit) return { ok: true, remaining: policy.limit - count };
  const windowEnd = (windowNo + 1) * policy.windowMs;
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now.getTime()) / 1000)) };
}
