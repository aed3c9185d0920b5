// Entry of one scan thread: builds the engine once, then runs scan tasks posted by the pool.
// Scanning here keeps the worker's event loop free for BullMQ's lock renewals and Redis I/O.
import { parentPort, workerData } from "node:worker_threads";
import type { BudgetLimits } from "../budget.js";
import { createEngine, type EngineOptions } from "../engine.js";
import { scanDocument } from "../pipeline.js";
import type { PoolGuard, PoolReply, PoolRequest } from "./pool.js";
import { runScanTask, type ScanTaskInput, type ScanTaskOutput } from "./scan-task.js";

export interface ScanThreadData {
  engine: Omit<EngineOptions, "segmenter"> & { segmenter?: "node-rs" | "nodejieba" };
  /** Each document's scan budget (default: the library's). */
  budget?: BudgetLimits;
}

const port = parentPort;
if (!port) throw new Error("scan-thread.js runs inside a worker thread");

const init = workerData as ScanThreadData;
try {
  const engine = await createEngine(init.engine);
  // The dictionary loaded and one scan run before taking work: what a first scan loads is not
  // charged to the first real document's budget (a second or so against 10 s by default).
  engine.segmenter.segment("被告人张某出售公民个人信息");
  scanDocument({ id: "warm-up", source: "warm-up", text: "被告人张某利用职务便利出售公民个人信息三千余条，手机13812345678。", meta: {} }, engine);
  port.on("message", (msg: PoolRequest<ScanTaskInput>) => {
    // Each document's scan is a guarded unit: the pool's watchdog stops this thread if one never ends.
    const guard = (index: number | undefined) => port.postMessage({ id: msg.id, guard: index ?? null } satisfies PoolGuard);
    runScanTask(msg.input, engine, { guard, ...(init.budget ? { budget: init.budget } : {}) }).then(
      (output) => port.postMessage({ id: msg.id, ok: true, output } satisfies PoolReply<ScanTaskOutput>),
      (err: unknown) => port.postMessage({ id: msg.id, ok: false, message: messageOf(err) } satisfies PoolReply<ScanTaskOutput>),
    );
  });
  port.postMessage({ ready: true });
} catch (err) {
  const code = (err as { code?: unknown } | null)?.code;
  port.postMessage({ ready: false, message: messageOf(err), code: typeof code === "string" ? code : "E_ENGINE" });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
