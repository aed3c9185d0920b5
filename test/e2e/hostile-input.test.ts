// Issue 10's reproductions, each as a test that failed before its fix: hostile documents, names
// and packs fail alone with a one-line message, and everything else in the run comes out intact.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/engine.js";
import { readPath } from "../../src/ingest/index.js";
import { scanDocument } from "../../src/pipeline.js";
import { redactorFor } from "../../src/output/redact.js";
import type { CaseResult } from "../../src/types.js";
import { assertBatchBuilt, readLines, repoRoot } from "../helpers/batch.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
let engine: Engine;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "caseflag-hostile-"));
  engine = await createEngine();
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const scan = (text: string, budget?: { ms?: number; maxMatches?: number }): CaseResult =>
  scanDocument({ id: "t", source: "t", text, meta: {} }, engine, budget ? { budget } : {});

describe("term-dense documents", () => {
  it("150,000 dense sentences (5.4 MB) scan without a stack overflow; a rule's repetitions past 1,000 are counted, not listed", () => {
    // About what the scan holds, not how fast: a generous budget, so a loaded machine (the default
    // 10 s is ~8x this scan on a quiet one) does not fail it with E_BUDGET.
    const r = scan("被告人出售公民个人信息。".repeat(150_000), { ms: 120_000 });
    expect(r.crimes.find((c) => c.id === "personal-information")!.score).toBeGreaterThanOrEqual(50);
    const perRule = new Map<string, number>();
    for (const f of r.findings) perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
    expect(Math.max(...perRule.values())).toBeLessThanOrEqual(1_000);
    expect(r.findingsOmitted).toBeGreaterThan(100_000);
  });

  it("a document past its match budget fails with E_BUDGET; past its time budget too", () => {
    expect(() => scan("出售公民个人信息。".repeat(2_000), { maxMatches: 1_000 })).toThrow(expect.objectContaining({ code: "E_BUDGET" }));
    expect(() => scan("出售公民个人信息。".repeat(50_000), { ms: 1 })).toThrow(expect.objectContaining({ code: "E_BUDGET" }));
  });

  it("a 16,000-letter Latin run is not fed to the Porter stemmer (quadratic: 2.2 s before)", () => {
    const r = scan("诈骗" + "x".repeat(16_000), { ms: 1_000 });
    expect(r.language).toBe("en");
  });

  it("scan reports the document over its budget and still scans the next one (exit 2)", async () => {
    const dense = join(dir, "dense.txt");
    // ~3 s of scanning against a budget of 1 s; the fact after it takes milliseconds, even cold.
    await writeFile(dense, "被告人出售公民个人信息。".repeat(300_000));
    const r = await runCli(["scan", dense, join(repoRoot, "fixtures/docs/theft-negative.txt"), "--scan-budget", "1000", "-f", "jsonl"]);
    expect(r.code).toBe(2);
    // Which budget runs out first depends on the machine's speed at the time (2M matches take ~1 s):
    // either way the document is reported and the next one scanned.
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/dense\.txt: scan exceeded its (?:time budget of 1000 ms|budget of 2000000 matches) \(E_BUDGET\)$/),
    ]);
    expect(r.stdout.trim().split("\n").map((l) => (JSON.parse(l) as CaseResult).id)).toEqual(["theft-negative.txt"]);
  });
});

