import { type Kysely, sql } from "kysely";
import { isSqliteDb } from "../../db/locking";
import type { DB } from "../../db/schema";
import { sweepAutoReceipt } from "./order-admin.server";
import { drainOutbox, type OutboxHandler } from "./outbox-sender.server";
import { deleteExpiredSessions } from "./sessions.server";
import { getSettings } from "./settings.server";
import { drainWebhooks } from "./webhook-sender.server";
import { webhookFanOut } from "./webhooks.server";

/**
 * Periodic work every app process runs: auto-receipt, the outbox sender (which fans events out
 * into webhook deliveries), the webhook sender, expired sessions, and on SQLite the planner's
 * statistics (PostgreSQL's autovacuum keeps its own).
 * Each job is safe when several processes run it at once (compare-and-set, leases), and
 * holds nothing in memory between runs.
 */
export function startBackgroundJobs(
  db: Kysely<DB>,
  options: { handlers?: OutboxHandler[]; onError: (job: string, error: unknown) => void },
): () => Promise<void> {
  const handlers = [webhookFanOut(db), ...(options.handlers ?? [])];
  // The runs in progress: stopping waits for them, so no transaction is cut off by closing the database.
  const inFlight = new Set<Promise<unknown>>();
  const every = (job: string, ms: number, run: () => Promise<unknown>) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      const current: Promise<unknown> = run()
        .catch((error) => options.onError(job, error))
        .finally(() => {
          running = false;
          inFlight.delete(current);
        });
      inFlight.add(current);
    }, ms);
    timer.unref();
    return timer;
  };
  const timers = [
    every("outbox", 2_000, () => drainOutbox(db, handlers, new Date())),
    every("webhooks", 2_000, () => drainWebhooks(db, new Date())),
    every("auto-receipt", 10 * 60_000, async () =>
      sweepAutoReceipt(db, (await getSettings(db)).autoReceiptDays, new Date()),
    ),
    every("sessions", 60 * 60_000, () => deleteExpiredSessions(db, new Date())),
    // As db/client.ts does when it opens the database (refreshSqliteStatistics): tables that
    // grew or shrank much since their statistics were taken are sampled again.
    ...(isSqliteDb(db) ? [every("statistics", 60 * 60_000, () => sql`pragma optimize = 0x10002`.execute(db))] : []),
  ];
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.allSettled([...inFlight]);
  };
}
