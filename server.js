// Production server: static assets, security headers, and React Router on node:http.
// A small server on createRequestListener instead of react-router-serve (Express) keeps
// more of the machine for rendering pages.
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import cluster from "node:cluster";
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

// WORKERS=N (default 1) runs N worker processes sharing the port through node:cluster. Nothing
// lives in one process's memory (sessions, throttling, sweeps are in the database), so any
// worker may serve any request. The primary only forks, restarts a worker that died, and
// passes SIGTERM/SIGINT on; it exits once every worker has finished.
const workerCount = Number.parseInt(process.env.WORKERS ?? "1", 10);
if (!Number.isInteger(workerCount) || workerCount < 1) {
  console.error(`WORKERS must be a whole number ≥ 1 (got "${process.env.WORKERS}")`);
  process.exit(1);
}
if (workerCount > 1 && cluster.isPrimary) {
  let stopping = false;
  let failed = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < workerCount; i++) fork();
  cluster.on("exit", (worker, code, signal) => {
    if (code !== 0) failed = true;
    if (!stopping) {
      console.error(
        JSON.stringify({
          level: 50,
          time: Date.now(),
          msg: "worker died, restarting",
          pid: worker.process.pid,
          code,
          signal,
        }),
      );
      // Not once stopping began meanwhile: a worker forked then would never be told to stop.
      setTimeout(() => {
        if (!stopping) fork();
      }, 1000);
      failed = false;
    } else if (Object.keys(cluster.workers ?? {}).length === 0) {
      process.exit(failed ? 1 : 0);
    }
  });
  // A worker is told to stop once it listens: one still starting when the signal came gets it
  // then (before its own handlers exist, a signal would kill it and count as a failure).
  let stopSignal = null;
  const listening = new Set();
  cluster.on("listening", (worker) => {
    listening.add(worker.id);
    if (stopSignal) worker.process.kill(stopSignal);
  });
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    stopSignal = signal;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && listening.has(worker.id)) worker.process.kill(signal);
    }
    // One that never comes up (its start hangs) is signalled anyway after the workers' own 15 s.
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) {
        if (worker && !listening.has(worker.id)) worker.process.kill(signal);
      }
    }, 15_000).unref();
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // The workers' IPC channels keep the primary alive; it ends through process.exit above.
  await new Promise(() => {});
}

// A signal while the process is still starting (a deploy stopping what it just started, or the
// primary passing SIGTERM on before this worker was up) is kept and honoured once the server
// listens: the process ends as cleanly as one stopped later, with code 0, instead of dying by
// the signal (the primary then reported a failure). The libraries load after this, so the
// window before it is Node's own start only.
let earlySignal = null;
const keepSignal = (signal) => {
  earlySignal ??= signal;
};
process.on("SIGTERM", keepSignal);
process.on("SIGINT", keepSignal);

const [
  { createRequestListener: createFetchListener },
  { default: helmet },
  { createRequestHandler },
  { default: sirv },
] = await Promise.all([
  import("@mjackson/node-fetch-server"),
  import("helmet"),
  import("react-router"),
  import("sirv"),
]);

const buildDir = resolve(process.env.BUILD_DIR ?? "build");
const build = await import(pathToFileURL(`${buildDir}/server/index.js`).href);
const app = build.entry.module;
const config = await app.startup({ migrate: process.env.MIGRATE_ON_START === "true" });
const { logger } = config;

const headers = helmet({
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      "script-src": ["'self'", (_req, res) => `'nonce-${res.cspNonce}'`],
      "style-src": ["'self'"],
      "style-src-attr": ["'unsafe-inline'"],
      "img-src": ["'self'", "data:", "blob:"],
      "frame-ancestors": ["'none'"],
      "form-action": ["'self'"],
      // Over plain http (a LAN demo) an upgrade would break every asset request.
      "upgrade-insecure-requests": config.cookieSecure ? [] : null,
    },
  },
  // Browsers then still send our Origin on same-site form posts (no-referrer makes it "null").
  referrerPolicy: { policy: "strict-origin-when-cross-origin" },
  strictTransportSecurity: config.cookieSecure ? { maxAge: 31536000, includeSubDomains: true } : false,
  crossOriginEmbedderPolicy: false,
});

const assets = sirv(`${buildDir}/client`, {
  etag: true,
  setHeaders(res, pathname) {
    // Vite fingerprints everything under /assets, so it never changes under the same name.
    if (pathname.startsWith("/assets/")) res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
  },
});

