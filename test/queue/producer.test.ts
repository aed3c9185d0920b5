// Producer side and connections: URL parsing (AUTH, TLS), references that a worker reads back to
// the same documents (JSONL ranges, archive members), fast failure on a dead Redis, inline text
// removed once a job finishes, retries with backoff, `results` export, `watch`, AUTH and TLS
// against real redis-servers.
import { execFile } from "node:child_process";
import { appendFile, mkdtemp, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueError, UsageError } from "../../src/errors.js";
import { clusterSeedsOf, connectRedis, parseRedisUrl, redactUrl } from "../../src/queue/connection.js";
import { hasHashTag, queueKeys } from "../../src/queue/keys.js";
import { readTaskSource } from "../../src/runner/sources.js";
import { docRef, jobIdOf, PAYLOAD_VERSION, sha256 } from "../../src/queue/payload.js";
import { planJobs, type PlannedJob } from "../../src/queue/plan.js";
import { createProducer, type SubmitEvent } from "../../src/queue/producer.js";
import {
  assertBuilt, freePort, repoRoot, runCli, spawnCli, startRedisServer, startWorker, stopProcess, testClient,
  type CliProcess, type RedisServer,
} from "../helpers/redis.js";

const run = promisify(execFile);
let dir: string;
let texts: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "caseflag-producer-"));
  texts = await Promise.all(
    ["bank-credit-report", "telecom-sim-cards", "platform-database-breach", "theft-negative"].map((n) =>
      readFile(join(repoRoot, "fixtures/docs", `${n}.txt`), "utf8"),
    ),
  );
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const jobsOf = (evs: { kind: string; job?: PlannedJob }[]) => evs.filter((e) => e.kind === "job").map((e) => e.job!);
const submittedOf = (evs: SubmitEvent[]) => evs.filter((e): e is Extract<SubmitEvent, { kind: "submitted" }> => e.kind === "submitted");

describe("Redis URLs", () => {
  it("parses user, password, db and TLS options; redacts the password", () => {
    expect(parseRedisUrl("redis://:s%40cret@10.0.0.5:6380/2")).toEqual({ host: "10.0.0.5", port: 6380, password: "s@cret", db: 2 });
    expect(parseRedisUrl("redis://scanner:pw@redis.internal")).toEqual({ host: "redis.internal", port: 6379, username: "scanner", password: "pw" });
    const tls = parseRedisUrl("rediss://:pw@redis.example.com:6380");
    expect(tls.tls).toEqual({ servername: "redis.example.com" });
    const ca = join(dir, "ca.pem");
    return writeFile(ca, "-----BEGIN CERTIFICATE-----\n").then(() => {
      const withCa = parseRedisUrl(`rediss://10.1.2.3:6380?ca=${ca}&servername=redis.internal`);
      expect(withCa.tls?.servername).toBe("redis.internal");
      expect(Buffer.isBuffer(withCa.tls?.ca)).toBe(true);
      expect(parseRedisUrl("rediss://10.1.2.3?insecure=1").tls).toEqual({ rejectUnauthorized: false });
      expect(() => parseRedisUrl("http://localhost:6379")).toThrow(UsageError);
      expect(() => parseRedisUrl("redis://localhost/x")).toThrow(/database must be a number/);
      expect(redactUrl("rediss://user:secret@h:1/0")).toBe("rediss://user:***@h:1/0");
      expect(clusterSeedsOf("redis://:pw@10.0.0.11:7000?cluster=1&nodes=10.0.0.12:7001,[::1]:7002")).toEqual([
        { host: "10.0.0.11", port: 7000 },
        { host: "10.0.0.12", port: 7001 },
        { host: "[::1]", port: 7002 },
      ]);
      expect(clusterSeedsOf("redis://10.0.0.11:7000")).toBeUndefined();
    });
  });

  it("keeps every key in one Cluster slot with the default {caseflag} prefix", () => {
    const k = queueKeys();
    for (const key of [k.results, k.flagged, k.failures, k.done, k.stats, k.watchSeen, `${k.prefix}:${k.queue}:wait`]) {
      expect(key.startsWith("{caseflag}:")).toBe(true);
    }
    expect(hasHashTag("{caseflag}")).toBe(true);
    expect(hasHashTag("prod:{cf}")).toBe(true);
    expect(hasHashTag("caseflag")).toBe(false);
    expect(() => queueKeys("bad prefix")).toThrow(UsageError);
  });
});

