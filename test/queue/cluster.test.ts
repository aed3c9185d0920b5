// Queue mode on a real (throwaway, 3-master) Redis Cluster: the {caseflag} hash-tag prefix keeps
// BullMQ's keys and caseflag's streams in one slot, so its multi-key scripts run there.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProducer } from "../../src/queue/producer.js";
import { planJobs } from "../../src/queue/plan.js";
import { assertBuilt, repoRoot, runCli, startRedisCluster, startWorker, stopProcess, type RedisCluster } from "../helpers/redis.js";

let cluster: RedisCluster;
let dir: string;

beforeAll(async () => {
  assertBuilt();
  cluster = await startRedisCluster(3);
  dir = await mkdtemp(join(tmpdir(), "caseflag-cluster-"));
});
afterAll(async () => {
  await cluster?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("Redis Cluster", () => {
  it("refuses a prefix without a hash tag", async () => {
    const r = await runCli(["status", "--redis", cluster.url, "--prefix", "caseflag"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--prefix "caseflag" has no \{hash tag\}/);
    expect(() => createProducer({ url: cluster.url, prefix: "caseflag" })).toThrow(/hash tag/);
  });

  it("runs producer, worker, status and results on a cluster with the default {caseflag} prefix", async () => {
    const text = await readFile(join(repoRoot, "fixtures/docs/telecom-sim-cards.txt"), "utf8");
    const good = join(dir, "cluster-good.txt");
    const bad = join(dir, "cluster-bad.json");
    await writeFile(good, text);
    await writeFile(bad, "[1, 2");
    const worker = await startWorker(cluster.url, "{caseflag}");
    try {
      const enq = await runCli(["enqueue", "--redis", cluster.url, good, bad]);
      expect(enq.code).toBe(0);
      const ids = enq.stdout.trim().split("\n").map((l) => l.split("\t")[0]!);
      for await (const ev of planJobs([good])) if (ev.kind === "job") expect(ids[0]).toBe(ev.job.jobId);
      const producer = createProducer({ url: cluster.url });
      const [ok, failed] = await Promise.all(ids.map((id) => producer.waitForResult(id, { timeoutMs: 30_000 })));
      await producer.close();
      expect(ok!.outcomes[0]!.ok).toBe(true);
      expect(failed!.outcomes[0]).toMatchObject({ ok: false, failure: { code: "E_JSON" } });

      const st = await runCli(["status", "--redis", cluster.url, "--json"]);
      expect(st.code).toBe(0);
      expect(JSON.parse(st.stdout).counts).toMatchObject({ completed: 1, failed: 1, waiting: 0, active: 0 });
      const res = await runCli(["results", "--redis", cluster.url]);
      expect(res.stdout.trim().split("\n")).toHaveLength(2);
    } finally {
      expect((await stopProcess(worker)).code).toBe(0);
    }
  });
});
