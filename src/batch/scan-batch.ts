// What a scanner does with one batch of documents, in a worker thread or inline: scan each with
// the one pipeline, serialize its line, and summarize it. A document that throws becomes a
// recorded failure; the batch goes on.
import type { BudgetLimits } from "../budget.js";
import type { Engine } from "../engine.js";
import { CaseflagError } from "../errors.js";
import { chunkItems, type ReadOptions } from "../ingest/index.js";
import { scanDocument } from "../pipeline.js";
import { maskFailure } from "../score/mask.js";
import type { Document, Failure, LineChunk } from "../types.js";
import { buildCaseCard, type CaseCard } from "./case-card.js";
import { contentHash } from "./content-hash.js";
import { serializeFailure, serializeResult } from "./lines.js";
import { hasFinding, recordOfFailure, recordOfResult, type OutcomeRecord } from "./record.js";

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
  budget?: BudgetLimits;
  /** Decisions and flags below this confidence are signals (--min-confidence). */
  minConfidence?: number;
  /** Told before each document is scanned, with its index among the batch's (or chunk's) documents. */
  onDocument?: (index: number) => void;
}

export function scanJobs(jobs: readonly Job[], engine: Engine, opts: ScanBatchOptions): JobOutcome[] {
  return jobs.map((job, i) => {
    opts.onDocument?.(i);
    return scanJob(job, engine, opts);
  });
}

export function scanJob(job: Job, engine: Engine, opts: ScanBatchOptions): JobOutcome {
  try {
    const result = scanDocument(job.doc, engine, {
      mask: opts.mask,
      ...(opts.budget ? { budget: opts.budget } : {}),
      ...(opts.minConfidence !== undefined ? { minConfidence: opts.minConfidence } : {}),
    });
    const record = recordOfResult(result);
    const out: JobOutcome = { seq: job.seq, line: serializeResult(result, job.hash, opts.mask), record };
    // The report's top cases are documents with a finding, not those whose score is all signals.
    if (result.score > 0 && result.score >= opts.cardThreshold && hasFinding(record)) {
      out.card = buildCaseCard(result, job.doc.text, opts.maskText ? { maskText: opts.maskText } : {});
    }
    return out;
  } catch (err) {
    // A BudgetError (E_BUDGET) keeps its code; anything else is a scan failure.
    const code = err instanceof CaseflagError ? err.code : "E_SCAN";
    return failedJob(job, code, `${job.doc.source}: scan failed: ${err instanceof Error ? err.message : String(err)}`, opts.mask);
  }
}

/** A job that could not be scanned (scan error, worker crash): a failure line keyed by its hash. */
export function failedJob(job: Job, code: string, message: string, mask = true): JobOutcome {
  const f: Failure = { source: job.doc.source, id: job.doc.id, code, message: message.replace(/\s*[\r\n]+\s*/g, " ") };
  return { seq: job.seq, line: serializeFailure(mask ? maskFailure(f) : f, job.hash), record: recordOfFailure(code) };
}

/** A LineChunk to parse and scan where it lands (a worker thread), and the read options to parse it with. */
export interface ChunkJob {
  seq: number;
  chunk: LineChunk;
  /** Structured-cloneable read options (text and id fields, size limit). */
  read: ReadOptions;
}

/** A chunk's output: its lines as UTF-8, each LF-terminated, and per line what the summary needs. */
export interface ChunkOutcome {
  seq: number;
  /** Lines that were documents (scanned or failed as such); the rest were read failures. */
  documents: number;
  bytes: Uint8Array;
  records: OutcomeRecord[];
  cards: (CaseCard | undefined)[];
}

const utf8 = new TextEncoder();

/** Whole lines as UTF-8 in a buffer of their own (transferable to another thread). */
function encodeLines(lines: string[]): Uint8Array {
  return utf8.encode(lines.length > 0 ? lines.join("\n") + "\n" : "");
}

/**
 * Every line of the chunk as a batch would have handled it one by one: parsed as the JSONL reader
 * does (parseJsonlLine), a read failure masked and written without a hash as on the reading side,
 * a document hashed and scanned by scanJob. Encoded here so the writing thread only copies bytes.
 */
export function scanChunk(job: ChunkJob, engine: Engine, opts: ScanBatchOptions): ChunkOutcome {
  let index = 0;
  return chunkOutcome(job, opts.mask, (j) => {
    opts.onDocument?.(index++);
    return scanJob(j, engine, opts);
  });
}

/** A chunk's output from its documents' outcomes, given in their order (a chunk scanned piecemeal). */
export function assembleChunk(job: ChunkJob, mask: boolean, outcomes: readonly JobOutcome[]): ChunkOutcome {
  let index = 0;
  return chunkOutcome(job, mask, () => outcomes[index++]!);
}

/** A read failure as written: masked unless identifiers are shown (it may quote the input or name a file after a person). */
export function readFailureShown(f: Failure, mask: boolean): Failure {
  return mask ? maskFailure(f) : f;
}

/**
 * A chunk whose scan never finished (its worker died, the run was stopped): each document in it a
 * failure keyed by its hash, each unreadable line its read failure, so nothing in it is lost.
 */
export function failedChunk(job: ChunkJob, code: string, why: string, mask: boolean): ChunkOutcome {
  return chunkOutcome(job, mask, (j) => failedJob(j, code, `${j.doc.source}: ${why}`, mask));
}

/** The chunk's lines in order: each document's outcome from `perDocument`, each unreadable line its read failure. */
function chunkOutcome(job: ChunkJob, mask: boolean, perDocument: (j: Job) => JobOutcome): ChunkOutcome {
  let documents = 0;
  const lines: string[] = [];
  const records: OutcomeRecord[] = [];
  const cards: (CaseCard | undefined)[] = [];
  for (const item of chunkItems(job.chunk, job.read)) {
    if (!item.ok) {
      const f = readFailureShown(item.failure, mask);
      lines.push(serializeFailure(f));
      records.push(recordOfFailure(f.code));
      cards.push(undefined);
      continue;
    }
    documents++;
    const o = perDocument({ seq: job.seq, hash: contentHash(item.doc.text), doc: item.doc });
    lines.push(o.line);
    records.push(o.record);
    cards.push(o.card);
  }
  return { seq: job.seq, documents, bytes: encodeLines(lines), records, cards };
}
