import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";
import { CSV_BOM, escapeFormula, formatCsvRow } from "../../domain/csv";

/** A cell of an export: text (escaped against formula injection) or a whole number. */
export type ExportCell = string | number;

const safeCell = (cell: ExportCell): ExportCell => (typeof cell === "number" ? cell : escapeFormula(cell));

export async function* fromRows(rows: readonly ExportCell[][]): AsyncGenerator<ExportCell[]> {
  yield* rows;
}

const CSV_CHUNK_CHARS = 64 * 1024;

/**
 * A UTF-8 CSV (with BOM, CRLF) produced as the reader consumes it: each pull takes rows from
 * the source until about 64 KB are ready, so a large export never sits in memory whole.
 */
export function csvStream(rows: AsyncIterable<ExportCell[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = rows[Symbol.asyncIterator]();
  let chunk = CSV_BOM;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (chunk.length < CSV_CHUNK_CHARS) {
        const next = await iterator.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += formatCsvRow(next.value.map((c) => String(safeCell(c))));
      }
      controller.enqueue(encoder.encode(chunk));
      chunk = "";
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
}

/**
 * An .xlsx written by exceljs's streaming WorkbookWriter: rows are committed as they come and
 * the writer waits whenever the reader falls behind. The first row is the header: bold, frozen.
 */
export function xlsxStream(sheetName: string, rows: AsyncIterable<ExportCell[]>): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: "frozen", ySplit: 1 }] });
  const readerGone = () => out.destroyed;
  const drained = () =>
    new Promise<void>((resolve) => {
      out.once("drain", resolve);
      out.once("close", resolve);
    });
  void (async () => {
    const iterator = rows[Symbol.asyncIterator]();
    try {
      let header = true;
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (header) {
          // Columns must be sized before the first row is committed.
          sheet.columns = next.value.map((h) => ({ width: Math.min(40, Math.max(10, String(h).length * 2 + 4)) }));
        }
        const row = sheet.addRow(next.value.map(safeCell));
        if (header) row.font = { bold: true };
        header = false;
        row.commit();
        if (out.writableNeedDrain) await drained();
        if (readerGone()) {
          await iterator.return?.(undefined);
          return;
        }
      }
      sheet.commit();
      await workbook.commit();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
