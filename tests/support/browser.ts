// A real headless Chromium for the e2e journeys, driven through playwright-core.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export interface LaunchOptions {
  /** The browser's language, which it sends as Accept-Language. Default `zh-CN`. */
  locale?: string;
  viewport?: { width: number; height: number };
  /** `false` opens a browser with JavaScript switched off, to check pages work without it. Default `true`. */
  javaScriptEnabled?: boolean;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  /** The page the browser opened with. */
  page: Page;
  /**
   * Console errors and uncaught page errors from every page of this context, in order.
   * A hydration mismatch and a CSP violation both show up here.
   */
  errors: string[];
  close(): Promise<void>;
}

const SCREENSHOT_DIR = resolve(import.meta.dirname, "../../screenshots");

export async function launchBrowser(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const dir = mkdtempSync(join(tmpdir(), "dinghuo-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      locale: options.locale ?? "zh-CN",
      viewport: options.viewport ?? { width: 1280, height: 800 },
      javaScriptEnabled: options.javaScriptEnabled ?? true,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const { url, lineNumber } = message.location();
      errors.push(`console.error on ${page.url()}: ${message.text()}${url ? ` (${url}:${lineNumber})` : ""}`);
    });
    page.on("pageerror", (error) => {
      errors.push(`uncaught error on ${page.url()}: ${error.stack ?? error.message}`);
    });
  };
  for (const page of context.pages()) watch(page);
  context.on("page", watch);

  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    errors,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Waits until React has hydrated the page (the router exists and the body carries a fiber), so
 * clicks go through React and a hydration error has had its chance to show.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      Boolean((window as { __reactRouterDataRouter?: unknown }).__reactRouterDataRouter) &&
      Object.keys(document.body).some((key) => key.startsWith("__reactFiber")),
    undefined,
    { timeout: 15_000 },
  );
}

/** Opens a page and waits for hydration. */
export async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForHydration(page);
}

/**
 * Signs in from the login page: fills `username` and `password`, submits, and waits until the
 * browser has left /login. Opens /login first unless the page is already on it.
 */
export async function login(page: Page, baseUrl: string, username: string, password = "demo1234"): Promise<void> {
  if (new URL(page.url(), baseUrl).pathname !== "/login" || !page.url().startsWith(baseUrl)) {
    await page.goto(`${baseUrl}/login`);
  }
  await waitForHydration(page);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form:has(input[name="password"]) button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname !== "/login", { timeout: 15_000 });
  await waitForHydration(page);
}

/** A full-page PNG in `screenshots/` at the repository root, only when SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== "1") return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = name.endsWith(".png") ? name : `${name}.png`;
  await page.screenshot({ path: join(SCREENSHOT_DIR, file), fullPage: true });
}
