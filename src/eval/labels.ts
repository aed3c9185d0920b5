// What labelled data says about a result's decisions, one dimension at a time. Pure. Three label
// sources, each saying what it knows and nothing more:
// - CAIL facts (fact + accusation): every crime with a charge mapping is labelled; a fact charged
//   with neither personal information nor fraud had no insider leak it (issue 11); information types
//   are judged by whether the fact is a personal-information case. Industries are not labelled there:
//   a charge says nothing of where data came from (a card-information theft has a bank behind it).
// - the typical set (fact + expect): personal-information, fraud and help-network-crime; the
//   industries (the leak's source) and groups exactly; insider.
// - fixtures/labelled/expected.yaml: the ids it requires or forbids, nothing else.
import type { DecidedKind } from "../rules/calibration.js";
import type { CaseResult, Decision } from "../types.js";
import { cleanCharge } from "./evaluate.js";
import type { TypicalExpect } from "./typical.js";

export interface LabelSet {
  /** Whether dimension `id` of `kind` is present; undefined when this source does not say. */
  has(kind: DecidedKind, id: string): boolean | undefined;
  /** Ids this source labels present for a kind (so a dimension with no evidence still counts as missed). */
  positives(kind: DecidedKind): string[];
  insider: boolean | undefined;
  /** Whether personal information leaked (a personal-information offence). */
  leak: boolean | undefined;
}

/** The crime ids the typical set labels (its README's vocabulary). */
const TYPICAL_CRIMES = ["personal-information", "fraud", "help-network-crime"];

export function cailLabels(accusations: string[], chargeMap: Map<string, string[]>, parentOf: (id: string) => string | undefined): LabelSet {
  const gold = new Set<string>();
  for (const a of accusations) for (const id of chargeMap.get(cleanCharge(a)) ?? []) gold.add(id);
  const labelled = new Set([...chargeMap.values()].flat());
  const pi = gold.has("personal-information");
  const quiet = !pi && !gold.has("fraud");
  return {
    has(kind, id) {
      if (kind === "crime") {
        if (labelled.has(id)) return gold.has(id);
        const parent = parentOf(id);
        return parent !== undefined && labelled.has(parent) ? gold.has(parent) : undefined;
      }
      if (kind === "info-type") return pi;
      return undefined;
    },
    positives: (kind) => (kind === "crime" ? [...gold] : []),
    insider: quiet ? false : undefined,
    leak: pi,
  };
}

export function typicalLabels(expect: TypicalExpect, parentOf: (id: string) => string | undefined): LabelSet {
  const crimes = new Set(expect.crimes);
  const pi = crimes.has("personal-information");
  return {
    has(kind, id) {
      if (kind === "crime") {
        if (TYPICAL_CRIMES.includes(id)) return crimes.has(id);
        const parent = parentOf(id);
        return parent !== undefined && TYPICAL_CRIMES.includes(parent) ? crimes.has(parent) : undefined;
      }
      if (kind === "industry") return expect.industries.includes(id);
      if (kind === "group") return expect.groups.includes(id);
      if (kind === "info-type") return pi;
      return undefined;
    },
    positives(kind) {
      if (kind === "crime") return expect.crimes;
      if (kind === "industry") return expect.industries;
      if (kind === "group") return expect.groups;
      return [];
    },
    insider: expect.insider,
    leak: pi,
  };
}

/** An entry of fixtures/labelled/expected.yaml. */
export interface FixtureExpect {
  crimes?: string[];
  notCrimes?: string[];
  industries?: string[];
  notIndustries?: string[];
  groups?: string[];
  notGroups?: string[];
  insider?: boolean;
}

export function fixtureLabels(e: FixtureExpect): LabelSet {
  const yes = { crime: e.crimes ?? [], industry: e.industries ?? [], group: e.groups ?? [] } as Record<string, string[]>;
  const no = { crime: e.notCrimes ?? [], industry: e.notIndustries ?? [], group: e.notGroups ?? [] } as Record<string, string[]>;
  const pi = yes["crime"]!.includes("personal-information") ? true : no["crime"]!.includes("personal-information") ? false : undefined;
  return {
    has(kind, id) {
      if (yes[kind]?.includes(id)) return true;
      if (no[kind]?.includes(id)) return false;
      if (kind === "info-type") return pi;
      return undefined;
    },
    positives: (kind) => yes[kind] ?? [],
    insider: e.insider,
    leak: pi,
  };
}

/** One labelled decision of a result. */
export interface Judgment {
  kind: DecidedKind | "insider" | "leak";
  id: string;
  score: number;
  confidence: number;
  found: boolean;
  label: boolean;
}

const KIND_FIELDS: [DecidedKind, "crimes" | "infoTypes" | "industries" | "groups"][] = [
  ["crime", "crimes"],
  ["info-type", "infoTypes"],
  ["industry", "industries"],
  ["group", "groups"],
];

/**
 * Every decision of a result that the labels speak to — found dimensions, signals, and labelled
 * dimensions with no evidence at all (score 0) — plus the insider verdict and the leak (the leak
 * score against whether personal information leaked; found = the pi-leak flag).
 */
export function judge(result: CaseResult, labels: LabelSet, leakConfidence?: (score: number) => number): Judgment[] {
  const out: Judgment[] = [];
  for (const [kind, field] of KIND_FIELDS) {
    const seen = new Set<string>();
    const add = (d: Decision, found: boolean): void => {
      seen.add(d.id);
      const label = labels.has(kind, d.id);
      if (label !== undefined) out.push({ kind, id: d.id, score: d.score, confidence: d.confidence, found, label });
    };
    for (const d of result[field]) add(d, true);
    for (const d of result.signals[field]) add(d, false);
    for (const id of labels.positives(kind)) {
      if (!seen.has(id)) out.push({ kind, id, score: 0, confidence: 0, found: false, label: true });
    }
  }
  if (labels.insider !== undefined) {
    out.push({ kind: "insider", id: "insider", score: result.insider.score, confidence: result.insider.confidence, found: result.insider.flag, label: labels.insider });
  }
  if (labels.leak !== undefined) {
    const flag = result.flags.find((f) => f.id === "pi-leak");
    out.push({
      kind: "leak",
      id: "pi-leak",
      score: result.score,
      confidence: flag?.confidence ?? leakConfidence?.(result.score) ?? 0,
      found: flag !== undefined,
      label: labels.leak,
    });
  }
  return out;
}
