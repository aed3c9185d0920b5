// A scan thread: builds the engine once, then runs the scan tasks the pool sends it.
import { parentPort, workerData } from "node:worker_threads";
import { createEngine, type Engine } from "../engine.js";
import { CaseflagError } from "../errors.js";
import { redactorFor } from "../output/redact.js";
import { scanDocument } from "../pipeline.js";
import { PROGRESS_SLOTS, type FromThread, type ThreadConfig, type ToThread } from "./pool.js";
import { runTask } from "./task.js";

const port = parentPort;
if (!port) throw new Error("thread.js runs inside a worker thread");
const config = workerData as ThreadConfig & { progress?: SharedArrayBuffer };
const progress = config.progress ? new Float64Array(config.progress) : new Float64Array(PROGRESS_SLOTS);
const post = (m: FromThread, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
let engine: Engine | undefined;
try {
  engine = await createEngine(config.engine);
} catch (err) {
  post({ type: "fatal", code: err instanceof CaseflagError ? err.code : "E_ENGINE", message: err instanceof Error ? err.message : String(err) });
}
if (engine) {
  const e = engine;
  // The dictionary loaded and one scan run before taking work: what a first scan loads is not
  // charged to the first real document's budget, nor counted by the watchdog against it.
  e.segmenter.segment("被告人张某出售公民个人信息");
  scanDocument({ id: "warm-up", source: "warm-up", text: "被告人张某利用职务便利出售公民个人信息三千余条，手机13812345678。", meta: {} }, e);
  const redactor = redactorFor(config.mask, e.identifierContext);
  port.on("message", (m: ToThread) => {
    // Which document is being scanned and since when, for the pool's watchdog.
    const onDocument = (index: number): void => {
      if (index < 0) {
        progress[2] = 0;
        return;
      }
      progress[0] = m.id;
      progress[1] = index;
      progress[2] = Date.now();
    };
    runTask(m.task, e, {
      redactor,
      onDocument,
      ...(config.budget ? { budget: config.budget } : {}),
      ...(config.minConfidence !== undefined ? { minConfidence: config.minConfidence } : {}),
      ...(config.review ? { review: config.review } : {}),
    }).then(
      (output) => post({ type: "done", id: m.id, output }, [output.bytes.buffer as ArrayBuffer]),
      (err: unknown) => post({ type: "failed", id: m.id, message: err instanceof Error ? err.message : String(err) }),
    );
  });
  post({ type: "ready" });
}
