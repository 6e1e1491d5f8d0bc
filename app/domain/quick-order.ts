/**
 * The quick-order pad (快速订货): "SKU-code quantity" per line, as typed or pasted from a
 * spreadsheet (tab-separated), or rows of an uploaded CSV/XLSX. Pure: the service checks the
 * codes and quantities against the catalog afterwards.
 */
export interface PadLine {
  lineNo: number;
  skuCode: string;
  quantity: number;
}

export interface PadParse {
  lines: PadLine[];
  unreadable: number[];
}

export const MAX_PAD_LINES = 500;

export function parsePadRows(rows: ReadonlyArray<readonly string[]>): PadParse {
  const lines: PadLine[] = [];
  const unreadable: number[] = [];
  rows.forEach((cells, index) => {
    const lineNo = index + 1;
    const [code = "", qty = ""] = cells.map((c) => c.trim()).filter((c) => c !== "");
    if (!code && !qty) return;
    const quantity = /^\d{1,9}$/.test(qty) ? Number(qty) : Number.NaN;
    // A first row such as "商品编码 数量" or "SKU,Qty" is a header, not a mistake.
    if (lineNo === 1 && Number.isNaN(quantity) && !/\d/.test(qty)) return;
    if (!code || Number.isNaN(quantity)) {
      unreadable.push(lineNo);
      return;
    }
    lines.push({ lineNo, skuCode: code, quantity });
  });
  return { lines: lines.slice(0, MAX_PAD_LINES), unreadable };
}

/** Splits pasted text into cells: tabs (from Excel), commas, semicolons or spaces. */
export function splitPadText(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .map((line) => line.split(/[\t,;，；]|\s+/).filter((cell) => cell !== ""));
}
