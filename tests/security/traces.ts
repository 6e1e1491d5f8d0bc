/**
 * "No trace of B": what would give another customer (or another region) away in a page, a
 * `.data` payload or an export — names, codes, contacts, document numbers, payment references
 * and the larger amounts, as shown (¥1,234.56) and as raw fen in `.data`.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";

export interface Trace {
  what: string;
  /** Matches the trace in a response body. */
  pattern: RegExp;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const text = (what: string, value: string): Trace => ({
  what: `${what} ${value}`,
  pattern: new RegExp(escapeRegExp(value)),
});

/** Amounts from ¥1,000 up and not round to ¥100: small or round ones could be anyone's (a price, a balance). */
function amount(what: string, fen: number): Trace[] {
  if (fen < 100_000 || fen % 10_000 === 0) return [];
  const shown = (fen / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return [
    { what: `${what} ¥${shown}`, pattern: new RegExp(`(?<![\\d,])${escapeRegExp(shown)}(?![\\d])`) },
    { what: `${what} ${fen} fen`, pattern: new RegExp(`(?<![\\d.])${fen}(?![\\d.])`) },
  ];
}

/** Every trace of these customers in the database now. */
export async function tracesOf(db: Kysely<DB>, customerIds: number[]): Promise<Trace[]> {
  if (!customerIds.length) return [];
  const customers = await db
    .selectFrom("customers")
    .select(["id", "code", "name", "contact_name", "phone"])
    .where("id", "in", customerIds)
    .execute();
  const orders = await db
    .selectFrom("orders")
    .select(["number", "payable"])
    .where("customer_id", "in", customerIds)
    .execute();
  const returns = await db.selectFrom("returns").select("number").where("customer_id", "in", customerIds).execute();
  const reports = await db
    .selectFrom("payment_reports")
    .select(["reference", "amount"])
    .where("customer_id", "in", customerIds)
    .execute();
  const out: Trace[] = [];
  for (const c of customers) {
    out.push(text("customer", c.name), text("customer code", c.code));
    if (c.contact_name) out.push(text("contact", c.contact_name));
    if (c.phone) out.push(text("phone", c.phone));
  }
  for (const o of orders) out.push(text("order", o.number), ...amount(`order ${o.number} payable`, Number(o.payable)));
  for (const r of returns) out.push(text("return", r.number));
  for (const r of reports) {
    if (r.reference) out.push(text("payment reference", r.reference));
    out.push(...amount("payment report", Number(r.amount)));
  }
  return out;
}

/**
 * The traces found in a body (empty: none). What the request itself named (`asked`: its address
 * and form, e.g. the number looked up or the code searched for) may be echoed back; nothing else.
 */
export function found(body: string, traces: readonly Trace[], asked = ""): string[] {
  const named = decodeURIComponent(asked);
  return traces.filter((t) => !t.pattern.test(named) && t.pattern.test(body)).map((t) => t.what);
}
