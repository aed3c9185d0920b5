// Keyword capture: stream a corpus through the ONE scan path (scanDocument) to split it into foreground
// (documents where the chosen dimensions are found) and background, count candidate terms on both
// sides, rank them, then stream the corpus a second time to fetch example sentences for the winners.
//
// Memory: one document at a time plus the bounded term counter (counter.ts); example sentences are
// remembered as (document ordinal, offsets) and only the final candidates' sentences are ever held.
// That is why the corpus is a factory: it is read twice (stdin cannot be a corpus).
import type { Engine } from "../engine.js";
import { UsageError } from "../errors.js";
import { scanDocument } from "../pipeline.js";
import type { Dimension } from "../rules/types.js";
import { FOUND } from "../score/dimensions.js";
import { maskText } from "../score/mask.js";
import { normalize } from "../text/index.js";
import type { CaseResult, DimensionScore, Failure, ReadItem } from "../types.js";
import { DEFAULT_VOCABULARY_CAP, TermCounter } from "./counter.js";
import { documentTerms } from "./extract.js";
import type { KeywordLexicon } from "./lexicon.js";
import { maskNames } from "./names.js";
import { createPackTermIndex } from "./pack-terms.js";
import { rankCandidates, type KeywordCandidate, type KeywordKind, type TargetRef } from "./rank.js";
import { snippetSpan } from "./snippet.js";

export const KEYWORD_KINDS: readonly KeywordKind[] = ["crime", "info-type", "industry", "group"];
export const DEFAULT_TOP = 30;
export const DEFAULT_MIN_COUNT = 3;

export interface CaptureOptions {
  lexicon: KeywordLexicon;
  /** The kind of dimension that defines the foreground; default: documents with any flag. */
  kind?: KeywordKind;
  /** Only these dimension ids (of `kind`, or of the one kind that declares them) define the foreground. */
  targets?: string[];
  top?: number;
  /** Minimum foreground documents a candidate must occur in. */
  minCount?: number;
  minG2?: number;
  /** Vocabulary entries kept before pruning (see counter.ts). */
  vocabularyCap?: number;
  /** Told about every input that could not be read. Never prints itself. */
  onFailure?: (failure: Failure) => void;
  /** Told every `progressEvery` documents. */
  onProgress?: (phase: "count" | "examples", docs: number) => void;
  progressEvery?: number;
}

export interface CaptureInputs {
  /** The corpus; called twice (counting, then example sentences), must yield the same documents in the same order. */
  corpus: () => AsyncIterable<ReadItem>;
  /** Background documents; when given, every corpus document is foreground. */
  against?: () => AsyncIterable<ReadItem>;
}

export interface KeywordSummary {
  corpusDocs: number;
  foregroundDocs: number;
  backgroundDocs: number;
  failures: number;
  /** Vocabulary entries (words + bigrams) at the end. */
  vocabulary: number;
  prunes: number;
  /** Any count may be low by at most this many documents because of pruning (0 = exact). */
  countFloor: number;
}

export interface KeywordReport {
  kind: KeywordKind | null;
  /** The dimensions that defined the foreground ("crime/fraud"), or ["flagged"] / ["--against"]. */
  foreground: string[];
  candidates: KeywordCandidate[];
  summary: KeywordSummary;
}

const RESULT_FIELD: Record<KeywordKind, "crimes" | "infoTypes" | "industries" | "groups"> = {
  crime: "crimes",
  "info-type": "infoTypes",
  industry: "industries",
  group: "groups",
};

interface Plan {
  kind: KeywordKind | null;
  universe: TargetRef[];
  index: Map<string, number>;
  /** Indices defining the foreground (and the only ones candidates are assigned to), null = all. */
  chosen: Set<number> | null;
}

