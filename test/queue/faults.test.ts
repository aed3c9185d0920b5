// Queue faults (issue 10), each with a real redis-server and real workers: outcomes credited to
// the document that was submitted (never to another with the same text), failures never handed
// on, identifiers masked in everything the queue stores or prints, per-document scan budgets and
// the scan-thread watchdog, a Redis that comes back empty, a producer losing Redis mid-enqueue, and
// `status` counts while jobs are in hand.
import { copyFile, mkdir, rm, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Queue, QueueEvents, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLine } from "../../src/output/lines.js";
import { scanText } from "../../src/index.js";
import { queueKeys } from "../../src/queue/keys.js";
import { createProducer, type SubmitEvent } from "../../src/queue/producer.js";
import { recordOutcomes } from "../../src/queue/sink.js";
import type { QueueWorker, QueueWorkerOptions } from "../../src/queue/worker.js";
import {
  repoRoot, runCli, spawnCli, startRedisServer, startWorker, stopProcess, testClient, waitForStreamLength,
  useQueueBed, type RedisServer,
} from "../helpers/redis.js";

const bed = useQueueBed("caseflag-faults-");
let server: RedisServer;
let redis: Redis;
let dir: string;
let texts: string[];
beforeAll(() => void ({ server, redis, dir, texts } = bed));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function submitted(evs: SubmitEvent[]) {
  return evs.filter((e): e is Extract<SubmitEvent, { kind: "submitted" }> => e.kind === "submitted");
}

type Line = { ok: true; result: { id: string; source: string } } | { ok: false; failure: { source: string; code: string; message: string } };
const sourceOf = (o: Line) => (o.ok ? o.result.source : o.failure.source);

