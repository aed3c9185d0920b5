import { describe, expect, it } from "vitest";
import { RuleError } from "../../src/errors.js";
import { loadRules, parseRulePacks } from "../../src/rules/load.js";

const good = `
kind: industry
dimensions:
  - id: finance
    key: true
rules:
  - id: industry.finance.bank
    target: finance
    weight: 30
    terms: { zh: [银行], en: [bank] }
    examples: { match: ["某银行柜员"], noMatch: ["盗窃手机"] }
`;

function problemsOf(files: { file: string; text: string }[]): string[] {
  try {
    parseRulePacks(files);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleError);
    return (error as RuleError).problems.map((p) => `${p.file}|${p.ruleId ?? ""}|${p.message}`);
  }
  return [];
}

describe("rule loading and validation", () => {
  it("loads a valid pack with defaults applied", () => {
    const set = parseRulePacks([{ file: "a.yaml", text: good }]);
    expect(set.rules).toHaveLength(1);
    const r = set.rules[0]!;
    expect(r).toMatchObject({ id: "industry.finance.bank", kind: "industry", target: "finance", weight: 30, boundary: "substring" });
    expect(r.context.window).toBe(30);
    expect(set.dimensions.get("industry")?.get("finance")?.key).toBe(true);
  });

  it("reports every problem at once, each with file and rule id", () => {
    const bad = `
kind: crime
dimensions:
  - id: fraud
rules:
  - id: crime.fraud.a
    target: fraud
    terms: { zh: [诈骗] }
    examples: { match: [] }
  - id: crime.fraud.b
    target: nonexistent
    terms: { zh: [骗] }
    examples: { match: ["骗"] }
  - id: crime.fraud.c
    target: fraud
    patterns: [{ regex: "(a)\\\\1", keywords: [a] }]
    examples: { match: ["aa"] }
  - id: crime.fraud.d
    target: fraud
    examples: { match: ["x"] }
`;
    const problems = problemsOf([
      { file: "bad.yaml", text: bad },
      { file: "dup.yaml", text: good },
      { file: "dup2.yaml", text: good.replace("dimensions:\n  - id: finance\n    key: true\n", "") },
    ]);
    expect(problems).toContainEqual(expect.stringMatching(/^bad\.yaml\|crime\.fraud\.a\|examples\.match needs/));
    expect(problems).toContainEqual(expect.stringMatching(/^bad\.yaml\|crime\.fraud\.b\|target "nonexistent" is not a declared crime dimension/));
    expect(problems).toContainEqual(expect.stringMatching(/^bad\.yaml\|crime\.fraud\.c\|patterns\[0\]: regex does not compile .*RE2/));
    expect(problems).toContainEqual(expect.stringMatching(/^bad\.yaml\|crime\.fraud\.d\|a rule needs terms or patterns/));
    expect(problems).toContainEqual(expect.stringMatching(/^dup2\.yaml\|industry\.finance\.bank\|duplicate rule id/));
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it("names unknown fields and bad enums from the schema, with the rule id", () => {
    const problems = problemsOf([
      {
        file: "s.yaml",
        text: good.replace("weight: 30", "weight: 30\n    wieght: 3").replace("kind: industry", "kind: industri"),
      },
    ]);
    expect(problems.some((p) => p.startsWith("s.yaml|industry.finance.bank|") && p.includes('unknown field "wieght"'))).toBe(true);
    expect(problems.some((p) => p.startsWith("s.yaml||") && p.includes("allowed values"))).toBe(true);
  });

  it("reports YAML syntax errors with the file", () => {
    const problems = problemsOf([{ file: "y.yaml", text: "kind: crime\nrules: [\n" }]);
    expect(problems[0]).toMatch(/^y\.yaml\|\|YAML:/);
  });

  it("requires a tier on info-type dimensions and declared parents", () => {
    const text = `
kind: info-type
dimensions:
  - id: credit-report
    parent: ghost
rules:
  - id: info.credit
    target: credit-report
    terms: { zh: [征信] }
    examples: { match: ["征信报告"] }
`;
    const problems = problemsOf([{ file: "i.yaml", text }]);
    expect(problems).toContainEqual(expect.stringMatching(/needs a tier/));
    expect(problems).toContainEqual(expect.stringMatching(/parent "ghost" is not declared/));
  });

  it("refuses context on a marker rule, whose matches are looked up by position (exclude only)", () => {
    const text = `
kind: party
dimensions:
  - id: recipient
rules:
  - id: party.recipient.x
    target: recipient
    marker: true
    reach: { after: 8 }
    terms: { zh: [卖给] }
    context: { require: { zh: [出售] } }
    examples: { match: ["卖给他人"] }
`;
    expect(problemsOf([{ file: "p.yaml", text }])).toContainEqual(expect.stringMatching(/^p\.yaml\|party\.recipient\.x\|a marker rule takes no context/));
  });

  it("loads the bundled packs without problems", async () => {
    const set = await loadRules();
    expect(set.files.length).toBeGreaterThan(0);
    expect(set.rules.length).toBeGreaterThan(0);
  });

  it("a missing rules directory is a RuleError naming it", async () => {
    await expect(loadRules(["/nonexistent/rules"])).rejects.toThrow(/\/nonexistent\/rules: cannot read rules/);
  });
});
