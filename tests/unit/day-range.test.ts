import { describe, expect, it } from "vitest";
import { dayEndUtc, dayStartUtc, isCalendarDay } from "../../app/domain/day-range";

describe("calendar days in the deployment's time zone", () => {
  it("starts a Shanghai day at 16:00 UTC the day before, and ends it 24 hours later", () => {
    expect(dayStartUtc("2026-11-27", "Asia/Shanghai").toISOString()).toBe("2026-11-26T16:00:00.000Z");
    expect(dayEndUtc("2026-11-27", "Asia/Shanghai").toISOString()).toBe("2026-11-27T16:00:00.000Z");
    expect(dayEndUtc("2026-12-31", "Asia/Shanghai").toISOString()).toBe("2026-12-31T16:00:00.000Z");
  });

  it("follows daylight saving time where the zone has it", () => {
    // New York springs forward on 2026-03-08: that day has 23 hours.
    const start = dayStartUtc("2026-03-08", "America/New_York");
    const end = dayEndUtc("2026-03-08", "America/New_York");
    expect(start.toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(end.getTime() - start.getTime()).toBe(23 * 3600_000);
  });

  it("accepts only real days", () => {
    expect(isCalendarDay("2026-02-28")).toBe(true);
    expect(isCalendarDay("2026-02-29")).toBe(false);
    expect(isCalendarDay("2026-13-01")).toBe(false);
    expect(isCalendarDay("27/11/2026")).toBe(false);
    expect(() => dayStartUtc("nope", "UTC")).toThrow();
  });
});
