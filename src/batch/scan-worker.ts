// A scan worker thread: builds the engine once, then scans the batches it is sent.
import { parentPort, workerData } from "node:worker_threads";
import { createEngine, type Engine, type EngineOptions } from "../engine.js";
import { CaseflagError } from "../errors.js";
import { scanChunk, scanJobs } from "./scan-batch.js";
import { snippetMask } from "./snippet-mask.js";
import type { FromWorker, ToWorker, WorkerConfig } from "./worker-protocol.js";

const port = parentPort;
if (port) {
  const config = workerData as WorkerConfig;
  const post = (m: FromWorker): void => port.postMessage(m);
  const options: EngineOptions = {};
  if (config.rules) options.rules = config.rules;
  if (config.segmenter) options.segmenter = config.segmenter;
  let engine: Engine | undefined;
  try {
    engine = await createEngine(options);
  } catch (err) {
    post({
      type: "fatal",
      code: err instanceof CaseflagError ? err.code : "E_ENGINE",
      message: err instanceof Error ? err.message : String(err),
    });
  }
  if (engine) {
    const e = engine;
    port.on("message", (m: ToWorker) => {
      const opts = { mask: config.mask, cardThreshold: m.cardThreshold, ...(config.mask ? { maskText: snippetMask } : {}) };
      if (m.type === "chunk") {
        const outcome = scanChunk(m.job, e, opts);
        port.postMessage({ type: "chunkDone", batchId: m.batchId, outcome } satisfies FromWorker, [outcome.bytes.buffer as ArrayBuffer]);
        return;
      }
      post({ type: "done", batchId: m.batchId, outcomes: scanJobs(m.jobs, e, opts) });
    });
    post({ type: "ready" });
  }
}