describe("every submitted document gets its own outcome", () => {
  it("same text under two names: a job and an outcome each, with its own id and source; the text is scanned once", async () => {
    const prefix = "{t-same-text}";
    const folder = join(dir, "same-text");
    await mkdir(folder);
    // 8 files, 6 texts: x1/x2 and y1/y2 are the same filing under two names.
    for (let i = 0; i < 6; i++) await writeFile(join(folder, `doc-${i}.txt`), texts[i]!);
    await copyFile(join(folder, "doc-0.txt"), join(folder, "x1.txt"));
    await copyFile(join(folder, "doc-0.txt"), join(folder, "x2.txt"));
    await rm(join(folder, "doc-0.txt"));
    await copyFile(join(folder, "doc-1.txt"), join(folder, "y1.txt"));
    await copyFile(join(folder, "doc-1.txt"), join(folder, "y2.txt"));
    await rm(join(folder, "doc-1.txt"));

    const enq = await runCli(["enqueue", "--redis", server.url, "--prefix", prefix, folder]);
    expect(enq.code).toBe(0);
    expect(enq.stderr).toMatch(/8 job\(s\), 8 document\(s\)/);
    const queue = new Queue("scan", { connection: redis, prefix });
    expect(await queue.getWaitingCount()).toBe(8);
    await queue.close();

    // One job at a time, so the second copy is looked up after the first was recorded.
    const worker = await startWorker(server.url, prefix, ["--prefetch", "1"]);
    try {
      await waitForStreamLength(redis, `${prefix}:results`, 8);
    } finally {
      expect((await stopProcess(worker)).code).toBe(0);
    }

    const res = await runCli(["results", "--redis", server.url, "--prefix", prefix]);
    // `results` writes the one line format (output/lines.ts); read back as outcomes.
    const lines = res.stdout.trim().split("\n").map((l) => parseLine(l) as Line);
    expect(lines).toHaveLength(8);
    expect(lines.every((l) => l.ok)).toBe(true);
    const names = lines.map((l) => sourceOf(l).split("/").pop()).sort();
    expect(names).toEqual(["doc-2.txt", "doc-3.txt", "doc-4.txt", "doc-5.txt", "x1.txt", "x2.txt", "y1.txt", "y2.txt"]);
    for (const l of lines) if (l.ok) expect(l.result.source.endsWith(`/${l.result.id}`)).toBe(true);
    // Each text was scanned once; the second copy of x and of y reused that scan.
    expect(await redis.hget(`${prefix}:stats`, "documents")).toBe("8");
    expect(await redis.hget(`${prefix}:stats`, "reused")).toBe("2");
  });

  it("a failure is never handed to another submission: a new file with a failed file's text, and the failed file sent again, are scanned", async () => {
    const prefix = "{t-no-stale}";
    const gone = join(dir, "gone.txt");
    await writeFile(gone, texts[2]!);
    const producer = createProducer({ url: server.url, prefix, attempts: 1 });
    const worker = await startWorker(server.url, prefix);
    try {
      const queue = new Queue("scan", { connection: redis, prefix });
      await queue.pause();
      const [first] = submitted(await collect(producer.submitInputs([gone])));
      await unlink(gone); // gone before the worker looks: the job fails (one attempt) with E_NOT_FOUND
      await queue.resume();
      await queue.close();
      const failed = await producer.waitForResult(first!.jobId, { timeoutMs: 30_000 });
      expect(failed.outcomes).toMatchObject([{ ok: false, failure: { code: "E_NOT_FOUND" } }]);

      // Another file with the same text: its own job, its own result.
      const fresh = join(dir, "fresh.txt");
      await writeFile(fresh, texts[2]!);
      const [second] = submitted(await collect(producer.submitInputs([fresh])));
      expect(second!.duplicate).toBe(false);
      const ok = await producer.waitForResult(second!.jobId, { timeoutMs: 30_000 });
      expect(ok.outcomes).toHaveLength(1);
      expect(ok.outcomes[0]).toMatchObject({ ok: true, result: { source: fresh } });

      // The failed file is back: sending it again scans it, the old failure is not its answer.
      await writeFile(gone, texts[2]!);
      const [third] = submitted(await collect(producer.submitInputs([gone])));
      expect(third!.jobId).toBe(first!.jobId);
      expect(third!.duplicate).toBe(false);
      const again = await producer.waitForResult(third!.jobId, { timeoutMs: 30_000 });
      expect(again.outcomes).toMatchObject([{ ok: true, result: { source: gone } }]);

      // Sent once more after it produced a result: a no-op, nothing recorded twice.
      const before = await redis.xlen(`${prefix}:results`);
      const [fourth] = submitted(await collect(producer.submitInputs([gone])));
      expect(fourth).toMatchObject({ jobId: first!.jobId, duplicate: true });
      expect(await redis.xlen(`${prefix}:results`)).toBe(before);
    } finally {
      await producer.close();
      expect((await stopProcess(worker)).code).toBe(0);
    }
  });
});

/** Every value under a prefix, as text: what a person with the Redis credentials could read. */
async function dumpPrefix(prefix: string): Promise<string> {
  const out: string[] = [];
  for (const key of await redis.keys(`${prefix}*`)) {
    out.push(key);
    const type = await redis.type(key);
    if (type === "string") out.push((await redis.get(key)) ?? "");
    else if (type === "hash") out.push(...Object.entries(await redis.hgetall(key)).flat());
    else if (type === "list") out.push(...(await redis.lrange(key, 0, -1)));
    else if (type === "zset") out.push(...(await redis.zrange(key, "0", "-1")));
    else if (type === "set") out.push(...(await redis.smembers(key)));
    else if (type === "stream") out.push(...(await redis.xrange(key, "-", "+")).flatMap(([id, f]) => [id, ...f]));
  }
  return out.join("\n");
}

