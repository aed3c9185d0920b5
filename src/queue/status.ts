// What `caseflag status` reports: BullMQ's job counts, caseflag's own counters (completed jobs are
// removed from BullMQ at once, so their count lives in the stats hash), stream lengths, and the
// recent failures with their reasons, both whole jobs and single documents in a batch.
import type { RedisClient } from "./connection.js";
import { Queue } from "bullmq";
import type { Outcome } from "../types.js";
import type { QueueKeys } from "./keys.js";
import { describeItems, parseJobData } from "./payload.js";
import { parseEntry } from "./sink.js";

export interface RecentFailure {
  jobId: string;
  /** Where the documents are. */
  source: string;
  reason: string;
  /** ms since epoch. */
  at: number;
  attempts: number;
}

export interface QueueStatus {
  prefix: string;
  counts: { waiting: number; active: number; completed: number; failed: number; delayed: number; paused: boolean };
  documents: { scanned: number; results: number; flagged: number; failures: number; duplicates: number };
  streams: { results: number; flagged: number; failures: number };
  workers: number;
  /** Failed jobs, newest first. */
  failedJobs: RecentFailure[];
  /** Documents recorded as failures (inside batches too), newest first. */
  documentFailures: { jobId: string; source: string; code: string; message: string; streamId: string }[];
}

export async function readQueueStatus(redis: RedisClient, keys: QueueKeys, opts: { recent?: number } = {}): Promise<QueueStatus> {
  const recent = opts.recent ?? 10;
  const queue = new Queue(keys.queue, { connection: redis, prefix: keys.prefix, skipMetasUpdate: true });
  queue.on("error", () => undefined);
  try {
    const counts = await queue.getJobCounts("waiting", "active", "failed", "delayed", "prioritized");
    const paused = await queue.isPaused();
    const stats = await redis.hgetall(keys.stats);
    const failed = await queue.getFailed(0, recent - 1);
    const workers = await queue.getWorkersCount().catch(() => 0);
    const [results, flagged, failures] = await Promise.all([redis.xlen(keys.results), redis.xlen(keys.flagged), redis.xlen(keys.failures)]);
    const docFailures = (await redis.xrevrange(keys.failures, "+", "-", "COUNT", recent)) as [string, string[]][];
    const num = (k: string) => Number(stats[k] ?? 0);
    return {
      prefix: keys.prefix,
      counts: {
        waiting: (counts["waiting"] ?? 0) + (counts["prioritized"] ?? 0),
        active: counts["active"] ?? 0,
        // Completed jobs are removed from BullMQ at once; caseflag counts them when it records them.
        completed: num("jobs") - num("failedJobs"),
        failed: counts["failed"] ?? 0,
        delayed: counts["delayed"] ?? 0,
        paused,
      },
      documents: {
        scanned: num("documents"),
        results: num("results"),
        flagged: num("flagged"),
        failures: num("failures"),
        duplicates: num("duplicates"),
      },
      streams: { results, flagged, failures },
      workers,
      failedJobs: failed
        .filter((j) => j !== undefined)
        .map((j) => {
          let source = j.id ?? "";
          try {
            source = describeItems(parseJobData(j.data).items);
          } catch {
            // a payload this version cannot read: show the id
          }
          return {
            jobId: j.id ?? "",
            source,
            reason: (j.failedReason ?? "").split("\n")[0] ?? "",
            at: j.finishedOn ?? j.processedOn ?? j.timestamp,
            attempts: j.attemptsMade,
          };
        }),
      documentFailures: docFailures.map(([id, fields]) => {
        const e = parseEntry(id, fields);
        const o = e.outcome as Outcome;
        const f = o.ok ? undefined : o.failure;
        return { jobId: e.job, source: f?.source ?? e.doc, code: f?.code ?? "", message: f?.message ?? "", streamId: id };
      }),
    };
  } finally {
    await queue.close().catch(() => undefined);
  }
}

export function formatQueueStatus(s: QueueStatus): string {
  const lines: string[] = [];
  const c = s.counts;
  lines.push(`queue ${s.prefix}:scan  workers ${s.workers}`);
  lines.push(`jobs       waiting ${c.waiting}  active ${c.active}  completed ${c.completed}  failed ${c.failed}  delayed ${c.delayed}${c.paused ? "  (queue paused)" : ""}`);
  const d = s.documents;
  lines.push(`documents  scanned ${d.scanned}  results ${d.results}  flagged ${d.flagged}  failures ${d.failures}  duplicates skipped ${d.duplicates}`);
  lines.push(`streams    ${s.prefix}:results ${s.streams.results}  :flagged ${s.streams.flagged}  :failures ${s.streams.failures}`);
  if (s.failedJobs.length > 0) {
    lines.push("", "recent failed jobs:");
    for (const f of s.failedJobs) {
      lines.push(`  ${new Date(f.at).toISOString()}  ${f.jobId.slice(0, 12)}  ${f.reason}${f.attempts > 1 ? `  (after ${f.attempts} attempts)` : ""}`);
    }
  }
  if (s.documentFailures.length > 0) {
    lines.push("", "recent document failures:");
    for (const f of s.documentFailures) lines.push(`  ${f.jobId.slice(0, 12)}  ${f.code}  ${f.message}`);
  }
  return lines.join("\n") + "\n";
}
