// Operations (issue 10): the built server (server.js) run the way production runs it — WORKERS,
// graceful shutdown on SIGTERM, JSON logs with a request id, and no secret ever in the logs.
// Each test starts its own server on its own seeded SQLite file.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../../app/services/demo-seed.server";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { DEMO_PASSWORD } from "../../db/seed/demo-data";

const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;
let dbFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dinghuo-ops-"));
  dbFile = join(dir, "ops.db");
  const database = openDatabase({ dialect: "sqlite", url: dbFile });
  await migrateToLatest(database.db);
  await seedDemo(database.db, new Date());
  await database.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.on("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

interface Running {
  url: string;
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts server.js on the ops database; `output` collects stdout and stderr as they come. */
async function spawnServer(env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  let output = "";
  const child = spawn(process.execPath, ["server.js"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      COOKIE_SECURE: "false",
      SESSION_SECRET: randomBytes(32).toString("hex"),
      DATABASE_URL: `file:${dbFile}`,
      PORT: String(port),
      LOG_LEVEL: "debug",
      ...env,
    },
  });
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (c: Buffer) => (output += c.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  return { url: `http://127.0.0.1:${port}`, child, output: () => output, exit };
}

/** `spawnServer`, then waits until it answers /healthz. */
async function startServer(env: Record<string, string> = {}): Promise<Running> {
  const server = await spawnServer(env);
  const { url, child, output } = server;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    const ok = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`server not healthy:\n${output()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return server;
}

/**
 * A login form whose body arrives slowly: the first bytes now, the rest when `sendRest` is
 * called (by `later`), so the request is in flight for as long as the test wants. Resolves with
 * the status once the whole answer has been read.
 */
function slowLogin(url: string, later: (sendRest: () => void) => void): Promise<number> {
  const { port } = new URL(url);
  const body = `username=admin&password=${DEMO_PASSWORD}`;
  return new Promise<number>((done, fail) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: "/login",
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          Origin: url,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => done(res.statusCode ?? 0));
      },
    );
    req.on("error", fail);
    req.write(body.slice(0, 10));
    later(() => req.end(body.slice(10)));
  });
}

const logLines = (output: string) =>
  output
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("the production server", () => {
  it("runs WORKERS=2 processes that each serve, and all stop cleanly on SIGTERM", async () => {
    const server = await startServer({ WORKERS: "2", LOG_LEVEL: "info" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
    const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}/healthz`)));
    expect(responses.every((r) => r.ok && r.headers.get("x-request-id"))).toBe(true);
    server.child.kill("SIGTERM");
    expect(await server.exit).toEqual({ code: 0, signal: null });
    const lines = logLines(server.output());
    // Each worker checked the database at start, and each said it was shutting down.
    expect(lines.filter((l) => l.msg === "database ready")).toHaveLength(2);
    expect(lines.filter((l) => String(l.msg).startsWith("shutting down"))).toHaveLength(2);
  });

  it("stops cleanly when SIGTERM comes while a worker is still starting", async () => {
    // Not through startServer: the signal goes as soon as the first worker says it is up, when
    // the second is often still loading (it then died by the signal and the primary exited 1).
    const { child, output, exit } = await spawnServer({ WORKERS: "2", LOG_LEVEL: "info" });
    while (!output().includes("database ready") && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGTERM");
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(logLines(output()).filter((l) => String(l.msg).startsWith("shutting down"))).toHaveLength(2);
  });

  it("finishes a request in flight when SIGTERM arrives, refuses new ones, and exits 0", async () => {
    const server = await startServer();
    // A login whose body arrives slowly: the request is in flight across the signal.
    const answered = slowLogin(server.url, (sendRest) =>
      setTimeout(() => {
        server.child.kill("SIGTERM");
        setTimeout(sendRest, 700);
      }, 300),
    );
    const status = await answered;
    // Signed in: a redirect with the session cookie, not a dropped connection.
    expect(status).toBe(302);
    expect(await server.exit).toEqual({ code: 0, signal: null });
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    const requestLine = logLines(server.output()).find((l) => l.msg === "request" && l.path === "/login");
    expect(requestLine).toMatchObject({ method: "POST", status: 302 });
  });

  it("works on MAX_IN_FLIGHT requests at once: the rest wait their turn, a client that leaves frees its turn", async () => {
    const server = await startServer({ MAX_IN_FLIGHT: "1", LOG_LEVEL: "warn" });
    const finished: string[] = [];
    // A login whose body arrives slowly holds the one place until it is answered.
    const slow = slowLogin(server.url, (sendRest) => setTimeout(sendRest, 800)).then((status) => {
      finished.push("slow login");
      return status;
    });
    await new Promise((r) => setTimeout(r, 200));
    // One that gives up while it waits, then one that waits to the end.
    const leaving = new AbortController();
    const gaveUp = fetch(`${server.url}/healthz`, { signal: leaving.signal }).catch(() => "gave up");
    const waiting = fetch(`${server.url}/healthz`).then((r) => {
      finished.push("waiting health check");
      return r.status;
    });
    setTimeout(() => leaving.abort(), 100);
    expect(await gaveUp).toBe("gave up");
    expect(await slow).toBe(302);
    expect(await waiting).toBe(200);
    expect(finished).toEqual(["slow login", "waiting health check"]);
    // Many at once on one place: every one answered.
    const many = await Promise.all(Array.from({ length: 30 }, () => fetch(`${server.url}/healthz`)));
    expect(many.map((r) => r.status)).toEqual(Array(30).fill(200));
    server.child.kill("SIGTERM");
    expect(await server.exit).toEqual({ code: 0, signal: null });
  });

  it("a request whose turn comes when another client leaves is served as its own: its CSP nonce, its request id", async () => {
    const server = await startServer({ MAX_IN_FLIGHT: "1", LOG_LEVEL: "warn" });
    const issued = await fetch(`${server.url}/api/v1/auth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "hz-dealer", password: DEMO_PASSWORD }),
    });
    const { token } = (await issued.json()) as { token: string };
    // A login whose client leaves halfway through its body: the place is freed by the socket's
    // close, outside any request. The two waiting behind it start from there.
    const { port } = new URL(server.url);
    const leaving = http.request({
      host: "127.0.0.1",
      port,
      path: "/login",
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": 100, Origin: server.url },
    });
    leaving.on("error", () => {});
    leaving.write("username=");
    await new Promise((r) => setTimeout(r, 200));
    const page = fetch(`${server.url}/login`);
    const api = fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    await new Promise((r) => setTimeout(r, 200));
    leaving.destroy();

    const shown = await page;
    expect(shown.status).toBe(200);
    const header = /'nonce-([^']+)'/.exec(shown.headers.get("content-security-policy") ?? "")?.[1];
    const used = [...(await shown.text()).matchAll(/<script[^>]* nonce="([^"]+)"/g)].map((m) => m[1]);
    expect(header).toBeTruthy();
    expect(used.length).toBeGreaterThan(0);
    expect(new Set(used)).toEqual(new Set([header]));
    const answered = await api;
    expect(answered.status).toBe(200);
    expect(answered.headers.get("x-request-id")).toBeTruthy();
    server.child.kill("SIGTERM");
    expect(await server.exit).toEqual({ code: 0, signal: null });
  });

  it("writes JSON lines with a request id, and never a password, token or session id", async () => {
    const server = await startServer();
    const secrets: string[] = [DEMO_PASSWORD, "Wr0ng-Passw0rd-zz"];
    const post = (path: string, form: Record<string, string>, cookie = "") =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, Cookie: cookie },
        body: new URLSearchParams(form),
      });

    // Page login (a failure first), the session cookie and what it carries.
    await post("/login", { username: "admin", password: "Wr0ng-Passw0rd-zz" });
    const login = await post("/login", { username: "admin", password: DEMO_PASSWORD });
    expect(login.status).toBe(302);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const cookieValue = decodeURIComponent(cookie.split("=").slice(1).join("="));
    secrets.push(cookieValue, JSON.parse(Buffer.from(cookieValue.split(".")[0]!, "base64").toString("utf8")));

    // API: a bearer token from a password, used, then revoked.
    const issued = await fetch(`${server.url}/api/v1/auth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password: DEMO_PASSWORD }),
    });
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };
    secrets.push(token);
    const auth = { Authorization: `Bearer ${token}` };
    expect((await fetch(`${server.url}/api/v1/products`, { headers: auth })).status).toBeLessThan(500);
    await fetch(`${server.url}/api/v1/nope?token=${token}`, { headers: auth });
    expect((await fetch(`${server.url}/api/v1/auth/token`, { method: "DELETE", headers: auth })).status).toBe(204);

    // Password reset of a dealer's ordering account: one chosen, one generated.
    const sqlite = new SQLite(dbFile, { readonly: true });
    const customer = sqlite.prepare("select id from customers order by id limit 1").get() as { id: number };
    sqlite.close();
    const chosen = "N3w-Secret-Pass-42";
    secrets.push(chosen);
    const reset = await post(
      `/admin/customers/${customer.id}`,
      { intent: "resetPassword", password: chosen, passwordConfirm: chosen },
      cookie,
    );
    expect(reset.status).toBeLessThan(400);
    const generated = await post(`/admin/customers/${customer.id}.data`, { intent: "generatePassword" }, cookie);
    const generatedText = await generated.text();
    const generatedPassword = /"generatedPassword","([^"]+)"/.exec(generatedText)?.[1];
    expect(generatedPassword).toBeTruthy();
    secrets.push(generatedPassword!);

    server.child.kill("SIGTERM");
    await server.exit;
    const sessions = new SQLite(dbFile, { readonly: true });
    for (const s of sessions.prepare("select id from sessions").all() as { id: string }[]) secrets.push(s.id);
    sessions.close();

    const output = server.output();
    for (const secret of secrets) expect(output, `a secret in the logs: ${secret.slice(0, 6)}…`).not.toContain(secret);
    const lines = logLines(output);
    const requests = lines.filter((l) => l.msg === "request");
    expect(requests.length).toBeGreaterThanOrEqual(8);
    for (const line of requests) expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(requests.find((l) => String(l.path).startsWith("/api/v1/nope"))?.path).toBe("/api/v1/nope");
  });
});
