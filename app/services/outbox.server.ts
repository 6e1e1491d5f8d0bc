import type { Kysely } from "kysely";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";

const insertEvent = prepared(
  (db: Kysely<DB>, p: { type: string; aggregateType: string; aggregateId: string; payload: string; at: string }) =>
    db.insertInto("outbox").values({
      event_type: p.type,
      aggregate_type: p.aggregateType,
      aggregate_id: p.aggregateId,
      payload_json: p.payload,
      created_at: p.at,
      available_at: p.at,
    }),
);

/**
 * Writes an event in the transaction that caused it (DOMAIN §7.6): if the transaction rolls
 * back, the event never existed; a sender delivers committed events afterwards.
 */
export async function emitEvent(
  trx: Kysely<DB>,
  event: { type: string; aggregateType: "order" | "return" | "payment"; aggregateId: string; payload: unknown },
  now: Date,
): Promise<void> {
  await insertEvent.executeWrite(trx, {
    type: event.type,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    payload: JSON.stringify(event.payload),
    at: now.toISOString(),
  });
}
