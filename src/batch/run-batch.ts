// The batch runner: inputs -> documents -> scan tasks -> ordered lines in one JSONL file, and a
// summary. Its stages, each below on its own: plan (resume state, the scan runner, the output file),
// read (inputs into documents, chunks of raw lines and read failures, as room allows), scan (tasks
// to the runner: threads, inline, or the queue), order and write (OrderedWriter), summarize.
// Memory stays flat: at most `window` documents (and `maxInFlightChars` of text) are between
// reading and writing; the reader waits for room, the writer waits for 'drain'.
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { performance } from "node:perf_hooks";
import type { BudgetLimits } from "../budget.js";
import type { SegmenterKind } from "../text/index.js";
import { CaseflagError } from "../errors.js";
import { contentHash, countBytes, readInputUnits, type ReadOptions, type WalkOptions } from "../ingest/index.js";
import { failureLine } from "../output/lines.js";
import { recordOfFailure, type OutcomeRecord } from "../output/record.js";
import { redactorFor, type Redactor } from "../output/redact.js";
import type { ReviewBook } from "../output/review.js";
import { SummaryBuilder, type BatchSummary } from "../output/summary.js";
import { createInlineRunner } from "../runner/inline.js";
import { createScanPool, defaultThreads, threadsForWork, type ScanPool } from "../runner/pool.js";
import { failedTask, linesOf, type ScanTask, type TaskOutput } from "../runner/task.js";
import type { Document, Failure, LineChunk, ReadUnit } from "../types.js";
import { OrderedWriter, type LineEntry } from "./ordered-writer.js";
import { DoneSet, failureKey, hashKey, loadResumeState, type ResumeState } from "./resume.js";

export interface BatchProgress {
  /** Documents and read failures taken from the inputs so far (skipped ones included). */
  read: number;
  /** Lines written so far in this run. */
  written: number;
  scanned: number;
  skipped: number;
  /** Over the whole output file (resumed lines included). */
  flagged: number;
  failures: number;
  seconds: number;
}

export interface BatchOptions {
  inputs: string[];
  /** The JSONL output file. */
  out: string;
  /** Keep what `out` already holds and skip those documents. */
  resume?: boolean;
  /** Mask identifiers (default true). */
  mask?: boolean;
  /** Per-document scan budget (default: budget.ts); a document past it is an E_BUDGET failure line. */
  budget?: BudgetLimits;
  /** Decisions and flags below this confidence are signals in the output, the summary and the report. */
  minConfidence?: number;
  /** Review decisions and a baseline applied to every result line (--decisions, --baseline). */
  review?: ReviewBook;
  /** Threads; 0 scans on the main thread. Default: available cores. Ignored with `runner`. */
  workers?: number;
  /**
   * Start only the threads the input's size pays back (runner/pool.ts threadsForWork). Default
   * true; false starts `workers` threads whatever the size (benchmarks measuring the crossover).
   */
  sizePool?: boolean;
  /** Scan through the queue at this Redis URL instead of threads. */
  queue?: string;
  queuePrefix?: string;
  /** Another scan runner (tests); default: a pool of scan threads (or inline with workers 0). */
  runner?: ScanPool;
  engine?: { rules?: string[]; segmenter?: SegmenterKind };
  read?: ReadOptions & WalkOptions;
  /** Aborting stops reading; documents already read are finished and written. */
  signal?: AbortSignal;
  /** Aborting stops at once: in-flight documents are dropped (rescanned by --resume). */
  hardSignal?: AbortSignal;
  onProgress?: (p: BatchProgress) => void;
  /** Every line of the output file as it is counted (resumed lines first). */
  onRecord?: (r: OutcomeRecord) => void;
  /** Cases kept for the report. Default 20. */
  topK?: number;
  /** Documents between reading and writing. Default max(64, 4 × capacity × batchSize). */
  window?: number;
  /** Text (UTF-16 units) between reading and writing. Default 32 Mi (one larger document still passes). */
  maxInFlightChars?: number;
  /** Documents per task. Default 16. */
  batchSize?: number;
  /** Text per task. Default 256 Ki. */
  batchChars?: number;
  /**
   * JSONL bytes per chunk handed to a runner that parses dumps where it scans (threads, inline).
   * Default 64 KiB (about 45 CAIL facts: few messages, and Ctrl-C waits for little); 0 reads dumps
   * line by line on the main thread. Never with --resume: skipping needs each document's hash
   * before it is scanned.
   */
  chunkBytes?: number;
}

