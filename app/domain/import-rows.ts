/**
 * Import files (CSV/XLSX) of products and customers, as rows of text: which column is which
 * (Chinese or English headers), what each row means, and every problem with it, named by line
 * and column so a person can fix the file. Pure: the caller passes in what it knows about the
 * database (existing codes, level and region codes, who owns a username).
 *
 * A file may leave out any column but the code: for a record that exists, a missing column
 * leaves that field as it is; an empty cell in a present column sets the field's empty value.
 * New records need their required columns.
 */
import { unescapeFormula } from "./csv";

export type ImportKind = "products" | "customers";
export type HeaderLanguage = "zh" | "en";

export const MAX_IMPORT_ROWS = 20_000;

export type ProblemCode =
  | "emptyFile"
  | "tooManyRows"
  | "missingColumn"
  | "unknownColumn"
  | "duplicateColumn"
  | "unknownLevelColumn"
  | "levelPricesForbidden"
  | "required"
  | "tooLong"
  | "money"
  | "integer"
  | "atLeastOne"
  | "maxBelowMin"
  | "boolean"
  | "unknownTag"
  | "category"
  | "code"
  | "username"
  | "passwordTooShort"
  | "phone"
  | "unknownLevel"
  | "unknownRegion"
  | "regionOutOfScope"
  | "codeUnavailable"
  | "usernameTaken"
  | "duplicateCode"
  | "duplicateUsername"
  | "productConflict";

/** One thing wrong with a file: where (line, and column as headed in the file) and what. */
export interface Problem {
  line: number;
  /** The column's header as written in the file, when the problem is in a cell or header. */
  column?: string;
  /** A column the file lacks, by key (the page names it in the reader's language). */
  columnKey?: string;
  code: ProblemCode;
  params?: Record<string, string | number>;
}

interface ColumnSpec {
  key: string;
  zh: string;
  en: string;
  aliases: readonly string[];
}

export const PRODUCT_COLUMNS = [
  { key: "skuCode", zh: "规格编码", en: "SKU code", aliases: ["sku编码", "sku", "商品编码", "编码", "code"] },
  { key: "productName", zh: "商品名称", en: "Product name", aliases: ["名称", "品名", "name", "product"] },
  { key: "category", zh: "商品分类", en: "Category", aliases: ["分类", "类别", "categorypath"] },
  { key: "spec", zh: "规格", en: "Spec", aliases: ["规格型号", "规格说明", "specification"] },
  { key: "barcode", zh: "条码", en: "Barcode", aliases: ["条形码", "ean"] },
  { key: "unit", zh: "单位", en: "Unit", aliases: [] },
  { key: "basePrice", zh: "订货价", en: "Base price", aliases: ["订货价格", "批发价", "orderprice", "price"] },
  { key: "retailPrice", zh: "零售价", en: "Retail price", aliases: ["建议零售价", "retail"] },
  { key: "minQty", zh: "起订量", en: "Min qty", aliases: ["最小起订量", "minquantity", "min"] },
  { key: "maxQty", zh: "限购量", en: "Max qty", aliases: ["最大订购量", "maxquantity", "max"] },
  { key: "multiple", zh: "订货倍数", en: "Multiple", aliases: ["倍数", "ordermultiple"] },
  { key: "listed", zh: "上架", en: "Listed", aliases: ["是否上架", "上架状态"] },
  { key: "tags", zh: "标签", en: "Tags", aliases: ["tag"] },
] as const satisfies readonly ColumnSpec[];

export const CUSTOMER_COLUMNS = [
  { key: "code", zh: "客户编码", en: "Customer code", aliases: ["编码", "客户代码", "code"] },
  { key: "name", zh: "客户名称", en: "Customer name", aliases: ["名称", "公司名称", "name"] },
  { key: "levelCode", zh: "级别编码", en: "Level code", aliases: ["客户级别", "级别", "level"] },
  { key: "regionCode", zh: "区域编码", en: "Region code", aliases: ["区域", "region"] },
  { key: "contactName", zh: "联系人", en: "Contact", aliases: ["contactname"] },
  { key: "phone", zh: "电话", en: "Phone", aliases: ["手机", "联系电话", "mobile", "tel"] },
  { key: "address", zh: "地址", en: "Address", aliases: ["收货地址", "详细地址"] },
  { key: "invoiceTitle", zh: "发票抬头", en: "Invoice title", aliases: [] },
  { key: "taxNo", zh: "税号", en: "Tax number", aliases: ["纳税人识别号", "taxno", "taxid"] },
  { key: "bankName", zh: "开户银行", en: "Bank", aliases: ["开户行", "bankname"] },
  { key: "bankAccount", zh: "银行账号", en: "Bank account", aliases: ["bankaccountno"] },
  { key: "username", zh: "订货账号", en: "Username", aliases: ["用户名", "登录账号", "orderingaccount", "login"] },
  { key: "password", zh: "初始密码", en: "Initial password", aliases: ["密码", "password"] },
] as const satisfies readonly ColumnSpec[];

