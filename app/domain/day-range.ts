import { dateTimeFormat } from "./intl";

/**
 * Date filters are typed as calendar days in the deployment's time zone, while times are
 * stored in UTC: these turn a day into the UTC instant it starts at there.
 */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDay(value: string): boolean {
  const m = DAY.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = dateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The UTC instant at which `day` (YYYY-MM-DD) begins in `timeZone`. */
export function dayStartUtc(day: string, timeZone: string): Date {
  const m = DAY.exec(day);
  if (!m || !isCalendarDay(day)) throw new Error(`not a calendar day: ${day}`);
  const wallMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let instant = wallMidnight - zoneOffset(wallMidnight, timeZone);
  // Once more, in case a DST change lies between the first guess and the answer.
  instant = wallMidnight - zoneOffset(instant, timeZone);
  return new Date(instant);
}

/** The UTC instant at which the day after `day` begins: the exclusive end of a "to" filter. */
export function dayEndUtc(day: string, timeZone: string): Date {
  const m = DAY.exec(day);
  if (!m || !isCalendarDay(day)) throw new Error(`not a calendar day: ${day}`);
  const next = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1));
  return dayStartUtc(next.toISOString().slice(0, 10), timeZone);
}
