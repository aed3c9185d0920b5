// A fixed pool of worker threads, a couple of tasks per thread at a time, the rest queued in order.
// A thread that dies takes only its current tasks with it (rejected with ThreadExitError, which the queue
// worker treats as transient: BullMQ retries the job) and is replaced.
//
// Watchdog: a thread marks the stretch of a task that must end in time (one document's scan) with
// guard messages. One still open after `watchdogMs` means the thread is stuck where its own budget
// cannot reach (native code, a regex engine): the thread is terminated and replaced at once, that
// task is rejected with OverrunError naming the guarded unit, and the thread's other tasks go back
// to the front of the queue (they did nothing wrong).
import { Worker } from "node:worker_threads";
import { CaseflagError } from "../errors.js";

export interface PoolRequest<I> {
  id: number;
  input: I;
}

export type PoolReply<O> = { id: number; ok: true; output: O } | { id: number; ok: false; message: string };

/** Thread -> pool: task `id` starts a guarded unit (its label, e.g. a document's position) or ends it (null). */
export interface PoolGuard {
  id: number;
  guard: number | null;
}

type ReadyMessage = { ready: true } | { ready: false; message: string; code: string };

export class ThreadExitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ThreadExitError";
  }
}

/** A task's guarded unit ran past the watchdog's limit; its thread was terminated. */
export class OverrunError extends Error {
  constructor(
    readonly label: number,
    readonly limitMs: number,
  ) {
    super(`ran past the hard limit of ${limitMs} ms; its scan thread was stopped`);
    this.name = "OverrunError";
  }
}

export interface ThreadPool<I, O> {
  readonly size: number;
  /** Resolves when every thread has started (engines built); rejects with the first start failure. */
  readonly ready: Promise<void>;
  run(input: I): Promise<O>;
  /** Tasks in a thread or waiting for one. */
  readonly pending: number;
  /** Terminates the threads; tasks still queued are rejected. Call after the work in hand is done. */
  close(): Promise<void>;
}

interface Task<I, O> {
  id: number;
  input: I;
  resolve: (o: O) => void;
  reject: (e: Error) => void;
}

interface Slot<I, O> {
  worker: Worker;
  ready: boolean;
  tasks: Map<number, Task<I, O>>;
  /** The open guarded unit and the watchdog timer on it. */
  guard?: { taskId: number; label: number; timer: NodeJS.Timeout };
  /** Terminated by the watchdog and already replaced: its exit changes nothing. */
  retired: boolean;
}

export interface ThreadPoolOptions {
  file: URL;
  size: number;
  workerData: unknown;
  /**
   * Tasks in a thread at once (default 2): while one waits on file reads, the other scans. The
   * thread runs them on one event loop, so CPU work is never parallel within a thread.
   */
  perThread?: number;
  /** Told when a thread exits unexpectedly (it is replaced). */
  onThreadExit?: (message: string) => void;
  /** Longest a guarded unit may run before its thread is terminated (default: no watchdog). */
  watchdogMs?: number;
}