export type ProductColumnKey = (typeof PRODUCT_COLUMNS)[number]["key"];
export type CustomerColumnKey = (typeof CUSTOMER_COLUMNS)[number]["key"];

const LEVEL_PRICE_HEADER = /^\s*(级别价|level\s*price)\s*[:：]\s*(.+?)\s*$/i;

export function levelPriceHeader(levelCode: string, language: HeaderLanguage): string {
  return language === "zh" ? `级别价:${levelCode}` : `Level price:${levelCode}`;
}

/** The header row of a template or an export, in one language. */
export function headerRow(kind: ImportKind, language: HeaderLanguage, levelCodes: readonly string[] = []): string[] {
  if (kind === "customers") return CUSTOMER_COLUMNS.map((c) => c[language]);
  return [...PRODUCT_COLUMNS.map((c) => c[language]), ...levelCodes.map((code) => levelPriceHeader(code, language))];
}

// "订货价（元）", "SKU Code*", " unit " all name the same column.
const normaliseHeader = (header: string) =>
  header
    .replace(/[（(][^）)]*[）)]/g, "")
    .replace(/[\s*_]/g, "")
    .toLowerCase();

export interface HeaderMap {
  /** Column key → index in the row. */
  columns: Map<string, number>;
  /** Level price columns: which level, where, and the header as written. */
  levelPrices: Array<{ levelCode: string; index: number }>;
  /** Headers as written in the file, by index (for naming columns in problems). */
  headers: string[];
}

export interface HeaderContext {
  levelCodes: readonly string[];
  /** Level price columns change prices (价格管理): refused without that permission. */
  canManagePrices?: boolean;
}

/** Recognises the header row; problems are reported on the header's own line. */
export function resolveHeader(
  kind: ImportKind,
  headerCells: readonly string[],
  line: number,
  ctx: HeaderContext,
): { ok: true; header: HeaderMap } | { ok: false; problems: Problem[] } {
  const specs: readonly ColumnSpec[] = kind === "products" ? PRODUCT_COLUMNS : CUSTOMER_COLUMNS;
  const byName = new Map<string, string>();
  for (const spec of specs) {
    for (const name of [spec.zh, spec.en, ...spec.aliases]) byName.set(normaliseHeader(name), spec.key);
  }
  const problems: Problem[] = [];
  const columns = new Map<string, number>();
  const levelPrices: HeaderMap["levelPrices"] = [];
  const headers = headerCells.map((h) => unescapeFormula(h).trim());
  headers.forEach((header, index) => {
    if (!header) return;
    const levelMatch = kind === "products" ? LEVEL_PRICE_HEADER.exec(header) : null;
    if (levelMatch) {
      const levelCode = matchCode(levelMatch[2]!, ctx.levelCodes);
      if (levelCode === null) {
        problems.push({ line, column: header, code: "unknownLevelColumn", params: { value: levelMatch[2]! } });
      } else if (!ctx.canManagePrices) {
        problems.push({ line, column: header, code: "levelPricesForbidden" });
      } else if (levelPrices.some((l) => l.levelCode === levelCode)) {
        problems.push({ line, column: header, code: "duplicateColumn" });
      } else {
        levelPrices.push({ levelCode, index });
      }
      return;
    }
    const key = byName.get(normaliseHeader(header));
    if (!key) {
      problems.push({ line, column: header, code: "unknownColumn" });
    } else if (columns.has(key)) {
      problems.push({ line, column: header, code: "duplicateColumn" });
    } else {
      columns.set(key, index);
    }
  });
  const codeKey = kind === "products" ? "skuCode" : "code";
  if (!columns.has(codeKey)) problems.push({ line, columnKey: codeKey, code: "missingColumn" });
  return problems.length ? { ok: false, problems } : { ok: true, header: { columns, levelPrices, headers } };
}

