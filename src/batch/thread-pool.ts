// The default scanner: one worker thread per core, each with its own engine (built once). Jobs go
// in small batches to amortize messaging, JSONL dumps as raw line chunks the threads parse
// themselves; each thread holds at most two batches so one is always queued behind the one it is
// scanning.
//
// No document may take its neighbours down. Each thread says, in shared memory, which document it
// is scanning and since when. A watchdog terminates a thread whose document overruns the hard limit
// (work the scan budget cannot interrupt: native code, a regex); a thread that dies or is
// terminated costs only that document: it is retried once alone and, if it fails again, recorded
// (E_BUDGET for an overrun, E_WORKER for a crash); every other document the thread held is sent
// again. Thread deaths with no answer in between are bounded (a crash loop, not a bad document).
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { DEFAULT_SCAN_MS } from "../budget.js";
import { CaseflagError } from "../errors.js";
import { chunkItems } from "../ingest/index.js";
import { contentHash } from "./content-hash.js";
import { assembleChunk, failedChunk, failedJob, type ChunkJob, type ChunkOutcome, type Job, type JobOutcome } from "./scan-batch.js";
import type { Scanner } from "./scanner.js";
import { PROGRESS_SLOTS, type FromWorker, type ToWorker, type WorkerConfig } from "./worker-protocol.js";

export interface ThreadPoolOptions extends WorkerConfig {
  /** Threads; default: available cores. */
  workers?: number;
  /** Batches queued per thread. Default 2. */
  perWorker?: number;
  /** Script to run in each thread (tests); default the built scan-worker.js. */
  workerScript?: URL;
  /** V8 heap limits per thread (see DEFAULT_RESOURCE_LIMITS). */
  resourceLimits?: ResourceLimits;
  /**
   * Milliseconds one document may hold a thread before the thread is terminated. Default: twice
   * the scan budget plus 2 s, so a scan that stops itself at its budget is never cut short.
   */
  hardLimitMs?: number;
}

/**
 * Heap sizing per scan thread. V8's default young generation grows to tens of MB per isolate, and
 * times N threads that is a good part of a batch's RSS. Scans leave little alive between documents,
 * so 8 MB costs no measurable CPU (measured: same CPU seconds on dev.jsonl) and saves ~25 MB a thread.
 * The old generation is left alone: one large document must not kill its thread.
 */
export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8 };

/** Why a thread gave back what it held, and the document it was scanning (if it was scanning one). */
interface Loss {
  /** Index of the document being scanned (among the batch's or chunk's documents); -1: none of them. */
  index: number;
  code: string;
  why: string;
  /** false: record every document as failed (run aborted, no thread left) instead of sending it again. */
  retry: boolean;
}

/** A batch or chunk a thread holds: settled by its answer, or handed back if the thread goes. */
interface Pending {
  answer(m: FromWorker): void;
  lost(loss: Loss): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  isReady: boolean;
  batches: Map<number, Pending>;
  exited: boolean;
  /** [batch id, document index, epoch ms the document started or 0 when idle], written by the thread. */
  progress: Float64Array;
  /** Set by the watchdog before it terminates the thread. */
  overrun: boolean;
}

/** Thread deaths in a row (no answer between them) before the pool gives up: a crash loop. */
const MAX_DEATHS_IN_A_ROW_PER_WORKER = 3;
/** The watchdog looks this often (or at half the hard limit, if that is shorter). */
const WATCHDOG_EVERY_MS = 500;

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/** A job and how often it has been the document a thread lost. */
interface Tracked {
  job: Job;
  strikes: number;
}

