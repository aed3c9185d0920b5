// Keyword capture on real text (../shared/data, research data never copied into the repo), with five
// slang terms that no pack knows planted into it, each in 5 to 40 documents, in varied real
// sentences. All five must rank in the top 25, whole: never as a fragment (社工 or 工库 for 社工库),
// never only inside a longer string. And on the published personal-information cases as they are,
// none of the generic words an analyst would strike (公司, 获取, 警方 …) may be proposed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/engine.js";
import { readInputs } from "../../src/ingest/index.js";
import {
  captureKeywords,
  loadGeneralBackground,
  loadKeywordLexicon,
  maskNames,
  type GeneralBackground,
  type KeywordLexicon,
  type KeywordReport,
} from "../../src/keywords/index.js";

const SHARED = resolve(import.meta.dirname, "../..", "../shared/data");
const TYPICAL = join(SHARED, "typical/typical.jsonl");
const DEV = join(SHARED, "cail/dev.jsonl");

/** Slang of the data trade in no pack: (term, documents it is planted in). */
const PLANTED: [string, number][] = [
  ["拉新", 5],
  ["接码", 9],
  ["社工库", 14],
  ["养号", 24],
  ["洗料", 40],
];
/**
 * Words around a planted term. Each term goes through them in its own shuffled order, so that no
 * carrier phrase recurs more than its share (drawn independently, 组织他人 once stood before 养号 in
 * four of its five documents: a string seen mostly after one neighbour is a fragment by any measure).
 */
const BEFORE = ["通过", "从事", "利用", "参与", "组织他人", "为他人", "专门", "借助", "用于", "并", "在"];
const AFTER = ["", "业务", "平台", "活动", "服务", "渠道", "工作室", "群", "软件", "项目"];
/** The generic words the issue names: never in the top 25. */
const GENERIC = ["姓名", "报道", "公司", "不等", "元至", "提起", "警方", "媒体", "涉及", "大量", "非法", "获取"];

/** Words of how the published cases are reported, not of what happened in them. */
const GENRE = ["打掉", "网安", "犯罪团伙", "检察官", "涉案", "涉案金额", "赔礼道歉"];

/** A deterministic generator (mulberry32), so the planted corpus is the same on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: readonly T[], next: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Plants each term into `count` documents (spread over the corpus) after a random comma of the text. */
export function plant(facts: { id: string; fact: string }[], seed = 17, planted: [string, number][] = PLANTED): { id: string; fact: string }[] {
  const next = rng(seed);
  const out = facts.map((f) => ({ ...f }));
  for (const [term, count] of planted) {
    const docs = new Set<number>();
    while (docs.size < count) docs.add(Math.floor(next() * out.length));
    const before = shuffled(BEFORE, next);
    const after = shuffled(AFTER, next);
    let k = 0;
    for (const i of docs) {
      const f = out[i]!;
      const commas = [...f.fact.matchAll(/，/g)].map((m) => m.index);
      const at = commas.length > 0 ? commas[Math.floor(next() * commas.length)]! + 1 : 0;
      const phrase = before[k % before.length]! + term + after[k % after.length]! + "，";
      k++;
      f.fact = f.fact.slice(0, at) + phrase + f.fact.slice(at);
    }
  }
  return out;
}

function readJsonl(file: string): { id: string; fact: string }[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as { id: string; fact: string });
}

let engine: Engine;
let lexicon: KeywordLexicon;
let general: GeneralBackground | null;
let tmp: string;
let background: string;

