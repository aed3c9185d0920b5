import { describe, expect, it } from "vitest";
import { isBoundedRegex, MAX_PATHS, MAX_POSITIONS, regexPaths, regexShape, toV8Source } from "../../src/rules/regex-safety.js";
import { createEngineFromRules } from "../../src/engine.js";
import { scanDocument } from "../../src/pipeline.js";
import { loadRules, parseRulePacks } from "../../src/rules/load.js";
import { compileRules, MAX_WORK } from "../../src/rules/compile.js";
import { normalize, stemPhrase } from "../../src/text/index.js";

describe("bounded regexes (may run on V8)", () => {
  it("counts the paths through a pattern: branches add, sequences and iterations multiply", () => {
    expect(regexPaths("abc")).toBe(1);
    expect(regexPaths("a|b|c")).toBe(3);
    expect(regexPaths("(?:a|b)(?:c|d)")).toBe(4);
    expect(regexPaths("[^,]{0,4}")).toBe(5);
    expect(regexPaths("(?:ab?){0,2}")).toBe(1 + 2 + 4);
    expect(regexPaths("a?b{3}[*+]{0,2}")).toBe(2 * 1 * 3);
    expect(regexPaths("(?<![0-9])x(?=y)")).toBe(1);
  });

  it("accepts bounded patterns, nested ones included, under the path limit", () => {
    expect(isBoundedRegex("以[^，,。；;]{1,25}为(?:由|名|借口)")).toBe(true);
    expect(isBoundedRegex("(?:信息|记录)[^,，。]{0,4}(?:\\d{1,9}(?:\\.\\d{1,3})?|[一二三]{1,5})(?:万|千)?(?:余|多)?[条份]")).toBe(true);
    expect(isBoundedRegex("\\p{Han}{2,4}(?:省|自治区)?")).toBe(true);
    // zone.institution: three optional parts, each with a bounded quantifier inside.
    expect(isBoundedRegex("(?:\\p{Han}{2,4}(?:省|自治区))?(?:\\p{Han}{2,5}(?:市|州))?(?:\\p{Han}{1,6}(?:区|县))?法院")).toBe(true);
  });

  it("refuses unbounded quantifiers, exponential alternation, and what it cannot read", () => {
    expect(isBoundedRegex("a+")).toBe(false);
    expect(isBoundedRegex("[^。]*信息")).toBe(false);
    expect(isBoundedRegex("a{2,}")).toBe(false);
    expect(isBoundedRegex("(?:a+)?")).toBe(false);
    // No nested quantifier, yet 2^26 paths: 5 s on V8 for 26 a's. The old check let it through.
    expect(isBoundedRegex("(?:a|a){1,26}b")).toBe(false);
    expect(regexPaths("(?:a|a){1,26}b")).toBeGreaterThan(MAX_PATHS);
    expect(isBoundedRegex("((a){0,30}){0,30}")).toBe(false);
    expect(isBoundedRegex("(a)\\1")).toBe(false);
    expect(isBoundedRegex("(a|b")).toBe(false);
    expect(isBoundedRegex("a|b)")).toBe(false);
    expect(isBoundedRegex("[abc")).toBe(false);
  });

  it("spells scripts the way V8 reads them, and leaves general categories alone", () => {
    expect(toV8Source("\\p{Han}{2}\\P{Han}[\\p{Latin}]\\p{L}\\p{Lu}")).toBe("\\p{Script=Han}{2}\\P{Script=Han}[\\p{Script=Latin}]\\p{L}\\p{Lu}");
    expect(new RegExp(toV8Source("^\\p{Han}+$"), "u").test("北京")).toBe(true);
  });

  it("every bundled rule regex runs on V8 (the bundled packs keep to bounded patterns), the institution zone included", async () => {
    const compiled = compileRules(await loadRules(), { normalize: (s) => normalize(s).text, stemPhrase });
    const patterns = [...compiled.patternRules, ...compiled.scopeRules].flatMap((r) => r.patterns.map((p) => ({ id: r.rule.id, p })));
    expect(patterns.length).toBeGreaterThan(20);
    for (const { id, p } of patterns) expect(`${id}: ${p.engine}`).toBe(`${id}: v8`);
  });
});

describe("no rule regex can hang a scan", () => {
  const pack = (regex: string): string => `
kind: crime
dimensions:
  - id: fraud
rules:
  - id: crime.fraud.hostile
    target: fraud
    weight: 30
    patterns: [{ regex: "${regex}", keywords: [诈骗] }]
    examples: { match: ["诈骗y"] }
`;

  it("a pattern expanding past 200 positions is a rule error naming file and rule: [^y]{0,450}[^y]{0,450}y ran minutes on V8 and ~100 µs a character on RE2", () => {
    expect(regexShape("[^y]{0,450}[^y]{0,450}y")).toEqual({ paths: expect.any(Number), positions: 901 });
    expect(regexPaths("[^y]{0,450}[^y]{0,450}y")).toBeLessThan(MAX_PATHS);
    expect(() => parseRulePacks([{ file: "/somewhere/hostile.yaml", text: pack("[^y]{0,450}[^y]{0,450}y") }])).toThrow(
      /hostile\.yaml \[crime\.fraud\.hostile\]: patterns\[0\]: regex expands to 901 positions \(limit 200\)/,
    );
    // Inline flags hide a pattern from the cost check: refused too.
    expect(() => parseRulePacks([{ file: "/somewhere/hostile.yaml", text: pack("(?i:[^y]{0,450}y)") }])).toThrow(/cannot be checked/);
    // Every bundled pattern is within the limit.
    expect(regexShape("(?:关于|对于)[^。；;]{0,80}?(?:的事实|的指控|的犯罪事实|一节)[,，]?[^。；;]{0,20}?(?:证据不足|不能成立|不予认定|不能认定|不予支持)").positions).toBeLessThanOrEqual(MAX_POSITIONS);
  });

  it("a user's pack runs on RE2 even when its pattern is bounded, and stays fast over 300 KB of one sentence", async () => {
    const set = parseRulePacks([{ file: "/somewhere/else/hostile.yaml", text: pack("[^y]{0,90}[^y]{0,90}y") }]);
    const engine = createEngineFromRules(set);
    const p = engine.compiled.patternRules[0]!.patterns[0]!;
    expect(p.engine).toBe("re2");
    expect(p.regexFor(10)).not.toBeInstanceOf(RegExp);
    // One sentence of 300,000 characters holding the keyword, and 3,000 sentences of 100.
    for (const text of ["诈骗" + "出售银行卡给他人，".repeat(33_000), ("诈骗" + "x".repeat(97) + "。").repeat(3000)]) {
      const r = scanDocument({ id: "h", source: "h", text, meta: {} }, engine, { budget: { ms: 60_000 } });
      expect(r.findings.some((f) => f.ruleId === "crime.fraud.hostile")).toBe(false);
    }
  });

  it("a bundled pattern runs on V8 over a sentence and on RE2 over a text too long for its worst case", async () => {
    const compiled = compileRules(await loadRules(), { normalize: (s) => normalize(s).text, stemPhrase });
    const zone = compiled.scopeRules.find((r) => r.rule.id === "zone.unproven-charge")!.patterns[0]!;
    expect(zone.engine).toBe("v8");
    expect(zone.regexFor(40)).toBeInstanceOf(RegExp);
    const paths = regexPaths((zone.regexFor(40) as RegExp).source);
    expect(zone.regexFor(Math.ceil(MAX_WORK / paths) + 1)).not.toBeInstanceOf(RegExp);
  });
});
