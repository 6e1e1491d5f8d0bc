import { type Kysely, sql } from "kysely";
import { withId } from "../migration-helpers";

// The HTTP API (API.md): bearer tokens, a request counter per token, and the idempotency
// claims of API calls that have no document of their own to carry a key (payments).
export async function up(db: Kysely<any>): Promise<void> {
  // Like sessions, only the SHA-256 of a token is stored: a leaked table opens nothing.
  // `session` tokens come from POST /api/v1/auth/token and live ≤ 12 h; `integration` tokens
  // are created by an administrator for a staff account and live until revoked (or expires_at).
  await withId(db, db.schema.createTable("api_tokens"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("account_id", "integer", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('session', 'integration')`))
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    // The first characters of the token, so a person can tell tokens apart in the list.
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text")
    .addColumn("last_used_at", "text")
    .addColumn("last_used_ip", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("revoked_at", "text")
    .addColumn("created_by_account_id", "integer", (c) => c.references("accounts.id"))
    .execute();
  await db.schema.createIndex("api_tokens_account").on("api_tokens").columns(["account_id", "kind"]).execute();

  // Fixed-window request counts, one row per token (or cookie session), so every process sees
  // them; window_no is the current time divided by the window length.
  await db.schema
    .createTable("api_rate_limits")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("window_no", "integer", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull().check(sql`count >= 0`))
    .execute();

  // An API call's idempotency key: claimed before the work, answered from here on a replay.
  await db.schema
    .createTable("api_idempotency")
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("status", "integer")
    .addColumn("response_json", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("api_idempotency_pk", ["scope", "key"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("api_idempotency").execute();
  await db.schema.dropTable("api_rate_limits").execute();
  await db.schema.dropTable("api_tokens").execute();
}
