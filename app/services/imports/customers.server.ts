import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import {
  type CustomerRow,
  codesInTable,
  type HeaderLanguage,
  headerRow,
  type ImportReport,
  makeReport,
  type TableRow,
  validateCustomerTable,
} from "../../domain/import-rows";
import type { StaffGrant } from "../../domain/permissions";
import { type Actor, recordAudit } from "../audit.server";
import { hashPassword } from "../passwords.server";
import { inRegionScope } from "../scope.server";
import { inBatches } from "./batches.server";
import type { ProgressReporter } from "./progress.server";
import type { ExportCell } from "./spreadsheet-stream.server";

interface ExistingCustomer {
  id: number;
  accountId: number;
  regionCode: string;
  name: string;
  contactName: string;
  username: string;
}

async function prepare(db: Kysely<DB>, grant: StaffGrant, table: readonly TableRow[], progress: ProgressReporter) {
  const [levels, regions] = await Promise.all([
    db.selectFrom("customer_levels").select(["id", "code"]).orderBy("position").orderBy("id").execute(),
    db.selectFrom("regions").select(["id", "code"]).orderBy("id").execute(),
  ]);
  const { codes, usernames } = codesInTable("customers", table);
  const existing = new Map<string, ExistingCustomer>();
  for (const part of inBatches(codes)) {
    const rows = await db
      .selectFrom("customers as c")
      .innerJoin("regions as r", "r.id", "c.region_id")
      .innerJoin("accounts as a", "a.id", "c.account_id")
      .select(["c.id", "c.code", "c.account_id", "c.name", "c.contact_name", "r.code as region_code", "a.username"])
      .where("c.code", "in", part)
      .execute();
    for (const r of rows) {
      existing.set(r.code, {
        id: r.id,
        accountId: r.account_id,
        regionCode: r.region_code,
        name: r.name,
        contactName: r.contact_name,
        username: r.username,
      });
    }
  }
  const usernameOwners = new Map<string, string | null>();
  for (const part of inBatches(usernames)) {
    const rows = await db
      .selectFrom("accounts as a")
      .leftJoin("customers as c", "c.account_id", "a.id")
      .select(["a.username", "c.code"])
      .where("a.username", "in", part)
      .execute();
    for (const r of rows) usernameOwners.set(r.username, r.code);
  }
  progress({ stage: "validate", done: 0, total: table.length });
  const validation = validateCustomerTable(table, {
    levelCodes: levels.map((l) => l.code),
    regionCodes: regions.map((r) => r.code),
    allowedRegionCodes:
      grant.regionIds === null ? null : regions.filter((r) => grant.regionIds!.includes(r.id)).map((r) => r.code),
    existingCustomers: existing,
    usernameOwners,
  });
  progress({ stage: "validate", done: table.length, total: table.length });
  return { report: makeReport("customers", validation), validation, levels, regions, existing };
}

/** The dry run: what importing this table would do, and every problem with it. Writes nothing. */
export async function checkCustomerImport(
  db: Kysely<DB>,
  grant: StaffGrant,
  table: readonly TableRow[],
  progress: ProgressReporter = () => {},
): Promise<ImportReport> {
  return (await prepare(db, grant, table, progress)).report;
}

export interface CustomerImportSummary {
  createdCustomers: number;
  updatedCustomers: number;
}

/** Hashes new customers' initial passwords a few at a time (argon2 runs on the thread pool). */
async function hashNewPasswords(rows: readonly CustomerRow[], progress: ProgressReporter) {
  const wanted = rows.filter((r) => r.password !== undefined);
  const hashes = new Map<string, { password: string; hash: string }>();
  for (let i = 0; i < wanted.length; i += 4) {
    await Promise.all(
      wanted.slice(i, i + 4).map(async (r) => {
        hashes.set(r.code, { password: r.password!, hash: await hashPassword(r.password!) });
      }),
    );
    progress({ stage: "hash", done: Math.min(i + 4, wanted.length), total: wanted.length });
  }
  return hashes;
}

/**
 * Imports customers, upserting by customer code; each new customer gets its one ordering
 * account (订货账号) in the same transaction. Existing customers keep their passwords. A file
 * with any problem writes nothing and returns the dry run's report. Region-limited staff import
 * only customers of their own regions.
 */
