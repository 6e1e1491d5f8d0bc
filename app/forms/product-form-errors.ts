import type { ProductProblem } from "../services/products.server";
import { SKU_PROBLEM_MESSAGES } from "./product-form";

const PROBLEM_MESSAGES: Record<ProductProblem["code"], string> = {
  ...SKU_PROBLEM_MESSAGES,
  code_taken: "products.errors.skuCodeTaken",
  category_not_found: "products.errors.categoryNotFound",
};

/** The service's problems → one message key per form field (`skus.1.code`, `name`, …). */
export function problemsToFieldErrors(problems: readonly ProductProblem[]): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const p of problems) {
    const key = p.index === null ? (p.field ?? "skus") : `skus.${p.index}.${p.field}`;
    fieldErrors[key] ??= PROBLEM_MESSAGES[p.code];
  }
  return fieldErrors;
}
