// What `caseflag status` reports: BullMQ's job counts, caseflag's own counters (completed jobs are
// removed from BullMQ at once, so their count lives in the stats hash), stream lengths, and the
// recent failures with their reasons, both whole jobs and single documents in a batch. Also what
// can make those numbers lie: a Redis that lost the queue's data (the run marker says so), or one
// that would lose it on a restart (no persistence). Identifiers are masked in all of it.
import type { RedisClient } from "./connection.js";
import { Queue } from "bullmq";
import { parseLine } from "../output/lines.js";
import { MASKED } from "../output/redact.js";
import { jobKey, type QueueKeys } from "./keys.js";
import { describeItems, parseJobData } from "./payload.js";
import { persistenceWarning, readLoss, readPersistence, type LossRecord } from "./run-marker.js";
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
  /**
   * Jobs by state. `active` counts jobs in hand whose outcomes are not recorded yet; one recorded
   * but not yet completed (its worker just died, or is completing it now) counts as completed, so
   * no job is counted twice.
   */
  counts: { waiting: number; active: number; completed: number; failed: number; delayed: number; paused: boolean };
  /** `reused`: documents whose text was scanned before, given that result with their own id and source. */
  documents: { scanned: number; results: number; flagged: number; failures: number; duplicates: number; reused: number };
  streams: { results: number; flagged: number; failures: number };
  workers: number;
  /** Failed jobs, newest first. */
  failedJobs: RecentFailure[];
  /** Documents recorded as failures (inside batches too), newest first. */
  documentFailures: { jobId: string; source: string; code: string; message: string; streamId: string }[];
  /** The queue's run marker: absent when nothing was ever submitted under this prefix, or Redis lost it all. */
  marker: boolean;
  /** Redis lost the queue's data (restart without persistence, flush) and a client noticed. */
  lost?: LossRecord & { losses: number };
  /** Set when Redis would lose the queue on a restart. */
  persistenceWarning?: string;
}

export async function readQueueStatus(redis: RedisClient, keys: QueueKeys, opts: { recent?: number } = {}): Promise<QueueStatus> {
  const recent = opts.recent ?? 10;
  const queue = new Queue(keys.queue, { connection: redis, prefix: keys.prefix, skipMetasUpdate: true });
  queue.on("error", () => undefined);
  try {
    const counts = await queue.getJobCounts("waiting", "active", "failed", "delayed", "prioritized");
    const paused = await queue.isPaused();
    const stats = await redis.hgetall(keys.stats);
    // Read after the stats: a job recorded in between is then found here and not counted active.
    const activeIds = (await queue.getActive()).map((j) => j?.id).filter((id): id is string => id !== undefined);
    const recordedActive = (await Promise.all(activeIds.map((id) => redis.hexists(jobKey(keys, id), "cfRecorded")))).filter((n) => n === 1).length;
    const [loss, persistence, marker] = await Promise.all([readLoss(redis, keys), readPersistence(redis), redis.exists(keys.meta)]);
    const warn = persistenceWarning(persistence);
    const failed = await queue.getFailed(0, recent - 1);
    const workers = await queue.getWorkersCount().catch(() => 0);
    const [results, flagged, failures] = await Promise.all([redis.xlen(keys.results), redis.xlen(keys.flagged), redis.xlen(keys.failures)]);
    const docFailures = (await redis.xrevrange(keys.failures, "+", "-", "COUNT", recent)) as [string, string[]][];
    const num = (k: string) => Number(stats[k] ?? 0);
    return {
      prefix: keys.prefix,
      counts: {
        waiting: (counts["waiting"] ?? 0) + (counts["prioritized"] ?? 0),
        active: Math.max(0, (counts["active"] ?? 0) - recordedActive),
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
        reused: num("reused"),
      },
      streams: { results, flagged, failures },
      workers,
      failedJobs: failed
        .filter((j) => j !== undefined)
        .map((j) => {
          let source = j.id ?? "";
          try {
            source = MASKED.text(describeItems(parseJobData(j.data).items));
          } catch {
            // a payload this version cannot read: show the id
          }
          return {
            jobId: j.id ?? "",
            source,
            reason: MASKED.text((j.failedReason ?? "").split("\n")[0] ?? ""),
            at: j.finishedOn ?? j.processedOn ?? j.timestamp,
            attempts: j.attemptsMade,
          };
        }),
      documentFailures: docFailures.map(([id, fields]) => {
        const e = parseEntry(id, fields);
        const o = parseLine(e.line);
        const f = o.ok ? undefined : o.failure;
        return { jobId: e.job, source: MASKED.text(f?.source ?? e.doc), code: f?.code ?? "", message: MASKED.text(f?.message ?? ""), streamId: id };
      }),
      marker: marker === 1,
      ...(loss ? { lost: loss } : {}),
      ...(warn !== undefined ? { persistenceWarning: warn } : {}),
    };
  } finally {
    await queue.close().catch(() => undefined);
  }
}

export function formatQueueStatus(s: QueueStatus): string {
  const lines: string[] = [];
  const c = s.counts;
  if (s.lost) {
    const what = [
      s.lost.jobs !== undefined ? `about ${s.lost.jobs} job(s) waiting or in hand` : "",
      s.lost.documents !== undefined ? `${s.lost.documents} document(s) a batch was waiting for` : "",
    ].filter((x) => x !== "");
    lines.push(
      `WARNING: Redis lost this queue's data at ${new Date(s.lost.at).toISOString()} (restarted without persistence, or flushed)` +
        `${what.length > 0 ? `: ${what.join(", ")} had no outcome` : ""}; the counts below start after it. Submit those inputs again.`,
    );
  } else if (!s.marker) {
    lines.push(`no queue data under ${s.prefix}: nothing submitted yet${s.persistenceWarning ? ", or Redis lost it" : ""}`);
  }
  if (s.persistenceWarning) lines.push(`WARNING: ${s.persistenceWarning}`);
  lines.push(`queue ${s.prefix}:scan  workers ${s.workers}`);
  lines.push(`jobs       waiting ${c.waiting}  active ${c.active}  completed ${c.completed}  failed ${c.failed}  delayed ${c.delayed}${c.paused ? "  (queue paused)" : ""}`);
  const d = s.documents;
  lines.push(
    `documents  scanned ${d.scanned}  results ${d.results}  flagged ${d.flagged}  failures ${d.failures}  duplicates skipped ${d.duplicates}  texts seen before ${d.reused}`,
  );
  lines.push(`streams    ${s.prefix}:results ${s.streams.results}  :flagged ${s.streams.flagged}  :failures ${s.streams.failures}`);
  if (s.failedJobs.length > 0) {
    lines.push("", "recent failed jobs:");
    for (const f of s.failedJobs) {
      lines.push(`  ${new Date(f.at).toISOString()}  ${f.jobId.slice(0, 12)}  ${MASKED.text(f.reason)}${f.attempts > 1 ? `  (after ${f.attempts} attempts)` : ""}`);
    }
  }
  if (s.documentFailures.length > 0) {
    lines.push("", "recent document failures:");
    for (const f of s.documentFailures) lines.push(`  ${f.jobId.slice(0, 12)}  ${f.code}  ${MASKED.text(f.message)}`);
  }
  return lines.join("\n") + "\n";
}
