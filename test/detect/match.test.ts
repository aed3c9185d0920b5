// The matcher on packs written here, so each behaviour is pinned independently of the bundled
// packs' wording: boundaries, exclusions, context, negation, zones, English stems, offsets.
import type { CaseResult } from "../../src/types.js";
import { describe, expect, it } from "vitest";
import { createEngineFromRules } from "../../src/engine.js";
import { scanDocument } from "../../src/pipeline.js";
import { parseRulePacks } from "../../src/rules/load.js";

const packs = [
  {
    file: "industry.yaml",
    text: `
kind: industry
dimensions: [{ id: finance, key: true }, { id: telecom, key: true }, { id: internet, key: true }]
rules:
  - id: industry.finance.bank
    target: finance
    weight: 40
    terms: { zh: [银行], en: [bank] }
    exclude: { zh: [银行门口] }
    examples: { match: ["银行"] }
  - id: industry.telecom.mobile
    target: telecom
    weight: 40
    boundary: token
    terms: { zh: [移动] }
    examples: { match: ["中国移动公司"] }
  - id: industry.internet.app
    target: internet
    weight: 30
    terms: { zh: [app] }
    examples: { match: ["某APP"] }
`,
  },
  {
    file: "crime.yaml",
    text: `
kind: crime
dimensions: [{ id: personal-information, charges: [侵犯公民个人信息] }]
rules:
  - id: crime.pi.conduct
    target: personal-information
    weight: 60
    terms: { zh: [个人信息, 公民个人信息], en: [personal information] }
    context:
      window: 12
      require: { zh: [出售, 非法获取], en: [sell, sold] }
      suppress: { zh: [保护] }
      boost: { zh: [内部] }
    examples: { match: ["出售公民个人信息"] }
`,
  },
  {
    file: "negation.yaml",
    text: `
kind: negation
rules:
  - id: negation.not-found
    terms: { zh: [未发现], en: [no evidence] }
    scope: 15
    examples: { match: ["未发现出售个人信息"] }
`,
  },
  {
    file: "zones.yaml",
    text: `
kind: zone
rules:
  - id: zone.defence
    terms: { zh: [辩护人提出] }
    until: sentence
    examples: { match: ["辩护人提出被告人未出售个人信息。"] }
  - id: zone.clerk
    terms: { zh: [书记员] }
    until: line
    examples: { match: ["书记员 出售个人信息"] }
`,
  },
];

