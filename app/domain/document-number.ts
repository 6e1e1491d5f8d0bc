/**
 * Document numbers: prefix + the business day in the deployment's time zone + a daily
 * sequence, e.g. DH20261127-0007 (订货单) and TH20261127-0001 (退货单).
 */
export type DocumentPrefix = "DH" | "TH";

export function businessDay(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(now)
    .reduce<Record<string, string>>((acc, p) => {
      acc[p.type] = p.value;
      return acc;
    }, {});
  return `${parts.year}${parts.month}${parts.day}`;
}

export function sequenceKey(prefix: DocumentPrefix, now: Date, timeZone: string): string {
  return `${prefix}${businessDay(now, timeZone)}`;
}

export function formatDocumentNumber(key: string, sequence: number): string {
  return `${key}-${String(sequence).padStart(4, "0")}`;
}
