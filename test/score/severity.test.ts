import { describe, expect, it } from "vitest";
import { computeSeverity, THRESHOLDS } from "../../src/score/severity.js";
import type { Money, Volume } from "../../src/types.js";

let at = 0;
function vol(infoType: string, tier: "A" | "B" | "C", count: number, extra: Partial<Volume> = {}): Volume {
  at += 10;
  return { infoType, tier, count, approximate: false, start: at, end: at + 5, match: `${count}条`, from: "prose", ...extra };
}
function gain(yuan: number, role: Money["role"] = "gain", approximate = false): Money {
  at += 10;
  return { role, yuan, approximate, start: at, end: at + 5, match: `${yuan}元` };
}
const sev = (volumes: Volume[], money: Money[] = [], insider = false) => computeSeverity({ volumes, money, insider });

describe("THRESHOLDS", () => {
  it("are the numbers of art. 5", () => {
    expect(THRESHOLDS).toEqual({ A: 50, B: 500, C: 5000, gainYuan: 5000, especiallyFactor: 10, insiderFactor: 0.5 });
  });
});

describe("computeSeverity: counts per tier, at, below and above every edge", () => {
  it.each([
    ["A", 49, "none"],
    ["A", 50, "serious"],
    ["A", 51, "serious"],
    ["A", 499, "serious"],
    ["A", 500, "especially-serious"],
    ["A", 501, "especially-serious"],
    ["B", 499, "none"],
    ["B", 500, "serious"],
    ["B", 4999, "serious"],
    ["B", 5000, "especially-serious"],
    ["C", 4999, "none"],
    ["C", 5000, "serious"],
    ["C", 49999, "serious"],
    ["C", 50000, "especially-serious"],
  ] as const)("tier %s, %d records: %s", (tier, count, expected) => {
    expect(sev([vol("t", tier, count)]).severity).toBe(expected);
  });

  it.each([
    ["A", 24, "none"],
    ["A", 25, "serious"],
    ["A", 249, "serious"],
    ["A", 250, "especially-serious"],
    ["B", 249, "none"],
    ["B", 250, "serious"],
    ["B", 2499, "serious"],
    ["B", 2500, "especially-serious"],
    ["C", 2499, "none"],
    ["C", 2500, "serious"],
    ["C", 24999, "serious"],
    ["C", 25000, "especially-serious"],
  ] as const)("insider, tier %s, %d records: %s (half the numbers)", (tier, count, expected) => {
    const r = sev([vol("t", tier, count)], [], true);
    expect(r.severity).toBe(expected);
    expect(r.basis!.insiderHalved).toBe(true);
  });
});

describe("computeSeverity: proportional sums (item 6)", () => {
  it("adds tiers proportionally: 25/50 + 250/500 = 1 is serious", () => {
    const r = sev([vol("credit-report", "A", 25), vol("lodging", "B", 250)]);
    expect(r.severity).toBe("serious");
    expect(r.basis!.ratio).toBe(1);
    expect(r.basis!.reason).toContain("proportional sum");
  });

  it("one record short of the sum is none", () => {
    expect(sev([vol("credit-report", "A", 24), vol("lodging", "B", 250)]).severity).toBe("none");
  });

  it("three tiers: 20/50 + 200/500 + 1000/5000 = 1", () => {
    const r = sev([vol("a", "A", 20), vol("b", "B", 200), vol("c", "C", 1000)]);
    expect(r.severity).toBe("serious");
    expect(r.basis!.ratio).toBe(1);
  });

  it("sums to especially serious at ten", () => {
    expect(sev([vol("a", "A", 250), vol("b", "B", 2500)]).severity).toBe("especially-serious");
    expect(sev([vol("a", "A", 249), vol("b", "B", 2500)]).severity).toBe("serious");
  });

  it("halves for insiders in the sum too", () => {
    expect(sev([vol("a", "A", 12), vol("b", "B", 130)], [], true).severity).toBe("serious"); // 0.48 + 0.52
    expect(sev([vol("a", "A", 12), vol("b", "B", 125)], [], true).severity).toBe("none"); // 0.48 + 0.5
  });
});

