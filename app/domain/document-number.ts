import { calendarDay } from "./intl";

/**
 * Document numbers: prefix + the business day in the deployment's time zone + a daily
 * sequence, e.g. DH20261127-0007 (订货单) and TH20261127-0001 (退货单).
 */
export type DocumentPrefix = "DH" | "TH";

export function businessDay(now: Date, timeZone: string): string {
  return calendarDay(now, timeZone).replace(/-/g, "");
}

export function sequenceKey(prefix: DocumentPrefix, now: Date, timeZone: string): string {
  return `${prefix}${businessDay(now, timeZone)}`;
}

export function formatDocumentNumber(key: string, sequence: number): string {
  return `${key}-${String(sequence).padStart(4, "0")}`;
}
