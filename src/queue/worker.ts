// The queue worker: takes jobs from BullMQ, hands them to a pool of scan threads (the event loop
// stays free for lock renewal), records outcomes atomically, then lets BullMQ complete the job.
//
// Order per job: look up whether it is recorded already (a retry after a crash) and which of its
// texts were scanned before (their results are reused) -> read + scan in a thread, each document
// under its budget and the pool's watchdog -> record outcomes (results stream, done marker) ->
// return, and BullMQ removes the completed job. A crash at any point leaves the job active; its
// lock expires, the stalled checker of any live worker puts it back, and the recorded mark keeps
// the second run from recording twice.
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { DEFAULT_SCAN_MS, type BudgetLimits } from "../budget.js";
import type { SegmenterKind } from "../text/index.js";
import { MASKED } from "../output/redact.js";
import { createScanPool, defaultThreads } from "../runner/pool.js";
import { lineBytes, type ScanTask, type TaskOutput } from "../runner/task.js";
import { checkClusterPrefix, connectRedis, describeTarget, isConnectionError, type RedisTarget, type RedisClient } from "./connection.js";
import { DEFAULT_PREFIX, queueKeys, type QueueKeys } from "./keys.js";
import { describeItems, parseJobData, retainedData, type JobData } from "./payload.js";
import { ensureRunMarker, markerLost, persistenceWarning, readPersistence, recordLoss, type RunMarker } from "./run-marker.js";
import { createSink, entryOf, lookupJob, recordOutcomes, type SinkLimits } from "./sink.js";

export interface QueueWorkerOptions {
  redis: RedisTarget;
  prefix?: string;
  /** Scan threads (default: one per core). */
  concurrency?: number;
  /** Jobs held per thread, so a thread does not wait on Redis between jobs. Default DEFAULT_PREFETCH. */
  prefetch?: number;
  /** Rule directories/files for the engine (default: bundled rules). */
  rules?: string[];
  segmenter?: SegmenterKind;
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
  /** Time one document's scan may take (ms, default the library's 10 s); past it the document fails with E_BUDGET. */
  scanBudgetMs?: number;
  /**
   * Hard limit on one document's scan (ms, default twice the budget plus 2 s, as batch): a scan thread still
   * in it then is terminated and replaced, the document fails with E_BUDGET, and the job's other
   * documents are scanned again without it. Catches what the budget cannot (native code).
   */
  watchdogMs?: number;
  /** Diagnostics (one line each); a library never prints. */
  log?: (line: string) => void;
  /** Told each scanned job's output and how long its scan took (metrics: serve/metrics.ts). */
  onTask?: (out: TaskOutput, seconds: number) => void;
}

/**
 * Jobs a worker holds per scan thread. Each job costs round trips around its scan (look up, record,
 * complete and fetch the next): with one document a job those take as long as the scan itself, so
 * with 2 jobs held the thread waited on Redis about half the time (bench:queue). Held jobs wait in
 * the pool in order; BullMQ renews their locks like any active job's, and a worker that dies
 * leaves them to the stalled-job checker as before.
 */
export const DEFAULT_PREFETCH = 8;

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

