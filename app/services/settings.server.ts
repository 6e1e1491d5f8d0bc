import type { Kysely } from "kysely";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";
import { type BusinessSettings, DEFAULT_SETTINGS } from "../domain/settings";
import { type Actor, recordAudit } from "./audit.server";

const storedSettings = prepared((db: Kysely<DB>, _: Record<string, never>) =>
  db.selectFrom("settings").select(["key", "value_json"]),
);

/** The settings in force: stored values over the defaults. One small query. */
export async function getSettings(db: Kysely<DB>): Promise<BusinessSettings> {
  const rows = await storedSettings.execute(db, {});
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value_json)]));
  return { ...DEFAULT_SETTINGS, ...pick(stored) };
}

function pick(stored: Record<string, unknown>): Partial<BusinessSettings> {
  const out: Partial<BusinessSettings> = {};
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof BusinessSettings>) {
    if (key in stored) (out as Record<string, unknown>)[key] = stored[key];
  }
  return out;
}

export async function updateSettings(
  db: Kysely<DB>,
  actor: Actor,
  changes: Partial<BusinessSettings>,
  now: Date,
): Promise<BusinessSettings> {
  return db.transaction().execute(async (trx) => {
    const before = await getSettings(trx);
    for (const [key, value] of Object.entries(changes)) {
      const row = { value_json: JSON.stringify(value), updated_at: now.toISOString() };
      await trx
        .insertInto("settings")
        .values({ key, ...row })
        .onConflict((oc) => oc.column("key").doUpdateSet(row))
        .execute();
    }
    const after = { ...before, ...changes };
    await recordAudit(trx, actor, { action: "settings.update", objectType: "settings", before, after }, now);
    return after;
  });
}
