import ExcelJS from "exceljs";
import { parseCsv } from "../../domain/csv";
import type { TableRow } from "../../domain/import-rows";

/** Uploads larger than this are refused before they are parsed (RELIABILITY D2). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export type FileFormat = "csv" | "xlsx";

export type ReadFileError =
  | { error: "tooLarge" }
  | { error: "type" }
  | { error: "encoding" }
  | { error: "malformedCsv"; line: number }
  | { error: "malformedXlsx" };

export type ReadFileResult = { ok: true; format: FileFormat; table: TableRow[] } | ({ ok: false } & ReadFileError);

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * The file's format from its name and its first bytes together: an .xlsx must be a zip, a CSV
 * must not be one and must hold no NUL bytes (a binary file renamed to .csv is refused).
 */
export function detectFormat(fileName: string, bytes: Uint8Array): FileFormat | null {
  const name = fileName.toLowerCase();
  const isZip = ZIP_MAGIC.every((b, i) => bytes[i] === b);
  if (name.endsWith(".xlsx")) return isZip ? "xlsx" : null;
  if (name.endsWith(".csv") || name.endsWith(".txt")) {
    if (isZip) return null;
    const head = bytes.subarray(0, 64 * 1024);
    return head.includes(0) ? null : "csv";
  }
  return null;
}

/**
 * CSV text from bytes: UTF-8 (with or without BOM), else GB18030 — what Excel on a Chinese
 * Windows saves as "CSV" — and nothing else, rather than guess and import mojibake.
 */
export function decodeCsv(bytes: Uint8Array): string | null {
  for (const encoding of ["utf-8", "gb18030"]) {
    try {
      return new TextDecoder(encoding, { fatal: true }).decode(bytes);
    } catch {
      // try the next encoding
    }
  }
  return null;
}

type CellValue = ExcelJS.CellValue;

/** A cell as text; formulas give their cached result, numbers their shortest exact decimal. */
export function cellToText(value: CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join("");
    if ("formula" in value || "sharedFormula" in value) {
      const result = (value as { result?: unknown }).result;
      if (result && typeof result === "object" && "error" in result) return String(result.error);
      return cellToText((result ?? null) as CellValue);
    }
    if ("text" in value && typeof value.text === "string") return value.text;
    if ("error" in value) return String(value.error);
  }
  return "";
}

// A real 10 MB workbook unpacks to well under this; a zip bomb declares far more.
const MAX_UNZIPPED_BYTES = 256 * 1024 * 1024;

/**
 * What a zip says it unpacks to, summed from its central directory; null if there is none.
 * ZIP64 entries declare 0xFFFFFFFF here and so count as too large.
 */
export function declaredUnzippedBytes(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) !== 0x06054b50) continue;
    const entries = view.getUint16(i + 10, true);
    let offset = view.getUint32(i + 16, true);
    let total = 0;
    for (let n = 0; n < entries; n++) {
      if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return null;
      total += view.getUint32(offset + 24, true);
      offset +=
        46 + view.getUint16(offset + 28, true) + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
    }
    return total;
  }
  return null;
}

async function readXlsx(bytes: Uint8Array): Promise<TableRow[] | null> {
  const unzipped = declaredUnzippedBytes(bytes);
  if (unzipped === null || unzipped > MAX_UNZIPPED_BYTES) return null;
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as any);
  } catch {
    return null;
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const table: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as CellValue[];
    const cells: string[] = [];
    for (let i = 1; i < values.length; i++) cells.push(cellToText(values[i] ?? null));
    table.push({ line: rowNumber, cells });
  });
  return table;
}

/** Parses an uploaded CSV or XLSX file into rows of text, each with its line (row) number. */
export async function readTable(fileName: string, bytes: Uint8Array): Promise<ReadFileResult> {
  if (bytes.byteLength > MAX_UPLOAD_BYTES) return { ok: false, error: "tooLarge" };
  const format = detectFormat(fileName, bytes);
  if (!format) return { ok: false, error: "type" };
  if (format === "xlsx") {
    const table = await readXlsx(bytes);
    return table ? { ok: true, format, table } : { ok: false, error: "malformedXlsx" };
  }
  const text = decodeCsv(bytes);
  if (text === null) return { ok: false, error: "encoding" };
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ok: false, error: "malformedCsv", line: parsed.line };
  return { ok: true, format, table: parsed.records };
}
