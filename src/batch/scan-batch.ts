// What a scanner does with one batch of documents, in a worker thread or inline: scan each with
// the one pipeline, serialize its line, and summarize it. A document that throws becomes a
// recorded failure; the batch goes on.
import type { Engine } from "../engine.js";
import { scanDocument } from "../pipeline.js";
import type { Document, Failure } from "../types.js";
import { buildCaseCard, type CaseCard } from "./case-card.js";
import { serializeFailure, serializeResult } from "./lines.js";
import { recordOfFailure, recordOfResult, type OutcomeRecord } from "./record.js";

export interface Job {
  seq: number;
  hash: string;
  doc: Document;
}

export interface JobOutcome {
  seq: number;
  /** The whole output line, without the newline. */
  line: string;
  record: OutcomeRecord;
  card?: CaseCard;
}

export interface ScanBatchOptions {
  mask: boolean;
  /** Build a case card for results scoring at least this (see SummaryBuilder.threshold). */
  cardThreshold: number;
  maskText?: (s: string) => string;
}

export function scanJobs(jobs: readonly Job[], engine: Engine, opts: ScanBatchOptions): JobOutcome[] {
  return jobs.map((job) => scanJob(job, engine, opts));
}

export function scanJob(job: Job, engine: Engine, opts: ScanBatchOptions): JobOutcome {
  try {
    const result = scanDocument(job.doc, engine, { mask: opts.mask });
    const out: JobOutcome = { seq: job.seq, line: serializeResult(result, job.hash, opts.mask), record: recordOfResult(result) };
    if (result.score > 0 && result.score >= opts.cardThreshold) {
      out.card = buildCaseCard(result, job.doc.text, opts.maskText ? { maskText: opts.maskText } : {});
    }
    return out;
  } catch (err) {
    return failedJob(job, "E_SCAN", `${job.doc.source}: scan failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A job that could not be scanned (scan error, worker crash): a failure line keyed by its hash. */
export function failedJob(job: Job, code: string, message: string): JobOutcome {
  const f: Failure = { source: job.doc.source, id: job.doc.id, code, message: message.replace(/\s*[\r\n]+\s*/g, " ") };
  return { seq: job.seq, line: serializeFailure(f, job.hash), record: recordOfFailure(code) };
}
