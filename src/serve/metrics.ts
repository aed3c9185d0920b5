// Prometheus metrics, one registry per process, filled from what the scan runner hands back (each
// output line's record: no result is parsed again) by the server and by the queue worker alike.
// Queue depth is read from Redis when scraped, so it is the queue's, not this process's, view.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Queue } from "bullmq";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { connectRedis, type RedisTarget } from "../queue/connection.js";
import { queueKeys } from "../queue/keys.js";
import type { LineInfo } from "../runner/task.js";

export interface Metrics {
  readonly registry: Registry;
  /** One scan task's outcome lines and how long the task took. `door`: "serve" or "worker". */
  observeTask(lines: readonly LineInfo[], seconds: number, door: string): void;
  /** A request refused before scanning (413, 415, 422...), by its error code. */
  observeFailure(code: string, door: string): void;
  /** Where queue depth comes from (counts by state); none: the gauge stays empty. */
  setQueueDepth(read: () => Promise<Record<string, number>>): void;
}

/** Latency buckets (seconds): scans are milliseconds to seconds; the budget stops them at 10 s. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry, prefix: "caseflag_" });
  const documents = new Counter({
    name: "caseflag_documents_scanned_total",
    help: "Documents scanned, by outcome (result or failure) and door (serve, worker)",
    labelNames: ["outcome", "door"] as const,
    registers: [registry],
  });
  const flags = new Counter({ name: "caseflag_flags_total", help: "Flags raised, by flag id", labelNames: ["flag", "door"] as const, registers: [registry] });
  const failures = new Counter({
    name: "caseflag_failures_total",
    help: "Documents or requests that failed, by error code (E_BUDGET, E_ENCODING, E_TOO_LARGE...)",
    labelNames: ["code", "door"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "caseflag_scan_seconds",
    help: "Time to read and scan one request's documents (serve) or one job's (worker)",
    labelNames: ["door"] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  let readDepth: (() => Promise<Record<string, number>>) | undefined;
  new Gauge({
    name: "caseflag_queue_jobs",
    help: "Jobs in the queue by state (read from Redis when scraped)",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      if (!readDepth) return;
      // A scrape while Redis is away shows no depth rather than failing the whole scrape.
      const counts = await readDepth().catch(() => undefined);
      this.reset();
      for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n);
    },
  });
  return {
    registry,
    observeTask(lines, seconds, door) {
      latency.observe({ door }, seconds);
      for (const l of lines) {
        if (l.record.ok) {
          documents.inc({ outcome: "result", door });
          for (const f of l.record.flags) flags.inc({ flag: f, door });
        } else {
          if (l.document) documents.inc({ outcome: "failure", door });
          failures.inc({ code: l.record.code, door });
        }
      }
    },
    observeFailure(code, door) {
      failures.inc({ code, door });
    },
    setQueueDepth(read) {
      readDepth = read;
    },
  };
}

/** Job counts by state, as the queue depth gauge shows them. */
export function queueDepthOf(queue: Queue): () => Promise<Record<string, number>> {
  return () => queue.getJobCounts("waiting", "active", "delayed", "failed", "prioritized");
}

/**
 * The queue worker's metrics endpoint: its registry, plus queue depth read on its own connection
 * (a reader: a scrape while Redis is away fails fast instead of waiting for it).
 */
export async function serveWorkerMetrics(
  metrics: Metrics,
  target: RedisTarget,
  prefix: string,
  port: number,
  host: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const keys = queueKeys(prefix);
  const redis = await connectRedis(target, "reader");
  const queue = new Queue(keys.queue, { connection: redis, prefix: keys.prefix });
  queue.on("error", () => undefined);
  metrics.setQueueDepth(queueDepthOf(queue));
  const server = await serveMetrics(metrics, port, host);
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** A bare metrics endpoint (GET /metrics) for a process that has no other HTTP server: the queue worker. */
export async function serveMetrics(metrics: Metrics, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"E_NOT_FOUND","message":"GET /metrics"}}\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "E_METRICS", message: String(err) } }) + "\n"),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
