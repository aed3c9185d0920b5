// Evidence to a CaseResult: dimension scores, statute severity, the overall leak score and the
// flags an analyst must look at, each flag with its reason. The formula is documented in README
// ("Scoring"); change both together.
import type { RuleSet } from "../rules/types.js";
import type {
  CaseResult,
  DimensionScore,
  EvidenceRef,
  Finding,
  Flag,
  IdentifierFinding,
  Language,
  Leak,
  Money,
  Severity,
  SeverityBasis,
  VictimCount,
  Volume,
} from "../types.js";
import { FOUND, evidenceOf, scoreDimensions } from "./dimensions.js";
import { computeSeverity } from "./severity.js";

export interface ResultInput {
  id: string;
  source: string;
  language: Language;
  findings: Finding[];
  volumes: Volume[];
  money: Money[];
  victims: VictimCount[];
  /** The insider verdict of the leak chains (score/attribution.ts). */
  insider: CaseResult["insider"];
  leaks: Leak[];
  /** Source industries in leak order: listed first, the holder first. */
  industryOrder: string[];
  rules: RuleSet;
}

/** The result schema's version (see CaseResult.schemaVersion). */
export const SCHEMA_VERSION = 2 as const;

/** Every flag a result can raise (the JSON Schema lists the same). */
export const FLAG_IDS = [
  "pi-leak",
  "insider",
  "key-industry",
  "key-group",
  "large-scale",
  "pil-clue",
  "cross-region",
  "unmasked-identifier",
  "telecom-fraud",
] as const;

/** Records at which a case is "large-scale" whatever its tier. */
export const LARGE_SCALE_RECORDS = 10_000;
/** Records (people's data) at which a case harms "众多个人" (PIPL art. 70) for the PIL clue. */
export const MANY_PEOPLE_RECORDS = 1_000;
/** People harmed at which a case is "large-scale" whatever its record counts. */
export const LARGE_SCALE_VICTIMS = 100;
/** People harmed at which a case harms "众多个人" whatever its record counts. */
export const MANY_VICTIMS = 10;
/** Unmasked valid identifiers in a filing that are by themselves a leak in the document. */
export const LISTED_IDENTIFIERS_LEAK = 5;

