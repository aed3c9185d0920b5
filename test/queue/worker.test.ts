// Queue guarantees, with a real redis-server and real worker processes (`caseflag worker`):
// dedupe by content hash, unrecoverable input visible in status, graceful SIGTERM, stalled-job
// recovery after SIGKILL, reconnect after a Redis restart, and nothing lost across kills.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { beforeAll, describe, expect, it } from "vitest";
import { parseLine } from "../../src/output/lines.js";
import { createProducer, type SubmitEvent } from "../../src/queue/producer.js";
import {
  fieldsOf, runCli, startWorker, stopProcess, waitForStreamLength,
  useQueueBed, type RedisServer,
} from "../helpers/redis.js";

const bed = useQueueBed("caseflag-queue-");
let server: RedisServer;
let redis: Redis;
let dir: string;
let texts: string[];
beforeAll(() => void ({ server, redis, dir, texts } = bed));

/** A JSONL dump of `n` distinct case documents built from the fixtures; `bad` lines (1-based) malformed. */
async function writeDump(name: string, n: number, bad: Set<number> = new Set()): Promise<string> {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    if (bad.has(i)) lines.push(i % 2 === 0 ? `{"id": "bad-${i}", "fact": "unterminated` : `{"id": "bad-${i}", "note": "no text field"}`);
    else lines.push(JSON.stringify({ id: `${name}-${i}`, fact: `${texts[i % texts.length]}\n（第${i}号）` }));
  }
  const path = join(dir, `${name}.jsonl`);
  await writeFile(path, lines.join("\n") + "\n");
  return path;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function submitted(evs: SubmitEvent[]) {
  return evs.filter((e): e is Extract<SubmitEvent, { kind: "submitted" }> => e.kind === "submitted");
}

function queueEvents(prefix: string): Promise<QueueEvents> {
  const qe = new QueueEvents("scan", { connection: { host: "127.0.0.1", port: server.port }, prefix });
  qe.on("error", () => undefined);
  return qe.waitUntilReady().then(() => qe);
}

function once(qe: QueueEvents, event: "active" | "stalled" | "completed" | "failed", jobId?: string): Promise<void> {
  return new Promise((resolve) => {
    const h = (args: { jobId: string }) => {
      if (jobId !== undefined && args.jobId !== jobId) return;
      qe.off(event, h);
      resolve();
    };
    qe.on(event, h);
  });
}