export function createThreadPool<I, O>(opts: ThreadPoolOptions): ThreadPool<I, O> {
  const queue: Task<I, O>[] = [];
  const slots = new Set<Slot<I, O>>();
  let nextId = 1;
  let closing = false;
  let started = 0;
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  let settled = false;
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  // A failed start is reported through `ready`; nobody may be awaiting it at that moment.
  ready.catch(() => undefined);

  const perThread = Math.max(1, opts.perThread ?? 2);
  const dispatch = (): void => {
    // Fill every thread to one task before any gets a second: spread first, overlap second.
    for (let depth = 1; depth <= perThread; depth++) {
      for (const slot of slots) {
        if (!slot.ready || slot.tasks.size >= depth) continue;
        const task = queue.shift();
        if (!task) return;
        slot.tasks.set(task.id, task);
        slot.worker.postMessage({ id: task.id, input: task.input } satisfies PoolRequest<I>);
      }
    }
  };
  const rejectAll = (slot: Slot<I, O>, err: Error): void => {
    clearGuard(slot);
    for (const t of slot.tasks.values()) t.reject(err);
    slot.tasks.clear();
  };
  const clearGuard = (slot: Slot<I, O>): void => {
    if (slot.guard) clearTimeout(slot.guard.timer);
    delete slot.guard;
  };
  const overrun = (slot: Slot<I, O>, taskId: number, label: number, limitMs: number): void => {
    slot.retired = true;
    slots.delete(slot);
    delete slot.guard;
    const stuck = slot.tasks.get(taskId);
    slot.tasks.delete(taskId);
    // The others go back first in line, in the order they came.
    queue.unshift(...[...slot.tasks.values()].sort((a, b) => a.id - b.id));
    slot.tasks.clear();
    void slot.worker.terminate();
    opts.onThreadExit?.(`scan thread stopped by the watchdog (a scan ran past ${limitMs} ms)`);
    if (!closing) spawn();
    dispatch();
    stuck?.reject(new OverrunError(label, limitMs));
  };

  const spawn = (): void => {
    const worker = new Worker(opts.file, { workerData: opts.workerData });
    const slot: Slot<I, O> = { worker, ready: false, tasks: new Map(), retired: false };
    slots.add(slot);
    worker.on("message", (msg: PoolReply<O> | ReadyMessage | PoolGuard) => {
      if (slot.retired) return;
      if ("guard" in msg) {
        clearGuard(slot);
        const limit = opts.watchdogMs;
        if (msg.guard !== null && limit !== undefined && slot.tasks.has(msg.id)) {
          const label = msg.guard;
          slot.guard = { taskId: msg.id, label, timer: setTimeout(() => overrun(slot, msg.id, label, limit), limit) };
        }
        return;
      }
      if ("ready" in msg) {
        if (!msg.ready) {
          fail(new CaseflagError(msg.code, msg.message));
          void worker.terminate();
          return;
        }
        slot.ready = true;
        started++;
        if (!settled && started >= opts.size) {
          settled = true;
          readyResolve();
        }
        dispatch();
        return;
      }
      const task = slot.tasks.get(msg.id);
      if (!task) return;
      if (slot.guard?.taskId === msg.id) clearGuard(slot);
      slot.tasks.delete(msg.id);
      if (msg.ok) task.resolve(msg.output);
      else task.reject(new Error(msg.message));
      dispatch();
    });
    worker.on("error", (err) => {
      if (!slot.retired) rejectAll(slot, new ThreadExitError(`scan thread failed: ${err.message}`));
    });
    worker.on("exit", (code) => {
      if (slot.retired) return;
      slots.delete(slot);
      if (closing) {
        rejectAll(slot, new ThreadExitError("scan pool closed"));
        return;
      }
      const message = `scan thread exited (code ${code})${slot.tasks.size > 0 ? " during a task" : ""}`;
      rejectAll(slot, new ThreadExitError(message));
      if (!settled) return; // a start failure: `ready` already says why; do not respawn in a loop
      opts.onThreadExit?.(message);
      spawn();
    });
  };

  const fail = (err: Error): void => {
    if (!settled) {
      settled = true;
      readyReject(err);
    }
  };

  for (let i = 0; i < opts.size; i++) spawn();

  return {
    size: opts.size,
    ready,
    get pending() {
      let n = queue.length;
      for (const s of slots) n += s.tasks.size;
      return n;
    },
    run(input: I): Promise<O> {
      if (closing) return Promise.reject(new ThreadExitError("scan pool closed"));
      return new Promise<O>((resolve, reject) => {
        queue.push({ id: nextId++, input, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closing = true;
      for (const t of queue.splice(0)) t.reject(new ThreadExitError("scan pool closed"));
      for (const s of slots) clearGuard(s);
      await Promise.all([...slots].map((s) => s.worker.terminate()));
    },
  };
}
