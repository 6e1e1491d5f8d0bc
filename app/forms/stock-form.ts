import { z } from "zod";

/**
 * The stock and warehouse forms: one schema each, used by react-hook-form in the browser and
 * by the action on the server. Messages are i18n keys.
 */

const text = (max: number) => z.string().trim().max(max, "validation.tooLong");
const requiredText = (max: number) => text(max).min(1, "validation.required");
const id = z
  .string()
  .trim()
  .regex(/^\d{1,12}$/, "validation.invalid")
  .transform(Number);

/** Which stock row a form acts on (hidden fields). */
const target = { skuId: id, warehouseId: id };

export const adjustSchema = z.object({
  ...target,
  delta: z
    .string()
    .trim()
    .min(1, "validation.required")
    .regex(/^[+-]?\d{1,7}$/, "stock.errors.signedInteger")
    .transform(Number)
    .refine((n) => n !== 0, "stock.errors.deltaZero"),
  reason: requiredText(200),
});

const count = z
  .string()
  .trim()
  .min(1, "validation.required")
  .regex(/^\d{1,7}$/, "stock.errors.nonNegative")
  .transform(Number);

export const stocktakeSchema = z.object({ ...target, counted: count, reason: requiredText(200) });

export const initialStockSchema = z.object({ ...target, quantity: count, reason: text(200) });

export const warehouseSchema = z.object({
  code: requiredText(32).regex(/^[A-Za-z0-9_-]+$/, "stock.errors.codeFormat"),
  name: requiredText(50),
  address: text(200),
});

export const warehouseEditSchema = z.object({ warehouseId: id, name: requiredText(50), address: text(200) });
