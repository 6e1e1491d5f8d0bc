/**
 * CSV as RFC 4180 describes it, plus what spreadsheets really produce: a UTF-8 byte-order
 * mark, CRLF or LF line ends, quoted fields holding commas, quotes ("") and line breaks, and
 * the odd semicolon- or tab-separated file. Pure: text in, rows out.
 */

export interface CsvRecord {
  /** The file's line number where this record starts (1-based), for messages a person can find. */
  line: number;
  cells: string[];
}

export type CsvParseResult =
  | { ok: true; records: CsvRecord[] }
  | { ok: false; line: number; error: "unterminated_quote" | "text_after_quote" };

export type CsvDelimiter = "," | ";" | "\t";

const BOM = "\uFEFF";

/**
 * Guesses the separator from the first line (outside quotes): the most frequent of comma,
 * semicolon and tab, comma when there is a tie or none.
 */
export function sniffDelimiter(text: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (let i = text.startsWith(BOM) ? 1 : 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && (ch === "," || ch === ";" || ch === "\t")) counts[ch]++;
  }
  let best: CsvDelimiter = ",";
  for (const d of [";", "\t"] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/**
 * Splits CSV text into records. A quote opens a quoted field only at the start of a field
 * (a stray quote inside an unquoted field, as in 12" pipe, is kept as text); a quoted field
 * must be closed and followed by a separator or a line end. A final line break ends the last
 * record rather than starting an empty one.
 */
export function parseCsv(text: string, delimiter: CsvDelimiter = sniffDelimiter(text)): CsvParseResult {
  const records: CsvRecord[] = [];
  let i = text.startsWith(BOM) ? 1 : 0;
  let line = 1;
  let recordLine = 1;
  let cells: string[] = [];
  let field = "";
  let atFieldStart = true;
  const n = text.length;

  const endRecord = () => {
    cells.push(field);
    records.push({ line: recordLine, cells });
    cells = [];
    field = "";
    atFieldStart = true;
  };

  while (i < n) {
    const ch = text[i]!;
    if (atFieldStart && ch === '"') {
      const openedOn = line;
      i++;
      for (;;) {
        if (i >= n) return { ok: false, line: openedOn, error: "unterminated_quote" };
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === "\r" || c === "\n") {
          // A line break inside quotes is data; CRLF stays CRLF but counts as one line.
          if (c === "\r" && text[i + 1] === "\n") {
            field += "\r\n";
            i += 2;
          } else {
            field += c;
            i++;
          }
          line++;
          continue;
        }
        field += c;
        i++;
      }
      const after = text[i];
      if (after !== undefined && after !== delimiter && after !== "\r" && after !== "\n") {
        return { ok: false, line, error: "text_after_quote" };
      }
      atFieldStart = false;
      continue;
    }
    if (ch === delimiter) {
      cells.push(field);
      field = "";
      atFieldStart = true;
      i++;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      endRecord();
      line++;
      recordLine = line;
      continue;
    }
    field += ch;
    atFieldStart = false;
    i++;
  }
  // Text after the last line break is a final record; a trailing line break adds none.
  if (field !== "" || cells.length > 0 || !atFieldStart) endRecord();
  return { ok: true, records };
}

const NEEDS_QUOTES = /[",\r\n;\t]|^\s|\s$/;

/** One CSV record, CRLF-terminated (RFC 4180), quoting only the fields that need it. */
export function formatCsvRow(cells: ReadonlyArray<string>): string {
  return `${cells.map((c) => (NEEDS_QUOTES.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",")}\r\n`;
}

/** The byte-order mark that makes Excel open a UTF-8 CSV as UTF-8 instead of the local code page. */
export const CSV_BOM = BOM;

// Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
const FORMULA_TRIGGER = /^'*[=+\-@\t\r]/;

/**
 * Neutralises a cell a spreadsheet would run as a formula by prefixing an apostrophe
 * (RELIABILITY D2). Cells that already start with apostrophes before a trigger get one more, so
 * `unescapeFormula` gives back exactly what was exported and a file re-imports unchanged.
 */
export function escapeFormula(value: string): string {
  return FORMULA_TRIGGER.test(value) ? `'${value}` : value;
}

/** The inverse of `escapeFormula`, applied to every imported cell. */
export function unescapeFormula(value: string): string {
  return value.startsWith("'") && FORMULA_TRIGGER.test(value) ? value.slice(1) : value;
}
