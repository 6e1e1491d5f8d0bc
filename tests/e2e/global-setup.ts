// Starts the built production server (server.js) on a fresh, seeded SQLite database for the e2e suite.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { seedDemo } from "../../app/services/demo-seed.server";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    dbPath: string;
  }
}

const ROOT = resolve(import.meta.dirname, "../..");
const READY_TIMEOUT_MS = 30_000;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? done(port) : fail(new Error("could not read a free port"))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `The server exited early (code ${child.exitCode}, signal ${child.signalCode}).\nServer output:\n${output()}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `The server did not answer ${url}/healthz within ${READY_TIMEOUT_MS / 1000} s.\nServer output:\n${output()}`,
  );
}

export default async function setup(project: TestProject) {
  const serverBuild = resolve(ROOT, process.env.BUILD_DIR ?? "build", "server/index.js");
  if (!existsSync(serverBuild)) {
    throw new Error(`${serverBuild} is missing: run \`npm run build\` first (\`npm run test:e2e\` does it for you).`);
  }

  const dir = mkdtempSync(join(tmpdir(), "dinghuo-e2e-"));
  const dbPath = join(dir, "e2e.db");
  const database = openDatabase({ dialect: "sqlite", url: dbPath });
  try {
    await migrateToLatest(database.db);
    await seedDemo(database.db, new Date());
  } finally {
    await database.close();
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The logger writes to stdout and crashes go to stderr: keep both, shown if the server dies or logs a warning.
  let output = "";
  const child = spawn(process.execPath, ["server.js"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      COOKIE_SECURE: "false",
      SESSION_SECRET: randomBytes(32).toString("hex"),
      DATABASE_URL: `file:${dbPath}`,
      PORT: String(port),
      LOG_LEVEL: "warn",
      MIGRATE_ON_START: "false",
      // The webhook journey's receiver listens on 127.0.0.1, which production refuses otherwise.
      WEBHOOK_ALLOW_PRIVATE: "true",
    },
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      output += chunk;
    });
  }
  let stopping = false;
  child.on("exit", (code, signal) => {
    if (!stopping) console.error(`[e2e] server exited early (code ${code}, signal ${signal})\n${output}`);
  });

  // Should vitest itself exit without running the teardown, do not leave the server behind.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  const cleanUp = async () => {
    stopping = true;
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited(child);
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilHealthy(baseUrl, child, () => output);
  } catch (error) {
    await cleanUp();
    throw error;
  }

  project.provide("baseUrl", baseUrl);
  project.provide("dbPath", dbPath);

  return async function teardown() {
    await cleanUp();
    if (output.trim()) console.error(`[e2e] server output:\n${output}`);
  };
}
