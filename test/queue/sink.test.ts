// The worker's write path with a real redis-server: lookups and recordings of several jobs share one
// script run, each job still lands once with its entries together, a run cut off lands for all of
// its jobs or none, and a worker killed while one-document jobs are recorded in shared runs leaves
// every document with exactly one outcome.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { beforeAll, describe, expect, it } from "vitest";
import { parseLine } from "../../src/output/lines.js";
import { jobKey, queueKeys, type QueueKeys } from "../../src/queue/keys.js";
import { createSink, lookupJob, parseEntry, recordEntries, type OutcomeEntry } from "../../src/queue/sink.js";
import {
  fieldsOf, runCli, startWorker, stopProcess, testClient, waitForStreamLength,
  useQueueBed, type RedisServer,
} from "../helpers/redis.js";

const bed = useQueueBed("caseflag-sink-");
let server: RedisServer;
let redis: Redis;
let dir: string;
let texts: string[];
beforeAll(() => void ({ server, redis, dir, texts } = bed));

/** `n` outcome entries of job `job` (results, one flagged, one failure), each naming its job and position. */
function entriesOf(job: string, n: number): OutcomeEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const ok = i !== 1;
    const line = ok ? `{"ok":true,"job":"${job}","i":${i}}` : `{"ok":false,"job":"${job}","i":${i}}`;
    const e: OutcomeEntry = { doc: `${job}-${i}`, ok, flagged: i === 0, json: i % 2 === 0 ? Buffer.from(line) : line };
    if (ok) e.hash = `hash-${job}-${i}`;
    else e.message = `${job}-${i}: unreadable`;
    return e;
  });
}

/** Script runs Redis executes while `f` runs, by the script's first key argument count: EVALSHA/EVAL calls seen by MONITOR. */
async function scriptRuns<T>(f: () => Promise<T>): Promise<{ value: T; runs: string[][] }> {
  const monitor = await redis.monitor();
  const runs: string[][] = [];
  monitor.on("monitor", (_time: string, args: string[]) => {
    if (/^eval(sha)?$/i.test(args[0] ?? "")) runs.push(args);
  });
  try {
    // MONITOR sees commands sent after it is set up: a PING through it marks that point.
    const value = await f();
    await redis.ping();
    return { value, runs };
  } finally {
    monitor.disconnect();
  }
}

/** Jobs in hand: BullMQ's hash of each (a recording marks it, which is how a retry finds it recorded). */
async function inHand(keys: QueueKeys, ids: string[]): Promise<void> {
  for (const id of ids) await redis.hset(jobKey(keys, id), "name", "scan");
}

/** The results stream as [job, outcome line] in stream order. */
async function streamOf(prefix: string): Promise<{ job: string; line: string }[]> {
  const rows = (await redis.xrange(`${prefix}:results`, "-", "+")) as [string, string[]][];
  return rows.map(([id, f]) => parseEntry(id, f)).map((e) => ({ job: e.job, line: e.line }));
}

