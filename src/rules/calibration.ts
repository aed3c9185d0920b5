// Decisions: when a dimension's evidence makes it *found*, and how sure that is. The thresholds and
// confidence curves are data (rules/calibration.json), fitted on labelled data by
// `npm run fit:calibration` (src/eval/calibrate.ts); this module holds their shape and reads them. Pure.
//
// A confidence curve is a list of [score, probability] points, increasing in both (an isotonic fit):
// the confidence of a score is read off the curve, linearly between points and flat beyond the ends.

/** The kinds whose dimensions are decided: listed as found or kept as signals. */
export const DECIDED_KINDS = ["crime", "info-type", "industry", "group", "region"] as const;
export type DecidedKind = (typeof DECIDED_KINDS)[number];

/** [score, probability] points, sorted by score. */
export type ConfidenceCurve = [number, number][];

export interface DimensionDecision {
  /** A dimension is found at this score (and when not only one hint speaks for it). */
  threshold: number;
  confidence: ConfidenceCurve;
}

export interface Calibration {
  /** What fitted it, on which data, with which split (for people; not read). */
  note?: string;
  /** Per kind, per dimension id; "*" is the kind's default for dimensions without their own fit. */
  dimensions: Partial<Record<DecidedKind, Record<string, DimensionDecision>>>;
  /** The insider verdict: found at the chain score threshold, with its confidence. */
  insider?: DimensionDecision;
  /** The leak score (0–100) to the probability that personal information leaked (the pi-leak flag's confidence). */
  leakScore?: ConfidenceCurve;
}

/** Where no calibration applies: found at 50, confidence the score read as a probability. */
export const DEFAULT_THRESHOLD = 50;
export const IDENTITY_CURVE: ConfidenceCurve = [
  [0, 0],
  [100, 1],
];
const DEFAULT_DECISION: DimensionDecision = { threshold: DEFAULT_THRESHOLD, confidence: IDENTITY_CURVE };

export function decisionFor(cal: Calibration | undefined, kind: DecidedKind, id: string): DimensionDecision {
  const byId = cal?.dimensions[kind];
  return byId?.[id] ?? byId?.["*"] ?? DEFAULT_DECISION;
}

export function insiderDecision(cal: Calibration | undefined): DimensionDecision {
  return cal?.insider ?? DEFAULT_DECISION;
}

/** The curve's probability at `score`, rounded to 0.01. */
export function readCurve(curve: ConfidenceCurve, score: number): number {
  if (curve.length === 0) return round2(score / 100);
  const first = curve[0]!;
  if (score <= first[0]) return round2(first[1]);
  for (let i = 1; i < curve.length; i++) {
    const [x1, y1] = curve[i]!;
    if (score <= x1) {
      const [x0, y0] = curve[i - 1]!;
      return round2(x1 === x0 ? y1 : y0 + ((y1 - y0) * (score - x0)) / (x1 - x0));
    }
  }
  return round2(curve[curve.length - 1]![1]);
}

function round2(n: number): number {
  return Math.round(Math.min(1, Math.max(0, n)) * 100) / 100;
}

/** Problems with a calibration file's content (empty when it is usable). */
export function checkCalibration(value: unknown): string[] {
  const problems: string[] = [];
  if (typeof value !== "object" || value === null) return ["not an object"];
  const v = value as Record<string, unknown>;
  const checkDecision = (where: string, d: unknown): void => {
    if (typeof d !== "object" || d === null) {
      problems.push(`${where}: not an object`);
      return;
    }
    const x = d as Record<string, unknown>;
    if (typeof x["threshold"] !== "number" || x["threshold"] < 0 || x["threshold"] > 100) problems.push(`${where}.threshold: a number 0..100`);
    checkCurve(`${where}.confidence`, x["confidence"]);
  };
  const checkCurve = (where: string, c: unknown): void => {
    if (!Array.isArray(c) || c.length === 0) {
      problems.push(`${where}: a non-empty list of [score, probability]`);
      return;
    }
    let last: [number, number] | null = null;
    for (const p of c) {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== "number" || typeof p[1] !== "number" || p[1] < 0 || p[1] > 1) {
        problems.push(`${where}: each point is [score, probability 0..1]`);
        return;
      }
      if (last && (p[0] < last[0] || p[1] < last[1])) {
        problems.push(`${where}: points must rise in score and probability`);
        return;
      }
      last = p as [number, number];
    }
  };
  const dims = v["dimensions"];
  if (typeof dims !== "object" || dims === null) problems.push("dimensions: an object keyed by kind");
  else {
    for (const [kind, byId] of Object.entries(dims)) {
      if (!(DECIDED_KINDS as readonly string[]).includes(kind)) {
        problems.push(`dimensions.${kind}: not a decided kind (${DECIDED_KINDS.join(", ")})`);
        continue;
      }
      if (typeof byId !== "object" || byId === null) {
        problems.push(`dimensions.${kind}: an object keyed by dimension id`);
        continue;
      }
      for (const [id, d] of Object.entries(byId)) checkDecision(`dimensions.${kind}.${id}`, d);
    }
  }
  if (v["insider"] !== undefined) checkDecision("insider", v["insider"]);
  if (v["leakScore"] !== undefined) checkCurve("leakScore", v["leakScore"]);
  return problems;
}
