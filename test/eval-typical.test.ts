// The typical-set evaluation: splits, the substring baseline, and the per-dimension tallies.
import { describe, expect, it } from "vitest";
import { TypicalEvaluator, baselinePrediction, formatTypicalTable, splitOf } from "../src/eval/typical.js";
import type { CaseResult } from "../src/types.js";

function result(over: Partial<CaseResult>): CaseResult {
  return {
    schemaVersion: 1, id: "x", source: "x", language: "zh", score: 0, severity: "none", severityBasis: null,
    crimes: [], infoTypes: [], industries: [], groups: [], insider: { flag: false, score: 0, evidence: [] },
    regions: [], volumes: [], money: [], victims: [], flags: [], findings: [], ...over,
  } as CaseResult;
}

describe("typical evaluation", () => {
  it("holds out the cases whose leading number is divisible by the given n", () => {
    expect(splitOf("004_a", 4)).toBe("heldOut");
    expect(splitOf("076_b", 4)).toBe("heldOut");
    expect(splitOf("001_c", 4)).toBe("tune");
    expect(splitOf("no-number", 4)).toBe("tune");
  });

  it("baseline: substring tests only", () => {
    const b = baselinePrediction("被告人系某银行员工，出售老年人个人信息，在校学生亦受害。");
    expect(b.insider).toBe(true);
    expect(b.groups).toEqual(["elderly", "students"]);
    expect(b.topIndustry).toBe("finance");
    expect(b.pi).toBe(true);
    expect(baselinePrediction("张某盗窃电动车一辆。")).toEqual({ insider: false, groups: [], topIndustry: null, pi: false });
  });

  it("counts each dimension on the tuning part, the held-out part and all", () => {
    const ev = new TypicalEvaluator(4);
    const want = { crimes: ["personal-information"], industries: ["finance"], groups: ["elderly"], insider: true, severity: "serious" };
    const right = result({
      crimes: [{ id: "personal-information", score: 80, evidence: [] }],
      industries: [{ id: "finance", score: 60, evidence: [] }, { id: "internet", score: 70, evidence: [] }],
      groups: [{ id: "elderly", score: 60, evidence: [] }, { id: "students", score: 35, evidence: [] }],
      insider: { flag: true, score: 80, evidence: [] },
      severity: "serious",
    });
    ev.add("001_a", "某银行员工出售老人信息", want, right);
    ev.add("004_b", "张某盗窃", want, result({}));
    const r = ev.report();
    expect(r.cases).toEqual({ tune: 1, heldOut: 1, all: 2 });
    expect(r.caseflag.insider.tune.rate).toBe(1);
    expect(r.caseflag.insider.heldOut.rate).toBe(0);
    expect(r.caseflag.insider.all).toEqual({ right: 1, of: 2, rate: 0.5 });
    // The first found industry in the result's order is the top one, not the highest score.
    expect(r.caseflag.topIndustry.tune.right).toBe(1);
    expect(r.caseflag.groups.tune.right).toBe(1);
    expect(r.baseline.pi?.all.right).toBe(0);
    expect(r.baseline.severity).toBeNull();
    expect(r.misses.insider).toEqual([{ id: "004_b", split: "heldOut", got: "false", want: "true" }]);
    const table = formatTypicalTable(r);
    expect(table).toMatch(/insider\s+1\.00 1\/1\s+0\.00 0\/1\s+0\.50 1\/2\s+\| 1\.00 1\/1\s+0\.00 0\/1\s+0\.50 1\/2/);
  });
});
