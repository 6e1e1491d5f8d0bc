import type { Generated, Insertable, Selectable } from "kysely";

/**
 * The database as the app sees it. Conventions on both engines: times are ISO-8601 UTC text,
 * flags are 0/1 integers, money is integer fen, JSON is text.
 */
export interface DB {
  permissions: { key: string; area: string; position: number };
  roles: {
    id: Generated<number>;
    key: string | null;
    name: string;
    builtin: Generated<number>;
    created_at: string;
    updated_at: string;
  };
  role_permissions: { role_id: number; permission_key: string };
  regions: { id: Generated<number>; code: string; name: string; created_at: string };
  customer_levels: {
    id: Generated<number>;
    code: string;
    name: string;
    discount_bp: number;
    position: Generated<number>;
    created_at: string;
  };
  accounts: {
    id: Generated<number>;
    username: string;
    password_hash: string;
    kind: "staff" | "customer";
    display_name: string;
    active: Generated<number>;
    region_limited: Generated<number>;
    created_at: string;
    updated_at: string;
  };
  account_roles: { account_id: number; role_id: number };
  account_regions: { account_id: number; region_id: number };
  customers: {
    id: Generated<number>;
    code: string;
    name: string;
    level_id: number | null;
    region_id: number;
    contact_name: Generated<string>;
    phone: Generated<string>;
    address: Generated<string>;
    active: Generated<number>;
    account_id: number;
    account_kind: Generated<"customer">;
    created_at: string;
    updated_at: string;
  };
  sessions: {
    id: string;
    account_id: number;
    created_at: string;
    last_seen_at: string;
    expires_at: string;
    ip: Generated<string>;
    user_agent: Generated<string>;
  };
  auth_throttle: { key: string; failures: number; window_started_at: string; blocked_until: string | null };
  audit_log: {
    id: Generated<number>;
    at: string;
    request_id: string | null;
    actor_account_id: number | null;
    actor_name: string;
    action: string;
    object_type: string;
    object_id: string | null;
    before_json: string | null;
    after_json: string | null;
    ip: string | null;
  };
  settings: { key: string; value_json: string; updated_at: string };
  queue_counters: { pipeline: "orders" | "returns"; status: string; region_id: number; count: Generated<number> };
}

export type AccountRow = Selectable<DB["accounts"]>;
export type CustomerRow = Selectable<DB["customers"]>;
export type NewAuditRow = Insertable<DB["audit_log"]>;