/** Resolve --kind / --target against the loaded packs; unknown ones are usage errors naming the valid ones. */
export function planTargets(engine: Engine, kind: string | undefined, targets: string[] | undefined): Plan {
  if (kind !== undefined && !(KEYWORD_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`unknown --kind "${kind}" (valid: ${KEYWORD_KINDS.join(", ")})`);
  }
  let k = kind as KeywordKind | undefined;
  const dims = (kk: KeywordKind): string[] =>
    [...(engine.ruleSet.dimensions.get(kk) ?? new Map<string, Dimension>()).keys()].sort();
  if (k === undefined && targets !== undefined && targets.length > 0) {
    const owners = KEYWORD_KINDS.filter((kk) => targets.every((t) => dims(kk).includes(t)));
    if (owners.length !== 1) {
      throw new UsageError(
        owners.length === 0
          ? `--target ${targets.join(", ")}: not declared by one kind of the loaded packs; give --kind`
          : `--target ${targets.join(", ")} is declared by ${owners.join(" and ")}; give --kind`,
      );
    }
    k = owners[0]!;
  }
  const universe: TargetRef[] = [];
  for (const kk of k ? [k] : KEYWORD_KINDS) for (const id of dims(kk)) universe.push({ kind: kk, id });
  const index = new Map(universe.map((t, i) => [`${t.kind}/${t.id}`, i]));
  let chosen: Set<number> | null = null;
  if (targets !== undefined && targets.length > 0) {
    chosen = new Set();
    for (const t of targets) {
      const i = index.get(`${k}/${t}`);
      if (i === undefined) throw new UsageError(`unknown --target "${t}" for kind ${k} (valid: ${dims(k!).join(", ")})`);
      chosen.add(i);
    }
  }
  return { kind: k ?? null, universe, index, chosen };
}

function foundTargets(result: CaseResult, plan: Plan): number[] {
  const out: number[] = [];
  for (const kk of plan.kind ? [plan.kind] : KEYWORD_KINDS) {
    for (const d of result[RESULT_FIELD[kk]] as DimensionScore[]) {
      if (d.score < FOUND) continue;
      const i = plan.index.get(`${kk}/${d.id}`);
      if (i !== undefined) out.push(i);
    }
  }
  return out.sort((a, b) => a - b);
}

export async function captureKeywords(engine: Engine, inputs: CaptureInputs, options: CaptureOptions): Promise<KeywordReport> {
  const plan = planTargets(engine, options.kind, options.targets);
  const lex = options.lexicon;
  const against = inputs.against !== undefined;
  const counter = new TermCounter(plan.universe.length, options.vocabularyCap ?? DEFAULT_VOCABULARY_CAP);
  const every = options.progressEvery ?? 1000;
  let corpusDocs = 0;
  let failures = 0;
  const fail = (f: Failure): void => {
    failures++;
    options.onFailure?.(f);
  };

  for await (const item of inputs.corpus()) {
    if (!item.ok) {
      fail(item.failure);
      continue;
    }
    const ordinal = corpusDocs++;
    const result = scanDocument(item.doc, engine);
    const found = foundTargets(result, plan);
    const foreground = against
      ? true
      : plan.chosen
        ? found.some((t) => plan.chosen!.has(t))
        : plan.kind
          ? found.length > 0
          : result.flags.length > 0;
    const terms = documentTerms(item.doc.text, engine.segmenter, lex);
    if (foreground) counter.addForeground(terms, ordinal, found);
    else counter.addBackground(terms);
    if (corpusDocs % every === 0) options.onProgress?.("count", corpusDocs);
  }
  if (inputs.against) {
    for await (const item of inputs.against()) {
      if (!item.ok) {
        fail(item.failure);
        continue;
      }
      counter.addBackground(documentTerms(item.doc.text, engine.segmenter, lex));
    }
  }

  const stats = counter.stats();
  const foreground = against
    ? ["--against"]
    : plan.chosen
      ? [...plan.chosen].map((i) => `${plan.universe[i]!.kind}/${plan.universe[i]!.id}`)
      : plan.kind
        ? [`${plan.kind}/*`]
        : ["flagged"];
  const summary: KeywordSummary = {
    corpusDocs,
    foregroundDocs: stats.foregroundDocs,
    backgroundDocs: stats.backgroundDocs,
    failures,
    vocabulary: stats.vocabulary,
    prunes: stats.prunes,
    countFloor: stats.floor,
  };
  if (stats.foregroundDocs > 0 && stats.backgroundDocs === 0) {
    throw new UsageError(
      `no background documents: all ${corpusDocs} documents are foreground (${foreground.join(", ")}); give --against FILES`,
    );
  }
  if (stats.foregroundDocs === 0) return { kind: plan.kind, foreground, candidates: [], summary };

  const rankOptions: Parameters<typeof rankCandidates>[2] = {
    top: options.top ?? DEFAULT_TOP,
    minCount: options.minCount ?? DEFAULT_MIN_COUNT,
    targets: plan.universe,
  };
  if (options.minG2 !== undefined) rankOptions.minG2 = options.minG2;
  if (plan.chosen) rankOptions.assignable = plan.chosen;
  const candidates = rankCandidates(counter, createPackTermIndex(engine.compiled), rankOptions);
  await fillExamples(candidates, inputs.corpus, engine, lex, options);
  return { kind: plan.kind, foreground, candidates, summary };
}

