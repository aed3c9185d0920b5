// Where jobs get scanned. The runner only sees this interface: a worker-thread pool (default), the
// main thread (workers: 0, for tiny inputs and unit tests), or the queue (--queue).
import type { ChunkJob, ChunkOutcome, Job, JobOutcome } from "./scan-batch.js";

export interface Scanner {
  readonly mode: "threads" | "inline" | "queue";
  readonly workers: number;
  /** Batches it can hold at once; the runner dispatches no more than this. */
  readonly slots: number;
  /** Resolves once it can scan (engines built); rejects when it never will (bad rules). */
  ready(): Promise<void>;
  /** Always resolves, one outcome per job (failures included), in any order. */
  scan(jobs: Job[], cardThreshold: number): Promise<JobOutcome[]>;
  /**
   * Parse and scan a chunk of raw JSONL lines where the scanning happens (scanners that have it get
   * JSONL dumps as chunks: the reading thread then neither decodes, parses nor hashes them).
   * Always resolves, one output line per non-blank line.
   */
  scanChunk?(job: ChunkJob, cardThreshold: number): Promise<ChunkOutcome>;
  /** After the last scan resolved: release threads or connections. */
  close(): Promise<void>;
  /** Stop now (second Ctrl-C): pending scans resolve with E_INTERRUPTED failures. */
  abort(): Promise<void>;
}
