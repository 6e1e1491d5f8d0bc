// The database's health, checked against itself (RELIABILITY C6, DOMAIN.md §7): the engine's
// own integrity checks on SQLite, then every domain invariant on either engine. Used by
// `npm run db:check`, the crash test, the backup test and the restore drill.
import { type Kysely, sql } from "kysely";
import type { Dialect } from "../../db/client";
import type { DB } from "../../db/schema";
import { getSettings } from "./settings.server";

export interface DbViolation {
  /** Which check found it: integrity, foreign_keys, search_index, funds, stock, reservations, shipments, events, audit, queue_counters. */
  check: string;
  problem: string;
}

const ACCOUNTS = ["prepaid", "rebate", "deposit", "receivable"] as const;

export interface FundsViolation {
  customerId: number;
  problem: string;
}

/**
 * Every violation found: a balance that differs from the sum of its ledger, a running
 * balance_after that does not add up, a negative balance, a receivable above its limit without
 * an override, a non-integer amount, a row reversed twice or a reversal that is not the exact
 * negative of its row. Empty when all is well.
 */
export async function findFundsViolations(db: Kysely<DB>): Promise<FundsViolation[]> {
  const violations: FundsViolation[] = [];
  const balances = await db.selectFrom("fund_balances").selectAll().execute();
  const ledger = await db
    .selectFrom("fund_ledger")
    .select(["id", "customer_id", "account", "kind", "amount", "balance_after", "reversal_of"])
    .orderBy("id")
    .execute();

  const sums = new Map<string, number>();
  for (const row of ledger) {
    const amount = Number(row.amount);
    const after = Number(row.balance_after);
    if (!Number.isSafeInteger(amount) || !Number.isSafeInteger(after)) {
      violations.push({
        customerId: row.customer_id,
        problem: `row ${row.id}: amount or balance_after not integer fen`,
      });
    }
    const key = `${row.customer_id}:${row.account}`;
    const sum = (sums.get(key) ?? 0) + amount;
    sums.set(key, sum);
    if (sum !== after) {
      violations.push({
        customerId: row.customer_id,
        problem: `row ${row.id}: balance_after ${after} but Σ ${row.account} up to it is ${sum}`,
      });
    }
  }

  const byId = new Map(ledger.map((r) => [r.id, r]));
  const reversed = new Set<number>();
  for (const row of ledger) {
    if (row.reversal_of === null) continue;
    if (reversed.has(row.reversal_of)) {
      violations.push({ customerId: row.customer_id, problem: `row ${row.reversal_of} reversed more than once` });
    }
    reversed.add(row.reversal_of);
    const original = byId.get(row.reversal_of);
    if (
      !original ||
      original.customer_id !== row.customer_id ||
      original.account !== row.account ||
      Number(original.amount) !== -Number(row.amount)
    ) {
      violations.push({
        customerId: row.customer_id,
        problem: `reversal ${row.id} does not negate row ${row.reversal_of}`,
      });
    }
  }

  const seen = new Set<number>();
  for (const b of balances) {
    seen.add(b.customer_id);
    for (const account of ACCOUNTS) {
      const balance = Number(b[account]);
      const sum = sums.get(`${b.customer_id}:${account}`) ?? 0;
      if (!Number.isSafeInteger(balance)) {
        violations.push({ customerId: b.customer_id, problem: `${account} ${b[account]} is not integer fen` });
      }
      if (balance !== sum) {
        violations.push({ customerId: b.customer_id, problem: `${account} ${balance} ≠ Σ ledger ${sum}` });
      }
      if (balance < 0) violations.push({ customerId: b.customer_id, problem: `${account} ${balance} < 0` });
    }
    if (Number(b.receivable) > Number(b.credit_limit) && b.over_limit_reason === null) {
      violations.push({
        customerId: b.customer_id,
        problem: `receivable ${b.receivable} > limit ${b.credit_limit} without an override`,
      });
    }
  }
  // Ledger rows of a customer that has no balance row at all.
  for (const key of sums.keys()) {
    const customerId = Number(key.split(":")[0]);
    if (!seen.has(customerId)) {
      seen.add(customerId);
      violations.push({ customerId, problem: "ledger rows without a balance row" });
    }
  }

  const reports = await db
    .selectFrom("payment_reports as p")
    .leftJoin("fund_ledger as l", "l.payment_report_id", "p.id")
    .select(["p.id", "p.customer_id", "p.status", "p.amount", "l.id as entry_id", "l.amount as entry_amount"])
    .execute();
  for (const r of reports) {
    if (r.status === "confirmed" && (r.entry_id === null || Number(r.entry_amount) !== Number(r.amount))) {
      violations.push({ customerId: r.customer_id, problem: `confirmed report ${r.id} not credited exactly once` });
    }
    if (r.status !== "confirmed" && r.entry_id !== null) {
      violations.push({ customerId: r.customer_id, problem: `${r.status} report ${r.id} was credited` });
    }
  }
  return violations;
}

