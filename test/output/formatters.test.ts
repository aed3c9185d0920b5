import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { formatterNames, getFormatter } from "../../src/output/formatters.js";
import { failureLine } from "../../src/output/lines.js";
import type { CaseResult } from "../../src/types.js";

const result: CaseResult = {
  schemaVersion: 5,
  id: "a,1",
  source: 'dir/"quoted".txt',
  case: { number: { start: 0, end: 18, match: "（2021）浙0106刑初512号" }, court: null, procuratorate: null, date: null, documentType: null, defendants: [{ start: 30, end: 32, match: "李某" }] },
  language: "zh",
  score: 87,
  severity: "serious",
  severityBasis: { reason: "征信 60条 ≥ 50 (tier A): serious", by: "count", ratio: 1.2, insiderHalved: false },
  crimes: [{ id: "personal-information", score: 90, confidence: 0.97, evidence: [{ ruleId: "crime.pi", start: 3, end: 9, match: "公民个人信息" }] }],
  infoTypes: [{ id: "credit-report", score: 60, confidence: 0.8, tier: "A", sensitive: true, evidence: [] }],
  industries: [{ id: "finance", score: 70, confidence: 0.75, evidence: [] }],
  groups: [],
  insider: { flag: true, score: 80, confidence: 0.9, evidence: [] },
  leaks: [
    {
      source: { start: 10, end: 15, match: "某银行支行", industries: ["finance"], type: "organisation", label: "金融" },
      leaker: {
        name: "李某",
        role: { start: 15, end: 19, match: "客户经理", id: "manager", ruleId: "role.manager", label: "负责人" },
        access: { start: 20, end: 26, match: "利用职务便利", id: "position", ruleId: "access.position", label: "利用职务便利" },
        insider: true,
        score: 82,
      },
      flow: { start: 30, end: 32, match: "出售", id: "sell", ruleId: "flow.sell", direction: "out" },
      data: [{ start: 26, end: 30, match: "征信报告", infoType: "credit-report", label: "征信信息" }],
      count: { start: 20, end: 24, match: "60余条", count: 60, approximate: true },
      subjects: [],
      recipients: [{ start: 33, end: 37, match: "贷款中介" }],
    },
  ],
  regions: [],
  volumes: [{ infoType: "credit-report", tier: "A", count: 60, approximate: true, start: 20, end: 24, match: "60余条", from: "prose" }],
  money: [],
  victims: [],
  flags: [{ id: "pi-leak", reason: "personal-information crime evidence scores 90", confidence: 0.96, evidence: [] }],
  findings: [
    { ruleId: "crime.pi", kind: "crime", target: "personal-information", start: 3, end: 9, match: "公民个人信息", weight: 90 },
    { ruleId: "id.cn-mobile", kind: "identifier", target: "cn-mobile", start: 30, end: 41, match: "139****5678", weight: 0, negated: true, note: "in scope of zone.clerk" },
  ],
  signals: {
    crimes: [{ id: "fraud", score: 12, confidence: 0.05, evidence: [{ ruleId: "crime.fraud.hint", start: 50, end: 51, match: "骗" }] }],
    infoTypes: [],
    industries: [],
    groups: [],
    regions: [],
    findings: [{ ruleId: "crime.fraud.hint", kind: "crime", target: "fraud", start: 50, end: 51, match: "骗", weight: 12 }],
  },
};

describe("formatters", () => {
  it("lists valid names when a name is unknown", () => {
    expect(formatterNames()).toEqual(["json", "jsonl", "csv", "table"]);
    expect(() => getFormatter("xml")).toThrow(UsageError);
    expect(() => getFormatter("xml")).toThrow(/valid: json, jsonl, csv, table/);
  });

  it("json: one object for one result, an array for several", () => {
    expect(JSON.parse(getFormatter("json").format([result])).id).toBe("a,1");
    expect(JSON.parse(getFormatter("json").format([result, result]))).toHaveLength(2);
  });

  it("jsonl: one line per result", () => {
    const out = getFormatter("jsonl").format([result, result]);
    expect(out.split("\n")).toHaveLength(3);
    expect(JSON.parse(out.split("\n")[1]!).score).toBe(87);
  });

  it("csv quotes cells with commas and quotes", () => {
    const [header, row] = getFormatter("csv").format([result]).trim().split("\n");
    expect(header).toBe("id,source,language,score,severity,crimes,info_types,industries,groups,insider,regions,records,flags");
    expect(row).toBe('"a,1","dir/""quoted"".txt",zh,87,serious,personal-information:90,credit-report:60,finance:70,,80,,60,pi-leak');
  });

  it("table shows score, basis, dimensions, volumes, flags and negated evidence with its reason", () => {
    const out = getFormatter("table").format([result]);
    expect(out).toContain("score 87/100   severity serious   flags pi-leak");
    expect(out).toContain("basis       征信 60条 ≥ 50 (tier A): serious");
    expect(out).toContain("credit-report(A) 60 (0.80)");
    expect(out).toContain("personal-information 90 (0.97)");
    // What fell short of a decision is listed apart, and its evidence is not among the findings.
    expect(out).toContain("signals     fraud 12 (0.05)");
    expect(out).not.toContain("crime.fraud.hint");
    expect(out).toContain("60余条 → 60+ credit-report(A)");
    expect(out).toContain("! pi-leak (0.96): personal-information crime evidence scores 90");
    expect(out).toContain("139****5678  id.cn-mobile  (negated: in scope of zone.clerk)");
  });

  it("table prints each leak chain in one line: source, role, masked leaker → count and data → recipients", () => {
    const out = getFormatter("table").format([result]);
    expect(out).toContain("leaks       【内鬼】某银行支行 客户经理 李某 → 60余条 征信信息 → 贷款中介");
    const noInsider = { ...result, leaks: [{ ...result.leaks[0]!, leaker: null, source: { ...result.leaks[0]!.source!, type: "mention" as const } }] };
    expect(getFormatter("table").format([noInsider])).toContain("leaks       〔金融〕 → 60余条 征信信息 → 贷款中介");
  });

  it("failure lines carry code, message and line", () => {
    const line = JSON.parse(failureLine({ source: "d.jsonl:3", line: 3, code: "E_JSON_LINE", message: "d.jsonl:3: bad JSON" }));
    expect(line).toEqual({ schemaVersion: 5, id: "d.jsonl:3", source: "d.jsonl:3", error: { code: "E_JSON_LINE", message: "d.jsonl:3: bad JSON", line: 3 } });
  });
});