/** A code as typed, matched to a known one: exactly, else ignoring case when that is unambiguous. */
export function matchCode(input: string, known: readonly string[]): string | null {
  const value = input.trim();
  if (known.includes(value)) return value;
  const folded = known.filter((k) => k.toLowerCase() === value.toLowerCase());
  return folded.length === 1 ? folded[0]! : null;
}

/** Yuan as typed ("12.5", "¥1,200.00", "8元") → integer fen, without floats; null if not money. */
export function parseMoneyToFen(input: string): number | null {
  const s = input
    .trim()
    .replace(/^[¥￥]/, "")
    .replace(/元$/, "")
    .replace(/[,，\s]/g, "");
  const m = /^(\d{1,11})(?:\.(\d*))?$/.exec(s);
  if (!m) return null;
  const fraction = m[2] ?? "";
  // "12.500" (a spreadsheet's display format) is fine; a third non-zero decimal is not money.
  if (fraction.length > 2 && /[1-9]/.test(fraction.slice(2))) return null;
  return Number(m[1]) * 100 + Number(fraction.slice(0, 2).padEnd(2, "0"));
}

/** Integer fen → "12.50", as export cells and templates write money. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`money must be non-negative integer fen, got ${fen}`);
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

const MAX_QUANTITY = 1_000_000_000;

/** A whole number as typed ("12", "1,000", "12.0" from a spreadsheet); null if not one. */
export function parseQuantity(input: string): number | null {
  const s = input.trim().replace(/[,，]/g, "");
  const m = /^(\d{1,10})(?:\.0*)?$/.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  return n <= MAX_QUANTITY ? n : null;
}

const TRUE_WORDS = new Set(["1", "是", "上架", "y", "yes", "true", "on"]);
const FALSE_WORDS = new Set(["0", "否", "下架", "n", "no", "false", "off"]);

export function parseFlag(input: string): boolean | null {
  const s = input.trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return null;
}

export function formatFlag(value: boolean, language: HeaderLanguage): string {
  return language === "zh" ? (value ? "是" : "否") : value ? "yes" : "no";
}

/** Product tags (新品/热卖/清仓), stored by key in this order. */
export const PRODUCT_TAGS = ["new", "hot", "clearance"] as const;
export type ProductTag = (typeof PRODUCT_TAGS)[number];
const TAG_WORDS: Record<string, ProductTag> = {
  new: "new",
  新品: "new",
  hot: "hot",
  热卖: "hot",
  clearance: "clearance",
  清仓: "clearance",
};
const TAG_LABELS_ZH: Record<ProductTag, string> = { new: "新品", hot: "热卖", clearance: "清仓" };

export function parseTags(input: string): { tags: ProductTag[]; unknown: string[] } {
  const words = input
    .split(/[\s,，、;；|/]+/)
    .map((w) => w.trim())
    .filter(Boolean);
  const found = new Set<ProductTag>();
  const unknown: string[] = [];
  for (const word of words) {
    const tag = TAG_WORDS[word.toLowerCase()];
    if (tag) found.add(tag);
    else unknown.push(word);
  }
  return { tags: PRODUCT_TAGS.filter((t) => found.has(t)), unknown };
}

/** Stored tags ("new hot") → a cell: the Chinese labels for a Chinese file, keys otherwise. */
export function formatTags(stored: string, language: HeaderLanguage): string {
  const { tags } = parseTags(stored);
  return tags.map((t) => (language === "zh" ? TAG_LABELS_ZH[t] : t)).join(" ");
}

export const CATEGORY_SEPARATOR = "/";
const MAX_CATEGORY_DEPTH = 5;

/** "饮料/果汁" → ["饮料", "果汁"]; null if a level is empty or too long. Empty text → no category. */
export function parseCategoryPath(input: string): string[] | null {
  const s = input.trim();
  if (!s) return [];
  const parts = s.split(/[/／]/).map((p) => p.trim());
  if (parts.length > MAX_CATEGORY_DEPTH || parts.some((p) => !p || p.length > 50)) return null;
  return parts;
}

// Codes go into URLs, file names and other systems: no spaces or control characters.
const CODE_PATTERN = /^[^\s\p{Cc}]{1,64}$/u;
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{2,63}$/;
const MIN_PASSWORD_LENGTH = 8;

/** Ordering-account usernames compare trimmed and lower-cased, as the login form does. */
export const normaliseImportUsername = (username: string) => username.trim().toLowerCase();

