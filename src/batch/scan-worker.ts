// A scan worker thread: builds the engine once, then scans the batches it is sent.
import { parentPort, workerData } from "node:worker_threads";
import { createEngine, type Engine, type EngineOptions } from "../engine.js";
import { CaseflagError } from "../errors.js";
import { scanChunk, scanJobs } from "./scan-batch.js";
import { snippetMask } from "./snippet-mask.js";
import { PROGRESS_SLOTS, type FromWorker, type ToWorker, type WorkerConfig } from "./worker-protocol.js";

const port = parentPort;
if (port) {
  const config = workerData as WorkerConfig & { progress?: SharedArrayBuffer };
  const progress = config.progress ? new Float64Array(config.progress) : new Float64Array(PROGRESS_SLOTS);
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
    // The dictionary loads now, not inside the first document's scan, where the watchdog would
    // count it against that document.
    e.segmenter.segment("预热");
    port.on("message", (m: ToWorker) => {
      // Which document is being scanned and since when, for the pool's watchdog.
      const onDocument = (index: number): void => {
        progress[0] = m.batchId;
        progress[1] = index;
        progress[2] = Date.now();
      };
      const opts = {
        mask: config.mask,
        cardThreshold: m.cardThreshold,
        onDocument,
        ...(config.budget ? { budget: config.budget } : {}),
        ...(config.minConfidence !== undefined ? { minConfidence: config.minConfidence } : {}),
        ...(config.mask ? { maskText: snippetMask } : {}),
      };
      if (m.type === "chunk") {
        const outcome = scanChunk(m.job, e, opts);
        progress[2] = 0;
        port.postMessage({ type: "chunkDone", batchId: m.batchId, outcome } satisfies FromWorker, [outcome.bytes.buffer as ArrayBuffer]);
        return;
      }
      const outcomes = scanJobs(m.jobs, e, opts);
      progress[2] = 0;
      post({ type: "done", batchId: m.batchId, outcomes });
    });
    post({ type: "ready" });
  }
}
