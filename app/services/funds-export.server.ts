import ExcelJS from "exceljs";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import { CSV_BOM, escapeFormula, formatCsvRow } from "../domain/csv";
import { isCalendarDay } from "../domain/day-range";
import { FUND_ACCOUNTS } from "../domain/funds";
import { type FundsScope, getProofImage, localDay, type ProofVariant, proofEtag, type Statement } from "./funds.server";

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** The statement period asked for in the URL, or this month so far; a reversed range is turned round. */
export function statementPeriod(url: URL, now: Date): { from: string; to: string } {
  const day = (name: string) => {
    const value = url.searchParams.get(name);
    return value && isCalendarDay(value) ? value : undefined;
  };
  const to = day("to") ?? localDay(now);
  const from = day("from") ?? `${to.slice(0, 8)}01`;
  return from <= to ? { from, to } : { from: to, to: from };
}

/** Integer fen → an exact decimal string of yuan, e.g. -123456 → "-1234.56". */
export function fenToDecimal(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`money must be integer fen, got ${fen}`);
  const abs = Math.abs(fen);
  return `${fen < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** A cell of a statement export: text (escaped against formula injection) or an amount in fen. */
type Cell = string | { fen: number };

function statementRows(statement: Statement, t: Translate): Cell[][] {
  const rows: Cell[][] = [
    [t("funds.statement.title")],
    [t("funds.statement.customer"), statement.customer.code, statement.customer.name],
    [t("funds.statement.period"), statement.from, statement.to],
    [t("funds.creditLimit"), { fen: statement.creditLimit }],
    [],
    [
      t("funds.ledger.account"),
      t("funds.statement.opening"),
      t("funds.statement.increase"),
      t("funds.statement.decrease"),
      t("funds.statement.closing"),
    ],
  ];
  for (const account of FUND_ACCOUNTS) {
    const totals = statement.totals[account];
    rows.push([
      t(`funds.accounts.${account}`),
      { fen: totals.opening },
      { fen: totals.increase },
      { fen: totals.decrease },
      { fen: totals.closing },
    ]);
  }
  rows.push([]);
  rows.push([
    "#",
    t("funds.ledger.date"),
    t("funds.ledger.account"),
    t("funds.ledger.kind"),
    t("funds.ledger.method"),
    t("funds.ledger.reference"),
    t("funds.ledger.reason"),
    t("funds.ledger.amount"),
    t("funds.statement.running"),
  ]);
  for (const line of statement.lines) {
    rows.push([
      String(line.id),
      line.businessDate,
      t(`funds.accounts.${line.account}`),
      t(`funds.kinds.${line.kind}`),
      line.method ? t(`funds.methods.${line.method}`) : "",
      line.reference,
      line.reversalOf ? `${line.reason} (${t("funds.ledger.reversalOf", { id: line.reversalOf })})` : line.reason,
      { fen: line.amount },
      { fen: line.runningBalance },
    ]);
  }
  return rows;
}

/** A UTF-8 CSV (BOM, CRLF) of the statement; amounts as exact decimals of yuan. */
export function statementCsv(statement: Statement, t: Translate): string {
  return (
    CSV_BOM +
    statementRows(statement, t)
      .map((row) =>
        formatCsvRow(row.map((cell) => (typeof cell === "string" ? escapeFormula(cell) : fenToDecimal(cell.fen)))),
      )
      .join("")
  );
}

/**
 * The statement as an .xlsx. Amounts are numeric cells formatted to 2 decimals, so a spreadsheet
 * can sum them; each is the exact decimal string converted once, at this edge, and never computed with.
 */
export async function statementXlsx(statement: Statement, t: Translate): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(t("funds.statement.sheet"), {
    pageSetup: { paperSize: 9, orientation: "portrait", fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = [10, 12, 14, 16, 12, 22, 30, 14, 14].map((width) => ({ width }));
  for (const row of statementRows(statement, t)) {
    const added = sheet.addRow(
      row.map((cell) => (typeof cell === "string" ? escapeFormula(cell) : Number(fenToDecimal(cell.fen)))),
    );
    row.forEach((cell, i) => {
      if (typeof cell !== "string") added.getCell(i + 1).numFmt = "#,##0.00";
    });
  }
  sheet.getRow(1).font = { bold: true, size: 14 };
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

const notFound = () => new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });

/**
 * Serves a payment report's proof image to whoever the scope lets see the report; the same 404
 * for a missing report, another customer's, or a bad address. Private: never cached by proxies.
 */
export async function proofResponse(
  db: Kysely<DB>,
  scope: FundsScope,
  request: Request,
  reportIdParam: string | undefined,
): Promise<Response> {
  if (!reportIdParam || !/^\d{1,12}$/.test(reportIdParam)) return notFound();
  const variant: ProofVariant = new URL(request.url).searchParams.get("size") === "thumb" ? "thumb" : "full";
  const image = await getProofImage(db, scope, Number(reportIdParam), variant);
  if (!image) return notFound();
  const etag = proofEtag(image.sha256, variant);
  const headers = new Headers({
    ETag: etag,
    "Cache-Control": "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": "inline",
  });
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  headers.set("Content-Type", image.contentType);
  headers.set("Content-Length", String(image.bytes.byteLength));
  return new Response(image.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
}
