// Statute severity of a personal-information offence, per art. 5 of the 2017 interpretation
// (法释〔2017〕10号): counts per tier (items 3–5), proportional sums across tiers (item 6),
// illegal gain (item 7), insiders at half the numbers (item 8); ten times any of them is
// "especially serious" (para. 2 item 3).
//
// Counting rule. The same records are usually mentioned several times (指控 / 查明 / 本院认为),
// so per info-type only the largest count is taken; different info-types add up. Counts read
// from identifiers listed in the document itself are only used when the prose gives no count at
// all: a court's count already includes the examples it spells out. Of the gains, the largest
// is taken, for the same reason. A general count that includes typed sub-counts ("4万余条，
// 其中征信信息600条") is over-counted by at most the sub-counts' tier-C share: small, and it can
// only move a case across a threshold it almost reached.

import type { Money, Severity, SeverityBasis, Volume } from "../types.js";

export const THRESHOLDS = {
  A: 50,
  B: 500,
  C: 5000,
  gainYuan: 5000,
  especiallyFactor: 10,
  insiderFactor: 0.5,
} as const;

export interface SeverityInput {
  volumes: Volume[];
  money: Money[];
  /** Information obtained while performing duties or providing services (art. 5 item 8). */
  insider: boolean;
  /** Display names for info-type ids in the reason ("credit-report" → "征信"); ids otherwise. */
  labels?: Readonly<Record<string, string>>;
}

export interface SeverityResult {
  severity: Severity;
  basis: SeverityBasis | null;
}

type Tier = "A" | "B" | "C";

/** Tier C equivalents of one record, so proportional sums stay in integers (A 50 = C 5000). */
const TIER_WEIGHT: Readonly<Record<Tier, number>> = {
  A: THRESHOLDS.C / THRESHOLDS.A,
  B: THRESHOLDS.C / THRESHOLDS.B,
  C: 1,
};

interface TypeCount {
  infoType: string;
  tier: Tier;
  count: number;
  approximate: boolean;
}

/**
 * Severity with the sentence that explains it. `basis` is null when there is nothing to measure
 * (no counts, no gain); otherwise it names the deciding count(s) or gain and threshold, also when
 * the result is "none". `basis.ratio` is the deciding ratio: the proportional sum of counts over
 * the "serious" threshold, or the gain over its threshold when the gain decides.
 */
export function computeSeverity(input: SeverityInput): SeverityResult {
  const factor = input.insider ? THRESHOLDS.insiderFactor : 1;
  const types = largestPerType(input.volumes);
  const gain = largestGain(input.money);
  if (types.length === 0 && gain === null) return { severity: "none", basis: null };

  // Integer arithmetic on tier-C equivalents: 25/50 + 250/500 must be exactly 1.
  const equivalent = types.reduce((sum, t) => sum + t.count * TIER_WEIGHT[t.tier], 0);
  const countRatio = equivalent / (THRESHOLDS.C * factor);
  const gainRatio = gain === null ? 0 : gain.yuan / (THRESHOLDS.gainYuan * factor);
  const countLevel = level(equivalent, THRESHOLDS.C * factor);
  const gainLevel = gain === null ? 0 : level(gain.yuan, THRESHOLDS.gainYuan * factor);

  const severity = SEVERITIES[Math.max(countLevel, gainLevel)]!;
  const byGain = gain !== null && (gainLevel > countLevel || (gainLevel === countLevel && gainRatio > countRatio));
  const reason = byGain
    ? gainReason(gain, gainLevel, factor, severity)
    : countReason(types, countLevel, factor, severity, input.labels ?? {});
  return {
    severity,
    basis: { reason, by: byGain ? "gain" : "count", ratio: round(byGain ? gainRatio : countRatio), insiderHalved: input.insider },
  };
}

const SEVERITIES: readonly Severity[] = ["none", "serious", "especially-serious"];
const WORDS: Readonly<Record<Severity, string>> = {
  none: "not serious",
  serious: "serious",
  "especially-serious": "especially serious",
};

