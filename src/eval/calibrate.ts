// Fitting and measuring decisions on labelled data. Pure: (score, label) samples in, curves and
// tables out. `npm run fit:calibration` (scripts/build/calibration.ts) uses them to choose each
// dimension's threshold and confidence curve (rules/calibration.json); `caseflag eval` uses them to
// print the reliability table, the expected calibration error and the leak score's average precision.
import { readCurve, type ConfidenceCurve } from "../rules/calibration.js";

/** One labelled decision: the evidence score (0 when the dimension had none) and whether it is right. */
export interface Sample {
  score: number;
  label: boolean;
}

/** One labelled confidence: a decision's confidence and whether it was right. */
export interface Judged {
  confidence: number;
  correct: boolean;
}

export interface PrPoint {
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Precision and recall at every threshold where the samples' scores change (found = score ≥ threshold, score > 0). */
export function prCurve(samples: Sample[]): PrPoint[] {
  const positives = samples.filter((s) => s.label).length;
  const scores = [...new Set(samples.filter((s) => s.score > 0).map((s) => s.score))].sort((a, b) => a - b);
  return scores.map((threshold) => {
    let tp = 0;
    let fp = 0;
    for (const s of samples) {
      if (s.score < threshold || s.score <= 0) continue;
      if (s.label) tp++;
      else fp++;
    }
    const fn = positives - tp;
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = positives === 0 ? 0 : tp / positives;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { threshold, tp, fp, fn, precision, recall, f1 };
  });
}

/**
 * Isotonic regression (pool adjacent violators) of the label on the score, as [score, probability]
 * points at each block's mean score. Blocks of fewer than `minBlock` samples are merged with a
 * neighbour (merging adjacent blocks keeps the fit rising), and a block's rate is (right + ½) /
 * (n + 1): a small labelled set does not claim the 0 or 1 it has not seen.
 */
export function isotonicCurve(samples: Sample[], minBlock = 10): ConfidenceCurve {
  if (samples.length === 0) return [];
  const sorted = [...samples].sort((a, b) => a.score - b.score);
  type Block = { sum: number; n: number; scoreSum: number };
  const blocks: Block[] = [];
  let i = 0;
  while (i < sorted.length) {
    const score = sorted[i]!.score;
    const b: Block = { sum: 0, n: 0, scoreSum: 0 };
    while (i < sorted.length && sorted[i]!.score === score) {
      b.sum += sorted[i]!.label ? 1 : 0;
      b.n++;
      b.scoreSum += score;
      i++;
    }
    blocks.push(b);
    // Pool while the rate falls.
    while (blocks.length >= 2) {
      const last = blocks[blocks.length - 1]!;
      const prev = blocks[blocks.length - 2]!;
      if (prev.sum / prev.n < last.sum / last.n) break;
      blocks.splice(blocks.length - 2, 2, merge(prev, last));
    }
  }
  // Small blocks join the neighbour nearer in rate.
  for (let k = 0; k < blocks.length && blocks.length > 1; ) {
    const b = blocks[k]!;
    if (b.n >= minBlock) {
      k++;
      continue;
    }
    const left = blocks[k - 1];
    const right = blocks[k + 1];
    const rate = b.sum / b.n;
    const useLeft = right === undefined || (left !== undefined && Math.abs(left.sum / left.n - rate) <= Math.abs(right.sum / right.n - rate));
    if (useLeft) {
      blocks.splice(k - 1, 2, merge(left!, b));
      k = Math.max(0, k - 1);
    } else blocks.splice(k, 2, merge(b, right));
  }
  return blocks.map((b) => [Math.round((10 * b.scoreSum) / b.n) / 10, Math.round((1000 * (b.sum + 0.5)) / (b.n + 1)) / 1000] as [number, number]);
}

function merge(a: { sum: number; n: number; scoreSum: number }, b: { sum: number; n: number; scoreSum: number }) {
  return { sum: a.sum + b.sum, n: a.n + b.n, scoreSum: a.scoreSum + b.scoreSum };
}

/**
 * Platt scaling: probability = 1 / (1 + exp(−(a·score + b))), fitted by Newton's method on the
 * log-loss with Platt's smoothed targets ((positives + 1) / (positives + 2) for a right decision,
 * 1 / (negatives + 2) for a wrong one), so separable data does not drive the fit to 0 or 1. Two
 * parameters: it does not chase the noise of a few dozen labels, which an isotonic fit does. Returned
 * as [score, probability] points every 5 points of score from 0 to 100.
 */
export function plattCurve(samples: Sample[]): ConfidenceCurve {
  if (samples.length === 0) return [];
  const pos = samples.filter((s) => s.label).length;
  const neg = samples.length - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  // Scores scaled to 0..1 keep the Newton steps well conditioned.
  const xs = samples.map((s) => s.score / 100);
  const ts = samples.map((s) => (s.label ? hi : lo));
  let a = 0;
  let b = Math.log((pos + 1) / (neg + 1));
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k]!;
      const p = 1 / (1 + Math.exp(-(a * x + b)));
      const d = p - ts[k]!;
      const w = p * (1 - p);
      ga += d * x;
      gb += d;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  // A falling fit says the score does not rank these decisions: their base rate, flat.
  if (!(a > 0)) {
    const rate = Math.round((1000 * (pos + 0.5)) / (samples.length + 1)) / 1000;
    return [
      [0, rate],
      [100, rate],
    ];
  }
  const curve: ConfidenceCurve = [];
  for (let score = 0; score <= 100; score += 5) {
    curve.push([score, Math.round(1000 / (1 + Math.exp(-(a * (score / 100) + b)))) / 1000]);
  }
  return curve;
}

