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
 * it: events are claimed by one conditional update (a lease: only rows still due are taken, and
 * a taken row is not due again until its lease ends), so each is handled by one sender at a
 * time, and one that failed is retried later with backoff. The claim and the delivered mark are
 * one statement per batch, not per event: under load the sender's commits otherwise queued
 * behind (and between) the requests' own (issue 9). Each is a transaction of its own, so on
 * SQLite it joins the requests' group commit: as a lone statement each waited for an fsync of
 * its own, ~15 ms with the event loop blocked, twice a batch (issue 9).
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
    .select("id")
    .where("delivered_at", "is", null)
    .where("available_at", "<=", at)
    .orderBy("id")
    .limit(batch)
    .execute();
  if (!candidates.length) return 0;
  const claimed = await db.transaction().execute((trx) =>
    trx
      .updateTable("outbox")
      .set((eb) => ({
        attempts: eb("attempts", "+", 1),
        available_at: new Date(now.getTime() + LEASE_MS).toISOString(),
      }))
      .where(
        "id",
        "in",
        candidates.map((c) => c.id),
      )
      .where("delivered_at", "is", null)
      .where("available_at", "<=", at) // another process has not taken it meanwhile
      .returningAll()
      .execute(),
  );
  claimed.sort((a, b) => a.id - b.id);
  const delivered: number[] = [];
  for (const row of claimed) {
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
      delivered.push(row.id);
    } catch (error) {
      const backoffMs = Math.min(2 ** (row.attempts - 1) * 5_000, 3600_000);
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
  if (delivered.length) {
    await db
      .transaction()
      .execute((trx) =>
        trx
          .updateTable("outbox")
          .set({ delivered_at: new Date().toISOString(), last_error: null })
          .where("id", "in", delivered)
          .execute(),
      );
  }
  return delivered.length;
}

/**
 * One pass of the background sender: batch after batch until nothing due is left, a batch is
 * not full (a failure, or another process took some), or `budgetMs` has passed; the event loop
 * turns between batches, so requests go on meanwhile. One batch every two seconds delivered 25
 * events a second, and a busy portal makes more (a benchmark run made ~500 a second and left
 * 170 000 waiting, issue 9), so webhooks fell ever further behind.
 */
export async function drainOutbox(
  db: Kysely<DB>,
  handlers: readonly OutboxHandler[],
  now: Date,
  options: { batch?: number; budgetMs?: number } = {},
): Promise<number> {
  const { batch = 50, budgetMs = 1_000 } = options;
  const started = performance.now();
  let delivered = 0;
  for (;;) {
    const sent = await sendOutbox(db, handlers, now, batch);
    delivered += sent;
    if (sent < batch || performance.now() - started >= budgetMs) return delivered;
    await new Promise((turn) => setImmediate(turn));
  }
}
