import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CSV_BOM, escapeFormula, formatCsvRow, parseCsv, sniffDelimiter, unescapeFormula } from "../../app/domain/csv";

const cellsOf = (text: string) => {
  const parsed = parseCsv(text);
  if (!parsed.ok) throw new Error(`parse failed: ${parsed.error} at ${parsed.line}`);
  return parsed.records.map((r) => r.cells);
};

describe("parseCsv", () => {
  it("splits plain records on commas and line ends", () => {
    expect(cellsOf("a,b,c\n1,2,3\n")).toEqual([
      ["a", "b", "c"],
      ["1", "2", "3"],
    ]);
  });

  it("treats CRLF, LF and a lone CR alike and adds no record for a final line break", () => {
    expect(cellsOf("a,b\r\n1,2\r\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(cellsOf("a,b\r1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("strips a UTF-8 byte-order mark so the first header is not polluted", () => {
    expect(cellsOf(`${CSV_BOM}规格编码,商品名称\nA1,可乐`)).toEqual([
      ["规格编码", "商品名称"],
      ["A1", "可乐"],
    ]);
  });

  it("keeps commas, doubled quotes and line breaks inside quoted fields", () => {
    const text = 'code,name,note\nA1,"可乐, 大瓶","他说""好""\n第二行"\nA2,x,y\n';
    expect(cellsOf(text)).toEqual([
      ["code", "name", "note"],
      ["A1", "可乐, 大瓶", '他说"好"\n第二行'],
      ["A2", "x", "y"],
    ]);
  });

  it("numbers each record by the line it starts on, counting line breaks inside quotes", () => {
    const parsed = parseCsv('h1,h2\r\n"a\r\nb",c\r\nd,e\r\n');
    expect(parsed.ok && parsed.records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it("keeps empty fields, including a trailing one", () => {
    expect(cellsOf("a,,c,\n")).toEqual([["a", "", "c", ""]]);
    expect(cellsOf('"",x')).toEqual([["", "x"]]);
  });

  it("keeps a stray quote inside an unquoted field as text", () => {
    expect(cellsOf('12" pipe,ok')).toEqual([['12" pipe', "ok"]]);
  });

  it("reports an unterminated quote with the line where the field began", () => {
    expect(parseCsv('a,b\n1,"open\n2,3\n')).toEqual({ ok: false, line: 2, error: "unterminated_quote" });
  });

  it("reports text after a closing quote", () => {
    expect(parseCsv('a,b\n"x"y,2\n')).toEqual({ ok: false, line: 2, error: "text_after_quote" });
  });

  it("reads semicolon- and tab-separated files", () => {
    expect(sniffDelimiter("a;b;c\n1;2;3")).toBe(";");
    expect(sniffDelimiter("a\tb\n")).toBe("\t");
    expect(sniffDelimiter('"x;y",b\n')).toBe(",");
    expect(cellsOf("a;b\n1,5;2\n")).toEqual([
      ["a", "b"],
      ["1,5", "2"],
    ]);
  });

  it("gives an empty file no records", () => {
    expect(cellsOf("")).toEqual([]);
    expect(cellsOf(CSV_BOM)).toEqual([]);
  });
});

describe("formatCsvRow", () => {
  it("quotes only the fields that need it and ends with CRLF", () => {
    expect(formatCsvRow(["A1", "可乐", "12.50"])).toBe("A1,可乐,12.50\r\n");
    expect(formatCsvRow(['say "hi"', "a,b", "two\nlines", " padded"])).toBe(
      '"say ""hi""","a,b","two\nlines"," padded"\r\n',
    );
  });

  it("round-trips any table through parseCsv", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "中", ",", '"', "\n", "\r", " ", ";", "\t", "x", "'") });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }), (rows) => {
        // A record of one empty cell is a blank line, which CSV cannot tell from no record at all.
        const table = rows.filter((r) => !(r.length === 1 && r[0] === ""));
        const text = CSV_BOM + table.map(formatCsvRow).join("");
        expect(cellsOf(text)).toEqual(table);
      }),
      { numRuns: 500 },
    );
  });
});

describe("formula escaping (CSV injection)", () => {
  it("prefixes an apostrophe to cells a spreadsheet would run", () => {
    for (const dangerous of ["=1+1", "+86 138", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']) {
      expect(escapeFormula(dangerous)).toBe(`'${dangerous}`);
    }
    for (const harmless of ["A1", "可乐", "12.50", "", "a=b", " =x"]) {
      expect(escapeFormula(harmless)).toBe(harmless);
    }
  });

  it("never leaves a cell starting with a trigger, and unescaping gives back the original", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("'", "=", "+", "-", "@", "\t", "\r", "a", "1") }), (value) => {
        const escaped = escapeFormula(value);
        expect(/^[=+\-@\t\r]/.test(escaped)).toBe(false);
        expect(unescapeFormula(escaped)).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it("removes the guard a person (or Excel) put in front of a formula-like value", () => {
    expect(unescapeFormula("'+86 138")).toBe("+86 138");
    expect(unescapeFormula("'hello")).toBe("'hello");
  });
});