/**
 * The confidence curve for a set of samples: Platt scaling or the isotonic fit, whichever predicts
 * better out of sample (4-fold cross-validation by sample position, Brier score). Platt is smooth and
 * holds with few labels; the isotonic fit follows a curve Platt cannot bend to, such as a dimension
 * whose found decisions are all right while its signals are not.
 */
export function fitCurve(samples: Sample[]): { curve: ConfidenceCurve; method: "platt" | "isotonic"; brier: { platt: number; isotonic: number } } {
  const brier = { platt: 0, isotonic: 0 };
  if (samples.length >= 8) {
    for (let fold = 0; fold < 4; fold++) {
      const train = samples.filter((_, i) => i % 4 !== fold);
      const test = samples.filter((_, i) => i % 4 === fold);
      const platt = plattCurve(train);
      const iso = isotonicCurve(train);
      for (const t of test) {
        const y = t.label ? 1 : 0;
        brier.platt += (readCurve(platt, t.score) - y) ** 2;
        brier.isotonic += (readCurve(iso, t.score) - y) ** 2;
      }
    }
    brier.platt /= samples.length;
    brier.isotonic /= samples.length;
  }
  const method = samples.length >= 8 && brier.isotonic < brier.platt ? "isotonic" : "platt";
  return { curve: method === "isotonic" ? isotonicCurve(samples) : plattCurve(samples), method, brier };
}

export interface ReliabilityRow {
  /** The bin's confidence range [lo, hi). */
  lo: number;
  hi: number;
  /** Mean confidence of the decisions in the bin. */
  predicted: number;
  /** Share of them that were right. */
  observed: number;
  count: number;
}

/** Reliability table over equal-width confidence bins, and the expected calibration error (Σ n_b/N · |observed − predicted|). */
export function reliability(judged: Judged[], bins = 10): { rows: ReliabilityRow[]; ece: number; count: number } {
  const rows: ReliabilityRow[] = [];
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    const inBin = judged.filter((j) => j.confidence >= lo && (j.confidence < hi || (b === bins - 1 && j.confidence <= hi)));
    if (inBin.length === 0) continue;
    const predicted = inBin.reduce((s, j) => s + j.confidence, 0) / inBin.length;
    const observed = inBin.filter((j) => j.correct).length / inBin.length;
    rows.push({ lo, hi, predicted: round4(predicted), observed: round4(observed), count: inBin.length });
    ece += (inBin.length / judged.length) * Math.abs(observed - predicted);
  }
  return { rows, ece: round4(ece), count: judged.length };
}

