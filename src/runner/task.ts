// The one scan task: read what it points at, scan each document with the one pipeline, and turn
// each into its output line (redacted, in the one line format) and what a summary or a store needs
// of it. Batch threads, the inline runner and the queue worker's threads all run this; a document
// that throws becomes its failure line, and the task goes on.
import type { BudgetLimits } from "../budget.js";
import type { Engine } from "../engine.js";
import { CaseflagError } from "../errors.js";
import { contentHash, docRef, refsId } from "../ingest/identity.js";
import type { ReadOptions } from "../ingest/index.js";
import { buildCaseCard, type CaseCard } from "../output/case-card.js";
import { failureLine, parseLine, resultLine } from "../output/lines.js";
import { hasFinding, isListed, recordOfFailure, recordOfResult, type OutcomeRecord } from "../output/record.js";
import type { Redactor } from "../output/redact.js";
import { applyReview, type ReviewBook } from "../output/review.js";
import { scanDocument } from "../pipeline.js";
import type { CaseResult, Document, Failure, ReadItem } from "../types.js";
import { describeRefs, isTransientFailure, readTaskSource, type TaskSource } from "./sources.js";

export interface ScanTask {
  source: TaskSource;
  /** How chunks and references are read (plain data: tasks cross threads). */
  read?: ReadOptions;
  /** Results scoring at least this get a case card (a batch report's top cases); none without it. */
  cardThreshold?: number;
  /**
   * References only (a queue job): the id the documents read must still hash to (else the job is
   * one E_CHANGED failure), and whether this is the last attempt (a transient read failure is then
   * recorded; before, the task returns it instead of outcomes, for a retry).
   */
  verify?: { id: string; final: boolean };
  /** Content hash -> the line of an earlier result for that text: reused under this document's id and source. */
  prior?: Record<string, string>;
  /**
   * Documents (by position among what the task reads) not to scan: recorded with this failure (a
   * scan the watchdog stopped before), or null for a blank placeholder (scanned alone elsewhere).
   */
  skip?: Record<number, { code: string; message: string } | null>;
  /** Scan only the document at this position; the output holds its line alone. */
  only?: number;
}

/** What a summary, --fail-on or a store needs of one output line. */
export interface LineInfo {
  record: OutcomeRecord;
  /** UTF-8 bytes of the line in the task's output, its newline included (0: a placeholder). */
  size: number;
  /** The document's id as written (for the queue's stream). */
  id: string;
  /** false for a part that could not be read: there was no document to scan. */
  document: boolean;
  card?: CaseCard;
  /** A result's content hash: another copy of the text may reuse its line. */
  hash?: string;
  reused?: true;
  /** A failure's message as written. */
  message?: string;
}

export interface TaskOutput {
  /** The lines, UTF-8, each LF-terminated, in order (transferable to another thread). */
  bytes: Uint8Array;
  lines: LineInfo[];
  /** A failure that may go away on retry (a file not there yet): its message; no lines then unless final. */
  transient?: string;
}

export interface TaskContext {
  redactor: Redactor;
  budget?: BudgetLimits;
  /** Decisions and flags below this confidence are signals (--min-confidence). */
  minConfidence?: number;
  /** Review decisions and a baseline applied to every result line (--decisions, --baseline). */
  review?: ReviewBook;
  /** Told the position of the document about to be scanned, and -1 when that scan is over (the pool's watchdog). */
  onDocument?: (index: number) => void;
}

const utf8 = new TextEncoder();

export async function runTask(task: ScanTask, engine: Engine, ctx: TaskContext): Promise<TaskOutput> {
  const items = await readTaskSource(task.source, task.read ?? {});
  return scanItems(task, items, engine, ctx);
}

/** The synchronous part: no await between documents, so the watchdog's view of this thread is exact. */
function scanItems(task: ScanTask, items: ReadItem[], engine: Engine, ctx: TaskContext): TaskOutput {
  const known = task.source.kind === "documents" ? task.source.docs : undefined;
  const hashOf = (it: ReadItem & { ok: true }, i: number): string => known?.[i]?.hash ?? contentHash(it.doc.text);
  const out = new Builder(ctx.redactor, ctx.review);
  if (task.verify) {
    const transient = items.find((it) => !it.ok && isTransientFailure(it.failure));
    const message = transient && !transient.ok ? transient.failure.message : undefined;
    if (message !== undefined && !task.verify.final) return { bytes: new Uint8Array(0), lines: [], transient: message };
    if (message === undefined && refsId(items.map(docRef)) !== task.verify.id) {
      const where = task.source.kind === "refs" ? describeRefs(task.source.refs) : task.verify.id;
      out.failure({ source: where, code: "E_CHANGED", message: `${where}: content changed since it was submitted (hash differs); submit it again` }, false);
      return out.done();
    }
    if (message !== undefined) return { ...scanAll(task, items, engine, ctx, out, hashOf), transient: message };
  }
  return scanAll(task, items, engine, ctx, out, hashOf);
}

