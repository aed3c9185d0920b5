// Found versus signal: thresholds and curves from the calibration, hints, counter-evidence,
// --min-confidence, and the evidence list as a zone.
import { describe, expect, it } from "vitest";
import { createEngine, createEngineFromRules } from "../../src/engine.js";
import { scanDocument, type ScanOptions } from "../../src/pipeline.js";
import type { Calibration } from "../../src/rules/calibration.js";
import { parseRulePacks } from "../../src/rules/load.js";
import type { CaseResult } from "../../src/types.js";

const packs = [
  {
    file: "crimes.yaml",
    text: `
kind: crime
dimensions:
  - { id: personal-information, charges: [侵犯公民个人信息] }
  - { id: fraud, charges: [诈骗] }
rules:
  - id: crime.pi.charge
    target: personal-information
    weight: 80
    terms: { zh: [侵犯公民个人信息罪] }
    examples: { match: ["犯侵犯公民个人信息罪"] }
  - id: crime.pi.mention
    target: personal-information
    weight: 40
    terms: { zh: [个人信息] }
    examples: { match: ["个人信息"] }
  - id: crime.fraud.word
    target: fraud
    weight: 60
    hint: true
    terms: { zh: [骗] }
    examples: { match: ["骗"] }
  - id: crime.fraud.obtain
    target: fraud
    weight: 30
    terms: { zh: [骗取] }
    examples: { match: ["骗取"] }
  - id: crime.fraud.against
    target: fraud
    weight: 50
    counter: true
    terms: { zh: [盗走] }
    examples: { match: ["盗走"] }
`,
  },
];

const calibration: Calibration = {
  dimensions: {
    crime: {
      "personal-information": {
        threshold: 45,
        confidence: [
          [40, 0.3],
          [80, 0.9],
        ],
      },
      "*": {
        threshold: 50,
        confidence: [
          [0, 0],
          [100, 1],
        ],
      },
    },
  },
  leakScore: [
    [0, 0],
    [100, 1],
  ],
};

const ruleSet = parseRulePacks(packs);
const engine = createEngineFromRules({ ...ruleSet, calibration });
const scan = (text: string, options: ScanOptions = {}): CaseResult => scanDocument({ id: "t", source: "t", text, meta: {} }, engine, options);
const ids = (list: { id: string }[]): string[] => list.map((d) => d.id);

describe("found versus signal", () => {
  it("a dimension below its threshold is a signal, its evidence with it; it weighs nothing in flags or severity", () => {
    const r = scan("该案涉及个人信息。");
    expect(ids(r.crimes)).toEqual([]);
    expect(r.signals.crimes).toEqual([expect.objectContaining({ id: "personal-information", score: 40, confidence: 0.3 })]);
    expect(r.findings.some((f) => f.ruleId === "crime.pi.mention")).toBe(false);
    expect(r.signals.findings.map((f) => f.ruleId)).toEqual(["crime.pi.mention"]);
    expect(r.flags).toEqual([]);
    expect(r.severity).toBe("none");
  });

  it("the calibration's threshold and curve decide, per dimension", () => {
    const r = scan("被告人犯侵犯公民个人信息罪。");
    // The charge (80) and the mention inside it (40): 88, past the curve's last point.
    expect(r.crimes).toEqual([expect.objectContaining({ id: "personal-information", score: 88, confidence: 0.9 })]);
    expect(r.flags.map((f) => [f.id, f.confidence])).toEqual([["pi-leak", r.score / 100]]);
  });

  it("one hint alone is never a finding, however heavy; with other evidence it counts", () => {
    const alone = scan("被告人骗了他。");
    expect(ids(alone.crimes)).toEqual([]);
    expect(alone.signals.crimes[0]).toMatchObject({ id: "fraud", score: 60 });
    const withCompany = scan("被告人骗取他人钱款。");
    // 骗取 holds 骗: both rules speak, 1 − 0.4·0.7 = 72.
    expect(withCompany.crimes[0]).toMatchObject({ id: "fraud", score: 72 });
  });

  it("counter-evidence has a negative weight and multiplies the score", () => {
    const r = scan("被告人骗取他人信任后盗走财物。");
    const against = [...r.findings, ...r.signals.findings].find((f) => f.ruleId === "crime.fraud.against")!;
    expect(against.weight).toBe(-50);
    // 72 · (1 − 0.5) = 36: a signal now.
    expect(r.signals.crimes[0]).toMatchObject({ id: "fraud", score: 36 });
    expect(r.signals.crimes[0]!.evidence.map((e) => e.ruleId)).not.toContain("crime.fraud.against");
  });

  it("--min-confidence keeps decisions and flags below it as signals", () => {
    const text = "被告人骗取他人钱款。";
    expect(ids(scan(text).crimes)).toEqual(["fraud"]);
    const strict = scan(text, { minConfidence: 0.8 });
    expect(ids(strict.crimes)).toEqual([]);
    expect(strict.signals.crimes[0]).toMatchObject({ id: "fraud", confidence: 0.72 });
    const pi = scan("被告人犯侵犯公民个人信息罪。", { minConfidence: 0.95 });
    expect(pi.flags).toEqual([]);
  });
});

describe("the evidence list is a zone (bundled packs)", () => {
  const bundled = createEngine();
  const run = async (text: string): Promise<CaseResult> => scanDocument({ id: "e", source: "e", text, meta: {} }, await bundled);

  it("counts and information types there are papers that exist, not leaked data", async () => {
    const r = await run(
      "公诉机关指控：被告人庞某贩卖甲基苯丙胺0.5克。上述事实，有公诉机关提供的下列证据予以证实：1、检验报告一份；2、被告人户籍信息、通话记录；3、资料光盘一份。",
    );
    expect(r.volumes).toEqual([]);
    expect(ids(r.crimes)).not.toContain("personal-information");
    expect(r.flags.map((f) => f.id)).not.toContain("pi-leak");
  });

  it("a leak verb in an item's clause keeps what it binds", async () => {
    const r = await run("上述事实，有证人张某的证言，证实其从被告人处购买公民个人信息，及扣押清单等证据证实。");
    const conduct = [...r.findings, ...r.signals.findings].filter((f) => f.ruleId === "crime.personal-information.conduct");
    expect(conduct.length).toBeGreaterThan(0);
    expect(conduct.every((f) => !f.negated)).toBe(true);
  });

  it("ends at the words that close it: the charge concluded after them still counts", async () => {
    const r = await run("对指控的上述犯罪事实，公诉机关提供了相应证据予以证实，并认为被告人的行为构成掩饰、隐瞒犯罪所得罪。");
    const charge = [...r.findings, ...r.signals.findings].find((f) => f.ruleId === "crime.conceal-proceeds.charge")!;
    expect(charge.negated).toBeUndefined();
    expect(ids(r.crimes)).toContain("conceal-proceeds");
  });

  it("an unmasked identifier listed there is still in the document", async () => {
    const r = await run("上述事实，有被害人陈某（身份证号码11010519491231002X）的陈述等证据证实。");
    expect(r.flags.map((f) => f.id)).toContain("unmasked-identifier");
  });
});