// The CSP nonce is made where the header is set and reaches the app's render through this store.
const perRequest = new AsyncLocalStorage();

// React Router's own action-origin check compares full origins, so behind a TLS-ending proxy
// (Origin https://host, request http://host) it would refuse every form. The app's root
// middleware does the check instead, for every route: it compares hosts, honours
// X-Forwarded-Host when TRUST_PROXY is set and ALLOWED_ORIGINS, and refuses a missing Origin.
const handleRequest = createRequestHandler({ ...build, allowedActionOrigins: ["**"] }, "production");
// What @react-router/node's createRequestListener does, with one turn-off before React Router:
// an API call with a bearer token and no cookie goes straight to the API's dispatcher.
const handle = createFetchListener((request, client) => {
  const forwarded = config.trustProxy ? request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
  const ip = forwarded || client.address || "";
  const store = perRequest.getStore();
  const api = app.serveApiDirectly(request, store.path, { ip, requestId: store.requestId });
  return api ?? handleRequest(request, app.createLoadContext({ ip, nonce: store.nonce, requestId: store.requestId }));
});

// At most MAX_IN_FLIGHT requests are worked on at once; the rest wait in arrival order. Fifty
// pages rendered interleaved all finish late and hold fifty renders in memory; a few at a time
// finish in order and sooner (issue 9: the bare SSR page went from 155 to 214 req/s at 50
// connections). A request holds its place until its response starts (the render is done by then
// and what is left is sending it), so slow readers and long downloads never hold the others up.
const maxInFlight = Number.parseInt(process.env.MAX_IN_FLIGHT ?? "8", 10);
if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
  console.error(`MAX_IN_FLIGHT must be a whole number ≥ 1 (got "${process.env.MAX_IN_FLIGHT}")`);
  process.exit(1);
}
let inFlight = 0;
const waiting = [];
function startNext() {
  while (inFlight < maxInFlight && waiting.length) waiting.shift()();
}
function admit(res, run) {
  const start = () => {
    if (res.destroyed) return; // the client left while it waited
    inFlight++;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      inFlight--;
      startNext();
    };
    const writeHead = res.writeHead;
    res.writeHead = function (...args) {
      release();
      return writeHead.apply(this, args);
    };
    res.once("close", release);
    run();
  };
  // Run in this request's own async context when its turn comes (it comes from another request's
  // release): its CSP nonce, request id and log scope live there.
  waiting.push(AsyncResource.bind(start));
  startNext();
}

// BENCH=1 only: the server's own view of each request's time (from the parsed request to the
// last byte handed to the socket, so including the wait for an in-flight place), read and reset
// by the benchmark at /__bench/timings. A load generator on the same two cores also times its
// own queueing; this tells the two apart.
const benchTimings = process.env.BENCH === "1" ? [] : null;
function sendBenchTimings(res) {
  const sorted = benchTimings.splice(0).sort((a, b) => a - b);
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 }));
}

const server = http.createServer((req, res) => {
  if (benchTimings && req.url === "/__bench/timings") return sendBenchTimings(res);
  res.cspNonce = randomBytes(16).toString("base64");
  // One id per request: on the response (X-Request-Id), on every log line written while it is
  // handled (the logger's mixin reads it), and on its audit rows.
  const requestId = randomUUID();
  // The path only, for the log: a query string may carry a token (password reset links, API calls).
  const path = (req.url ?? "/").split("?")[0];
  const started = process.hrtime.bigint();
  res.setHeader("X-Request-Id", requestId);
  res.on("finish", () => {
    const ms = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
    if (benchTimings) benchTimings.push(ms);
    logger.info(
      {
        requestId,
        method: req.method,
        path,
        status: res.statusCode,
        ms,
      },
      "request",
    );
  });
  app.runWithRequestId(requestId, () =>
    perRequest.run({ nonce: res.cspNonce, requestId, path }, () =>
      headers(req, res, (err) => {
        if (err) {
          res.statusCode = 500;
          res.end();
          return;
        }
        assets(req, res, () => admit(res, () => handle(req, res)));
      }),
    ),
  );
});

app.startBackgroundWork();

server.keepAliveTimeout = 65_000;
server.listen(config.port, () => {
  logger.info({ port: config.port }, `Dinghuo listening on http://localhost:${config.port}`);
  if (earlySignal) stop(earlySignal);
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: finishing in-flight requests");
  server.close(async () => {
    await app.shutdown();
    process.exit(0);
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), 15_000).unref();
}
process.off("SIGTERM", keepSignal);
process.off("SIGINT", keepSignal);
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
