// Scale database for the benchmark (issue 9): 100 000 SKUs, 2 000 customers in 10 regions,
// 1 000 000 orders over 3 years in every status, returns and ~500 000 ledger rows.
//
//   npm run bench:seed                         → data/bench.db (SQLite), 1 000 000 orders
//   npm run bench:seed -- --orders 10000       → a small one (the rest scales with it)
//   npm run bench:seed -- --out data/b10k.db   → another file
//   DATABASE_URL=postgres://… npm run bench:seed
//
// The demo data comes first (logins, roles, settings: app/services/demo-seed.server.ts); the bulk
// is then written directly, in big transactions of multi-row inserts, with every maintained
// value computed here so the app's invariants hold: fund balances = Σ ledger (balance_after a
// running sum), queue_counters = real counts per status and region, stock = Σ movements and
// reserved = Σ reservations of reserved orders, document numbers continue number_sequences.
import { existsSync, rmSync, statSync } from "node:fs";
import { resolve } from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { seedDemo } from "../app/services/demo-seed.server";
import { openDatabase, parseDatabaseUrl } from "../db/client";
import { migrateToLatest } from "../db/migrate";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const ORDERS = Number(option("orders") ?? 1_000_000);
const scale = ORDERS / 1_000_000;
const SKUS = Math.max(2_000, Math.round(100_000 * Math.min(1, scale * 10)));
const PRODUCTS = Math.max(100, Math.round(SKUS / 50));
const CATEGORIES = 200;
const CUSTOMERS = 2_000;
const REGIONS = 10;
const DAYS = 3 * 365;
/** hz-dealer (the demo's C0001) gets this many orders: the "my orders" benchmark dealer. */
const BIG_DEALER_ORDERS = Math.max(20, Math.round(2_000 * scale));
const TZ_OFFSET_MS = 8 * 3600_000; // APP_TIMEZONE Asia/Shanghai, for document numbers

const target = process.env.DATABASE_URL
  ? parseDatabaseUrl(process.env.DATABASE_URL)
  : parseDatabaseUrl(`file:${option("out") ?? "./data/bench.db"}`);

// ---------------------------------------------------------------------------------------------
// A sink: multi-row inserts, in big transactions, on either engine.
interface Sink {
  exec(sql: string): Promise<void>;
  all<T>(sql: string): Promise<T[]>;
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

function sqliteSink(path: string): Sink {
  const db = new SQLite(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF"); // bulk load only; the app opens it with FULL
  db.pragma("cache_size = -400000");
  db.pragma("temp_store = MEMORY");
  db.pragma("foreign_keys = OFF");
  const statements = new Map<string, SQLite.Statement>();
  return {
    async exec(sql) {
      db.exec(sql);
    },
    async all<T>(sql: string) {
      return db.prepare(sql).all() as T[];
    },
    async insert(table, columns, rows) {
      const per = Math.max(1, Math.floor(30_000 / columns.length));
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        const key = `${table}:${columns.length}:${chunk.length}`;
        let stmt = statements.get(key);
        if (!stmt) {
          const one = `(${columns.map(() => "?").join(",")})`;
          stmt = db.prepare(
            `insert into ${table} (${columns.join(",")}) values ${Array(chunk.length).fill(one).join(",")}`,
          );
          statements.set(key, stmt);
        }
        stmt.run(chunk.flat());
      }
    },
    async close() {
      db.pragma("wal_checkpoint(TRUNCATE)");
      db.close();
    },
  };
}

async function postgresSink(url: string): Promise<Sink> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("set synchronous_commit = off");
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async all<T>(sql: string) {
      return (await client.query(sql)).rows as T[];
    },
    async insert(table, columns, rows) {
      const per = Math.max(1, Math.floor(60_000 / columns.length));
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        let n = 0;
        const values = chunk.map(() => `(${columns.map(() => `$${++n}`).join(",")})`).join(",");
        await client.query(`insert into ${table} (${columns.join(",")}) values ${values}`, chunk.flat());
      }
    },
    async close() {
      await client.end();
    },
  };
}

