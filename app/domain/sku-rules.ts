/**
 * What makes a product's SKU rows (规格) acceptable, whoever sends them — the console form,
 * an import, the API: at least one row; codes present and not repeated; quantities whole
 * numbers with 起订量 min ≥ 1, 订货倍数 multiple ≥ 1 and 限购量 max (if any) ≥ min; prices whole fen ≥ 0.
 */
export interface SkuRuleInput {
  code: string;
  unit: string;
  basePrice: number;
  retailPrice: number;
  minQty: number;
  maxQty: number | null;
  multiple: number;
}

export type SkuField = "code" | "unit" | "basePrice" | "retailPrice" | "minQty" | "maxQty" | "multiple";

export type SkuProblemCode = "required" | "code_repeated" | "not_money" | "not_positive_integer" | "max_below_min";

export interface SkuProblem {
  /** Index of the row, or null for a problem of the whole list (no rows). */
  index: number | null;
  field: SkuField | null;
  code: SkuProblemCode | "no_skus";
}

const isFen = (v: number) => Number.isSafeInteger(v) && v >= 0;
const isPositiveInt = (v: number) => Number.isSafeInteger(v) && v >= 1;

/** Every problem, row by row; an empty list means the rows may be saved. */
export function checkSkuRows(rows: readonly SkuRuleInput[]): SkuProblem[] {
  const problems: SkuProblem[] = [];
  if (rows.length === 0) return [{ index: null, field: null, code: "no_skus" }];
  const firstIndexOfCode = new Map<string, number>();
  rows.forEach((row, index) => {
    const code = row.code.trim();
    if (!code) problems.push({ index, field: "code", code: "required" });
    else if (firstIndexOfCode.has(code)) problems.push({ index, field: "code", code: "code_repeated" });
    else firstIndexOfCode.set(code, index);
    if (!row.unit.trim()) problems.push({ index, field: "unit", code: "required" });
    if (!isFen(row.basePrice)) problems.push({ index, field: "basePrice", code: "not_money" });
    if (!isFen(row.retailPrice)) problems.push({ index, field: "retailPrice", code: "not_money" });
    if (!isPositiveInt(row.minQty)) problems.push({ index, field: "minQty", code: "not_positive_integer" });
    if (!isPositiveInt(row.multiple)) problems.push({ index, field: "multiple", code: "not_positive_integer" });
    if (row.maxQty !== null) {
      if (!isPositiveInt(row.maxQty)) problems.push({ index, field: "maxQty", code: "not_positive_integer" });
      else if (isPositiveInt(row.minQty) && row.maxQty < row.minQty)
        problems.push({ index, field: "maxQty", code: "max_below_min" });
    }
  });
  return problems;
}
