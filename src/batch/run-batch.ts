// The batch runner: inputs -> ReadItems -> jobs -> scanner -> ordered lines in one JSONL file, and a
// summary. Memory stays flat: at most `window` documents (and `maxInFlightChars` of text) are
// between reading and writing; the reader waits for room, the writer waits for 'drain'.
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { performance } from "node:perf_hooks";
import { CaseflagError } from "../errors.js";
import type { BudgetLimits } from "../budget.js";
import type { EngineOptions } from "../engine.js";
import { readInputUnits, type ReadOptions, type WalkOptions } from "../ingest/index.js";
import type { Failure, LineChunk, ReadUnit } from "../types.js";
import { contentHash } from "./content-hash.js";
import { createInlineScanner } from "./inline-scanner.js";
import { serializeFailure } from "./lines.js";
import { OrderedWriter, type LineEntry } from "./ordered-writer.js";
import { recordOfFailure, type OutcomeRecord } from "./record.js";
import { DoneSet, failureKey, hashKey, loadResumeState } from "./resume.js";
import { failedChunk, failedJob, readFailureShown, type ChunkJob, type ChunkOutcome, type Job, type JobOutcome } from "./scan-batch.js";
import type { Scanner } from "./scanner.js";
import { SummaryBuilder, type BatchSummary } from "./summary.js";
import { createThreadPool } from "./thread-pool.js";

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
  /** Threads; 0 scans on the main thread. Default: available cores. Ignored with `scanner`. */
  workers?: number;
  /** Scan through the queue at this Redis URL instead of worker threads. */
  queue?: string;
  queuePrefix?: string;
  /** Another scanner (tests); default: a thread pool (or inline with workers 0). */
  scanner?: Scanner;
  engine?: Pick<EngineOptions, "rules"> & { segmenter?: "node-rs" | "nodejieba" };
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
  /** Documents between reading and writing. Default max(64, 8 × slots × batchSize / 2). */
  window?: number;
  /** Text (UTF-16 units) between reading and writing. Default 32 Mi (one larger document still passes). */
  maxInFlightChars?: number;
  /** Documents per message to a worker. Default 16. */
  batchSize?: number;
  /** Text per message to a worker. Default 256 Ki. */
  batchChars?: number;
  /**
   * JSONL bytes per chunk handed to a scanner that parses dumps itself (thread pool, inline).
   * Default 64 KiB (about 45 CAIL facts: few messages, and Ctrl-C waits for little); 0 reads dumps
   * line by line on the main thread. Never with --resume: skipping
   * needs each document's hash before it is scanned.
   */
  chunkBytes?: number;
}

/** What waits to be dispatched: a document, or a chunk of raw JSONL lines. */
type Pending = { job: Job } | { chunk: ChunkJob };