export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const run = await plan(opts);
  const scan = scanStage(run, opts);
  await readStage(run, scan, opts);
  return finish(run, scan, opts);
}

// ---------- plan: what is done already, the runner, the output file ----------

/** What the stages share: the run's state and counters. */
interface Run {
  t0: number;
  summary: SummaryBuilder;
  state: ResumeState;
  runner: ScanPool;
  writer: OrderedWriter;
  redactor: Redactor;
  /** Sequence numbers handed out: one per document, read failure or chunk, in input order. */
  seq: number;
  /** Documents and read failures taken in (a chunk counts its lines). */
  taken: number;
  scanned: number;
  skipped: number;
  written: number;
  inFlightChars: number;
  hardStopped: boolean;
  interrupted: boolean;
  fatal?: CaseflagError;
  /** What reading threw (a walker bug): thrown once the run is closed. */
  readError?: unknown;
  /** One "something changed" signal: the reader and the final wait sleep on it. */
  changed(): void;
  nextChange(): Promise<void>;
}

async function plan(opts: BatchOptions): Promise<Run> {
  const summary = new SummaryBuilder(opts.topK ?? 20, opts.onRecord);
  const state = opts.resume ? await loadResumeState(opts.out, summary) : { done: new DoneSet(), lines: 0, truncatedBytes: 0 };
  // Runner first: a run that cannot start (bad rules, no Redis) must not truncate the output.
  const runner = opts.runner ?? (await defaultRunner(opts));
  try {
    await runner.ready();
  } catch (err) {
    await runner.close();
    throw err;
  }
  let stream: WriteStream;
  try {
    stream = createWriteStream(opts.out, { flags: opts.resume ? "a" : "w", highWaterMark: 1 << 20 });
    await once(stream, "open");
  } catch (err) {
    await runner.close();
    throw new CaseflagError("E_OUTPUT", `${opts.out}: cannot write: ${(err as Error).message}`);
  }
  let wake: (() => void) | undefined;
  const run: Run = {
    t0: performance.now(),
    summary,
    state,
    runner,
    redactor: redactorFor(opts.mask ?? true),
    writer: undefined as unknown as OrderedWriter,
    seq: 0,
    taken: 0,
    scanned: 0,
    skipped: 0,
    written: 0,
    inFlightChars: 0,
    hardStopped: false,
    interrupted: false,
    changed() {
      const w = wake;
      wake = undefined;
      w?.();
    },
    nextChange: () => new Promise<void>((r) => (wake = r)),
  };
  run.writer = new OrderedWriter(
    stream,
    (e: LineEntry) => {
      if ("line" in e) {
        run.written++;
        summary.add(e.record, e.card);
        return;
      }
      run.written += e.records.length;
      e.records.forEach((r, i) => summary.add(r, e.cards[i]));
    },
    () => run.changed(),
  );
  return run;
}

async function defaultRunner(opts: BatchOptions): Promise<ScanPool> {
  const mask = opts.mask ?? true;
  if (opts.queue !== undefined) {
    // Loaded only in queue mode: a local batch does not pay for BullMQ.
    const { createQueueRunner } = await import("./queue-runner.js");
    return createQueueRunner({ url: opts.queue, ...(opts.queuePrefix !== undefined ? { prefix: opts.queuePrefix } : {}) });
  }
  const engine = { ...(opts.engine?.rules ? { rules: opts.engine.rules } : {}), ...(opts.engine?.segmenter ? { segmenter: opts.engine.segmenter } : {}) };
  const budget = {
    ...(opts.budget ? { budget: opts.budget } : {}),
    ...(opts.minConfidence !== undefined ? { minConfidence: opts.minConfidence } : {}),
    ...(opts.review ? { review: opts.review } : {}),
  };
  if (opts.workers === 0) return createInlineRunner({ mask, engineOptions: engine, ...budget });
  // The pool sized to the work: a thread that would not pay back its start-up is not started.
  const asked = opts.workers ?? defaultThreads();
  const threads = opts.sizePool === false || asked <= 1 ? asked : threadsForWork(asked, await countBytes(opts.inputs));
  return createScanPool({ mask, engine, ...budget, threads });
}

// ---------- scan: tasks to the runner, outcomes to the writer ----------

type Pending = { seq: number; doc: Document; hash: string } | { seq: number; chunk: LineChunk };

interface ScanStage {
  /** Queues a document or chunk and sends what the runner has room for. */
  add(p: Pending, chars: number): void;
  /** Stop now: drop what waits, seal the output, abort the runner. */
  hardStop(): void;
  /** Whether a runner parses dumps itself (chunks go to it). */
  chunks: boolean;
}

