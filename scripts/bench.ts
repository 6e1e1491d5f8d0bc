// The benchmark (issue 9): the production server on a scale database, measured with autocannon
// against the ceilings of its own stack, in one run.
//
//   npm run bench                          SQLite: data/bench.db (1 M orders) and data/bench-10k.db
//   npm run bench -- --db postgres         PostgreSQL: databases bench and bench_10k on 127.0.0.1
//   options: --duration 10 (s per measurement)  --connections 50  --orders 1000000 (seed size when
//            the database is missing)  --rebuild (build again even if build/bench exists)
//            --no-compare (skip the 10 000-order comparison)
//            --only pages|writes (a part of the run, while working on it: printed, not written)
//            --profile (the server writes a V8 CPU profile per run into bench/profiles/)
//
// Missing databases are seeded first (scripts/bench-seed.ts). Results: bench/results/*.json|md.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { resolve } from "node:path";
import autocannon from "autocannon";
import SQLite from "better-sqlite3";
import pg from "pg";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const flag = (name: string) => args.includes(`--${name}`);
const ENGINE = option("db", "sqlite") === "postgres" ? "postgres" : "sqlite";
const DURATION = Number(option("duration", "10"));
const CONNECTIONS = Number(option("connections", "50"));
const ORDERS = Number(option("orders", "1000000"));
const ONLY = option("only", "") as "" | "pages" | "writes";
const COMPARE = !flag("no-compare") && !ONLY;
const ROOT = resolve(import.meta.dirname, "..");
const BUILD_DIR = resolve(ROOT, "build/bench");
const PG_BASE = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432";

const log = (msg: string) => console.log(`· ${msg}`);

// ---------------------------------------------------------------------------------------------
// Databases: a small query helper on either engine, and seeding when missing.
interface Target {
  label: string;
  url: string; // DATABASE_URL for the server
  orders: number;
}
interface Query {
  all<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}
async function openQuery(target: Target): Promise<Query> {
  if (target.url.startsWith("file:")) {
    const db = new SQLite(target.url.slice(5), { readonly: true });
    return { all: async <T>(s: string) => db.prepare(s).all() as T[], close: async () => void db.close() };
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  return { all: async <T>(s: string) => (await client.query(s)).rows as T[], close: () => client.end() };
}

async function ensureSeeded(target: Target): Promise<void> {
  if (target.url.startsWith("file:")) {
    if (existsSync(target.url.slice(5))) return;
  } else {
    const name = new URL(target.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
    await admin.connect();
    const found = await admin.query("select 1 from pg_database where datname = $1", [name]);
    if (!found.rowCount) await admin.query(`create database ${name}`);
    await admin.end();
    const q = await openQuery(target);
    const has = await q
      .all<{ n: number }>("select count(*) as n from orders")
      .then((r) => Number(r[0]!.n) > 0)
      .catch(() => false);
    await q.close();
    if (has) return;
  }
  log(`seeding ${target.label} (${target.orders.toLocaleString("en")} orders)…`);
  const out = target.url.startsWith("file:") ? ["--out", target.url.slice(5)] : [];
  execFileSync("npx", ["tsx", "scripts/bench-seed.ts", "--orders", String(target.orders), ...out], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: target.url.startsWith("file:") ? "" : target.url },
  });
}

// ---------------------------------------------------------------------------------------------
// The server: node server.js on the build, with its RSS sampled from /proc.
interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}
/**
 * Sums a reading over a process and its children (a clustered server), from /proc. A process gone
 * meanwhile counts nothing.
 */
function sumOverTree(pid: number, read: (p: number) => number): number {
  let total = 0;
  const visit = (p: number) => {
    try {
      total += read(p);
      const children = readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim();
      for (const c of children ? children.split(/\s+/) : []) visit(Number(c));
    } catch {
      // gone meanwhile
    }
  };
  visit(pid);
  return total;
}
/** Resident memory of the server, in MB. */
function rssOf(pid: number): number {
  return sumOverTree(
    pid,
    (p) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0) / 1024,
  );
}
/**
 * CPU time (user + system, ms) the server has used so far. Per request it is steadier than req/s
 * on a shared machine: it does not count the time the server waited for a core the load generator
 * or a neighbour held.
 */