export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorker> {
  const log = opts.log ?? (() => undefined);
  const keys = queueKeys(opts.prefix ?? DEFAULT_PREFIX);
  if ("url" in opts.redis) checkClusterPrefix(opts.redis.url, keys.prefix);
  const threads = opts.concurrency ?? defaultThreads();
  const budgetMs = opts.scanBudgetMs ?? DEFAULT_SCAN_MS;
  const watchdogMs = opts.watchdogMs ?? budgetMs * 2 + 2_000;
  const budget: BudgetLimits | undefined = opts.scanBudgetMs !== undefined ? { ms: opts.scanBudgetMs } : undefined;
  /** Documents per job, for the overrun log line. */
  const docsOf = new WeakMap<ScanTask, number>();
  const pool = createScanPool({
    threads,
    perThread: 2,
    // Everything the queue stores is masked.
    mask: true,
    engine: { ...(opts.rules ? { rules: opts.rules } : {}), ...(opts.segmenter ? { segmenter: opts.segmenter } : {}) },
    ...(budget ? { budget } : {}),
    hardLimitMs: watchdogMs,
    onEvent: (e) => {
      if (e.kind === "replaced") log(`${e.why}; replaced`);
      else log(`job ${e.task.verify?.id ?? ""}: document ${e.index + 1} of ${docsOf.get(e.task) ?? "?"} ${e.message}; scanning the rest again`);
    },
  });

  let redis: RedisClient | undefined;
  let marker: RunMarker;
  try {
    await pool.ready();
    redis = await connectRedis(opts.redis, "worker", { timeoutMs: 10_000 });
    marker = await ensureRunMarker(redis, keys);
    const warning = persistenceWarning(await readPersistence(redis));
    if (warning) log(`redis: WARNING: ${describeTarget(opts.redis)}: ${warning}`);
  } catch (err) {
    await pool.close();
    redis?.disconnect();
    throw err;
  }
  const conn = redis;

  // Jobs waiting or in hand when this worker last recorded one: what a loss of the queue's data took.
  let outstanding: number | undefined;
  let checkingMarker: Promise<void> | undefined;
  /** After a reconnect (or an error that smells of missing keys): is the queue's data still there? */
  const checkMarker = () =>
    (checkingMarker ??= (async () => {
      try {
        if (!(await markerLost(conn, keys, marker))) return;
        const lost = outstanding;
        marker = await recordLoss(conn, keys, { at: Date.now(), by: "worker", ...(lost !== undefined ? { jobs: lost } : {}) });
        log(
          `redis: the queue's data is gone (Redis restarted without persistence, or was flushed): ` +
            `${lost !== undefined ? `about ${lost} job(s) waiting or in hand were lost` : "jobs waiting before were lost"}; ` +
            "submit their inputs again",
        );
      } catch {
        // Redis went away again: the next reconnect checks again.
      } finally {
        checkingMarker = undefined;
      }
    })());
  const connLog = connectionLogger(log, checkMarker);
  conn.on("error", connLog.error);
  conn.on("close", connLog.lost);
  conn.on("ready", connLog.ready);

  // Lookups and recordings of the jobs in hand go to Redis together: one script run for those that
  // arrive while the previous run is on its way, instead of a round trip each.
  const sink = createSink(conn, keys, opts.limits);
  let finished = 0;
  const processor = async (job: Job<JobData, JobSummary>): Promise<JobSummary> => {
    const data = parseJobData(job.data);
    const jobId = job.id ?? "";
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const look = await sink.lookup(jobId, data.hashes);
    // Recorded already: a retry after a crash between recording and completing, or a job sent
    // again while its twin was in hand. Never recorded twice.
    if (look.recorded) return { duplicate: true, documents: 0, flagged: 0, failures: 0, firstId: "" };
    const task: ScanTask = { source: { kind: "refs", refs: data.items }, verify: { id: jobId, final }, prior: look.prior };
    if (data.read) task.read = data.read;
    docsOf.set(task, data.docs);
    let out: TaskOutput;
    const started = performance.now();
    try {
      // Each document's scan runs under its budget and the pool's watchdog: one that overruns is
      // that document's E_BUDGET, and the job's other documents are scanned again without it.
      out = await pool.run(task);
    } catch (err) {
      // No thread could take it (or the pool is closing): worth another attempt on any worker.
      const message = MASKED.text(err instanceof Error ? err.message : String(err));
      if (final) await recordFinalFailure(job, data, "E_WORKER", message);
      throw new Error(message);
    }
    if (out.transient !== undefined && !final) throw new Error(MASKED.text(out.transient));
    opts.onTask?.(out, (performance.now() - started) / 1000);
    // The lines go to Redis as the bytes the thread wrote (no decoding and encoding again).
    const lines = lineBytes(out);
    const entries = out.lines.map((info, i) => entryOf(lines[i]!, info));
    const rec = await sink.record(jobId, entries);
    if (rec.outstanding !== undefined) outstanding = rec.outstanding;
    const failures = entries.filter((o) => !o.ok);
    if (entries.length > 0 && failures.length === entries.length) {
      // Nothing in this job can be scanned: fail it with the reason so `status` shows it.
      await job.updateData(retainedData(data));
      const first = failures[0]!.message ?? "unreadable";
      const reason = failures.length > 1 ? `${first} (+${failures.length - 1} more)` : first;
      throw out.transient !== undefined ? new Error(reason) : new UnrecoverableError(reason);
    }
    return { duplicate: !rec.written, documents: rec.documents, flagged: rec.flagged, failures: rec.failures, firstId: rec.firstId };
  };

  /** A job that ends failed without outcomes still gets one, so every submitted job is accounted for. */
  const recordFinalFailure = async (job: Job<JobData, JobSummary>, data: JobData | undefined, code: string, message: string) => {
    const jobId = job.id ?? "";
    // Most jobs that end failed recorded their outcomes in the processor already.
    if ((await lookupJob(conn, keys, jobId, [])).recorded) return;
    const where = data ? describeItems(data.items) : jobId;
    const text = message.startsWith(where) ? message : `${where}: ${message}`;
    await recordOutcomes(conn, keys, jobId, [{ ok: false, failure: { source: where, code, message: text } }], opts.limits);
    if (data && !data.retained) await job.updateData(retainedData(data));
  };

  const worker = new Worker<JobData, JobSummary>(keys.queue, processor, {
    connection: conn,
    prefix: keys.prefix,
    concurrency: threads * Math.max(1, opts.prefetch ?? DEFAULT_PREFETCH),
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
    // outcome, and a finished job keeps no document text and no unmasked path.
    void (async () => {
      if (!(await job.isFailed())) return;
      finished++;
      const reason = MASKED.text(err.message.split("\n")[0] ?? "failed");
      log(`job ${job.id} failed: ${reason}`);
      let data: JobData | undefined;
      try {
        data = parseJobData(job.data);
      } catch {
        data = undefined;
      }
      await recordFinalFailure(job, data, "E_FAILED", reason);
    })().catch((e: unknown) => log(`could not record failure of job ${job.id}: ${MASKED.text(e instanceof Error ? e.message : String(e))}`));
  });

  const dedupeMs = (opts.dedupeDays ?? 30) * 24 * 3600 * 1000;
  const trimDone = () => {
    conn.zremrangebyscore(keys.done, "-inf", Date.now() - dedupeMs).catch(() => undefined);
  };
  trimDone();
  const trimTimer = setInterval(trimDone, 3600_000);
  trimTimer.unref();

  const running = worker.run().catch((err: unknown) => log(`worker stopped: ${MASKED.text(err instanceof Error ? err.message : String(err))}`));
  await worker.waitUntilReady();
  log(`worker ready: ${threads} scan thread(s), queue ${keys.prefix}:${keys.queue}, scan budget ${budgetMs} ms (hard limit ${watchdogMs} ms)`);

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
        connLog.closing();
        await conn.quit().catch(() => conn.disconnect());
      })();
      return closing;
    },
  };

  async function forceClose(): Promise<void> {
    clearInterval(trimTimer);
    connLog.closing();
    await Promise.allSettled([worker.close(true), pool.close()]);
    conn.disconnect();
  }
}

