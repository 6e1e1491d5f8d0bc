// Shared by the browser journeys: one or more browsers per test, closed after it, and no
// console error or uncaught page error allowed unless the test expects that exact message.
import type { Locator, Page } from "playwright-core";
import { afterEach, expect, inject } from "vitest";
import { type LaunchedBrowser, type LaunchOptions, launchBrowser } from "../support/browser";

export const baseUrl = () => inject("baseUrl");

/**
 * Chromium logs every response with an error status as a console error. Where a test asks for
 * one (a 401 after a wrong password, a 403 page, a 429), it says which status it expects.
 */
export const failedResource = (status: 401 | 403 | 404 | 409 | 422 | 429) =>
  new RegExp(`Failed to load resource: the server responded with a status of ${status}\\b`);

/**
 * Known app defect, ignored in every journey so it does not hide others: there is no site icon,
 * so the browser's automatic /favicon.ico request answers 404 on every page. One test in
 * login.test.ts opens a browser with `strict: true` to keep reporting it until it is fixed.
 */
const MISSING_FAVICON = /status of 404 \(Not Found\) \(https?:\/\/[^/]+\/favicon\.ico:/;

interface Opened {
  browser: LaunchedBrowser;
  allowed: RegExp[];
}

export interface JourneyOptions extends LaunchOptions {
  /** Console errors this test expects (by message). */
  allowErrors?: RegExp[];
  /** Do not ignore the known missing-favicon 404 either. */
  strict?: boolean;
}

/** Call once at the top of a test file; the returned function opens a browser for the current test. */
export function browsersPerTest() {
  let opened: Opened[] = [];
  afterEach(async () => {
    const current = opened;
    opened = [];
    const unexpected: string[] = [];
    for (const { browser, allowed } of current) {
      unexpected.push(...browser.errors.filter((e) => !allowed.some((re) => re.test(e))));
      await browser.close();
    }
    expect(unexpected, "console errors or uncaught page errors").toEqual([]);
  });
  return async (options: JourneyOptions = {}) => {
    const browser = await launchBrowser(options);
    opened.push({ browser, allowed: [...(options.strict ? [] : [MISSING_FAVICON]), ...(options.allowErrors ?? [])] });
    return browser;
  };
}

/** The trimmed text of a locator, for `expect.poll`. */
export const textOf = async (locator: Locator) => ((await locator.textContent()) ?? "").trim();

/** The path and query the page is on now. */
export const pathOf = (page: Page) => {
  const url = new URL(page.url());
  return url.pathname + url.search;
};