export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const t0 = performance.now();
  const mask = opts.mask ?? true;
  const summary = new SummaryBuilder(opts.topK ?? 20, opts.onRecord);
  const state = opts.resume
    ? await loadResumeState(opts.out, summary)
    : { done: new DoneSet(), lines: 0, truncatedBytes: 0 };
  // Scanner first: a run that cannot start (bad rules, no Redis) must not truncate the output.
  const scanner = opts.scanner ?? (await defaultScanner(opts, mask));
  try {
    await scanner.ready();
  } catch (err) {
    await scanner.close();
    throw err;
  }
  const stream = createWriteStream(opts.out, { flags: opts.resume ? "a" : "w", highWaterMark: 1 << 20 });
  try {
    await once(stream, "open");
  } catch (err) {
    await scanner.close();
    throw new CaseflagError("E_OUTPUT", `${opts.out}: cannot write: ${(err as Error).message}`);
  }

  const batchSize = opts.batchSize ?? 16;
  const batchChars = opts.batchChars ?? 256 * 1024;
  const window = opts.window ?? Math.max(64, 4 * scanner.slots * batchSize);
  const maxChars = opts.maxInFlightChars ?? 32 * 1024 * 1024;

  // One "something changed" signal: the reader and the final wait sleep on it.
  let wake: (() => void) | undefined;
  const changed = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const nextChange = (): Promise<void> => new Promise<void>((r) => (wake = r));

  let written = 0;
  const writer = new OrderedWriter(
    stream,
    (e: LineEntry) => {
      if ("line" in e) {
        written++;
        summary.add(e.record, e.card);
        return;
      }
      written += e.records.length;
      e.records.forEach((r, i) => summary.add(r, e.cards[i]));
    },
    changed,
  );
  // Dumps go to the scanner as raw line chunks when it can parse them where it scans: the main
  // thread then only splits bytes at newlines (see LineChunk).
  const chunkBytes = scanner.scanChunk && !opts.resume && opts.chunkBytes !== 0 ? (opts.chunkBytes ?? 64 * 1024) : undefined;
  const readOptions = cloneableReadOptions(opts.read ?? {});

  let seq = 0;
  /** Documents and read failures taken in (a chunk counts its lines). */
  let taken = 0;
  let scanned = 0;
  let skipped = 0;
  let inFlightChars = 0;
  let inFlightBatches = 0;
  const charsBySeq = new Map<number, number>();
  const pending: Pending[] = [];
  let hardStopped = false;
  let fatal: CaseflagError | undefined;

  const settle = (o: JobOutcome | ChunkOutcome): void => {
    inFlightChars -= charsBySeq.get(o.seq) ?? 0;
    charsBySeq.delete(o.seq);
    if (hardStopped) return;
    if ("bytes" in o) {
      // A chunk's documents are known once it is parsed: counted as scanned here, not at dispatch.
      scanned += o.documents;
      writer.put(o.seq, { bytes: o.bytes, records: o.records, cards: o.cards });
      return;
    }
    const entry: LineEntry = o.card ? { line: o.line, record: o.record, card: o.card } : { line: o.line, record: o.record };
    writer.put(o.seq, entry);
  };

  const onScanError = (err: unknown, lines: () => (JobOutcome | ChunkOutcome)[]): void => {
    inFlightBatches--;
    // A scanner that cannot go on (the queue lost Redis) ends the run; what is written stays.
    if (err instanceof CaseflagError) {
      fatal ??= err;
      onHard();
      return;
    }
    // Any other rejection is a bug: recorded per job, and the batch goes on.
    for (const o of lines()) settle(o);
    dispatch();
    changed();
  };

  const dispatch = (): void => {
    while (pending.length > 0 && inFlightBatches < scanner.slots && !hardStopped) {
      const head = pending[0]!;
      if ("chunk" in head) {
        pending.shift();
        const job = head.chunk;
        inFlightBatches++;
        void scanner.scanChunk!(job, summary.threshold()).then(
          (outcome) => {
            inFlightBatches--;
            settle(outcome);
            dispatch();
            changed();
          },
          (err: unknown) => onScanError(err, () => [failedChunk(job, "E_SCAN", String(err), mask)]),
        );
        continue;
      }
      const jobs: Job[] = [];
      let chars = 0;
      for (;;) {
        const next = pending[0];
        if (next === undefined || !("job" in next) || jobs.length >= batchSize) break;
        if (jobs.length > 0 && chars + next.job.doc.text.length > batchChars) break;
        pending.shift();
        chars += next.job.doc.text.length;
        jobs.push(next.job);
      }
      inFlightBatches++;
      scanned += jobs.length;
      void scanner.scan(jobs, summary.threshold()).then(
        (outcomes) => {
          inFlightBatches--;
          for (const o of outcomes) settle(o);
          dispatch();
          changed();
        },
        (err: unknown) => onScanError(err, () => jobs.map((j) => failedJob(j, "E_SCAN", `${j.doc.source}: ${String(err)}`, mask))),
      );
    }
  };

  const progress = (): void => {
    opts.onProgress?.({
      read: taken,
      written,
      scanned,
      skipped,
      flagged: summary.flaggedCount,
      failures: summary.failureCount,
      seconds: (performance.now() - t0) / 1000,
    });
  };

  const onHard = (): void => {
    hardStopped = true;
    writer.seal();
    pending.length = 0;
    void scanner.abort();
    changed();
  };
  const onSoft = (): void => changed();
  opts.hardSignal?.addEventListener("abort", onHard, { once: true });
  opts.signal?.addEventListener("abort", onSoft, { once: true });
  const stopped = (): boolean => (opts.signal?.aborted ?? false) || hardStopped;

  const recordRead = (f: Failure): void => {
    const s = seq++;
    taken++;
    if (state.done.take(failureKey(f))) {
      skipped++;
      writer.put(s, null);
      return;
    }
    writer.put(s, { line: serializeFailure(readFailureShown(f, mask)), record: recordOfFailure(f.code) });
  };

  const takeChunk = (chunk: LineChunk): void => {
    const s = seq++;
    taken += chunk.items;
    charsBySeq.set(s, chunk.bytes.length);
    inFlightChars += chunk.bytes.length;
    pending.push({ chunk: { seq: s, chunk, read: readOptions } });
    dispatch();
  };

  const take = (item: ReadUnit): void => {
    if (item.ok === "chunk") return takeChunk(item.chunk);
    if (!item.ok) return recordRead(item.failure);
    taken++;
    const hash = contentHash(item.doc.text);
    const s = seq++;
    if (state.done.take(hashKey(hash))) {
      skipped++;
      writer.put(s, null);
      return;
    }
    charsBySeq.set(s, item.doc.text.length);
    inFlightChars += item.doc.text.length;
    pending.push({ job: { seq: s, hash, doc: item.doc } });
    dispatch();
  };

  // Documents between reading and writing (a chunk counts its lines), so a chunk is never more
  // work in flight than the same documents one by one: Ctrl-C still finishes quickly.
  const hasRoom = (): boolean =>
    seq - writer.next < window &&
    (taken - written - skipped < window || seq === writer.next) &&
    (inFlightChars < maxChars || seq === writer.next) &&
    writer.failed === undefined;

  const ticker = opts.onProgress ? setInterval(progress, 250) : undefined;
  ticker?.unref();
  const iter = readInputUnits(opts.inputs, opts.read ?? {}, undefined, chunkBytes)[Symbol.asyncIterator]();
  let readError: unknown;
  let interrupted = false;
  try {
    for (;;) {
      while (!hasRoom() && !stopped() && writer.failed === undefined) await nextChange();
      if (stopped()) interrupted = true;
      if (stopped() || writer.failed !== undefined) break;
      const r = await iter.next();
      if (r.done) break;
      take(r.value);
    }
  } catch (err) {
    readError = err;
  } finally {
    // Stop the walk: its finally blocks close files and archive streams.
    await iter.return?.(undefined).catch(() => {});
  }

  while (!hardStopped && writer.next < seq && writer.failed === undefined) await nextChange();
  clearInterval(ticker);
  opts.hardSignal?.removeEventListener("abort", onHard);
  opts.signal?.removeEventListener("abort", onSoft);
  await writer.close();
  await (hardStopped ? scanner.abort() : scanner.close());
  if (writer.failed !== undefined) {
    throw new CaseflagError("E_OUTPUT", `${opts.out}: write failed: ${(writer.failed as Error).message ?? String(writer.failed)}`);
  }
  if (fatal !== undefined) throw fatal;
  if (readError !== undefined) throw readError;
  progress();
  const seconds = (performance.now() - t0) / 1000;
  return summary.build({
    mode: scanner.mode,
    workers: scanner.workers,
    read: taken,
    scanned,
    skipped,
    resumedLines: state.lines,
    truncatedBytes: state.truncatedBytes,
    seconds: Math.round(seconds * 1000) / 1000,
    docsPerSecond: seconds > 0 ? Math.round((scanned / seconds) * 10) / 10 : 0,
    interrupted: interrupted || hardStopped,
  });
}

