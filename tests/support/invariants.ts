// The money invariants of DOMAIN.md §7.3, checked against the database itself. Call
// `expectFundsInvariants(db)` in afterEach/afterAll of any test that moves money.
import type { Kysely } from "kysely";
import { expect } from "vitest";
import type { DB } from "../../db/schema";

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

/** Fails the test with every violation listed. */
export async function expectFundsInvariants(db: Kysely<DB>): Promise<void> {
  expect(await findFundsViolations(db), "money invariants (DOMAIN.md §7.3)").toEqual([]);
}
