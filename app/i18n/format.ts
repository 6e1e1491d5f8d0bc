import { dateTimeFormat, numberFormat } from "../domain/intl";

/** Locales whose whole numbers group by threes with "," (ours: DOMAIN.md's two languages). */
const COMMA_THOUSANDS = new Set(["zh-CN", "zh", "en", "en-US"]);

/** A whole number ≥ 0 grouped by threes with ",": what Intl gives for these locales, without ICU. */
function groupThousands(n: number): string {
  const digits = String(n);
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

/**
 * Money is integer fen and is formatted from its integer parts, never through a float.
 * Both languages show ¥ (DOMAIN.md: money is shown as ¥).
 */
export function formatMoney(fen: number, locale: string): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`money must be integer fen, got ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  // A console list shows hundreds of amounts; ICU's formatter was ~1 % of such a page (issue 9).
  const yuan = COMMA_THOUSANDS.has(locale)
    ? groupThousands(whole)
    : numberFormat(locale, { maximumFractionDigits: 0 }).format(whole);
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * Formatted times, by locale, zone, style and UTC minute. Times are shown to the minute, and a
 * time zone's offset never changes within a minute, so each minute reads one way; ICU's
 * `format` took ~6 µs a time, 3 % of a 50-row console list (issue 9). Bounded: once full it
 * starts again.
 */
const timeTexts = new Map<string, string>();
const TIME_TEXTS = 20_000;
/** A stored time: ISO-8601 UTC (`…Z`) with the minute at a fixed place. */
const STORED_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z$/;

function formatTime(iso: string, locale: string, timeZone: string, dateOnly: boolean): string {
  const options: Intl.DateTimeFormatOptions = dateOnly
    ? { dateStyle: "medium", timeZone }
    : { dateStyle: "medium", timeStyle: "short", timeZone };
  if (!STORED_UTC.test(iso)) return dateTimeFormat(locale, options).format(new Date(iso));
  const minute = iso.slice(0, 16);
  const key = `${dateOnly ? "d" : "t"}|${locale}|${timeZone}|${minute}`;
  let text = timeTexts.get(key);
  if (text === undefined) {
    // The minute's first instant: the text is the same whichever second of it came first.
    text = dateTimeFormat(locale, options).format(new Date(`${minute}:00Z`));
    if (timeTexts.size >= TIME_TEXTS) timeTexts.clear();
    timeTexts.set(key, text);
  }
  return text;
}

/** A stored ISO-8601 UTC time, shown in the deployment's time zone. */
export function formatDateTime(iso: string, locale: string, timeZone: string): string {
  return formatTime(iso, locale, timeZone, false);
}

export function formatDate(iso: string, locale: string, timeZone: string): string {
  return formatTime(iso, locale, timeZone, true);
}