/** Order statuses whose goods have left the warehouse (ship_out ran). */
const SHIPPED_STATUSES = ["pending_shipment", "pending_receipt", "completed"];
/** Order statuses that may hold a reservation (after order review, before outbound). */
const RESERVING_STATUSES = ["pending_finance_review", "pending_outbound_review"];

async function sqliteIntegrity(db: Kysely<DB>): Promise<DbViolation[]> {
  const out: DbViolation[] = [];
  const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
  for (const row of integrity.rows) {
    if (row.integrity_check !== "ok") out.push({ check: "integrity", problem: row.integrity_check });
  }
  const fk = await sql<{ table: string; rowid: number | null; parent: string }>`pragma foreign_key_check`.execute(db);
  for (const row of fk.rows) {
    out.push({ check: "foreign_keys", problem: `${row.table} rowid ${row.rowid} → missing ${row.parent} row` });
  }
  // The product search's full-text index against the text it indexes (FTS5 compares every entry
  // with products.search_text and fails the statement on a difference; it writes nothing, but is
  // an INSERT, so a read-only connection — a backup being checked — cannot run it; there
  // integrity_check above has checked the index's own structure).
  try {
    await sql`insert into products_fts(products_fts, rank) values ('integrity-check', 1)`.execute(db);
  } catch (error) {
    if (error instanceof Error && /readonly database/.test(error.message)) return out;
    out.push({
      check: "search_index",
      problem: `products_fts does not match products.search_text (${error instanceof Error ? error.message : error}); rebuild it: insert into products_fts(products_fts) values ('rebuild')`,
    });
  }
  return out;
}

/** on_hand = Σ movements ≥ 0, each movement's on_hand_after adds up, 0 ≤ reserved ≤ on_hand. */
async function stockViolations(db: Kysely<DB>, allowOverselling: boolean): Promise<DbViolation[]> {
  const out: DbViolation[] = [];
  const stock = await db.selectFrom("stock").selectAll().execute();
  const movements = await db
    .selectFrom("stock_movements")
    .select(["id", "sku_id", "warehouse_id", "delta", "on_hand_after"])
    .orderBy("id")
    .execute();
  const sums = new Map<string, number>();
  for (const m of movements) {
    const key = `${m.sku_id}@${m.warehouse_id}`;
    const sum = (sums.get(key) ?? 0) + Number(m.delta);
    sums.set(key, sum);
    if (sum !== Number(m.on_hand_after)) {
      out.push({
        check: "stock",
        problem: `movement ${m.id}: on_hand_after ${m.on_hand_after} but Σ sku ${m.sku_id} @ warehouse ${m.warehouse_id} up to it is ${sum}`,
      });
    }
  }
  const seen = new Set<string>();
  for (const s of stock) {
    const key = `${s.sku_id}@${s.warehouse_id}`;
    seen.add(key);
    const onHand = Number(s.on_hand);
    const reserved = Number(s.reserved);
    const sum = sums.get(key) ?? 0;
    const where = `sku ${s.sku_id} @ warehouse ${s.warehouse_id}`;
    if (onHand !== sum) out.push({ check: "stock", problem: `${where}: on_hand ${onHand} ≠ Σ movements ${sum}` });
    if (onHand < 0) out.push({ check: "stock", problem: `${where}: on_hand ${onHand} < 0` });
    if (reserved < 0) out.push({ check: "stock", problem: `${where}: reserved ${reserved} < 0` });
    if (reserved > onHand && !allowOverselling)
      out.push({ check: "stock", problem: `${where}: reserved ${reserved} > on_hand ${onHand}` });
  }
  for (const [key, sum] of sums) {
    if (!seen.has(key) && sum !== 0) out.push({ check: "stock", problem: `movements of ${key} without a stock row` });
  }
  return out;
}

