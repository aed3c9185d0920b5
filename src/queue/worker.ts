// The queue worker: takes jobs from BullMQ, hands them to a pool of scan threads (the event loop
// stays free for lock renewal), records outcomes atomically, then lets BullMQ complete the job.
//
// Order per job: skip if already recorded (a retry after a crash) -> read + scan in a thread ->
// record outcomes (results stream, done marker) -> return, and BullMQ removes the completed job.
// A crash at any point leaves the job active; its lock expires, the stalled checker of any live
// worker puts it back, and the done marker keeps the second run from recording twice.
import { availableParallelism } from "node:os";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { checkClusterPrefix, connectRedis, type RedisTarget, type RedisClient } from "./connection.js";
import { DEFAULT_PREFIX, queueKeys, type QueueKeys } from "./keys.js";
import { describeItems, hasInlineText, parseJobData, withoutInlineText, type JobData } from "./payload.js";
import { createThreadPool } from "./pool.js";
import type { ScanTaskInput, ScanTaskOutput } from "./scan-task.js";
import type { ScanThreadData } from "./scan-thread.js";
import { isDone, recordEntries, recordOutcomes, type SinkLimits } from "./sink.js";

export interface QueueWorkerOptions {
  redis: RedisTarget;
  prefix?: string;
  /** Scan threads (default: one per core). */
  concurrency?: number;
  /** Jobs held per thread, so a thread does not wait on Redis between jobs. Default 2. */
  prefetch?: number;
  /** Rule directories/files for the engine (default: bundled rules). */
  rules?: string[];
  segmenter?: "node-rs" | "nodejieba";
  /** How long a job's lock lasts without renewal (ms, default 30,000). A dead worker's jobs return after about this. */
  lockDuration?: number;
  /** How often this worker looks for stalled jobs (ms, default 30,000). */
  stalledInterval?: number;
  /** Times a job may be found stalled (its worker died) before it fails (default 2). */
  maxStalledCount?: number;
  /** Stream caps. */
  limits?: SinkLimits;
  /** Days a done marker (dedupe of a resubmitted filing) is kept. Default 30. */
  dedupeDays?: number;
  /** Worker name stored on jobs (default host:pid). */
  name?: string;
  /** Diagnostics (one line each); a library never prints. */
  log?: (line: string) => void;
}

export interface JobSummary {
  duplicate: boolean;
  documents: number;
  flagged: number;
  failures: number;
  firstId: string;
}

export interface QueueWorker {
  readonly threads: number;
  readonly keys: QueueKeys;
  /** Jobs this worker finished (completed or failed) since it started. */
  readonly finished: number;
  /**
   * Stops taking jobs, waits for those in hand to finish and be recorded, then closes threads and
   * connections. `force` abandons jobs in hand (they return to the queue as stalled).
   */
  close(opts?: { force?: boolean }): Promise<void>;
}

export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism());
}

