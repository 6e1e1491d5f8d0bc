import { z } from "zod";
import { parseYuanToFen } from "../http/forms";

/** The price page's forms (价格管理); each posts an `intent`. */

const id = z
  .string()
  .trim()
  .regex(/^\d{1,9}$/, "validation.invalid")
  .transform(Number);

/** "95" or "92.5" (per cent of the base order price) → 9500 or 9250 basis points. */
export function parsePercentToBp(input: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(input.trim().replace(/[%％\s]/g, ""));
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return bp >= 1 && bp <= 10_000 ? bp : null;
}

/** 9250 → "92.5" for an input's value. */
export function bpToPercentInput(bp: number): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}`;
}

const percent = z
  .string()
  .trim()
  .min(1, "validation.required")
  .refine((v) => parsePercentToBp(v) !== null, "products.prices.errors.percent")
  .transform((v) => parsePercentToBp(v)!);

const yuan = z
  .string()
  .trim()
  .min(1, "validation.required")
  .refine((v) => parseYuanToFen(v) !== null, "validation.money")
  .transform((v) => parseYuanToFen(v)!);

const code = z.string().trim().min(1, "validation.required").max(64, "validation.tooLong");

export const createLevelSchema = z.object({
  code: z.string().trim().min(1, "validation.required").max(20, "validation.tooLong"),
  name: z.string().trim().min(1, "validation.required").max(30, "validation.tooLong"),
  discount: percent,
});
export type CreateLevelInput = z.input<typeof createLevelSchema>;

export const updateLevelSchema = z.object({
  id,
  name: z.string().trim().min(1, "validation.required").max(30, "validation.tooLong"),
  discount: percent,
});

export const setLevelPriceSchema = z.object({ levelId: id, skuId: id, price: yuan });
export const clearLevelPriceSchema = z.object({ levelId: id, skuId: id });

/** A customer's own price: for a known customer and SKU, or typed in by customer code or SKU code. */
export const setCustomerPriceSchema = z
  .object({
    customerId: id.optional(),
    customerCode: code.optional(),
    skuId: id.optional(),
    skuCode: code.optional(),
    price: yuan,
  })
  .superRefine((v, ctx) => {
    if (v.customerId === undefined && v.customerCode === undefined)
      ctx.addIssue({ code: "custom", path: ["customerCode"], message: "validation.required" });
    if (v.skuId === undefined && v.skuCode === undefined)
      ctx.addIssue({ code: "custom", path: ["skuCode"], message: "validation.required" });
  });
export const clearCustomerPriceSchema = z.object({ customerId: id, skuId: id });

export const PRICE_INTENTS = [
  "createLevel",
  "updateLevel",
  "setLevelPrice",
  "clearLevelPrice",
  "setCustomerPrice",
  "clearCustomerPrice",
] as const;
export type PriceIntent = (typeof PRICE_INTENTS)[number];
export type CreateLevelData = z.output<typeof createLevelSchema>;
