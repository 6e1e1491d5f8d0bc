import ExcelJS from "exceljs";
import { type PadParse, parsePadRows, splitPadText } from "../domain/quick-order";

export const MAX_PAD_FILE_BYTES = 2 * 1024 * 1024;

/** Reads the first two columns of an uploaded CSV or XLSX; null when the file is not one. */
export async function readPadFile(file: File): Promise<PadParse | null> {
  if (file.size === 0 || file.size > MAX_PAD_FILE_BYTES) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b; // XLSX is a zip container
  if (isZip) {
    try {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(bytes.buffer as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      if (!sheet) return null;
      const rows: string[][] = [];
      sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
        rows[rowNumber - 1] = [cellText(row.getCell(1).value), cellText(row.getCell(2).value)];
      });
      return parsePadRows(Array.from(rows, (r) => r ?? []));
    } catch {
      return null;
    }
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.includes("\u0000")) return null; // binary, not CSV
  return parsePadRows(splitPadText(text));
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object" && "result" in value) return String(value.result ?? "");
  if (typeof value === "object" && "richText" in value) return value.richText.map((r) => r.text).join("");
  if (typeof value === "object" && "text" in value) return String(value.text);
  return String(value);
}
