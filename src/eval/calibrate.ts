// Fitting and measuring decisions on labelled data. Pure: (score, label) samples in, curves and
// tables out. `npm run fit:calibration` (src/bench/fit-calibration.ts) uses them to choose each
// dimension's threshold and confidence curve (rules/calibration.json); `caseflag eval` uses them to
// print the reliability table, the expected calibration error and the leak score's average precision.
import type { ConfidenceCurve } from "../rules/calibration.js";

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
 * points at each block's mean score. Each block's rate is smoothed towards the overall rate by
 * `prior` pseudo-samples, so a block of three does not claim 0 or 1.
 */
export function isotonicCurve(samples: Sample[], prior = 2): ConfidenceCurve {
  if (samples.length === 0) return [];
  const sorted = [...samples].sort((a, b) => a.score - b.score);
  const base = sorted.filter((s) => s.label).length / sorted.length;
  // One block per distinct score first.
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
      if (prev.sum / prev.n <= last.sum / last.n) break;
      blocks.splice(blocks.length - 2, 2, { sum: prev.sum + last.sum, n: prev.n + last.n, scoreSum: prev.scoreSum + last.scoreSum });
    }
  }
  const curve: ConfidenceCurve = [];
  for (const b of blocks) {
    const p = (b.sum + prior * base) / (b.n + prior);
    const x = Math.round((10 * b.scoreSum) / b.n) / 10;
    const y = Math.round(p * 1000) / 1000;
    const last = curve[curve.length - 1];
    // Smoothing can break monotony between a small block and a large one: keep the curve rising.
    curve.push([x, last ? Math.max(last[1], y) : y]);
  }
  return curve;
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
 * How a threshold is chosen from a precision/recall curve: the lowest threshold whose precision
 * reaches `minPrecision` (recall as high as that allows), else the one with the best F1. A floor
 * keeps a threshold from falling under what one suggestive cue scores.
 */
export interface ThresholdPolicy {
  minPrecision: number;
  floor: number;
}

export function chooseThreshold(curve: PrPoint[], policy: ThresholdPolicy): PrPoint | null {
  const eligible = curve.filter((p) => p.threshold >= policy.floor && p.tp > 0);
  if (eligible.length === 0) return null;
  const precise = eligible.filter((p) => p.precision >= policy.minPrecision);
  if (precise.length > 0) return precise.reduce((a, b) => (b.recall > a.recall || (b.recall === a.recall && b.threshold < a.threshold) ? b : a));
  return eligible.reduce((a, b) => (b.f1 > a.f1 ? b : a));
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