describe("computeSeverity: the same records mentioned twice", () => {
  it("takes the largest count per info-type, not the sum", () => {
    const r = sev([vol("credit-report", "A", 30), vol("credit-report", "A", 40)]);
    expect(r.severity).toBe("none");
    expect(r.basis!.ratio).toBe(0.8);
  });

  it("adds different info-types", () => {
    expect(sev([vol("credit-report", "A", 30), vol("location-track", "A", 20)]).severity).toBe("serious");
  });

  it("uses counts from listed identifiers only when the prose gives none", () => {
    const listed = vol("id-number", "C", 6000, { from: "identifiers" });
    expect(sev([listed]).severity).toBe("serious");
    expect(sev([listed, vol("personal-information", "C", 100)]).severity).toBe("none");
  });

  it("ignores zero counts", () => {
    expect(sev([vol("a", "A", 0)])).toEqual({ severity: "none", basis: null });
  });
});

describe("computeSeverity: illegal gain (item 7)", () => {
  it.each([
    [4999, false, "none"],
    [5000, false, "serious"],
    [49999, false, "serious"],
    [50000, false, "especially-serious"],
    [2499, true, "none"],
    [2500, true, "serious"],
    [24999, true, "serious"],
    [25000, true, "especially-serious"],
  ] as const)("¥%d (insider %s): %s", (yuan, insider, expected) => {
    expect(sev([], [gain(yuan)], insider).severity).toBe(expected);
  });

  it("counts only gains, not fraud, settlement or other amounts", () => {
    expect(sev([], [gain(900000, "fraud"), gain(900000, "settlement"), gain(900000, "other")])).toEqual({
      severity: "none",
      basis: null,
    });
  });

  it("takes the largest gain, not the sum of mentions", () => {
    expect(sev([], [gain(3000), gain(3000)]).severity).toBe("none");
  });

  it("takes the higher of counts and gain", () => {
    const r = sev([vol("c", "C", 100)], [gain(60000)]);
    expect(r.severity).toBe("especially-serious");
    expect(r.basis!.reason).toContain("违法所得");
    expect(r.basis!.ratio).toBe(12);
    const r2 = sev([vol("credit-report", "A", 600)], [gain(6000)]);
    expect(r2.severity).toBe("especially-serious");
    expect(r2.basis!.reason).toContain("credit-report");
  });
});

describe("computeSeverity: basis", () => {
  it("is null when there is nothing to measure", () => {
    expect(sev([], [])).toEqual({ severity: "none", basis: null });
  });

  it("names count, threshold and tier in one sentence", () => {
    const r = computeSeverity({
      volumes: [vol("credit-report", "A", 915)],
      money: [],
      insider: false,
      labels: { "credit-report": "征信" },
    });
    expect(r).toEqual({
      severity: "especially-serious",
      basis: { reason: "征信 915条 ≥ 500 (tier A, ×10): especially serious", by: "count", ratio: 18.3, insiderHalved: false },
    });
  });

  it("marks approximate counts and insider halving", () => {
    const r = sev([vol("personal-information", "C", 40000, { approximate: true })], [], true);
    expect(r.basis!.reason).toBe("personal-information 40,000+条 ≥ 25,000 (tier C, ×10, insider ½): especially serious");
  });

  it("explains a none with the count that fell short", () => {
    const r = sev([vol("personal-information", "C", 4000)]);
    expect(r.severity).toBe("none");
    expect(r.basis!.reason).toBe("personal-information 4,000条 < 5,000 (tier C): not serious");
    expect(r.basis!.ratio).toBe(0.8);
  });

  it("spells out a proportional sum", () => {
    const r = sev([vol("credit-report", "A", 30), vol("lodging", "B", 300)]);
    expect(r.basis!.reason).toBe("proportional sum credit-report 30条/50 + lodging 300条/500 = 1.2 ≥ 1: serious");
  });

  it("explains a gain", () => {
    expect(sev([], [gain(30000, "gain", true)]).basis!.reason).toBe("违法所得 ¥30,000+ ≥ ¥5,000: serious");
  });
});
