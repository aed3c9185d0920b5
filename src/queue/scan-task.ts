// One job's work, as a scan thread does it: read the documents the job points at, check they are
// still the ones submitted (the job id is their content hash), scan each with the one pipeline.
import type { Engine } from "../engine.js";
import { scanDocument } from "../pipeline.js";
import type { Outcome, ReadItem } from "../types.js";
import { readJobItems } from "./locate.js";
import { toEntry, type OutcomeEntry } from "./sink.js";
import { describeItems, isTransientFailure, itemHash, jobIdOf, type JobData } from "./payload.js";

export interface ScanTaskInput {
  jobId: string;
  data: JobData;
  /** Last attempt: a transient failure is recorded as the outcome instead of being retried. */
  final: boolean;
}

export interface ScanTaskOutput {
  /** Serialised in the thread: the worker's event loop only moves them to Redis. */
  outcomes: OutcomeEntry[];
  /** A failure that may go away on retry (file not there yet, permission); its message. */
  transient?: string;
}

export async function runScanTask(input: ScanTaskInput, engine: Engine): Promise<ScanTaskOutput> {
  const items = await readJobItems(input.data);
  const transient = items.find((it) => !it.ok && isTransientFailure(it.failure));
  if (transient !== undefined && !transient.ok) {
    const message = transient.failure.message;
    return input.final ? { outcomes: items.map(toOutcome(engine)).map(toEntry), transient: message } : { outcomes: [], transient: message };
  }
  const actual = jobIdOf(items.map(itemHash));
  if (actual !== input.jobId) {
    const where = describeItems(input.data.items);
    const changed: Outcome = {
      ok: false,
      failure: { source: where, code: "E_CHANGED", message: `${where}: content changed since it was submitted (hash differs); submit it again` },
    };
    return { outcomes: [toEntry(changed)] };
  }
  return { outcomes: items.map((it) => toEntry(toOutcome(engine)(it))) };
}

function toOutcome(engine: Engine) {
  return (it: ReadItem): Outcome => {
    if (!it.ok) return { ok: false, failure: it.failure };
    try {
      return { ok: true, result: scanDocument(it.doc, engine, { mask: true }) };
    } catch (err) {
      const msg = (err instanceof Error ? err.message : String(err)).split("\n")[0];
      return { ok: false, failure: { source: it.doc.source, id: it.doc.id, code: "E_SCAN", message: `${it.doc.source}: scan failed: ${msg}` } };
    }
  };
}