beforeAll(async () => {
  expect(existsSync(TYPICAL), `${TYPICAL} (research data beside the repo)`).toBe(true);
  expect(existsSync(DEV), DEV).toBe(true);
  engine = await createEngine();
  lexicon = await loadKeywordLexicon();
  general = await loadGeneralBackground();
  expect(general).not.toBeNull();
  tmp = mkdtempSync(join(tmpdir(), "caseflag-planted-"));
  // The background: CAIL facts of every crime but the personal-information ones.
  background = join(tmp, "other-crimes.jsonl");
  const other = readFileSync(DEV, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !/公民个人信息/.test((JSON.parse(l) as { accusation: string[] }).accusation.join("")));
  writeFileSync(background, other.join("\n") + "\n");
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(corpus: string, top = 25): Promise<KeywordReport> {
  return captureKeywords(engine, { corpus: () => readInputs([corpus]), against: () => readInputs([background]) }, { lexicon, general, top });
}

function expectWhole(report: KeywordReport, planted: [string, number][] = PLANTED): void {
  const terms = report.candidates.map((c) => c.term);
  for (const [term, count] of planted) {
    const c = report.candidates.find((x) => x.term === term);
    expect(c, `${term} (planted in ${count}) among ${terms.join(" ")}`).toBeDefined();
    // (拉新 is in one published case already.)
    expect(c!.foregroundDocs).toBeGreaterThanOrEqual(count);
    expect(c!.foregroundDocs).toBeLessThanOrEqual(count + 1);
    expect(c!.examples.length).toBeGreaterThanOrEqual(1);
    for (const e of c!.examples) expect(e).toContain(term);
    // No fragment of it, and no longer string standing in for it.
    for (const t of terms) if (t !== term) expect(term.includes(t) || t.includes(term), `${t} next to ${term}`).toBe(false);
  }
}

describe("planted slang in the published personal-information cases", () => {
  it("has its preconditions: no pack knows the slang and the corpus does not use it", () => {
    const text = readFileSync(TYPICAL, "utf8");
    for (const [term] of PLANTED) {
      expect(engine.compiled.zhTerms.some((t) => t.includes(term)), term).toBe(false);
      expect(text.split(term).length - 1, term).toBeLessThanOrEqual(1);
    }
  });

  it("ranks all five in the top 25, whole, against CAIL facts of other crimes", async () => {
    const planted = join(tmp, "typical-planted.jsonl");
    writeFileSync(planted, plant(readJsonl(TYPICAL)).map((f) => JSON.stringify(f)).join("\n") + "\n");
    const report = await run(planted);
    expect(report.summary.foregroundDocs).toBe(79);
    expectWhole(report);
  }, 120_000);

  // The extremes of the range: all five in 5 documents each (rarest), all five in 40 (a
  // foreground share of 40/79, where a longer string around the term or a fragment could compete).
  it.each([5, 40])("ranks all five in the top 25, whole, when each is planted in %i documents", async (count) => {
    const planted = join(tmp, `typical-planted-${count}.jsonl`);
    const terms: [string, number][] = PLANTED.map(([t]) => [t, count]);
    writeFileSync(planted, plant(readJsonl(TYPICAL), 41 + count, terms).map((f) => JSON.stringify(f)).join("\n") + "\n");
    const report = await run(planted);
    expectWhole(report, terms);
  }, 120_000);

  it("proposes none of the generic words on the cases as published, and its examples name no one", async () => {
    const report = await run(TYPICAL);
    const terms = report.candidates.map((c) => c.term);
    expect(terms.length).toBeGreaterThan(0);
    for (const g of GENERIC) expect(terms, g).not.toContain(g);
    // Nor the language of police and prosecutors' press releases, civil remedies or the narration of
    // every criminal case (genre.zh.txt, legal vocabulary), which the reports are full of.
    for (const g of GENRE) expect(terms, g).not.toContain(g);
    // Names written in full or masked in part (梁某红) are masked: masking an example again changes nothing.
    for (const c of report.candidates) {
      for (const e of c.examples) expect(maskNames(e, engine.segmenter.segment(e), lexicon), e).toBe(e);
    }
  }, 120_000);
});

describe("planted slang in CAIL fraud facts", () => {
  // A foreground eight times larger (~640 fraud facts): a term in 5 of them (0.8%) ranks around 30th
  // there, so the counts start at 8 here.
  const COUNTS: [string, number][] = PLANTED.map(([t], i) => [t, [8, 12, 18, 28, 40][i]!]);
  it("ranks all five in the top 25, whole, with the fraud facts the engine finds as foreground", async () => {
    const facts = readJsonl(DEV);
    // Plant into the facts labelled fraud only, so every planted document is in the foreground.
    const fraud = facts.filter((f) => /诈骗/.test(((f as unknown as { accusation: string[] }).accusation ?? []).join("")));
    const planted = plant(fraud, 29, COUNTS);
    const ids = new Set(planted.map((f) => f.id));
    const plantedFraud = new Map(planted.map((f) => [f.id, f.fact]));
    const corpus = join(tmp, "dev-planted.jsonl");
    writeFileSync(corpus, facts.map((f) => JSON.stringify({ id: f.id, fact: ids.has(f.id) ? plantedFraud.get(f.id) : f.fact })).join("\n") + "\n");
    const report = await captureKeywords(engine, { corpus: () => readInputs([corpus]) }, { lexicon, general, kind: "crime", targets: ["fraud"], top: 25 });
    const terms = report.candidates.map((c) => c.term);
    for (const [term] of PLANTED) {
      const c = report.candidates.find((x) => x.term === term);
      expect(c, `${term} among ${terms.join(" ")}`).toBeDefined();
      for (const t of terms) if (t !== term) expect(term.includes(t) || t.includes(term), `${t} next to ${term}`).toBe(false);
    }
  }, 300_000);
});