export async function importCustomers(
  db: Kysely<DB>,
  actor: Actor,
  grant: StaffGrant,
  input: { fileName: string; table: readonly TableRow[] },
  now: Date,
  progress: ProgressReporter = () => {},
): Promise<{ ok: true; report: ImportReport; summary: CustomerImportSummary } | { ok: false; report: ImportReport }> {
  // Hashing is slow by design: do it before the transaction takes the write lock.
  const before = await prepare(db, grant, input.table, progress);
  if (before.report.problemCount > 0) return { ok: false, report: before.report };
  const hashes = await hashNewPasswords(before.validation.rows, progress);

  return db.transaction().execute(async (trx) => {
    const prepared = await prepare(trx, grant, input.table, progress);
    if (prepared.report.problemCount > 0) return { ok: false as const, report: prepared.report };
    const at = now.toISOString();
    const levelIdOf = new Map(prepared.levels.map((l) => [l.code, l.id]));
    const regionIdOf = new Map(prepared.regions.map((r) => [r.code, r.id]));
    const summary: CustomerImportSummary = { createdCustomers: 0, updatedCustomers: 0 };
    const rows = prepared.validation.rows;
    let written = 0;
    for (const row of rows) {
      const current = prepared.existing.get(row.code);
      if (!current) {
        const staged = hashes.get(row.code);
        const passwordHash =
          staged && staged.password === row.password ? staged.hash : await hashPassword(row.password!);
        const account = await trx
          .insertInto("accounts")
          .values({
            username: row.username!,
            password_hash: passwordHash,
            kind: "customer",
            display_name: row.contactName || row.name!,
            created_at: at,
            updated_at: at,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("customers")
          .values({
            code: row.code,
            name: row.name!,
            level_id: row.levelCode ? levelIdOf.get(row.levelCode)! : null,
            region_id: regionIdOf.get(row.regionCode!)!,
            contact_name: row.contactName ?? "",
            phone: row.phone ?? "",
            address: row.address ?? "",
            invoice_title: row.invoiceTitle ?? "",
            tax_no: row.taxNo ?? "",
            bank_name: row.bankName ?? "",
            bank_account: row.bankAccount ?? "",
            account_id: account.id,
            created_at: at,
            updated_at: at,
          })
          .execute();
        summary.createdCustomers++;
      } else {
        await trx
          .updateTable("customers")
          .set({
            ...(row.name !== undefined && { name: row.name }),
            ...(row.levelCode !== undefined && {
              level_id: row.levelCode === null ? null : levelIdOf.get(row.levelCode)!,
            }),
            ...(row.regionCode !== undefined && { region_id: regionIdOf.get(row.regionCode)! }),
            ...(row.contactName !== undefined && { contact_name: row.contactName }),
            ...(row.phone !== undefined && { phone: row.phone }),
            ...(row.address !== undefined && { address: row.address }),
            ...(row.invoiceTitle !== undefined && { invoice_title: row.invoiceTitle }),
            ...(row.taxNo !== undefined && { tax_no: row.taxNo }),
            ...(row.bankName !== undefined && { bank_name: row.bankName }),
            ...(row.bankAccount !== undefined && { bank_account: row.bankAccount }),
            updated_at: at,
          })
          .where("id", "=", current.id)
          .execute();
        const displayName = (row.contactName ?? current.contactName) || (row.name ?? current.name);
        await trx
          .updateTable("accounts")
          .set({
            ...(row.username !== undefined && row.username !== current.username && { username: row.username }),
            display_name: displayName,
            updated_at: at,
          })
          .where("id", "=", current.accountId)
          .execute();
        summary.updatedCustomers++;
      }
      progress({ stage: "write", done: ++written, total: rows.length });
    }
    await recordAudit(
      trx,
      actor,
      {
        action: "import.customers",
        objectType: "import",
        after: { fileName: input.fileName, rows: prepared.report.dataRows, ...summary },
      },
      now,
    );
    return { ok: true as const, report: prepared.report, summary };
  });
}

/** The template: the header row and one example row, in a region the importer may use. */
export async function customerTemplateRows(
  db: Kysely<DB>,
  grant: StaffGrant,
  language: HeaderLanguage,
): Promise<ExportCell[][]> {
  const [level, region] = await Promise.all([
    db.selectFrom("customer_levels").select("code").orderBy("position").orderBy("id").executeTakeFirst(),
    inRegionScope(db.selectFrom("regions").select("code"), "id", grant).orderBy("id").executeTakeFirst(),
  ]);
  const example =
    language === "zh"
      ? ["C9001", "示例商贸有限公司", "杭州示例商贸有限公司", "浙江省杭州市西湖区文三路 1 号", "中国工商银行杭州分行"]
      : ["C9001", "Sample Trading Co., Ltd.", "Sample Trading Co., Ltd.", "1 Sample Road, Hangzhou", "ICBC Hangzhou"];
  return [
    headerRow("customers", language),
    [
      example[0]!,
      example[1]!,
      level?.code ?? "",
      region?.code ?? "",
      language === "zh" ? "张三" : "Zhang San",
      "13800000000",
      example[3]!,
      example[2]!,
      "91330100MA00000000",
      example[4]!,
      "6222000000000000000",
      "c9001",
      "Change-Me-2026",
    ],
  ];
}

/** The customers this staff member may see, as import rows (no passwords), a page at a time. */
export async function* customerExportRows(
  db: Kysely<DB>,
  grant: StaffGrant,
  language: HeaderLanguage,
): AsyncGenerator<ExportCell[]> {
  yield headerRow("customers", language);
  let after: string | null = null;
  for (;;) {
    let qb = db
      .selectFrom("customers as c")
      .innerJoin("regions as r", "r.id", "c.region_id")
      .innerJoin("accounts as a", "a.id", "c.account_id")
      .leftJoin("customer_levels as l", "l.id", "c.level_id")
      .select([
        "c.code",
        "c.name",
        "l.code as level_code",
        "r.code as region_code",
        "c.contact_name",
        "c.phone",
        "c.address",
        "c.invoice_title",
        "c.tax_no",
        "c.bank_name",
        "c.bank_account",
        "a.username",
      ]);
    qb = inRegionScope(qb, "c.region_id", grant);
    if (after !== null) qb = qb.where("c.code", ">", after);
    const rows = await qb.orderBy("c.code").limit(500).execute();
    if (!rows.length) return;
    after = rows[rows.length - 1]!.code;
    for (const c of rows) {
      yield [
        c.code,
        c.name,
        c.level_code ?? "",
        c.region_code,
        c.contact_name,
        c.phone,
        c.address,
        c.invoice_title,
        c.tax_no,
        c.bank_name,
        c.bank_account,
        c.username,
        "",
      ];
    }
  }
}
