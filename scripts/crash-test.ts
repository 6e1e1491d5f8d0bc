// `npm run test:crash` (RELIABILITY C6): a child process runs random business transactions
// through the real services (scripts/crash-worker.ts) on one SQLite file and prints each commit
// it saw; it is SIGKILLed at a random moment, again and again. After every kill the database
// must pass every check of `db:check` and hold every commit any child ever reported.
//   CRASH_KILLS (default 50), CRASH_SEED (default: random, printed for replay)
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { checkDatabase } from "../app/services/db-check.server";
import { seedDemo } from "../app/services/demo-seed.server";
import { openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";

const KILLS = Number(process.env.CRASH_KILLS ?? 50);
const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const started = Date.now();
const root = resolve(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "dinghuo-crash-"));
const file = join(dir, "crash.db");

// The worker is bundled once so each of the many restarts costs a plain `node` start.
const worker = join(root, "node_modules/.cache/dinghuo/crash-worker.mjs");
await build({
  entryPoints: [join(root, "scripts/crash-worker.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  outfile: worker,
  logLevel: "warning",
});

{
  const database = openDatabase({ dialect: "sqlite", url: file });
  await migrateToLatest(database.db);
  await seedDemo(database.db, new Date());
  await database.close();
}

let rng = seed >>> 0;
const random = () => {
  rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
  return rng / 2 ** 32;
};

/** Starts a worker, kills it `delay` ms after it is ready, and returns the commits it reported. */
function runAndKill(delay: number, workerSeed: number): Promise<{ commits: string[]; killed: boolean }> {
  return new Promise((done, fail) => {
    const child: ChildProcess = spawn(process.execPath, [worker, file, String(workerSeed)], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout!.on("data", (chunk: Buffer) => {
      const before = out;
      out += chunk.toString("utf8");
      if (!before.includes("ready\n") && out.includes("ready\n"))
        timer = setTimeout(() => child.kill("SIGKILL"), delay);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString("utf8");
    });
    child.on("error", fail);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (signal !== "SIGKILL") return fail(new Error(`worker ended by itself (code ${code}):\n${err}`));
      // A line cut off by the kill was never acknowledged as complete: only whole lines count.
      const whole = out.slice(0, out.lastIndexOf("\n") + 1);
      done({ commits: whole.split("\n").filter((l) => l.startsWith("C ")), killed: true });
    });
  });
}

/** Every commit reported so far must still be there (version at least what was reported). */
async function missingCommits(db: ReturnType<typeof openDatabase>["db"], commits: string[]): Promise<string[]> {
  const orders = new Map(
    (await db.selectFrom("orders").select(["number", "version"]).execute()).map((o) => [o.number, Number(o.version)]),
  );
  const returns = new Map(
    (await db.selectFrom("returns").select(["number", "version"]).execute()).map((r) => [r.number, Number(r.version)]),
  );
  const ledger = new Set((await db.selectFrom("fund_ledger").select("id").execute()).map((r) => String(r.id)));
  const moves = new Set((await db.selectFrom("stock_movements").select("id").execute()).map((r) => String(r.id)));
  return commits.filter((line) => {
    const [, kind, key = "", version = "0"] = line.split(" ");
    switch (kind) {
      case "order":
        return !orders.has(key);
      case "oaction":
        return (orders.get(key) ?? -1) < Number(version);
      case "return":
        return !returns.has(key);
      case "raction":
        return (returns.get(key) ?? -1) < Number(version);
      case "ledger":
        return !ledger.has(key);
      case "move":
        return !moves.has(key);
      default:
        return true;
    }
  });
}

const acknowledged: string[] = [];
let passed = 0;
const failures: string[] = [];
try {
  for (let kill = 1; kill <= KILLS; kill++) {
    const { commits } = await runAndKill(Math.floor(random() * 400), Math.floor(random() * 2 ** 31));
    acknowledged.push(...commits);
    const database = openDatabase({ dialect: "sqlite", url: file });
    try {
      const problems = (await checkDatabase(database.db, "sqlite")).map((v) => `[${v.check}] ${v.problem}`);
      const lost = (await missingCommits(database.db, acknowledged)).map((c) => `lost commit: ${c.slice(2)}`);
      const wrong = [...problems, ...lost];
      if (wrong.length) failures.push(`kill ${kill}:\n  ${wrong.slice(0, 20).join("\n  ")}`);
      else passed++;
      console.log(
        `kill ${String(kill).padStart(2)}: ${String(commits.length).padStart(3)} commits acknowledged, ${wrong.length ? `${wrong.length} PROBLEM(S)` : "db:check ok, none lost"}`,
      );
    } finally {
      await database.close();
    }
  }
} finally {
  if (!failures.length) rmSync(dir, { recursive: true, force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
for (const f of failures) console.error(f);
console.log(
  `crash test (seed ${seed}): ${passed}/${KILLS} kills passed, ${acknowledged.length} acknowledged commits, ${seconds} s${failures.length ? `; database kept at ${file}` : ""}`,
);
// CI's closing count (scripts/ci-summary.mjs) reads vitest-shaped JSON reports: one test per kill.
if (process.env.CI_REPORT_DIR) {
  writeFileSync(
    join(process.env.CI_REPORT_DIR, "test-crash.json"),
    JSON.stringify({ numPassedTests: passed, numFailedTests: KILLS - passed, numPendingTests: 0, numTodoTests: 0 }),
  );
}
process.exit(failures.length || passed < KILLS ? 1 : 0);
