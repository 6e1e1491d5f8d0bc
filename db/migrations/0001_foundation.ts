import { type Kysely, sql } from "kysely";
import { addFlag, isSqlite, makeAppendOnly, withId } from "../migration-helpers";

// A snapshot of DOMAIN.md §2 as it was when this migration was written; migrations never import
// app code. A test checks that the catalogue in app/domain/permissions.ts still matches it.
const PERMISSIONS: Array<[area: string, keys: string[]]> = [
  [
    "orders",
    [
      "order.view",
      "order.create",
      "order.review",
      "order.finance_review",
      "order.outbound_review",
      "order.ship",
      "order.confirm_receipt",
      "order.void",
      "order.export",
    ],
  ],
  ["returns", ["return.view", "return.create", "return.review", "return.inbound_review", "return.refund_review"]],
  ["catalog", ["product.view", "product.manage", "price.manage", "stock.manage"]],
  ["customers", ["customer.view", "customer.manage", "customer.credit"]],
  ["funds", ["funds.view", "funds.manage"]],
  ["reports", ["report.view"]],
  ["settings", ["announcement.manage", "settings.workflow", "settings.staff"]],
];

const ROLES: Array<[key: string, name: string, permissions: string[] | "all"]> = [
  ["admin", "系统管理员", "all"],
  [
    "business_lead",
    "业务负责人",
    [
      "order.view",
      "order.create",
      "order.review",
      "order.void",
      "order.export",
      "return.view",
      "return.create",
      "return.review",
      "product.view",
      "price.manage",
      "customer.view",
      "customer.manage",
      "funds.view",
      "report.view",
      "announcement.manage",
    ],
  ],
  [
    "order_reviewer",
    "订单审核员",
    ["order.view", "order.create", "order.review", "return.view", "return.review", "product.view", "customer.view"],
  ],
  [
    "finance_reviewer",
    "财务审核员",
    [
      "order.view",
      "order.finance_review",
      "return.view",
      "return.refund_review",
      "customer.view",
      "customer.credit",
      "funds.view",
      "funds.manage",
      "report.view",
    ],
  ],
  [
    "warehouse_keeper",
    "仓库管理员",
    ["order.view", "order.outbound_review", "return.view", "return.inbound_review", "product.view", "stock.manage"],
  ],
  [
    "shipping_clerk",
    "发货审核员",
    ["order.view", "order.ship", "order.confirm_receipt", "return.view", "product.view"],
  ],
];

const now = () => new Date().toISOString();

