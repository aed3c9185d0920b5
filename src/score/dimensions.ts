// Findings to per-dimension scores. A dimension's score is a noisy-OR of the weights of the rules
// that found it: 100 · (1 − Π(1 − w/100)). Each rule counts once (see detect/match.ts), so the
// score rises with independent evidence, not with repetition. Counter-evidence (rules marked
// `counter`, findings with a negative weight) multiplies it by Π(1 − |w|/100).
import type { Dimension, LoadedKind, RuleSet } from "../rules/types.js";
import type { DimensionScore, EvidenceRef, Finding } from "../types.js";

/** A dimension counts as found at this score. */
export const FOUND = 50;
const MAX_EVIDENCE = 8;

export function noisyOr(weights: number[]): number {
  let miss = 1;
  for (const w of weights) miss *= 1 - Math.min(100, Math.max(0, w)) / 100;
  return Math.round(100 * (1 - miss));
}

export function evidenceOf(findings: Finding[]): EvidenceRef[] {
  return [...findings]
    .filter((f) => !f.negated && f.weight >= 0)
    .sort((a, b) => b.weight - a.weight || a.start - b.start)
    .slice(0, MAX_EVIDENCE)
    .map((f) => ({ ruleId: f.ruleId, start: f.start, end: f.end, match: f.match }));
}

/** A dimension's score, and whether one hint rule alone speaks for it (then it is never found). */
export interface ScoredDimension extends DimensionScore {
  hintOnly: boolean;
}

const hintRules = new WeakMap<RuleSet, Set<string>>();
function hintsOf(rules: RuleSet): Set<string> {
  let set = hintRules.get(rules);
  if (!set) {
    set = new Set(rules.rules.filter((r) => r.hint).map((r) => r.id));
    hintRules.set(rules, set);
  }
  return set;
}

/**
 * Scores for every dimension of a kind that has evidence, sorted by score (then id). A child
 * dimension (telecom-fraud) also feeds its parent (fraud).
 */
export function scoreDimensions(kind: LoadedKind, findings: Finding[], rules: RuleSet): ScoredDimension[] {
  const dims = rules.dimensions.get(kind) ?? new Map<string, Dimension>();
  const byTarget = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.kind !== kind) continue;
    for (const target of lineage(f.target, dims)) {
      const list = byTarget.get(target);
      if (list) list.push(f);
      else byTarget.set(target, [f]);
    }
  }
  const hints = hintsOf(rules);
  const scores: ScoredDimension[] = [];
  for (const [id, list] of byTarget) {
    const live = list.filter((f) => !f.negated && f.weight !== 0);
    const pro = live.filter((f) => f.weight > 0);
    const against = live.filter((f) => f.weight < 0);
    const score = Math.round(noisyOr(pro.map((f) => f.weight)) * (1 - noisyOr(against.map((f) => -f.weight)) / 100));
    if (score === 0) continue;
    const speaking = new Set(pro.map((f) => f.ruleId));
    const hintOnly = speaking.size === 1 && hints.has([...speaking][0]!);
    scores.push({ id, score, evidence: evidenceOf(list), hintOnly });
  }
  return scores.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

function lineage(target: string, dims: Map<string, Dimension>): string[] {
  const out = [target];
  let parent = dims.get(target)?.parent;
  while (parent !== undefined && !out.includes(parent)) {
    out.push(parent);
    parent = dims.get(parent)?.parent;
  }
  return out;
}
