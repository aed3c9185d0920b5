// The batch runner: inputs -> ReadItems -> jobs -> scanner -> ordered lines in one JSONL file, and a
// summary. Memory stays flat: at most `window` documents (and `maxInFlightChars` of text) are
// between reading and writing; the reader waits for room, the writer waits for 'drain'.
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { performance } from "node:perf_hooks";
import { CaseflagError } from "../errors.js";
import type { EngineOptions } from "../engine.js";
import { readInputs, type ReadOptions, type WalkOptions } from "../ingest/index.js";
import { maskText } from "../score/mask.js";
import type { Failure, ReadItem } from "../types.js";
import { contentHash } from "./content-hash.js";
import { createInlineScanner } from "./inline-scanner.js";
import { serializeFailure } from "./lines.js";
import { OrderedWriter, type LineEntry } from "./ordered-writer.js";
import { recordOfFailure, type OutcomeRecord } from "./record.js";
import { DoneSet, failureKey, hashKey, loadResumeState } from "./resume.js";
import type { Job, JobOutcome } from "./scan-batch.js";
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
}

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
      written++;
      summary.add(e.record, e.card);
    },
    changed,
  );

  let seq = 0;
  let scanned = 0;
  let skipped = 0;
  let inFlightChars = 0;
  let inFlightBatches = 0;
  const charsBySeq = new Map<number, number>();
  const pending: Job[] = [];
  let hardStopped = false;
  let fatal: CaseflagError | undefined;

  const settle = (o: JobOutcome): void => {
    inFlightChars -= charsBySeq.get(o.seq) ?? 0;
    charsBySeq.delete(o.seq);
    if (hardStopped) return;
    const entry: LineEntry = { line: o.line, record: o.record };
    if (o.card) entry.card = o.card;
    writer.put(o.seq, entry);
  };

  const dispatch = (): void => {
    while (pending.length > 0 && inFlightBatches < scanner.slots && !hardStopped) {
      const jobs: Job[] = [];
      let chars = 0;
      while (pending.length > 0 && jobs.length < batchSize && (jobs.length === 0 || chars + pending[0]!.doc.text.length <= batchChars)) {
        const j = pending.shift()!;
        chars += j.doc.text.length;
        jobs.push(j);
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
        (err: unknown) => {
          inFlightBatches--;
          // A scanner that cannot go on (the queue lost Redis) ends the run; what is written stays.
          if (err instanceof CaseflagError) {
            fatal ??= err;
            onHard();
            return;
          }
          // Any other rejection is a bug: recorded per job, and the batch goes on.
          for (const j of jobs) {
            settle({
              seq: j.seq,
              line: serializeFailure({ source: j.doc.source, id: j.doc.id, code: "E_SCAN", message: `${j.doc.source}: ${String(err)}` }, j.hash),
              record: recordOfFailure("E_SCAN"),
            });
          }
          dispatch();
          changed();
        },
      );
    }
  };

  const progress = (): void => {
    opts.onProgress?.({
      read: seq,
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
    if (state.done.take(failureKey(f))) {
      skipped++;
      writer.put(s, null);
      return;
    }
    const shown: Failure = mask ? { ...f, message: maskText(f.message) } : f;
    writer.put(s, { line: serializeFailure(shown), record: recordOfFailure(f.code) });
  };

  const take = (item: ReadItem): void => {
    if (!item.ok) return recordRead(item.failure);
    const hash = contentHash(item.doc.text);
    const s = seq++;
    if (state.done.take(hashKey(hash))) {
      skipped++;
      writer.put(s, null);
      return;
    }
    charsBySeq.set(s, item.doc.text.length);
    inFlightChars += item.doc.text.length;
    pending.push({ seq: s, hash, doc: item.doc });
    dispatch();
  };

  const hasRoom = (): boolean =>
    seq - writer.next < window && (inFlightChars < maxChars || seq === writer.next) && writer.failed === undefined;

  const ticker = opts.onProgress ? setInterval(progress, 250) : undefined;
  ticker?.unref();
  const iter = readInputs(opts.inputs, opts.read ?? {})[Symbol.asyncIterator]();
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
    read: seq,
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
  if (opts.workers === 0) return createInlineScanner({ mask, engineOptions: engine });
  const pool: Parameters<typeof createThreadPool>[0] = { mask };
  if (opts.workers !== undefined) pool.workers = opts.workers;
  if (opts.engine?.rules) pool.rules = opts.engine.rules;
  if (opts.engine?.segmenter) pool.segmenter = opts.engine.segmenter;
  return createThreadPool(pool);
}