describe("identifiers in file names and ids are masked in everything the queue stores or prints", () => {
  const rawId = "110105198603121231";
  const rawPhone = "13912345678";

  it("results, failures, status, enqueue output, logs, and what stays of a failed job", async () => {
    const prefix = "{t-mask}";
    const folder = join(dir, "masked");
    await mkdir(folder);
    const name = `张某身份证${rawId}-手机${rawPhone}`;
    await writeFile(join(folder, `${name}.txt`), `${texts[0]!}\n联系电话${rawPhone}。`);
    await writeFile(join(folder, `${name}.json`), `{"fact": "被告人张某，身份证号${rawId}`); // malformed: fails, quoting the text
    await writeFile(join(folder, "records.jsonl"), JSON.stringify({ id: `案-${rawPhone}`, fact: texts[1] }) + "\n");

    const enq = await runCli(["enqueue", "--redis", server.url, "--prefix", prefix, folder]);
    expect(enq.code).toBe(0);
    expect(enq.stdout.trim().split("\n")).toHaveLength(3);
    const worker = await startWorker(server.url, prefix);
    try {
      await waitForStreamLength(redis, `${prefix}:results`, 3);
      const queue = new Queue("scan", { connection: redis, prefix });
      // The failed job is moved to failed (and its data replaced) after its outcome is recorded.
      await new Promise<void>((resolve) => {
        const check = async () => ((await queue.getFailedCount()) === 1 && (await queue.getFailed())[0]?.data?.retained ? resolve() : undefined);
        void check();
        worker.waitFor(/job \w+ failed/).then(check, () => undefined);
      });
      await queue.close();
    } finally {
      expect((await stopProcess(worker)).code).toBe(0);
    }

    const st = await runCli(["status", "--redis", server.url, "--prefix", prefix]);
    const stJson = await runCli(["status", "--redis", server.url, "--prefix", prefix, "--json"]);
    const res = await runCli(["results", "--redis", server.url, "--prefix", prefix]);
    expect(st.stdout).toMatch(/recent failed jobs:\n.*张某身份证110105\*{8}1231-手机139\*{4}5678\.json/);
    expect(res.stdout).toMatch(/"id":"案-139\*{4}5678"/);
    expect(res.stdout).toMatch(/"source":"[^"]*张某身份证110105\*{8}1231-手机139\*{4}5678\.txt"/);
    const printed = [enq.stdout, enq.stderr, worker.stdout, worker.stderr, st.stdout, stJson.stdout, res.stdout].join("\n");
    const stored = await dumpPrefix(prefix);
    for (const raw of [rawId, rawPhone]) {
      expect(printed).not.toContain(raw);
      expect(stored).not.toContain(raw);
    }
  });
});

