import { type Kysely, sql } from "kysely";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";
import type { PipelineName } from "../domain/pipelines";

type CounterKey = { pipeline: PipelineName; status: string; regionId: number };
const leaveCounter = prepared((db: Kysely<DB>, p: CounterKey) =>
  db
    .updateTable("queue_counters")
    .set({ count: sql`count - 1` })
    .where("pipeline", "=", p.pipeline)
    .where("status", "=", p.status)
    .where("region_id", "=", p.regionId),
);
const enterCounter = prepared((db: Kysely<DB>, p: CounterKey) =>
  db
    .insertInto("queue_counters")
    .values({ pipeline: p.pipeline, status: p.status, region_id: p.regionId, count: 1 })
    .onConflict((oc) =>
      oc.columns(["pipeline", "status", "region_id"]).doUpdateSet({ count: sql`queue_counters.count + 1` }),
    ),
);

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
  const leave = (status: string) => leaveCounter.executeWrite(trx, { pipeline, status, regionId });
  const enter = (status: string) => enterCounter.executeWrite(trx, { pipeline, status, regionId });
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
