/**
 * How far a running import has got, for the page to poll while its request is in flight.
 * In memory: progress is a courtesy, so on a restart or another instance the page simply
 * shows an indeterminate bar until the response arrives.
 */
export type ImportStage = "upload" | "parse" | "validate" | "hash" | "write" | "done";

export interface ImportProgress {
  stage: ImportStage;
  done: number;
  total: number;
}

export type ProgressReporter = (progress: ImportProgress) => void;

const JOB = /^[A-Za-z0-9-]{8,64}$/;
const KEEP_MS = 10 * 60_000;
const jobs = new Map<string, { accountId: number; progress: ImportProgress; at: number }>();

export function isJobId(value: unknown): value is string {
  return typeof value === "string" && JOB.test(value);
}

/** A reporter for one job of one account; reports at most every 100 ms except stage changes. */
export function progressReporter(jobId: string | null, accountId: number): ProgressReporter {
  if (!jobId) return () => {};
  let lastStage: ImportStage | null = null;
  let lastAt = 0;
  return (progress) => {
    const now = Date.now();
    if (progress.stage === lastStage && now - lastAt < 100 && progress.done < progress.total) return;
    lastStage = progress.stage;
    lastAt = now;
    jobs.set(jobId, { accountId, progress, at: now });
    if (jobs.size > 1000) {
      for (const [id, job] of jobs) if (now - job.at > KEEP_MS) jobs.delete(id);
    }
  };
}

export function readProgress(jobId: string, accountId: number): ImportProgress | null {
  const job = jobs.get(jobId);
  return job && job.accountId === accountId ? job.progress : null;
}