export function createThreadPool(opts: ThreadPoolOptions): Scanner {
  const n = Math.max(1, opts.workers ?? defaultWorkerCount());
  const perWorker = Math.max(1, opts.perWorker ?? 2);
  const script = opts.workerScript ?? workerScriptUrl();
  const limits = opts.resourceLimits ?? DEFAULT_RESOURCE_LIMITS;
  const hardLimitMs = opts.hardLimitMs ?? 2 * (opts.budget?.ms ?? DEFAULT_SCAN_MS) + 2000;
  const config: WorkerConfig = { mask: opts.mask };
  if (opts.rules) config.rules = opts.rules;
  if (opts.segmenter) config.segmenter = opts.segmenter;
  if (opts.budget) config.budget = opts.budget;
  if (opts.minConfidence !== undefined) config.minConfidence = opts.minConfidence;
  let nextBatch = 1;
  let deathsInARow = 0;
  let closing = false;
  let fatal: CaseflagError | undefined;
  const slots: Slot[] = [];

  const spawn = (): Slot => {
    const progress = new Float64Array(new SharedArrayBuffer(PROGRESS_SLOTS * Float64Array.BYTES_PER_ELEMENT));
    const worker = new Worker(fileURLToPath(script), { workerData: { ...config, progress: progress.buffer }, resourceLimits: limits });
    const slot: Slot = { worker, batches: new Map(), exited: false, isReady: false, ready: Promise.resolve(), progress, overrun: false };
    slot.ready = new Promise<void>((resolve, reject) => {
      let lastError: Error | undefined;
      worker.on("message", (m: FromWorker) => {
        if (m.type === "ready") {
          slot.isReady = true;
          resolve();
        } else if (m.type === "fatal") {
          fatal = new CaseflagError(m.code, m.message);
          reject(fatal);
        } else if (m.type === "done" || m.type === "chunkDone") {
          deathsInARow = 0;
          const p = slot.batches.get(m.batchId);
          slot.batches.delete(m.batchId);
          p?.answer(m);
        }
      });
      // An uncaught error ends the thread; "exit" follows and hands its batches back.
      worker.on("error", (err) => {
        lastError = err;
      });
      worker.on("exit", (code) => {
        slot.exited = true;
        const [current, index, since] = slot.progress;
        const loss = (batchId: number): Loss => {
          const scanning = since! > 0 && batchId === current ? index! : -1;
          return slot.overrun
            ? { index: scanning, code: "E_BUDGET", why: `scan went past ${hardLimitMs} ms; its thread was stopped`, retry: true }
            : { index: scanning, code: "E_WORKER", why: `scan worker stopped: ${lastError?.message ?? `exit code ${code}`}`, retry: true };
        };
        reject(fatal ?? new CaseflagError("E_WORKER", `scan worker stopped before it was ready: ${lastError?.message ?? `exit code ${code}`}`));
        const held = [...slot.batches];
        slot.batches.clear();
        // A thread the watchdog stopped was stopped for its document, not for a fault of its own.
        if (!slot.overrun) deathsInARow++;
        if (!closing && !fatal && slot.isReady && deathsInARow <= MAX_DEATHS_IN_A_ROW_PER_WORKER * n) {
          const i = slots.indexOf(slot);
          if (i >= 0) slots[i] = spawn();
        }
        // Handed back after the replacement is in place, so what is sent again has a thread to go to.
        for (const [batchId, p] of held) p.lost(loss(batchId));
      });
    });
    // Readiness is awaited through ready(); a rejection nobody awaited must not crash the process.
    slot.ready.catch(() => {});
    return slot;
  };
  for (let i = 0; i < n; i++) slots.push(spawn());

  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const s of slots) {
      const since = s.progress[2]!;
      if (s.exited || s.overrun || since === 0 || now - since <= hardLimitMs) continue;
      s.overrun = true;
      void s.worker.terminate();
    }
  }, Math.max(10, Math.min(WATCHDOG_EVERY_MS, hardLimitMs / 2)));
  watchdog.unref();

  const pick = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const s of slots) {
      if (s.exited) continue;
      if (!best || s.batches.size < best.batches.size) best = s;
    }
    return best;
  };

  /**
   * One batch or chunk to the least busy thread. `take` reads the answer (undefined: not the
   * answer this message asked for); `lost` makes the outcome when no thread is left or the thread
   * goes.
   */
  const send = <T>(message: (batchId: number) => ToWorker, take: (m: FromWorker) => T | undefined, lost: (loss: Loss) => Promise<T>): Promise<T> => {
    const slot = pick();
    if (!slot) return lost({ index: -1, code: "E_WORKER", why: "no scan worker left", retry: false });
    const batchId = nextBatch++;
    return new Promise<T>((resolve) => {
      slot.batches.set(batchId, {
        answer: (m) => {
          const t = take(m);
          resolve(t ?? lost({ index: -1, code: "E_WORKER", why: "scan worker answered out of turn", retry: false }));
        },
        lost: (loss) => resolve(lost(loss)),
      });
      try {
        slot.worker.postMessage(message(batchId));
      } catch (err) {
        // The message could not be copied to the thread (the structured clone refused it).
        slot.batches.delete(batchId);
        resolve(lost({ index: -1, code: "E_WORKER", why: `could not be handed to a scan thread: ${(err as Error).message}`, retry: false }));
      }
    });
  };

  /** Jobs to a thread; outcomes in the jobs' order, whatever happens to the thread. */
  const scanTracked = (tracked: Tracked[], cardThreshold: number): Promise<JobOutcome[]> =>
    send(
      // A document's meta stays here: the scan never reads it, and a deeply nested field can make
      // the structured clone overflow the stack.
      (batchId) => ({ type: "scan", batchId, cardThreshold, jobs: tracked.map((t) => ({ ...t.job, doc: { ...t.job.doc, meta: {} } })) }),
      (m) => (m.type === "done" ? m.outcomes : undefined),
      (loss) => retryLost(tracked, loss, cardThreshold),
    );

  /**
   * The documents a lost batch held, each with its outcome, in their order. The one being scanned
   * when its thread crashed is retried alone once, and recorded as failed if it is lost again (at
   * once, for an overrun); the others go again together.
   */
  const retryLost = async (tracked: Tracked[], loss: Loss, cardThreshold: number): Promise<JobOutcome[]> => {
    const failed = (t: Tracked): JobOutcome => failedJob(t.job, loss.code, `${t.job.doc.source}: ${loss.why}`, opts.mask);
    if (!loss.retry) return tracked.map(failed);
    const again = tracked.filter((_, i) => i !== loss.index);
    const culprit = tracked[loss.index];
    const [others, alone] = await Promise.all([
      again.length > 0 ? scanTracked(again, cardThreshold) : Promise.resolve([]),
      culprit === undefined
        ? Promise.resolve(undefined)
        : // An overrun would overrun again; a crash may have been its neighbours' doing: one more try.
          culprit.strikes >= 1 || loss.code === "E_BUDGET"
          ? Promise.resolve(failed(culprit))
          : scanTracked([{ job: culprit.job, strikes: 1 }], cardThreshold).then((o) => o[0]!),
    ]);
    const out = [...others];
    if (alone !== undefined) out.splice(loss.index, 0, alone);
    return out;
  };

  /** A chunk to a thread; if it is lost, its lines are parsed here and its documents go as jobs. */
  const scanChunkTracked = (job: ChunkJob, cardThreshold: number): Promise<ChunkOutcome> =>
    send(
      (batchId) => ({ type: "chunk", batchId, cardThreshold, job }),
      (m) => (m.type === "chunkDone" ? m.outcome : undefined),
      async (loss) => {
        if (!loss.retry) return failedChunk(job, loss.code, loss.why, opts.mask);
        const docs: Tracked[] = [];
        for (const item of chunkItems(job.chunk, job.read)) {
          if (item.ok) docs.push({ job: { seq: job.seq, hash: contentHash(item.doc.text), doc: item.doc }, strikes: 0 });
        }
        return assembleChunk(job, opts.mask, await retryLost(docs, loss, cardThreshold));
      },
    );

  return {
    mode: "threads",
    workers: n,
    slots: n * perWorker,
    async ready() {
      await Promise.all(slots.map((s) => s.ready));
    },
    scan(jobs: Job[], cardThreshold: number): Promise<JobOutcome[]> {
      return scanTracked(
        jobs.map((job) => ({ job, strikes: 0 })),
        cardThreshold,
      );
    },
    scanChunk(job: ChunkJob, cardThreshold: number): Promise<ChunkOutcome> {
      // The chunk is copied, not transferred: if the thread dies, its lines are still here.
      return scanChunkTracked(job, cardThreshold);
    },
    async close() {
      closing = true;
      clearInterval(watchdog);
      await Promise.all(slots.map((s) => (s.exited ? undefined : s.worker.terminate())));
    },
    async abort() {
      closing = true;
      clearInterval(watchdog);
      await Promise.all(
        slots.map(async (s) => {
          const held = [...s.batches.values()];
          s.batches.clear();
          for (const p of held) p.lost({ index: -1, code: "E_INTERRUPTED", why: "interrupted", retry: false });
          if (!s.exited) await s.worker.terminate();
        }),
      );
    },
  };
}

/**
 * Worker threads run JavaScript: from the build, the sibling scan-worker.js; from the sources
 * (vitest runs .ts), the built copy in dist/, which `npm test` builds first.
 */
export function workerScriptUrl(): URL {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith(".ts")) return new URL("./scan-worker.js", here);
  const built = new URL("../../dist/batch/scan-worker.js", here);
  if (!existsSync(built)) {
    throw new CaseflagError("E_BUILD", "dist/batch/scan-worker.js is missing: run `npm run build` first");
  }
  return built;
}
