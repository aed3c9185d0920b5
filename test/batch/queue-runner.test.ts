// batch --queue against a real redis-server and a real queue worker: the same output file as a
// local run (order, lines, hashes), read failures recorded locally, and no Redis = a fast error
// that leaves the output alone.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBatch } from "../../src/batch/run-batch.js";
import { freePort, startRedisServer, type RedisServer } from "../../scripts/redis-server.js";
import type { QueueWorker, QueueWorkerOptions } from "../../src/queue/worker.js";
import { assertBatchBuilt, fixtureTexts, repoRoot, writeDump } from "../helpers/batch.js";

let server: RedisServer;
let worker: QueueWorker;
let dir: string;
const prefix = "{t-batch}";

beforeAll(async () => {
  assertBatchBuilt(); // the queue worker's scan threads run dist/
  server = await startRedisServer();
  // The worker from the build: its scan threads load dist/queue/scan-thread.js.
  const built = (await import(pathToFileURL(join(repoRoot, "dist/queue/worker.js")).href)) as {
    startQueueWorker: (o: QueueWorkerOptions) => Promise<QueueWorker>;
  };
  worker = await built.startQueueWorker({ redis: { url: server.url }, prefix, concurrency: 2 });
  dir = await mkdtemp(join(tmpdir(), "caseflag-batch-queue-"));
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await server?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("runBatch --queue", () => {
  it("writes the same file through the queue's workers as locally", async () => {
    const dump = join(dir, "cases.jsonl");
    await writeDump(dump, 40, await fixtureTexts());
    const inputs = [dump, join(repoRoot, "fixtures/docs"), join(repoRoot, "fixtures/bad")];
    const local = join(dir, "local.jsonl");
    const queued = join(dir, "queued.jsonl");
    await runBatch({ inputs, out: local, workers: 0 });
    const s = await runBatch({ inputs, out: queued, queue: server.url, queuePrefix: prefix, batchSize: 4 });
    expect(s.run.mode).toBe("queue");
    expect(await readFile(queued, "utf8")).toBe(await readFile(local, "utf8"));
    expect(s.failures).toBeGreaterThan(0);
    expect(s.topCases.length).toBeGreaterThan(0);
    expect(s.topCases[0]!.inContext).toBe(true);
  }, 120_000);

  it("two files with the same text each get their own line, with their own id and source", async () => {
    const folder = join(dir, "twins");
    await mkdir(folder);
    const text = (await fixtureTexts())[0]!;
    await writeFile(join(folder, "x1.txt"), text);
    await writeFile(join(folder, "x2.txt"), text);
    await writeFile(join(folder, "z.txt"), `${text}\n（另一份）`);
    const out = join(dir, "twins.jsonl");
    const s = await runBatch({ inputs: [folder], out, queue: server.url, queuePrefix: prefix, batchSize: 1 });
    expect(s.failures).toBe(0);
    const lines = (await readFile(out, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { id: string; source: string });
    expect(lines.map((l) => [l.id, l.source.split("/").pop()])).toEqual([
      ["x1.txt", "x1.txt"],
      ["x2.txt", "x2.txt"],
      ["z.txt", "z.txt"],
    ]);
  }, 60_000);

  it("fails fast with E_QUEUE when Redis cannot be reached, leaving the output untouched", async () => {
    const out = join(dir, "keep.jsonl");
    await writeFile(out, "precious\n");
    const port = await freePort();
    await expect(runBatch({ inputs: [join(repoRoot, "fixtures/docs")], out, queue: `redis://127.0.0.1:${port}` })).rejects.toMatchObject({ code: "E_QUEUE" });
    expect(await readFile(out, "utf8")).toBe("precious\n");
  }, 30_000);
});
