// caseflag batch INPUT... --out results.jsonl : whole archives, one JSONL line per document,
// in input order; progress on a terminal, one summary line always; optional HTML report and
// summary.json. Ctrl-C stops reading and finishes the documents in flight; a second Ctrl-C stops
// at once. Either way the output holds whole lines only and --resume carries on.
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { formatFinalLine, formatProgress } from "../../batch/progress.js";
import { countDocuments } from "../../ingest/index.js";
import type { OutcomeRecord } from "../../output/record.js";
import { runBatch, type BatchOptions, type BatchProgress } from "../../batch/run-batch.js";
import type { BatchSummary } from "../../output/summary.js";
import { renderHtmlReport } from "../../output/html.js";
import type { CliIo } from "../io.js";
import {
  addLocaleOption,
  addMinConfidenceOption,
  addReviewOptions,
  addScanOptions,
  budgetOf,
  engineOptionsOf,
  failOnPredicate,
  intFlag,
  lexiconOf,
  minConfidenceOf,
  onShutdownSignals,
  readOptionsOf,
  reviewBookOf,
  type ReviewFlags,
  type ScanFlags,
} from "../options.js";

interface BatchFlags extends ScanFlags, ReviewFlags {
  locale?: string;
  out: string;
  report?: string;
  summary?: string;
  workers?: string;
  resume?: boolean;
  queue?: string;
  queuePrefix?: string;
  top?: string;
  minConfidence?: string;
}

/** What the command did, for callers that decide the exit code (and for tests). */
export interface BatchCommandResult {
  summary: BatchSummary;
  /** Lines in the output that meet --fail-on. */
  failOnMatches: number;
}

