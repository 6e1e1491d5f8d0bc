import { z } from "zod";
import { isCalendarDay } from "../domain/day-range";
import { PAYMENT_METHODS } from "../domain/funds";
import { parseYuanToFen } from "../http/forms";

/**
 * The funds forms (收款确认, 返点, 调整, 红冲, 授信, 线下付款): one schema each, used by
 * react-hook-form in the browser and by the action on the server. Messages are i18n keys.
 * Amounts are typed in yuan and become integer fen here, never through a float.
 */

const text = (max: number) => z.string().trim().max(max, "validation.tooLong");
const requiredText = (max: number) => text(max).min(1, "validation.required");

const id = z
  .string()
  .trim()
  .regex(/^\d{1,12}$/, "validation.invalid")
  .transform(Number);

/** Yuan as typed → fen; 0 allowed only where `allowZero`. */
const yuan = (allowZero = false) =>
  z
    .string()
    .trim()
    .min(1, "validation.required")
    .refine((v) => parseYuanToFen(v) !== null, "validation.money")
    .transform((v) => parseYuanToFen(v)!)
    .refine((fen) => allowZero || fen > 0, "funds.errors.positive");

const day = z
  .string()
  .trim()
  .min(1, "validation.required")
  .refine((v) => isCalendarDay(v), "funds.errors.date");

const method = z.enum(PAYMENT_METHODS, { error: "validation.required" });

/** "10" or "12.5" (%) → 1000 or 1250 basis points; 0 switches rebate payment off. */
export function parseSharePercent(input: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(input.trim().replace(/[%％\s]/g, ""));
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return bp <= 10_000 ? bp : null;
}

/** 1250 → "12.5" for an input's value. */
export function bpToPercent(bp: number): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}`;
}

export const paymentSchema = z.object({
  account: z.enum(["prepaid", "deposit", "receivable"], { error: "validation.required" }),
  amount: yuan(),
  method,
  reference: text(100),
  businessDate: day,
  reason: text(200),
});

export const rebateSchema = z.object({
  amount: yuan(),
  reason: requiredText(200),
  reference: text(100),
  businessDate: day,
});

export const adjustSchema = z.object({
  account: z.enum(["prepaid", "rebate", "deposit"], { error: "validation.required" }),
  direction: z.enum(["increase", "decrease"], { error: "validation.required" }),
  amount: yuan(),
  reason: requiredText(200),
  reference: text(100),
  businessDate: day,
});

export const creditChargeSchema = z.object({
  amount: yuan(),
  reason: requiredText(200),
  reference: text(100),
  businessDate: day,
  overLimitReason: text(200),
});

export const reverseSchema = z.object({ entryId: id, reason: requiredText(200) });

export const creditLimitSchema = z.object({ creditLimit: yuan(true), overLimitReason: text(200) });

export const rebateShareSchema = z.object({
  share: z
    .string()
    .trim()
    .min(1, "validation.required")
    .refine((v) => parseSharePercent(v) !== null, "funds.errors.percent")
    .transform((v) => parseSharePercent(v)!),
});

export const confirmReportSchema = z.object({ reportId: id });

export const rejectReportSchema = z.object({ reportId: id, reason: requiredText(200) });

/** The dealer's offline payment report; the proof image comes as a file beside these fields. */
export const paymentReportSchema = z.object({
  amount: yuan(),
  method,
  reference: text(100),
  paidOn: day,
  note: text(200),
});