describe("recording outcomes (real Redis)", () => {
  it("jobs recorded in the same turn share one script run; each lands once, its entries together; one recorded already adds nothing", async () => {
    const prefix = "{t-sink-shared}";
    const keys = queueKeys(prefix);
    const conn = await testClient(server.url);
    await inHand(keys, Array.from({ length: 6 }, (_, j) => `job-${j}`));
    try {
      // job-0 was recorded before (a retry after a crash finds it so). Both scripts are loaded now,
      // so MONITOR below sees one EVALSHA per run (not a NOSCRIPT miss and an EVAL).
      expect((await recordEntries(conn, keys, "job-0", entriesOf("job-0", 2))).written).toBe(true);
      expect((await lookupJob(conn, keys, "job-0", [])).recorded).toBe(true);
      const sink = createSink(conn, keys);
      const { value: recs, runs } = await scriptRuns(() => Promise.all(Array.from({ length: 6 }, (_, j) => sink.record(`job-${j}`, entriesOf(`job-${j}`, 3)))));
      // Six recordings made together: one run (18 entries, under the batch size) with six job keys.
      expect(runs).toHaveLength(1);
      expect(recs.map((r) => r.written)).toEqual([false, true, true, true, true, true]);
      expect(recs[0]).toMatchObject({ documents: 0, firstId: "" });
      for (const r of recs.slice(1)) expect(r).toMatchObject({ documents: 3, flagged: 1, failures: 1 });

      const stream = await streamOf(prefix);
      expect(stream).toHaveLength(2 + 5 * 3);
      // Each job's entries are contiguous, in order, and the first id the recording returned is its first.
      const jobsInOrder = stream.map((e) => e.job).filter((j, i, a) => i === 0 || a[i - 1] !== j);
      expect(jobsInOrder).toEqual(["job-0", "job-1", "job-2", "job-3", "job-4", "job-5"]);
      for (let j = 1; j < 6; j++) {
        const mine = stream.filter((e) => e.job === `job-${j}`).map((e) => JSON.parse(e.line) as { i: number; job: string });
        expect(mine).toEqual([0, 1, 2].map((i) => ({ ok: i !== 1, job: `job-${j}`, i })));
        const first = (await redis.xrange(`${prefix}:results`, recs[j]!.firstId, recs[j]!.firstId)) as [string, string[]][];
        expect(fieldsOf(first[0]![1])).toMatchObject({ job: `job-${j}`, doc: `job-${j}-0` });
      }
      expect(await redis.hgetall(`${prefix}:stats`)).toMatchObject({ jobs: "6", documents: "17", results: "11", failures: "6", flagged: "6", duplicates: "1" });
      expect(await redis.zcard(`${prefix}:done`)).toBe(6);
      // Every job held a failure: each may be sent again (redo), and a new recording then lands.
      expect(await redis.zcard(`${prefix}:redo`)).toBe(6);
      expect(await redis.xlen(`${prefix}:flagged`)).toBe(6);
      expect(await redis.xlen(`${prefix}:failures`)).toBe(6);

      // Lookups made together share one run too, and see what was recorded and what can be reused.
      const { value: looks, runs: lookRuns } = await scriptRuns(() =>
        Promise.all([sink.lookup("job-1", ["hash-job-1-0"]), sink.lookup("new-job", ["hash-job-2-2", "hash-job-2-2"]), sink.lookup("other", [])]),
      );
      expect(lookRuns).toHaveLength(1);
      expect(looks[0]).toEqual({ recorded: true, prior: {} });
      expect(looks[1]).toEqual({ recorded: false, prior: { "hash-job-2-2": '{"ok":true,"job":"job-2","i":2}' } });
      expect(looks[2]).toEqual({ recorded: false, prior: {} });
    } finally {
      conn.disconnect();
    }
  });

  it("a shared run cut off (the worker's connection gone) lands for all of its jobs or none; recorded again, each job lands once", async () => {
    for (let round = 0; round < 4; round++) {
      const prefix = `{t-sink-cut-${round}}`;
      const keys = queueKeys(prefix);
      await inHand(keys, Array.from({ length: 5 }, (_, j) => `cut-${j}`));
      const dying = await testClient(server.url);
      const id = String(await dying.client("ID"));
      const sink = createSink(dying, keys);
      const pending = Array.from({ length: 5 }, (_, j) => sink.record(`cut-${j}`, entriesOf(`cut-${j}`, 8)).catch(() => undefined));
      // 40 outcomes are worth a run at the end of this turn (no waiting for company). Gone after 0..3
      // turns of the event loop: before the run is sent, or once it is on its way.
      for (let t = 0; t < round; t++) await new Promise((r) => setImmediate(r));
      dying.disconnect();
      await Promise.all(pending);
      // Redis reads what a client sent before it closes the connection: once the client is gone
      // from CLIENT LIST, whatever it sent has run.
      while (String(await redis.client("LIST", "ID", id)).trim() !== "") await new Promise((r) => setTimeout(r, 10));
      const landed = new Set((await streamOf(prefix)).map((e) => e.job));
      expect([0, 5]).toContain(landed.size);
      expect(await redis.xlen(`${prefix}:results`)).toBe(landed.size * 8);

      // The jobs come back (stalled) and are recorded again through another worker's sink.
      const conn = await testClient(server.url);
      try {
        const again = createSink(conn, keys);
        const recs = await Promise.all(Array.from({ length: 5 }, (_, j) => again.record(`cut-${j}`, entriesOf(`cut-${j}`, 8))));
        expect(recs.filter((r) => r.written)).toHaveLength(5 - landed.size);
        const stream = await streamOf(prefix);
        expect(stream).toHaveLength(40);
        for (let j = 0; j < 5; j++) expect(stream.filter((e) => e.job === `cut-${j}`)).toHaveLength(8);
        for (let j = 0; j < 5; j++) expect((await lookupJob(conn, keys, `cut-${j}`, [])).recorded).toBe(true);
      } finally {
        conn.disconnect();
      }
    }
  });

  it("SIGKILL while one-document jobs are recorded in shared runs: every document lands exactly once", async () => {
    const prefix = "{t-sink-kill}";
    const n = 240;
    const lines: string[] = [];
    for (let i = 1; i <= n; i++) lines.push(JSON.stringify({ id: `k-${i}`, fact: `${texts[i % texts.length]!.slice(0, 400)}\n（第${i}号）` }));
    const dump = join(dir, "kill.jsonl");
    await writeFile(dump, lines.join("\n") + "\n");
    const enq = await runCli(["enqueue", "--redis", server.url, "--prefix", prefix, dump]);
    expect(enq.code).toBe(0);
    expect(enq.stdout.trim().split("\n")).toHaveLength(n);

    const fast = ["--lock-duration", "1500", "--stalled-interval", "500"];
    const qe = new QueueEvents("scan", { connection: { host: "127.0.0.1", port: server.port }, prefix });
    qe.on("error", () => undefined);
    await qe.waitUntilReady();
    let stalled = 0;
    qe.on("stalled", () => stalled++);
    const first = await startWorker(server.url, prefix, fast);
    const workers = [first];
    let killed = false;
    const rows = await waitForStreamLength(redis, `${prefix}:results`, n, {
      timeoutMs: 120_000,
      onProgress: async (count) => {
        if (!killed && count >= 40) {
          killed = true;
          first.child.kill("SIGKILL");
          workers.push(await startWorker(server.url, prefix, fast));
        }
      },
    });
    expect(killed).toBe(true);
    await first.exited;
    // The killed worker held jobs (eight per scan thread): they stalled and were taken over.
    expect(stalled).toBeGreaterThan(0);
    await qe.close();
    expect((await stopProcess(workers[1]!)).code).toBe(0);

    expect(await redis.xlen(`${prefix}:results`)).toBe(n);
    const outcomes = rows.map(([, f]) => parseLine(fieldsOf(f)["outcome"]!));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(new Set(outcomes.map((o) => (o.ok ? o.result.id : ""))).size).toBe(n);
    const jobs = rows.map(([, f]) => fieldsOf(f)["job"]!);
    expect(new Set(jobs).size).toBe(n);
    const stats = await redis.hgetall(`${prefix}:stats`);
    expect(stats).toMatchObject({ jobs: String(n), documents: String(n), results: String(n) });
    const queue = new Queue("scan", { connection: redis, prefix });
    expect(await queue.getJobCounts("active", "waiting", "delayed", "failed")).toEqual({ active: 0, waiting: 0, delayed: 0, failed: 0 });
    await queue.close();
  });
});
