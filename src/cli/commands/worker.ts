// caseflag worker: take documents from the queue, scan them in worker threads, record outcomes.
// Runs until SIGTERM/SIGINT, then stops taking jobs, finishes those in hand and exits 0.
import type { Command } from "commander";
import { DEFAULT_PREFETCH, startQueueWorker, type QueueWorkerOptions } from "../../queue/worker.js";
import { createMetrics, serveWorkerMetrics } from "../../serve/metrics.js";
import { defaultThreads } from "../../runner/pool.js";
import type { CliIo } from "../io.js";
import {
  addBudgetOption, addEngineOptions, addRedisOptions, engineOptionsOf, intFlag, onShutdownSignals, redisTargetOf, scanBudgetMs,
  type EngineFlags, type RedisFlags,
} from "../options.js";

interface WorkerFlags extends RedisFlags, EngineFlags {
  concurrency?: string;
  prefetch?: string;
  lockDuration?: string;
  stalledInterval?: string;
  maxStalled?: string;
  resultsMaxlen?: string;
  dedupeDays?: string;
  scanBudget?: string;
  quiet?: boolean;
  metricsPort?: string;
  metricsHost: string;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addBudgetOption(addEngineOptions(addRedisOptions(
    program
      .command("worker")
      .description("scan documents from the Redis queue until stopped (SIGTERM/SIGINT finish the jobs in hand)")
      .option("--concurrency <n>", `scan threads (default: one per core, here ${defaultThreads()})`)
      .option("--prefetch <n>", `jobs held per thread so threads never wait on Redis (default ${DEFAULT_PREFETCH})`)
      .option("--lock-duration <ms>", "job lock; a dead worker's jobs return to the queue after about this (default 30000)")
      .option("--stalled-interval <ms>", "how often to look for jobs of dead workers (default 30000)")
      .option("--max-stalled <n>", "times a job may lose its worker before it fails (default 2)")
      .option("--results-maxlen <n>", "approximate cap of the results and flagged streams (default 100000)")
      .option("--dedupe-days <n>", "days a scanned job id is remembered, so resubmitting it is a no-op (default 30)")
      .option("-q, --quiet", "no progress lines on stderr (errors still)")
      .option("--metrics-port <n>", "serve Prometheus metrics at http://HOST:PORT/metrics (those of caseflag serve)")
      .option("--metrics-host <addr>", "address of the metrics endpoint", "127.0.0.1"),
  ))).action(async (flags: WorkerFlags) => {
    const { target, prefix } = redisTargetOf(flags, io.env);
    const engine = engineOptionsOf(flags, io.cwd);
    const opts: QueueWorkerOptions = { redis: target, prefix, log: (l) => io.stderr(`caseflag worker: ${l}\n`) };
    const num = (name: string, v: string | undefined, min = 1) => intFlag(name, v, min);
    const concurrency = num("--concurrency", flags.concurrency);
    if (concurrency !== undefined) opts.concurrency = concurrency;
    const prefetch = num("--prefetch", flags.prefetch);
    if (prefetch !== undefined) opts.prefetch = prefetch;
    if (engine.rules) opts.rules = engine.rules;
    if (engine.segmenter) opts.segmenter = engine.segmenter;
    const lock = num("--lock-duration", flags.lockDuration, 100);
    if (lock !== undefined) opts.lockDuration = lock;
    const stalled = num("--stalled-interval", flags.stalledInterval, 100);
    if (stalled !== undefined) opts.stalledInterval = stalled;
    const maxStalled = num("--max-stalled", flags.maxStalled, 0);
    if (maxStalled !== undefined) opts.maxStalledCount = maxStalled;
    const maxLen = num("--results-maxlen", flags.resultsMaxlen);
    if (maxLen !== undefined) opts.limits = { resultsMaxLen: maxLen, flaggedMaxLen: maxLen };
    const days = num("--dedupe-days", flags.dedupeDays);
    if (days !== undefined) opts.dedupeDays = days;
    const metricsPort = num("--metrics-port", flags.metricsPort, 0);
    const metrics = metricsPort !== undefined ? createMetrics() : undefined;
    if (metrics) opts.onTask = (out, seconds) => metrics.observeTask(out.lines, seconds, "worker");
    const budget = scanBudgetMs(flags.scanBudget);
    if (budget !== undefined) opts.scanBudgetMs = budget;
    if (flags.quiet) {
      const log = opts.log!;
      opts.log = (l) => {
        if (/ready|fail|error|redis:|stopp|hard limit/i.test(l)) log(l);
      };
    }

    // Signals are caught before the worker starts: a SIGTERM during engine loading still exits cleanly.
    let stopRequested: (() => void) | undefined;
    let forced = false;
    const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
    const removeSignals = onShutdownSignals(
      (signal) => {
        io.stderr(`caseflag worker: ${signal}: finishing jobs in hand\n`);
        stopRequested?.();
      },
      (signal) => {
        io.stderr(`caseflag worker: ${signal} again: abandoning jobs in hand (they return to the queue)\n`);
        forced = true;
        void worker?.close({ force: true });
      },
    );
    let worker: Awaited<ReturnType<typeof startQueueWorker>> | undefined;
    let metricsEndpoint: Awaited<ReturnType<typeof serveWorkerMetrics>> | undefined;
    try {
      worker = await startQueueWorker(opts);
      if (metrics) {
        metricsEndpoint = await serveWorkerMetrics(metrics, target, prefix, metricsPort!, flags.metricsHost);
        io.stderr(`caseflag worker: metrics at http://${flags.metricsHost}:${metricsEndpoint.port}/metrics\n`);
      }
      await stopped;
      await worker.close(forced ? { force: true } : {});
      io.stderr(`caseflag worker: stopped after ${worker.finished} job(s)\n`);
      // 130 as batch uses for an interrupted run: 1 means "a result met --fail-on", not "killed".
      setExit(forced ? 130 : 0);
    } finally {
      removeSignals();
      await metricsEndpoint?.close();
    }
  });
}