export async function up(db: Kysely<any>): Promise<void> {
  // Times are ISO-8601 UTC text on both engines (they sort and compare as text);
  // booleans are 0/1 integers; money is integer fen.
  await db.schema
    .createTable("permissions")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("area", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable("roles"))
    .addColumn("key", "text", (c) => c.unique()) // built-in roles only; custom roles have none
    .addColumn("name", "text", (c) => c.notNull().unique())
    .$call((t) => addFlag(t, "builtin", 0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("role_permissions")
    .addColumn("role_id", "integer", (c) => c.notNull().references("roles.id").onDelete("cascade"))
    .addColumn("permission_key", "text", (c) => c.notNull().references("permissions.key"))
    .addPrimaryKeyConstraint("role_permissions_pk", ["role_id", "permission_key"])
    .execute();

  await withId(db, db.schema.createTable("regions"))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable("customer_levels")) // 客户级别
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull().unique())
    // Price factor in basis points of the base order price: 9500 = 95 %.
    .addColumn("discount_bp", "integer", (c) => c.notNull().check(sql`discount_bp between 0 and 10000`))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  // One table for both kinds keeps usernames unique across staff and customers.
  await withId(db, db.schema.createTable("accounts"))
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('staff', 'customer')`))
    .addColumn("display_name", "text", (c) => c.notNull())
    .$call((t) => addFlag(t, "active", 1))
    // Staff only: 1 = sees only the regions in account_regions (分区查看/分区审核).
    .$call((t) => addFlag(t, "region_limited", 0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("accounts_id_kind_unique", ["id", "kind"])
    .addCheckConstraint("accounts_region_limited_staff", sql`kind = 'staff' or region_limited = 0`)
    .execute();

  await db.schema
    .createTable("account_roles")
    .addColumn("account_id", "integer", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("role_id", "integer", (c) => c.notNull().references("roles.id"))
    .addPrimaryKeyConstraint("account_roles_pk", ["account_id", "role_id"])
    .execute();
  await db.schema.createIndex("account_roles_role").on("account_roles").column("role_id").execute();

  await db.schema
    .createTable("account_regions")
    .addColumn("account_id", "integer", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("region_id", "integer", (c) => c.notNull().references("regions.id"))
    .addPrimaryKeyConstraint("account_regions_pk", ["account_id", "region_id"])
    .execute();

  // Exactly one ordering account per customer: account_id is NOT NULL and UNIQUE, and the
  // composite key with the fixed kind 'customer' means it can only point at a customer account.
  await withId(db, db.schema.createTable("customers"))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("level_id", "integer", (c) => c.references("customer_levels.id"))
    .addColumn("region_id", "integer", (c) => c.notNull().references("regions.id"))
    .addColumn("contact_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("phone", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("address", "text", (c) => c.notNull().defaultTo(""))
    .$call((t) => addFlag(t, "active", 1))
    .addColumn("account_id", "integer", (c) => c.notNull().unique())
    .addColumn("account_kind", "text", (c) => c.notNull().defaultTo("customer").check(sql`account_kind = 'customer'`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addForeignKeyConstraint("customers_account_fk", ["account_id", "account_kind"], "accounts", ["id", "kind"])
    .execute();
  await db.schema.createIndex("customers_region").on("customers").columns(["region_id", "id"]).execute();

  // Server-side sessions: the cookie holds a random token, the table only its SHA-256.
  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "integer", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("user_agent", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("sessions_account").on("sessions").column("account_id").execute();

  // Login throttling lives in the database so every process sees the same counts.
  await db.schema
    .createTable("auth_throttle")
    .addColumn("key", "text", (c) => c.primaryKey()) // "account:<username>" or "ip:<address>"
    .addColumn("failures", "integer", (c) => c.notNull().check(sql`failures >= 0`))
    .addColumn("window_started_at", "text", (c) => c.notNull())
    .addColumn("blocked_until", "text")
    .execute();

  await withId(db, db.schema.createTable("audit_log"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("request_id", "text")
    .addColumn("actor_account_id", "integer", (c) => c.references("accounts.id"))
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("object_type", "text", (c) => c.notNull())
    .addColumn("object_id", "text")
    .addColumn("before_json", "text")
    .addColumn("after_json", "text")
    .addColumn("ip", "text")
    .execute();
  await db.schema.createIndex("audit_log_object").on("audit_log").columns(["object_type", "object_id", "id"]).execute();
  await db.schema.createIndex("audit_log_actor").on("audit_log").columns(["actor_account_id", "id"]).execute();
  await makeAppendOnly(db, "audit_log");

  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value_json", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  // Queue counts per pipeline status and region, maintained in the same transaction as every
  // transition, so the console's counts cost the same at ten orders and at a million.
  await db.schema
    .createTable("queue_counters")
    .addColumn("pipeline", "text", (c) => c.notNull().check(sql`pipeline in ('orders', 'returns')`))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("region_id", "integer", (c) => c.notNull().references("regions.id"))
    .addColumn("count", "integer", (c) => c.notNull().defaultTo(0).check(sql`count >= 0`))
    .addPrimaryKeyConstraint("queue_counters_pk", ["pipeline", "status", "region_id"])
    .execute();

  const all = PERMISSIONS.flatMap(([area, keys]) => keys.map((key) => ({ key, area })));
  await db
    .insertInto("permissions")
    .values(all.map((p, position) => ({ ...p, position })))
    .execute();
  const at = now();
  for (const [key, name, permissions] of ROLES) {
    const role = await db
      .insertInto("roles")
      .values({ key, name, builtin: 1, created_at: at, updated_at: at })
      .returning("id")
      .executeTakeFirstOrThrow();
    const keys = permissions === "all" ? all.map((p) => p.key) : permissions;
    await db
      .insertInto("role_permissions")
      .values(keys.map((permission_key) => ({ role_id: role.id, permission_key })))
      .execute();
  }
  if (isSqlite(db)) await sql`pragma foreign_key_check`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "queue_counters",
    "settings",
    "audit_log",
    "auth_throttle",
    "sessions",
    "customers",
    "account_regions",
    "account_roles",
    "accounts",
    "customer_levels",
    "regions",
    "role_permissions",
    "roles",
    "permissions",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  if (!isSqlite(db)) await sql`drop function if exists audit_log_append_only()`.execute(db);
}