function scanStage(run: Run, opts: BatchOptions): ScanStage {
  const batchSize = opts.batchSize ?? 16;
  const batchChars = opts.batchChars ?? 256 * 1024;
  const pending: Pending[] = [];
  const charsBySeq = new Map<number, number>();
  let inFlight = 0;

  const settle = (seqs: number[], out: TaskOutput, task: ScanTask): void => {
    for (const s of seqs) {
      run.inFlightChars -= charsBySeq.get(s) ?? 0;
      charsBySeq.delete(s);
    }
    if (run.hardStopped) return;
    if (task.source.kind === "chunk") {
      // A chunk's documents are known once it is parsed: counted as scanned here, not at dispatch.
      run.scanned += out.lines.filter((l) => l.document).length;
      run.writer.put(seqs[0]!, { bytes: out.bytes, records: out.lines.map((l) => l.record), cards: out.lines.map((l) => l.card) });
      return;
    }
    const text = linesOf(out);
    out.lines.forEach((l, i) => run.writer.put(seqs[i]!, l.card ? { line: text[i]!, record: l.record, card: l.card } : { line: text[i]!, record: l.record }));
  };

  const send = (seqs: number[], task: ScanTask): void => {
    inFlight++;
    run.runner.run(task).then(
      (out) => {
        inFlight--;
        settle(seqs, out, task);
        dispatch();
        run.changed();
      },
      async (err: unknown) => {
        inFlight--;
        if (run.hardStopped) return settle(seqs, { bytes: new Uint8Array(0), lines: [] }, task);
        // A runner that cannot go on (the queue lost Redis) ends the run; what is written stays.
        if (err instanceof CaseflagError && err.code !== "E_WORKER") {
          run.fatal ??= err;
          stage.hardStop();
          return;
        }
        // No thread could take it: its documents are failures, and the batch goes on.
        const code = err instanceof CaseflagError ? err.code : "E_SCAN";
        settle(seqs, await failedTask(task, code, err instanceof Error ? err.message : String(err), run.redactor), task);
        dispatch();
        run.changed();
      },
    );
  };

  const dispatch = (): void => {
    while (pending.length > 0 && inFlight < run.runner.capacity && !run.hardStopped) {
      const head = pending[0]!;
      if ("chunk" in head) {
        pending.shift();
        send([head.seq], { source: { kind: "chunk", chunk: head.chunk }, read: cloneableReadOptions(opts.read ?? {}), cardThreshold: run.summary.threshold() });
        continue;
      }
      const docs: { doc: Document; hash: string }[] = [];
      const seqs: number[] = [];
      let chars = 0;
      for (;;) {
        const next = pending[0];
        if (next === undefined || !("doc" in next) || docs.length >= batchSize) break;
        if (docs.length > 0 && chars + next.doc.text.length > batchChars) break;
        pending.shift();
        chars += next.doc.text.length;
        // A document's meta stays here: the scan never reads it, and a deeply nested field can make
        // the structured clone to a thread overflow the stack.
        docs.push({ doc: { ...next.doc, meta: {} }, hash: next.hash });
        seqs.push(next.seq);
      }
      run.scanned += docs.length;
      send(seqs, { source: { kind: "documents", docs }, cardThreshold: run.summary.threshold() });
    }
  };

  const stage: ScanStage = {
    chunks: run.runner.mode !== "queue",
    add(p, chars) {
      charsBySeq.set(p.seq, chars);
      run.inFlightChars += chars;
      pending.push(p);
      dispatch();
    },
    hardStop() {
      run.hardStopped = true;
      run.writer.seal();
      pending.length = 0;
      void run.runner.close();
      run.changed();
    },
  };
  return stage;
}

// ---------- read: inputs into the scan stage, as room allows ----------

