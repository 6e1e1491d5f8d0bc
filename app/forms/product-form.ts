import { z } from "zod";
import { PRODUCT_TAGS, type ProductTag } from "../domain/product-tags";
import { checkSkuRows, type SkuProblem } from "../domain/sku-rules";
import { fenToYuanInput, parseYuanToFen } from "../http/forms";

/**
 * The product form (商品): one schema for react-hook-form in the browser and the action on the
 * server. SKU rows are named `skus.0.code`, `skus.1.code`… — react-hook-form's own paths — so a
 * field error from either side lands next to the same input.
 */

export const SKU_PROBLEM_MESSAGES: Record<SkuProblem["code"], string> = {
  required: "validation.required",
  code_repeated: "products.errors.skuCodeRepeated",
  not_money: "validation.money",
  not_positive_integer: "validation.positiveInteger",
  max_below_min: "products.errors.maxBelowMin",
  no_skus: "products.errors.noSkus",
};

/** Unchecked boxes send nothing; react-hook-form reports a checked box as its value or `true`. */
const flag = z.preprocess((v) => v === true || v === "1" || v === "on", z.boolean());

const text = (max: number) => z.string().trim().max(max, "validation.tooLong");
const requiredText = (max: number) => text(max).min(1, "validation.required");

const yuan = z
  .string()
  .trim()
  .min(1, "validation.required")
  .refine((v) => parseYuanToFen(v) !== null, "validation.money")
  .transform((v) => parseYuanToFen(v)!);

const quantity = z
  .string()
  .trim()
  .min(1, "validation.required")
  .regex(/^\d{1,7}$/, "validation.positiveInteger")
  .transform(Number)
  .refine((n) => n >= 1, "validation.positiveInteger");

const optionalQuantity = z
  .string()
  .trim()
  .regex(/^(\d{1,7})?$/, "validation.positiveInteger")
  .transform((v) => (v === "" ? null : Number(v)))
  .refine((n) => n === null || n >= 1, "validation.positiveInteger");

const optionalId = z
  .string()
  .trim()
  .regex(/^\d{0,9}$/, "validation.invalid")
  .optional()
  .transform((v) => (v ? Number(v) : null));

export const skuRowSchema = z.object({
  id: optionalId,
  spec: text(100),
  code: requiredText(64).regex(/^\S+$/, "products.errors.codeNoSpaces"),
  barcode: text(64).regex(/^\S*$/, "products.errors.codeNoSpaces"),
  unit: requiredText(10),
  basePrice: yuan,
  retailPrice: yuan,
  minQty: quantity,
  maxQty: optionalQuantity,
  multiple: quantity,
  listed: flag,
});

const tags = z.preprocess(
  (v) => (Array.isArray(v) ? v : typeof v === "string" ? [v] : []),
  z.array(z.enum(PRODUCT_TAGS, { error: "validation.invalid" })),
);

export const productFormSchema = z
  .object({
    name: requiredText(100),
    categoryId: optionalId,
    description: text(2000),
    tags,
    listed: flag,
    /** The product's updated_at when the form was opened: a save over someone else's is refused. */
    updatedAt: z.string().max(40).optional(),
    skus: z.array(skuRowSchema).min(1, "products.errors.noSkus").max(100, "validation.tooLong"),
  })
  .superRefine((form, ctx) => {
    // The shared SKU rules (domain) on top of each row's own checks; repeated codes are the one
    // rule that needs the whole list.
    for (const problem of checkSkuRows(form.skus)) {
      if (problem.code !== "code_repeated") continue;
      ctx.addIssue({
        code: "custom",
        path: ["skus", problem.index!, "code"],
        message: SKU_PROBLEM_MESSAGES[problem.code],
      });
    }
    form.skus.forEach((row, index) => {
      if (row.maxQty !== null && row.maxQty < row.minQty) {
        ctx.addIssue({ code: "custom", path: ["skus", index, "maxQty"], message: "products.errors.maxBelowMin" });
      }
    });
  });

export type ProductFormInput = z.input<typeof productFormSchema>;
export type ProductFormData = z.output<typeof productFormSchema>;

/** One SKU row as the inputs hold it (strings), for defaults and for re-showing a failed submit. */
export interface SkuRowValues {
  id: string;
  spec: string;
  code: string;
  barcode: string;
  unit: string;
  basePrice: string;
  retailPrice: string;
  minQty: string;
  maxQty: string;
  multiple: string;
  listed: boolean;
}

export interface ProductFormValues {
  name: string;
  categoryId: string;
  description: string;
  tags: ProductTag[];
  listed: boolean;
  updatedAt: string;
  skus: SkuRowValues[];
}

