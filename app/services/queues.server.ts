import type { Kysely } from "kysely";
import { preparedShapes } from "../../db/prepared";
import type { DB } from "../../db/schema";
import { can, type StaffGrant } from "../domain/permissions";
import { PIPELINES, type PipelineName, type PipelineStep } from "../domain/pipelines";

export interface QueueCount {
  pipeline: PipelineName;
  step: PipelineStep;
  count: number;
}

/**
 * The "待我处理" queues a staff member works, with their counts inside the member's regions.
 * Counts come from queue_counters (maintained with every transition), one small query.
 */
export async function queueCountsFor(db: Kysely<DB>, grant: StaffGrant): Promise<QueueCount[]> {
  const steps = (Object.keys(PIPELINES) as PipelineName[]).flatMap((pipeline) =>
    PIPELINES[pipeline]
      .filter((step) => step.permission !== null && can(grant, step.permission))
      .map((step) => ({ pipeline, step })),
  );
  if (!steps.length) return [];
  const rows =
    grant.regionIds === null
      ? await queueTotals(false).execute(db, {})
      : grant.regionIds.length
        ? await queueTotals(true).execute(db, { regionIds: [...grant.regionIds] })
        : [];
  const counts = new Map(rows.map((r) => [`${r.pipeline}:${r.status}`, Number(r.count)]));
  return steps.map(({ pipeline, step }) => ({ pipeline, step, count: counts.get(`${pipeline}:${step.status}`) ?? 0 }));
}

/** Each pipeline status's count, over all regions or over some (`regionIds`). */
const queueTotals = preparedShapes(
  (inRegions: boolean) => String(inRegions),
  (inRegions) => (db: Kysely<DB>, p: { regionIds?: number[] }) => {
    const qb = db
      .selectFrom("queue_counters")
      .select(["pipeline", "status", (eb) => eb.fn.sum<number>("count").as("count")])
      .groupBy(["pipeline", "status"]);
    return inRegions ? qb.where("region_id", "in", p.regionIds!) : qb;
  },
);
