import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";

export interface OutboxEvent {
  id: number;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
  createdAt: string;
}

/** Something that takes committed events out of the database (webhooks, notifications). */
export type OutboxHandler = (event: OutboxEvent) => Promise<void>;

const LEASE_MS = 60_000;

/**
 * Delivers committed events to the handlers and marks them delivered. Every process may run
 * it: an event is claimed by a conditional update (a lease), so each is handled by one sender
 * at a time, and one that failed is retried later with backoff.
 */
export async function sendOutbox(
  db: Kysely<DB>,
  handlers: readonly OutboxHandler[],
  now: Date,
  batch = 50,
): Promise<number> {
  const at = now.toISOString();
  const candidates = await db
    .selectFrom("outbox")
    .selectAll()
    .where("delivered_at", "is", null)
    .where("available_at", "<=", at)
    .orderBy("id")
    .limit(batch)
    .execute();
  let delivered = 0;
  for (const row of candidates) {
    const claimed = await db
      .updateTable("outbox")
      .set({ attempts: row.attempts + 1, available_at: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where("id", "=", row.id)
      .where("attempts", "=", row.attempts)
      .where("delivered_at", "is", null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue; // another process has it
    const event: OutboxEvent = {
      id: row.id,
      type: row.event_type,
      aggregateType: row.aggregate_type,
      aggregateId: row.aggregate_id,
      payload: JSON.parse(row.payload_json),
      createdAt: row.created_at,
    };
    try {
      for (const handler of handlers) await handler(event);
      await db
        .updateTable("outbox")
        .set({ delivered_at: new Date().toISOString(), last_error: null })
        .where("id", "=", row.id)
        .execute();
      delivered++;
    } catch (error) {
      const backoffMs = Math.min(2 ** row.attempts * 5_000, 3600_000);
      await db
        .updateTable("outbox")
        .set({
          last_error: String((error as Error)?.message ?? error).slice(0, 500),
          available_at: new Date(now.getTime() + backoffMs).toISOString(),
        })
        .where("id", "=", row.id)
        .execute();
    }
  }
  return delivered;
}
