// Messages between the pool and its scan workers.
import type { Job, JobOutcome } from "./scan-batch.js";

export interface WorkerConfig {
  mask: boolean;
  rules?: string[];
  segmenter?: "node-rs" | "nodejieba";
}

export type ToWorker = { type: "scan"; batchId: number; cardThreshold: number; jobs: Job[] };

export type FromWorker =
  | { type: "ready" }
  | { type: "done"; batchId: number; outcomes: JobOutcome[] }
  /** The engine could not be built (bad rules): the run cannot go on. */
  | { type: "fatal"; code: string; message: string };