describe("queue worker (real Redis, real processes)", () => {
  it("scans a filing sent twice from the same place once: same job id, no second scan, no second outcome", async () => {
    const prefix = "{t-dedupe}";
    const a = join(dir, "dedupe-a.txt");
    await writeFile(a, texts[0]!);
    const producer = createProducer({ url: server.url, prefix });
    const queue = new Queue("scan", { connection: redis, prefix });
    try {
      const first = submitted(await collect(producer.submitInputs([a, a])));
      expect(first[0]!.jobId).toBe(first[1]!.jobId);
      expect(await queue.getWaitingCount()).toBe(1);

      const worker = await startWorker(server.url, prefix);
      const outcome = await producer.waitForResult(first[0]!.jobId, { timeoutMs: 30_000 });
      expect(outcome.outcomes).toHaveLength(1);
      expect(outcome.outcomes[0]!.ok).toBe(true);

      // After it was scanned (and its BullMQ job removed), sending it again is a no-op.
      const again = submitted(await collect(producer.submitInputs([a])));
      expect(again[0]).toMatchObject({ jobId: first[0]!.jobId, duplicate: true });
      expect(await queue.getWaitingCount()).toBe(0);
      expect(await redis.xlen(`${prefix}:results`)).toBe(1);
      expect(await redis.hget(`${prefix}:stats`, "documents")).toBe("1");
      expect((await stopProcess(worker)).code).toBe(0);
    } finally {
      await queue.close();
      await producer.close();
    }
  });

  it("fails malformed input at once (no retries) and shows the reason in `status`", async () => {
    const prefix = "{t-unrecoverable}";
    const bad = join(dir, "broken-filing.json");
    const good = join(dir, "good-filing.txt");
    await writeFile(bad, '{"fact": "被告人张某', "utf8");
    await writeFile(good, texts[1]!);
    const enq = await runCli(["enqueue", "--redis", server.url, "--prefix", prefix, bad, good]);
    expect(enq.code).toBe(0);
    expect(enq.stdout.trim().split("\n")).toHaveLength(2);

    const worker = await startWorker(server.url, prefix);
    await waitForStreamLength(redis, `${prefix}:results`, 2);
    expect((await stopProcess(worker)).code).toBe(0);

    const st = await runCli(["status", "--redis", server.url, "--prefix", prefix, "--json"]);
    expect(st.code).toBe(0);
    const status = JSON.parse(st.stdout);
    expect(status.counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 1, failed: 1 });
    // Recording the failed job's outcome once is not a duplicate skipped.
    expect(status.documents).toMatchObject({ scanned: 2, failures: 1, duplicates: 0 });
    expect(status.failedJobs).toHaveLength(1);
    expect(status.failedJobs[0].attempts).toBe(1); // not retried
    expect(status.failedJobs[0].reason).toMatch(/broken-filing\.json:1: malformed JSON/);
    expect(status.failedJobs[0].reason.split("\n")).toHaveLength(1);

    const text = await runCli(["status", "--redis", server.url, "--prefix", prefix]);
    expect(text.stdout).toMatch(/completed 1 +failed 1/);
    expect(text.stdout).toMatch(/recent failed jobs:\n.*broken-filing\.json/);
  });

  it("SIGTERM: stops taking jobs, finishes the one in hand, exits 0", async () => {
    const prefix = "{t-sigterm}";
    const big = await writeDump("sigterm-big", 400);
    const small = join(dir, "sigterm-small.txt");
    await writeFile(small, texts[2]!);
    const qe = await queueEvents(prefix);
    try {
      const enq = await runCli(["enqueue", "--redis", server.url, "--prefix", prefix, "--batch", "400", big, small]);
      expect(enq.code).toBe(0);
      const bigJob = enq.stdout.split("\n")[0]!.split("\t")[0]!;
      const active = once(qe, "active", bigJob);
      // prefetch 1: the worker holds one job at a time, so the small one stays in the queue.
      const worker = await startWorker(server.url, prefix, ["--prefetch", "1"]);
      await active;
      worker.child.kill("SIGTERM");
      const exit = await worker.exited;
      expect(exit.code).toBe(0);
      expect(worker.stderr).toMatch(/SIGTERM: finishing jobs in hand/);
      expect(await redis.zscore(`${prefix}:done`, bigJob)).not.toBeNull();
      expect(await redis.xlen(`${prefix}:results`)).toBe(400);
      const queue = new Queue("scan", { connection: redis, prefix });
      expect(await queue.getJobCounts("active", "waiting")).toEqual({ active: 0, waiting: 1 });
      await queue.close();
    } finally {
      await qe.close();
    }
  });

  it("SIGKILL mid-job: another worker takes the stalled job over and completes it, recorded once", async () => {
    const prefix = "{t-sigkill}";
    const big = await writeDump("sigkill-big", 300);
    const fast = ["--lock-duration", "1500", "--stalled-interval", "500"];
    const qe = await queueEvents(prefix);
    const producer = createProducer({ url: server.url, prefix });
    try {
      const [job] = submitted(await collect(producer.submitInputs([big], { batch: 300 })));
      const active = once(qe, "active", job!.jobId);
      const a = await startWorker(server.url, prefix, fast);
      await active;
      a.child.kill("SIGKILL");
      expect((await a.exited).signal).toBe("SIGKILL");
      expect(await redis.xlen(`${prefix}:results`)).toBe(0);

      const stalled = once(qe, "stalled", job!.jobId);
      const b = await startWorker(server.url, prefix, fast);
      await stalled;
      const out = await producer.waitForResult(job!.jobId, { timeoutMs: 45_000 });
      expect(out.outcomes).toHaveLength(300);
      expect(out.outcomes.every((o) => o.ok)).toBe(true);
      expect(await redis.xlen(`${prefix}:results`)).toBe(300);
      expect((await stopProcess(b)).code).toBe(0);
    } finally {
      await producer.close();
      await qe.close();
    }
  });

  it("Redis restart: a running worker reconnects and goes on; a producer fails fast while it is down", async () => {
    const prefix = "{t-restart}";
    const worker = await startWorker(server.url, prefix);
    const before = createProducer({ url: server.url, prefix });
    const id1 = await before.submit({ id: "r1", source: "restart-1", text: texts[3]!, meta: {} });
    expect((await before.waitForResult(id1, { timeoutMs: 30_000 })).outcomes[0]!.ok).toBe(true);
    await before.close();

    await server.stop({ keepData: true });
    const file = join(dir, "restart-2.txt");
    await writeFile(file, texts[4]!);
    const t0 = Date.now();
    const down = await runCli(["enqueue", "--redis", server.url, "--prefix", prefix, file]);
    expect(down.code).toBe(2);
    expect(down.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^caseflag: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/)]);
    expect(Date.now() - t0).toBeLessThan(10_000);

    await server.start();
    await worker.waitFor(/redis: reconnected/);
    const after = createProducer({ url: server.url, prefix });
    const [job] = submitted(await collect(after.submitInputs([file])));
    const out = await after.waitForResult(job!.jobId, { timeoutMs: 30_000 });
    expect(out.outcomes[0]!.ok).toBe(true);
    await after.close();
    expect(worker.child.exitCode).toBeNull();
    expect((await stopProcess(worker)).code).toBe(0);
  });

  it("nothing lost: N documents (some malformed), workers killed and restarted mid-run, exactly N outcomes", async () => {
    const prefix = "{t-nothing-lost}";
    const n = 600;
    const bad = new Set([7, 50, 51, 123, 300, 599]);
    const dump = await writeDump("lost", n, bad);
    const enq = await runCli(["enqueue", "--redis", server.url, "--prefix", prefix, "--batch", "20", dump]);
    expect(enq.code).toBe(0);
    expect(enq.stdout.trim().split("\n")).toHaveLength(30);

    const fast = ["--lock-duration", "1500", "--stalled-interval", "500"];
    const qe = await queueEvents(prefix);
    let stalledJobs = 0;
    qe.on("stalled", () => stalledJobs++);
    const workers = [await startWorker(server.url, prefix, fast)];
    let step = 0;
    const rows = await waitForStreamLength(redis, `${prefix}:results`, n, {
      timeoutMs: 120_000,
      onProgress: async (count) => {
        if (step === 0 && count >= 100) {
          step = 1;
          workers[0]!.child.kill("SIGKILL");
          workers.push(await startWorker(server.url, prefix, fast));
        } else if (step === 1 && count >= 300) {
          step = 2;
          workers[1]!.child.kill("SIGKILL");
          workers.push(await startWorker(server.url, prefix, fast), await startWorker(server.url, prefix, fast));
        }
      },
    });
    expect(step).toBe(2);
    await qe.close();
    // The kills hit jobs in hand (a worker holds its next job too), which other workers took over.
    expect(stalledJobs).toBeGreaterThan(0);
    for (const w of workers.slice(2)) expect((await stopProcess(w)).code).toBe(0);
    await Promise.all(workers.slice(0, 2).map((w) => w.exited));

    expect(await redis.xlen(`${prefix}:results`)).toBe(n);
    const outcomes = rows.map(([, f]) => parseLine(fieldsOf(f)["outcome"]!));
    const sources = new Set(outcomes.map((o) => (o.ok ? o.result.source : o.failure.source)));
    expect(sources.size).toBe(n);
    const failed = outcomes.filter((o) => !o.ok).map((o) => o.failure.line as number).sort((x, y) => x - y);
    expect(failed).toEqual([...bad].sort((x, y) => x - y));
    const queue = new Queue("scan", { connection: redis, prefix });
    expect(await queue.getJobCounts("active", "waiting", "delayed", "failed")).toEqual({ active: 0, waiting: 0, delayed: 0, failed: 0 });
    await queue.close();
  });
});