export interface TableRow {
  line: number;
  cells: string[];
}

/** A cell as a person meant it: an exported formula guard removed, surrounding spaces trimmed. */
const cellText = (cells: readonly string[], index: number | undefined) =>
  index === undefined ? undefined : unescapeFormula(cells[index] ?? "").trim();

const isBlankRow = (cells: readonly string[]) => cells.every((c) => c.trim() === "");

/** Reads one row's cells by column key, collecting problems with the file's own header names. */
class RowReader {
  readonly problems: Problem[] = [];
  constructor(
    private readonly header: HeaderMap,
    private readonly row: TableRow,
  ) {}

  has(key: string): boolean {
    return this.header.columns.has(key);
  }

  columnName(key: string): string | undefined {
    const index = this.header.columns.get(key);
    return index === undefined ? undefined : this.header.headers[index];
  }

  problem(key: string, code: ProblemCode, params?: Problem["params"]) {
    const column = this.columnName(key);
    this.problems.push({
      line: this.row.line,
      ...(column === undefined ? { columnKey: key } : { column }),
      code,
      ...(params ? { params } : {}),
    });
  }

  /** The trimmed text, or undefined when the file has no such column. */
  raw(key: string): string | undefined {
    return cellText(this.row.cells, this.header.columns.get(key));
  }

  /**
   * The trimmed text; undefined when the file has no such column. A `required` field may not be
   * empty, and a new record (`isNew`) needs its column.
   */
  text(key: string, maxLength: number, required = false, isNew = false): string | undefined {
    const value = this.raw(key);
    if (value === undefined) {
      if (required && isNew) this.problem(key, "required");
      return undefined;
    }
    if (value === "") {
      if (required) this.problem(key, "required");
      return required ? undefined : "";
    }
    if (value.length > maxLength) {
      this.problem(key, "tooLong", { max: maxLength });
      return undefined;
    }
    return value;
  }

  money(key: string, isNew: boolean): number | undefined {
    const value = this.raw(key);
    if (value === undefined || value === "") {
      if (value === "" || isNew) this.problem(key, "required");
      return undefined;
    }
    const fen = parseMoneyToFen(value);
    if (fen === null) this.problem(key, "money", { value });
    return fen ?? undefined;
  }

  /** A whole number ≥ 1; an empty cell gives `empty`. */
  quantity(key: string, empty: number | null): number | null | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (value === "") return empty;
    const n = parseQuantity(value);
    if (n === null) {
      this.problem(key, "integer", { value });
      return undefined;
    }
    if (n < 1) {
      this.problem(key, "atLeastOne", { value });
      return undefined;
    }
    return n;
  }

  code(key: string): string | undefined {
    const value = this.raw(key) ?? "";
    if (!value) {
      this.problem(key, "required");
      return undefined;
    }
    if (!CODE_PATTERN.test(value)) {
      this.problem(key, "code", { value: value.slice(0, 80) });
      return undefined;
    }
    return value;
  }
}

export interface ProductRow {
  line: number;
  skuCode: string;
  productName?: string;
  categoryPath?: string[];
  spec?: string;
  barcode?: string;
  unit?: string;
  basePrice?: number;
  retailPrice?: number;
  minQty?: number;
  maxQty?: number | null;
  multiple?: number;
  listed?: boolean;
  tags?: ProductTag[];
  /** Only the level columns the file has; `null` removes the level's explicit price (base × discount applies). */
  levelPrices: Array<{ levelCode: string; price: number | null }>;
}

export interface ProductRowContext extends HeaderContext {
  /** SKU codes already in the database: their rows update, all others create. */
  existingSkuCodes: ReadonlySet<string>;
}

export interface CustomerRow {
  line: number;
  code: string;
  name?: string;
  levelCode?: string | null;
  regionCode?: string;
  contactName?: string;
  phone?: string;
  address?: string;
  invoiceTitle?: string;
  taxNo?: string;
  bankName?: string;
  bankAccount?: string;
  username?: string;
  /** Set only for new customers; existing customers keep their password. */
  password?: string;
}

export interface CustomerRowContext {
  levelCodes: readonly string[];
  regionCodes: readonly string[];
  /** `null`: any region; otherwise the region codes this staff member may import into. */
  allowedRegionCodes: readonly string[] | null;
  /** Customers already in the database by code, with their current region code. */
  existingCustomers: ReadonlyMap<string, { regionCode: string }>;
  /** Who holds each (normalised) username already: a customer code, or null for a staff account. */
  usernameOwners: ReadonlyMap<string, string | null>;
}