describe("a document that scans too long fails alone, once", () => {
  // ~5 MB of one sentence dense in terms: a second or more to scan, however fast the machine.
  const dense = "被告人出售公民个人信息。".repeat(150_000);
  const tiny = (i: number) => `被告人王某${i}通过网络出售公民个人信息三千余条。`;

  it("worker --scan-budget: the document over it is recorded as E_BUDGET (not retried); its job's other documents are scanned", async () => {
    const prefix = "{t-budget}";
    const folder = join(dir, "budget");
    await mkdir(folder);
    await writeFile(join(folder, "a.txt"), tiny(1));
    await writeFile(join(folder, "b-dense.txt"), dense);
    await writeFile(join(folder, "c.txt"), tiny(2));
    const alone = join(dir, "budget-alone.txt");
    await writeFile(alone, `${dense}（另一份）`);
    const bad = await runCli(["worker", "--redis", server.url, "--prefix", prefix, "--scan-budget", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid --scan-budget "0" \(milliseconds, a positive integer\)/);

    const producer = createProducer({ url: server.url, prefix });
    const worker = await startWorker(server.url, prefix, ["--scan-budget", "200"]);
    try {
      expect(worker.stderr).toMatch(/scan budget 200 ms/);
      const [three] = submitted(await collect(producer.submitInputs([folder], { batch: 3 })));
      const [one] = submitted(await collect(producer.submitInputs([alone])));
      const got = await producer.waitForResult(three!.jobId, { timeoutMs: 60_000 });
      expect(got.outcomes.map((o) => (o.ok ? "ok" : o.failure.code))).toEqual(["ok", "E_BUDGET", "ok"]);
      const failed = await producer.waitForResult(one!.jobId, { timeoutMs: 60_000 });
      expect(failed.outcomes).toMatchObject([{ ok: false, failure: { code: "E_BUDGET", message: expect.stringMatching(/budget of 200 ms/) } }]);
      const queue = new Queue("scan", { connection: redis, prefix });
      await worker.waitFor(/job \w+ failed/);
      const job = await queue.getJob(one!.jobId);
      expect(job!.attemptsMade).toBe(1); // unrecoverable: not retried
      await queue.close();
    } finally {
      await producer.close();
      expect((await stopProcess(worker)).code).toBe(0);
    }
  });

  it("watchdog: a scan past the hard limit loses its thread; that document gets E_BUDGET, the job's others are scanned again without it", async () => {
    const prefix = "{t-watchdog}";
    const folder = join(dir, "watchdog");
    await mkdir(folder);
    await writeFile(join(folder, "a.txt"), tiny(3));
    await writeFile(join(folder, "b-dense.txt"), dense);
    await writeFile(join(folder, "c.txt"), tiny(4));
    // The budget is set far out of reach, so only the watchdog can stop the dense scan (as it would
    // a scan stuck in native code, which no budget check reaches).
    const built = (await import(pathToFileURL(join(repoRoot, "dist/queue/worker.js")).href)) as {
      startQueueWorker: (o: QueueWorkerOptions) => Promise<QueueWorker>;
    };
    const logs: string[] = [];
    const worker = await built.startQueueWorker({
      redis: { url: server.url },
      prefix,
      concurrency: 1,
      scanBudgetMs: 600_000,
      watchdogMs: 400,
      log: (l) => logs.push(l),
    });
    const producer = createProducer({ url: server.url, prefix });
    try {
      const [job] = submitted(await collect(producer.submitInputs([folder], { batch: 3 })));
      const got = await producer.waitForResult(job!.jobId, { timeoutMs: 60_000 });
      expect(got.outcomes.map((o) => (o.ok ? "ok" : o.failure.code))).toEqual(["ok", "E_BUDGET", "ok"]);
      const f = got.outcomes[1]!;
      expect(!f.ok && f.failure.message).toMatch(/b-dense\.txt: scan ran past the hard limit of 400 ms; its scan thread was stopped/);
      expect(logs.join("\n")).toMatch(/scan thread stopped by the watchdog.*; replaced/);
      expect(logs.join("\n")).toMatch(/document 2 of 3 ran past the hard limit of 400 ms; its scan thread was stopped; scanning the rest again/);
      expect(await redis.xlen(`${prefix}:results`)).toBe(3);
      // The replacement thread scans the next job.
      const [next] = submitted(await collect(producer.submitInputs([join(folder, "a.txt")])));
      expect((await producer.waitForResult(next!.jobId, { timeoutMs: 60_000 })).outcomes[0]!.ok).toBe(true);
    } finally {
      await producer.close();
      await worker.close();
    }
  });
});

describe("a Redis that comes back without the queue's data is never taken for a finished queue", () => {
  let lossy: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    lossy = await startRedisServer(); // no AOF, no RDB: a restart loses everything
    client = await testClient(lossy.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await lossy?.dispose();
  });

  it("the worker warns at start when Redis keeps nothing across a restart, and not when it has AOF", async () => {
    const durable = await startRedisServer({ args: ["--appendonly", "yes"] });
    try {
      const w1 = await startWorker(lossy.url, "{t-persist}");
      expect((await stopProcess(w1)).code).toBe(0);
      expect(w1.stderr).toMatch(/redis: WARNING: redis:\/\/127\.0\.0\.1:\d+: this Redis keeps no data across a restart/);
      const w2 = await startWorker(durable.url, "{t-persist}");
      expect((await stopProcess(w2)).code).toBe(0);
      expect(w2.stderr).not.toMatch(/WARNING/);
    } finally {
      await durable.dispose();
    }
  });

  it("restart mid-job: the worker says how many jobs were lost (no error loop), and `status` says so too", async () => {
    const prefix = "{t-lost}";
    const dump = join(dir, "lost.jsonl");
    // Line 4 takes a second or so to scan: Redis goes while the worker holds it.
    const fact = (i: number) => (i === 3 ? "被告人出售公民个人信息。".repeat(100_000) : `${texts[i % 6]!}（第${i}号）`);
    await writeFile(dump, Array.from({ length: 60 }, (_, i) => JSON.stringify({ id: `l${i}`, fact: fact(i) })).join("\n") + "\n");
    const enq = await runCli(["enqueue", "--redis", lossy.url, "--prefix", prefix, dump]);
    expect(enq.code).toBe(0);
    const slowJob = enq.stdout.trim().split("\n")[3]!.split("\t")[0]!;
    const events = new QueueEvents("scan", { connection: { host: "127.0.0.1", port: lossy.port }, prefix });
    events.on("error", () => undefined);
    await events.waitUntilReady();
    const slowActive = new Promise<void>((resolve) => events.on("active", ({ jobId }) => jobId === slowJob && resolve()));
    const worker = await startWorker(lossy.url, prefix, ["--prefetch", "1"]);
    try {
      await slowActive;
      await events.close();
      await lossy.restart();
      await worker.waitFor(/queue's data is gone/, { timeoutMs: 30_000 });
      expect(worker.stderr).toMatch(/redis: reconnected\n.*redis: the queue's data is gone \(Redis restarted without persistence, or was flushed\): about \d+ job\(s\) waiting or in hand were lost; submit their inputs again/);
      // Three were recorded before; the one in hand and the 56 behind it were outstanding.
      expect(Number(/about (\d+) job/.exec(worker.stderr)![1])).toBe(57);

      const st = await runCli(["status", "--redis", lossy.url, "--prefix", prefix]);
      expect(st.code).toBe(0);
      expect(st.stdout).toMatch(/^WARNING: Redis lost this queue's data at \S+ \(restarted without persistence, or flushed\): about 57 job\(s\) waiting or in hand had no outcome/);
      const json = JSON.parse((await runCli(["status", "--redis", lossy.url, "--prefix", prefix, "--json"])).stdout);
      expect(json.lost).toMatchObject({ jobs: 57, by: "worker" });

      // The worker goes on with new work, and said each distinct error once at most.
      const producer = createProducer({ url: lossy.url, prefix });
      const id = await producer.submit({ id: "after", source: "after-restart", text: texts[5]!, meta: {} });
      expect((await producer.waitForResult(id, { timeoutMs: 30_000 })).outcomes[0]!.ok).toBe(true);
      await producer.close();
      const errors = worker.stderr.split("\n").filter((l) => /queue error:/.test(l));
      expect(new Set(errors).size).toBe(errors.length);
      // One lost/reconnected pair per outage; a slow restart on a loaded machine may take a second
      // attempt, never a loop of them.
      const reconnects = worker.stderr.split("\n").filter((l) => /reconnect/.test(l));
      expect(reconnects.length).toBeGreaterThanOrEqual(2);
      expect(reconnects.length).toBeLessThanOrEqual(4);
    } finally {
      expect((await stopProcess(worker)).code).toBe(0);
    }
  });

  for (const how of ["restart", "flush"] as const) {
    it(`batch --queue exits non-zero naming the documents left without an outcome (Redis ${how === "restart" ? "restarted empty" : "flushed"})`, async () => {
      const prefix = `{t-batch-lost-${how}}`;
      const folder = join(dir, `batch-lost-${how}`);
      await mkdir(folder);
      for (let i = 0; i < 5; i++) await writeFile(join(folder, `d${i}.txt`), `${texts[i]!}（${how}）`);
      const out = join(dir, `batch-lost-${how}.jsonl`);
      // No worker: the jobs wait, as they would behind a busy queue, until all five documents are in.
      const events = new QueueEvents("scan", { connection: { host: "127.0.0.1", port: lossy.port }, prefix });
      events.on("error", () => undefined);
      await events.waitUntilReady();
      const queue = new Queue("scan", { connection: client, prefix });
      const allIn = new Promise<void>((resolve) => {
        events.on("waiting", () => {
          void queue.getWaiting().then((jobs) => (jobs.reduce((n, j) => n + Number(j.data.docs), 0) === 5 ? resolve() : undefined));
        });
      });
      const batch = spawnCli(["batch", folder, "--out", out, "--queue", lossy.url, "--queue-prefix", prefix]);
      let exit;
      try {
        await allIn;
        await events.close();
        await queue.close();
        if (how === "restart") await lossy.restart();
        else await client.flushall();
        exit = await batch.exited;
      } finally {
        await stopProcess(batch, "SIGKILL"); // only if a failure above left it running
      }
      expect({ code: exit.code, stderr: batch.stderr }).toMatchObject({ code: 2 });
      expect(batch.stderr).toMatch(/5 document\(s\) sent to the queue have no outcome and are missing from the output \(run again with --resume\)/);
      if (how === "flush") expect(batch.stderr).toMatch(/the queue's data is gone from Redis/);
      else expect(batch.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: lost the connection|the queue's data is gone/);
    });
  }
});

describe("producer and status under faults", () => {
  it("a producer losing Redis mid-enqueue says `cannot reach Redis` in one line (exit 2), not an internal error", async () => {
    const gone = await startRedisServer();
    try {
      const dump = join(dir, "mid-enqueue.jsonl");
      await writeFile(dump, Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `m${i}`, fact: `被告人${i}出售公民个人信息。` })).join("\n") + "\n");
      const enq = spawnCli(["enqueue", "--redis", gone.url, "--prefix", "{t-mid}", dump]);
      let exit;
      try {
        await enq.waitFor(/\t1\t/, { stream: "stdout" }); // the first hundred jobs are in
        // Hold every write, so the producer is mid-way for sure, then take Redis away.
        const c = await testClient(gone.url);
        await c.call("CLIENT", "PAUSE", "60000", "WRITE");
        c.disconnect();
        process.kill(gone.pid!, "SIGKILL");
        exit = await enq.exited;
      } finally {
        await stopProcess(enq, "SIGKILL");
      }
      expect(exit.code).toBe(2);
      expect(enq.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^caseflag: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: lost the connection/)]);
      expect(enq.stderr).not.toMatch(/internal error/);
    } finally {
      await gone.dispose();
    }
  });

  it("`status` counts a job recorded but not yet completed (its worker just died) once, as completed", async () => {
    const prefix = "{t-status-counts}";
    const folder = join(dir, "status-counts");
    await mkdir(folder);
    for (let i = 0; i < 3; i++) await writeFile(join(folder, `s${i}.txt`), `${texts[i]!}（${i}）`);
    const enq = await runCli(["enqueue", "--redis", server.url, "--prefix", prefix, folder]);
    expect(enq.code).toBe(0);
    // A worker that takes a job and dies right after recording its outcome, before BullMQ completes it.
    const taker = new Worker("scan", null, { connection: { host: "127.0.0.1", port: server.port }, prefix, lockDuration: 60_000 });
    taker.on("error", () => undefined);
    try {
      const job = (await taker.getNextJob("dying-worker"))!;
      const counts = async () => JSON.parse((await runCli(["status", "--redis", server.url, "--prefix", prefix, "--json"])).stdout).counts;
      expect(await counts()).toMatchObject({ waiting: 2, active: 1, completed: 0 });
      const result = await scanText(texts[0]!, { id: "s0" });
      await recordOutcomes(redis, queueKeys(prefix), job.id!, [{ ok: true, result }]);
      const c = await counts();
      expect(c).toMatchObject({ waiting: 2, active: 0, completed: 1, failed: 0 });
      expect(c.waiting + c.active + c.completed + c.failed + c.delayed).toBe(3);
    } finally {
      await taker.close(true);
    }
  });
});
