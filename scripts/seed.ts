import { seedDemo } from "../app/services/demo-seed.server";
import { openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";

const database = openDatabase();
try {
  await migrateToLatest(database.db);
  const { created } = await seedDemo(database.db, new Date());
  console.log(
    created.length
      ? `Seeded ${database.location}: ${created.length} records.`
      : `${database.location} already holds the demo data.`,
  );
} finally {
  await database.close();
}
