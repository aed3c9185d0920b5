// Evidence to a CaseResult: dimension scores, statute severity, the overall leak score and the
// flags an analyst must look at, each flag with its reason. The formula is documented in README
// ("Scoring"); change both together.
import { DECIDED_KINDS, DEFAULT_THRESHOLD, IDENTITY_CURVE, decisionFor, insiderDecision, readCurve, type DecidedKind } from "../rules/calibration.js";
import type { Dimension, RuleSet } from "../rules/types.js";
import type {
  CaseMeta,
  CaseResult,
  Decision,
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
import { evidenceOf, scoreDimensions, type ScoredDimension } from "./dimensions.js";
import { computeSeverity } from "./severity.js";

export interface ResultInput {
  id: string;
  source: string;
  /** What names the case (score/case-meta.ts). */
  case: CaseMeta;
  language: Language;
  findings: Finding[];
  volumes: Volume[];
  money: Money[];
  victims: VictimCount[];
  /** The level the text states for the offence (detect/stated-severity.ts), with the words that state it; null when none. */
  statedSeverity?: { severity: Exclude<Severity, "none">; court: boolean; quote: string } | null;
  /** The strongest insider chain of the leak chains (score/attribution.ts): its score and evidence; the flag is decided here. */
  insider: { score: number; evidence: EvidenceRef[]; /** Whether the thresholds are halved (the insider's own act, not a buyer's case); default true. */ halves?: boolean };
  leaks: Leak[];
  /** Source industries in leak order: listed first, the holder first. */
  industryOrder: string[];
  rules: RuleSet;
  /** Decisions (and flags) below this confidence are signals: `--min-confidence`. */
  minConfidence?: number;
}

/** The result schema's version (see CaseResult.schemaVersion). */
export const SCHEMA_VERSION = 5 as const;

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
  const cal = rules.calibration;
  const minConfidence = input.minConfidence ?? 0;
  const decide = <T extends ScoredDimension>(kind: DecidedKind, list: T[]): { found: (Omit<T, "hintOnly"> & Decision)[]; signals: (Omit<T, "hintOnly"> & Decision)[] } => {
    const found: (Omit<T, "hintOnly"> & Decision)[] = [];
    const signals: (Omit<T, "hintOnly"> & Decision)[] = [];
    for (const d of list) {
      const { hintOnly, ...rest } = d;
      const decision = decisionFor(cal, kind, d.id);
      const confidence = readCurve(decision.confidence, d.score);
      const out = { ...rest, confidence };
      if (d.score >= decision.threshold && !hintOnly && confidence >= minConfidence) found.push(out);
      else signals.push(out);
    }
    return { found, signals };
  };
  const crimeScores = scoreDimensions("crime", findings, rules);
  const crimes = decide("crime", crimeScores);
  const infoDims = rules.dimensions.get("info-type");
  const infoScores = scoreDimensions("info-type", findings, rules).map((d) => ({
    ...d,
    tier: infoDims?.get(d.id)?.tier ?? ("C" as const),
    sensitive: infoDims?.get(d.id)?.sensitive ?? false,
  }));
  const infoTypes = decide("info-type", infoScores);
  // The leak's source first, then by score: a channel or a buyer's trade never outranks the holder.
  const rank = (id: string): number => {
    const i = input.industryOrder.indexOf(id);
    return i < 0 ? Infinity : i;
  };
  const industries = decide("industry", scoreDimensions("industry", findings, rules).sort((a, b) => rank(a.id) - rank(b.id)));
  const groups = decide("group", scoreDimensions("group", findings, rules));
  const regions = decide("region", scoreDimensions("region", findings, rules));
  const conduct = scoreDimensions("conduct", findings, rules);
  const insiderCut = insiderDecision(cal);
  const insiderConfidence = input.insider.score > 0 ? readCurve(insiderCut.confidence, input.insider.score) : 0;
  const insider = {
    flag: input.insider.evidence.length > 0 && input.insider.score >= insiderCut.threshold && insiderConfidence >= minConfidence,
    score: input.insider.score,
    confidence: insiderConfidence,
    evidence: input.insider.evidence,
  };

  const found = (list: Decision[], id: string): Decision | undefined => list.find((d) => d.id === id);
  const pi = crimeScores.find((d) => d.id === "personal-information")?.score ?? 0;
  const infoMax = Math.max(0, ...infoScores.map((d) => d.score));
  const infoFound = infoTypes.found.length > 0;
  const conductFound = conduct.some((d) => d.score >= DEFAULT_THRESHOLD && !d.hintOnly);
  const identifiers = findings.filter((f): f is IdentifierFinding => f.kind === "identifier" && !f.negated);
  const unmasked = identifiers.filter((f) => !f.masked && f.confidence >= 0.5);

  // Severity is a statement about a personal-information offence: only where one is in view.
  const piCrime = found(crimes.found, "personal-information");
  const piInView = piCrime !== undefined || (infoFound && conductFound) || unmasked.length >= LISTED_IDENTIFIERS_LEAK;
  let severity: Severity = "none";
  let severityBasis: SeverityBasis | null = null;
  /** Especially serious by the counts read, whatever the text states (the large-scale flag is about counts). */
  let especiallyByCount = false;
  let countReason = "";
  if (piInView) {
    const labels: Record<string, string> = {};
    for (const d of infoDims?.values() ?? []) if (d.label?.zh) labels[d.id] = d.label.zh;
    const s = computeSeverity({ volumes: input.volumes, money: input.money, insider: insider.flag && input.insider.halves !== false, labels });
    severity = s.severity;
    severityBasis = s.basis;
    especiallyByCount = s.severity === "especially-serious" && s.basis?.by === "count";
    countReason = s.basis?.reason ?? "";
    // What the text states is what the case was decided on; the counts stay in the reason beside it.
    const stated = input.statedSeverity;
    if (stated) {
      severity = stated.severity;
      severityBasis = {
        reason: `${stated.court ? "the court finds" : "the text states"} ${stated.severity === "serious" ? "情节严重" : "情节特别严重"}: “${stated.quote}”${s.basis ? `; counts read: ${s.basis.reason}` : ""}`,
        by: "stated",
        ratio: s.basis ? s.basis.ratio : null,
        insiderHalved: s.basis ? s.basis.insiderHalved : false,
      };
    }
  }

  const piLeak = piCrime !== undefined || severity !== "none" || unmasked.length >= LISTED_IDENTIFIERS_LEAK;
  const fraud = found(crimes.found, "fraud");
  const keyIndustries = industries.found.filter((d) => rules.dimensions.get("industry")?.get(d.id)?.key);
  const keyGroups = groups.found.filter((d) => rules.dimensions.get("group")?.get(d.id)?.key);
  const sensitive = infoTypes.found.filter((d) => d.sensitive);
  const insiderCounts = insider.flag && (piLeak || infoFound);

  const score = leakScore({
    pi,
    infoMax,
    conductFound,
    unmasked: unmasked.length,
    severity,
    insider: insiderCounts ? insider.score : 0,
    keyIndustry: keyIndustries.length > 0,
    keyGroup: keyGroups.length > 0,
    sensitive: sensitive.length > 0,
  });

  // A flag's confidence comes from what it rests on: the leak (the leak score's fitted curve), the
  // decisions it names (the strongest of them), and for "in a leak or fraud case" the likelier of the two.
  const leakConfidence = piLeak ? readCurve(cal?.leakScore ?? IDENTITY_CURVE, score) : 0;
  const caseConfidence = Math.max(leakConfidence, fraud?.confidence ?? 0);
  const best = (list: Decision[]): number => Math.max(0, ...list.map((d) => d.confidence));
  const flags: Flag[] = [];
  const flag = (id: string, reason: string, confidence: number, evidence: EvidenceRef[]): void => {
    const c = Math.round(confidence * 100) / 100;
    if (c < minConfidence) return;
    flags.push({ id, reason, confidence: c, evidence: evidence.slice(0, 8) });
  };
  if (piLeak) {
    const why = piCrime
      ? `personal-information crime evidence scores ${piCrime.score}`
      : severity !== "none"
        ? `personal information obtained or provided at ${severity} scale`
        : `${unmasked.length} unmasked identifiers listed in the document`;
    flag("pi-leak", why, leakConfidence, piCrime?.evidence ?? evidenceOf(unmasked));
  }
  if (insiderCounts) {
    flag("insider", `an insider (a role with work access) passed on the data; the chain scores ${insider.score}`, insider.confidence, insider.evidence);
  }
  if ((piLeak || fraud) && keyIndustries.length > 0) {
    flag(
      "key-industry",
      `key industry: ${keyIndustries.map((d) => d.id).join(", ")}`,
      best(keyIndustries) * caseConfidence,
      keyIndustries.flatMap((d) => d.evidence),
    );
  }
  if ((piLeak || fraud) && keyGroups.length > 0) {
    flag("key-group", `key victim group: ${keyGroups.map((d) => d.id).join(", ")}`, best(keyGroups) * caseConfidence, keyGroups.flatMap((d) => d.evidence));
  }
  // Scale is about how many people's data, not how much money: a gain alone does not make it large.
  const records = totalRecords(input.volumes);
  const victimsMax = input.victims.reduce((m, v) => Math.max(m, v.count), 0);
  if (piLeak && (records >= LARGE_SCALE_RECORDS || especiallyByCount || victimsMax >= LARGE_SCALE_VICTIMS)) {
    flag(
      "large-scale",
      records >= LARGE_SCALE_RECORDS
        ? `${records} records of personal information`
        : especiallyByCount
          ? `especially serious by count: ${countReason}`
          : `${victimsMax} victims`,
      leakConfidence,
      [...volumeEvidence(input.volumes), ...victimEvidence(input.victims)],
    );
  }
  const minors = found(groups.found, "minors");
  const many = records >= MANY_PEOPLE_RECORDS || victimsMax >= MANY_VICTIMS;
  if (piLeak && many && (sensitive.length > 0 || minors)) {
    const what = [...sensitive.map((d) => d.id), ...(minors ? ["minors"] : [])].join(", ");
    const who = records >= MANY_PEOPLE_RECORDS ? `${records} people's records` : `${victimsMax} victims`;
    flag(
      "pil-clue",
      `${who} with sensitive information (${what}): public-interest litigation clue (PIPL art. 70)`,
      leakConfidence * Math.max(best(sensitive), minors?.confidence ?? 0),
      [...volumeEvidence(input.volumes), ...victimEvidence(input.victims), ...sensitive.flatMap((d) => d.evidence), ...(minors?.evidence ?? [])],
    );
  }
  const provinces = provincesOf(regions.found, rules);
  // Like the key-industry and key-group flags, a region spread matters for a leak or a fraud, not an assault.
  if ((piLeak || fraud) && provinces.size >= 2) {
    const second = [...provinces.values()].map((p) => p.confidence).sort((a, b) => b - a)[1] ?? 0;
    flag(
      "cross-region",
      `${provinces.size} provincial-level regions: ${[...provinces.keys()].join(", ")}`,
      caseConfidence * second,
      [...provinces.values()].map((p) => p.evidence),
    );
  }
  if (unmasked.length > 0) {
    const types = [...new Set(unmasked.map((f) => f.target))].join(", ");
    flag(
      "unmasked-identifier",
      `${unmasked.length} unmasked identifier(s) in the document (${types})`,
      Math.max(...unmasked.map((f) => f.confidence)),
      evidenceOf(unmasked),
    );
  }
  const telecomFraud = found(crimes.found, "telecom-fraud");
  if (telecomFraud) flag("telecom-fraud", `telecom-network fraud evidence scores ${telecomFraud.score}`, telecomFraud.confidence, telecomFraud.evidence);

  // Findings of dimensions that were not found are the signals' evidence, listed with them.
  const foundIds = new Set<string>();
  for (const [kind, list] of [
    ["crime", crimes.found],
    ["info-type", infoTypes.found],
    ["industry", industries.found],
    ["group", groups.found],
    ["region", regions.found],
  ] as const) {
    for (const d of list) foundIds.add(`${kind}/${d.id}`);
  }
  const crimeDims = rules.dimensions.get("crime");
  const kept: Finding[] = [];
  const signalFindings: Finding[] = [];
  for (const f of findings) {
    if (!DECIDED.has(f.kind)) kept.push(f);
    else if (lineage(f.target, f.kind === "crime" ? crimeDims : undefined).some((id) => foundIds.has(`${f.kind}/${id}`))) kept.push(f);
    else signalFindings.push(f);
  }

  return {
    schemaVersion: SCHEMA_VERSION,
    id: input.id,
    source: input.source,
    case: input.case,
    language: input.language,
    score,
    severity,
    severityBasis,
    crimes: crimes.found,
    infoTypes: infoTypes.found,
    industries: industries.found,
    groups: groups.found,
    insider,
    leaks: input.leaks,
    regions: regions.found,
    volumes: input.volumes,
    money: input.money,
    victims: input.victims,
    flags: flags.sort((a, b) => (a.id < b.id ? -1 : 1)),
    findings: kept,
    signals: {
      crimes: crimes.signals,
      infoTypes: infoTypes.signals,
      industries: industries.signals,
      groups: groups.signals,
      regions: regions.signals,
      findings: signalFindings,
    },
  };
}

const DECIDED: ReadonlySet<string> = new Set(DECIDED_KINDS);

/** A dimension and its ancestors (telecom-fraud feeds fraud). */
function lineage(id: string, dims: Map<string, Dimension> | undefined): string[] {
  const out = [id];
  for (let p = dims?.get(id)?.parent; p !== undefined && !out.includes(p); p = dims?.get(p)?.parent) out.push(p);
  return out;
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

function provincesOf(regions: Decision[], rules: RuleSet): Map<string, { evidence: EvidenceRef; confidence: number }> {
  const dims = rules.dimensions.get("region");
  const out = new Map<string, { evidence: EvidenceRef; confidence: number }>();
  for (const r of regions) {
    const province = dims?.get(r.id)?.province ?? r.id;
    const ev = r.evidence[0];
    const prior = out.get(province);
    if (ev && (!prior || r.confidence > prior.confidence)) out.set(province, { evidence: prior?.evidence ?? ev, confidence: r.confidence });
  }
  return out;
}
