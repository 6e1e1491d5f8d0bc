import { type Database, openDatabase, parseDatabaseUrl } from "../db/client";
import { getEnv } from "./env.server";

let database: Database | undefined;

/** The process's database handle, opened on first use from `DATABASE_URL`. */
export function getDatabase(): Database {
  database ??= openDatabase(parseDatabaseUrl(getEnv().DATABASE_URL));
  return database;
}

export async function closeDatabase(): Promise<void> {
  const open = database;
  database = undefined;
  await open?.close();
}