function level(value: number, serious: number): 0 | 1 | 2 {
  if (value >= serious * THRESHOLDS.especiallyFactor) return 2;
  if (value >= serious) return 1;
  return 0;
}

function largestPerType(volumes: Volume[]): TypeCount[] {
  const prose = volumes.filter((v) => v.from === "prose");
  const used = prose.length > 0 ? prose : volumes;
  const best = new Map<string, TypeCount>();
  for (const v of used) {
    if (!(v.count > 0)) continue;
    const cur = best.get(v.infoType);
    // Same type, different tiers (rule data disagreeing): keep the reading that weighs more.
    if (!cur || v.count * TIER_WEIGHT[v.tier] > cur.count * TIER_WEIGHT[cur.tier]) {
      best.set(v.infoType, { infoType: v.infoType, tier: v.tier, count: v.count, approximate: v.approximate });
    }
  }
  // Heaviest first: the reason names the one that matters most.
  return [...best.values()].sort(
    (a, b) => b.count * TIER_WEIGHT[b.tier] - a.count * TIER_WEIGHT[a.tier] || a.infoType.localeCompare(b.infoType),
  );
}

function largestGain(money: Money[]): Money | null {
  let best: Money | null = null;
  for (const m of money) if (m.role === "gain" && (!best || m.yuan > best.yuan)) best = m;
  return best;
}

function threshold(tier: Tier, factor: number, lvl: number): number {
  return THRESHOLDS[tier] * factor * (lvl === 2 ? THRESHOLDS.especiallyFactor : 1);
}

function qualifiers(tier: Tier | null, lvl: number, factor: number): string {
  const parts: string[] = [];
  if (tier) parts.push(`tier ${tier}`);
  if (lvl === 2) parts.push(`×${THRESHOLDS.especiallyFactor}`);
  if (factor !== 1) parts.push("insider ½");
  return parts.length ? ` (${parts.join(", ")})` : "";
}

function countReason(types: TypeCount[], lvl: number, factor: number, severity: Severity, labels: Readonly<Record<string, string>>): string {
  const name = (t: TypeCount) => `${labels[t.infoType] ?? t.infoType} ${fmt(t.count)}${t.approximate ? "+" : ""}条`;
  const top = types[0]!;
  // The largest single type decides on its own: name only it.
  if (types.length === 1 || (lvl > 0 && level(top.count * TIER_WEIGHT[top.tier], THRESHOLDS.C * factor) === lvl)) {
    const t = threshold(top.tier, factor, Math.max(lvl, 1));
    const cmp = lvl === 0 ? "<" : "≥";
    return `${name(top)} ${cmp} ${fmt(t)}${qualifiers(top.tier, lvl, factor)}: ${WORDS[severity]}`;
  }
  const parts = types.map((t) => `${name(t)}/${fmt(THRESHOLDS[t.tier] * factor)}`);
  const sum = types.reduce((s, t) => s + (t.count * TIER_WEIGHT[t.tier]) / (THRESHOLDS.C * factor), 0);
  const bound = lvl === 2 ? THRESHOLDS.especiallyFactor : 1;
  const cmp = lvl === 0 ? "<" : "≥";
  return `proportional sum ${parts.join(" + ")} = ${fmt(round(sum))} ${cmp} ${bound}${qualifiers(null, lvl, factor)}: ${WORDS[severity]}`;
}

function gainReason(gain: Money, lvl: number, factor: number, severity: Severity): string {
  const t = THRESHOLDS.gainYuan * factor * (lvl === 2 ? THRESHOLDS.especiallyFactor : 1);
  const cmp = lvl === 0 ? "<" : "≥";
  return `违法所得 ¥${fmt(gain.yuan)}${gain.approximate ? "+" : ""} ${cmp} ¥${fmt(t)}${qualifiers(null, lvl, factor)}: ${WORDS[severity]}`;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
