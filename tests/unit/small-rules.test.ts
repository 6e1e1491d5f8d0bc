import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "../../app/auth/redirects";
import { getEnv } from "../../app/env.server";
import { pageSizeOf } from "../../app/http/page-size";
import { formatDate, formatDateTime, formatMoney } from "../../app/i18n/format";
import { parseDatabaseUrl } from "../../db/client";

describe("safeRedirectPath", () => {
  it("keeps local paths and refuses other sites", () => {
    expect(safeRedirectPath("/admin/customers?q=1", "/")).toBe("/admin/customers?q=1");
    expect(safeRedirectPath("//evil.example", "/")).toBe("/");
    expect(safeRedirectPath("/\\evil.example", "/")).toBe("/");
    expect(safeRedirectPath("https://evil.example", "/")).toBe("/");
    expect(safeRedirectPath(null, "/shop")).toBe("/shop");
  });
});

describe("formatMoney", () => {
  it("formats integer fen as yuan without floats", () => {
    expect(formatMoney(0, "zh-CN")).toBe("¥0.00");
    expect(formatMoney(123456789, "zh-CN")).toBe("¥1,234,567.89");
    expect(formatMoney(-5, "en")).toBe("-¥0.05");
    expect(formatMoney(9_007_199_254_740_991, "en")).toBe("¥90,071,992,547,409.91");
  });
  it("refuses a fractional amount", () => {
    expect(() => formatMoney(1.5, "zh-CN")).toThrow(/integer fen/);
  });
});

describe("DATABASE_URL", () => {
  it("defaults to the SQLite file under ./data", () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ dialect: "sqlite", url: "./data/dinghuo.db" });
    expect(parseDatabaseUrl("")).toEqual({ dialect: "sqlite", url: "./data/dinghuo.db" });
  });
  it("reads file: and postgres:// URLs", () => {
    expect(parseDatabaseUrl("file:./x.db")).toEqual({ dialect: "sqlite", url: "./x.db" });
    expect(parseDatabaseUrl("file:///var/lib/dinghuo.db")).toEqual({ dialect: "sqlite", url: "/var/lib/dinghuo.db" });
    expect(parseDatabaseUrl("postgres://u@h:5432/d").dialect).toBe("postgres");
    expect(parseDatabaseUrl("postgresql://u@h/d").dialect).toBe("postgres");
  });
  it("refuses anything else", () => {
    expect(() => parseDatabaseUrl("mysql://x")).toThrow(/file: or postgres/);
  });
});

describe("environment", () => {
  it("refuses to start in production without a strong secret", () => {
    expect(() => getEnv({ NODE_ENV: "production" })).toThrow(/SESSION_SECRET/);
    expect(() => getEnv({ NODE_ENV: "production", SESSION_SECRET: "changeme" })).toThrow(/SESSION_SECRET/);
    expect(() => getEnv({ NODE_ENV: "production", SESSION_SECRET: "a".repeat(40) })).toThrow(/SESSION_SECRET/);
    const env = getEnv({ NODE_ENV: "production", SESSION_SECRET: "4f9c2b7e1d8a6035fe4b9c1d2e7f8a3b" });
    expect(env.cookieSecure).toBe(true);
  });
  it("keeps cookies Secure in production unless told otherwise", () => {
    const secret = "4f9c2b7e1d8a6035fe4b9c1d2e7f8a3b";
    expect(getEnv({ NODE_ENV: "production", SESSION_SECRET: secret, COOKIE_SECURE: "false" }).cookieSecure).toBe(false);
    expect(getEnv({ NODE_ENV: "development" }).cookieSecure).toBe(false);
  });
});

describe("formatMoney and the times, against Intl", () => {
  it("groups yuan as Intl does, in both languages", () => {
    const samples = [
      0,
      1,
      99,
      100,
      999,
      1_000,
      99_999,
      100_000,
      1_234_567,
      999_999_999,
      1_000_000_000_000,
      2 ** 53 - 1,
    ];
    for (let n = 7; n < 1e15; n = Math.floor(n * 3.7) + 1) samples.push(n);
    for (const locale of ["zh-CN", "en"]) {
      const intl = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
      for (const fen of samples) {
        const whole = Math.floor(fen / 100);
        const cents = String(fen % 100).padStart(2, "0");
        expect(formatMoney(fen, locale)).toBe(`¥${intl.format(whole)}.${cents}`);
        if (fen) expect(formatMoney(-fen, locale)).toBe(`-¥${intl.format(whole)}.${cents}`);
      }
    }
  });
  it("formats other locales through Intl", () => {
    expect(formatMoney(123456789, "de-DE")).toBe("¥1.234.567.89");
  });
  it("shows a time as Intl does, whichever second of its minute and however often", () => {
    const zones = ["Asia/Shanghai", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"];
    // Across a year (daylight saving changes included), at odd seconds, twice each.
    for (let t = Date.UTC(2026, 0, 1, 0, 0, 7, 123); t < Date.UTC(2027, 0, 1); t += 86_399_917) {
      const iso = new Date(t).toISOString();
      for (const timeZone of zones)
        for (const locale of ["zh-CN", "en"]) {
          const full = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone });
          const day = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone });
          for (let i = 0; i < 2; i++) {
            expect(formatDateTime(iso, locale, timeZone)).toBe(full.format(new Date(iso)));
            expect(formatDate(iso, locale, timeZone)).toBe(day.format(new Date(iso)));
          }
        }
    }
    // Not in the stored form: formatted directly.
    expect(formatDateTime("2026-11-29T21:00:00+08:00", "en", "Asia/Shanghai")).toBe(
      new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" }).format(
        new Date("2026-11-29T13:00:00Z"),
      ),
    );
  });
});

describe("rows per page of a console list", () => {
  it("is 20 unless the address asks for one of 50 or 100", () => {
    const of = (query: string) => pageSizeOf(new URLSearchParams(query));
    expect(of("")).toBe(20);
    expect(of("size=50")).toBe(50);
    expect(of("size=100&cursor=x")).toBe(100);
    for (const other of ["size=20", "size=10", "size=1000", "size=50.5", "size=-50", "size=abc", "size="]) {
      expect(of(other), other).toBe(20);
    }
  });
});
