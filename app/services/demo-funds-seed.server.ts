import type { Kysely } from "kysely";
import sharp from "sharp";
import type { DB } from "../../db/schema";
import type { PaymentMethod } from "../domain/funds";
import { PERMISSIONS } from "../domain/permissions";
import {
  adjustBalance,
  chargeToCredit,
  creditRebate,
  localDay,
  recordPayment,
  reverseEntry,
  setCreditLimit,
  submitPaymentReport,
} from "./funds.server";
import type { StaffActor } from "./staff-actor.server";

/** Demo money per dealer, in yuan; every dealer gets recharges, a rebate, a reversal and a pending report. */
const DEMO_FUNDS: Record<
  string,
  {
    creditLimit: number;
    deposit: number;
    recharges: Array<[daysAgo: number, yuan: number, method: PaymentMethod, reference: string]>;
    rebate: number;
    /** A recharge keyed in wrong, reversed (红冲), then recorded right. */
    mistyped: [wrong: number, right: number];
    credit?: [charge: number, repaid: number];
    deduction?: [yuan: number, reason: string];
    report: [yuan: number, method: PaymentMethod, reference: string];
  }
> = {
  C0001: {
    creditLimit: 100_000,
    deposit: 20_000,
    recharges: [
      [40, 50_000, "bank", "ICBC-20261018-0931"],
      [12, 30_000, "wechat", "WX4200002231"],
    ],
    rebate: 3_600,
    mistyped: [8_800, 880],
    credit: [12_000, 5_000],
    deduction: [150, "物流费代扣"],
    report: [15_000, "bank", "ICBC-20261126-1102"],
  },
  C0002: {
    creditLimit: 50_000,
    deposit: 10_000,
    recharges: [
      [35, 20_000, "bank", "BOC-20261023-2210"],
      [9, 15_000, "alipay", "ALI2026111800931"],
    ],
    rebate: 1_200,
    mistyped: [6_000, 600],
    report: [8_000, "alipay", "ALI2026112600117"],
  },
  C0003: {
    creditLimit: 80_000,
    deposit: 20_000,
    recharges: [
      [30, 40_000, "bank", "CCB-20261028-7781"],
      [5, 25_000, "bank", "CCB-20261122-0032"],
    ],
    rebate: 2_500,
    mistyped: [12_000, 1_200],
    credit: [20_000, 20_000],
    report: [10_000, "bank", "CCB-20261126-5521"],
  },
  C0004: {
    creditLimit: 0,
    deposit: 5_000,
    recharges: [[20, 8_000, "cash", "现金收据 0087"]],
    rebate: 300,
    mistyped: [3_000, 300],
    report: [2_000, "wechat", "WX4200009917"],
  },
  C0005: {
    creditLimit: 30_000,
    deposit: 10_000,
    recharges: [
      [25, 18_000, "bank", "ABC-20261102-4410"],
      [3, 6_000, "wechat", "WX4200012208"],
    ],
    rebate: 800,
    mistyped: [5_000, 500],
    credit: [8_000, 0],
    report: [6_000, "bank", "ABC-20261126-0904"],
  },
};

// The plan is in whole yuan.
const fen = (yuan: number) => yuan * 100;

