import { z } from "zod";
import { RETURN_PIPELINE } from "../domain/return-pipeline";
import type { Disposition, ReturnReason } from "../services/returns.server";

/** Every status a return can be in, in pipeline order, then the ends. */
export const RETURN_STATUSES = [
  ...RETURN_PIPELINE.steps.map((s) => s.status),
  "completed",
  "rejected",
  "cancelled",
] as const;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);

/** The console's return list filters (URL parameters); the export reads the same ones. */
export const returnsQuerySchema = z.object({
  status: z.enum(RETURN_STATUSES).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  from: day,
  to: day,
  cursor: z.coerce.number().int().positive().optional().catch(undefined),
});

/** Return reasons and inbound dispositions for the pages (the service's lists, importable in the browser). */
export const RETURN_REASON_OPTIONS = [
  "quality",
  "wrong_item",
  "damaged",
  "other",
] as const satisfies readonly ReturnReason[];
export const DISPOSITION_OPTIONS = [
  "restock",
  "rework",
  "downgrade",
  "scrap",
] as const satisfies readonly Disposition[];
