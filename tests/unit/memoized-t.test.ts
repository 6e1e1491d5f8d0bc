// The server's remembered translations give exactly what i18next gives, for every kind of call.
import { createInstance } from "i18next";
import { describe, expect, test } from "vitest";
import { i18nOptions } from "../../app/i18n/config";
import { memoizedT } from "../../app/i18n/use-translation";

async function both(lng: string) {
  const i18n = createInstance(i18nOptions);
  await i18n.init({ lng });
  const plain = i18n.getFixedT(null, null) as unknown as (...args: unknown[]) => unknown;
  return { t: memoizedT(i18n) as unknown as (...args: unknown[]) => unknown, plain };
}

const CALLS: unknown[][] = [
  ["shop.catalog.title"],
  ["shop.catalog.specs", { count: 1 }],
  ["shop.catalog.specs", { count: 2 }],
  ["shop.catalog.specs", { count: 1 }],
  ["shop.stock.available", { count: 0 }],
  ["shop.stock.available", { count: 12 }],
  ["shop.tags.hot", { defaultValue: "hot" }],
  ["shop.tags.no-such-tag", { defaultValue: "自定义" }],
  ["shop.tags.no-such-tag", { defaultValue: "another" }],
  ["shop.catalog.resultsFor", { q: "洗衣液" }],
  ["shop.catalog.resultsFor", { q: "<b>" }],
  ["shop.catalog.resultsFor", { q: 42 }],
  ["shop.catalog.resultsFor", { q: "42" }],
  ["no.such.key"],
  // Values that look like a key of their own do not mix with other calls' texts.
  ["shop.catalog.resultsFor", { q: '","x"]' }],
  ["shop.catalog.title"],
];

describe("memoizedT", () => {
  for (const lng of ["zh-CN", "en"]) {
    test(`gives i18next's own text for each call, the first time and again (${lng})`, async () => {
      const { t, plain } = await both(lng);
      for (let round = 0; round < 2; round++) {
        for (const call of CALLS) expect(t(...call), JSON.stringify(call)).toBe(plain(...call));
      }
      // Plurals really differ by count in English, so a count is part of what is remembered.
      if (lng === "en") expect(t("shop.catalog.specs", { count: 1 })).not.toBe(t("shop.catalog.specs", { count: 2 }));
    });
  }

  test("calls it cannot key (objects, a language or namespace) go to i18next each time", async () => {
    const { t, plain } = await both("en");
    const zh = t("shop.catalog.title", { lng: "zh-CN" });
    expect(zh).toBe(plain("shop.catalog.title", { lng: "zh-CN" }));
    expect(t("shop.catalog.title")).toBe(plain("shop.catalog.title"));
    expect(t("shop.catalog.title")).not.toBe(zh);
    expect(t("shop.catalog.resultsFor", { q: { toString: () => "x" } })).toBe(
      plain("shop.catalog.resultsFor", { q: { toString: () => "x" } }),
    );
  });
});
