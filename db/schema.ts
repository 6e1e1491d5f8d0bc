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
    sales_rep_account_id: number | null;
    default_warehouse_id: number | null;
    invoice_title: Generated<string>;
    tax_no: Generated<string>;
    bank_name: Generated<string>;
    bank_account: Generated<string>;
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
  categories: {
    id: Generated<number>;
    parent_id: number | null;
    name: string;
    position: Generated<number>;
    created_at: string;
  };
  products: {
    id: Generated<number>;
    category_id: number | null;
    name: string;
    description: Generated<string>;
    tags: Generated<string>;
    listed: Generated<number>;
    search_text: Generated<string>;
    created_at: string;
    updated_at: string;
  };
  images: {
    id: Generated<number>;
    sha256: string;
    content_type: string;
    width: number;
    height: number;
    bytes: Uint8Array;
    thumb: Uint8Array;
    created_at: string;
  };
  product_images: { product_id: number; image_id: number; position: Generated<number> };
  skus: {
    id: Generated<number>;
    product_id: number;
    code: string;
    barcode: Generated<string>;
    spec: Generated<string>;
    unit: string;
    base_price: number;
    retail_price: number;
    min_qty: Generated<number>;
    max_qty: number | null;
    multiple: Generated<number>;
    listed: Generated<number>;
    position: Generated<number>;
    created_at: string;
    updated_at: string;
  };
  level_prices: { level_id: number; sku_id: number; price: number };
  customer_prices: { customer_id: number; sku_id: number; price: number };
  warehouses: {
    id: Generated<number>;
    code: string;
    name: string;
    address: Generated<string>;
    active: Generated<number>;
    created_at: string;
  };
  stock: { sku_id: number; warehouse_id: number; on_hand: Generated<number>; reserved: Generated<number> };
  stock_movements: {
    id: Generated<number>;
    sku_id: number;
    warehouse_id: number;
    kind: "initial" | "adjustment" | "stocktake" | "outbound" | "return_restock";
    delta: number;
    on_hand_after: number;
    reason: Generated<string>;
    ref_type: string | null;
    ref_id: string | null;
    actor_account_id: number | null;
    at: string;
  };
  customer_addresses: {
    id: Generated<number>;
    customer_id: number;
    contact_name: string;
    phone: string;
    address: string;
    is_default: Generated<number>;
    created_at: string;
  };
  cart_items: { customer_id: number; sku_id: number; quantity: number; added_at: string };
  favourites: { customer_id: number; product_id: number; created_at: string };
  number_sequences: { key: string; last: number };
  orders: {
    id: Generated<number>;
    number: string;
    customer_id: number;
    region_id: number;
    status: string;
    version: Generated<number>;
    idempotency_key: string;
    request_hash: string;
    address_json: string;
    requested_delivery_date: string | null;
    remark: Generated<string>;
    contract_no: Generated<string>;
    goods_amount: number;
    freight: Generated<number>;
    discount: Generated<number>;
    payable: number;
    warehouse_id: number | null;
    placed_by_account_id: number;
    reserved: Generated<number>;
    paid_amount: Generated<number>;
    payment_method: string | null;
    shipped_at: string | null;
    completed_at: string | null;
    created_at: string;
    updated_at: string;
  };
  order_lines: {
    id: Generated<number>;
    order_id: number;
    sku_id: number;
    sku_code: string;
    product_name: string;
    spec: string;
    unit: string;
    quantity: number;
    unit_price: number;
    amount: number;
    position: number;
  };
  order_reservations: { order_id: number; sku_id: number; warehouse_id: number; quantity: number };
  shipments: {
    id: Generated<number>;
    order_id: number;
    number: string;
    warehouse_id: number;
    status: "outbound" | "shipped";
    carrier: Generated<string>;
    tracking_no: Generated<string>;
    self_pickup: Generated<number>;
    outbound_at: string;
    outbound_by: string;
    shipped_at: string | null;
    shipped_by: string | null;
  };
  shipment_lines: { shipment_id: number; sku_id: number; quantity: number };
  change_slips: {
    id: Generated<number>;
    order_id: number;
    at: string;
    actor_account_id: number | null;
    actor_name: string;
    reason: string;
    changes_json: string;
  };
  outbox: {
    id: Generated<number>;
    event_type: string;
    aggregate_type: string;
    aggregate_id: string;
    payload_json: string;
    created_at: string;
    available_at: string;
    attempts: Generated<number>;
    delivered_at: string | null;
    last_error: string | null;
  };
  order_events: {
    id: Generated<number>;
    order_id: number;
    at: string;
    actor_account_id: number | null;
    actor_name: string;
    actor_kind: "staff" | "customer" | "system";
    action: string;
    from_status: string | null;
    to_status: string;
    note: Generated<string>;
  };
  queue_counters: { pipeline: "orders" | "returns"; status: string; region_id: number; count: Generated<number> };
  fund_balances: {
    customer_id: number;
    prepaid: Generated<number>;
    rebate: Generated<number>;
    deposit: Generated<number>;
    receivable: Generated<number>;
    credit_limit: Generated<number>;
    over_limit_reason: string | null;
    updated_at: string;
  };
  fund_ledger: {
    id: Generated<number>;
    customer_id: number;
    account: "prepaid" | "rebate" | "deposit" | "receivable";
    kind: "recharge" | "order_payment" | "refund" | "credit_charge" | "repayment" | "adjustment" | "reversal";
    amount: number;
    balance_after: number;
    method: "bank" | "cash" | "wechat" | "alipay" | "other" | null;
    reference: Generated<string>;
    reason: Generated<string>;
    business_date: string;
    order_id: number | null;
    payment_report_id: number | null;
    reversal_of: number | null;
    actor_account_id: number | null;
    actor_name: string;
    created_at: string;
  };
  payment_reports: {
    id: Generated<number>;
    customer_id: number;
    amount: number;
    method: "bank" | "cash" | "wechat" | "alipay" | "other";
    reference: Generated<string>;
    paid_on: string;
    note: Generated<string>;
    image_id: number;
    status: Generated<"pending" | "confirmed" | "rejected">;
    decision_reason: Generated<string>;
    decided_by_account_id: number | null;
    decided_by_name: string | null;
    decided_at: string | null;
    created_by_account_id: number;
    created_at: string;
  };
}

export type AccountRow = Selectable<DB["accounts"]>;
export type CustomerRow = Selectable<DB["customers"]>;
export type NewAuditRow = Insertable<DB["audit_log"]>;
