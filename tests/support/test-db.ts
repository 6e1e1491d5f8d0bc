import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Database, openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";

export type DbKind = "sqlite" | "postgres";

export const testDbKind = (): DbKind => (process.env.DB_KIND === "postgres" ? "postgres" : "sqlite");
export const testPostgresUrl = () => process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase extends Database {
  /** SQLite: the file; PostgreSQL: the schema. */
  name: string;
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a temporary SQLite file, or on PostgreSQL a
 * schema of its own so parallel runs and files never see each other's rows.
 */
export async function createTestDatabase(kind: DbKind = testDbKind()): Promise<TestDatabase> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "dinghuo-test-"));
    const file = join(dir, "test.db");
    const database = openDatabase({ dialect: "sqlite", url: file });
    await migrateToLatest(database.db);
    return {
      ...database,
      name: file,
      destroy: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl() });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const database = openDatabase({ dialect: "postgres", url: testPostgresUrl(), schema });
  try {
    // The migration tables live in the run's own schema, so other runs' leftovers can't interfere.
    await migrateToLatest(database.db, schema);
  } catch (error) {
    await database.close();
    const client = new pg.Client({ connectionString: testPostgresUrl() });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
    throw error;
  }
  return {
    ...database,
    name: schema,
    destroy: async () => {
      await database.close();
      const client = new pg.Client({ connectionString: testPostgresUrl() });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}
