// Benchmark: documents/s through the queue (enqueue -> worker -> results stream) on CAIL dev
// (5,067 facts), beside BullMQ's own ceiling (no-op jobs, same Redis, same worker processes and
// job concurrency), and the bare pipeline on one thread. Starts its own redis-server.
//
//   npm run bench:queue            (= npm run build && node dist/bench/queue.js)
//   node dist/bench/queue.js [--docs N] [--batches 1,50] [--noop-jobs N] [--prefetch 2] [--configs 1x1,2x1,1x2]
//
// Timing starts once the workers are ready (engine build excluded: it is paid once per worker
// process, not per document) and ends when the last outcome is in the results stream.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents, Worker } from "bullmq";
import { createEngine } from "#caseflag/engine.js";
import { scanDocument } from "#caseflag/pipeline.js";
import { connectRedis, type RedisClient } from "#caseflag/queue/connection.js";
import { createProducer } from "#caseflag/queue/producer.js";
import { DEFAULT_PREFETCH } from "#caseflag/queue/worker.js";
import { startRedisServer, type RedisServer } from "../redis-server.js";
import { loadFacts, REPO_ROOT, requireDevData } from "./common.js";

const SELF = new URL(import.meta.url).pathname;
// Jobs held per scan thread: the worker's default unless given; the no-op ceiling gets the same concurrency.
const PREFETCH = Number(arg("--prefetch") ?? DEFAULT_PREFETCH);

