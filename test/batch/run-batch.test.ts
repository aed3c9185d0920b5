// runBatch end to end with the real engine (real jieba) on real files: nothing lost, input order,
// bounded in-flight work, resume by content hash (partial last line cut), soft and hard stops,
// crashed worker threads, and a run that cannot start leaving the output alone.
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBatch, type BatchOptions } from "../../src/batch/run-batch.js";
import { createInlineRunner } from "../../src/runner/inline.js";
import { BYTES_PER_EXTRA_THREAD, createScanPool, threadsForWork, type ScanPool } from "../../src/runner/pool.js";
import type { ScanTask, TaskOutput } from "../../src/runner/task.js";
import { createEngine, type Engine } from "../../src/engine.js";
import { CaseflagError } from "../../src/errors.js";
import { readInputs } from "../../src/ingest/index.js";
import { assertBatchBuilt, fixtureTexts, readLines, repoRoot, writeDump } from "../helpers/batch.js";

type Line = { id: string; source: string; contentHash?: string; score?: number; flags?: { id: string }[]; error?: { code: string } };

let engine: Engine;
let dir: string;
let texts: string[];
const inputs = ["docs", "bad", "archives"].map((d) => join(repoRoot, "fixtures", d));

beforeAll(async () => {
  engine = await createEngine();
  dir = await mkdtemp(join(tmpdir(), "caseflag-batch-"));
  texts = await fixtureTexts();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const inline = (): ScanPool => createInlineRunner({ mask: true, engine });

async function lines(path: string): Promise<Line[]> {
  return (await readLines(path)) as Line[];
}

describe("runBatch", () => {
  it("writes one line per document or failure, in input order, and the summary counts the file", async () => {
    const out = join(dir, "all.jsonl");
    const summary = await runBatch({ inputs, out, runner: inline() });
    const expected: string[] = [];
    for await (const item of readInputs(inputs)) expected.push(item.ok ? item.doc.source : item.failure.source);
    const got = await lines(out);
    expect(got.map((l) => l.source)).toEqual(expected);
    const failures = got.filter((l) => l.error);
    expect(failures.map((l) => l.error!.code)).toEqual(expect.arrayContaining(["E_BINARY", "E_JSON_LINE", "E_XML", "E_ENCODING"]));
    expect(summary.documents).toBe(got.length);
    expect(summary.failures).toBe(failures.length);
    expect(summary.results).toBe(got.length - failures.length);
    expect(summary.flagged).toBe(got.filter((l) => (l.flags?.length ?? 0) > 0).length);
    expect(summary.run).toMatchObject({ read: got.length, scanned: got.length - failures.length + 0, skipped: 0, interrupted: false });
    // Every result carries the sha256 of its text (what --resume keys on).
    for (const l of got.filter((x) => !x.error)) expect(l.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // The top cases are the highest scores in the file, with their evidence.
    const best = Math.max(...got.filter((l) => !l.error).map((l) => l.score!));
    expect(summary.topCases[0]!.score).toBe(best);
    expect(summary.topCases[0]!.snippets.length).toBeGreaterThan(0);
  });

  it("gives the same file with two worker threads as on the main thread", async () => {
    assertBatchBuilt();
    const a = join(dir, "inline.jsonl");
    const b = join(dir, "threads.jsonl");
    await runBatch({ inputs, out: a, runner: inline() });
    // Two threads even for this small input (sizePool false): the point is the threads' order.
    const s = await runBatch({ inputs, out: b, workers: 2, sizePool: false });
    expect(s.run).toMatchObject({ mode: "threads", workers: 2 });
    expect(await readFile(b, "utf8")).toBe(await readFile(a, "utf8"));
  });

  it("sizes its pool to the input: one thread where a second would not pay back its start", async () => {
    assertBatchBuilt();
    const small = await runBatch({ inputs, out: join(dir, "sized.jsonl"), workers: 2 });
    expect(small.run).toMatchObject({ mode: "threads", workers: 1 });
    expect(threadsForWork(2, 1000)).toBe(1);
    expect(threadsForWork(2, BYTES_PER_EXTRA_THREAD)).toBe(2);
    expect(threadsForWork(8, 3 * BYTES_PER_EXTRA_THREAD)).toBe(4);
    expect(threadsForWork(2, 100 * BYTES_PER_EXTRA_THREAD)).toBe(2);
    // stdin: size unknown, as asked.
    expect(threadsForWork(2, undefined)).toBe(2);
  });

  it("keeps input order when batches finish out of order, and never holds more than the window", async () => {
    const dump = join(dir, "order.jsonl");
    const ids = await writeDump(dump, 80, texts.map((t) => t.slice(0, 300)));
    const base = inline();
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    // Batch k resolves after (7k mod 5) extra turns of the event loop: later batches often finish first.
    const shuffling: ScanPool = {
      ...base,
      capacity: 4,
      async run(task: ScanTask): Promise<TaskOutput> {
        const n = task.source.kind === "documents" ? task.source.docs.length : 0;
        inFlight += n;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const turns = (7 * calls++) % 5;
        for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
        const out = await base.run(task);
        inFlight -= n;
        return out;
      },
    };
    const out = join(dir, "order-out.jsonl");
    // chunkBytes 0: the dump is read line by line, as documents (the chunk path has its own test).
    await runBatch({ inputs: [dump], out, runner: shuffling, window: 10, batchSize: 3, chunkBytes: 0 });
    expect((await lines(out)).map((l) => l.id)).toEqual(ids);
    expect(maxInFlight).toBeGreaterThan(3);
    expect(maxInFlight).toBeLessThanOrEqual(10);
  });

  it("keeps input order when JSONL chunks finish out of order, and gives the file line-by-line reading gives", async () => {
    const dump = join(dir, "order-chunks.jsonl");
    const ids = await writeDump(dump, 80, texts.map((t) => t.slice(0, 300)));
    // A blank line and a broken one inside the dump: numbered and failed in place, inside a chunk.
    const raw = (await readFile(dump, "utf8")).split("\n");
    raw.splice(7, 0, "", "{not json");
    await writeFile(dump, raw.join("\n"));
    const base = inline();
    let chunks = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const shuffling: ScanPool = {
      ...base,
      capacity: 4,
      async run(task: ScanTask): Promise<TaskOutput> {
        if (task.source.kind === "chunk") chunks++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        for (let i = 0; i < (7 * chunks) % 5; i++) await new Promise((r) => setImmediate(r));
        const out = await base.run(task);
        inFlight--;
        return out;
      },
    };
    const out = join(dir, "order-chunks-out.jsonl");
    const s = await runBatch({ inputs: [dump], out, runner: shuffling, chunkBytes: 2048 });
    expect(chunks).toBeGreaterThan(10);
    expect(maxInFlight).toBeGreaterThan(1);
    const got = await lines(out);
    expect(got.filter((l) => !l.error).map((l) => l.id)).toEqual(ids);
    expect(got[7]).toMatchObject({ source: `${dump}:9`, error: { code: "E_JSON_LINE" } });
    expect(s.run).toMatchObject({ read: 81, scanned: 80 });
    expect(s.failures).toBe(1);
    const byLine = join(dir, "order-lines-out.jsonl");
    await runBatch({ inputs: [dump], out: byLine, runner: inline(), chunkBytes: 0 });
    expect(await readFile(out, "utf8")).toBe(await readFile(byLine, "utf8"));
  });

  it("passes read options (text field, id field, size limit) to chunks parsed in worker threads", async () => {
    assertBatchBuilt();
    const dump = join(dir, "fields.jsonl");
    const recs = Array.from({ length: 12 }, (_, i) => JSON.stringify({ key: `k${i}`, body2: texts[i % texts.length]!.slice(0, 300), fact: "不是这一段" }));
    recs.splice(5, 0, JSON.stringify({ key: "big", body2: "长".repeat(3000) }));
    await writeFile(dump, recs.join("\n") + "\n");
    const read = { textFields: ["body2"], idField: "key", maxBytes: 4000 };
    const a = join(dir, "fields-threads.jsonl");
    const b = join(dir, "fields-lines.jsonl");
    await runBatch({ inputs: [dump], out: a, workers: 2, sizePool: false, read, chunkBytes: 1024 });
    await runBatch({ inputs: [dump], out: b, runner: inline(), read, chunkBytes: 0 });
    expect(await readFile(a, "utf8")).toBe(await readFile(b, "utf8"));
    const got = await lines(a);
    expect(got.map((l) => l.id)).toEqual(["k0", "k1", "k2", "k3", "k4", `${dump}:6`, "k5", "k6", "k7", "k8", "k9", "k10", "k11"]);
    expect(got[5]!.error!.code).toBe("E_TOO_LARGE");
    // The text came from body2 (the fixtures' cases), not from fact ("不是这一段", nothing to find).
    expect(got.some((l) => (l.score ?? 0) > 0)).toBe(true);
  });

  it("resumes after a stop: the partial last line is cut, done documents skipped, each document once", async () => {
    const dump = join(dir, "resume.jsonl");
    const ids = await writeDump(dump, 60, texts.map((t) => t.slice(0, 400)));
    const out = join(dir, "resume-out.jsonl");
    const stop = new AbortController();
    let seen = 0;
    // The first run reads the dump in small chunks; the resume reads it line by line (it must hash
    // every document before deciding to skip it).
    const first = await runBatch({
      inputs: [dump],
      out,
      runner: inline(),
      signal: stop.signal,
      window: 8,
      batchSize: 2,
      chunkBytes: 2048,
      onRecord: () => {
        if (++seen === 10) stop.abort();
      },
    });
    expect(first.run.interrupted).toBe(true);
    const written = await lines(out);
    expect(written.length).toBeGreaterThanOrEqual(10);
    expect(written.length).toBeLessThan(60);
    expect(written.map((l) => l.id)).toEqual(ids.slice(0, written.length));
    // What a kill in the middle of a write would leave.
    const partial = '{"schemaVersion":1,"id":"doc-9999","sour';
    await appendFile(out, partial);
    const second = await runBatch({ inputs: [dump], out, runner: inline(), resume: true });
    expect(second.run).toMatchObject({ skipped: written.length, resumedLines: written.length, truncatedBytes: Buffer.byteLength(partial), interrupted: false });
    expect(second.run.scanned).toBe(60 - written.length);
    const all = await lines(out);
    expect(all.map((l) => l.id)).toEqual(ids);
    expect(second.documents).toBe(60);
    // A resume of a finished file scans nothing.
    const third = await runBatch({ inputs: [dump], out, runner: inline(), resume: true });
    expect(third.run).toMatchObject({ scanned: 0, skipped: 60 });
    expect((await lines(out)).length).toBe(60);
  });

  it("counts repeated texts: a second copy of a done document is still scanned on resume", async () => {
    const a = JSON.stringify({ id: "a", fact: texts[0] });
    const b = JSON.stringify({ id: "b", fact: texts[1] });
    const a2 = JSON.stringify({ id: "a-again", fact: texts[0] });
    const first = join(dir, "dup-first.jsonl");
    const full = join(dir, "dup-full.jsonl");
    await writeFile(first, `${a}\n${b}\n`);
    await writeFile(full, `${a}\n${b}\n${a2}\n`);
    const out = join(dir, "dup-out.jsonl");
    await runBatch({ inputs: [first], out, runner: inline() });
    const s = await runBatch({ inputs: [full], out, runner: inline(), resume: true });
    expect(s.run).toMatchObject({ skipped: 2, scanned: 1 });
    expect((await lines(out)).map((l) => l.id)).toEqual(["a", "b", "a-again"]);
  });

  it("does not write read failures twice on resume", async () => {
    const out = join(dir, "bad-resume.jsonl");
    const bad = [join(repoRoot, "fixtures/bad")];
    const s1 = await runBatch({ inputs: bad, out, runner: inline() });
    const s2 = await runBatch({ inputs: bad, out, runner: inline(), resume: true });
    expect(s2.run.skipped).toBe(s1.documents);
    expect((await lines(out)).length).toBe(s1.documents);
    expect(s2.failures).toBe(s1.failures);
  });

  /** A batch of 60 documents hard-stopped at the 5th record: its summary, the ids in, the lines out. */
  async function hardStop(name: string, chunkBytes: number) {
    const dump = join(dir, `${name}.jsonl`);
    const ids = await writeDump(dump, 60, texts.map((t) => t.slice(0, 400)));
    const out = join(dir, `${name}-out.jsonl`);
    const hard = new AbortController();
    let seen = 0;
    const s = await runBatch({
      inputs: [dump],
      out,
      runner: inline(),
      hardSignal: hard.signal,
      chunkBytes,
      onRecord: () => {
        if (++seen === 5) hard.abort();
      },
    });
    expect(s.run.interrupted).toBe(true);
    return { ids, got: await lines(out) }; // lines() throws on a partial line
  }

  it("a hard stop leaves whole lines only, a prefix of the input", async () => {
    const { ids, got } = await hardStop("hard", 0);
    expect(got.length).toBe(5);
    expect(got.map((l) => l.id)).toEqual(ids.slice(0, 5));
  });

  it("a hard stop while reading chunks leaves whole lines only, whole chunks, a prefix of the input", async () => {
    const { ids, got } = await hardStop("hard-chunks", 4096);
    expect(got.length).toBeGreaterThanOrEqual(5);
    expect(got.length).toBeLessThan(60);
    expect(got.map((l) => l.id)).toEqual(ids.slice(0, got.length));
  });

  it.each([
    ["as chunks", undefined],
    ["line by line", 0],
  ])("records the documents of a crashed worker thread as E_WORKER failures and goes on (dump read %s)", async (_how, chunkBytes) => {
    const crash = join(dir, "crash-worker.mjs");
    await writeFile(
      crash,
      `import { parentPort } from "node:worker_threads";
parentPort.postMessage({ type: "ready" });
parentPort.on("message", () => { throw new Error("boom in worker"); });`,
    );
    const dump = join(dir, "crash.jsonl");
    const ids = await writeDump(dump, 12, texts);
    const out = join(dir, "crash-out.jsonl");
    const pool = createScanPool({ mask: true, threads: 2, script: pathToFileURL(crash) });
    const s = await runBatch({ inputs: [dump], out, runner: pool, ...(chunkBytes === undefined ? {} : { chunkBytes }) });
    const got = await lines(out);
    expect(got.map((l) => l.id)).toEqual(ids);
    expect(new Set(got.map((l) => l.error?.code))).toEqual(new Set(["E_WORKER"]));
    expect(s.failuresByCode).toEqual({ E_WORKER: 12 });
  });

  it("a run that cannot start (bad rules) throws its error and leaves the output untouched", async () => {
    const rules = join(dir, "bad-rules");
    await rm(rules, { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(rules));
    await writeFile(join(rules, "broken.yaml"), "kind: industry\nrules:\n  - id: 5\n");
    const out = join(dir, "keep.jsonl");
    await writeFile(out, "precious\n");
    const opts: BatchOptions = { inputs, out, engine: { rules: [rules] } };
    await expect(runBatch({ ...opts, workers: 0 })).rejects.toMatchObject({ code: "E_RULES" });
    assertBatchBuilt();
    const err = await runBatch({ ...opts, workers: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaseflagError);
    expect((err as CaseflagError).code).toBe("E_RULES");
    expect(await readFile(out, "utf8")).toBe("precious\n");
  });

  it("refuses to resume into a file that is not caseflag output", async () => {
    const out = join(dir, "foreign.jsonl");
    await writeFile(out, "hello world\n");
    await expect(runBatch({ inputs, out, runner: inline(), resume: true })).rejects.toMatchObject({ code: "E_RESUME" });
    expect(await readFile(out, "utf8")).toBe("hello world\n");
  });
});

describe("runBatch: no document takes its neighbours down", () => {
  const dense = (sentences: number): string => "被告人出售公民个人信息。".repeat(sentences);

  it("scans a JSON document nested 5,000 deep in threads, and its neighbours with it", async () => {
    assertBatchBuilt();
    const folder = join(dir, "deep");
    await mkdir(folder, { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(join(folder, `f${String(i).padStart(2, "0")}.txt`), texts[i % texts.length]!);
    await writeFile(join(folder, "n.json"), `{"fact":"出售公民个人信息","x":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`);
    const out = join(dir, "deep.jsonl");
    const s = await runBatch({ inputs: [folder], out, workers: 2, sizePool: false });
    const got = await lines(out);
    expect(got).toHaveLength(21);
    expect(got.filter((l) => l.error)).toEqual([]);
    expect(s.failures).toBe(0);
  });

  it("stops a thread whose document overruns the hard limit: that document fails E_BUDGET, the others are scanned", async () => {
    assertBatchBuilt();
    const dump = join(dir, "overrun.jsonl");
    const docs = texts.slice(0, 6);
    // ~4 s of scanning, against a hard limit of 1 s; every other document takes milliseconds.
    docs.splice(3, 0, dense(400_000));
    const ids = await writeDump(dump, docs.length, docs);
    const out = join(dir, "overrun-out.jsonl");
    for (const chunkBytes of [undefined, 0]) {
      // The scan's own budget is out of reach here: only the watchdog can stop the document.
      const pool = createScanPool({ mask: true, threads: 1, budget: { ms: 600_000 }, hardLimitMs: 1000 });
      await runBatch({ inputs: [dump], out, runner: pool, ...(chunkBytes === undefined ? {} : { chunkBytes }) });
      const got = await lines(out);
      expect(got.map((l) => l.id)).toEqual(ids);
      expect(got.filter((l) => l.error).map((l) => [l.id, l.error!.code])).toEqual([[ids[3], "E_BUDGET"]]);
    }
  });

  it("a document that kills its thread (out of memory) fails alone after one retry alone; the rest are scanned", async () => {
    assertBatchBuilt();
    const folder = join(dir, "oom");
    await mkdir(folder, { recursive: true });
    for (let i = 0; i < 8; i++) await writeFile(join(folder, `d${i}.txt`), texts[i % texts.length]!);
    await writeFile(join(folder, "d4-big.txt"), dense(400_000));
    const out = join(dir, "oom-out.jsonl");
    const pool = createScanPool({ mask: true, threads: 2, resourceLimits: { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 8 } });
    const s = await runBatch({ inputs: [folder], out, runner: pool, maxInFlightChars: 64 * 1024 * 1024 });
    const got = await lines(out);
    expect(got).toHaveLength(9);
    expect(got.filter((l) => l.error).map((l) => [l.id, l.error!.code])).toEqual([["d4-big.txt", "E_WORKER"]]);
    expect(s.results).toBe(8);
  });
});
