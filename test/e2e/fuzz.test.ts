// Random and adversarial documents through scan and batch (fast-check, fixed seeds so a failure
// replays): every document put in comes out exactly once, as a result or a failure; no scan runs
// far past its budget; no planted identifier comes out unmasked; a random pattern in a user's pack
// is refused or runs, never hangs.
import fc from "fast-check";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBatch } from "../../src/batch/run-batch.js";
import { createEngine, createEngineFromRules, type Engine } from "../../src/engine.js";
import { CaseflagError, RuleError } from "../../src/errors.js";
import { scanDocument } from "../../src/pipeline.js";
import { parseRulePacks } from "../../src/rules/load.js";
import { assertBatchBuilt, readLines } from "../helpers/batch.js";

/** Valid identifiers planted everywhere: none may be printed as is. */
const PLANTED = ["11010519491231002X", "13912345678", "6222021234567890123"];
const BUDGET_MS = 300;
/** What a scan may overrun its budget by: the clock is read between units of bounded work. */
const MARGIN_MS = 3_000;

const TERMS = ["出售", "公民个人信息", "身份证号码", "诈骗", "利用职务便利", "未发现", "关于", "的事实", "证据不足", "条", "万余条", "银行卡", "老年人", "被害人30余名", "违法所得", "元", "。", "，", "\n", "x", "1", "一"];

// Planted between commas: "13912345678条" is a count, not a phone number, and stays as written.
const denseText = fc
  .array(fc.constantFrom(...TERMS, ...PLANTED.map((id) => `，${id}，`)), { minLength: 1, maxLength: 4_000 })
  .map((a) => a.join(""));
const longRun = fc
  .tuple(fc.constantFrom("x", "1", "法", "a.", "，", "1,", "关于", "未发现"), fc.integer({ min: 1, max: 40_000 }))
  .map(([s, n]) => "诈骗" + s.repeat(n));
const anyText = fc.string({ unit: "binary", maxLength: 2_000 });
const adversarial = fc.oneof(denseText, longRun, anyText);

let dir: string;
let engine: Engine;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "caseflag-fuzz-"));
  engine = await createEngine();
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function assertMasked(s: string): void {
  for (const id of PLANTED) expect(s).not.toContain(id);
}

describe("fuzz: one document in the pipeline", () => {
  it("every scan returns a result or a BudgetError within budget + margin, and nothing planted comes out unmasked", () => {
    fc.assert(
      fc.property(adversarial, (text) => {
        const t = performance.now();
        try {
          const r = scanDocument({ id: `id-${PLANTED[1]}`, source: `${PLANTED[0]}.txt`, text, meta: {} }, engine, {
            budget: { ms: BUDGET_MS },
          });
          assertMasked(JSON.stringify(r));
        } catch (err) {
          expect(err).toBeInstanceOf(CaseflagError);
          expect((err as CaseflagError).code).toBe("E_BUDGET");
        }
        expect(performance.now() - t).toBeLessThan(BUDGET_MS + MARGIN_MS);
      }),
      { numRuns: 150, seed: 20261202 },
    );
  });
});

