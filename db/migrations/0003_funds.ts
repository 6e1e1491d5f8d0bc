import { type Kysely, sql } from "kysely";
import { isSqlite, makeAppendOnly, withId } from "../migration-helpers";

// Funds and credit (DOMAIN.md §4, §7.3): each customer's balances, the append-only ledger
// every movement is one row of, and the offline payments dealers report. Money is integer fen.
// The CHECKs repeat the rules the services apply, so no bug, script or race can break them.
const ACCOUNTS = "('prepaid', 'rebate', 'deposit', 'receivable')";
const METHODS = "('bank', 'cash', 'wechat', 'alipay', 'other')";
const KINDS = "('recharge', 'order_payment', 'refund', 'credit_charge', 'repayment', 'adjustment', 'reversal')";

export async function up(db: Kysely<any>): Promise<void> {
  // One row per customer: 预付款 prepaid, 返点 rebate, 保证金 deposit, the receivable from
  // credit (挂账) and the credit limit (授信额度). Created on a customer's first movement.
  await db.schema
    .createTable("fund_balances")
    .addColumn("customer_id", "integer", (c) => c.primaryKey().references("customers.id"))
    .addColumn("prepaid", "bigint", (c) => c.notNull().defaultTo(0).check(sql`prepaid >= 0`))
    .addColumn("rebate", "bigint", (c) => c.notNull().defaultTo(0).check(sql`rebate >= 0`))
    .addColumn("deposit", "bigint", (c) => c.notNull().defaultTo(0).check(sql`deposit >= 0`))
    .addColumn("receivable", "bigint", (c) => c.notNull().defaultTo(0).check(sql`receivable >= 0`))
    .addColumn("credit_limit", "bigint", (c) => c.notNull().defaultTo(0).check(sql`credit_limit >= 0`))
    // Set (with the reason) only when someone holding customer.credit let the receivable pass
    // the limit; cleared as soon as the receivable is back within it.
    .addColumn("over_limit_reason", "text", (c) =>
      c.check(sql`over_limit_reason is null or length(trim(over_limit_reason)) > 0`),
    )
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint("fund_balances_within_limit", sql`receivable <= credit_limit or over_limit_reason is not null`)
    .execute();

  // 线下付款: reported by the dealer with a proof image, credited only once finance confirms.
  await withId(db, db.schema.createTable("payment_reports"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
    .addColumn("amount", "bigint", (c) => c.notNull().check(sql`amount > 0`))
    .addColumn("method", "text", (c) => c.notNull().check(sql.raw(`method in ${METHODS}`)))
    .addColumn("reference", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("paid_on", "text", (c) => c.notNull().check(sql`paid_on like '____-__-__'`))
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("image_id", "integer", (c) => c.notNull().references("images.id"))
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("pending").check(sql`status in ('pending', 'confirmed', 'rejected')`),
    )
    .addColumn("decision_reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("decided_by_account_id", "integer", (c) => c.references("accounts.id"))
    .addColumn("decided_by_name", "text")
    .addColumn("decided_at", "text")
    .addColumn("created_by_account_id", "integer", (c) => c.notNull().references("accounts.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addCheckConstraint(
      "payment_reports_decided",
      sql`(status = 'pending' and decided_at is null) or (status <> 'pending' and decided_at is not null)`,
    )
    .addCheckConstraint(
      "payment_reports_rejection_reason",
      sql`status <> 'rejected' or length(trim(decision_reason)) > 0`,
    )
    .execute();
  await db.schema
    .createIndex("payment_reports_customer")
    .on("payment_reports")
    .columns(["customer_id", "id"])
    .execute();
  await db.schema.createIndex("payment_reports_status").on("payment_reports").columns(["status", "id"]).execute();

  // The ledger: one immutable row per movement; a balance equals the sum of its rows, and
  // balance_after is that sum up to and including the row.
  await withId(db, db.schema.createTable("fund_ledger"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
    .addColumn("account", "text", (c) => c.notNull().check(sql.raw(`account in ${ACCOUNTS}`)))
    .addColumn("kind", "text", (c) => c.notNull().check(sql.raw(`kind in ${KINDS}`)))
    .addColumn("amount", "bigint", (c) => c.notNull().check(sql`amount <> 0`))
    .addColumn("balance_after", "bigint", (c) => c.notNull().check(sql`balance_after >= 0`))
    .addColumn("method", "text", (c) => c.check(sql.raw(`method is null or method in ${METHODS}`)))
    .addColumn("reference", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    // The day the money moved, as the bank statement shows it; statements go by this day.
    .addColumn("business_date", "text", (c) => c.notNull().check(sql`business_date like '____-__-__'`))
    .addColumn("order_id", "integer", (c) => c.references("orders.id"))
    // A confirmed offline payment credits once: the database refuses a second row for it.
    .addColumn("payment_report_id", "integer", (c) => c.unique().references("payment_reports.id"))
    // 红冲: the row this one negates; unique, so a row is reversed at most once.
    .addColumn("reversal_of", "integer", (c) => c.unique().references("fund_ledger.id"))
    .addColumn("actor_account_id", "integer", (c) => c.references("accounts.id"))
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addCheckConstraint(
      "fund_ledger_reversal_link",
      sql`(kind = 'reversal' and reversal_of is not null) or (kind <> 'reversal' and reversal_of is null)`,
    )
    .addCheckConstraint(
      "fund_ledger_kind_sign",
      sql`(kind = 'recharge' and amount > 0 and account <> 'receivable')
        or (kind = 'order_payment' and amount < 0 and account in ('prepaid', 'rebate') and order_id is not null)
        or (kind = 'refund' and order_id is not null
            and ((account = 'receivable' and amount < 0) or (account in ('prepaid', 'rebate') and amount > 0)))
        or (kind = 'credit_charge' and amount > 0 and account = 'receivable')
        or (kind = 'repayment' and amount < 0 and account = 'receivable')
        or (kind in ('adjustment', 'reversal'))`,
    )
    .addCheckConstraint(
      "fund_ledger_report_is_recharge",
      sql`payment_report_id is null or (kind = 'recharge' and account = 'prepaid')`,
    )
    .execute();
  await db.schema.createIndex("fund_ledger_customer").on("fund_ledger").columns(["customer_id", "id"]).execute();
  await db.schema
    .createIndex("fund_ledger_customer_day")
    .on("fund_ledger")
    .columns(["customer_id", "business_date", "id"])
    .execute();
  await db.schema.createIndex("fund_ledger_order").on("fund_ledger").columns(["order_id"]).execute();
  await makeAppendOnly(db, "fund_ledger");
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("fund_ledger").execute();
  await db.schema.dropTable("payment_reports").execute();
  await db.schema.dropTable("fund_balances").execute();
  if (!isSqlite(db)) await sql`drop function if exists fund_ledger_append_only()`.execute(db);
}