export function register(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  onDone?: (r: BatchCommandResult) => void,
): void {
  addReviewOptions(addLocaleOption(addMinConfidenceOption(
    addScanOptions(
      program
        .command("batch")
        .description("scan folders, JSONL/JSON dumps and zip/tar archives into one JSONL file (one line per document, input order)")
        .argument("<inputs...>", "files, folders (recursive), .jsonl/.json dumps, .zip/.tar/.tar.gz/.tgz archives, - for stdin")
        .requiredOption("-o, --out <file>", "JSONL output: one result or failure line per document")
        .option("--report <file>", "write a self-contained HTML summary report")
        .option("--summary <file>", "write summary.json (counts, top cases) for machines")
        .option("-w, --workers <n>", "scan threads (default: one per core; 0 scans on the main thread)")
        .option("--resume", "keep the lines already in --out and skip those documents (by content hash)")
        .option("--queue <url>", "scan through the queue's workers at this Redis URL (redis:// or rediss://) instead of threads")
        .option("--queue-prefix <prefix>", "queue key prefix (default: the queue's default)")
        .option("--top <n>", "top-scoring cases kept for the report (default 20)"),
    ),
  ))).action(async (inputs: string[], flags: BatchFlags) => {
    const minConfidence = minConfidenceOf(flags);
    if (flags.queue !== undefined && minConfidence !== undefined) {
      throw new UsageError("--min-confidence cannot be used with --queue (the queue's workers decide with their own settings)");
    }
    const failOn = failOnPredicate(flags.failOn);
    if (flags.queue !== undefined && (flags.decisions !== undefined || flags.baseline !== undefined)) {
      throw new UsageError("--decisions and --baseline cannot be used with --queue (the queue's workers write the lines); apply them with caseflag report or export");
    }
    const review = flags.queue === undefined ? await reviewBookOf(flags, io.cwd) : undefined;
    const workers = intFlag("--workers", flags.workers, 0);
    const top = intFlag("--top", flags.top, 0);
    if (flags.queue !== undefined && !/^rediss?:\/\//.test(flags.queue)) {
      throw new UsageError(`--queue needs a redis:// or rediss:// URL, not "${flags.queue}"`);
    }
    if (flags.queue !== undefined && workers !== undefined) throw new UsageError("--workers and --queue exclude each other");
    // Queue workers store masked results only: unmasked output cannot come back through Redis.
    if (flags.queue !== undefined && !flags.mask) throw new UsageError("--no-mask cannot be used with --queue (queue results are always masked)");
    const at = (p: string): string => (p === "-" ? p : resolve(io.cwd, p));
    const out = at(flags.out);
    for (const [name, p] of [["--report", flags.report], ["--summary", flags.summary]] as const) {
      if (p !== undefined && at(p) === out) throw new UsageError(`${name} must not be the --out file`);
    }

    let matches = 0;
    const soft = new AbortController();
    const hard = new AbortController();
    // Sources in the output name inputs as the user gave them, as scan does (resolved only when the
    // CLI runs for another directory, in tests). The queue's workers open files by path, possibly
    // on other hosts: they get absolute paths.
    const asGiven = (p: string): string => (p === "-" || io.cwd === process.cwd() ? p : resolve(io.cwd, p));
    const opts: BatchOptions = {
      inputs: inputs.map(flags.queue !== undefined ? at : asGiven),
      out,
      mask: flags.mask,
      signal: soft.signal,
      hardSignal: hard.signal,
      read: readOptionsOf(flags),
      onRecord: (r) => {
        if (r.ok && failOn(asFailOnSubject(r))) matches++;
      },
    };
    const budget = budgetOf(flags);
    if (budget) opts.budget = budget;
    if (minConfidence !== undefined) opts.minConfidence = minConfidence;
    if (review) opts.review = review;
    if (flags.resume) opts.resume = true;
    if (workers !== undefined) opts.workers = workers;
    if (top !== undefined) opts.topK = top;
    if (flags.queue !== undefined) opts.queue = flags.queue;
    if (flags.queuePrefix !== undefined) opts.queuePrefix = flags.queuePrefix;
    const engine = engineOptionsOf(flags, io.cwd);
    if (engine.rules || engine.segmenter) opts.engine = engine;

    // Progress only on a terminal: a log file wants the final line, not 4 redraws a second.
    let total: number | undefined;
    const countStop = new AbortController();
    if (io.stderrIsTTY) {
      void countDocuments(opts.inputs, countStop.signal).then(
        (n) => (total = n),
        () => undefined,
      );
      let drawn = false;
      const print = io.stderr;
      opts.onProgress = (p: BatchProgress) => {
        print(`\r\x1b[K${formatProgress(p, total)}`);
        drawn = true;
      };
      // Anything else printed first clears the progress line.
      io = { ...io, stderr: (s) => print(drawn ? ((drawn = false), `\r\x1b[K${s}`) : s) };
    }

    const removeSignals = onShutdownSignals(
      (signal) => {
        io.stderr(`caseflag batch: ${signal}: stopping; finishing the documents in flight (again to stop at once)\n`);
        soft.abort();
      },
      (signal) => {
        io.stderr(`caseflag batch: ${signal} again: stopping now; documents in flight are dropped (--resume rescans them)\n`);
        hard.abort();
      },
    );
    let summary: BatchSummary;
    try {
      summary = await runBatch(opts);
    } finally {
      removeSignals();
      countStop.abort();
    }

    // summary.json keeps its shape: counts and the top cases; the report's list of every case stays out of it.
    const { cases: _cases, casesOmitted: _omitted, ...forFile } = summary;
    if (flags.summary !== undefined) await writeFile(at(flags.summary), JSON.stringify(forFile, null, 2) + "\n");
    if (flags.report !== undefined) {
      await writeFile(at(flags.report), await renderHtmlReport(summary, { inputs, lex: await lexiconOf(flags, io), mask: flags.mask }));
    }
    io.stderr(formatFinalLine(summary) + "\n");
    onDone?.({ summary, failOnMatches: matches });
    setExit(summary.run.interrupted ? 130 : matches > 0 ? 1 : 0);
  });
}

/**
 * --fail-on reads a result's score, severity and flag ids only; batch keeps just those per line
 * (it never holds whole results), so it hands the predicate that much.
 */
function asFailOnSubject(r: Extract<OutcomeRecord, { ok: true }>) {
  return { score: r.score, severity: r.severity, flags: r.flags.map((id) => ({ id, reason: "", confidence: 1, evidence: [] })) };
}