/** Buffers rows per table and writes them in big multi-row batches. */
class Writer {
  private buffers = new Map<string, { columns: string[]; rows: unknown[][] }>();
  rows = 0;
  constructor(private sink: Sink) {
    // Written in this order, parents first: PostgreSQL checks foreign keys on every statement.
    for (const table of [
      "categories",
      "products",
      "skus",
      "accounts",
      "customers",
      "orders",
      "order_lines",
      "order_events",
      "order_reservations",
      "fund_ledger",
      "returns",
      "return_lines",
      "return_events",
      "stock",
      "stock_movements",
      "fund_balances",
    ]) {
      this.buffers.set(table, { columns: [], rows: [] });
    }
  }
  add(table: string, columns: string[], row: unknown[]) {
    let b = this.buffers.get(table);
    if (!b) {
      b = { columns, rows: [] };
      this.buffers.set(table, b);
    }
    b.columns = columns;
    b.rows.push(row);
    this.rows++;
  }
  async flush() {
    for (const [table, b] of this.buffers) {
      if (b.rows.length) await this.sink.insert(table, b.columns, b.rows);
      b.rows = [];
    }
  }
  pending() {
    let n = 0;
    for (const b of this.buffers.values()) n += b.rows.length;
    return n;
  }
}

// Deterministic random numbers, so two runs build the same database.
let seed = 0x9e3779b9;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const started = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

