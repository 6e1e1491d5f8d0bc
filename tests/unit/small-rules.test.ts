import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "../../app/auth/redirects";
import { getEnv } from "../../app/env.server";
import { formatMoney } from "../../app/i18n/format";
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