export interface ValidationResult<T> {
  rows: T[];
  problems: Problem[];
  /** Non-blank data rows in the file. */
  dataRows: number;
  /** Data rows with at least one problem. */
  badRows: number;
  /** Rows that would create a record (the rest update one). */
  creates: number;
  /** Existing customers' rows whose password cell was filled: it is ignored. */
  ignoredPasswords: number;
}

interface Split {
  headerLine: number;
  headerCells: string[];
  data: TableRow[];
}

/** The first non-blank record is the header; blank records are skipped. */
function splitTable(table: readonly TableRow[]): Split | null {
  const first = table.findIndex((r) => !isBlankRow(r.cells));
  if (first < 0) return null;
  return {
    headerLine: table[first]!.line,
    headerCells: table[first]!.cells,
    data: table.slice(first + 1).filter((r) => !isBlankRow(r.cells)),
  };
}

function fileProblems(split: Split | null, line: number): Problem[] | null {
  if (!split || split.data.length === 0) return [{ line, code: "emptyFile" }];
  if (split.data.length > MAX_IMPORT_ROWS) return [{ line, code: "tooManyRows", params: { max: MAX_IMPORT_ROWS } }];
  return null;
}

function emptyResult<T>(problems: Problem[], dataRows = 0): ValidationResult<T> {
  return { rows: [], problems, dataRows, badRows: 0, creates: 0, ignoredPasswords: 0 };
}

/** The codes a file's rows name in its code column, for looking up what exists before validating. */
export function codesInTable(kind: ImportKind, table: readonly TableRow[]): { codes: string[]; usernames: string[] } {
  const split = splitTable(table);
  if (!split) return { codes: [], usernames: [] };
  const specs: readonly ColumnSpec[] = kind === "products" ? PRODUCT_COLUMNS : CUSTOMER_COLUMNS;
  const find = (key: string) => {
    const spec = specs.find((s) => s.key === key)!;
    const names = new Set([spec.zh, spec.en, ...spec.aliases].map(normaliseHeader));
    return split.headerCells.findIndex((h) => names.has(normaliseHeader(unescapeFormula(h).trim())));
  };
  const pick = (index: number) =>
    index < 0 ? [] : [...new Set(split.data.map((r) => cellText(r.cells, index) ?? "").filter(Boolean))];
  const codeIndex = find(kind === "products" ? "skuCode" : "code");
  return {
    codes: pick(codeIndex),
    usernames: kind === "customers" ? pick(find("username")).map(normaliseImportUsername) : [],
  };
}

