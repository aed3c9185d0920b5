// Fitting and measuring decisions: the precision/recall curve, the threshold policy, the confidence
// curves (Platt, isotonic, and the choice between them), the reliability table, ECE and average precision.
import { describe, expect, it } from "vitest";
import {
  averagePrecision,
  chooseThreshold,
  fitCurve,
  isotonicCurve,
  placeThreshold,
  plattCurve,
  prCurve,
  reliability,
  type Sample,
} from "../../src/eval/calibrate.js";
import { checkCalibration, decisionFor, readCurve } from "../../src/rules/calibration.js";
import { RuleError } from "../../src/errors.js";
import { parseCalibrations } from "../../src/rules/load.js";

const s = (score: number, label: boolean): Sample => ({ score, label });

describe("precision/recall curve and threshold", () => {
  const samples = [s(0, true), s(20, false), s(20, false), s(45, true), s(45, false), s(60, true), s(80, true), s(80, true)];

  it("counts found = score ≥ threshold at every score the data holds; a positive with no evidence is a miss everywhere", () => {
    const curve = prCurve(samples);
    expect(curve.map((p) => p.threshold)).toEqual([20, 45, 60, 80]);
    expect(curve[1]).toMatchObject({ threshold: 45, tp: 4, fp: 1, fn: 1 });
    expect(curve[1]!.precision).toBeCloseTo(0.8);
    expect(curve[1]!.recall).toBeCloseTo(0.8);
  });

  it("chooses the best F-beta at or above the floor, and places the threshold just above the next lower score", () => {
    const curve = prCurve(samples);
    const f1 = chooseThreshold(curve, { floor: 0 });
    expect(f1!.threshold).toBe(45);
    // Recall weighs more with beta 2; the floor keeps 20 out.
    expect(chooseThreshold(curve, { beta: 2, floor: 30 })!.threshold).toBe(45);
    expect(chooseThreshold(curve, { minPrecision: 1, floor: 0 })!.threshold).toBe(60);
    expect(placeThreshold(curve, f1, 0)).toBe(21);
    expect(placeThreshold(curve, f1, 40)).toBe(40);
    expect(placeThreshold(curve, null, 50)).toBe(50);
  });
});

describe("confidence curves", () => {
  // 100 decisions whose rate rises with the score: 20% right at 40, 50% at 60, 90% at 90.
  const rising: Sample[] = [];
  for (const [score, right, n] of [
    [40, 4, 20],
    [60, 20, 40],
    [90, 36, 40],
  ] as const) {
    for (let i = 0; i < n; i++) rising.push(s(score, i < right));
  }

  it("Platt: rising, inside (0, 1), close to the observed rates", () => {
    const c = plattCurve(rising);
    expect(c.length).toBe(21);
    for (let i = 1; i < c.length; i++) expect(c[i]![1]).toBeGreaterThanOrEqual(c[i - 1]![1]);
    expect(c[0]![1]).toBeGreaterThan(0);
    expect(c[20]![1]).toBeLessThan(1);
    expect(readCurve(c, 60)).toBeGreaterThan(0.35);
    expect(readCurve(c, 60)).toBeLessThan(0.65);
    expect(readCurve(c, 90)).toBeGreaterThan(0.75);
  });

  it("Platt on a score that does not rank: the base rate, flat", () => {
    const flat = [s(30, true), s(30, false), s(80, false), s(80, true)];
    const c = plattCurve([...flat, ...flat, ...flat]);
    expect(readCurve(c, 10)).toBe(readCurve(c, 95));
  });

  it("isotonic: rising block rates, never claiming 0 or 1", () => {
    const c = isotonicCurve(rising, 10);
    expect(c.map((p) => p[0])).toEqual([40, 60, 90]);
    expect(c[0]![1]).toBeCloseTo(4.5 / 21, 3);
    expect(c[2]![1]).toBeCloseTo(36.5 / 41, 3);
    const allRight = isotonicCurve([s(70, true), s(70, true), s(70, true)], 1);
    expect(allRight[0]![1]).toBeLessThan(1);
  });

  it("picks the curve that predicts better out of sample", () => {
    const r = fitCurve(rising);
    expect(["platt", "isotonic"]).toContain(r.method);
    expect(r.brier.platt).toBeGreaterThan(0);
    expect(r.method === "platt" ? r.brier.platt <= r.brier.isotonic : r.brier.isotonic < r.brier.platt).toBe(true);
  });

  it("reads a curve linearly between points and flat beyond its ends", () => {
    const c: [number, number][] = [
      [40, 0.2],
      [60, 0.6],
    ];
    expect(readCurve(c, 50)).toBe(0.4);
    expect(readCurve(c, 10)).toBe(0.2);
    expect(readCurve(c, 99)).toBe(0.6);
  });
});

describe("reliability, ECE and average precision", () => {
  it("bins confidences and weighs each bin's gap by its share", () => {
    const judged = [
      ...Array.from({ length: 10 }, (_, i) => ({ confidence: 0.85, correct: i < 8 })),
      ...Array.from({ length: 10 }, (_, i) => ({ confidence: 0.35, correct: i < 5 })),
    ];
    const r = reliability(judged);
    expect(r.rows.map((x) => [x.lo, x.count])).toEqual([
      [0.3, 10],
      [0.8, 10],
    ]);
    expect(r.rows[1]).toMatchObject({ predicted: 0.85, observed: 0.8 });
    // (10/20)·0.05 + (10/20)·0.15
    expect(r.ece).toBeCloseTo(0.1, 4);
  });

  it("average precision: 1 when every positive outranks every negative, less when not", () => {
    expect(averagePrecision([s(90, true), s(80, true), s(10, false)])).toBe(1);
    // Ranks: + (1/1), − , + (2/3): AP = (1 + 2/3) / 2
    expect(averagePrecision([s(90, true), s(80, false), s(70, true)])).toBeCloseTo(0.8333, 4);
    // A tie is one step: both positives get the precision at its end.
    expect(averagePrecision([s(50, true), s(50, false), s(50, true)])).toBeCloseTo(2 / 3, 4);
  });
});

describe("calibration file", () => {
  it("is checked: a falling curve or a threshold out of range is a rule error naming the file", () => {
    expect(checkCalibration({ dimensions: { crime: { fraud: { threshold: 50, confidence: [[0, 0.1], [50, 0.5]] } } } })).toEqual([]);
    expect(checkCalibration({ dimensions: { crime: { fraud: { threshold: 150, confidence: [[0, 0.5], [50, 0.1]] } } } })).toHaveLength(2);
    expect(checkCalibration({ dimensions: { weather: {} } })[0]).toMatch(/not a decided kind/);
    expect(() => parseCalibrations([{ file: "x/calibration.json", text: "{" }])).toThrow(RuleError);
  });

  it("later folders replace earlier ones dimension by dimension; a dimension without a fit takes its kind's default, then 50", () => {
    const cal = parseCalibrations([
      { file: "a/calibration.json", text: JSON.stringify({ dimensions: { crime: { fraud: { threshold: 45, confidence: [[0, 0]] }, "*": { threshold: 60, confidence: [[0, 0]] } } } }) },
      { file: "b/calibration.json", text: JSON.stringify({ dimensions: { crime: { fraud: { threshold: 55, confidence: [[0, 0]] } } } }) },
    ]);
    expect(decisionFor(cal, "crime", "fraud").threshold).toBe(55);
    expect(decisionFor(cal, "crime", "computer-data").threshold).toBe(60);
    expect(decisionFor(cal, "group", "elderly").threshold).toBe(50);
    expect(decisionFor(undefined, "group", "elderly").threshold).toBe(50);
  });
});
