import { z } from "zod";

/**
 * The storefront's return forms: one schema each, used by react-hook-form in the browser and by
 * the action on the server. Messages are i18n keys. The request form's fields are named
 * `lines.<i>.quantity` etc.; the server turns the posted names into the same nested shape.
 */

/** The reasons a dealer picks from (the returns service's RETURN_REASONS; that module is server-only). */
export const RETURN_REASON_OPTIONS = ["quality", "wrong_item", "damaged", "other"] as const;

const text = (max: number) => z.string().trim().max(max, "validation.tooLong");

const wholeNumber = z
  .string()
  .trim()
  .regex(/^\d{0,6}$/, "validation.integer")
  .transform((v) => (v ? Number(v) : 0));

/**
 * `returnable` (order line id → units still returnable) lets the browser refuse too many units
 * before posting; the server leaves it out, since the service checks within its lock.
 */
export function returnRequestSchema(returnable?: Record<number, number>) {
  const line = z
    .object({
      orderLineId: z
        .string()
        .regex(/^\d{1,12}$/, "validation.invalid")
        .transform(Number),
      quantity: wholeNumber,
      reason: z.enum(RETURN_REASON_OPTIONS, { error: "validation.required" }),
      note: text(200),
    })
    .superRefine((l, ctx) => {
      if (returnable && l.quantity > (returnable[l.orderLineId] ?? 0))
        ctx.addIssue({ code: "custom", path: ["quantity"], message: "returns.error.exceeds_returnable" });
      if (l.quantity > 0 && l.reason === "other" && !l.note)
        ctx.addIssue({ code: "custom", path: ["note"], message: "returns.error.note_required" });
    });
  return z.object({
    order: z.string().trim().min(1, "validation.required").max(40, "validation.tooLong"),
    idempotencyKey: z.string().regex(/^[\w-]{8,100}$/, "validation.invalid"),
    note: text(500),
    lines: z.array(line).refine((lines) => lines.some((l) => l.quantity > 0), "returns.error.no_lines"),
  });
}

export type ReturnRequest = z.infer<ReturnType<typeof returnRequestSchema>>;

/** Posted `lines.<i>.<field>` names → `{ lines: [{ field }] }`, the shape the schema reads. */
export function nestReturnRequest(values: Record<string, string>): Record<string, unknown> {
  const nested: Record<string, unknown> = {};
  const lines: Array<Record<string, string>> = [];
  for (const [key, value] of Object.entries(values)) {
    const m = /^lines\.(\d{1,3})\.(orderLineId|quantity|reason|note)$/.exec(key);
    if (!m) {
      nested[key] = value;
      continue;
    }
    const line = lines[Number(m[1])] ?? {};
    line[m[2]!] = value;
    lines[Number(m[1])] = line;
  }
  nested.lines = Array.from(lines, (l) => l ?? {});
  return nested;
}

/** Recording how the goods come back: carrier and tracking number, or dropped off in person. */
export const shipBackSchema = z
  .object({
    intent: z.literal("ship_back"),
    version: z
      .string()
      .regex(/^\d{1,9}$/, "validation.invalid")
      .transform(Number),
    // The browser's form library gives a boolean, a plain post "1" or nothing.
    dropOff: z
      .union([z.string(), z.boolean()])
      .optional()
      .transform((v) => v === true || v === "1" || v === "on"),
    // Disabled (greyed out) when dropping off, so then not posted at all.
    carrier: text(60).default(""),
    trackingNo: text(60).default(""),
  })
  .superRefine((v, ctx) => {
    if (v.dropOff) return;
    if (!v.carrier) ctx.addIssue({ code: "custom", path: ["carrier"], message: "validation.required" });
    if (!v.trackingNo) ctx.addIssue({ code: "custom", path: ["trackingNo"], message: "validation.required" });
  });

export const cancelReturnSchema = z.object({
  intent: z.literal("cancel"),
  version: z
    .string()
    .regex(/^\d{1,9}$/, "validation.invalid")
    .transform(Number),
});