if (process.argv[2] === "--noop-worker") {
  await noopWorker(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
} else {
  await main();
}

/** A BullMQ worker process that does nothing with its jobs: the ceiling of the queue itself. */
async function noopWorker(url: string, prefix: string, concurrency: number): Promise<void> {
  const conn = await connectRedis({ url }, "worker");
  const worker = new Worker("scan", async () => undefined, { connection: conn, prefix, concurrency, removeOnComplete: { count: 0 } });
  worker.on("error", () => undefined);
  await worker.waitUntilReady();
  process.stdout.write("ready\n");
  process.once("SIGTERM", () => {
    void worker.close().then(() => {
      conn.disconnect();
      process.exit(0);
    });
  });
}

function cliArgs(): string[] {
  return [join(REPO_ROOT, "bin/caseflag.js")];
}

function spawnReady(args: string[], ready: RegExp, stream: "stdout" | "stderr"): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let buf = "";
    const on = (b: Buffer) => {
      buf += b.toString();
      if (ready.test(buf)) resolve(child);
    };
    child[stream]!.on("data", on);
    child[stream === "stdout" ? "stderr" : "stdout"]!.resume();
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}: ${buf}`)));
  });
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once("exit", () => resolve());
          c.kill("SIGTERM");
        }),
    ),
  );
}

/** Blocks on the stream until it holds `n` entries after `after`; returns the last id. */
async function waitForEntries(redis: RedisClient, key: string, n: number, after = "0-0"): Promise<string> {
  let last = after;
  let seen = 0;
  while (seen < n) {
    const reply = (await redis.xread("COUNT", 5000, "BLOCK", 5000, "STREAMS", key, last)) as [string, [string, string[]][]][] | null;
    const rows = reply?.[0]?.[1] ?? [];
    if (rows.length === 0) continue;
    seen += rows.length;
    last = rows[rows.length - 1]![0];
  }
  return last;
}

/**
 * CPU seconds a process has used (user + system), from /proc (Linux); undefined elsewhere. Under
 * load from other programs, wall-clock rates swing, but what a document costs in CPU does not much.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

/** CPU used by the given processes and this one (the producer side) from now until `stop()`. */
function cpuMeter(pids: (number | undefined)[]): { stop(): number | undefined } {
  const before = pids.map(cpuSeconds);
  const self = process.cpuUsage();
  return {
    stop() {
      const after = pids.map(cpuSeconds);
      if (before.some((b) => b === undefined) || after.some((a) => a === undefined)) return undefined;
      const mine = process.cpuUsage(self);
      return after.reduce<number>((n, a, i) => n + a! - before[i]!, 0) + (mine.user + mine.system) / 1e6;
    },
  };
}

interface Measured {
  rate: number;
  /** CPU seconds of worker processes, redis-server and the producer per document (or job). */
  cpuPerItem?: number;
}

interface Config {
  processes: number;
  threads: number;
}

async function measureQueue(
  server: RedisServer,
  data: string,
  docs: number,
  warm: { id: string; fact: string }[],
  cfg: Config,
  batch: number,
  tag: string,
): Promise<Measured> {
  const prefix = `{bench-${tag}}`;
  const workers = await Promise.all(
    Array.from({ length: cfg.processes }, () =>
      spawnReady([...cliArgs(), "worker", "--redis", server.url, "--prefix", prefix, "--concurrency", String(cfg.threads), "--prefetch", String(PREFETCH), "--quiet"], /worker ready/, "stderr"),
    ),
  );
  const reader = await connectRedis({ url: server.url }, "worker");
  const producer = createProducer({ url: server.url, prefix });
  try {
    await producer.ready();
    // Warm the scan threads up (JIT) with other documents first: the figure is the steady state.
    for (let i = 0; i < warm.length; i += batch) {
      const docsIn = warm.slice(i, i + batch).map((f) => ({ id: `warm-${f.id}`, source: "warm-up", text: `${f.fact}\n（预热）`, meta: {} }));
      await producer.submitBatch(docsIn);
    }
    const after = await waitForEntries(reader, `${prefix}:results`, warm.length);
    const cpu = cpuMeter([...workers.map((w) => w.pid), server.pid]);
    const t0 = performance.now();
    let submitted = 0;
    for await (const ev of producer.submitInputs([data], { batch })) if (ev.kind === "submitted") submitted += ev.documents;
    if (submitted !== docs) throw new Error(`submitted ${submitted} documents, expected ${docs}`);
    await waitForEntries(reader, `${prefix}:results`, docs, after);
    const rate = (docs / (performance.now() - t0)) * 1000;
    const used = cpu.stop();
    return used !== undefined ? { rate, cpuPerItem: used / docs } : { rate };
  } finally {
    await producer.close();
    reader.disconnect();
    await stopAll(workers);
  }
}

async function measureNoop(server: RedisServer, jobs: number, warmJobs: number, cfg: Config, tag: string): Promise<Measured> {
  const prefix = `{bench-noop-${tag}}`;
  // Same BullMQ concurrency as a caseflag worker: threads x prefetch.
  const concurrency = cfg.threads * PREFETCH;
  const workers = await Promise.all(
    Array.from({ length: cfg.processes }, () => spawnReady([SELF, "--noop-worker", server.url, prefix, String(concurrency)], /ready/, "stdout")),
  );
  const conn = await connectRedis({ url: server.url }, "producer");
  const queue = new Queue("scan", { connection: conn, prefix });
  const events = new QueueEvents("scan", { connection: { host: "127.0.0.1", port: server.port }, prefix });
  queue.on("error", () => undefined);
  events.on("error", () => undefined);
  try {
    await events.waitUntilReady();
    let done = 0;
    let warmed!: () => void;
    const allDone = new Promise<void>((resolve) => (warmed = resolve));
    const finished = new Promise<void>((resolve) =>
      events.on("completed", () => {
        if (++done === warmJobs) warmed();
        if (done === warmJobs + jobs) resolve();
      }),
    );
    // A payload shaped like a caseflag reference job.
    const data = { v: 1, items: [{ kind: "lines", path: "/data/dump.jsonl", from: 1, to: 1, start: 0, end: 1500, encoding: "utf-8" }], docs: 1 };
    const addAll = async (tag: string, count: number) => {
      for (let i = 0; i < count; i += 500) {
        const n = Math.min(500, count - i);
        await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: "scan", data, opts: { jobId: `${tag}-${i + k}`, removeOnComplete: true } })));
      }
    };
    // Warmed up (JIT) like the caseflag workers are: the same number of jobs first, untimed.
    await addAll("warm", warmJobs);
    await allDone;
    const cpu = cpuMeter([...workers.map((w) => w.pid), server.pid]);
    const t0 = performance.now();
    await addAll("noop", jobs);
    await finished;
    const rate = (jobs / (performance.now() - t0)) * 1000;
    const used = cpu.stop();
    return used !== undefined ? { rate, cpuPerItem: used / jobs } : { rate };
  } finally {
    await events.close();
    await queue.close();
    conn.disconnect();
    await stopAll(workers);
  }
}

/** One thread, no queue: documents/s and CPU ms a document (this process, its V8 helper threads included). */
async function measureBare(facts: { id: string; fact: string }[], warm: { id: string; fact: string }[]): Promise<{ rate: number; cpuMs: number }> {
  const engine = await createEngine();
  for (const f of warm) scanDocument({ id: f.id, source: "warm-up", text: `${f.fact}\n（预热）`, meta: {} }, engine);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (const f of facts) scanDocument({ id: f.id, source: "bench", text: f.fact, meta: {} }, engine);
  const rate = (facts.length / (performance.now() - t0)) * 1000;
  const used = process.cpuUsage(cpu);
  return { rate, cpuMs: (used.user + used.system) / 1000 / facts.length };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const dev = requireDevData();
  let facts = loadFacts(dev);
  const limit = arg("--docs");
  let data = dev;
  const tmp = await mkdtemp(join(tmpdir(), "caseflag-bench-"));
  if (limit !== undefined) {
    facts = facts.slice(0, Number(limit));
    data = join(tmp, "dev-subset.jsonl");
    await writeFile(data, readFileSync(dev, "utf8").split("\n").slice(0, facts.length).join("\n") + "\n");
  }
  const configsWanted = arg("--configs");
  const batches = (arg("--batches") ?? "1,50").split(",").map(Number);
  const noopJobs = Number(arg("--noop-jobs") ?? 5000);
  const docs = facts.length;
  const chars = facts.reduce((n, f) => n + f.fact.length, 0);
  const out = (s: string) => process.stdout.write(s + "\n");

  const server = await startRedisServer();
  try {
    out(`caseflag queue benchmark: ${docs} CAIL dev facts (mean ${Math.round(chars / docs)} chars), redis-server ${server.url}`);
    const warmSet = facts.slice(0, Math.min(400, docs));
    const { rate: bare, cpuMs: bareCpuMs } = await measureBare(facts.slice(0, Math.min(2000, docs)), warmSet);
    out(`bare pipeline, 1 thread, no queue, after warm-up: ${bare.toFixed(0)} docs/s, ${bareCpuMs.toFixed(2)} CPU ms a document`);
    out("");
    out("workers          | no-op BullMQ jobs/s | batch | caseflag docs/s | ratio to no-op | per thread vs bare | scan-bound ratio | CPU ms/doc (no-op: /job)");
    const configs: (Config & { label: string })[] = [
      { label: "1 proc x 1 thr", processes: 1, threads: 1 },
      { label: "2 proc x 1 thr", processes: 2, threads: 1 },
      { label: "1 proc x 2 thr", processes: 1, threads: 2 },
    ];
    for (const cfg of configs.filter((c) => !configsWanted || configsWanted.split(",").includes(`${c.processes}x${c.threads}`))) {
      const noopRun = await measureNoop(server, noopJobs, warmSet.length, cfg, `${cfg.processes}x${cfg.threads}`);
      const noop = noopRun.rate;
      const ms = (m: Measured) => (m.cpuPerItem !== undefined ? (m.cpuPerItem * 1000).toFixed(2) : "-");
      for (const batch of batches) {
        const run = await measureQueue(server, data, docs, warmSet, cfg, batch, `${cfg.processes}x${cfg.threads}-b${batch}`);
        const rate = run.rate;
        const perThread = rate / (cfg.processes * cfg.threads) / bare;
        out(
          `${cfg.label.padEnd(16)} | ${noop.toFixed(0).padStart(19)} | ${String(batch).padStart(5)} | ${rate.toFixed(0).padStart(15)} | ` +
            `${(rate / noop).toFixed(2).padStart(14)} | ${(perThread * 100).toFixed(0).padStart(17)}% | ${((bare * cfg.processes * cfg.threads) / noop).toFixed(2).padStart(16)} | ` +
            `${ms(run)} (${ms(noopRun)})`,
        );
      }
    }
    out("");
    out(`ratio to no-op: caseflag documents/s over BullMQ no-op jobs/s at the same processes and job concurrency (threads x ${PREFETCH} jobs held; floors: 0.6 at 1 a job, 0.9 at 50 a job).`);
    out("per thread vs bare: queue documents/s per scan thread over the bare pipeline's documents/s on one thread.");
    out(
      "CPU ms/doc: CPU the worker processes, redis-server and the producer used per document while timed (no-op: per job); " +
        "on a machine of C cores no setup passes C / that many documents a second.",
    );
    out(
      "scan-bound ratio: the ratio to no-op if the queue cost nothing: the bare one-thread rate times the scan threads, over the no-op rate. " +
        "A floor above it cannot be met by the queue's side; on a machine with fewer cores than threads + Redis + the producer, not even that.",
    );
  } finally {
    await server.dispose();
    await rm(tmp, { recursive: true, force: true });
  }
}
