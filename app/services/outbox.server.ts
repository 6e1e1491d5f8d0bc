import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";

/**
 * Writes an event in the transaction that caused it (DOMAIN §7.6): if the transaction rolls
 * back, the event never existed; a sender delivers committed events afterwards.
 */
export async function emitEvent(
  trx: Kysely<DB>,
  event: { type: string; aggregateType: "order" | "return" | "payment"; aggregateId: string; payload: unknown },
  now: Date,
): Promise<void> {
  await trx
    .insertInto("outbox")
    .values({
      event_type: event.type,
      aggregate_type: event.aggregateType,
      aggregate_id: event.aggregateId,
      payload_json: JSON.stringify(event.payload),
      created_at: now.toISOString(),
      available_at: now.toISOString(),
    })
    .execute();
}