export function assembleResult(input: ResultInput): CaseResult {
  const { findings, rules } = input;
  const crimes = scoreDimensions("crime", findings, rules);
  const infoDims = rules.dimensions.get("info-type");
  const infoTypes = scoreDimensions("info-type", findings, rules).map((d) => ({
    ...d,
    tier: infoDims?.get(d.id)?.tier ?? "C",
    sensitive: infoDims?.get(d.id)?.sensitive ?? false,
  }));
  // The leak's source first, then by score: a channel or a buyer's trade never outranks the holder.
  const rank = (id: string): number => {
    const i = input.industryOrder.indexOf(id);
    return i < 0 ? Infinity : i;
  };
  const industries = scoreDimensions("industry", findings, rules).sort((a, b) => rank(a.id) - rank(b.id));
  const groups = scoreDimensions("group", findings, rules);
  const regions = scoreDimensions("region", findings, rules);
  const conduct = scoreDimensions("conduct", findings, rules);
  const insider = input.insider;

  const found = (list: DimensionScore[], id: string): DimensionScore | undefined =>
    list.find((d) => d.id === id && d.score >= FOUND);
  const pi = crimes.find((d) => d.id === "personal-information")?.score ?? 0;
  const infoMax = Math.max(0, ...infoTypes.map((d) => d.score));
  const conductFound = conduct.some((d) => d.score >= FOUND);
  const identifiers = findings.filter((f): f is IdentifierFinding => f.kind === "identifier" && !f.negated);
  const unmasked = identifiers.filter((f) => !f.masked && f.confidence >= 0.5);

  // Severity is a statement about a personal-information offence: only where one is in view.
  const piInView = pi >= FOUND || (infoMax >= FOUND && conductFound) || unmasked.length >= LISTED_IDENTIFIERS_LEAK;
  let severity: Severity = "none";
  let severityBasis: SeverityBasis | null = null;
  if (piInView) {
    const labels: Record<string, string> = {};
    for (const d of infoDims?.values() ?? []) if (d.label?.zh) labels[d.id] = d.label.zh;
    const s = computeSeverity({ volumes: input.volumes, money: input.money, insider: insider.flag, labels });
    severity = s.severity;
    severityBasis = s.basis;
  }

  const records = totalRecords(input.volumes);
  const flags: Flag[] = [];
  const flag = (id: string, reason: string, evidence: EvidenceRef[]): void => {
    flags.push({ id, reason, evidence: evidence.slice(0, 8) });
  };
  const piCrime = found(crimes, "personal-information");
  const piLeak = piCrime !== undefined || severity !== "none" || unmasked.length >= LISTED_IDENTIFIERS_LEAK;
  if (piLeak) {
    const why = piCrime
      ? `personal-information crime evidence scores ${piCrime.score}`
      : severity !== "none"
        ? `personal information obtained or provided at ${severity} scale`
        : `${unmasked.length} unmasked identifiers listed in the document`;
    flag("pi-leak", why, piCrime?.evidence ?? evidenceOf(unmasked));
  }
  const fraud = found(crimes, "fraud");
  if (insider.flag && (piLeak || infoMax >= FOUND)) {
    flag("insider", `an insider (a role with work access) passed on the data; the chain scores ${insider.score}`, insider.evidence);
  }
  const keyIndustries = industries.filter((d) => d.score >= FOUND && rules.dimensions.get("industry")?.get(d.id)?.key);
  if ((piLeak || fraud) && keyIndustries.length > 0) {
    flag("key-industry", `key industry: ${keyIndustries.map((d) => d.id).join(", ")}`, keyIndustries.flatMap((d) => d.evidence));
  }
  const keyGroups = groups.filter((d) => d.score >= FOUND && rules.dimensions.get("group")?.get(d.id)?.key);
  if ((piLeak || fraud) && keyGroups.length > 0) {
    flag("key-group", `key victim group: ${keyGroups.map((d) => d.id).join(", ")}`, keyGroups.flatMap((d) => d.evidence));
  }
  // Scale is about how many people's data, not how much money: a gain alone does not make it large.
  const victimsMax = input.victims.reduce((m, v) => Math.max(m, v.count), 0);
  const especiallyByCount = severity === "especially-serious" && severityBasis?.by === "count";
  if (piLeak && (records >= LARGE_SCALE_RECORDS || especiallyByCount || victimsMax >= LARGE_SCALE_VICTIMS)) {
    flag(
      "large-scale",
      records >= LARGE_SCALE_RECORDS
        ? `${records} records of personal information`
        : especiallyByCount
          ? `especially serious by count: ${severityBasis?.reason ?? ""}`
          : `${victimsMax} victims`,
      [...volumeEvidence(input.volumes), ...victimEvidence(input.victims)],
    );
  }
  const sensitive = infoTypes.filter((d) => d.sensitive && d.score >= FOUND);
  const minors = found(groups, "minors");
  const many = records >= MANY_PEOPLE_RECORDS || victimsMax >= MANY_VICTIMS;
  if (piLeak && many && (sensitive.length > 0 || minors)) {
    const what = [...sensitive.map((d) => d.id), ...(minors ? ["minors"] : [])].join(", ");
    const who = records >= MANY_PEOPLE_RECORDS ? `${records} people's records` : `${victimsMax} victims`;
    flag("pil-clue", `${who} with sensitive information (${what}): public-interest litigation clue (PIPL art. 70)`, [
      ...volumeEvidence(input.volumes),
      ...victimEvidence(input.victims),
      ...sensitive.flatMap((d) => d.evidence),
      ...(minors?.evidence ?? []),
    ]);
  }
  const provinces = provincesOf(regions, rules);
  // Like the key-industry and key-group flags, a region spread matters for a leak or a fraud, not an assault.
  if ((piLeak || fraud) && provinces.size >= 2) {
    flag("cross-region", `${provinces.size} provincial-level regions: ${[...provinces.keys()].join(", ")}`, [...provinces.values()]);
  }
  if (unmasked.length > 0) {
    const types = [...new Set(unmasked.map((f) => f.target))].join(", ");
    flag("unmasked-identifier", `${unmasked.length} unmasked identifier(s) in the document (${types})`, evidenceOf(unmasked));
  }
  const telecomFraud = found(crimes, "telecom-fraud");
  if (telecomFraud) flag("telecom-fraud", `telecom-network fraud evidence scores ${telecomFraud.score}`, telecomFraud.evidence);

  const score = leakScore({
    pi,
    infoMax,
    conductFound,
    unmasked: unmasked.length,
    severity,
    insider: insider.flag && (piLeak || infoMax >= FOUND) ? insider.score : 0,
    keyIndustry: keyIndustries.length > 0,
    keyGroup: keyGroups.length > 0,
    sensitive: sensitive.length > 0,
  });

  return {
    schemaVersion: SCHEMA_VERSION,
    id: input.id,
    source: input.source,
    language: input.language,
    score,
    severity,
    severityBasis,
    crimes,
    infoTypes,
    industries,
    groups,
    insider,
    leaks: input.leaks,
    regions,
    volumes: input.volumes,
    money: input.money,
    victims: input.victims,
    flags: flags.sort((a, b) => (a.id < b.id ? -1 : 1)),
    findings,
  };
}

