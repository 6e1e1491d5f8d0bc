import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable } from "@react-router/node";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { type EntryContext, RouterContextProvider, ServerRouter } from "react-router";
import { migrateToLatest, pendingMigrations } from "../db/migrate";
import { takesApiFastPath } from "./api/fast-path";
import { serveApi } from "./api/serve.server";
import { type RequestInfo, requestInfoContext } from "./auth/context";
import { closeDatabase, getDatabase } from "./db.server";
import { getEnv } from "./env.server";
import { getI18n } from "./i18n/i18n.server";
import { logger, logScope } from "./logger.server";
import { startBackgroundJobs } from "./services/background-jobs.server";

export const streamTimeout = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  loadContext: RouterContextProvider,
) {
  const nonce = loadContext.get(requestInfoContext).nonce || undefined;
  const i18n = getI18n(loadContext);
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    // Cleared when the response is done: a pending abort timer keeps the whole render (tree,
    // loader data, stream) reachable for six more seconds, hundreds of MB under load (issue 9).
    let timer: NodeJS.Timeout | undefined;
    const userAgent = request.headers.get("user-agent");
    // Crawlers and SPA-mode builds wait for everything; browsers get the shell as soon as it is ready.
    const readyOption = (userAgent && isbot(userAgent)) || routerContext.isSpaMode ? "onAllReady" : "onShellReady";
    const { pipe, abort } = renderToPipeableStream(
      <I18nextProvider i18n={i18n}>
        <ServerRouter context={routerContext} url={request.url} nonce={nonce} />
      </I18nextProvider>,
      {
        nonce,
        [readyOption]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          body.on("close", () => clearTimeout(timer));
          pipe(body);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logger.error({ err: error }, "render failed");
        },
      },
    );
    timer = setTimeout(abort, streamTimeout + 1000);
  });
}

/** Unexpected errors from loaders and actions: logged once, with the request id. */
export function handleError(
  error: unknown,
  { request, context }: { request: Request; context: RouterContextProvider },
) {
  if (request.signal.aborted) return;
  const requestId = context.get(requestInfoContext).requestId;
  logger.error(
    { err: error, requestId, method: request.method, path: new URL(request.url).pathname },
    "request failed",
  );
}

// The functions below are for server.js, which reaches them through the build's entry module.

/** Checks the environment and the database before the server accepts a request. */
export async function startup(options: { migrate?: boolean } = {}) {
  const env = getEnv();
  const { db, dialect, location } = getDatabase();
  if (options.migrate) await migrateToLatest(db);
  const pending = await pendingMigrations(db);
  if (pending.length) {
    throw new Error(`The database at ${location} needs migrations (${pending.join(", ")}): run \`npm run db:migrate\``);
  }
  logger.info({ dialect, location, env: env.NODE_ENV }, "database ready");
  return { port: env.PORT, cookieSecure: env.cookieSecure, trustProxy: env.TRUST_PROXY === "true", logger };
}

export function createLoadContext(info: Omit<RequestInfo, "requestId" | "userAgent"> & { requestId?: string }) {
  const context = new RouterContextProvider();
  context.set(requestInfoContext, { requestId: info.requestId ?? "-", userAgent: "", ip: info.ip, nonce: info.nonce });
  return context;
}

/**
 * An API call with a bearer token and no cookie, answered without React Router (see
 * takesApiFastPath); null for every other request. Route matching and the middleware chain were
 * ~12 % of an API write's CPU (issue 9).
 */
export function serveApiDirectly(request: Request, path: string, info: { ip: string; requestId: string }) {
  if (!takesApiFastPath(path, request.headers)) return null;
  return serveApi(request, { ...info, sessionViewer: null });
}

/** Runs `fn` (one request's handling) with its request id on every log line it writes. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return logScope.run({ requestId }, fn);
}

let stopJobs: (() => Promise<void>) | undefined;

/** Starts the periodic jobs (auto-receipt, outbox, session cleanup); BACKGROUND_JOBS=false turns them off. */
export function startBackgroundWork() {
  if (process.env.BACKGROUND_JOBS === "false") return;
  stopJobs = startBackgroundJobs(getDatabase().db, {
    onError: (job, error) => logger.error({ err: error, job }, "background job failed"),
  });
}

export async function shutdown() {
  // Requests have finished (server.close); a sweep still running ends its transaction first.
  await stopJobs?.();
  await closeDatabase();
}