// ---------------------------------------------------------------------------------------------
// 1. Schema and the demo data (logins, roles, settings, a warehouse).
if (target.dialect === "sqlite" && existsSync(target.url)) {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${target.url}${suffix}`, { force: true });
}
{
  const database = openDatabase(target);
  await migrateToLatest(database.db);
  if (target.dialect === "postgres") {
    const has = await database.db.selectFrom("orders").select("id").limit(1).executeTakeFirst();
    if (has) {
      await database.close();
      throw new Error("The PostgreSQL database already holds orders: point DATABASE_URL at an empty database.");
    }
  }
  const now = new Date();
  await seedDemo(database.db, now);
  await database.close();
  log(`demo data in ${database.location}`);
}

const sink = target.dialect === "sqlite" ? sqliteSink(target.url) : await postgresSink(target.url);
const w = new Writer(sink);
const maxId = async (table: string) =>
  Number((await sink.all<{ m: number | null }>(`select max(id) as m from ${table}`))[0]!.m ?? 0);
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

await sink.exec("begin");

// 2. Regions up to 10, categories, products and SKUs with stock.
const regionRows = await sink.all<{ id: number }>("select id from regions order by id");
for (let r = regionRows.length; r < REGIONS; r++) {
  const id = (await maxId("regions")) + 1;
  await sink.insert("regions", ["id", "code", "name", "created_at"], [[id, `bench${r}`, `区域${r + 1}`, iso(now)]]);
  regionRows.push({ id });
}
const regionIds = regionRows.map((r) => r.id);

const catBase = await maxId("categories");
for (let c = 1; c <= CATEGORIES; c++) {
  const parent = c <= 20 ? null : catBase + ((c - 1) % 20) + 1;
  w.add(
    "categories",
    ["id", "parent_id", "name", "position", "created_at"],
    [catBase + c, parent, `类目${c}`, c, iso(now)],
  );
}
const NOUNS = [
  "洗衣液",
  "牙膏",
  "纸巾",
  "酱油",
  "食用油",
  "矿泉水",
  "饼干",
  "方便面",
  "洗发水",
  "沐浴露",
  "大米",
  "茶叶",
];
const BRANDS = ["蓝月", "白猫", "心相印", "海天", "金龙鱼", "农夫", "康师傅", "统一", "立白", "清风"];
const prodBase = await maxId("products");
const skuBase = await maxId("skus");
const warehouse = (await sink.all<{ id: number }>("select id from warehouses order by id limit 1"))[0]!.id;
interface Sku {
  id: number;
  code: string;
  name: string;
  spec: string;
  price: number;
}
const skus: Sku[] = [];
const movBase = await maxId("stock_movements");
let movId = movBase;
const skusPerProduct = Math.round(SKUS / PRODUCTS);
for (let p = 1; p <= PRODUCTS; p++) {
  const id = prodBase + p;
  const name = `${pick(BRANDS)}${pick(NOUNS)} ${p}号`;
  const codes: string[] = [];
  for (let s = 1; s <= skusPerProduct; s++) {
    const skuId = skuBase + (p - 1) * skusPerProduct + s;
    const code = `B${String(p).padStart(5, "0")}-${String(s).padStart(2, "0")}`;
    codes.push(code.toLowerCase());
    const price = int(50, 5000) * 10;
    const spec = `规格:${s * 100}g`;
    skus.push({ id: skuId, code, name, spec, price });
    w.add(
      "skus",
      [
        "id",
        "product_id",
        "code",
        "barcode",
        "spec",
        "unit",
        "base_price",
        "retail_price",
        "position",
        "created_at",
        "updated_at",
      ],
      [
        skuId,
        id,
        code,
        `69${String(skuId).padStart(11, "0")}`,
        spec,
        "件",
        price,
        Math.round(price * 1.3),
        s,
        iso(now),
        iso(now),
      ],
    );
  }
  w.add(
    "products",
    ["id", "category_id", "name", "description", "tags", "search_text", "created_at", "updated_at"],
    [
      id,
      catBase + 21 + ((p - 1) % (CATEGORIES - 20)),
      name,
      `${name}，经销商常备。`,
      p % 7 === 0 ? "hot" : "",
      `${name.toLowerCase()} ${codes.join(" ")}`,
      iso(now),
      iso(now),
    ],
  );
  if (w.pending() > 50_000) await w.flush();
}
await w.flush();
log(`${CATEGORIES} categories, ${PRODUCTS} products, ${skus.length} SKUs`);

// 3. Customers (accounts share the demo dealers' password hash: demo1234).
const hash = (await sink.all<{ h: string }>("select password_hash as h from accounts where username = 'hz-dealer'"))[0]!
  .h;
const staff = (
  await sink.all<{ id: number; n: string }>("select id, display_name as n from accounts where username = 'admin'")
)[0]!;
interface Customer {
  id: number;
  region: number;
  account: number;
  address: string;
  prepaid: number;
  ledgerRows: number;
}
const customers: Customer[] = (
  await sink.all<{ id: number; region_id: number; account_id: number; name: string }>(
    "select id, region_id, account_id, name from customers order by id",
  )
).map((c) => ({ id: c.id, region: c.region_id, account: c.account_id, address: "", prepaid: 0, ledgerRows: 0 }));
// Demo customers may hold a balance already: their bench rows continue its running sum.
const existingFunds = new Map(
  (await sink.all<{ customer_id: number; prepaid: number }>("select customer_id, prepaid from fund_balances")).map(
    (r) => [r.customer_id, Number(r.prepaid)],
  ),
);
for (const c of customers) c.prepaid = existingFunds.get(c.id) ?? 0;
const accBase = await maxId("accounts");
const custBase = await maxId("customers");
const levelIds = (await sink.all<{ id: number }>("select id from customer_levels order by id")).map((r) => r.id);
for (let c = customers.length + 1; c <= CUSTOMERS; c++) {
  const account = accBase + c;
  const id = custBase + c;
  const region = regionIds[c % regionIds.length]!;
  w.add(
    "accounts",
    ["id", "username", "password_hash", "kind", "display_name", "created_at", "updated_at"],
    [account, `bench-dealer-${c}`, hash, "customer", `经销商${c}`, iso(now), iso(now)],
  );
  w.add(
    "customers",
    [
      "id",
      "code",
      "name",
      "level_id",
      "region_id",
      "contact_name",
      "phone",
      "address",
      "account_id",
      "created_at",
      "updated_at",
    ],
    [
      id,
      `B${String(c).padStart(5, "0")}`,
      `经销商${c}商贸有限公司`,
      pick(levelIds),
      region,
      `联系人${c}`,
      `138${String(c).padStart(8, "0")}`,
      `测试路 ${c} 号`,
      account,
      iso(now),
      iso(now),
    ],
  );
  customers.push({ id, region, account, address: `测试路 ${c} 号`, prepaid: 0, ledgerRows: 0 });
}
await w.flush();
for (const c of customers) {
  c.address = JSON.stringify({ contactName: "联系人", phone: "13800000000", address: c.address || "测试路 1 号" });
}
const bigDealer = customers[0]!; // hz-dealer, C0001
log(`${customers.length} customers in ${regionIds.length} regions`);

// 4. Orders, lines, events, reservations, payments and returns, in time order.
const seqRows = await sink.all<{ key: string; last: number }>("select key, last from number_sequences");
const sequences = new Map(seqRows.map((r) => [r.key, Number(r.last)]));
const nextNumber = (prefix: string, ms: number) => {
  const day = new Date(ms + TZ_OFFSET_MS).toISOString().slice(0, 10).replaceAll("-", "");
  const key = `${prefix}${day}`;
  const n = (sequences.get(key) ?? 0) + 1;
  sequences.set(key, n);
  return `${key}-${String(n).padStart(4, "0")}`;
};

const STEPS = [
  "pending_order_review",
  "pending_finance_review",
  "pending_outbound_review",
  "pending_shipment",
  "pending_receipt",
  "completed",
];
const RECENT_MIX: [string, number][] = [
  ["pending_order_review", 20],
  ["sent_back", 4],
  ["pending_finance_review", 14],
  ["pending_outbound_review", 14],
  ["pending_shipment", 14],
  ["pending_receipt", 18],
  ["completed", 10],
  ["cancelled", 6],
];
const recentTotal = RECENT_MIX.reduce((s, [, n]) => s + n, 0);
const statusFor = (ageDays: number): string => {
  if (ageDays > 14) return rand() < 0.93 ? "completed" : "cancelled";
  let r = rand() * recentTotal;
  for (const [s, n] of RECENT_MIX) {
    r -= n;
    if (r < 0) return s;
  }
  return "completed";
};

const ORDER_COLS = [
  "id",
  "number",
  "customer_id",
  "region_id",
  "status",
  "version",
  "idempotency_key",
  "request_hash",
  "address_json",
  "goods_amount",
  "freight",
  "discount",
  "payable",
  "warehouse_id",
  "placed_by_account_id",
  "reserved",
  "paid_amount",
  "payment_method",
  "shipped_at",
  "completed_at",
  "created_at",
  "updated_at",
];
const LINE_COLS = [
  "id",
  "order_id",
  "sku_id",
  "sku_code",
  "product_name",
  "spec",
  "unit",
  "quantity",
  "unit_price",
  "amount",
  "position",
];
const EVENT_COLS = [
  "id",
  "order_id",
  "at",
  "actor_account_id",
  "actor_name",
  "actor_kind",
  "action",
  "from_status",
  "to_status",
];
const REVENT_COLS = ["id", "return_id", ...EVENT_COLS.slice(2)];
const LEDGER_COLS = [
  "id",
  "customer_id",
  "account",
  "kind",
  "amount",
  "balance_after",
  "method",
  "reference",
  "business_date",
  "order_id",
  "actor_account_id",
  "actor_name",
  "created_at",
];
const RETURN_COLS = [
  "id",
  "number",
  "order_id",
  "customer_id",
  "region_id",
  "status",
  "idempotency_key",
  "request_hash",
  "reject_reason",
  "warehouse_id",
  "received_at",
  "refund_amount",
  "refunded_at",
  "created_by_account_id",
  "created_by_name",
  "created_at",
  "updated_at",
];
const RLINE_COLS = [
  "id",
  "return_id",
  "order_line_id",
  "sku_id",
  "sku_code",
  "product_name",
  "requested_qty",
  "approved_qty",
  "received_qty",
  "disposition",
  "reason",
  "unit_paid",
  "refund_amount",
  "position",
];

let orderId = await maxId("orders");
let lineId = await maxId("order_lines");
let eventId = await maxId("order_events");
let ledgerId = await maxId("fund_ledger");
let returnId = await maxId("returns");
let rlineId = await maxId("return_lines");
let reventId = await maxId("return_events");
const counters = new Map<string, number>(); // pipeline|status|region → count
const bump = (pipeline: string, status: string, region: number) => {
  const k = `${pipeline}|${status}|${region}`;
  counters.set(k, (counters.get(k) ?? 0) + 1);
};
const reservedBySku = new Map<number, number>();
let ledgerRows = 0;
let returnsMade = 0;
const PAY_SHARE = 0.45; // share of paid orders settled from prepaid in the ledger (the rest: "auto", historical)
// The last two weeks hold the same orders whatever the history's size: a supplier's open queues
// follow its current trade, not its years. With 1 M orders that is the even spread; a small seed
// (the 10 000-order one the console pages are compared with) puts half its orders there, so its
// queues fill a page as the big one's do and the two differ in history only.
const RECENT_DAYS = 14;
const RECENT_ORDERS = Math.min(Math.floor(ORDERS / 2), Math.round((1_000_000 * RECENT_DAYS) / DAYS));
const recentStart = now - RECENT_DAYS * 86_400_000;
const start = now - DAYS * 86_400_000;
const olderStep = (recentStart - start) / (ORDERS - RECENT_ORDERS);
const recentStep = (now - recentStart) / RECENT_ORDERS;
const createdAt = (i: number) =>
  i < ORDERS - RECENT_ORDERS
    ? start + i * olderStep + rand() * olderStep
    : recentStart + (i - (ORDERS - RECENT_ORDERS)) * recentStep + rand() * recentStep;
const bigEvery = ORDERS / BIG_DEALER_ORDERS;
const others = customers.slice(1);
const ledger = (
  c: Customer,
  kind: string,
  amount: number,
  orderRef: number | null,
  at: number,
  method: string | null,
) => {
  c.prepaid += amount;
  c.ledgerRows++;
  ledgerRows++;
  w.add("fund_ledger", LEDGER_COLS, [
    ++ledgerId,
    c.id,
    "prepaid",
    kind,
    amount,
    c.prepaid,
    method,
    kind === "recharge" ? `BANK${ledgerId}` : "",
    iso(at).slice(0, 10),
    orderRef,
    staff.id,
    staff.n,
    iso(at),
  ]);
};

for (let i = 0; i < ORDERS; i++) {
  const created = Math.floor(createdAt(i));
  const ageDays = (now - created) / 86_400_000;
  const customer = i % bigEvery < 1 ? bigDealer : others[Math.floor(rand() * others.length)]!;
  const status = statusFor(ageDays);
  const id = ++orderId;
  const n = int(1, 10);
  const first = Math.floor(rand() * (skus.length - 10));
  let goods = 0;
  const lines: { id: number; sku: Sku; qty: number; amount: number }[] = [];
  for (let l = 0; l < n; l++) {
    const sku = skus[first + l]!; // adjacent SKUs: distinct within the order
    const qty = int(1, 20);
    const amount = qty * sku.price;
    goods += amount;
    const lid = ++lineId;
    lines.push({ id: lid, sku, qty, amount });
    w.add("order_lines", LINE_COLS, [
      lid,
      id,
      sku.id,
      sku.code,
      sku.name,
      sku.spec,
      "件",
      qty,
      sku.price,
      amount,
      l + 1,
    ]);
  }
  const stepIndex = STEPS.indexOf(status); // -1 for sent_back / cancelled
  const paid = stepIndex >= 2;
  const reserved = status === "pending_finance_review" || status === "pending_outbound_review";
  let t = created;
  const later = () => {
    t = Math.min(now, t + int(600_000, 2 * 86_400_000) * Math.min(1, ageDays / 14 + 0.05));
    return t;
  };
  w.add("order_events", EVENT_COLS, [
    ++eventId,
    id,
    iso(created),
    customer.account,
    "经销商",
    "customer",
    "submit",
    null,
    STEPS[0],
  ]);
  let method: string | null = null;
  let shippedAt: string | null = null;
  let completedAt: string | null = null;
  if (status === "sent_back" || status === "cancelled") {
    const at = later();
    const action = status === "sent_back" ? "send_back" : rand() < 0.5 ? "cancel" : "void";
    const actor = action === "cancel" ? customer.account : staff.id;
    w.add("order_events", EVENT_COLS, [
      ++eventId,
      id,
      iso(at),
      actor,
      action === "cancel" ? "经销商" : staff.n,
      action === "cancel" ? "customer" : "staff",
      action,
      STEPS[0],
      status,
    ]);
  } else {
    for (let s = 1; s <= stepIndex; s++) {
      const at = later();
      const byCustomer = s === 5;
      w.add("order_events", EVENT_COLS, [
        ++eventId,
        id,
        iso(at),
        byCustomer ? customer.account : staff.id,
        byCustomer ? "经销商" : staff.n,
        byCustomer ? "customer" : "staff",
        byCustomer ? "confirm_receipt" : "approve",
        STEPS[s - 1],
        STEPS[s],
      ]);
      if (s === 2) {
        if (rand() < PAY_SHARE) {
          if (customer.prepaid < goods) ledger(customer, "recharge", goods * int(3, 6), null, at, "bank");
          ledger(customer, "order_payment", -goods, id, at, null);
          method = "prepaid";
        } else method = "auto";
      }
      if (s === 4) shippedAt = iso(at);
      if (s === 5) completedAt = iso(at);
    }
  }
  if (reserved) {
    for (const l of lines) {
      w.add("order_reservations", ["order_id", "sku_id", "warehouse_id", "quantity"], [id, l.sku.id, warehouse, l.qty]);
      reservedBySku.set(l.sku.id, (reservedBySku.get(l.sku.id) ?? 0) + l.qty);
    }
  }
  bump("orders", status, customer.region);
  w.add("orders", ORDER_COLS, [
    id,
    nextNumber("DH", created),
    customer.id,
    customer.region,
    status,
    1 + Math.max(0, stepIndex),
    `bench-${id}`,
    `h${id}`,
    customer.address,
    goods,
    0,
    0,
    goods,
    warehouse,
    customer.account,
    reserved ? 1 : 0,
    paid ? goods : 0,
    paid ? method : null,
    shippedAt,
    completedAt,
    iso(created),
    iso(t),
  ]);

  // Returns: about 1 % of completed orders.
  if (status === "completed" && rand() < 0.01) {
    const rAt = Math.min(now, t + int(1, 5) * 86_400_000);
    const rAge = (now - rAt) / 86_400_000;
    const rStatus =
      rAge < 14
        ? pick([
            "pending_return_review",
            "pending_return_shipment",
            "pending_inbound_review",
            "pending_refund_review",
            "completed",
          ])
        : pick(["completed", "completed", "completed", "rejected", "cancelled"]);
    const rid = ++returnId;
    const line = lines[0]!;
    const qty = Math.max(1, Math.floor(line.qty / 2));
    const refund = qty * line.sku.price;
    const done = rStatus === "completed";
    w.add("returns", RETURN_COLS, [
      rid,
      nextNumber("TH", rAt),
      id,
      customer.id,
      customer.region,
      rStatus,
      `bench-r${rid}`,
      `h${rid}`,
      rStatus === "rejected" ? "超出退货期" : "",
      done ? warehouse : null,
      done ? iso(rAt) : null,
      done ? refund : null,
      done ? iso(rAt) : null,
      customer.account,
      "经销商",
      iso(rAt),
      iso(rAt),
    ]);
    w.add("return_lines", RLINE_COLS, [
      ++rlineId,
      rid,
      line.id,
      line.sku.id,
      line.sku.code,
      line.sku.name,
      qty,
      done ? qty : null,
      done ? qty : null,
      done ? "scrap" : null,
      "quality",
      line.sku.price,
      done ? refund : null,
      1,
    ]);
    w.add("return_events", REVENT_COLS, [
      ++reventId,
      rid,
      iso(rAt),
      customer.account,
      "经销商",
      "customer",
      "submit",
      null,
      "pending_return_review",
    ]);
    if (rStatus !== "pending_return_review") {
      w.add("return_events", REVENT_COLS, [
        ++reventId,
        rid,
        iso(rAt),
        staff.id,
        staff.n,
        "staff",
        rStatus === "rejected" ? "reject" : "approve",
        "pending_return_review",
        rStatus,
      ]);
    }
    if (done && method === "prepaid") ledger(customer, "refund", refund, id, rAt, null);
    bump("returns", rStatus, customer.region);
    returnsMade++;
  }

  if (w.pending() >= 200_000) {
    await w.flush();
    await sink.exec("commit");
    await sink.exec("begin");
  }
  if ((i + 1) % 100_000 === 0 || i + 1 === ORDERS) {
    log(
      `orders ${(i + 1).toLocaleString("en")} / ${ORDERS.toLocaleString("en")}, ledger rows ${ledgerRows.toLocaleString("en")}`,
    );
  }
}
await w.flush();

// 5. Maintained values: stock (one initial movement each, reserved = Σ reservations),
//    fund balances, queue counters, number sequences.
for (const sku of skus) {
  const onHand = 100_000;
  w.add(
    "stock",
    ["sku_id", "warehouse_id", "on_hand", "reserved"],
    [sku.id, warehouse, onHand, reservedBySku.get(sku.id) ?? 0],
  );
  w.add(
    "stock_movements",
    ["id", "sku_id", "warehouse_id", "kind", "delta", "on_hand_after", "reason", "actor_account_id", "at"],
    [++movId, sku.id, warehouse, "initial", onHand, onHand, "期初", staff.id, iso(start)],
  );
}
for (const c of customers) {
  if (!c.ledgerRows) continue;
  if (existingFunds.has(c.id)) {
    await sink.exec(`update fund_balances set prepaid = ${c.prepaid} where customer_id = ${c.id}`);
  } else {
    w.add("fund_balances", ["customer_id", "prepaid", "updated_at"], [c.id, c.prepaid, iso(now)]);
  }
}
await w.flush();
for (const [k, count] of counters) {
  const [pipeline, status, region] = k.split("|");
  await sink.exec(
    `insert into queue_counters (pipeline, status, region_id, count) values ('${pipeline}', '${status}', ${region}, ${count})
     on conflict (pipeline, status, region_id) do update set count = queue_counters.count + excluded.count`,
  );
}
for (const [key, last] of sequences) {
  await sink.exec(
    `insert into number_sequences (key, last) values ('${key}', ${last}) on conflict (key) do update set last = excluded.last`,
  );
}
await sink.exec("commit");
log(`${returnsMade.toLocaleString("en")} returns, ${ledgerRows.toLocaleString("en")} ledger rows; analysing`);

if (target.dialect === "postgres") {
  for (const table of [
    "regions",
    "categories",
    "products",
    "skus",
    "stock_movements",
    "accounts",
    "customers",
    "orders",
    "order_lines",
    "order_events",
    "fund_ledger",
    "returns",
    "return_lines",
    "return_events",
  ]) {
    await sink.exec(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
  }
  await sink.exec("analyze");
  const size = await sink.all<{ s: string }>("select pg_size_pretty(pg_database_size(current_database())) as s");
  await sink.close();
  log(`done: ${ORDERS.toLocaleString("en")} orders, database size ${size[0]!.s}`);
} else {
  await sink.exec("analyze");
  await sink.close();
  const bytes = statSync(resolve(target.url)).size;
  log(`done: ${ORDERS.toLocaleString("en")} orders in ${target.url}, ${(bytes / 1024 / 1024).toFixed(0)} MB`);
}