describe("references read back to the documents that were hashed", () => {
  it("JSONL line ranges (BOM, CRLF, blank and malformed lines) carry byte offsets and reproduce the job id", async () => {
    const path = join(dir, "refs.jsonl");
    const lines = [
      JSON.stringify({ id: "a", fact: "第一份 张某 出售公民个人信息" }),
      "",
      JSON.stringify({ id: "b", fact: "第二份" }),
      '{"id": "c", "fact": "broken',
      JSON.stringify({ id: "d", fact: "第四份 银行卡号" }),
      JSON.stringify({ note: "no text" }),
      JSON.stringify({ id: "g", fact: "最后一行没有换行" }),
    ];
    await writeFile(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join("\r\n"))]));
    const jobs = jobsOf(await collect(planJobs([path], { batch: 2 })));
    // 6 non-blank lines, 2 a job
    expect(jobs.map((j) => j.data.docs)).toEqual([2, 2, 2]);
    const first = jobs[0]!.data.items[0]!;
    expect(first).toMatchObject({ kind: "lines", from: 1, to: 3, start: 3, encoding: "utf-8" });
    for (const job of jobs) {
      const items = await readTaskSource({ kind: "refs", refs: job.data.items }, job.data.read ?? {});
      expect(items).toHaveLength(job.data.docs);
      expect(jobIdOf(items.map(docRef))).toBe(job.jobId);
    }
    const all = (await Promise.all(jobs.map((j) => readTaskSource({ kind: "refs", refs: j.data.items }, j.data.read ?? {})))).flat();
    expect(all.map((it) => (it.ok ? it.doc.id : `${it.failure.code}@${it.failure.line}`))).toEqual([
      "a", "b", "E_JSON_LINE@4", "d", "E_NO_TEXT@6", "g",
    ]);
    // One document alone: the job id covers its source and id as well as its text, and the job
    // carries the text's hash (what the worker looks up for an earlier scan of it).
    const single = jobsOf(await collect(planJobs([path], { batch: 1 })));
    expect(single[0]!.jobId).toBe(sha256(`${path}:1\0a\0${sha256("第一份 张某 出售公民个人信息")}`));
    expect(single[0]!.data.hashes).toEqual([sha256("第一份 张某 出售公民个人信息")]);
  });

  it("archive members and multi-document JSON files", async () => {
    const jobs = jobsOf(await collect(planJobs([join(repoRoot, "fixtures/archives/cases.zip"), join(repoRoot, "fixtures/docs/cases.json")], { batch: 2 })));
    const kinds = jobs.flatMap((j) => j.data.items.map((i) => i.kind));
    expect(kinds).toContain("members");
    expect(kinds).toContain("file");
    for (const job of jobs) {
      const items = await readTaskSource({ kind: "refs", refs: job.data.items }, job.data.read ?? {});
      expect(jobIdOf(items.map(docRef))).toBe(job.jobId);
    }
  });

  it("a file changed after submission is refused, not scanned as something else", async () => {
    const path = join(dir, "changing.txt");
    await writeFile(path, "原来的内容");
    const [job] = jobsOf(await collect(planJobs([path])));
    await writeFile(path, "后来改了");
    const items = await readTaskSource({ kind: "refs", refs: job!.data.items }, {});
    expect(jobIdOf(items.map(docRef))).not.toBe(job!.jobId);
  });
});

describe("producer against a dead Redis", () => {
  it("fails fast with one line, as API and CLI (exit 2)", async () => {
    const port = await freePort();
    const producer = createProducer({ url: `redis://127.0.0.1:${port}` });
    const t0 = Date.now();
    await expect(producer.submit({ id: "x", source: "x", text: "张某", meta: {} })).rejects.toThrow(QueueError);
    await expect(producer.ready()).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(Date.now() - t0).toBeLessThan(6000);
    await producer.close();
    const file = join(dir, "dead.txt");
    await writeFile(file, texts[0]!);
    for (const cmd of [["enqueue", file], ["results"]]) {
      const r = await runCli([...cmd, "--redis", `redis://127.0.0.1:${port}`]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^caseflag: cannot reach Redis/);
    }
    const noUrl = await runCli(["status"]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/pass --redis URL or set REDIS_URL/);
  });
});

