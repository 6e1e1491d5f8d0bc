// `npm run db:backup [destination]`: an online backup of the SQLite database DATABASE_URL names,
// safe while the portal is running, then checked with every db:check check. Default
// destination: ./backups/dinghuo-<UTC time>.db. PostgreSQL: see docs/deployment.md (pg_dump).
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { backupSqlite } from "../db/backup";
import { parseDatabaseUrl } from "../db/client";

const target = parseDatabaseUrl(process.env.DATABASE_URL);
if (target.dialect !== "sqlite") {
  console.error("DATABASE_URL is PostgreSQL: back it up with pg_dump -Fc (docs/deployment.md, “Backups”).");
  process.exit(2);
}
const destination =
  process.argv[2] ??
  `./backups/dinghuo-${new Date()
    .toISOString()
    .replace(/[:.]/g, "-")
    .replace(/-\d{3}Z$/, "Z")}.db`;
mkdirSync(dirname(destination), { recursive: true });
const started = Date.now();
const problems = await backupSqlite(target.url, destination);
for (const v of problems) console.log(`✗ [${v.check}] ${v.problem}`);
if (problems.length) {
  console.error(`Backup written to ${destination}, but it fails db:check (${problems.length} problem(s)).`);
  process.exit(1);
}
console.log(`Backed up ${target.url} → ${destination} in ${Date.now() - started} ms; db:check ok.`);
