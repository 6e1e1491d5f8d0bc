import { renderToString } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { type EntryContext, RouterContextProvider, ServerRouter } from "react-router";
import { migrateToLatest, pendingMigrations } from "../db/migrate";
import { takesApiFastPath } from "./api/fast-path";
import { serveApi } from "./api/serve.server";
import { type RequestInfo, requestInfoContext } from "./auth/context";
import { closeDatabase, getDatabase } from "./db.server";
import { getEnv } from "./env.server";
import { nextTurn } from "./http/event-loop-turns.server";
import { getI18n } from "./i18n/i18n.server";
import { logger, logScope } from "./logger.server";
import { startBackgroundJobs } from "./services/background-jobs.server";

/** How long the loader data may take to encode (React Router reads this export). */
export const streamTimeout = 5_000;

/**
 * Renders a document to one string, then sends it in one piece.
 *
 * Every loader here is awaited before the render (no deferred data), so streaming the shell
 * earlier would gain nothing, and React's streaming renderer encodes each of the thousands of
 * small strings in a page into bytes one by one: a 50-row console table took 3.1 ms in
 * `renderToPipeableStream` and 0.8 ms in `renderToString` (issue 9). `renderToString` cannot
 * wait for a suspended component, and React Router's `StreamTransfer` (which writes the loader
 * data into the page) suspends on each chunk of its encoded stream; so the stream is read to its
 * end first and handed to `StreamTransfer` as already settled, see `settleLoaderData`.
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  loadContext: RouterContextProvider,
) {
  const nonce = loadContext.get(requestInfoContext).nonce || undefined;
  await settleLoaderData(routerContext);
  // Renders take turns, one per turn of the event loop, so the server reads sockets and accepts
  // connections between any two of them (see event-loop-turns.server.ts). Without any yield, on
  // SQLite (loaders never wait for I/O) a request ran from its socket's read to its last byte in
  // one go and some connections were starved past a 10 s client timeout (issue 9).
  await nextTurn();
  const html = renderToString(
    <I18nextProvider i18n={getI18n(loadContext)}>
      <ServerRouter context={routerContext} url={request.url} nonce={nonce} />
    </I18nextProvider>,
  );
  // Bytes, not the string: a string body is first checked for lone surrogates in JavaScript.
  const body = Buffer.from(`<!DOCTYPE html>${html}`);
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  responseHeaders.set("Content-Length", String(body.byteLength));
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}

/**
 * Reads the page's encoded loader data to its end and leaves it where React Router's
 * `StreamTransfer` looks first (`renderMeta.streamCache`, one entry per chunk, each a promise
 * carrying its `result`): one chunk with all the text, then the end. This is React Router
 * 7.18's internal shape (the version is pinned exactly); the "documents" tests in
 * `tests/e2e/http.test.ts` fail if a page's data stops reaching it.
 */
async function settleLoaderData(context: EntryContext) {
  const stream = context.serverHandoffStream;
  if (!stream) return;
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += decoder.decode(chunk.value, { stream: true });
  }
  text += decoder.decode();
  reader.releaseLock();
  const settled = (result: { done: boolean; value: string }) => Object.assign(Promise.resolve(), { result });
  (context.renderMeta as { streamCache?: Record<number, Promise<void>> }).streamCache = {
    0: settled({ done: false, value: text }),
    1: settled({ done: true, value: "" }),
  };
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