export const emptySkuRow = (): SkuRowValues => ({
  id: "",
  spec: "",
  code: "",
  barcode: "",
  unit: "件",
  basePrice: "",
  retailPrice: "",
  minQty: "1",
  maxQty: "",
  multiple: "1",
  listed: true,
});

export const emptyProductForm = (): ProductFormValues => ({
  name: "",
  categoryId: "",
  description: "",
  tags: [],
  listed: true,
  updatedAt: "",
  skus: [emptySkuRow()],
});

/** A saved product → the form's strings (money as yuan). */
export function productToFormValues(product: {
  name: string;
  categoryId: number | null;
  description: string;
  tags: ProductTag[];
  listed: boolean;
  updatedAt: string;
  skus: ReadonlyArray<{
    id: number;
    spec: string;
    code: string;
    barcode: string;
    unit: string;
    basePrice: number;
    retailPrice: number;
    minQty: number;
    maxQty: number | null;
    multiple: number;
    listed: boolean;
  }>;
}): ProductFormValues {
  return {
    name: product.name,
    categoryId: product.categoryId === null ? "" : String(product.categoryId),
    description: product.description,
    tags: [...product.tags],
    listed: product.listed,
    updatedAt: product.updatedAt,
    skus: product.skus.map((s) => ({
      id: String(s.id),
      spec: s.spec,
      code: s.code,
      barcode: s.barcode,
      unit: s.unit,
      basePrice: fenToYuanInput(s.basePrice),
      retailPrice: fenToYuanInput(s.retailPrice),
      minQty: String(s.minQty),
      maxQty: s.maxQty === null ? "" : String(s.maxQty),
      multiple: String(s.multiple),
      listed: s.listed,
    })),
  };
}

const SKU_KEYS = [
  "id",
  "spec",
  "code",
  "barcode",
  "unit",
  "basePrice",
  "retailPrice",
  "minQty",
  "maxQty",
  "multiple",
] as const;

/**
 * Submitted form data → the nested shape the schema reads, and the typed strings to show again.
 * Rows keep their submitted order; gaps in the numbering (a row removed in the browser) close up.
 */
export function readProductForm(form: FormData): { raw: Record<string, unknown>; values: ProductFormValues } {
  const str = (key: string) => {
    const v = form.get(key);
    return typeof v === "string" ? v : "";
  };
  const rowIndexes = new Set<number>();
  for (const key of form.keys()) {
    const m = /^skus\.(\d{1,3})\./.exec(key);
    if (m) rowIndexes.add(Number(m[1]));
  }
  const rows = [...rowIndexes].sort((a, b) => a - b);
  const rawSkus = rows.map((i) => {
    const row: Record<string, unknown> = {};
    for (const k of SKU_KEYS) row[k] = str(`skus.${i}.${k}`);
    row.listed = form.get(`skus.${i}.listed`) ?? undefined;
    return row;
  });
  const rawTags = form.getAll("tags").filter((v): v is string => typeof v === "string");
  const raw = {
    name: str("name"),
    categoryId: str("categoryId"),
    description: str("description"),
    tags: rawTags,
    listed: form.get("listed") ?? undefined,
    updatedAt: str("updatedAt") || undefined,
    skus: rawSkus,
  };
  const values: ProductFormValues = {
    name: raw.name,
    categoryId: raw.categoryId,
    description: raw.description,
    tags: PRODUCT_TAGS.filter((t) => rawTags.includes(t)),
    listed: raw.listed === "1",
    updatedAt: str("updatedAt"),
    skus: rawSkus.map((r) => ({
      ...(Object.fromEntries(SKU_KEYS.map((k) => [k, r[k] as string])) as Omit<SkuRowValues, "listed">),
      listed: r.listed === "1",
    })),
  };
  return { raw, values };
}

export type ProductFormResult =
  | { ok: true; data: ProductFormData; values: ProductFormValues }
  | { ok: false; fieldErrors: Record<string, string>; values: ProductFormValues };

export function parseProductForm(form: FormData): ProductFormResult {
  const { raw, values } = readProductForm(form);
  const parsed = productFormSchema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join(".") || "_form";
    fieldErrors[key] ??= issue.message;
  }
  return { ok: false, fieldErrors, values };
}

/**
 * "Add a row" / "remove row N" as the no-JavaScript form posts them: the form as typed, with
 * the row added or removed, to show again. Null for any other intent.
 */
export function applyRowIntent(values: ProductFormValues, intent: string): ProductFormValues | null {
  if (intent === "addSku") return { ...values, skus: [...values.skus, emptySkuRow()] };
  const m = /^removeSku:(\d{1,3})$/.exec(intent);
  if (!m) return null;
  const skus = values.skus.filter((_, i) => i !== Number(m[1]));
  return { ...values, skus: skus.length ? skus : [emptySkuRow()] };
}