const engine = createEngineFromRules(parseRulePacks(packs));
// The matcher's tests read every finding, those of found dimensions and those kept with the signals.
const scan = (text: string) => withSignals(scanDocument({ id: "t", source: "t", text, meta: {} }, engine));
function withSignals(r: CaseResult): CaseResult {
  const all = [...r.findings, ...r.signals.findings].sort((a, b) => a.start - b.start || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return { ...r, findings: all };
}
const live = (text: string, ruleId: string) => scan(text).findings.filter((f) => f.ruleId === ruleId && !f.negated);

describe("matcher", () => {
  it("keeps offsets into the original text through width folding and traditional characters", () => {
    const text = "ＡＢ被告人出售個人信息１２條";
    const f = live(text, "crime.pi.conduct")[0]!;
    expect(text.slice(f.start, f.end)).toBe("個人信息");
    expect(f.match).toBe("個人信息");
  });

  it("keeps the longest of overlapping matches of one rule and counts a rule once", () => {
    const r = scan("被告人出售公民个人信息，又出售个人信息。");
    const fs = r.findings.filter((f) => f.ruleId === "crime.pi.conduct");
    expect(fs.map((f) => f.match)).toEqual(["公民个人信息", "个人信息"]);
    expect(fs.map((f) => f.weight)).toEqual([60, 0]);
    expect(r.crimes[0]).toMatchObject({ id: "personal-information", score: 60 });
  });

  it("requires context within the window, suppresses and boosts", () => {
    expect(live("被告人收集个人信息用于营销", "crime.pi.conduct")).toHaveLength(0);
    expect(live("出售了大量个人信息", "crime.pi.conduct")).toHaveLength(1);
    expect(live("出售……………………………………………………个人信息", "crime.pi.conduct")).toHaveLength(0);
    expect(live("出售个人信息保护条例", "crime.pi.conduct")).toHaveLength(0);
    expect(live("内部人员出售个人信息", "crime.pi.conduct")[0]!.weight).toBe(90);
  });

  it("drops matches inside exclusion phrases", () => {
    expect(live("在某银行门口发生口角", "industry.finance.bank")).toHaveLength(0);
    expect(live("某银行客户经理", "industry.finance.bank")).toHaveLength(1);
  });

  it("matches token-boundary terms only on jieba token edges", () => {
    expect(live("被告人将车辆移动至路边", "industry.telecom.mobile").length).toBeLessThanOrEqual(1);
    expect(live("流动人口移动通信", "industry.telecom.mobile").map((f) => f.match)).toEqual(["移动"]);
  });

  it("does not match a Latin term inside a longer Latin word", () => {
    expect(live("下载某APP后", "industry.internet.app")).toHaveLength(1);
    expect(live("whatsapp 与 apple", "industry.internet.app")).toHaveLength(0);
  });

  it("negates findings in a negation scope, and only there", () => {
    const r = scan("经查，未发现被告人出售个人信息。被告人出售个人信息500条。");
    const fs = r.findings.filter((f) => f.ruleId === "crime.pi.conduct");
    expect(fs).toHaveLength(2);
    expect(fs[0]).toMatchObject({ negated: true, weight: 0 });
    expect(fs[0]!.note).toContain("negation.not-found");
    expect(fs[1]!.negated).toBeUndefined();
  });

  it("negation scope stops at the end of the sentence", () => {
    const r = scan("未发现异常。出售个人信息");
    expect(r.findings.find((f) => f.ruleId === "crime.pi.conduct")!.negated).toBeUndefined();
  });

  it("zones negate until their end: sentence or line", () => {
    const r = scan("辩护人提出被告人未出售个人信息，不构成犯罪。经审理查明，被告人出售个人信息。\n书记员 出售个人信息");
    const fs = r.findings.filter((f) => f.ruleId === "crime.pi.conduct");
    expect(fs.map((f) => Boolean(f.negated))).toEqual([true, false, true]);
    expect(fs[2]!.note).toContain("zone.clerk");
  });

  it("matches English terms on stems, case-insensitively", () => {
    const r = scan("The defendant SOLD the Personal Information of customers to a Bank clerk.");
    expect(live("The defendant SOLD the Personal Information of customers.", "crime.pi.conduct")[0]!.match).toBe("Personal Information");
    expect(r.findings.some((f) => f.ruleId === "industry.finance.bank" && f.match === "Bank")).toBe(true);
    expect(r.language).toBe("en");
  });

  it("negates English findings after an English cue", () => {
    const fs = scan("There is no evidence that he sold personal information.").findings.filter((f) => f.ruleId === "crime.pi.conduct");
    expect(fs[0]!.negated).toBe(true);
  });

  it("sorts findings by offset then rule id", () => {
    const r = scan("某银行员工出售个人信息，中国移动员工出售个人信息。");
    const keys = r.findings.map((f) => [f.start, f.ruleId] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
    expect(keys).toEqual(sorted);
  });
});

describe("offsets through length-changing normalization", () => {
  it("a match ending inside an NFKC expansion covers its whole source character", () => {
    const packs2 = parseRulePacks([
      {
        file: "c.yaml",
        text: `
kind: industry
dimensions: [{ id: finance }]
rules:
  - id: industry.finance.kabu
    target: finance
    terms: { zh: ["(株"] }
    examples: { match: ["㈱"] }
`,
      },
    ]);
    const e = createEngineFromRules(packs2);
    const text = "某㈱公司";
    const f = withSignals(scanDocument({ id: "t", source: "t", text, meta: {} }, e)).findings[0]!;
    expect(text.slice(f.start, f.end)).toBe("㈱");
    expect(f.match).toBe("㈱");
  });
});