function cpuMsOf(pid: number): number {
  return sumOverTree(pid, (p) => {
    // utime and stime, the 14th and 15th fields of the line (11th and 12th after the name).
    const fields = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  });
}
/** Linux reports CPU times in clock ticks of 1/100 s (USER_HZ) on every platform Node runs on. */
const CLOCK_TICKS = 100;
class RssSampler {
  peak = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(private pid: number) {}
  start() {
    this.peak = rssOf(this.pid);
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, rssOf(this.pid));
    }, 50);
  }
  stop() {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, rssOf(this.pid));
    return Math.round(this.peak);
  }
}

async function startServer(target: Target, port: number): Promise<Server> {
  const profile = flag("profile") ? ["--cpu-prof", `--cpu-prof-dir=${resolve(ROOT, "bench/profiles")}`] : [];
  const child = spawn(process.execPath, [...profile, "server.js"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_URL: target.url,
      BUILD_DIR,
      BENCH: "1",
      // A bench database seeded before a new migration gets it on start.
      MIGRATE_ON_START: "true",
      SESSION_SECRET: randomBytes(32).toString("hex"),
      COOKIE_SECURE: "false",
      LOG_LEVEL: "warn",
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server on ${target.label} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error("the server did not start within 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function login(server: Server, username: string): Promise<string> {
  const res = await fetch(`${server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
    body: new URLSearchParams({ username, password: "demo1234" }),
  });
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (res.status !== 302 && res.status !== 303 && res.status !== 204)
    throw new Error(`login ${username}: ${res.status}`);
  if (!cookies.length) throw new Error(`login ${username}: no cookie`);
  return cookies.join("; ");
}

async function apiToken(server: Server, username: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: "demo1234" }),
  });
  if (res.status !== 201) throw new Error(`token ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

// ---------------------------------------------------------------------------------------------
// Measurements.
interface Row {
  name: string;
  path: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  /** The server's own p50/p99 (from its parsed request to its last byte): without the load generator's queueing. */
  serverP50: number;
  serverP99: number;
  /** The server's CPU time per request (ms), from /proc over the measurement. */
  serverCpuMs: number;
  requests: number;
  errors: number;
  ceiling: "framework" | "ssr" | null;
  ratio: number | null;
  peakRssMb: number;
  note?: string;
}

type Cannon = Parameters<typeof autocannon>[0];

/** The server's own request times since the last call (BENCH=1 only; server.js keeps them). */
async function serverTimings(server: Server): Promise<{ count: number; p50: number; p99: number }> {
  return (await (await fetch(`${server.url}/__bench/timings`)).json()) as { count: number; p50: number; p99: number };
}
async function measure(
  server: Server,
  name: string,
  opts: Omit<Cannon, "url"> & { path: string; ceiling: Row["ceiling"] },
): Promise<Row> {
  const { path, ceiling, ...rest } = opts;
  // Warm-up (not recorded): JIT, caches and the pool settle before the figures count.
  if (!("amount" in rest)) {
    await autocannon({
      url: `${server.url}${path}`,
      connections: CONNECTIONS,
      ...rest,
      duration: Math.max(1, Math.min(3, Math.round(DURATION / 3))),
    } as Cannon);
  }
  await serverTimings(server); // reset: the warm-up's requests do not count
  const sampler = new RssSampler(server.pid);
  sampler.start();
  const cpuBefore = cpuMsOf(server.pid);
  const statuses = new Map<number, number>();
  const result = await autocannon({
    url: `${server.url}${path}`,
    connections: CONNECTIONS,
    ...("amount" in rest ? {} : { duration: DURATION }),
    ...rest,
    setupClient: (client: { on(event: "response", fn: (status: number) => void): void }) => {
      client.on("response", (status) => statuses.set(status, (statuses.get(status) ?? 0) + 1));
    },
  } as Cannon);
  const peakRssMb = sampler.stop();
  const cpuMs = cpuMsOf(server.pid) - cpuBefore;
  const own = await serverTimings(server);
  const row: Row = {
    name,
    path: path.length > 70 ? `${path.slice(0, 67)}…` : path,
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    serverP50: Math.round(own.p50),
    serverP99: Math.round(own.p99),
    serverCpuMs: result.requests.total ? Math.round((cpuMs / result.requests.total) * 100) / 100 : 0,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    ceiling,
    ratio: null,
    peakRssMb,
  };
  const odd = [...statuses].filter(([status]) => status >= 300);
  if (odd.length) row.note = `statuses ${odd.map(([status, count]) => `${status}×${count}`).join(", ")}`;
  log(
    `${name}: ${row.reqPerSec} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms (server ${row.serverP50}/${row.serverP99} ms, CPU ${row.serverCpuMs} ms/req), errors ${row.errors}, RSS ${peakRssMb} MB${row.note ? ` (${row.note})` : ""}`,
  );
  return row;
}

/** A ratio as the tables show it: two decimal places. */
const shown = (ratio: number | null) => (ratio === null ? "—" : String(Math.round(ratio * 100) / 100));

function withRatios(rows: Row[]): Row[] {
  const framework = rows.find((r) => r.name === "framework ceiling")?.reqPerSec ?? 0;
  // The SSR ceiling is measured before and after the pages it is compared with, and the mean is
  // used: on a shared machine one 10 s sample can be off by a third.
  const ssrSamples = rows.filter((r) => r.name.startsWith("SSR ceiling")).map((r) => r.reqPerSec);
  const ssr = ssrSamples.length ? ssrSamples.reduce((a, b) => a + b, 0) / ssrSamples.length : 0;
  for (const r of rows) {
    const base = r.ceiling === "framework" ? framework : r.ceiling === "ssr" ? ssr : 0;
    // Kept exact: a target is judged on the ratio itself (0.497 is not ≥ 0.5), shown to two places.
    r.ratio = base ? r.reqPerSec / base : null;
  }
  return rows;
}

const day = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().slice(0, 10);

async function consolePages(server: Server, q: Query, cookie: string) {
  const [mid = { created_at: "", id: 0 }] = await q.all<{ created_at: string; id: number }>(
    `select created_at, id from orders where status = 'completed' order by created_at desc, id desc limit 1 offset ${Math.floor(
      Number((await q.all<{ n: number }>("select count(*) as n from orders"))[0]!.n) / 2,
    )}`,
  );
  const cursor = Buffer.from(JSON.stringify([mid.created_at, mid.id]), "utf8").toString("base64url");
  const headers = { cookie };
  return [
    await measure(server, "console queue, first page", {
      path: "/admin/orders?status=pending_order_review",
      headers,
      ceiling: "ssr",
    }),
    await measure(server, "console list, deep keyset page", {
      path: `/admin/orders?status=completed&cursor=${cursor}`,
      headers,
      ceiling: "ssr",
    }),
    await measure(server, "console dashboard", { path: "/admin", headers, ceiling: "ssr" }),
  ];
}

async function runMain(target: Target, port: number) {
  const q = await openQuery(target);
  const server = await startServer(target, port);
  const rows: Row[] = [];
  let exportResult: Record<string, number | string> = {};
  let dealer = "";
  let admin = "";
  let dealerOrders = 0;
  try {
    dealer = await login(server, "hz-dealer");
    admin = await login(server, "admin");
    dealerOrders = Number(
      (
        await q.all<{ n: number }>(
          "select count(*) as n from orders o join customers c on c.id = o.customer_id where c.code = 'C0001'",
        )
      )[0]!.n,
    );

    rows.push(await measure(server, "framework ceiling", { path: "/bench/ceiling", ceiling: null }));
    if (ONLY !== "writes") await measurePages();
    if (ONLY !== "pages") await measureWrites();
    if (ONLY) return { rows: withRatios(rows), exportResult, violations: await checkInvariants(q) };
  } finally {
    await server.stop();
  }
  const violations = await checkInvariants(q);
  await q.close();
  return { rows: withRatios(rows), exportResult, violations };

  async function measurePages() {
    rows.push(await measure(server, "SSR ceiling", { path: "/bench/ssr", ceiling: null }));
    rows.push(
      await measure(server, "catalog search (dealer)", {
        path: `/shop?q=${encodeURIComponent("洗衣液")}`,
        headers: { cookie: dealer },
        ceiling: "ssr",
      }),
    );
    const mine = await measure(server, "my orders (dealer)", {
      path: "/shop/orders",
      headers: { cookie: dealer },
      ceiling: "ssr",
    });
    mine.note = [`${dealerOrders} orders`, mine.note].filter(Boolean).join("; ");
    rows.push(mine);
    rows.push(...(await consolePages(server, q, admin)));
    rows.push(await measure(server, "SSR ceiling, again", { path: "/bench/ssr", ceiling: null }));
  }

  async function measureWrites() {
    // Order submission through the API: 5 lines, a unique idempotency key each, 50 dealers' tokens.
    const dealers = await q.all<{ username: string }>(
      "select a.username from accounts a join customers c on c.account_id = a.id where a.username like 'bench-dealer-%' order by c.id limit 50",
    );
    const tokens = await Promise.all(dealers.map((d) => apiToken(server, d.username)));
    const skuCodes = (
      await q.all<{ code: string }>("select code from skus where code like 'B%-%' order by id limit 5000")
    ).map((r) => r.code);
    let n = 0;
    const runId = Date.now().toString(36);
    rows.push(
      await measure(server, "POST /api/v1/orders (5 lines)", {
        path: "/api/v1/orders",
        method: "POST",
        ceiling: "framework",
        requests: [
          {
            setupRequest: (req: any) => {
              const i = n++;
              const first = (i * 7) % (skuCodes.length - 5);
              return {
                ...req,
                headers: { "content-type": "application/json", authorization: `Bearer ${tokens[i % tokens.length]}` },
                body: JSON.stringify({
                  idempotencyKey: `bench-${runId}-${i}`,
                  lines: skuCodes.slice(first, first + 5).map((skuCode, k) => ({ skuCode, quantity: k + 1 })),
                }),
              };
            },
          },
        ],
      }),
    );

    // Approvals: order review of the fresh orders just submitted, by 50 staff tokens.
    const fresh = await q.all<{ number: string; version: number }>(
      `select number, version from orders where status = 'pending_order_review' and idempotency_key like 'bench-${runId}-%' order by id`,
    );
    const staffTokens = await Promise.all(Array.from({ length: 50 }, () => apiToken(server, "admin")));
    let a = 0;
    const approvals = await measure(server, "approve via API (order review)", {
      path: "/api/v1/orders",
      method: "POST",
      ceiling: "framework",
      amount: fresh.length,
      requests: [
        {
          setupRequest: (req: any) => {
            const i = a++;
            const o = fresh[i % fresh.length]!;
            return {
              ...req,
              path: `/api/v1/orders/${o.number}/actions`,
              headers: {
                "content-type": "application/json",
                authorization: `Bearer ${staffTokens[i % staffTokens.length]}`,
              },
              body: JSON.stringify({ action: "approve", version: o.version }),
            };
          },
        },
      ],
    });
    approvals.note = [`${fresh.length} fresh orders`, approvals.note].filter(Boolean).join("; ");
    rows.push(approvals);

    // Export of one month: time and the server's peak memory.
    const from = day(45 * 86_400_000);
    const to = day(16 * 86_400_000);
    const sampler = new RssSampler(server.pid);
    const before = Math.round(rssOf(server.pid));
    sampler.start();
    const t0 = performance.now();
    const res = await fetch(`${server.url}/admin/orders-export/orders.csv?from=${from}&to=${to}`, {
      headers: { cookie: admin },
    });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
    const seconds = (performance.now() - t0) / 1000;
    const peak = sampler.stop();
    exportResult = {
      status: res.status,
      from,
      to,
      rows: Math.max(0, lines - 1),
      mb: Math.round((bytes / 1024 / 1024) * 10) / 10,
      seconds: Math.round(seconds * 10) / 10,
      rssBeforeMb: before,
      peakRssMb: peak,
    };
    log(
      `export ${from}…${to}: ${exportResult.rows} rows, ${exportResult.mb} MB in ${exportResult.seconds} s, RSS ${before} → peak ${peak} MB`,
    );
  }
}

async function runCompare(target: Target, port: number) {
  const q = await openQuery(target);
  const server = await startServer(target, port);
  try {
    const admin = await login(server, "admin");
    const ceiling = await measure(server, "SSR ceiling", { path: "/bench/ssr", ceiling: null });
    const pages = await consolePages(server, q, admin);
    const again = await measure(server, "SSR ceiling, again", { path: "/bench/ssr", ceiling: null });
    return withRatios([ceiling, ...pages, again]);
  } finally {
    await server.stop();
    await q.close();
  }
}

/** The maintained values the app depends on, recomputed from the rows they summarise. */
async function checkInvariants(q: Query): Promise<string[]> {
  const checks: [string, string][] = [
    [
      "fund balances = Σ ledger",
      `select count(*) as n from fund_balances b where prepaid <> (select coalesce(sum(amount), 0) from fund_ledger l where l.customer_id = b.customer_id and l.account = 'prepaid')
        or rebate <> (select coalesce(sum(amount), 0) from fund_ledger l where l.customer_id = b.customer_id and l.account = 'rebate')
        or receivable <> (select coalesce(sum(amount), 0) from fund_ledger l where l.customer_id = b.customer_id and l.account = 'receivable')`,
    ],
    [
      "ledger balance_after is a running sum",
      "select count(*) as n from (select balance_after, sum(amount) over (partition by customer_id, account order by id) as s from fund_ledger) x where s <> balance_after",
    ],
    [
      "queue counters = counts",
      `select count(*) as n from (select o.status, o.region_id, count(*) as c from orders o group by o.status, o.region_id) x
        where c <> coalesce((select q.count from queue_counters q where q.pipeline = 'orders' and q.status = x.status and q.region_id = x.region_id), 0)`,
    ],
    [
      "return counters = counts",
      `select count(*) as n from (select r.status, r.region_id, count(*) as c from returns r group by r.status, r.region_id) x
        where c <> coalesce((select q.count from queue_counters q where q.pipeline = 'returns' and q.status = x.status and q.region_id = x.region_id), 0)`,
    ],
    [
      "stock = Σ movements, reserved = Σ reservations",
      `select count(*) as n from stock s where on_hand <> (select coalesce(sum(delta), 0) from stock_movements m where m.sku_id = s.sku_id and m.warehouse_id = s.warehouse_id)
        or reserved <> (select coalesce(sum(r.quantity), 0) from order_reservations r join orders o on o.id = r.order_id where r.sku_id = s.sku_id and r.warehouse_id = s.warehouse_id and o.reserved = 1)`,
    ],
  ];
  const problems: string[] = [];
  for (const [name, sql] of checks) {
    const n = Number((await q.all<{ n: number }>(sql))[0]!.n);
    if (n) problems.push(`${name}: ${n} rows differ`);
  }
  log(problems.length ? `invariants: ${problems.join("; ")}` : "invariants: all hold");
  return problems;
}

// ---------------------------------------------------------------------------------------------
const targets =
  ENGINE === "sqlite"
    ? {
        main: { label: "SQLite 1 M", url: `file:${resolve(ROOT, "data/bench.db")}`, orders: ORDERS },
        small: { label: "SQLite 10 k", url: `file:${resolve(ROOT, "data/bench-10k.db")}`, orders: 10_000 },
      }
    : {
        main: { label: "PostgreSQL 1 M", url: `${PG_BASE}/bench`, orders: ORDERS },
        small: { label: "PostgreSQL 10 k", url: `${PG_BASE}/bench_10k`, orders: 10_000 },
      };

/** The newest modification time under a folder (the app's sources), to know if the build is stale. */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = resolve(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return max;
}
const built = existsSync(`${BUILD_DIR}/server/index.js`) ? statSync(`${BUILD_DIR}/server/index.js`).mtimeMs : 0;
const sources = Math.max(
  newest(resolve(ROOT, "app")),
  newest(resolve(ROOT, "db")),
  statSync(resolve(ROOT, "package-lock.json")).mtimeMs,
);
if (flag("rebuild") || built < sources) {
  log("building into build/bench…");
  execFileSync("npx", ["react-router", "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, BUILD_DIR } });
}
await ensureSeeded(targets.main);
if (COMPARE) await ensureSeeded(targets.small);

const mainCount = await openQuery(targets.main).then(async (q) => {
  const n = Number((await q.all<{ n: number }>("select count(*) as n from orders"))[0]!.n);
  await q.close();
  return n;
});
log(`${targets.main.label}: ${mainCount.toLocaleString("en")} orders; ${CONNECTIONS} connections, ${DURATION} s each`);
const main = await runMain(targets.main, 3900);
if (ONLY) {
  for (const r of main.rows) console.log(`${r.name}: ${r.reqPerSec} req/s, ${shown(r.ratio)} ×, p99 ${r.p99} ms`);
  process.exit(0);
}
const compare = COMPARE ? await runCompare(targets.small, 3901) : [];

// Targets of issue 9, from this run.
const by = (name: string) => main.rows.find((r) => r.name === name)!;
const small = (name: string) => compare.find((r) => r.name === name);
const framework = by("framework ceiling");
const consoleNames = ["console queue, first page", "console list, deep keyset page", "console dashboard"];
const growth = consoleNames.map((name) => {
  const s = small(name);
  // Same-run ratios to each database's own SSR ceiling, so machine noise cancels out.
  return { name, factor: s?.ratio && by(name).ratio ? s.ratio / by(name).ratio! : null };
});
const peakRss = Math.max(...main.rows.map((r) => r.peakRssMb), Number(main.exportResult.peakRssMb ?? 0));
const targetsMet: [string, boolean, string][] = [
  ...["catalog search (dealer)", "my orders (dealer)"].map((name): [string, boolean, string] => [
    `${name} ≥ 0.5 × SSR, p99 < 250 ms`,
    (by(name).ratio ?? 0) >= 0.5 && by(name).p99 < 250,
    `${shown(by(name).ratio)} ×, p99 ${by(name).p99} ms`,
  ]),
  ...consoleNames.map((name): [string, boolean, string] => [
    `${name} ≥ 0.5 × SSR`,
    (by(name).ratio ?? 0) >= 0.5,
    `${shown(by(name).ratio)} ×`,
  ]),
  ...growth.map(({ name, factor }): [string, boolean, string] => [
    `${name} within 1.3 × of 10 k orders`,
    factor !== null && factor <= 1.3,
    factor === null ? "not measured" : `${shown(factor)} × slower`,
  ]),
  [
    "order submission ≥ 0.35 × framework, p99 < 150 ms",
    (by("POST /api/v1/orders (5 lines)").ratio ?? 0) >= 0.35 && by("POST /api/v1/orders (5 lines)").p99 < 150,
    `${shown(by("POST /api/v1/orders (5 lines)").ratio)} ×, p99 ${by("POST /api/v1/orders (5 lines)").p99} ms`,
  ],
  [
    "approvals ≥ 0.4 × framework",
    (by("approve via API (order review)").ratio ?? 0) >= 0.4,
    `${shown(by("approve via API (order review)").ratio)} ×`,
  ],
  ["zero errors", [...main.rows, ...compare].every((r) => r.errors === 0), ""],
  ["peak RSS < 400 MB", peakRss < 400, `${peakRss} MB`],
  ["invariants hold afterwards", main.violations.length === 0, main.violations.join("; ")],
];
void framework;

let revision = "unknown";
try {
  revision = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
} catch {
  // not a git checkout
}
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, ${Math.round(totalmem() / 1024 ** 3)} GB, Node ${process.version}`;
const date = new Date().toISOString();

const fmt = (r: Row) =>
  `| ${r.name} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.serverP50} / ${r.serverP99} | ${r.serverCpuMs} | ${r.errors} | ${r.ratio === null ? "—" : `${shown(r.ratio)} × ${r.ceiling}`} | ${r.peakRssMb} |${r.note ? ` ${r.note}` : ""}`;
const header =
  "| measurement | req/s | p50 ms | p99 ms | server p50 / p99 ms | server CPU ms/req | errors | ratio to ceiling | peak RSS MB |";
const md = [
  `## ${targets.main.label} — ${mainCount.toLocaleString("en")} orders`,
  "",
  `${date} · ${machine} · git ${revision} · ${CONNECTIONS} connections, ${DURATION} s each`,
  "",
  header,
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...main.rows.map(fmt),
  "",
  `Export of one month (${main.exportResult.from} … ${main.exportResult.to}): ${main.exportResult.rows} orders, ${main.exportResult.mb} MB CSV in ${main.exportResult.seconds} s; server RSS ${main.exportResult.rssBeforeMb} MB before, peak ${main.exportResult.peakRssMb} MB.`,
  "",
  ...(compare.length
    ? [
        `### ${targets.small.label} (same console pages)`,
        "",
        header,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ...compare.map(fmt),
        "",
      ]
    : []),
  "### Targets",
  "",
  "| target | met | figure |",
  "|---|---|---|",
  ...targetsMet.map(([name, ok, figure]) => `| ${name} | ${ok ? "yes" : "**no**"} | ${figure} |`),
  "",
].join("\n");

console.log(`\n${md}`);
mkdirSync(resolve(ROOT, "bench/results"), { recursive: true });
const stem = `bench/results/${date.slice(0, 19).replaceAll(":", "-")}-${ENGINE}`;
writeFileSync(
  resolve(ROOT, `${stem}.json`),
  `${JSON.stringify(
    {
      date,
      engine: ENGINE,
      cpus: cpus().length,
      machine,
      revision,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      orders: mainCount,
      rows: main.rows,
      export: main.exportResult,
      compare10k: compare,
      targets: targetsMet.map(([name, met, figure]) => ({ name, met, figure })),
      invariantViolations: main.violations,
    },
    null,
    2,
  )}\n`,
);
writeFileSync(resolve(ROOT, `${stem}.md`), md);
log(`wrote ${stem}.json and .md`);
