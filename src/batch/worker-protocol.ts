// Messages between the pool and its scan workers.
import type { BudgetLimits } from "../budget.js";
import type { ChunkJob, ChunkOutcome, Job, JobOutcome } from "./scan-batch.js";

export interface WorkerConfig {
  mask: boolean;
  rules?: string[];
  segmenter?: "node-rs" | "nodejieba";
  /** Per-document scan budget (default: budget.ts). */
  budget?: BudgetLimits;
  /** Decisions and flags below this confidence are signals (--min-confidence). */
  minConfidence?: number;
}

/**
 * Float64 slots a thread shares with the pool: [batch id, index of the document being scanned,
 * epoch ms it started (0: idle)]. The pool's watchdog reads them; only the thread writes them.
 */
export const PROGRESS_SLOTS = 3;

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