export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorker> {
  const log = opts.log ?? (() => undefined);
  const keys = queueKeys(opts.prefix ?? DEFAULT_PREFIX);
  if ("url" in opts.redis) checkClusterPrefix(opts.redis.url, keys.prefix);
  const threads = opts.concurrency ?? defaultConcurrency();
  const threadData: ScanThreadData = { engine: {} };
  if (opts.rules) threadData.engine.rules = opts.rules;
  if (opts.segmenter) threadData.engine.segmenter = opts.segmenter;
  const pool = createThreadPool<ScanTaskInput, ScanTaskOutput>({
    file: new URL("./scan-thread.js", import.meta.url),
    size: threads,
    workerData: threadData,
    onThreadExit: (m) => log(`${m}; replaced`),
  });

  let redis: RedisClient | undefined;
  try {
    await pool.ready;
    redis = await connectRedis(opts.redis, "worker", { timeoutMs: 10_000 });
  } catch (err) {
    await pool.close();
    redis?.disconnect();
    throw err;
  }
  const conn = redis;
  const connLog = connectionLogger(log);
  conn.on("error", connLog.error);
  conn.on("ready", connLog.ready);

  let finished = 0;
  const processor = async (job: Job<JobData, JobSummary>): Promise<JobSummary> => {
    const data = parseJobData(job.data);
    const jobId = job.id ?? "";
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    // The done check runs beside the scan, not before it: one Redis round trip less per job. A job
    // already recorded (a retry after a crash between recording and completing) is then scanned
    // for nothing but never recorded twice.
    const scanned = pool.run({ jobId, data, final });
    scanned.catch(() => undefined);
    if (await isDone(conn, keys, jobId)) return { duplicate: true, documents: 0, flagged: 0, failures: 0, firstId: "" };
    let out: ScanTaskOutput;
    try {
      out = await scanned;
    } catch (err) {
      // A thread died (or the pool is closing): worth another attempt on any worker.
      if (final) await recordFinalFailure(job, data, "E_WORKER", err instanceof Error ? err.message : String(err));
      throw err;
    }
    if (out.transient !== undefined && !final) throw new Error(out.transient);
    const rec = await recordEntries(conn, keys, jobId, out.outcomes, opts.limits);
    const failures = out.outcomes.filter((o) => !o.ok);
    if (out.outcomes.length > 0 && failures.length === out.outcomes.length) {
      // Nothing in this job can be scanned: fail it with the reason so `status` shows it.
      if (hasInlineText(data)) await job.updateData(withoutInlineText(data));
      const first = failures[0]!.message ?? "unreadable";
      const reason = failures.length > 1 ? `${first} (+${failures.length - 1} more)` : first;
      throw out.transient !== undefined ? new Error(reason) : new UnrecoverableError(reason);
    }
    return { duplicate: !rec.written, documents: rec.documents, flagged: rec.flagged, failures: rec.failures, firstId: rec.firstId };
  };

  /** A job that ends failed without outcomes still gets one, so every submitted job is accounted for. */
  const recordFinalFailure = async (job: Job<JobData, JobSummary>, data: JobData | undefined, code: string, message: string) => {
    const jobId = job.id ?? "";
    if (await isDone(conn, keys, jobId)) return;
    const where = data ? describeItems(data.items) : jobId;
    const text = message.startsWith(where) ? message : `${where}: ${message}`;
    await recordOutcomes(conn, keys, jobId, [{ ok: false, failure: { source: where, code, message: text } }], opts.limits);
    if (data && hasInlineText(data)) await job.updateData(withoutInlineText(data));
  };

  const worker = new Worker<JobData, JobSummary>(keys.queue, processor, {
    connection: conn,
    prefix: keys.prefix,
    concurrency: threads * Math.max(1, opts.prefetch ?? 2),
    autorun: false,
    lockDuration: opts.lockDuration ?? 30_000,
    stalledInterval: opts.stalledInterval ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 2,
    removeOnComplete: { count: 0 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    name: opts.name ?? `caseflag-worker`,
  });
  worker.on("error", (err) => connLog.error(err));
  worker.on("completed", () => finished++);
  worker.on("failed", (job, err) => {
    if (!job) return;
    // Failures that never reached the processor (a job found stalled too often) still need an
    // outcome, and a finished job keeps no document text.
    void (async () => {
      if (!(await job.isFailed())) return;
      finished++;
      log(`job ${job.id} failed: ${err.message.split("\n")[0]}`);
      let data: JobData | undefined;
      try {
        data = parseJobData(job.data);
      } catch {
        data = undefined;
      }
      await recordFinalFailure(job, data, "E_FAILED", err.message.split("\n")[0] ?? "failed");
    })().catch((e: unknown) => log(`could not record failure of job ${job.id}: ${e instanceof Error ? e.message : String(e)}`));
  });

  const dedupeMs = (opts.dedupeDays ?? 30) * 24 * 3600 * 1000;
  const trimDone = () => {
    conn.zremrangebyscore(keys.done, "-inf", Date.now() - dedupeMs).catch(() => undefined);
  };
  trimDone();
  const trimTimer = setInterval(trimDone, 3600_000);
  trimTimer.unref();

  const running = worker.run().catch((err: unknown) => log(`worker stopped: ${err instanceof Error ? err.message : String(err)}`));
  await worker.waitUntilReady();
  log(`worker ready: ${threads} scan thread(s), queue ${keys.prefix}:${keys.queue}`);

  let closing: Promise<void> | undefined;
  return {
    threads,
    keys,
    get finished() {
      return finished;
    },
    close(closeOpts = {}) {
      if (closeOpts.force) return forceClose();
      closing ??= (async () => {
        await worker.close();
        await running;
        clearInterval(trimTimer);
        await pool.close();
        await conn.quit().catch(() => conn.disconnect());
      })();
      return closing;
    },
  };

  async function forceClose(): Promise<void> {
    clearInterval(trimTimer);
    await Promise.allSettled([worker.close(true), pool.close()]);
    conn.disconnect();
  }
}

/** Logs a connection problem once per outage rather than once per reconnect attempt. */
function connectionLogger(log: (line: string) => void) {
  let down = false;
  let last = "";
  return {
    error(err: Error) {
      const msg = err.message.split("\n")[0] ?? "";
      if (down && msg === last) return;
      down = true;
      last = msg;
      log(`redis: ${msg}; reconnecting`);
    },
    ready() {
      if (down) log("redis: reconnected");
      down = false;
      last = "";
    },
  };
}
