// `npm run db:restore <backup> [--force]`: replaces the SQLite database DATABASE_URL names with
// a backup. The backup must pass db:check; the current database must not be in use (stop the
// portal first; --force skips that check) and is kept as <db>.before-restore-<time>. The
// restored database is checked again. PostgreSQL: see docs/deployment.md (pg_restore).
import { checkDatabase } from "../app/services/db-check.server";
import { DatabaseInUseError, restoreSqlite } from "../db/backup";
import { openDatabase, parseDatabaseUrl } from "../db/client";

const args = process.argv.slice(2);
const force = args.includes("--force");
const backup = args.find((a) => !a.startsWith("--"));
const target = parseDatabaseUrl(process.env.DATABASE_URL);
if (!backup) {
  console.error("usage: npm run db:restore -- <backup-file> [--force]");
  process.exit(2);
}
if (target.dialect !== "sqlite") {
  console.error("DATABASE_URL is PostgreSQL: restore with pg_restore (docs/deployment.md, “Restore drill”).");
  process.exit(2);
}
try {
  const { keptAs, problems } = await restoreSqlite(backup, target.url, { force });
  if (problems.length) {
    for (const v of problems) console.log(`✗ [${v.check}] ${v.problem}`);
    console.error(`${backup} fails db:check; nothing was changed.`);
    process.exit(1);
  }
  if (keptAs) console.log(`The previous database is kept as ${keptAs}.`);
} catch (error) {
  if (error instanceof DatabaseInUseError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
const database = openDatabase(target);
try {
  const problems = await checkDatabase(database.db, database.dialect);
  for (const v of problems) console.log(`✗ [${v.check}] ${v.problem}`);
  console.log(
    problems.length
      ? `Restored ${backup} → ${target.url}, but db:check finds ${problems.length} problem(s).`
      : `Restored ${backup} → ${target.url}; db:check ok.`,
  );
  process.exitCode = problems.length ? 1 : 0;
} finally {
  await database.close();
}