describe("with a worker (real Redis, real processes)", () => {
  const prefix = "{t-producer}";
  let server: RedisServer;
  let redis: Redis;
  let worker: CliProcess;

  beforeAll(async () => {
    assertBuilt();
    server = await startRedisServer();
    redis = await testClient(server.url);
    // REDIS_URL in place of --redis
    worker = spawnCli(["worker", "--prefix", prefix, "--concurrency", "1"], { env: { REDIS_URL: server.url } });
    await worker.waitFor(/worker ready/, { timeoutMs: 45_000 });
  });
  afterAll(async () => {
    if (worker) expect((await stopProcess(worker)).code).toBe(0);
    redis?.disconnect();
    await server?.dispose();
  });

  it("inline documents: awaited result, masked identifiers, nothing of the text left in Redis", async () => {
    const producer = createProducer({ url: server.url, prefix, maxInlineBytes: 64 * 1024 });
    const events = new QueueEvents("scan", { connection: { host: "127.0.0.1", port: server.port }, prefix });
    events.on("error", () => undefined);
    await events.waitUntilReady();
    try {
      const text = `${texts[0]!}\n被告人身份证号码11010519491231002X，手机13812345678。`;
      const doc = { id: "inline-1", source: "upload:inline-1", text, meta: {} };
      const expectedId = jobIdOf([docRef({ ok: true, doc })]);
      // The outcome is recorded before BullMQ moves the job to completed (and removes it): listen
      // for that event from before the job exists.
      const completed = new Promise<void>((resolve) =>
        events.on("completed", ({ jobId: id }) => {
          if (id === expectedId) resolve();
        }),
      );
      const jobId = await producer.submit(doc);
      expect(jobId).toBe(expectedId);
      const got = await producer.waitForResult(jobId, { timeoutMs: 30_000 });
      expect(got.outcomes).toHaveLength(1);
      const o = got.outcomes[0]!;
      if (!o.ok) throw new Error(o.failure.message);
      expect(o.result.source).toBe("upload:inline-1");
      const ids = o.result.findings.filter((f) => f.kind === "identifier");
      expect(ids.length).toBeGreaterThan(0);
      expect(JSON.stringify(o.result)).not.toContain("11010519491231002X");
      expect(JSON.stringify(o.result)).not.toContain("13812345678");
      // The completed job (and its inline text) is gone from Redis.
      await completed;
      expect(await redis.exists(`${prefix}:scan:${jobId}`)).toBe(0);
      const dump = (await redis.xrange(`${prefix}:results`, "-", "+")).flatMap(([, f]) => f).join("\n");
      expect(dump).not.toContain("11010519491231002X");

      await expect(producer.submit({ id: "big", source: "big", text: "案".repeat(40_000), meta: {} })).rejects.toThrow(/inline limit/);
    } finally {
      await producer.close();
      await events.close();
    }
  });

  it("a failed inline job keeps its reason but not its text", async () => {
    const queue = new Queue("scan", { connection: redis, prefix });
    const events = new QueueEvents("scan", { connection: { host: "127.0.0.1", port: server.port }, prefix });
    events.on("error", () => undefined);
    await events.waitUntilReady();
    const producer = createProducer({ url: server.url, prefix });
    try {
      // An inline job whose id is not the hash of its text: refused as changed (unrecoverable).
      const jobId = "0".repeat(64);
      const secret = "被告人李某出售公民个人信息一万条，身份证号码11010519491231002X";
      await queue.add("scan", { v: PAYLOAD_VERSION, items: [{ kind: "inline", id: "t", source: "tampered", text: secret }], docs: 1, hashes: [sha256(secret)] }, { jobId, attempts: 3 });
      const got = await producer.waitForResult(jobId, { timeoutMs: 30_000 });
      expect(got.outcomes[0]).toMatchObject({ ok: false, failure: { code: "E_CHANGED" } });
      const job = await queue.getJob(jobId);
      // The outcome is recorded before BullMQ moves the job to failed: wait for that event.
      await expect(job!.waitUntilFinished(events)).rejects.toThrow(/content changed/);
      // Read the job again: the object fetched before it failed holds the old state.
      const failed = (await queue.getJob(jobId))!;
      expect(await failed.isFailed()).toBe(true);
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/tampered: content changed since it was submitted/);
      expect(JSON.stringify(failed.data)).not.toContain("李某");
    } finally {
      await producer.close();
      await events.close();
      await queue.close();
    }
  });

  it("a transient read error is retried with backoff, then succeeds", async () => {
    const queue = new Queue("scan", { connection: redis, prefix });
    const events = new QueueEvents("scan", { connection: { host: "127.0.0.1", port: server.port }, prefix });
    events.on("error", () => undefined);
    await events.waitUntilReady();
    const producer = createProducer({ url: server.url, prefix, backoffMs: 200 });
    const path = join(dir, "late-mount.txt");
    try {
      await writeFile(path, texts[1]!);
      await queue.pause();
      const [s] = submittedOf(await collect(producer.submitInputs([path])));
      await unlink(path); // gone when the worker first looks: E_NOT_FOUND is worth a retry
      const retried = new Promise<void>((res) => events.on("delayed", (a: { jobId: string }) => a.jobId === s!.jobId && res()));
      await queue.resume();
      await retried;
      await writeFile(path, texts[1]!);
      const got = await producer.waitForResult(s!.jobId, { timeoutMs: 30_000 });
      expect(got.outcomes[0]!.ok).toBe(true);
    } finally {
      await producer.close();
      await events.close();
      await queue.close();
    }
  });

  it("`results` exports JSONL: from a position, by consumer group (resumable), and following", async () => {
    const producer = createProducer({ url: server.url, prefix });
    try {
      const before = ((await redis.xrevrange(`${prefix}:results`, "+", "-", "COUNT", 1)) as [string, string[]][])[0]?.[0] ?? "0-0";
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await producer.submit({ id: `exp-${i}`, source: `export-${i}`, text: `${texts[2]!}（${i}）`, meta: {} }));
      for (const id of ids) await producer.waitForResult(id, { timeoutMs: 30_000 });

      const out = join(dir, "export.jsonl");
      const r = await runCli(["results", "--redis", server.url, "--prefix", prefix, "--after", before, "--out", out]);
      expect(r.code).toBe(0);
      // The one line format, as batch writes it: a result with its content hash.
      const lines = (await readFile(out, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
      expect(lines.map((o) => o.source)).toEqual(["export-0", "export-1", "export-2"]);
      expect(lines[0]).toMatchObject({ schemaVersion: 5, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });

      const total = await redis.xlen(`${prefix}:results`);
      const g1 = await runCli(["results", "--redis", server.url, "--prefix", prefix, "--group", "siem"]);
      expect(g1.stdout.trim().split("\n")).toHaveLength(total);
      const g2 = await runCli(["results", "--redis", server.url, "--prefix", prefix, "--group", "siem"]);
      expect(g2.stdout).toBe("");

      const follow = spawnCli(["results", "--redis", server.url, "--prefix", prefix, "--group", "siem", "--follow"]);
      const doc = { id: "exp-new", source: "export-new", text: `${texts[3]!}（跟随）`, meta: {} };
      const id = await producer.submit(doc);
      await follow.waitFor(/"export-new"/, { stream: "stdout" });
      follow.child.kill("SIGTERM");
      expect((await follow.exited).code).toBe(0);
      expect(follow.stdout.trim().split("\n")).toHaveLength(1);
      expect(id).toBe(jobIdOf([docRef({ ok: true, doc })]));
    } finally {
      await producer.close();
    }
  });

  it("`watch` takes present and new files, never half-written ones, and does not resubmit after a restart", async () => {
    const wdir = await mkdtemp(join(dir, "inbox-"));
    await writeFile(join(wdir, "a.txt"), texts[0]!);
    await writeFile(join(wdir, "b.txt"), texts[1]!);
    const args = ["watch", wdir, "--redis", server.url, "--prefix", prefix, "--stable-ms", "1000"];
    const w1 = spawnCli(args);
    await w1.waitFor(/\t\/.*\/[ab]\.txt/, { stream: "stdout", count: 2 });

    // A slow copy: appended in pieces, 60 ms apart, well inside the 1 s stability window.
    const full = `${texts[2]!}\n${texts[3]!}`;
    const cPath = join(wdir, "c.txt");
    const pieces = 10;
    const size = Math.ceil(full.length / pieces);
    await writeFile(cPath, "");
    for (let i = 0; i < pieces; i++) {
      await appendFile(cPath, full.slice(i * size, (i + 1) * size));
      await new Promise((r) => setTimeout(r, 60)); // the writer's pace, not a wait for the code under test
    }
    // A file written under a temp name and renamed when complete.
    await writeFile(join(wdir, "d.txt.part"), "被告人王某非法获取公民个人信息");
    await rename(join(wdir, "d.txt.part"), join(wdir, "d.txt"));
    await w1.waitFor(/\t\/.*\/[abcd]\.txt/, { stream: "stdout", count: 4 });
    const lines = w1.stdout.trim().split("\n");
    const cLines = lines.filter((l) => l.endsWith("/c.txt"));
    expect(cLines).toHaveLength(1);
    expect(cLines[0]!.split("\t")[0]).toBe(jobsOf(await collect(planJobs([cPath])))[0]!.jobId);
    expect(lines.some((l) => l.includes(".part"))).toBe(false);
    w1.child.kill("SIGTERM");
    expect((await w1.exited).code).toBe(0);
    // What `watch` keeps per file is keyed by the path's hash: a file name may hold an identifier.
    const seen = await redis.hkeys(`${prefix}:watch:seen`);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (const k of seen) expect(k).toMatch(/^[0-9a-f]{64}$/);

    const producer = createProducer({ url: server.url, prefix });
    for (const l of lines) expect((await producer.waitForResult(l.split("\t")[0]!, { timeoutMs: 30_000 })).outcomes[0]!.ok).toBe(true);
    await producer.close();

    const w2 = spawnCli(args);
    await w2.waitFor(/already submitted: /, { count: 4 });
    w2.child.kill("SIGTERM");
    expect((await w2.exited).code).toBe(0);
    expect(w2.stdout).toBe("");
  });

  it("`enqueue -` sends stdin inline (there is no path to refer to)", async () => {
    const text = "被告人赵某通过网络出售公民个人信息三万余条，违法所得人民币2万元。";
    const r = await runCli(["enqueue", "-", "--redis", server.url, "--prefix", prefix], { stdin: text });
    expect(r.code).toBe(0);
    const [jobId, docs, source] = r.stdout.trim().split("\t");
    expect(jobId).toBe(jobsOf(await collect(planJobs(["-"], { stdin: Readable.from([text]) })))[0]!.jobId);
    expect([docs, source]).toEqual(["1", "-"]);
    const producer = createProducer({ url: server.url, prefix });
    const got = await producer.waitForResult(jobId!, { timeoutMs: 30_000 });
    await producer.close();
    expect(got.outcomes[0]).toMatchObject({ ok: true, result: { source: "-" } });
  });

  it("`status` reports counts and streams", async () => {
    const r = await runCli(["status", "--redis", server.url, "--prefix", prefix]);
    expect(r.code).toBe(0);
    // The throwaway Redis runs without persistence: status says so before the counts.
    expect(r.stdout).toMatch(/^WARNING: this Redis keeps no data across a restart.*\n/);
    expect(r.stdout).toMatch(/^queue \{t-producer\}:scan +workers \d+\njobs +waiting \d+ +active \d+ +completed \d+ +failed 1 +delayed 0/m);
    expect(r.stdout).toMatch(/recent failed jobs:\n.*tampered: content changed/);
  });
});