export function validateProductTable(table: readonly TableRow[], ctx: ProductRowContext): ValidationResult<ProductRow> {
  const split = splitTable(table);
  const early = fileProblems(split, split?.headerLine ?? 1);
  if (early) return emptyResult(early, split?.data.length ?? 0);
  const { headerLine, headerCells, data } = split!;
  const resolved = resolveHeader("products", headerCells, headerLine, ctx);
  if (!resolved.ok) return emptyResult(resolved.problems, data.length);
  const { header } = resolved;

  const rows: ProductRow[] = [];
  const problems: Problem[] = [];
  let badRows = 0;
  let creates = 0;
  const firstLineOfCode = new Map<string, number>();

  for (const row of data) {
    const r = new RowReader(header, row);
    const skuCode = r.code("skuCode");
    const isNew = skuCode !== undefined && !ctx.existingSkuCodes.has(skuCode);
    if (skuCode !== undefined) {
      const first = firstLineOfCode.get(skuCode);
      if (first !== undefined) r.problem("skuCode", "duplicateCode", { line: first, value: skuCode });
      else firstLineOfCode.set(skuCode, row.line);
    }
    const productName = r.text("productName", 200, true, isNew);
    let categoryPath: string[] | undefined;
    const categoryText = r.raw("category");
    if (categoryText !== undefined) {
      const parsed = parseCategoryPath(categoryText);
      if (parsed === null) r.problem("category", "category", { value: categoryText.slice(0, 80) });
      else categoryPath = parsed;
    }
    const spec = r.text("spec", 200);
    const barcode = r.text("barcode", 64);
    if (barcode && /\s/.test(barcode)) r.problem("barcode", "code", { value: barcode });
    const unit = r.text("unit", 16, true, isNew);
    const basePrice = r.money("basePrice", isNew);
    const retailPrice = r.money("retailPrice", isNew);
    const minQty = r.quantity("minQty", 1) ?? undefined;
    const maxQty = r.quantity("maxQty", null);
    if (typeof minQty === "number" && typeof maxQty === "number" && maxQty < minQty) {
      r.problem("maxQty", "maxBelowMin", { min: minQty, max: maxQty });
    }
    const multiple = r.quantity("multiple", 1) ?? undefined;
    let listed: boolean | undefined;
    const listedText = r.raw("listed");
    if (listedText !== undefined) {
      const flag = listedText === "" ? true : parseFlag(listedText);
      if (flag === null) r.problem("listed", "boolean", { value: listedText.slice(0, 40) });
      else listed = flag;
    }
    let tags: ProductTag[] | undefined;
    const tagsText = r.raw("tags");
    if (tagsText !== undefined) {
      const parsed = parseTags(tagsText);
      if (parsed.unknown.length) r.problem("tags", "unknownTag", { value: parsed.unknown.join(" ").slice(0, 80) });
      else tags = parsed.tags;
    }
    const levelPrices: ProductRow["levelPrices"] = [];
    for (const lp of header.levelPrices) {
      const value = cellText(row.cells, lp.index) ?? "";
      if (value === "") {
        levelPrices.push({ levelCode: lp.levelCode, price: null });
        continue;
      }
      const fen = parseMoneyToFen(value);
      if (fen === null) {
        r.problems.push({ line: row.line, column: header.headers[lp.index], code: "money", params: { value } });
      } else levelPrices.push({ levelCode: lp.levelCode, price: fen });
    }
    if (r.problems.length) {
      problems.push(...r.problems);
      badRows++;
      continue;
    }
    if (isNew) creates++;
    rows.push({
      line: row.line,
      skuCode: skuCode!,
      productName,
      categoryPath,
      spec,
      barcode,
      unit,
      basePrice,
      retailPrice,
      minQty,
      maxQty: maxQty === undefined ? undefined : maxQty,
      multiple,
      listed,
      tags,
      levelPrices,
    });
  }
  return { rows, problems, dataRows: data.length, badRows, creates, ignoredPasswords: 0 };
}

