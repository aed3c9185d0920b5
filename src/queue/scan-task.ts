// One job's work, as a scan thread does it: read the documents the job points at, check they are
// still the ones submitted (the job id covers their sources, ids and content hashes), and give each
// its outcome: an earlier result for the same text when the worker found one (with this document's
// own id and source), else a scan with the one pipeline under the document's budget.
import type { BudgetLimits } from "../budget.js";
import type { Engine } from "../engine.js";
import { CaseflagError } from "../errors.js";
import { scanDocument } from "../pipeline.js";
import type { Outcome, ReadItem } from "../types.js";
import { readJobItems } from "./locate.js";
import { toEntry, type OutcomeEntry } from "./sink.js";
import { describeItems, docRef, isTransientFailure, jobIdOf, type JobData } from "./payload.js";

export interface ScanTaskInput {
  jobId: string;
  data: JobData;
  /** Last attempt: a transient failure is recorded as the outcome instead of being retried. */
  final: boolean;
  /** Content hash -> stored outcome (a result) of an earlier scan of that text. */
  prior?: Record<string, string>;
  /**
   * Documents (by position among what the job reads) whose scan overran the watchdog's hard limit
   * on an earlier run of this task: recorded as E_BUDGET with this message, not scanned again.
   */
  overrun?: Record<number, string>;
}

export interface ScanTaskOutput {
  /** Serialised in the thread: the worker's event loop only moves them to Redis. */
  outcomes: OutcomeEntry[];
  /** A failure that may go away on retry (file not there yet, permission); its message. */
  transient?: string;
}

export interface ScanTaskOptions {
  budget?: BudgetLimits;
  /** Told the position of the document about to be scanned, and undefined when that scan is over (the pool's watchdog). */
  guard?: (index: number | undefined) => void;
}

export async function runScanTask(input: ScanTaskInput, engine: Engine, opts: ScanTaskOptions = {}): Promise<ScanTaskOutput> {
  const items = await readJobItems(input.data);
  const transient = items.find((it) => !it.ok && isTransientFailure(it.failure));
  if (transient !== undefined && !transient.ok) {
    const message = transient.failure.message;
    if (!input.final) return { outcomes: [], transient: message };
  }
  const refs = items.map(docRef);
  if (transient === undefined && jobIdOf(refs) !== input.jobId) {
    const where = describeItems(input.data.items);
    const changed: Outcome = {
      ok: false,
      failure: { source: where, code: "E_CHANGED", message: `${where}: content changed since it was submitted (hash differs); submit it again` },
    };
    return { outcomes: [toEntry(changed)] };
  }
  const outcomes = items.map((it, i) => outcomeOf(it, i, refs[i]!.hash, input, engine, opts));
  return transient !== undefined && !transient.ok ? { outcomes, transient: transient.failure.message } : { outcomes };
}

function outcomeOf(it: ReadItem, index: number, hash: string, input: ScanTaskInput, engine: Engine, opts: ScanTaskOptions): OutcomeEntry {
  if (!it.ok) return toEntry({ ok: false, failure: it.failure });
  const doc = it.doc;
  const overrun = input.overrun?.[index];
  if (overrun !== undefined) {
    return toEntry({ ok: false, failure: { source: doc.source, id: doc.id, code: "E_BUDGET", message: `${doc.source}: ${overrun}` } });
  }
  const prior = input.prior?.[hash];
  if (prior !== undefined) {
    const stored = JSON.parse(prior) as Outcome;
    // The same text scans to the same result; only the document's own id and source differ.
    if (stored.ok) return toEntry({ ok: true, result: { ...stored.result, id: doc.id, source: doc.source } }, { hash, reused: true });
  }
  opts.guard?.(index);
  try {
    return toEntry({ ok: true, result: scanDocument(doc, engine, { mask: true, ...(opts.budget ? { budget: opts.budget } : {}) }) }, { hash });
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    // A budget overrun is this document's outcome for good (retrying would overrun again).
    const code = err instanceof CaseflagError && err.code === "E_BUDGET" ? "E_BUDGET" : "E_SCAN";
    return toEntry({ ok: false, failure: { source: doc.source, id: doc.id, code, message: `${doc.source}: scan failed: ${msg}` } });
  } finally {
    opts.guard?.(undefined);
  }
}
