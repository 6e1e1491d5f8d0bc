import type { Kysely, Selectable } from "kysely";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";

/** Who did something, as the audit log records it. */
export interface Actor {
  accountId: number | null;
  /** The username: stable, what the audit log records. */
  name: string;
  /** What people see in timelines and change slips (a person's or company's name). */
  displayName?: string;
  requestId?: string;
  ip?: string;
}

export const SYSTEM_ACTOR: Actor = { accountId: null, name: "system" };

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

const insertAudit = prepared((db: Kysely<DB>, p: Omit<Selectable<DB["audit_log"]>, "id">) =>
  db.insertInto("audit_log").values({
    at: p.at,
    request_id: p.request_id,
    actor_account_id: p.actor_account_id,
    actor_name: p.actor_name,
    action: p.action,
    object_type: p.object_type,
    object_id: p.object_id,
    before_json: p.before_json,
    after_json: p.after_json,
    ip: p.ip,
  }),
);

/** Appends one audit row. Call it inside the transaction that makes the change it records. */
export async function recordAudit(db: Kysely<DB>, actor: Actor, entry: AuditEntry, now: Date): Promise<void> {
  await insertAudit.executeWrite(db, {
    at: now.toISOString(),
    request_id: actor.requestId ?? null,
    actor_account_id: actor.accountId,
    actor_name: actor.name,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId == null ? null : String(entry.objectId),
    before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
    after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
    ip: actor.ip ?? null,
  });
}
