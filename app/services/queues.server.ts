import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import { can, type StaffGrant } from "../domain/permissions";
import { PIPELINES, type PipelineName, type PipelineStep } from "../domain/pipelines";
import { inRegionScope } from "./scope.server";

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
  const rows = await inRegionScope(
    db
      .selectFrom("queue_counters")
      .select(["pipeline", "status", (eb) => eb.fn.sum<number>("count").as("count")])
      .groupBy(["pipeline", "status"]),
    "region_id",
    grant,
  ).execute();
  const counts = new Map(rows.map((r) => [`${r.pipeline}:${r.status}`, Number(r.count)]));
  return steps.map(({ pipeline, step }) => ({ pipeline, step, count: counts.get(`${pipeline}:${step.status}`) ?? 0 }));
}
