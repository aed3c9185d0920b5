// caseflag serve: the HTTP service (src/serve/) over the same scan runner, ingest and queue code the
// other commands use. Listens until SIGTERM/SIGINT, then stops taking requests, answers those in
// hand and exits 0.
import type { Command } from "commander";
import { Queue } from "bullmq";
import { createEngine } from "../../engine.js";
import { UsageError } from "../../errors.js";
import { MASKED } from "../../output/redact.js";
import { createProducer } from "../../queue/producer.js";
import { createInlineRunner } from "../../runner/inline.js";
import { createScanPool, defaultThreads } from "../../runner/pool.js";
import { buildServer, type QueueSide } from "../../serve/app.js";
import { mountDashboard } from "../../serve/dashboard.js";
import { createMetrics, queueDepthOf } from "../../serve/metrics.js";
import { isLoopback, loadTokens } from "../../serve/tokens.js";
import type { CliIo } from "../io.js";
import {
  addBudgetOption, addEngineOptions, addReadOptions, addRedisOptions, budgetOf, engineOptionsOf, intFlag, onShutdownSignals, readOptionsOf, redisTargetOf,
  type EngineFlags, type ReadFlags, type RedisFlags,
} from "../options.js";

interface ServeFlags extends EngineFlags, RedisFlags, ReadFlags {
  port: string;
  host: string;
  tokens?: string;
  maxBody: string;
  rateLimit: string;
  threads?: string;
  scanBudget?: string;
}

export const DEFAULT_MAX_BODY = 5 * 1024 * 1024;

/**
 * Scan threads by default: one per core but one, at least one. Unlike batch, the server's own
 * thread is busy (HTTP, JSON, reading uploads): on 2 cores, 2 scan threads + it + the load fought
 * for the cores and served 0.4-0.5x the in-process rate where 1 thread served 0.9-1.1x (bench:serve).
 */
export function defaultServeThreads(): number {
  return Math.max(1, defaultThreads() - 1);
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addReadOptions(addBudgetOption(addEngineOptions(addRedisOptions(
    program
      .command("serve")
      .description("serve the HTTP API, the review page (/), metrics and the queue dashboard until stopped")
      .option("--port <n>", "port to listen on", "8080")
      .option("--host <addr>", "address to listen on; without tokens only 127.0.0.1 or ::1 is allowed", "127.0.0.1")
      .option("--tokens <file>", "bearer tokens, one a line, `TOKEN no-mask` to allow unmasked results (also $CASEFLAG_TOKENS, comma-separated)")
      .option("--max-body <bytes>", "largest document accepted, in bytes (413 beyond)", String(DEFAULT_MAX_BODY))
      .option("--rate-limit <n>", "requests a minute per token on /v1 routes (0: none)", "600")
      .option("--threads <n>", `scan threads (0: scan on the server's own thread; default one per core but one, here ${defaultServeThreads()})`),
  )))).action(async (flags: ServeFlags) => {
    const port = intFlag("--port", flags.port, 0)!;
    const maxBytes = intFlag("--max-body", flags.maxBody)!;
    const rateLimit = intFlag("--rate-limit", flags.rateLimit, 0)!;
    const threads = intFlag("--threads", flags.threads, 0) ?? defaultServeThreads();
    const budget = budgetOf(flags);
    // One size limit for a request's documents: --max-body (the readers' --max-bytes would say another).
    if (flags.maxBytes !== undefined) throw new UsageError("serve: use --max-body for the largest document accepted (--max-bytes is not read here)");
    const read = { ...readOptionsOf(flags), maxBytes };
    const tokens = loadTokens(flags.tokens, io.env);
    if (tokens.size === 0 && !isLoopback(flags.host)) {
      throw new UsageError(`serve: no tokens (--tokens FILE or CASEFLAG_TOKENS): refusing to listen on ${flags.host}; without tokens only 127.0.0.1 is allowed`);
    }
    const engineOpts = engineOptionsOf(flags, io.cwd);
    const redisWanted = flags.redis !== undefined || (io.env["REDIS_URL"] ?? "") !== "";
    // A pool event can name a document's source: logs are masked as every other print.
    const log = (l: string) => io.stderr(`caseflag serve: ${MASKED.text(l)}\n`);

    // The main thread's engine gives the masking words and the page's labels; with --threads 0 it scans too.
    const engine = await createEngine({ ...engineOpts, dictionary: threads === 0 ? "full" : "document" });
    const runner =
      threads === 0
        ? createInlineRunner({ engine, mask: true, ...(budget ? { budget } : {}) })
        : createScanPool({ threads, mask: true, engine: engineOpts, ...(budget ? { budget } : {}), onEvent: (e) => log(e.kind === "replaced" ? `${e.why}; replaced` : e.message) });
    const metrics = createMetrics();
    let queue: QueueSide | undefined;
    if (redisWanted) {
      const { target, prefix } = redisTargetOf(flags, io.env);
      // A document the server accepts can be filed: the inline cap follows --max-body.
      const producer = createProducer({ ...("url" in target ? { url: target.url } : { connection: target.connection }), prefix, maxInlineBytes: maxBytes });
      try {
        await producer.ready();
      } catch (err) {
        await runner.close();
        throw err;
      }
      const redis = await producer.client();
      const q = new Queue(producer.keys.queue, { connection: redis, prefix: producer.keys.prefix });
      q.on("error", () => undefined);
      queue = { producer, redis, queue: q, keys: producer.keys };
      metrics.setQueueDepth(queueDepthOf(q));
    }
    const app = await buildServer({ engine, runner, tokens, maxBytes, rateLimit, read, metrics, dashboard: mountDashboard, ...(queue ? { queue } : {}) });

    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const removeSignals = onShutdownSignals(
      (signal) => {
        log(`${signal}: finishing requests in hand`);
        stop();
      },
      () => process.exit(130),
    );
    try {
      const address = await app.listen({ port, host: flags.host });
      log(
        `listening on ${address} (${tokens.size > 0 ? `${tokens.size} token(s)` : "no tokens: loopback only"}, ` +
          `${threads === 0 ? "scans inline" : `${threads} scan thread(s)`}, documents up to ${maxBytes} bytes` +
          `${queue ? `, queue ${queue.keys.prefix}` : ", no queue"})`,
      );
      void runner.ready().then(
        () => log("engine ready"),
        (err: unknown) => log(`engine failed: ${err instanceof Error ? err.message : String(err)}`),
      );
      await stopped;
      await app.close();
      setExit(0);
    } finally {
      removeSignals();
      await runner.close();
      if (queue) {
        await queue.queue.close().catch(() => undefined);
        await queue.producer.close();
      }
    }
  });
}