export function validateCustomerTable(
  table: readonly TableRow[],
  ctx: CustomerRowContext,
): ValidationResult<CustomerRow> {
  const split = splitTable(table);
  const early = fileProblems(split, split?.headerLine ?? 1);
  if (early) return emptyResult(early, split?.data.length ?? 0);
  const { headerLine, headerCells, data } = split!;
  const resolved = resolveHeader("customers", headerCells, headerLine, { levelCodes: ctx.levelCodes });
  if (!resolved.ok) return emptyResult(resolved.problems, data.length);
  const { header } = resolved;

  const rows: CustomerRow[] = [];
  const problems: Problem[] = [];
  let badRows = 0;
  let creates = 0;
  let ignoredPasswords = 0;
  const firstLineOfCode = new Map<string, number>();
  const firstLineOfUsername = new Map<string, number>();
  const inScope = (regionCode: string) =>
    ctx.allowedRegionCodes === null || ctx.allowedRegionCodes.includes(regionCode);

  for (const row of data) {
    const r = new RowReader(header, row);
    const code = r.code("code");
    const existing = code === undefined ? undefined : ctx.existingCustomers.get(code);
    const isNew = code !== undefined && existing === undefined;
    if (code !== undefined) {
      const first = firstLineOfCode.get(code);
      if (first !== undefined) r.problem("code", "duplicateCode", { line: first, value: code });
      else firstLineOfCode.set(code, row.line);
      // A customer outside the importer's regions is "unavailable", whether or not it exists.
      if (existing && !inScope(existing.regionCode)) r.problem("code", "codeUnavailable", { value: code });
    }
    const name = r.text("name", 200, true, isNew);

    let levelCode: string | null | undefined;
    const levelText = r.raw("levelCode");
    if (levelText !== undefined) {
      if (levelText === "") levelCode = null;
      else {
        const matched = matchCode(levelText, ctx.levelCodes);
        if (matched === null) r.problem("levelCode", "unknownLevel", { value: levelText.slice(0, 40) });
        else levelCode = matched;
      }
    }

    let regionCode: string | undefined;
    const regionText = r.raw("regionCode");
    if (regionText === undefined || regionText === "") {
      if (isNew || regionText === "") r.problem("regionCode", "required");
    } else {
      const matched = matchCode(regionText, ctx.regionCodes);
      if (matched === null) r.problem("regionCode", "unknownRegion", { value: regionText.slice(0, 40) });
      else if (!inScope(matched)) r.problem("regionCode", "regionOutOfScope", { value: matched });
      else regionCode = matched;
    }

    const contactName = r.text("contactName", 64);
    const phone = r.text("phone", 32);
    if (phone && !/^[0-9+\-() ]+$/.test(phone)) r.problem("phone", "phone", { value: phone });
    const address = r.text("address", 500);
    const invoiceTitle = r.text("invoiceTitle", 200);
    const taxNo = r.text("taxNo", 64);
    const bankName = r.text("bankName", 100);
    const bankAccount = r.text("bankAccount", 64);

    let username: string | undefined;
    const usernameText = r.raw("username");
    if (usernameText === undefined || usernameText === "") {
      if (isNew || usernameText === "") r.problem("username", "required");
    } else {
      const normalised = normaliseImportUsername(usernameText);
      if (!USERNAME_PATTERN.test(normalised)) r.problem("username", "username", { value: usernameText.slice(0, 80) });
      else {
        const first = firstLineOfUsername.get(normalised);
        const owner = ctx.usernameOwners.get(normalised);
        if (first !== undefined) r.problem("username", "duplicateUsername", { line: first, value: normalised });
        else firstLineOfUsername.set(normalised, row.line);
        // Held by a staff account or another customer: the account would not be this customer's.
        if (owner !== undefined && owner !== code) r.problem("username", "usernameTaken", { value: normalised });
        username = normalised;
      }
    }

    let password: string | undefined;
    const passwordText = cellText(row.cells, header.columns.get("password"));
    if (isNew) {
      if (!passwordText) r.problem("password", "required");
      else if (passwordText.length < MIN_PASSWORD_LENGTH) r.problem("password", "passwordTooShort");
      else if (passwordText.length > 256) r.problem("password", "tooLong", { max: 256 });
      else password = passwordText;
    }

    if (r.problems.length) {
      problems.push(...r.problems);
      badRows++;
      continue;
    }
    if (isNew) creates++;
    else if (passwordText) ignoredPasswords++;
    rows.push({
      line: row.line,
      code: code!,
      name,
      levelCode,
      regionCode,
      contactName,
      phone,
      address,
      invoiceTitle,
      taxNo,
      bankName,
      bankAccount,
      username,
      password,
    });
  }
  return { rows, problems, dataRows: data.length, badRows, creates, ignoredPasswords };
}

export interface ExistingSku {
  productId: number;
  minQty: number;
  maxQty: number | null;
  multiple: number;
}

export interface ExistingProduct {
  id: number;
  name: string;
  categoryPath: string[];
}

export interface PlannedProduct {
  /** The product these rows update, or null: create it. */
  existingId: number | null;
  name: string;
  categoryPath: string[];
  /** Undefined: keep the stored tags. */
  tags?: ProductTag[];
  rows: ProductRow[];
}

const productKey = (name: string, path: readonly string[]) => `${name}\u0000${path.join(CATEGORY_SEPARATOR)}`;

/**
 * Groups SKU rows into products (商品). An existing SKU never changes product: its row may
 * rename its product, move it to another category or retag it. A new SKU joins the product
 * with the same name and category — one this file names, else an existing one (the oldest),
 * else a new one. Rows of one product must agree on its name, category and tags.
 * `existing.products` holds the products of the file's existing SKUs and those whose names
 * the file's new SKUs use.
 */
