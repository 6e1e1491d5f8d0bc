import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema";
import { containsText } from "./text-search.server";

/** The audit log (操作日志) as administrators read it: newest first, filtered, paged by id. */

export interface AuditQuery {
  /** Part of the acting username. */
  actor?: string;
  /** An action exactly (`staff.update`), or every action of a kind with a trailing `.*` (`staff.*`). */
  action?: string;
  objectType?: string;
  objectId?: string;
  /** Inclusive UTC lower bound (ISO). */
  fromUtc?: string;
  /** Exclusive UTC upper bound (ISO). */
  toUtc?: string;
  /** The last id of the previous page. */
  beforeId?: number;
  limit: number;
}

export interface AuditRow {
  id: number;
  at: string;
  actorAccountId: number | null;
  actorName: string;
  action: string;
  objectType: string;
  objectId: string | null;
  before: string | null;
  after: string | null;
  ip: string | null;
  requestId: string | null;
}

export async function listAuditLog(
  db: Kysely<DB>,
  query: AuditQuery,
): Promise<{ items: AuditRow[]; nextCursor: number | null }> {
  let qb = db
    .selectFrom("audit_log")
    .select([
      "id",
      "at",
      "actor_account_id as actorAccountId",
      "actor_name as actorName",
      "action",
      "object_type as objectType",
      "object_id as objectId",
      "before_json as before",
      "after_json as after",
      "ip",
      "request_id as requestId",
    ]);
  const actor = query.actor?.trim();
  if (actor) qb = qb.where(containsText(["actor_name"], actor));
  const action = query.action?.trim();
  if (action?.endsWith(".*")) {
    const prefix = action.slice(0, -1).replace(/[\\%_]/g, (ch) => `\\${ch}`);
    // An explicit ESCAPE: SQLite has no default one.
    qb = qb.where(sql<boolean>`action like ${`${prefix}%`} escape '\\'`);
  } else if (action) qb = qb.where("action", "=", action);
  if (query.objectType) qb = qb.where("object_type", "=", query.objectType);
  if (query.objectId) qb = qb.where("object_id", "=", query.objectId);
  if (query.fromUtc) qb = qb.where("at", ">=", query.fromUtc);
  if (query.toUtc) qb = qb.where("at", "<", query.toUtc);
  if (query.beforeId !== undefined) qb = qb.where("id", "<", query.beforeId);
  const rows = await qb
    .orderBy("id", "desc")
    .limit(query.limit + 1)
    .execute();
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
}

/** The actions and object types the log holds, for the filter's suggestions. */
export async function auditVocabulary(db: Kysely<DB>): Promise<{ actions: string[]; objectTypes: string[] }> {
  const [actions, types] = await Promise.all([
    db.selectFrom("audit_log").select("action").distinct().orderBy("action").limit(500).execute(),
    db.selectFrom("audit_log").select("object_type").distinct().orderBy("object_type").limit(200).execute(),
  ]);
  return { actions: actions.map((a) => a.action), objectTypes: types.map((t) => t.object_type) };
}

/**
 * The filtered log as export rows (header first), read 500 at a time so a long log streams.
 * Cells are plain text; the spreadsheet writers escape those that a spreadsheet would run.
 */
export async function* auditExportRows(
  db: Kysely<DB>,
  query: Omit<AuditQuery, "beforeId" | "limit">,
  header: string[],
): AsyncGenerator<Array<string | number>> {
  yield header;
  let beforeId: number | undefined;
  for (;;) {
    const page = await listAuditLog(db, { ...query, beforeId, limit: 500 });
    for (const r of page.items) {
      yield [
        r.id,
        r.at,
        r.actorName,
        r.action,
        r.objectType,
        r.objectId ?? "",
        r.before ?? "",
        r.after ?? "",
        r.ip ?? "",
        r.requestId ?? "",
      ];
    }
    if (page.nextCursor === null) return;
    beforeId = page.nextCursor;
  }
}
