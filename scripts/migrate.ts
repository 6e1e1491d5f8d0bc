import { openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";

const database = openDatabase();
try {
  const { results } = await migrateToLatest(database.db);
  const applied = results?.filter((r) => r.status === "Success").map((r) => r.migrationName) ?? [];
  console.log(
    applied.length
      ? `Applied ${applied.length} migration(s) to ${database.location}: ${applied.join(", ")}`
      : `${database.location} is up to date.`,
  );
} finally {
  await database.close();
}
