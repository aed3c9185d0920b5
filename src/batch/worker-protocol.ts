// Messages between the pool and its scan workers.
import type { ChunkJob, ChunkOutcome, Job, JobOutcome } from "./scan-batch.js";

export interface WorkerConfig {
  mask: boolean;
  rules?: string[];
  segmenter?: "node-rs" | "nodejieba";
}

export type ToWorker =
  | { type: "scan"; batchId: number; cardThreshold: number; jobs: Job[] }
  | { type: "chunk"; batchId: number; cardThreshold: number; job: ChunkJob };

export type FromWorker =
  | { type: "ready" }
  | { type: "done"; batchId: number; outcomes: JobOutcome[] }
  /** The chunk's bytes come transferred, not copied. */
  | { type: "chunkDone"; batchId: number; outcome: ChunkOutcome }
  /** The engine could not be built (bad rules): the run cannot go on. */
  | { type: "fatal"; code: string; message: string };
