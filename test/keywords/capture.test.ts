// `caseflag keywords` end to end on a planted corpus (fixtures/keywords): ten network-crime facts, seven
// of them 帮信 cases where card renters deal with a 码商 (QR-code merchant, a slang word no pack knows),
// a recurring unmasked go-between (刘二军), a phone number and an ID number; ten unrelated cases
// (theft, drink-driving, assault, traffic) as background. Real engine, real packs, real jieba.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { register } from "../../src/cli/commands/keywords.js";
import { createEngine, createEngineFromRules, type Engine } from "../../src/engine.js";
import { UsageError } from "../../src/errors.js";
import { readInputs } from "../../src/ingest/index.js";
import { captureKeywords, isPersonName, loadKeywordLexicon, type KeywordLexicon, type KeywordReport } from "../../src/keywords/index.js";
import { testRuleExamples } from "../../src/eval/rule-examples.js";
import { BUNDLED_RULES_DIR, loadRules } from "../../src/rules/load.js";

const ROOT = resolve(import.meta.dirname, "../..");
const NETWORK = join(ROOT, "fixtures/keywords/cases-network.jsonl");
const OTHER = join(ROOT, "fixtures/keywords/cases-other.jsonl");
const PLANTED = "码商";
const NAME = "刘二军";

let engine: Engine;
let lex: KeywordLexicon;
let tmp: string;