async function readStage(run: Run, scan: ScanStage, opts: BatchOptions): Promise<void> {
  const window = opts.window ?? Math.max(64, 4 * run.runner.capacity * (opts.batchSize ?? 16));
  const maxChars = opts.maxInFlightChars ?? 32 * 1024 * 1024;
  // Dumps go to the runner as raw line chunks when it can parse them where it scans: the main
  // thread then only splits bytes at newlines (see LineChunk).
  const chunkBytes = scan.chunks && !opts.resume && opts.chunkBytes !== 0 ? (opts.chunkBytes ?? 64 * 1024) : undefined;
  const { writer, state } = run;

  const take = (item: ReadUnit): void => {
    const s = run.seq++;
    if (item.ok === "chunk") {
      run.taken += item.chunk.items;
      scan.add({ seq: s, chunk: item.chunk }, item.chunk.bytes.length);
      return;
    }
    run.taken++;
    if (!item.ok) return readFailure(s, item.failure);
    const hash = contentHash(item.doc.text);
    if (state.done.take(hashKey(hash))) {
      run.skipped++;
      writer.put(s, null);
      return;
    }
    scan.add({ seq: s, doc: item.doc, hash }, item.doc.text.length);
  };

  const readFailure = (s: number, f: Failure): void => {
    if (state.done.take(failureKey(f))) {
      run.skipped++;
      writer.put(s, null);
      return;
    }
    writer.put(s, { line: failureLine(run.redactor.failure(f)), record: recordOfFailure(f.code) });
  };

  // Documents between reading and writing (a chunk counts its lines), so a chunk is never more
  // work in flight than the same documents one by one: Ctrl-C still finishes quickly.
  const hasRoom = (): boolean =>
    run.seq - writer.next < window &&
    (run.taken - run.written - run.skipped < window || run.seq === writer.next) &&
    (run.inFlightChars < maxChars || run.seq === writer.next) &&
    writer.failed === undefined;

  const onHard = (): void => scan.hardStop();
  const onSoft = (): void => run.changed();
  opts.hardSignal?.addEventListener("abort", onHard, { once: true });
  opts.signal?.addEventListener("abort", onSoft, { once: true });
  const stopped = (): boolean => (opts.signal?.aborted ?? false) || run.hardStopped;
  const ticker = opts.onProgress ? setInterval(() => progress(run, opts), 250) : undefined;
  ticker?.unref();
  const iter = readInputUnits(opts.inputs, opts.read ?? {}, undefined, chunkBytes)[Symbol.asyncIterator]();
  try {
    for (;;) {
      while (!hasRoom() && !stopped() && writer.failed === undefined) await run.nextChange();
      if (stopped()) run.interrupted = true;
      if (stopped() || writer.failed !== undefined) break;
      const r = await iter.next();
      if (r.done) break;
      take(r.value);
    }
  } catch (err) {
    run.readError = err;
  } finally {
    // Stop the walk: its finally blocks close files and archive streams.
    await iter.return?.(undefined).catch(() => {});
    // Wait for everything read to be written (unless stopped hard).
    while (!run.hardStopped && writer.next < run.seq && writer.failed === undefined) await run.nextChange();
    clearInterval(ticker);
    opts.hardSignal?.removeEventListener("abort", onHard);
    opts.signal?.removeEventListener("abort", onSoft);
  }
}

function cloneableReadOptions(r: ReadOptions & WalkOptions): ReadOptions {
  // Chunks are parsed on another thread: plain data only (no callbacks).
  const out: ReadOptions = {};
  if (r.textFields) out.textFields = [...r.textFields];
  if (r.idField !== undefined) out.idField = r.idField;
  if (r.xmlElements) out.xmlElements = [...r.xmlElements];
  if (r.maxBytes !== undefined) out.maxBytes = r.maxBytes;
  if (r.encoding !== undefined) out.encoding = r.encoding;
  return out;
}

// ---------- summarize ----------

function progress(run: Run, opts: BatchOptions): void {
  opts.onProgress?.({
    read: run.taken,
    written: run.written,
    scanned: run.scanned,
    skipped: run.skipped,
    flagged: run.summary.flaggedCount,
    failures: run.summary.failureCount,
    seconds: (performance.now() - run.t0) / 1000,
  });
}

async function finish(run: Run, _scan: ScanStage, opts: BatchOptions): Promise<BatchSummary> {
  await run.writer.close();
  await run.runner.close();
  if (run.writer.failed !== undefined) {
    throw new CaseflagError("E_OUTPUT", `${opts.out}: write failed: ${(run.writer.failed as Error).message ?? String(run.writer.failed)}`);
  }
  if (run.fatal !== undefined) throw run.fatal;
  if (run.readError !== undefined) throw run.readError;
  progress(run, opts);
  const seconds = (performance.now() - run.t0) / 1000;
  return run.summary.build({
    mode: run.runner.mode,
    workers: run.runner.threads,
    read: run.taken,
    scanned: run.scanned,
    skipped: run.skipped,
    resumedLines: run.state.lines,
    truncatedBytes: run.state.truncatedBytes,
    seconds: Math.round(seconds * 1000) / 1000,
    docsPerSecond: seconds > 0 ? Math.round((run.scanned / seconds) * 10) / 10 : 0,
    interrupted: run.interrupted || run.hardStopped,
  });
}