/** stock.reserved = Σ reservations; an order holds reservations iff it is marked reserved and still open. */
async function reservationViolations(db: Kysely<DB>): Promise<DbViolation[]> {
  const out: DbViolation[] = [];
  const stock = await db.selectFrom("stock").select(["sku_id", "warehouse_id", "reserved"]).execute();
  const reservations = await db.selectFrom("order_reservations").selectAll().execute();
  const sums = new Map<string, number>();
  const byOrder = new Map<number, Map<number, number>>();
  for (const r of reservations) {
    const key = `${r.sku_id}@${r.warehouse_id}`;
    sums.set(key, (sums.get(key) ?? 0) + Number(r.quantity));
    const lines = byOrder.get(r.order_id) ?? new Map<number, number>();
    lines.set(r.sku_id, (lines.get(r.sku_id) ?? 0) + Number(r.quantity));
    byOrder.set(r.order_id, lines);
  }
  const seen = new Set<string>();
  for (const s of stock) {
    const key = `${s.sku_id}@${s.warehouse_id}`;
    seen.add(key);
    const sum = sums.get(key) ?? 0;
    if (Number(s.reserved) !== sum)
      out.push({
        check: "reservations",
        problem: `sku ${s.sku_id} @ warehouse ${s.warehouse_id}: reserved ${s.reserved} ≠ Σ open orders' reservations ${sum}`,
      });
  }
  for (const key of sums.keys()) {
    if (!seen.has(key)) out.push({ check: "reservations", problem: `reservations of ${key} without a stock row` });
  }
  const orders = await db.selectFrom("orders").select(["id", "number", "status", "reserved"]).execute();
  const lines = await db.selectFrom("order_lines").select(["order_id", "sku_id", "quantity"]).execute();
  const needed = new Map<number, Map<number, number>>();
  for (const l of lines) {
    const m = needed.get(l.order_id) ?? new Map<number, number>();
    m.set(l.sku_id, (m.get(l.sku_id) ?? 0) + Number(l.quantity));
    needed.set(l.order_id, m);
  }
  for (const o of orders) {
    const held = byOrder.get(o.id);
    if (Number(o.reserved) === 1) {
      if (!RESERVING_STATUSES.includes(o.status) && o.status !== "pending_order_review")
        out.push({ check: "reservations", problem: `order ${o.number} is ${o.status} but still marked reserved` });
      const want = needed.get(o.id) ?? new Map<number, number>();
      for (const [sku, qty] of want) {
        if ((held?.get(sku) ?? 0) !== qty)
          out.push({
            check: "reservations",
            problem: `order ${o.number}: sku ${sku} needs ${qty} reserved, holds ${held?.get(sku) ?? 0}`,
          });
      }
    } else if (held) {
      out.push({ check: "reservations", problem: `order ${o.number} holds reservations but is not marked reserved` });
    }
  }
  return out;
}

/** An order whose goods left has outbound movements for exactly its lines; one that didn't has none. */
async function shipmentViolations(db: Kysely<DB>): Promise<DbViolation[]> {
  const out: DbViolation[] = [];
  const orders = await db.selectFrom("orders").select(["id", "number", "status"]).execute();
  const lines = await db.selectFrom("order_lines").select(["order_id", "sku_id", "quantity"]).execute();
  const outbound = await db
    .selectFrom("stock_movements")
    .select(["ref_id", "sku_id", "delta"])
    .where("kind", "=", "outbound")
    .where("ref_type", "=", "order")
    .execute();
  const moved = new Map<string, Map<number, number>>();
  for (const m of outbound) {
    const k = m.ref_id ?? "";
    const per = moved.get(k) ?? new Map<number, number>();
    per.set(m.sku_id, (per.get(m.sku_id) ?? 0) - Number(m.delta));
    moved.set(k, per);
  }
  const needed = new Map<number, Map<number, number>>();
  for (const l of lines) {
    const m = needed.get(l.order_id) ?? new Map<number, number>();
    m.set(l.sku_id, (m.get(l.sku_id) ?? 0) + Number(l.quantity));
    needed.set(l.order_id, m);
  }
  for (const o of orders) {
    const got = moved.get(o.number);
    if (SHIPPED_STATUSES.includes(o.status)) {
      for (const [sku, qty] of needed.get(o.id) ?? []) {
        if ((got?.get(sku) ?? 0) !== qty)
          out.push({
            check: "shipments",
            problem: `order ${o.number} (${o.status}): sku ${sku} shipped ${got?.get(sku) ?? 0} of ${qty}`,
          });
      }
    } else if (got && o.status !== "cancelled") {
      out.push({ check: "shipments", problem: `order ${o.number} (${o.status}) has outbound movements` });
    }
  }
  return out;
}

type EventRow = { owner: number; from_status: string | null; to_status: string; action: string };

/** The timeline is one unbroken chain from submission to the document's current status. */
function chainViolations(
  kind: "order" | "return",
  docs: { id: number; number: string; status: string }[],
  events: EventRow[],
): DbViolation[] {
  const out: DbViolation[] = [];
  const byDoc = new Map<number, EventRow[]>();
  for (const e of events) byDoc.set(e.owner, [...(byDoc.get(e.owner) ?? []), e]);
  for (const d of docs) {
    const chain = byDoc.get(d.id) ?? [];
    if (chain.length === 0) {
      out.push({ check: "events", problem: `${kind} ${d.number} (${d.status}) has no events` });
      continue;
    }
    for (let i = 1; i < chain.length; i++) {
      // Non-transition entries (notes, amendments) keep the status: from = to.
      if (chain[i]!.from_status !== chain[i - 1]!.to_status)
        out.push({
          check: "events",
          problem: `${kind} ${d.number}: event "${chain[i]!.action}" starts from ${chain[i]!.from_status}, previous ended at ${chain[i - 1]!.to_status}`,
        });
    }
    const last = chain[chain.length - 1]!;
    if (last.to_status !== d.status)
      out.push({
        check: "events",
        problem: `${kind} ${d.number} is ${d.status} but its last event ends at ${last.to_status}`,
      });
  }
  return out;
}

