// The scan runner's threads: one pool of worker threads, each with its own engine (built once), that
// runs scan tasks (task.ts) for batch, the queue worker and whoever comes next. A thread holds a
// couple of tasks at a time (one queued behind the one it scans); the rest wait here, in order.
//
// No document may take its neighbours down. Each thread says, in shared memory, which document it
// is scanning and since when. A watchdog terminates a thread whose document overruns the hard limit
// (work the scan budget cannot interrupt: native code, a regex); a thread that dies or is
// terminated costs only that document: an overrun is that document's E_BUDGET at once; after a
// crash it is scanned again alone, and recorded E_WORKER if that crashes too. The task's other
// documents are scanned again, and the other tasks the thread held go back to the front of the line.
// Thread deaths with no answer in between are bounded (a crash loop, not a bad document).
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { DEFAULT_SCAN_MS, type BudgetLimits } from "../budget.js";
import type { SegmenterKind } from "../text/index.js";
import { CaseflagError } from "../errors.js";
import type { ReviewBook } from "../output/review.js";
import { spliceOutput, type ScanTask, type TaskOutput } from "./task.js";

/** What every thread is started with (structured-cloneable). */
export interface ThreadConfig {
  engine: { rules?: string[]; segmenter?: SegmenterKind };
  budget?: BudgetLimits;
  /** Decisions and flags below this confidence are signals (--min-confidence). */
  minConfidence?: number;
  /** Review decisions and a baseline applied to every result line. */
  review?: ReviewBook;
  /** Redaction policy of the lines the threads write (output/redact.ts). */
  mask: boolean;
}

export interface PoolOptions extends Partial<ThreadConfig> {
  /** Threads; default: available cores. */
  threads?: number;
  /** Tasks a thread holds at once. Default 2. */
  perThread?: number;
  /** V8 heap limits per thread (see DEFAULT_RESOURCE_LIMITS). */
  resourceLimits?: ResourceLimits;
  /**
   * Milliseconds one document may hold a thread before the thread is terminated. Default: twice
   * the scan budget plus 2 s, so a scan that stops itself at its budget is never cut short.
   */
  hardLimitMs?: number;
  /** Told when a thread is replaced, and when a document overran (its task is scanned again without it). */
  onEvent?: (e: PoolEvent) => void;
  /** Script to run in each thread (tests); default the built thread.js. */
  script?: URL;
}

export type PoolEvent =
  | { kind: "replaced"; why: string }
  | { kind: "overrun"; task: ScanTask; index: number; message: string };

/** Threads by default: one per core. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Input bytes from which one more scan thread pays back its start (engine build, dictionary, JIT
 * warm-up: ~2 s of CPU each) on a 2-core machine where the main thread reads and writes too.
 * Measured with `npm run bench -- --sizes` (2 threads vs 1, start-up included): see README.
 */
export const BYTES_PER_EXTRA_THREAD = 16 * 1024 * 1024;

/**
 * Threads worth starting for this much input: one below the crossover, then one more per
 * BYTES_PER_EXTRA_THREAD, never more than asked for. Unknown size (stdin): as asked.
 */
export function threadsForWork(requested: number, bytes: number | undefined): number {
  if (bytes === undefined) return requested;
  return Math.max(1, Math.min(requested, 1 + Math.floor(bytes / BYTES_PER_EXTRA_THREAD)));
}

/**
 * Heap sizing per scan thread. V8's default young generation grows to tens of MB per isolate, and
 * times N threads that is a good part of a batch's RSS. Scans leave little alive between documents,
 * so 8 MB costs no measurable CPU (measured: same CPU seconds on dev.jsonl) and saves ~25 MB a thread.
 * The old generation is left alone: one large document must not kill its thread.
 */
export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8 };

/**
 * Float64 slots a thread shares with the pool: [task id, position of the document being scanned,
 * epoch ms it started (0: idle)]. The pool's watchdog reads them; only the thread writes them.
 */
export const PROGRESS_SLOTS = 3;

export type ToThread = { id: number; task: ScanTask };
export type FromThread =
  | { type: "ready" }
  | { type: "done"; id: number; output: TaskOutput }
  /** runTask threw: a bug, not a document's fault. */
  | { type: "failed"; id: number; message: string }
  /** The engine could not be built (bad rules): nothing can run. */
  | { type: "fatal"; code: string; message: string };

