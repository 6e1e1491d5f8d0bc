import { dateTimeFormat, numberFormat } from "../domain/intl";

/**
 * Money is integer fen and is formatted from its integer parts, never through a float.
 * Both languages show ¥ (DOMAIN.md: money is shown as ¥).
 */
export function formatMoney(fen: number, locale: string): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`money must be integer fen, got ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = numberFormat(locale, { maximumFractionDigits: 0 }).format(Math.floor(abs / 100));
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

/** A stored ISO-8601 UTC time, shown in the deployment's time zone. */
export function formatDateTime(iso: string, locale: string, timeZone: string): string {
  return dateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

export function formatDate(iso: string, locale: string, timeZone: string): string {
  return dateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(new Date(iso));
}