async function defaultScanner(opts: BatchOptions, mask: boolean): Promise<Scanner> {
  const engine: EngineOptions = {};
  if (opts.engine?.rules) engine.rules = opts.engine.rules;
  if (opts.engine?.segmenter) engine.segmenter = opts.engine.segmenter;
  if (opts.queue !== undefined) {
    // Loaded only in queue mode: a local batch does not pay for BullMQ.
    const { createQueueScanner } = await import("./queue-scanner.js");
    const q: Parameters<typeof createQueueScanner>[0] = { url: opts.queue, mask };
    if (opts.queuePrefix !== undefined) q.prefix = opts.queuePrefix;
    return createQueueScanner(q);
  }
  const minConfidence = opts.minConfidence !== undefined ? { minConfidence: opts.minConfidence } : {};
  if (opts.workers === 0) return createInlineScanner({ mask, engineOptions: engine, ...(opts.budget ? { budget: opts.budget } : {}), ...minConfidence });
  const pool: Parameters<typeof createThreadPool>[0] = { mask, ...minConfidence };
  if (opts.budget) pool.budget = opts.budget;
  if (opts.workers !== undefined) pool.workers = opts.workers;
  if (opts.engine?.rules) pool.rules = opts.engine.rules;
  if (opts.engine?.segmenter) pool.segmenter = opts.engine.segmenter;
  return createThreadPool(pool);
}

/** The read options a chunk needs to be parsed elsewhere: plain data only (no callbacks). */
function cloneableReadOptions(r: ReadOptions & WalkOptions): ReadOptions {
  const out: ReadOptions = {};
  if (r.textFields) out.textFields = [...r.textFields];
  if (r.idField !== undefined) out.idField = r.idField;
  if (r.xmlElements) out.xmlElements = [...r.xmlElements];
  if (r.maxBytes !== undefined) out.maxBytes = r.maxBytes;
  if (r.encoding !== undefined) out.encoding = r.encoding;
  return out;
}