export interface ScanPool {
  /** Where tasks run: scan threads, the calling thread, or (batch --queue) the queue's workers. */
  readonly mode: "threads" | "inline" | "queue";
  readonly threads: number;
  /** Tasks the threads hold at once; more wait in the pool. */
  readonly capacity: number;
  /** Resolves once every thread has built its engine; rejects when one cannot (bad rules). */
  ready(): Promise<void>;
  /**
   * One outcome line per document, whatever happens to threads. Rejects only when the task cannot
   * be run at all: the pool is closed, no thread is left, the task cannot be sent to a thread.
   */
  run(task: ScanTask): Promise<TaskOutput>;
  /** Terminates the threads; tasks not finished are rejected. */
  close(): Promise<void>;
}

interface Pending {
  id: number;
  task: ScanTask;
  /** The task as the caller gave it (events name it). */
  root: ScanTask;
  /** This run scans one document alone after a crash: a second crash is that document's failure. */
  alone: boolean;
  /** Times it was handed back with no document in progress. */
  lost: number;
  resolve(o: TaskOutput): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  isReady: boolean;
  held: Map<number, Pending>;
  exited: boolean;
  progress: Float64Array;
  /** Set by the watchdog before it terminates the thread. */
  overrun: boolean;
}

/** Thread deaths in a row (no answer between them), per thread, before the pool gives up: a crash loop. */
const MAX_DEATHS_IN_A_ROW_PER_THREAD = 3;
/** The watchdog looks this often (or at half the hard limit, if that is shorter). */
const WATCHDOG_EVERY_MS = 500;
/** A task handed back this often with no document in progress (its reading kills threads) fails. */
const MAX_LOST_WHILE_READING = 2;

export class PoolClosedError extends CaseflagError {
  constructor(message = "scan pool closed") {
    super("E_INTERRUPTED", message);
  }
}

