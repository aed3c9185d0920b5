// Entry of one scan thread: builds the engine once, then runs scan tasks posted by the pool.
// Scanning here keeps the worker's event loop free for BullMQ's lock renewals and Redis I/O.
import { parentPort, workerData } from "node:worker_threads";
import { createEngine, type EngineOptions } from "../engine.js";
import type { PoolReply, PoolRequest } from "./pool.js";
import { runScanTask, type ScanTaskInput, type ScanTaskOutput } from "./scan-task.js";

export interface ScanThreadData {
  engine: Omit<EngineOptions, "segmenter"> & { segmenter?: "node-rs" | "nodejieba" };
}

const port = parentPort;
if (!port) throw new Error("scan-thread.js runs inside a worker thread");

const init = workerData as ScanThreadData;
try {
  const engine = await createEngine(init.engine);
  port.on("message", (msg: PoolRequest<ScanTaskInput>) => {
    runScanTask(msg.input, engine).then(
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
