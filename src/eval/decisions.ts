// How well decisions and their confidences hold against labels: the reliability table and expected
// calibration error of found decisions, and the leak score's average precision for
// personal-information, on the held-out part and on all. Pure: judgments in, a report out.
import { averagePrecision, formatReliability, reliability, type ReliabilityRow } from "./calibrate.js";
import type { Part } from "./corpus.js";
import type { Judgment } from "./labels.js";

/** The decision kinds reported; "leak" is the leak score against whether personal information leaked. */
export const REPORTED_KINDS = ["crime", "industry", "group", "insider"] as const;
export type ReportedKind = (typeof REPORTED_KINDS)[number];

export interface ReliabilityReport {
  rows: ReliabilityRow[];
  ece: number;
  count: number;
}

export interface DecisionReport {
  /** Per kind and part: found decisions, their confidence against whether they were right. */
  reliability: Record<ReportedKind, Record<"heldOut" | "all", ReliabilityReport>>;
  /** Average precision of the leak score for personal-information (null: no positive in that part). */
  leakAp: Record<"heldOut" | "all", { ap: number | null; positives: number; documents: number }>;
}

export class DecisionTally {
  private readonly judged: { part: Part; j: Judgment }[] = [];

  add(part: Part, judgments: Judgment[]): void {
    for (const j of judgments) this.judged.push({ part, j });
  }

  report(): DecisionReport {
    const pick = (part: "heldOut" | "all", kind: string) =>
      this.judged.filter((x) => (part === "all" || x.part === part) && x.j.kind === kind).map((x) => x.j);
    const rel = (part: "heldOut" | "all", kind: ReportedKind): ReliabilityReport =>
      reliability(pick(part, kind).filter((j) => j.found).map((j) => ({ confidence: j.confidence, correct: j.label })));
    const ap = (part: "heldOut" | "all") => {
      const samples = pick(part, "leak").map((j) => ({ score: j.score, label: j.label }));
      const positives = samples.filter((s) => s.label).length;
      return { ap: positives > 0 ? averagePrecision(samples) : null, positives, documents: samples.length };
    };
    const reliabilityByKind = {} as DecisionReport["reliability"];
    for (const kind of REPORTED_KINDS) reliabilityByKind[kind] = { heldOut: rel("heldOut", kind), all: rel("all", kind) };
    return { reliability: reliabilityByKind, leakAp: { heldOut: ap("heldOut"), all: ap("all") } };
  }
}

export function formatDecisionReport(r: DecisionReport, kinds: readonly ReportedKind[] = REPORTED_KINDS): string {
  const out: string[] = [];
  for (const kind of kinds) {
    for (const part of ["heldOut", "all"] as const) {
      const rel = r.reliability[kind][part];
      if (rel.count === 0) continue;
      out.push(formatReliability(`${kind} findings, ${part === "heldOut" ? "held-out part" : "all"}`, rel));
    }
  }
  const ap = (x: DecisionReport["leakAp"]["all"]): string =>
    x.ap === null ? `– (no personal-information case among ${x.documents})` : `${x.ap.toFixed(4)} (${x.positives} personal-information cases among ${x.documents})`;
  out.push(`leak score, average precision for personal-information: held-out ${ap(r.leakAp.heldOut)}; all ${ap(r.leakAp.all)}\n`);
  return out.join("\n");
}