export function createScanPool(opts: PoolOptions = {}): ScanPool {
  const n = Math.max(1, opts.threads ?? defaultThreads());
  const perThread = Math.max(1, opts.perThread ?? 2);
  const script = opts.script ?? threadScriptUrl();
  const limits = opts.resourceLimits ?? DEFAULT_RESOURCE_LIMITS;
  const hardLimitMs = opts.hardLimitMs ?? 2 * (opts.budget?.ms ?? DEFAULT_SCAN_MS) + 2000;
  const config: ThreadConfig = { engine: { ...(opts.engine ?? {}) }, mask: opts.mask ?? true };
  if (opts.budget) config.budget = opts.budget;
  if (opts.minConfidence !== undefined) config.minConfidence = opts.minConfidence;
  if (opts.review) config.review = opts.review;
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let deathsInARow = 0;
  let closing = false;
  let fatal: CaseflagError | undefined;

  const spawn = (): Slot => {
    const progress = new Float64Array(new SharedArrayBuffer(PROGRESS_SLOTS * Float64Array.BYTES_PER_ELEMENT));
    const worker = new Worker(fileURLToPath(script), { workerData: { ...config, progress: progress.buffer }, resourceLimits: limits });
    const slot: Slot = { worker, held: new Map(), exited: false, isReady: false, ready: Promise.resolve(), progress, overrun: false };
    slot.ready = new Promise<void>((resolve, reject) => {
      let lastError: Error | undefined;
      worker.on("message", (m: FromThread) => {
        if (m.type === "ready") {
          slot.isReady = true;
          resolve();
          dispatch();
        } else if (m.type === "fatal") {
          fatal = new CaseflagError(m.code, m.message);
          reject(fatal);
        } else {
          deathsInARow = 0;
          const p = slot.held.get(m.id);
          slot.held.delete(m.id);
          if (m.type === "done") p?.resolve(m.output);
          else p?.reject(new Error(m.message));
          dispatch();
        }
      });
      // An uncaught error ends the thread; "exit" follows and hands its tasks back.
      worker.on("error", (err) => {
        lastError = err;
      });
      worker.on("exit", (code) => {
        slot.exited = true;
        const [current, index, since] = slot.progress;
        reject(fatal ?? new CaseflagError("E_WORKER", `scan thread stopped before it was ready: ${lastError?.message ?? `exit code ${code}`}`));
        const held = [...slot.held.values()].sort((a, b) => a.id - b.id);
        slot.held.clear();
        const i = slots.indexOf(slot);
        if (i >= 0) slots.splice(i, 1);
        if (closing) {
          for (const p of held) p.reject(new PoolClosedError());
          return;
        }
        // A thread the watchdog stopped was stopped for its document, not for a fault of its own.
        if (!slot.overrun) deathsInARow++;
        const why = slot.overrun
          ? `scan ran past the hard limit of ${hardLimitMs} ms; its scan thread was stopped`
          : `scan thread stopped: ${lastError?.message ?? `exit code ${code}`}`;
        if (!fatal && slot.isReady && deathsInARow <= MAX_DEATHS_IN_A_ROW_PER_THREAD * n) {
          slots.push(spawn());
          opts.onEvent?.({
            kind: "replaced",
            why: slot.overrun ? `scan thread stopped by the watchdog (a scan ran past ${hardLimitMs} ms)` : `scan thread exited (code ${code})${held.length > 0 ? " during a task" : ""}`,
          });
        }
        // Handed back after the replacement is in place, so what is sent again has a thread to go to.
        for (const p of held.reverse()) lost(p, since! > 0 && p.id === current ? index! : -1, slot.overrun ? "E_BUDGET" : "E_WORKER", why);
        dispatch();
      });
    });
    // Readiness is awaited through ready(); a rejection nobody awaited must not crash the process.
    slot.ready.catch(() => {});
    return slot;
  };

  /** A task handed back by a thread that went: scanned again, without the document it lost. */
  const lost = (p: Pending, index: number, code: string, why: string): void => {
    if (index < 0) {
      if (++p.lost > MAX_LOST_WHILE_READING) p.reject(new CaseflagError("E_WORKER", why));
      else queue.unshift(p);
      return;
    }
    if (code === "E_BUDGET") opts.onEvent?.({ kind: "overrun", task: p.root, index, message: why.replace(/^scan /, "") });
    // An overrun would overrun again; a crash may have been its neighbours' doing: one more try, alone.
    if (code === "E_BUDGET" || p.alone) {
      queue.unshift({ ...p, task: withSkip(p.task, index, { code, message: why }) });
      return;
    }
    const rest = enqueue(withSkip(p.task, index, null), p.root, false, true);
    const alone = enqueue({ ...p.task, only: index }, p.root, true, true);
    Promise.all([rest, alone]).then(([r, a]) => p.resolve(spliceOutput(r, index, a)), p.reject);
  };

  const enqueue = (task: ScanTask, root: ScanTask, alone: boolean, front: boolean): Promise<TaskOutput> =>
    new Promise<TaskOutput>((resolve, reject) => {
      if (closing) return reject(new PoolClosedError());
      const p: Pending = { id: nextId++, task, root, alone, lost: 0, resolve, reject };
      if (front) queue.unshift(p);
      else queue.push(p);
      dispatch();
    });

  const dispatch = (): void => {
    if (slots.length === 0 && !closing) {
      // No thread left (a crash loop): nothing queued can run.
      for (const p of queue.splice(0)) p.reject(fatal ?? new CaseflagError("E_WORKER", "no scan thread left"));
      return;
    }
    // Fill every thread to one task before any gets a second: spread first, overlap second.
    for (let depth = 1; depth <= perThread; depth++) {
      for (const slot of slots) {
        if (!slot.isReady || slot.exited || slot.held.size >= depth) continue;
        const p = queue.shift();
        if (!p) return;
        slot.held.set(p.id, p);
        try {
          slot.worker.postMessage({ id: p.id, task: p.task } satisfies ToThread);
        } catch (err) {
          // The task could not be copied to the thread (the structured clone refused it).
          slot.held.delete(p.id);
          p.reject(new CaseflagError("E_WORKER", `could not be handed to a scan thread: ${(err as Error).message}`));
        }
      }
    }
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

  return {
    mode: "threads",
    threads: n,
    capacity: n * perThread,
    async ready() {
      await Promise.all(slots.map((s) => s.ready));
    },
    run: (task) => enqueue(task, task, false, false),
    async close() {
      closing = true;
      clearInterval(watchdog);
      for (const p of queue.splice(0)) p.reject(new PoolClosedError());
      await Promise.all(slots.map((s) => (s.exited ? undefined : s.worker.terminate())));
    },
  };
}

function withSkip(task: ScanTask, index: number, as: { code: string; message: string } | null): ScanTask {
  return { ...task, skip: { ...(task.skip ?? {}), [index]: as } };
}

/**
 * Threads run JavaScript: from the build, the sibling thread.js; from the sources (vitest runs
 * .ts), the built copy in dist/, which `npm test` builds first.
 */
export function threadScriptUrl(): URL {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith(".ts")) return new URL("./thread.js", here);
  const built = new URL("../../dist/runner/thread.js", here);
  if (!existsSync(built)) {
    throw new CaseflagError("E_BUILD", "dist/runner/thread.js is missing: run `npm run build` first");
  }
  return built;
}