async function eventViolations(db: Kysely<DB>): Promise<DbViolation[]> {
  const orders = await db.selectFrom("orders").select(["id", "number", "status"]).execute();
  const orderEvents = await db
    .selectFrom("order_events")
    .select(["order_id as owner", "from_status", "to_status", "action"])
    .orderBy("id")
    .execute();
  const returns = await db.selectFrom("returns").select(["id", "number", "status"]).execute();
  const returnEvents = await db
    .selectFrom("return_events")
    .select(["return_id as owner", "from_status", "to_status", "action"])
    .orderBy("id")
    .execute();
  return [...chainViolations("order", orders, orderEvents), ...chainViolations("return", returns, returnEvents)];
}

/** Every status change a person made left an audit row on the document (E1). */
async function auditViolations(db: Kysely<DB>): Promise<DbViolation[]> {
  const out: DbViolation[] = [];
  for (const [kind, docTable, eventTable, key] of [
    ["order", "orders", "order_events", "order_id"],
    ["return", "returns", "return_events", "return_id"],
  ] as const) {
    const transitions = await db
      .selectFrom(`${eventTable} as e` as "order_events as e")
      .innerJoin(`${docTable} as d` as "orders as d", "d.id", `e.${key}` as "e.order_id")
      .select(["d.number", sql<number>`count(*)`.as("n")])
      .where("e.actor_kind", "!=", "system")
      .whereRef("e.from_status", "is distinct from", "e.to_status")
      .groupBy("d.number")
      .execute();
    const audits = await db
      .selectFrom("audit_log")
      .select(["object_id", sql<number>`count(*)`.as("n")])
      .where("object_type", "=", kind)
      .groupBy("object_id")
      .execute();
    const audited = new Map(audits.map((a) => [a.object_id, Number(a.n)]));
    for (const t of transitions) {
      if ((audited.get(t.number) ?? 0) < Number(t.n))
        out.push({
          check: "audit",
          problem: `${kind} ${t.number}: ${t.n} transitions by people but ${audited.get(t.number) ?? 0} audit rows`,
        });
    }
  }
  return out;
}

/** queue_counters hold exactly the number of documents per (pipeline, status, region). */
async function counterViolations(db: Kysely<DB>): Promise<DbViolation[]> {
  const out: DbViolation[] = [];
  const counters = await db.selectFrom("queue_counters").selectAll().execute();
  const actual = new Map<string, number>();
  for (const [pipeline, table] of [
    ["orders", "orders"],
    ["returns", "returns"],
  ] as const) {
    const rows = await db
      .selectFrom(table as "orders")
      .select(["status", "region_id", sql<number>`count(*)`.as("n")])
      .groupBy(["status", "region_id"])
      .execute();
    for (const r of rows) actual.set(`${pipeline}/${r.status}/${r.region_id}`, Number(r.n));
  }
  const seen = new Set<string>();
  for (const c of counters) {
    const key = `${c.pipeline}/${c.status}/${c.region_id}`;
    seen.add(key);
    const real = actual.get(key) ?? 0;
    if (Number(c.count) !== real)
      out.push({ check: "queue_counters", problem: `${key}: counter ${c.count} ≠ ${real} documents` });
  }
  for (const [key, n] of actual) {
    if (!seen.has(key)) out.push({ check: "queue_counters", problem: `${key}: ${n} documents but no counter` });
  }
  return out;
}

/**
 * Every problem found, empty when the database is sound. On SQLite it starts with
 * `integrity_check` and `foreign_key_check`; the domain checks run on both engines.
 */
export async function checkDatabase(db: Kysely<DB>, dialect: Dialect): Promise<DbViolation[]> {
  const out: DbViolation[] = [];
  if (dialect === "sqlite") {
    out.push(...(await sqliteIntegrity(db)));
    // A damaged file can't be trusted to answer the domain checks.
    if (out.some((v) => v.check === "integrity")) return out;
  }
  const settings = await getSettings(db);
  for (const v of await findFundsViolations(db))
    out.push({ check: "funds", problem: `customer ${v.customerId}: ${v.problem}` });
  out.push(...(await stockViolations(db, settings.allowOverselling)));
  out.push(...(await reservationViolations(db)));
  out.push(...(await shipmentViolations(db)));
  out.push(...(await eventViolations(db)));
  out.push(...(await auditViolations(db)));
  out.push(...(await counterViolations(db)));
  return out;
}