export function planProducts(
  rows: readonly ProductRow[],
  existing: { skus: ReadonlyMap<string, ExistingSku>; products: ReadonlyMap<number, ExistingProduct> },
): { products: PlannedProduct[]; problems: Problem[] } {
  const problems: Problem[] = [];
  type Claim<T> = { value: T; line: number } | undefined;
  interface Target extends PlannedProduct {
    claims: { productName: Claim<string>; category: Claim<string[]>; tags: Claim<ProductTag[]> };
  }
  const targets: Target[] = [];
  const byExistingId = new Map<number, Target>();

  const claim = <T>(
    target: Target,
    field: keyof Target["claims"],
    value: T | undefined,
    line: number,
    same: (a: T, b: T) => boolean,
  ) => {
    if (value === undefined) return;
    const held = target.claims[field] as Claim<T>;
    if (!held) (target.claims[field] as Claim<T>) = { value, line };
    else if (!same(held.value, value)) {
      problems.push({ line, columnKey: field, code: "productConflict", params: { line: held.line } });
    }
  };
  const sameText = (a: string, b: string) => a === b;
  const sameList = (a: readonly string[], b: readonly string[]) => a.join("\u0000") === b.join("\u0000");
  const newTarget = (existingId: number | null, name: string, categoryPath: string[]): Target => {
    const target: Target = { existingId, name, categoryPath, rows: [], claims: {} as Target["claims"] };
    targets.push(target);
    if (existingId !== null) byExistingId.set(existingId, target);
    return target;
  };

  // Rows of existing SKUs first: they fix which products the file renames or moves.
  for (const row of rows) {
    const sku = existing.skus.get(row.skuCode);
    if (!sku) continue;
    const product = existing.products.get(sku.productId);
    if (!product) throw new Error(`planProducts: product ${sku.productId} of SKU ${row.skuCode} was not given`);
    const target = byExistingId.get(product.id) ?? newTarget(product.id, product.name, product.categoryPath);
    claim(target, "productName", row.productName, row.line, sameText);
    claim(target, "category", row.categoryPath, row.line, sameList);
    claim(target, "tags", row.tags, row.line, sameList);
    // A file may change only one of min/max: check the pair as it will be stored.
    const minQty = row.minQty ?? sku.minQty;
    const maxQty = row.maxQty !== undefined ? row.maxQty : sku.maxQty;
    if (maxQty !== null && maxQty < minQty) {
      problems.push({
        line: row.line,
        columnKey: row.maxQty !== undefined ? "maxQty" : "minQty",
        code: "maxBelowMin",
        params: { min: minQty, max: maxQty },
      });
    }
    target.rows.push(row);
  }
  const byKey = new Map<string, Target>();
  for (const target of targets) {
    target.name = target.claims.productName?.value ?? target.name;
    target.categoryPath = target.claims.category?.value ?? target.categoryPath;
    const key = productKey(target.name, target.categoryPath);
    if (!byKey.has(key)) byKey.set(key, target);
  }
  const candidates = new Map<string, ExistingProduct>();
  for (const product of [...existing.products.values()].sort((a, b) => a.id - b.id)) {
    if (byExistingId.has(product.id)) continue;
    const key = productKey(product.name, product.categoryPath);
    if (!candidates.has(key)) candidates.set(key, product);
  }

  for (const row of rows) {
    if (existing.skus.has(row.skuCode)) continue;
    const categoryPath = row.categoryPath ?? [];
    const key = productKey(row.productName!, categoryPath);
    let target = byKey.get(key);
    if (!target) {
      const candidate = candidates.get(key);
      target = candidate
        ? newTarget(candidate.id, candidate.name, candidate.categoryPath)
        : newTarget(null, row.productName!, categoryPath);
      byKey.set(key, target);
    }
    claim(target, "tags", row.tags, row.line, sameList);
    target.rows.push(row);
  }

  return {
    products: targets.map(({ claims, ...planned }) => ({ ...planned, tags: claims.tags?.value })),
    problems,
  };
}

/** A dry run's answer: what the file would do, and every problem that stops it (capped for display). */
export interface ImportReport {
  kind: ImportKind;
  dataRows: number;
  badRows: number;
  creates: number;
  updates: number;
  ignoredPasswords: number;
  /** The first MAX_REPORTED_PROBLEMS problems, by line. */
  problems: Problem[];
  problemCount: number;
}

export const MAX_REPORTED_PROBLEMS = 1000;

export function makeReport(
  kind: ImportKind,
  validation: ValidationResult<unknown>,
  laterProblems: readonly Problem[] = [],
): ImportReport {
  const problems = [...validation.problems, ...laterProblems].sort((a, b) => a.line - b.line);
  // Later checks (planning) only see rows that passed validation, so their lines are new bad rows.
  const laterBadRows = new Set(laterProblems.map((p) => p.line)).size;
  return {
    kind,
    dataRows: validation.dataRows,
    badRows: validation.badRows + laterBadRows,
    creates: validation.creates,
    updates: validation.rows.length - validation.creates,
    ignoredPasswords: validation.ignoredPasswords,
    problems: problems.slice(0, MAX_REPORTED_PROBLEMS),
    problemCount: problems.length,
  };
}
