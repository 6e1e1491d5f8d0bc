// `npm run db:check`: SQLite integrity plus every domain invariant (DOMAIN.md §7) on the
// database DATABASE_URL names; lists what is wrong and exits 1, or says "ok".
import { checkDatabase } from "../app/services/db-check.server";
import { openDatabase } from "../db/client";

const database = openDatabase();
try {
  const violations = await checkDatabase(database.db, database.dialect);
  for (const v of violations) console.log(`✗ [${v.check}] ${v.problem}`);
  console.log(
    violations.length
      ? `${database.location}: ${violations.length} problem(s) found.`
      : `${database.location}: ok (integrity and domain invariants hold).`,
  );
  process.exitCode = violations.length ? 1 : 0;
} finally {
  await database.close();
}
