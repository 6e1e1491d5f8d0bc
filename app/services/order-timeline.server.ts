import type { Kysely, Selectable } from "kysely";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";

export type OrderEventRow = Selectable<DB["order_events"]>;

const insertOrderEvent = prepared((db: Kysely<DB>, p: Omit<OrderEventRow, "id">) =>
  db
    .insertInto("order_events")
    .values({
      order_id: p.order_id,
      at: p.at,
      actor_account_id: p.actor_account_id,
      actor_name: p.actor_name,
      actor_kind: p.actor_kind,
      action: p.action,
      from_status: p.from_status,
      to_status: p.to_status,
      note: p.note,
    })
    .returningAll(),
);

/** Appends one entry to an order's timeline, in the transaction that makes the change; returns it. */
export async function appendOrderEvent(trx: Kysely<DB>, event: Omit<OrderEventRow, "id">): Promise<OrderEventRow> {
  return insertOrderEvent.executeTakeFirstOrThrow(trx, event);
}
