import { z } from "zod";
import { dayEndUtc, dayStartUtc, isCalendarDay } from "../domain/day-range";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(isCalendarDay)
  .optional()
  .catch(undefined);

// A bad or stale parameter falls back to "no filter" instead of failing the page.
const querySchema = z.object({
  actor: z.string().trim().max(64).optional().catch(undefined),
  action: z
    .string()
    .trim()
    .max(80)
    .regex(/^[a-z0-9_.*-]*$/i)
    .optional()
    .catch(undefined),
  objectType: z
    .string()
    .trim()
    .max(40)
    .regex(/^[a-z0-9_.-]*$/i)
    .optional()
    .catch(undefined),
  objectId: z.string().trim().max(64).optional().catch(undefined),
  from: day,
  to: day,
  cursor: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number)
    .optional()
    .catch(undefined),
});

/**
 * The audit log's filters from the URL (the list and its export read the same ones). Days are
 * calendar days in the deployment's time zone, turned into UTC bounds here.
 */
export function auditFilterFromUrl(url: URL, timeZone: string) {
  const q = querySchema.parse(Object.fromEntries(url.searchParams));
  let { from, to } = q;
  if (from && to && from > to) [from, to] = [to, from];
  return {
    form: {
      actor: q.actor ?? "",
      action: q.action ?? "",
      objectType: q.objectType ?? "",
      objectId: q.objectId ?? "",
      from: from ?? "",
      to: to ?? "",
    },
    query: {
      actor: q.actor || undefined,
      action: q.action || undefined,
      objectType: q.objectType || undefined,
      objectId: q.objectId || undefined,
      fromUtc: from ? dayStartUtc(from, timeZone).toISOString() : undefined,
      toUtc: to ? dayEndUtc(to, timeZone).toISOString() : undefined,
    },
    cursor: q.cursor,
  };
}
