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
  if (from) {
    await trx
      .updateTable("queue_counters")
      .set({ count: sql`count - 1` })
      .where("pipeline", "=", pipeline)
      .where("status", "=", from)
      .where("region_id", "=", regionId)
      .execute();
  }
  if (to) {
    await trx
      .insertInto("queue_counters")
      .values({ pipeline, status: to, region_id: regionId, count: 1 })
      .onConflict((oc) =>
        oc.columns(["pipeline", "status", "region_id"]).doUpdateSet({ count: sql`queue_counters.count + 1` }),
      )
      .execute();
  }
}