/**
 * Second pass: the sentences behind each candidate's remembered occurrences, masked, and the rules of
 * the candidate's target that fired in those documents (the same scan as pass one).
 */
async function fillExamples(
  candidates: KeywordCandidate[],
  corpus: () => AsyncIterable<ReadItem>,
  engine: Engine,
  lex: KeywordLexicon,
  options: CaptureOptions,
): Promise<void> {
  const wanted = new Map<number, { cand: KeywordCandidate; start: number; end: number }[]>();
  let last = -1;
  for (const cand of candidates) {
    for (const ref of cand.exampleRefs) {
      const list = wanted.get(ref.doc) ?? [];
      list.push({ cand, start: ref.start, end: ref.end });
      wanted.set(ref.doc, list);
      last = Math.max(last, ref.doc);
    }
  }
  if (last < 0) return;
  const ruleCounts = new Map<KeywordCandidate, Map<string, number>>();
  let ordinal = 0;
  for await (const item of corpus()) {
    if (!item.ok) continue;
    const here = ordinal++;
    if (here % (options.progressEvery ?? 1000) === 0 && here > 0) options.onProgress?.("examples", here);
    const refs = wanted.get(here);
    if (refs) {
      const norm = normalize(item.doc.text);
      const findings = scanDocument(item.doc, engine).findings.filter((f) => !f.negated);
      for (const r of refs) {
        // The document must still say what pass one saw there (an input changed between passes otherwise).
        if (r.cand.lang === "zh" && norm.text.slice(r.start, r.end) !== r.cand.term) continue;
        const span = snippetSpan(norm.text, r.start, r.end);
        const o = norm.spanToOriginal(span.start, span.end);
        const original = norm.original.slice(o.start, o.end);
        const masked = maskNames(maskText(original), engine.segmenter.segment(original), lex);
        if (!r.cand.examples.includes(masked)) r.cand.examples.push(masked);
        const counts = ruleCounts.get(r.cand) ?? new Map<string, number>();
        ruleCounts.set(r.cand, counts);
        // A rule firing in the example sentence itself speaks louder than one elsewhere in the document
        // (the charge-name rule fires in every 帮信 judgment, the card-renting rule beside the slang).
        const best = new Map<string, number>();
        for (const f of findings) {
          if (f.kind !== r.cand.kind || !feeds(engine, r.cand.kind, f.target, r.cand.target)) continue;
          const score = f.start >= o.start && f.end <= o.end ? 2 : 1;
          best.set(f.ruleId, Math.max(best.get(f.ruleId) ?? 0, score));
        }
        for (const [id, score] of best) counts.set(id, (counts.get(id) ?? 0) + score);
      }
    }
    if (here >= last) break;
  }
  for (const [cand, counts] of ruleCounts) {
    cand.rules = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  }
}

/** Does a finding on `target` count for `wanted` (itself, or a child such as telecom-fraud for fraud)? */
function feeds(engine: Engine, kind: KeywordKind | null, target: string, wanted: string | null): boolean {
  if (kind === null || wanted === null) return false;
  const dims = engine.ruleSet.dimensions.get(kind);
  for (let t: string | undefined = target, hops = 0; t !== undefined && hops < 8; t = dims?.get(t)?.parent, hops++) {
    if (t === wanted) return true;
  }
  return false;
}
