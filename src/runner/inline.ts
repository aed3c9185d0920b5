// The scan runner on the calling thread: no thread start-up cost, for small inputs and tests. Runs
// the same task as the pool's threads.
import type { BudgetLimits } from "../budget.js";
import { createEngine, type Engine, type EngineOptions } from "../engine.js";
import { redactorFor } from "../output/redact.js";
import type { ReviewBook } from "../output/review.js";
import type { ScanPool } from "./pool.js";
import { runTask } from "./task.js";

export interface InlineOptions {
  mask?: boolean;
  engine?: Engine;
  engineOptions?: EngineOptions;
  budget?: BudgetLimits;
  minConfidence?: number;
  review?: ReviewBook;
}

export function createInlineRunner(opts: InlineOptions = {}): ScanPool {
  let engine: Promise<Engine> | undefined = opts.engine ? Promise.resolve(opts.engine) : undefined;
  const getEngine = (): Promise<Engine> => (engine ??= createEngine(opts.engineOptions ?? {}));

  return {
    mode: "inline",
    threads: 0,
    capacity: 1,
    async ready() {
      await getEngine();
    },
    async run(task) {
      const e = await getEngine();
      const redactor = redactorFor(opts.mask ?? true, e.identifierContext);
      // Yield to the event loop between tasks so writes, drains and signals get their turn.
      await new Promise((r) => setImmediate(r));
      return runTask(task, e, {
        redactor,
        ...(opts.budget ? { budget: opts.budget } : {}),
        ...(opts.minConfidence !== undefined ? { minConfidence: opts.minConfidence } : {}),
        ...(opts.review ? { review: opts.review } : {}),
      });
    },
    async close() {},
  };
}