export interface LeakScoreInput {
  pi: number;
  infoMax: number;
  conductFound: boolean;
  unmasked: number;
  severity: Severity;
  insider: number;
  keyIndustry: boolean;
  keyGroup: boolean;
  sensitive: boolean;
}

/**
 * 0..100. Leak evidence L combines the PI-crime score, information types (half weight, a quarter
 * without conduct such as 出售/非法获取) and unmasked identifiers in the document itself. The
 * aggravations A (severity, insider, key industry/group, sensitive data) can only raise a score
 * that already has leak evidence: score = 100 · (1 − (1 − L)(1 − L·A)).
 */
export function leakScore(x: LeakScoreInput): number {
  const idLeak = Math.min(0.6, 0.12 * x.unmasked);
  const L = 1 - (1 - x.pi / 100) * (1 - (x.conductFound ? 0.5 : 0.25) * (x.infoMax / 100)) * (1 - idLeak);
  const agg = [
    x.severity === "especially-serious" ? 0.8 : x.severity === "serious" ? 0.5 : 0,
    0.5 * (x.insider / 100),
    x.keyIndustry ? 0.25 : 0,
    x.keyGroup ? 0.25 : 0,
    x.sensitive ? 0.25 : 0,
  ];
  const A = 1 - agg.reduce((m, a) => m * (1 - a), 1);
  return Math.round(100 * (1 - (1 - L) * (1 - L * A)));
}

/** Records in view: per information type the largest count (the same records are restated), summed. */
export function totalRecords(volumes: Volume[]): number {
  const perType = new Map<string, number>();
  for (const v of volumes) perType.set(v.infoType, Math.max(perType.get(v.infoType) ?? 0, v.count));
  let sum = 0;
  for (const n of perType.values()) sum += n;
  return sum;
}

function volumeEvidence(volumes: Volume[]): EvidenceRef[] {
  return volumes.map((v) => ({ ruleId: `volume.${v.infoType}`, start: v.start, end: v.end, match: v.match }));
}

function victimEvidence(victims: VictimCount[]): EvidenceRef[] {
  return victims.map((v) => ({ ruleId: "victims.count", start: v.start, end: v.end, match: v.match }));
}

function provincesOf(regions: DimensionScore[], rules: RuleSet): Map<string, EvidenceRef> {
  const dims = rules.dimensions.get("region");
  const out = new Map<string, EvidenceRef>();
  for (const r of regions) {
    if (r.score < FOUND) continue;
    const province = dims?.get(r.id)?.province ?? r.id;
    const ev = r.evidence[0];
    if (ev && !out.has(province)) out.set(province, ev);
  }
  return out;
}
