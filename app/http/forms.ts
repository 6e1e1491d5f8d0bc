import type { z } from "zod";

/**
 * Parses a submitted form with the same zod schema the browser used. On failure it returns
 * one message key per field (translated by the page) and the values as typed, so a failed
 * submit keeps everything the person entered.
 */
export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; fieldErrors: Record<string, string>; values: Record<string, string> };

export function parseForm<S extends z.ZodType>(schema: S, form: FormData): FormResult<z.infer<S>> {
  const values: Record<string, string> = {};
  const raw: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string") continue;
    values[key] = value;
    // Repeated names (checkbox groups, lines[]) become arrays.
    raw[key] = key in raw ? [...([] as unknown[]).concat(raw[key]), value] : value;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join(".") || "_form";
    fieldErrors[key] ??= issue.message;
  }
  return { ok: false, fieldErrors, values };
}

/** Yuan as typed ("12.5", "1,200.00") → integer fen, without floats; null if not money. */
export function parseYuanToFen(input: string): number | null {
  const s = input.trim().replace(/[,，¥\s]/g, "");
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** Integer fen → "12.50" for an input's value. */
export function fenToYuanInput(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}