describe("AUTH and TLS", () => {
  it("AUTH: a wrong password fails fast with the server's reason; the right one works end to end", async () => {
    const server = await startRedisServer({ password: "s3cret pw" });
    try {
      const wrong = `redis://:nope@127.0.0.1:${server.port}`;
      await expect(connectRedis({ url: wrong }, "producer")).rejects.toThrow(/WRONGPASS/);
      const st = await runCli(["status", "--redis", wrong]);
      expect(st.code).toBe(2);
      expect(st.stderr).toMatch(/^caseflag: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/);
      expect(st.stderr).not.toContain("nope");

      const worker = await startWorker(server.url, "{t-auth}");
      const producer = createProducer({ url: server.url, prefix: "{t-auth}" });
      const id = await producer.submit({ id: "auth", source: "auth", text: texts[0]!, meta: {} });
      expect((await producer.waitForResult(id, { timeoutMs: 30_000 })).outcomes[0]!.ok).toBe(true);
      await producer.close();
      expect((await stopProcess(worker)).code).toBe(0);
    } finally {
      await server.dispose();
    }
  });

  it("TLS (rediss://) with a private CA, end to end", async () => {
    const certDir = await mkdtemp(join(dir, "tls-"));
    const cert = join(certDir, "cert.pem");
    const key = join(certDir, "key.pem");
    await run("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ]);
    const server = await startRedisServer({ tls: { certFile: cert, keyFile: key, caFile: cert }, password: "tlspw" });
    try {
      const url = `rediss://:tlspw@127.0.0.1:${server.tlsPort}?ca=${encodeURIComponent(cert)}`;
      // Plain redis:// to the TLS port does not get through.
      await expect(connectRedis({ url: `redis://:tlspw@127.0.0.1:${server.tlsPort}` }, "producer", { timeoutMs: 3000 })).rejects.toThrow(QueueError);
      const worker = await startWorker(url, "{t-tls}");
      const producer = createProducer({ url, prefix: "{t-tls}" });
      const id = await producer.submit({ id: "tls", source: "tls", text: texts[1]!, meta: {} });
      expect((await producer.waitForResult(id, { timeoutMs: 30_000 })).outcomes[0]!.ok).toBe(true);
      await producer.close();
      expect((await stopProcess(worker)).code).toBe(0);
    } finally {
      await server.dispose();
    }
  });
});
