import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema";
import type { PipelineName } from "../domain/pipelines";

/**
 * Moves one document between statuses in the per-region counters. Call it in the transaction
 * that changes the status, so counts never drift from the documents.
 */
export async function moveQueueCount(
  trx: Kysely<DB>,
  pipeline: PipelineName,
  regionId: number,
  from: string | null,
  to: string | null,
): Promise<void> {
  if (from === to) return;
  const leave = async (status: string) => {
    await trx
      .updateTable("queue_counters")
      .set({ count: sql`count - 1` })
      .where("pipeline", "=", pipeline)
      .where("status", "=", status)
      .where("region_id", "=", regionId)
      .execute();
  };
  const enter = async (status: string) => {
    await trx
      .insertInto("queue_counters")
      .values({ pipeline, status, region_id: regionId, count: 1 })
      .onConflict((oc) =>
        oc.columns(["pipeline", "status", "region_id"]).doUpdateSet({ count: sql`queue_counters.count + 1` }),
      )
      .execute();
  };
  // Rows are locked in status order, so two moves between the same statuses in opposite
  // directions (a send-back and a resubmission) never deadlock on PostgreSQL.
  if (from && to && to < from) {
    await enter(to);
    await leave(from);
  } else {
    if (from) await leave(from);
    if (to) await enter(to);
  }
}