/** A picture of a bank receipt (shapes only, so it needs no fonts). */
async function receiptPng(seed: number): Promise<Uint8Array> {
  const lines = Array.from(
    { length: 7 },
    (_, i) =>
      `<rect x="70" y="${170 + i * 48}" width="${260 + ((seed * 37 + i * 53) % 180)}" height="14" rx="7" fill="#cbd5e1"/>`,
  ).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><rect width="600" height="800" fill="#f8fafc"/><rect x="40" y="40" width="520" height="720" rx="16" fill="white" stroke="#94a3b8" stroke-width="3"/><rect x="70" y="80" width="220" height="36" rx="8" fill="hsl(${(seed * 47) % 360},55%,45%)"/>${lines}<circle cx="450" cy="620" r="70" fill="none" stroke="#dc2626" stroke-width="8" opacity="0.8"/><path d="M415 620 l25 25 l45 -55" fill="none" stroke="#dc2626" stroke-width="10" opacity="0.8"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/**
 * Gives each demo dealer balances and a history: deposit, recharges, a rebate, a recharge keyed in
 * wrong then reversed (红冲), a credit limit with some credit used, and one offline payment waiting
 * for finance. Idempotent: does nothing once any ledger row exists.
 */
export async function seedDemoFunds(db: Kysely<DB>, now: Date): Promise<string[]> {
  const existing = await db.selectFrom("fund_ledger").select("id").limit(1).executeTakeFirst();
  if (existing) return [];
  const finance = await db
    .selectFrom("accounts")
    .select(["id", "username"])
    .where("username", "=", "finance")
    .executeTakeFirst();
  const actor: StaffActor = {
    accountId: finance?.id ?? null,
    name: finance?.username ?? "seed",
    grant: { permissions: new Set(PERMISSIONS), regionIds: null },
  };
  const created: string[] = [];
  const customers = await db
    .selectFrom("customers as c")
    .innerJoin("accounts as a", "a.id", "c.account_id")
    .select(["c.id", "c.code", "a.id as accountId", "a.username"])
    .where("c.code", "in", Object.keys(DEMO_FUNDS))
    .orderBy("c.code")
    .execute();
  for (const [index, customer] of customers.entries()) {
    const plan = DEMO_FUNDS[customer.code]!;
    const at = (daysAgo: number, hour = 10) => {
      const d = new Date(now.getTime() - daysAgo * 86_400_000);
      d.setUTCHours(hour, 0, 0, 0);
      return d < now ? d : now;
    };
    const on = (daysAgo: number) => ({ businessDate: localDay(at(daysAgo)), when: at(daysAgo) });
    const must = <R extends { ok: boolean }>(result: R): R & { ok: true } => {
      if (!result.ok) throw new Error(`demo funds for ${customer.code}: ${JSON.stringify(result)}`);
      return result as R & { ok: true };
    };

    must(await setCreditLimit(db, actor, { customerId: customer.id, creditLimit: fen(plan.creditLimit) }, at(45)));
    const deposit = on(44);
    must(
      await recordPayment(
        db,
        actor,
        {
          customerId: customer.id,
          account: "deposit",
          amount: fen(plan.deposit),
          method: "bank",
          reference: `保证金-${customer.code}`,
          businessDate: deposit.businessDate,
          reason: "年度合作保证金",
        },
        deposit.when,
      ),
    );
    for (const [daysAgo, yuan, method, reference] of plan.recharges) {
      const day = on(daysAgo);
      must(
        await recordPayment(
          db,
          actor,
          {
            customerId: customer.id,
            account: "prepaid",
            amount: fen(yuan),
            method,
            reference,
            businessDate: day.businessDate,
          },
          day.when,
        ),
      );
    }
    const rebateDay = on(15);
    must(
      await creditRebate(
        db,
        actor,
        {
          customerId: customer.id,
          amount: fen(plan.rebate),
          reason: "第三季度销售返点",
          reference: `FD-2026Q3-${customer.code}`,
          businessDate: rebateDay.businessDate,
        },
        rebateDay.when,
      ),
    );
    const [wrong, right] = plan.mistyped;
    const wrongDay = on(7);
    const mistake = must(
      await recordPayment(
        db,
        actor,
        {
          customerId: customer.id,
          account: "prepaid",
          amount: fen(wrong),
          method: "bank",
          reference: `BANK-${customer.code}-0771`,
          businessDate: wrongDay.businessDate,
        },
        wrongDay.when,
      ),
    );
    const fixDay = on(6);
    must(
      await reverseEntry(
        db,
        actor,
        { customerId: customer.id, entryId: mistake.entryId, reason: "金额录错，多录一位" },
        fixDay.when,
      ),
    );
    must(
      await recordPayment(
        db,
        actor,
        {
          customerId: customer.id,
          account: "prepaid",
          amount: fen(right),
          method: "bank",
          reference: `BANK-${customer.code}-0771`,
          businessDate: wrongDay.businessDate,
          reason: "更正红冲的流水",
        },
        fixDay.when,
      ),
    );
    if (plan.credit) {
      const [charge, repaid] = plan.credit;
      const chargeDay = on(18);
      must(
        await chargeToCredit(
          db,
          actor,
          {
            customerId: customer.id,
            amount: fen(charge),
            reason: "展会样品挂账",
            reference: `SAMPLE-${customer.code}`,
            businessDate: chargeDay.businessDate,
          },
          chargeDay.when,
        ),
      );
      if (repaid > 0) {
        const repayDay = on(4);
        must(
          await recordPayment(
            db,
            actor,
            {
              customerId: customer.id,
              account: "receivable",
              amount: fen(repaid),
              method: "bank",
              reference: `REPAY-${customer.code}`,
              businessDate: repayDay.businessDate,
            },
            repayDay.when,
          ),
        );
      }
    }
    if (plan.deduction) {
      const day = on(2);
      must(
        await adjustBalance(
          db,
          actor,
          {
            customerId: customer.id,
            account: "prepaid",
            amount: -fen(plan.deduction[0]),
            reason: plan.deduction[1],
            businessDate: day.businessDate,
          },
          day.when,
        ),
      );
    }
    const [reportYuan, reportMethod, reportReference] = plan.report;
    const reportDay = on(1);
    must(
      await submitPaymentReport(
        db,
        { accountId: customer.accountId, name: customer.username },
        customer.id,
        {
          amount: fen(reportYuan),
          method: reportMethod,
          reference: reportReference,
          paidOn: reportDay.businessDate,
          note: "已转账，请查收",
          proof: await receiptPng(index + 1),
        },
        reportDay.when,
      ),
    );
    created.push(`funds ${customer.code}`);
  }
  return created;
}
