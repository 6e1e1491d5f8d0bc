// `npm run demo`: migrate and seed a demo SQLite database, build, serve on http://localhost:3000
// and print the demo logins.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { seedDemo } from "../app/services/demo-seed.server";
import { openDatabase, parseDatabaseUrl } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { DEMO_CUSTOMERS, DEMO_PASSWORD, DEMO_STAFF } from "../db/seed/demo-data";

const DATABASE_URL = process.env.DATABASE_URL ?? "file:./data/demo.db";
const PORT = process.env.PORT ?? "3000";

const database = openDatabase(parseDatabaseUrl(DATABASE_URL));
await migrateToLatest(database.db);
const { created } = await seedDemo(database.db, new Date());
await database.close();
console.log(
  `Demo database ${database.location}: ${created.length ? `${created.length} records added` : "already seeded"}.`,
);

console.log("Building…");
const build = spawnSync("npx", ["react-router", "build"], { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
if (build.status !== 0) {
  process.stderr.write(build.stdout + build.stderr);
  process.exit(build.status ?? 1);
}

const server = spawn("node", ["server.js"], {
  stdio: ["ignore", "pipe", "inherit"],
  env: {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL,
    PORT,
    // The demo serves plain http on localhost; a real install sets its own secret and keeps cookies Secure.
    COOKIE_SECURE: "false",
    SESSION_SECRET: process.env.SESSION_SECRET ?? randomBytes(32).toString("hex"),
  },
});

let announced = false;
server.stdout.on("data", (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (announced || !chunk.toString().includes("listening")) return;
  announced = true;
  const rows = [
    ...DEMO_STAFF.map((s) => ({ side: "console  /admin", username: s.username, who: s.displayName })),
    ...DEMO_CUSTOMERS.map((c) => ({ side: "storefront /shop", username: c.username, who: c.name })),
  ];
  console.log(`\nDinghuo demo: http://localhost:${PORT}/login   password for every account: ${DEMO_PASSWORD}\n`);
  for (const r of rows) console.log(`  ${r.username.padEnd(11)} ${r.side.padEnd(17)} ${r.who}`);
  console.log("\nPress Ctrl+C to stop.");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
