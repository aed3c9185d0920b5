// Scanning on the main thread: no thread start-up cost, for small inputs and unit tests.
import type { BudgetLimits } from "../budget.js";
import { createEngine, type Engine, type EngineOptions } from "../engine.js";
import { scanChunk, scanJobs, type ChunkJob, type ChunkOutcome, type Job, type JobOutcome } from "./scan-batch.js";
import type { Scanner } from "./scanner.js";
import { snippetMask } from "./snippet-mask.js";

export interface InlineScannerOptions {
  mask: boolean;
  engine?: Engine;
  engineOptions?: EngineOptions;
  budget?: BudgetLimits;
  minConfidence?: number;
}

export function createInlineScanner(opts: InlineScannerOptions): Scanner {
  let engine: Promise<Engine> | undefined = opts.engine ? Promise.resolve(opts.engine) : undefined;
  const getEngine = (): Promise<Engine> => (engine ??= createEngine(opts.engineOptions ?? {}));
  const shared = {
    ...(opts.mask ? { maskText: snippetMask } : {}),
    ...(opts.budget ? { budget: opts.budget } : {}),
    ...(opts.minConfidence !== undefined ? { minConfidence: opts.minConfidence } : {}),
  };
  return {
    mode: "inline",
    workers: 0,
    slots: 1,
    async ready() {
      await getEngine();
    },
    async scan(jobs: Job[], cardThreshold: number): Promise<JobOutcome[]> {
      const e = await getEngine();
      // Yield to the event loop between batches so writes, drains and signals get their turn.
      await new Promise((r) => setImmediate(r));
      return scanJobs(jobs, e, { mask: opts.mask, cardThreshold, ...shared });
    },
    async scanChunk(job: ChunkJob, cardThreshold: number): Promise<ChunkOutcome> {
      const e = await getEngine();
      await new Promise((r) => setImmediate(r));
      return scanChunk(job, e, { mask: opts.mask, cardThreshold, ...shared });
    },
    async close() {},
    async abort() {},
  };
}