beforeAll(async () => {
  engine = await createEngine();
  lex = await loadKeywordLexicon();
  tmp = mkdtempSync(join(tmpdir(), "caseflag-keywords-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let code = -1;
  const io: CliIo = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    stdin: process.stdin,
    isTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: ROOT,
  };
  const program = new Command("caseflag").exitOverride();
  register(program, io, (c) => void (code = c));
  await program.parseAsync(["keywords", ...args], { from: "user" });
  return { code, stdout, stderr };
}

function capture(corpus: string[], opts: Partial<Parameters<typeof captureKeywords>[2]> = {}, against?: string[]): Promise<KeywordReport> {
  const inputs: Parameters<typeof captureKeywords>[1] = { corpus: () => readInputs(corpus) };
  if (against) inputs.against = () => readInputs(against);
  return captureKeywords(engine, inputs, { lexicon: lex, ...opts });
}

describe("the planted corpus", () => {
  it("has its preconditions: the planted word is in no pack, the 帮信 facts are found as such", async () => {
    expect(engine.compiled.zhTerms.some((t) => t.includes(PLANTED))).toBe(false);
    const report = await capture([NETWORK, OTHER], { kind: "crime", minCount: 2 });
    expect(report.summary).toMatchObject({ corpusDocs: 20, foregroundDocs: 10, backgroundDocs: 10, failures: 0 });
  });
});

describe("caseflag keywords", () => {
  it("puts the planted slang on top, for the 帮信 crime, from the corpus's own unflagged documents", async () => {
    const { code, stdout } = await cli([NETWORK, OTHER, "--kind", "crime", "--min-count", "2", "--format", "json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as KeywordReport;
    const top = report.candidates[0]!;
    expect(top).toMatchObject({ term: PLANTED, kind: "crime", target: "help-network-crime", backgroundDocs: 0 });
    expect(top.foregroundDocs).toBeGreaterThanOrEqual(5);
    expect(top.examples).toHaveLength(3);
    for (const e of top.examples) expect(e).toContain(PLANTED);
    // The rules of its target that fired beside it: where a reviewer would add it.
    expect(top.rules.length).toBeGreaterThan(0);
    for (const id of top.rules) expect(id).toMatch(/^crime\.help-network-crime\./);
  });

  it("puts it on top against --against files too, and prints the table", async () => {
    const { code, stdout } = await cli([NETWORK, "--against", OTHER, "--min-count", "2"]);
    expect(code).toBe(0);
    const rows = stdout.split("\n");
    expect(rows[0]).toMatch(/^foreground: 10 documents \(--against\); background: 10/);
    expect(rows[1]).toMatch(/^#\s+term\s+kind\s+target\s+fg\s+bg\s+gen\s+ratio\s+G²\s+joins \/ reason/);
    expect(rows[2]).toMatch(/^1\s+码商\s+crime\s+help-network-crime\s+\d+\s+0\s+\d+\s.*joins crime\.help-network-crime\./);
  });

  it("never proposes names (masked or not), identifiers, numbers or pack terms, however low the bar", async () => {
    // Without its filters the recurring go-between (5 foreground documents, 0 background) and the
    // charge name 帮助信息网络犯罪活动 (7 and 0) would outrank the planted word.
    const report = await capture([NETWORK, OTHER], { kind: "crime", minCount: 1, minG2: 0, top: 1000 });
    expect(report.candidates.length).toBeGreaterThanOrEqual(1);
    const terms = report.candidates.map((c) => c.term);
    for (const t of terms) {
      expect(t, t).not.toMatch(/[0-9某×*]/);
      expect(t, t).not.toMatch(/^(?:第|百分之)?[一二三四五六七八九十百千万两]+/);
      expect(t.includes("二军"), t).toBe(false);
      expect(isPersonName(t, lex), t).toBe(false);
      expect(engine.compiled.zhTerms.includes(t), `${t} is a pack term`).toBe(false);
      expect(lex.zhStop.has(t), `${t} is a stop word`).toBe(false);
    }
    expect(terms).not.toContain("帮助信息网络犯罪活动");
    expect(terms).not.toContain("被告人");
    expect(terms).not.toContain("人民币");
    expect(terms).toContain(PLANTED);
  });

  it("writes --out as a pack that validates beside the bundled packs and whose examples match", async () => {
    const out = join(tmp, "candidates.yaml");
    const { code } = await cli([NETWORK, OTHER, "--kind", "crime", "--min-count", "2", "--out", out]);
    expect(code).toBe(0);
    const text = readFileSync(out, "utf8");
    const set = await loadRules([BUNDLED_RULES_DIR, out]); // throws RuleError on any problem
    const mine = set.rules.filter((r) => r.file === out);
    expect(mine.length).toBeGreaterThan(0);
    const planted = mine.find((r) => r.terms.zh.includes(PLANTED))!;
    expect(planted).toMatchObject({ id: "candidate.help-network-crime.u7801-5546", kind: "crime", target: "help-network-crime", weight: 20 });
    expect(planted.examples.match).toHaveLength(3);
    // Names and identifiers in the example sentences are masked.
    expect(text).not.toContain(NAME);
    expect(text).not.toContain("13912345678");
    expect(text).not.toContain("11010519491231002X");
    const report = testRuleExamples(createEngineFromRules(set), (r) => r.file === out);
    expect(report.failures).toEqual([]);
    expect(report.examples).toBeGreaterThanOrEqual(mine.length);
  });

  it("refuses an unknown kind or target, stdin, and a corpus with no background", async () => {
    await expect(cli([NETWORK, "--kind", "crimes"])).rejects.toThrow(/unknown --kind "crimes" \(valid: crime, info-type, industry, group\)/);
    await expect(cli([NETWORK, "--kind", "crime", "--target", "nope"])).rejects.toThrow(UsageError);
    await expect(cli(["-"])).rejects.toThrow(/stdin/);
    await expect(cli([NETWORK, "--kind", "crime"])).rejects.toThrow(/no background documents/);
  });

  it("reports what it could read and exits 2 when some input could not be read", async () => {
    const ok = await cli([NETWORK, OTHER, "--kind", "crime", "--min-count", "2"]);
    expect(ok.code).toBe(0);
    const bad = await cli([NETWORK, OTHER, join(ROOT, "fixtures/bad/undecodable.txt"), "--kind", "crime", "--min-count", "2"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe(ok.stdout);
    expect(bad.stderr).toMatch(/undecodable\.txt/);
    expect(bad.stderr).toMatch(/1 input\(s\) could not be read/);
  });

  it("infers the kind from --target and assigns every candidate to it", async () => {
    const report = await capture([NETWORK, OTHER], { targets: ["help-network-crime"], minCount: 2 });
    expect(report.kind).toBe("crime");
    expect(report.foreground).toEqual(["crime/help-network-crime"]);
    expect(report.candidates[0]!.term).toBe(PLANTED);
    for (const c of report.candidates) expect(c.target).toBe("help-network-crime");
  });
});