describe("fuzz: random rule patterns in a user's pack", () => {
  // Patterns within the pack schema's reach: literals, classes, bounded and unbounded quantifiers,
  // alternation and groups, nested at random.
  const atom = fc.constantFrom("a", "y", "诈骗", "[^y]", "[^，。]", "\\d", ".", "(?:a|a)", "(?:诈|骗)");
  const quant = fc.constantFrom("", "?", "*", "+", "{0,450}", "{1,30}", "{2,}");
  const piece = fc.tuple(atom, quant).map(([a, q]) => a + q);
  const pattern = fc.array(piece, { minLength: 1, maxLength: 6 }).map((p) => p.join(""));

  it("a random pattern is refused as a rule error or runs without hanging", () => {
    fc.assert(
      fc.property(pattern, adversarial, (regex, text) => {
        const pack = `kind: crime
dimensions:
  - id: fuzzed
rules:
  - id: crime.fuzzed.p
    target: fuzzed
    weight: 30
    patterns: [{ regex: ${JSON.stringify(regex)}, keywords: [诈骗] }]
    examples: { match: ["诈骗"] }
`;
        let e: Engine;
        try {
          e = createEngineFromRules(parseRulePacks([{ file: join(dir, "fuzz", "p.yaml"), text: pack }]));
        } catch (err) {
          expect(err).toBeInstanceOf(RuleError);
          return;
        }
        expect(e.compiled.patternRules.flatMap((r) => r.patterns).every((p) => p.engine === "re2")).toBe(true);
        const t = performance.now();
        try {
          scanDocument({ id: "f", source: "f", text: "诈骗" + text, meta: {} }, e, { budget: { ms: BUDGET_MS } });
        } catch (err) {
          expect((err as CaseflagError).code).toBe("E_BUDGET");
        }
        expect(performance.now() - t).toBeLessThan(BUDGET_MS + MARGIN_MS);
      }),
      { numRuns: 120, seed: 7 },
    );
  });
});

describe("fuzz: a folder of hostile files through batch", () => {
  /** One file: its name, its bytes, and how many documents (outcomes) it holds. */
  type FuzzFile = { name: string; bytes: Buffer; documents: number };
  const file = fc.oneof(
    adversarial.map((t): Omit<FuzzFile, "name"> & { ext: string } => ({ ext: ".txt", bytes: Buffer.from(t), documents: 1 })),
    adversarial.map((t) => ({ ext: ".txt", bytes: iconv.encode(t, "gb18030"), documents: 1 })),
    adversarial.map((t) => ({ ext: ".txt", bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, "utf16le")]), documents: 1 })),
    fc.uint8Array({ maxLength: 3_000 }).map((b) => ({ ext: ".txt", bytes: Buffer.from(b), documents: 1 })),
    fc.integer({ min: 1, max: 6_000 }).map((depth) => ({
      ext: ".json",
      bytes: Buffer.from(`{"fact":"出售公民个人信息${PLANTED[0]}","x":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`),
      documents: 1,
    })),
    fc.array(fc.oneof(denseText, fc.constant("not json"), fc.constant("")), { minLength: 1, maxLength: 30 }).map((lines) => ({
      ext: ".jsonl",
      bytes: Buffer.from(lines.map((l) => (l === "not json" || l === "" ? l : JSON.stringify({ id: PLANTED[1], fact: l }))).join("\n")),
      // A blank line is no document; every other line is one outcome.
      documents: lines.filter((l) => l !== "").length,
    })),
  );

  it("every input document has exactly one outcome line, with threads and inline, and nothing planted is unmasked", async () => {
    assertBatchBuilt();
    const files = fc.sample(file, { numRuns: 60, seed: 42 });
    const folder = join(dir, "batch-in");
    await mkdir(folder, { recursive: true });
    let expected = 0;
    const names: string[] = [];
    for (const [i, f] of files.entries()) {
      // Half the files are named after a person's identifiers.
      const name = `${String(i).padStart(3, "0")}${i % 2 === 0 ? `-${PLANTED[0]}-${PLANTED[1]}` : ""}${f.ext}`;
      await writeFile(join(folder, name), f.bytes);
      names.push(name);
      expected += f.documents;
    }
    for (const workers of [2, 0]) {
      const out = join(dir, `batch-${workers}.jsonl`);
      const summary = await runBatch({ inputs: [folder], out, workers, sizePool: false, budget: { ms: BUDGET_MS } });
      const lines = (await readLines(out)) as { source: string; error?: { code: string } }[];
      expect(lines).toHaveLength(expected);
      expect(summary.documents).toBe(expected);
      // Every file is accounted for: its documents (or its one failure) name it.
      for (const [i] of names.entries()) {
        const prefix = String(i).padStart(3, "0");
        expect(lines.some((l) => l.source.includes(`/${prefix}`))).toBe(true);
      }
      assertMasked(JSON.stringify(lines));
    }
  });
});