describe("usage", () => {
  it("--fail-on refuses a condition that is no flag (a typo silently disabled the gate)", async () => {
    for (const typo of ["pi-leek", "insiders"]) {
      const r = await runCli(["scan", join(repoRoot, "fixtures/docs/theft-negative.txt"), "--fail-on", typo]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`invalid --fail-on "${typo}"`);
      expect(r.stderr).toContain("pi-leak");
    }
    expect((await runCli(["scan", join(repoRoot, "fixtures/docs/bank-credit-report.txt"), "--fail-on", "pi-leak"])).code).toBe(1);
  });

  it("--scan-budget must be a positive integer", async () => {
    const r = await runCli(["scan", join(repoRoot, "fixtures/docs/theft-negative.txt"), "--scan-budget", "soon"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid --scan-budget "soon"');
  });

  it("a YAML alias bomb in a rule pack is a rule error naming the file, not an internal error", async () => {
    const rules = join(dir, "bomb-rules");
    await import("node:fs/promises").then((fs) => fs.mkdir(rules, { recursive: true }));
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 9; i++) {
      const p = String.fromCharCode(96 + i);
      const c = String.fromCharCode(97 + i);
      levels.push(`${c}: &${c} [${Array(9).fill(`*${p}`).join(", ")}]`);
    }
    await writeFile(join(rules, "bomb.yaml"), levels.join("\n") + "\n");
    const r = await runCli(["rules", "check", "--rules", rules]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/bomb\.yaml: YAML: Excessive alias count/);
    expect(r.stderr).not.toContain("internal error");
  });
});

describe("identifiers in names", () => {
  it("a rule match spanning a phone number quotes it masked (fuzzing found 出售13912345678银行卡 printed whole)", () => {
    const r = scan("被告人出售13912345678银行卡。");
    const quoted = JSON.stringify([r.findings, r.crimes, r.flags]);
    expect(quoted).toContain("出售139****5678银行卡");
    expect(quoted).not.toContain("13912345678");
    const doc = { id: "t", source: "t", text: "被告人出售13912345678银行卡。", meta: {} };
    const raw = redactorFor(false).result(scanDocument(doc, engine), doc);
    expect(JSON.stringify(raw.findings)).toContain("出售13912345678银行卡");
  });

  const name = "身份证110105198603121231-手机13912345678.txt";

  it("a file named after a person's ID and phone is masked in results and failure lines", async () => {
    const folder = join(dir, "named");
    await import("node:fs/promises").then((fs) => fs.mkdir(folder, { recursive: true }));
    await writeFile(join(folder, name), "被告人出售公民个人信息5000条。");
    await writeFile(join(folder, "手机13912345678.bin"), Buffer.from([0, 1, 2, 3, 0, 0]));
    await writeFile(join(folder, "ids.jsonl"), JSON.stringify({ id: "13912345678", fact: "被告人盗窃手机一部。" }) + "\n");
    const scanned = await runCli(["scan", join(folder, name), "-f", "jsonl"]);
    const batchOut = join(dir, "named.jsonl");
    assertBatchBuilt();
    const batched = await runCli(["batch", folder, "--out", batchOut]);
    expect(batched.code).toBe(0);
    const everything = scanned.stdout + scanned.stderr + batched.stderr + JSON.stringify(await readLines(batchOut));
    expect(everything).not.toContain("19860312");
    expect(everything).not.toContain("13912345678");
    expect(everything).toContain("139****5678");
    const raw = await runCli(["scan", join(folder, name), "-f", "jsonl", "--no-mask"]);
    expect(raw.stdout).toContain("110105198603121231");
  });
});

describe("reading", () => {
  it("UTF-8 with two stray bytes is read with U+FFFD in their place, and the result says so", async () => {
    const file = join(dir, "stray.txt");
    const good = Buffer.from("被告人张某出售公民个人信息5000条，违法所得2万元。".repeat(20));
    await writeFile(file, Buffer.concat([good, Buffer.from([0xff, 0xfe]), Buffer.from("本院认为，被告人构成侵犯公民个人信息罪。")]));
    const r = await runCli(["scan", file, "-f", "json"]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as CaseResult;
    expect(result.warnings).toEqual(["2 byte sequences were not valid UTF-8 and were replaced with U+FFFD"]);
    expect(result.severity).toBe("serious");
    expect(r.stderr).toContain("warning:");
    // A JSONL line likewise; a GBK line inside a UTF-8 dump still fails alone.
    const dump = join(dir, "stray.jsonl");
    const gbk = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd, 0xb5, 0xc1, 0xc7, 0xd4, 0xca, 0xd6, 0xbb, 0xfa]);
    const jsonLine = (id: string): Buffer => Buffer.from(JSON.stringify({ id, fact: "被告人出售公民个人信息" }) + "\n");
    await writeFile(
      dump,
      Buffer.concat([
        jsonLine("g1"),
        jsonLine("g2"),
        jsonLine("g3"),
        Buffer.from('{"id":"a","fact":"' + "出售公民个人信息".repeat(5)),
        Buffer.from([0xff]),
        Buffer.from('"}\n{"id":"b","fact":"'),
        gbk,
        Buffer.from('"}\n'),
      ]),
    );
    const items = [];
    for await (const it of readPath(dump)) items.push(it);
    expect(items.map((i) => (i.ok ? `${i.doc.id}:${i.doc.warnings?.length ?? 0}` : i.failure.code))).toEqual(["g1:0", "g2:0", "g3:0", "a:1", "E_ENCODING"]);
  });

  it("an empty or blank file is E_NO_TEXT, as a JSONL record without text is", async () => {
    const empty = join(dir, "empty.txt");
    const blank = join(dir, "blank.html");
    await writeFile(empty, "");
    await writeFile(blank, "<!doctype html><html><body>  </body></html>");
    for (const f of [empty, blank]) {
      const items = [];
      for await (const it of readPath(f)) items.push(it);
      expect(items.map((i) => (i.ok ? "ok" : i.failure.code))).toEqual(["E_NO_TEXT"]);
    }
  });

  it("a .tar.gz member refused for size is one failure line, and the member after it is read", async () => {
    const folder = join(dir, "tgz");
    await import("node:fs/promises").then((fs) => fs.mkdir(folder, { recursive: true }));
    await writeFile(join(folder, "a.txt"), "被告人出售公民个人信息5000条。");
    // 30 MB of one word: it compresses 600:1, which the ratio meter must not count against the archive.
    await writeFile(join(folder, "big.txt"), "诈骗".repeat(5_000_000));
    await writeFile(join(folder, "c.txt"), "被告人盗窃手机一部。");
    const archive = join(dir, "t.tgz");
    execFileSync("tar", ["czf", archive, "-C", folder, "a.txt", "big.txt", "c.txt"]);
    const items = [];
    for await (const it of readPath(archive, { maxBytes: 1_000_000 })) items.push(it);
    expect(items.map((i) => (i.ok ? i.doc.id : `${i.failure.source.split("!/")[1]}:${i.failure.code}`))).toEqual([
      "a.txt",
      "big.txt:E_ARCHIVE_LIMIT",
      "c.txt",
    ]);
  });
});