function scanAll(
  task: ScanTask,
  items: ReadItem[],
  engine: Engine,
  ctx: TaskContext,
  out: Builder,
  hashOf: (it: ReadItem & { ok: true }, i: number) => string,
): TaskOutput {
  items.forEach((it, i) => {
    if (task.only !== undefined && i !== task.only) return;
    if (!it.ok) return out.failure(it.failure, false);
    const doc = it.doc;
    const hash = hashOf(it, i);
    const skip = task.skip?.[i];
    if (skip === null) return out.placeholder(doc);
    if (skip !== undefined) return out.docFailure(doc, hash, skip.code, `${doc.source}: ${skip.message}`);
    const prior = task.prior?.[hash];
    if (prior !== undefined) {
      const stored = parseLine(prior);
      // The same text scans to the same result; only the document's own id and source differ.
      if (stored.ok) return out.result({ ...stored.result, id: ctx.redactor.text(doc.id), source: ctx.redactor.text(doc.source) }, doc, hash, task, true);
    }
    ctx.onDocument?.(i);
    try {
      out.result(
        scanDocument(doc, engine, {
          ...(ctx.budget ? { budget: ctx.budget } : {}),
          ...(ctx.minConfidence !== undefined ? { minConfidence: ctx.minConfidence } : {}),
        }),
        doc,
        hash,
        task,
        false,
      );
    } catch (err) {
      // A BudgetError (E_BUDGET) keeps its code; anything else is a scan failure.
      const code = err instanceof CaseflagError ? err.code : "E_SCAN";
      out.docFailure(doc, hash, code, `${doc.source}: scan failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      ctx.onDocument?.(-1);
    }
  });
  return out.done();
}

/** Lines and their infos as they are made. */
class Builder {
  private readonly text: string[] = [];
  readonly lines: LineInfo[] = [];
  constructor(
    private readonly redactor: Redactor,
    private readonly review?: ReviewBook,
  ) {}

  private push(line: string, info: Omit<LineInfo, "size">): void {
    this.text.push(line);
    this.lines.push({ ...info, size: line === "" ? 0 : Buffer.byteLength(line, "utf8") + 1 });
  }

  failure(f: Failure, document: boolean, hash?: string): void {
    const shown = this.redactor.failure(f);
    this.push(failureLine(shown, hash), { record: recordOfFailure(f.code), id: shown.id ?? shown.source, document, message: shown.message });
  }

  docFailure(doc: Document, hash: string, code: string, message: string): void {
    this.failure({ source: doc.source, id: doc.id, code, message: message.replace(/\s*[\r\n]+\s*/g, " ") }, true, hash);
  }

  placeholder(doc: Document): void {
    this.push("", { record: recordOfFailure("E_WORKER"), id: doc.id, document: true });
  }

  result(scanned: CaseResult, doc: Document, hash: string, task: ScanTask, reused: boolean): void {
    // A line reused from an earlier run (--resume) carries the review it was written with.
    const r = reused ? scanned : applyReview(this.redactor.result(scanned, doc), hash, this.review);
    const info: Omit<LineInfo, "size"> = { record: recordOfResult(r), id: r.id, document: true, hash };
    if (reused) info.reused = true;
    // The report's top cases are documents with a finding, not those whose score is all signals.
    // Every flagged (or review-suppressed) case is listed in the report; others only as top cases.
    if (task.cardThreshold !== undefined && (isListed(info.record) || (r.score > 0 && r.score >= task.cardThreshold && hasFinding(info.record)))) {
      info.card = buildCaseCard(r, doc.text, { maskText: (s) => this.redactor.text(s), maskNames: this.redactor.mask });
    }
    this.push(resultLine(r, hash), info);
  }

  done(): TaskOutput {
    const joined = this.text.filter((l) => l !== "").map((l) => l + "\n").join("");
    return { bytes: utf8.encode(joined), lines: this.lines };
  }
}

/** The output's lines as strings, in order (placeholders as ""). */
export function linesOf(out: TaskOutput): string[] {
  const text = Buffer.from(out.bytes.buffer, out.bytes.byteOffset, out.bytes.byteLength);
  const lines: string[] = [];
  let at = 0;
  for (const l of out.lines) {
    lines.push(l.size === 0 ? "" : text.toString("utf8", at, at + l.size - 1));
    at += l.size;
  }
  return lines;
}

/** The output's lines as bytes (views of its buffer, no copies), in order (placeholders empty). */
export function lineBytes(out: TaskOutput): Buffer[] {
  const text = Buffer.from(out.bytes.buffer, out.bytes.byteOffset, out.bytes.byteLength);
  const lines: Buffer[] = [];
  let at = 0;
  for (const l of out.lines) {
    lines.push(l.size === 0 ? text.subarray(at, at) : text.subarray(at, at + l.size - 1));
    at += l.size;
  }
  return lines;
}

/** A task's output with the line at `index` (a placeholder) replaced by the one line of `alone`. */
export function spliceOutput(out: TaskOutput, index: number, alone: TaskOutput): TaskOutput {
  const lines = linesOf(out);
  const with1 = linesOf(alone);
  lines[index] = with1[0] ?? "";
  const infos = [...out.lines];
  infos[index] = alone.lines[0]!;
  const joined = lines.filter((l) => l !== "").map((l) => l + "\n").join("");
  return { bytes: utf8.encode(joined), lines: infos };
}

/**
 * Every document of a task recorded as failed without a thread to scan it (the pool could not run
 * it), parsed here: each line a failure (or a read failure for a part that could not be read).
 */
export async function failedTask(task: ScanTask, code: string, why: string, redactor: Redactor): Promise<TaskOutput> {
  const items = await readTaskSource(task.source, task.read ?? {});
  const out = new Builder(redactor);
  const known = task.source.kind === "documents" ? task.source.docs : undefined;
  items.forEach((it, i) => {
    if (!it.ok) out.failure(it.failure, false);
    else out.docFailure(it.doc, known?.[i]?.hash ?? contentHash(it.doc.text), code, `${it.doc.source}: ${why}`);
  });
  return out.done();
}
