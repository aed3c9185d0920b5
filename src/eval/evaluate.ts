// Precision / recall of crime detection against charge labels (CAIL format: `accusation`).
// Pure: the caller feeds (labels, result) pairs; charge names map to crime ids through the
// `charges` lists of the crime dimensions in rules/crimes.yaml.
import type { RuleSet } from "../rules/types.js";
import type { CaseResult } from "../types.js";

export interface CrimeMetrics {
  id: string;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
  falsePositives: string[];
  falseNegatives: string[];
}

export interface EvalReport {
  documents: number;
  crimes: CrimeMetrics[];
  /** Targets of the domain issue, measured. */
  checks: {
    /** Share of facts charged with neither PI nor fraud in which PI is found. */
    piOnOther: { flagged: number; of: number; rate: number };
    /** Recall of `fraud` on facts whose charges include 诈骗 itself. */
    fraudRecallOnZhapian: { found: number; of: number; rate: number };
    /** Share of theft (盗窃) facts not also charged with fraud on which `fraud` is found. */
    fraudOnTheft: { flagged: number; of: number; rate: number };
  };
  /** Charge names seen in the labels that map to no crime id (for the mapping's completeness). */
  unmappedCharges: number;
}

/** "[诈骗]" → "诈骗", "走私、贩卖、运输、制造]毒品" → "走私、贩卖、运输、制造毒品", trailing 罪 dropped. */
export function cleanCharge(name: string): string {
  return name.replace(/[[\]［］]/g, "").trim().replace(/罪$/, "");
}

export function createChargeMap(rules: RuleSet): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const dims = rules.dimensions.get("crime");
  for (const d of dims?.values() ?? []) {
    // A charge names its crime and every ancestor (telecom-fraud charges are fraud too).
    const ids = [d.id];
    for (let p = d.parent; p !== undefined && !ids.includes(p); p = dims?.get(p)?.parent) ids.push(p);
    for (const charge of d.charges ?? []) {
      const key = cleanCharge(charge);
      map.set(key, [...new Set([...(map.get(key) ?? []), ...ids])]);
    }
  }
  return map;
}

export class Evaluator {
  private readonly chargeMap: Map<string, string[]>;
  private readonly crimeIds: string[];
  private readonly counts = new Map<string, CrimeMetrics>();
  private documents = 0;
  private unmapped = 0;
  private piOther = { flagged: 0, of: 0 };
  private zhapian = { found: 0, of: 0 };
  private theft = { flagged: 0, of: 0 };

  constructor(rules: RuleSet, private readonly maxListed = 50) {
    this.chargeMap = createChargeMap(rules);
    // Only crimes some charge maps to can be measured; telecom-fraud, for one, has no CAIL label
    // of its own (its facts are labelled 诈骗 and count for fraud).
    this.crimeIds = [...new Set([...this.chargeMap.values()].flat())].sort();
    for (const id of this.crimeIds) {
      this.counts.set(id, { id, tp: 0, fp: 0, fn: 0, tn: 0, precision: 0, recall: 0, f1: 0, falsePositives: [], falseNegatives: [] });
    }
  }

  add(accusations: string[], result: CaseResult): void {
    this.documents++;
    const charges = accusations.map(cleanCharge);
    const gold = new Set<string>();
    for (const c of charges) {
      const ids = this.chargeMap.get(c);
      if (ids) ids.forEach((id) => gold.add(id));
      else this.unmapped++;
    }
    const predicted = new Set(result.crimes.map((d) => d.id));
    for (const id of this.crimeIds) {
      const m = this.counts.get(id)!;
      const g = gold.has(id);
      const p = predicted.has(id);
      if (g && p) m.tp++;
      else if (!g && p) {
        m.fp++;
        if (m.falsePositives.length < this.maxListed) m.falsePositives.push(result.id);
      } else if (g && !p) {
        m.fn++;
        if (m.falseNegatives.length < this.maxListed) m.falseNegatives.push(result.id);
      } else m.tn++;
    }
    if (!gold.has("personal-information") && !gold.has("fraud")) {
      this.piOther.of++;
      if (predicted.has("personal-information")) this.piOther.flagged++;
    }
    if (charges.includes("诈骗")) {
      this.zhapian.of++;
      if (predicted.has("fraud")) this.zhapian.found++;
    }
    // Theft facts also charged with a fraud-family crime are fraud facts: finding fraud there is right.
    if (charges.includes("盗窃") && !gold.has("fraud")) {
      this.theft.of++;
      if (predicted.has("fraud")) this.theft.flagged++;
    }
  }

  report(): EvalReport {
    const crimes = [...this.counts.values()].map((m) => {
      const precision = m.tp + m.fp === 0 ? 0 : m.tp / (m.tp + m.fp);
      const recall = m.tp + m.fn === 0 ? 0 : m.tp / (m.tp + m.fn);
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { ...m, precision: round(precision), recall: round(recall), f1: round(f1) };
    });
    const rate = (a: number, b: number): number => (b === 0 ? 0 : round(a / b));
    return {
      documents: this.documents,
      crimes,
      checks: {
        piOnOther: { ...this.piOther, rate: rate(this.piOther.flagged, this.piOther.of) },
        fraudRecallOnZhapian: { ...this.zhapian, rate: rate(this.zhapian.found, this.zhapian.of) },
        fraudOnTheft: { ...this.theft, rate: rate(this.theft.flagged, this.theft.of) },
      },
      unmappedCharges: this.unmapped,
    };
  }
}

/** The checks issue 12 sets floors for, one line each. */
export function formatChecks(r: EvalReport, title?: string): string {
  const c = r.checks;
  const lines = title ? [title] : [];
  lines.push(
    `personal-information on facts charged with neither PI nor fraud: ${c.piOnOther.flagged}/${c.piOnOther.of} = ${(100 * c.piOnOther.rate).toFixed(2)}% (target ≤ 1 in 2,000)`,
  );
  lines.push(`fraud recall on 诈骗 facts: ${c.fraudRecallOnZhapian.found}/${c.fraudRecallOnZhapian.of} = ${c.fraudRecallOnZhapian.rate.toFixed(3)} (target ≥ 0.93)`);
  lines.push(
    `fraud found on 盗窃 facts (not also charged with fraud): ${c.fraudOnTheft.flagged}/${c.fraudOnTheft.of} = ${(100 * c.fraudOnTheft.rate).toFixed(2)}% (target ≤ 0.5%)`,
  );
  const fraud = r.crimes.find((m) => m.id === "fraud");
  if (fraud) lines.push(`fraud (and its family) precision ${fraud.precision.toFixed(3)}, recall ${fraud.recall.toFixed(3)}`);
  return lines.join("\n") + "\n";
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}

export function formatEvalTable(r: EvalReport): string {
  const lines = [`documents ${r.documents}`, ""];
  lines.push(["crime".padEnd(24), "tp", "fp", "fn", "precision", "recall", "f1"].join("\t"));
  for (const m of r.crimes) {
    if (m.tp + m.fp + m.fn === 0) continue;
    lines.push([m.id.padEnd(24), m.tp, m.fp, m.fn, m.precision.toFixed(3), m.recall.toFixed(3), m.f1.toFixed(3)].join("\t"));
  }
  lines.push("");
  lines.push(formatChecks(r).trimEnd());
  for (const m of r.crimes) {
    if (m.falsePositives.length > 0) lines.push(`false positives ${m.id}: ${m.falsePositives.join(" ")}`);
    if (m.falseNegatives.length > 0) lines.push(`false negatives ${m.id}: ${m.falseNegatives.join(" ")}`);
  }
  return lines.join("\n") + "\n";
}