/**
 * Logs a connection problem once per outage rather than once per reconnect attempt, and any other
 * error once per distinct message (BullMQ repeats the same one from its loops). After a reconnect,
 * and on an error that says keys are missing, `check` looks whether the queue's data survived.
 */
function connectionLogger(log: (line: string) => void, check: () => Promise<void>) {
  let down = false;
  let closing = false;
  const seen = new Set<string>();
  return {
    /** The connection closed: a quick restart may bring it back before any error is seen. */
    lost() {
      if (closing || down) return;
      down = true;
      log("redis: connection lost; reconnecting");
    },
    closing() {
      closing = true;
    },
    error(err: Error) {
      const msg = MASKED.text(err.message.split("\n")[0] ?? "");
      if (isConnectionError(err)) {
        // One line per outage: while down, retries fail with changing messages (refused, timed out,
        // closed) and each would otherwise be a line of its own.
        if (closing || down) return;
        down = true;
        log(`redis: ${msg}; reconnecting`);
        return;
      }
      if (/missing (key|lock)/i.test(msg)) void check();
      const kind = msg.replace(/\b[0-9a-f]{16,}\b/g, "…");
      if (seen.has(kind)) return;
      if (seen.size > 100) seen.clear();
      seen.add(kind);
      log(`queue error: ${msg}`);
    },
    ready() {
      if (down) {
        log("redis: reconnected");
        void check();
      }
      down = false;
    },
  };
}