/** Average precision of a ranking score: the mean, over the positives, of the precision at each one's rank (ties share a rank). */
export function averagePrecision(samples: Sample[]): number {
  const positives = samples.filter((s) => s.label).length;
  if (positives === 0) return 0;
  const sorted = [...samples].sort((a, b) => b.score - a.score);
  let ap = 0;
  let seen = 0;
  let hits = 0;
  let i = 0;
  while (i < sorted.length) {
    // A tie is one step of the ranking: its positives all get the precision at its end.
    let j = i;
    let tiePositives = 0;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) {
      if (sorted[j]!.label) tiePositives++;
      j++;
    }
    seen = j;
    hits += tiePositives;
    ap += tiePositives * (hits / seen);
    i = j;
  }
  return round4(ap / positives);
}

/**
 * How a threshold is chosen from a precision/recall curve, never below `floor`: with `minPrecision`,
 * the lowest threshold whose precision reaches it (recall as high as that allows); without, the best
 * F-beta (beta 2 weighs recall twice precision: an analyst triaging an archive loses more by a case
 * never shown than by one shown with a low confidence). The threshold is placed just above the
 * highest score the chosen point leaves out, not at the lowest score it keeps: a score between the
 * two, unseen in the data, is not refused on no evidence.
 */
export interface ThresholdPolicy {
  minPrecision?: number;
  beta?: number;
  floor: number;
}

export function chooseThreshold(curve: PrPoint[], policy: ThresholdPolicy): PrPoint | null {
  const eligible = curve.filter((p) => p.threshold >= policy.floor && p.tp > 0);
  if (eligible.length === 0) return null;
  if (policy.minPrecision !== undefined) {
    const precise = eligible.filter((p) => p.precision >= policy.minPrecision!);
    if (precise.length > 0) return precise.reduce((a, b) => (b.recall > a.recall || (b.recall === a.recall && b.threshold < a.threshold) ? b : a));
  }
  const b2 = (policy.beta ?? 1) ** 2;
  const f = (p: PrPoint): number => (p.precision + p.recall === 0 ? 0 : ((1 + b2) * p.precision * p.recall) / (b2 * p.precision + p.recall));
  return eligible.reduce((a, b) => (f(b) > f(a) + 1e-9 ? b : a));
}

/** The threshold for a chosen point: one above the next lower score of the curve, and not below the floor. */
export function placeThreshold(curve: PrPoint[], chosen: PrPoint | null, floor: number): number {
  if (!chosen) return floor;
  const lower = curve.filter((p) => p.threshold < chosen.threshold).map((p) => p.threshold);
  return Math.max(floor, lower.length > 0 ? Math.max(...lower) + 1 : floor);
}

export function formatPrCurve(name: string, curve: PrPoint[], chosen: PrPoint | null, maxRows = 24): string {
  const lines = [`${name}: precision/recall by threshold (found = score ≥ threshold)`, "  threshold  tp    fp    fn    precision  recall  f1"];
  // Long curves: every threshold near the chosen one, a sample of the rest.
  const keep = new Set<number>();
  const step = Math.max(1, Math.ceil(curve.length / maxRows));
  curve.forEach((p, i) => {
    if (i % step === 0 || i === curve.length - 1 || (chosen && Math.abs(p.threshold - chosen.threshold) <= 5)) keep.add(i);
  });
  curve.forEach((p, i) => {
    if (!keep.has(i)) return;
    const mark = chosen && p.threshold === chosen.threshold ? " ◀ chosen" : "";
    lines.push(
      `  ${String(p.threshold).padStart(9)}  ${String(p.tp).padEnd(5)} ${String(p.fp).padEnd(5)} ${String(p.fn).padEnd(5)} ${p.precision.toFixed(3).padEnd(10)} ${p.recall.toFixed(3).padEnd(7)} ${p.f1.toFixed(3)}${mark}`,
    );
  });
  return lines.join("\n") + "\n";
}

export function formatReliability(title: string, r: { rows: ReliabilityRow[]; ece: number; count: number }): string {
  const lines = [`${title}: ${r.count} decisions, expected calibration error ${r.ece.toFixed(4)}`, "  bin          predicted  observed  count"];
  for (const row of r.rows) {
    lines.push(`  ${`${row.lo.toFixed(1)}–${row.hi.toFixed(1)}`.padEnd(12)} ${row.predicted.toFixed(3).padEnd(10)} ${row.observed.toFixed(3).padEnd(9)} ${row.count}`);
  }
  return lines.join("\n") + "\n";
}

function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
