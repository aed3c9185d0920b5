// The default scanner: one worker thread per core, each with its own engine (built once). Jobs go
// in small batches to amortize messaging, JSONL dumps as raw line chunks the threads parse
// themselves; each thread holds at most two batches so one is always queued behind the one it is
// scanning. A thread that dies fails only the jobs it held (recorded
// as E_WORKER) and is replaced.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { CaseflagError } from "../errors.js";
import { failedChunk, failedJob, type ChunkJob, type ChunkOutcome, type Job, type JobOutcome } from "./scan-batch.js";
import type { Scanner } from "./scanner.js";
import type { FromWorker, ToWorker, WorkerConfig } from "./worker-protocol.js";

export interface ThreadPoolOptions extends WorkerConfig {
  /** Threads; default: available cores. */
  workers?: number;
  /** Batches queued per thread. Default 2. */
  perWorker?: number;
  /** Script to run in each thread (tests); default the built scan-worker.js. */
  workerScript?: URL;
  /** V8 heap limits per thread (see DEFAULT_RESOURCE_LIMITS). */
  resourceLimits?: ResourceLimits;
}

/**
 * Heap sizing per scan thread. V8's default young generation grows to tens of MB per isolate, and
 * times N threads that is a good part of a batch's RSS. Scans leave little alive between documents,
 * so 8 MB costs no measurable CPU (measured: same CPU seconds on dev.jsonl) and saves ~25 MB a thread.
 * The old generation is left alone: one large document must not kill its thread.
 */
export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8 };

/** A batch or chunk a thread holds: settled by its answer, or failed whole if the thread goes. */
interface Pending {
  answer(m: FromWorker): void;
  /** Every document in it becomes a failure `code` with message "<source>: <why>". */
  fail(code: string, why: string): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  batches: Map<number, Pending>;
  exited: boolean;
}

/** How many times threads may be replaced before the pool gives up (a crash loop, not bad luck). */
const MAX_RESPAWNS_PER_WORKER = 3;

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

export function createThreadPool(opts: ThreadPoolOptions): Scanner {
  const n = Math.max(1, opts.workers ?? defaultWorkerCount());
  const perWorker = Math.max(1, opts.perWorker ?? 2);
  const script = opts.workerScript ?? workerScriptUrl();
  const limits = opts.resourceLimits ?? DEFAULT_RESOURCE_LIMITS;
  const config: WorkerConfig = { mask: opts.mask };
  if (opts.rules) config.rules = opts.rules;
  if (opts.segmenter) config.segmenter = opts.segmenter;
  let nextBatch = 0;
  let respawns = 0;
  let closing = false;
  let fatal: CaseflagError | undefined;
  const slots: Slot[] = [];

  const spawn = (): Slot => {
    const worker = new Worker(fileURLToPath(script), { workerData: config, resourceLimits: limits });
    const slot: Slot = { worker, batches: new Map(), exited: false, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      let lastError: Error | undefined;
      worker.on("message", (m: FromWorker) => {
        if (m.type === "ready") resolve();
        else if (m.type === "fatal") {
          fatal = new CaseflagError(m.code, m.message);
          reject(fatal);
        } else if (m.type === "done" || m.type === "chunkDone") {
          const p = slot.batches.get(m.batchId);
          slot.batches.delete(m.batchId);
          p?.answer(m);
        }
      });
      // An uncaught error ends the thread; "exit" follows and settles its batches.
      worker.on("error", (err) => {
        lastError = err;
      });
      worker.on("exit", (code) => {
        slot.exited = true;
        const why = lastError?.message ?? `exit code ${code}`;
        reject(fatal ?? new CaseflagError("E_WORKER", `scan worker stopped before it was ready: ${why}`));
        for (const p of slot.batches.values()) p.fail("E_WORKER", `scan worker stopped: ${why}`);
        slot.batches.clear();
        if (!closing && !fatal && respawns < MAX_RESPAWNS_PER_WORKER * n) {
          respawns++;
          const i = slots.indexOf(slot);
          if (i >= 0) slots[i] = spawn();
        }
      });
    });
    // Readiness is awaited through ready(); a rejection nobody awaited must not crash the process.
    slot.ready.catch(() => {});
    return slot;
  };
  for (let i = 0; i < n; i++) slots.push(spawn());

  const pick = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const s of slots) {
      if (s.exited) continue;
      if (!best || s.batches.size < best.batches.size) best = s;
    }
    return best;
  };

  /**
   * One batch or chunk to the least busy thread. `fail` makes its outcome when no thread is left or
   * the thread goes; `take` reads the answer (undefined: not the answer this message asked for).
   */
  const send = <T>(fail: (code: string, why: string) => T, take: (m: FromWorker) => T | undefined, message: (batchId: number) => ToWorker): Promise<T> => {
    const slot = pick();
    if (!slot) return Promise.resolve(fail("E_WORKER", "no scan worker left"));
    const batchId = nextBatch++;
    return new Promise<T>((resolve) => {
      slot.batches.set(batchId, {
        answer: (m) => resolve(take(m) ?? fail("E_WORKER", "scan worker answered out of turn")),
        fail: (code, why) => resolve(fail(code, why)),
      });
      slot.worker.postMessage(message(batchId));
    });
  };

  return {
    mode: "threads",
    workers: n,
    slots: n * perWorker,
    async ready() {
      await Promise.all(slots.map((s) => s.ready));
    },
    async scan(jobs: Job[], cardThreshold: number): Promise<JobOutcome[]> {
      return send(
        (code, why) => jobs.map((j) => failedJob(j, code, `${j.doc.source}: ${why}`)),
        (m) => (m.type === "done" ? m.outcomes : undefined),
        (batchId) => ({ type: "scan", batchId, cardThreshold, jobs }),
      );
    },
    async scanChunk(job: ChunkJob, cardThreshold: number): Promise<ChunkOutcome> {
      // The chunk is copied, not transferred: if the thread dies, its lines are still here to fail one by one.
      return send(
        (code, why) => failedChunk(job, code, why, opts.mask),
        (m) => (m.type === "chunkDone" ? m.outcome : undefined),
        (batchId) => ({ type: "chunk", batchId, cardThreshold, job }),
      );
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => (s.exited ? undefined : s.worker.terminate())));
    },
    async abort() {
      closing = true;
      await Promise.all(
        slots.map(async (s) => {
          const held = [...s.batches.values()];
          s.batches.clear();
          for (const p of held) p.fail("E_INTERRUPTED", "interrupted");
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
