import { sql } from "kysely";
import { pendingMigrations } from "../../db/migrate";
import { getDatabase } from "../db.server";

/** Readiness: the database answers and its migrations are current. */
export async function loader() {
  const headers = { "Content-Type": "application/json", "Cache-Control": "no-store" };
  try {
    const { db } = getDatabase();
    await sql`select 1`.execute(db);
    const pending = await pendingMigrations(db);
    if (pending.length) return new Response(JSON.stringify({ ready: false, pending }), { status: 503, headers });
    return new Response(JSON.stringify({ ready: true }), { headers });
  } catch {
    return new Response(JSON.stringify({ ready: false, error: "database unreachable" }), { status: 503, headers });
  }
}
