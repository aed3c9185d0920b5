// Keyword capture: stream a corpus through the ONE scan path (scanDocument) to split it into foreground
// (documents where the chosen dimensions are found) and background, count candidate phrases on both
// sides, rank them (rank.ts), then stream the corpus a second time to fetch example sentences for the
// winners.
//
// Memory: one document at a time plus bounded counters (phrase-counter.ts: an exact table for the
// foreground's recurring strings and fixed-size sketches for the first sightings; counter.ts for
// English terms); the corpus's background phrases are counted in a second reading, without the
// scan, once the foreground's entries are known (one bit per document says which); example
// sentences are remembered as (document ordinal, offsets) and only the final candidates' sentences
// are ever held. That is why the corpus is a factory: it is read up to three times (stdin cannot be
// a corpus).
import type { Engine } from "../engine.js";
import { UsageError } from "../errors.js";
import { analyzeDocument } from "../pipeline.js";
import type { Dimension } from "../rules/types.js";
import { MASKED } from "../output/redact.js";
import type { CaseResult, DimensionScore, Document, Failure, ReadItem } from "../types.js";
import type { GeneralBackground } from "./background.js";
import { DEFAULT_VOCABULARY_CAP, TermCounter } from "./counter.js";
import { documentView, readText, type DocumentView } from "./extract.js";
import type { KeywordLexicon } from "./lexicon.js";
import { maskNames } from "./names.js";
import { createPackTermIndex } from "./pack-terms.js";
import { DEFAULT_PHRASE_CAP, PhraseCounter } from "./phrase-counter.js";
import { rankCandidates, type ExampleRef, type KeywordCandidate, type KeywordKind, type RankOptions, type TargetRef } from "./rank.js";
import { snippetSpan } from "./snippet.js";

export const KEYWORD_KINDS: readonly KeywordKind[] = ["crime", "info-type", "industry", "group"];
export const DEFAULT_TOP = 25;
export const DEFAULT_MIN_COUNT = 3;

export interface CaptureOptions {
  lexicon: KeywordLexicon;
  /** The general background (background.ts); null or absent = discount against the user's background only. */
  general?: GeneralBackground | null;
  /** Terms a reviewer rejected (`caseflag keywords reject`): never proposed. */
  rejected?: ReadonlySet<string>;
  /** The kind of dimension that defines the foreground; default: documents with any flag. */
  kind?: KeywordKind;
  /** Only these dimension ids (of `kind`, or of the one kind that declares them) define the foreground. */
  targets?: string[];
  top?: number;
  /** Minimum foreground documents a candidate must occur in. */
  minCount?: number;
  minG2?: number;
  /** Phrase entries (and English terms) kept before pruning (see phrase-counter.ts, counter.ts). */
  vocabularyCap?: number;
  /** Told about every input that could not be read. Never prints itself. */
  onFailure?: (failure: Failure) => void;
  /** Told why each recurring string was left out (rank.ts). */
  onDrop?: (term: string, reason: string) => void;
  /** Told every `progressEvery` documents. */
  onProgress?: (phase: "count" | "background" | "examples", docs: number) => void;
  progressEvery?: number;
}

export interface CaptureInputs {
  /**
   * The corpus; called up to three times (counting; the background documents' phrases, when there is
   * no `against`; example sentences), must yield the same documents in the same order.
   */
  corpus: () => AsyncIterable<ReadItem>;
  /** Background documents; when given, every corpus document is foreground. */
  against?: () => AsyncIterable<ReadItem>;
}

export interface KeywordSummary {
  corpusDocs: number;
  foregroundDocs: number;
  backgroundDocs: number;
  failures: number;
  /** Exact entries at the end: recurring foreground strings + English terms. */
  vocabulary: number;
  /** Where the general background comes from ("" when none was loaded). */
  general: string;
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

/**
 * One document scanned: its text as the scan read it (normalized once, identifiers found once), the
 * dimensions found and whether it is foreground. A function of its own so that the scan's result
 * and offset maps are unreachable while the document's phrases are counted: kept alive that long,
 * they survived V8's young-generation collections and made it grow (peak RSS +30 MB on CAIL dev).
 */
function splitDocument(
  doc: Document,
  engine: Engine,
  plan: Plan,
  lex: KeywordLexicon,
  against: boolean,
): { view: DocumentView; found: number[]; foreground: boolean } {
  const { result, text } = analyzeDocument(doc, engine);
  const found = foundTargets(result, plan);
  const foreground = against
    ? true
    : plan.chosen
      ? found.some((t) => plan.chosen!.has(t))
      : plan.kind
        ? found.length > 0
        : result.flags.length > 0;
  return { view: documentView(text, lex), found, foreground };
}

function foundTargets(result: CaseResult, plan: Plan): number[] {
  const out: number[] = [];
  for (const kk of plan.kind ? [plan.kind] : KEYWORD_KINDS) {
    // A result lists found dimensions only (the rest are signals).
    for (const d of result[RESULT_FIELD[kk]] as DimensionScore[]) {
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
  const cap = options.vocabularyCap;
  const phrases = new PhraseCounter(plan.universe.length, cap ?? DEFAULT_PHRASE_CAP);
  const counter = new TermCounter(plan.universe.length, cap ?? DEFAULT_VOCABULARY_CAP);
  const every = options.progressEvery ?? 1000;
  let corpusDocs = 0;
  let failures = 0;
  const fail = (f: Failure): void => {
    failures++;
    options.onFailure?.(f);
  };

  // The corpus's background documents, by ordinal: their phrases are counted in a pass of their own
  // once the foreground is complete (phrase-counter.ts), reading them again without the scan.
  const background = new Bits();
  for await (const item of inputs.corpus()) {
    if (!item.ok) {
      fail(item.failure);
      continue;
    }
    const ordinal = corpusDocs++;
    const { view, found, foreground } = splitDocument(item.doc, engine, plan, lex, against);
    if (foreground) {
      phrases.addForeground(view.text, view.runs, ordinal, found);
      counter.addForeground(view.english, ordinal, found);
    } else {
      background.set(ordinal);
      counter.addBackground(view.english);
    }
    if (corpusDocs % every === 0) options.onProgress?.("count", corpusDocs);
  }
  if (inputs.against) {
    for await (const item of inputs.against()) {
      if (!item.ok) {
        fail(item.failure);
        continue;
      }
      const view = documentView(readText(item.doc.text), lex);
      phrases.addBackground(view.text, view.runs);
      counter.addBackground(view.english);
    }
  } else if (background.count > 0 && phrases.stats().foregroundDocs > 0) {
    let ordinal = 0;
    for await (const item of inputs.corpus()) {
      if (!item.ok) continue;
      const here = ordinal++;
      if (!background.has(here)) continue;
      // The text as the scan read it (the same normalization; no scan needed to count phrases).
      const view = documentView(readText(item.doc.text), lex);
      phrases.addBackground(view.text, view.runs);
      if (ordinal % every === 0) options.onProgress?.("background", ordinal);
    }
  }

  const stats = counter.stats();
  const pstats = phrases.stats();
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
    vocabulary: pstats.entries + stats.vocabulary,
    general: options.general?.source ?? "",
    prunes: pstats.prunes + stats.prunes,
    countFloor: Math.max(pstats.floor, stats.floor),
  };
  if (stats.foregroundDocs > 0 && stats.backgroundDocs === 0) {
    throw new UsageError(
      `no background documents: all ${corpusDocs} documents are foreground (${foreground.join(", ")}); give --against FILES`,
    );
  }
  if (stats.foregroundDocs === 0) return { kind: plan.kind, foreground, candidates: [], summary };

  const rankOptions: RankOptions = {
    top: options.top ?? DEFAULT_TOP,
    minCount: options.minCount ?? DEFAULT_MIN_COUNT,
    targets: plan.universe,
    lexicon: lex,
    general: options.general ?? null,
  };
  if (options.minG2 !== undefined) rankOptions.minG2 = options.minG2;
  if (options.rejected) rankOptions.rejected = options.rejected;
  if (options.onDrop) rankOptions.onDrop = options.onDrop;
  if (plan.chosen) rankOptions.assignable = plan.chosen;
  const candidates = rankCandidates(phrases, counter, createPackTermIndex(engine.compiled), rankOptions);
  await fillExamples(candidates, inputs.corpus, engine, lex, options, plan);
  return { kind: plan.kind, foreground, candidates, summary };
}

/**
 * Second pass: the sentences behind each candidate's remembered occurrences, masked, and the findings
 * around them (the same scan as pass one). The findings decide the candidate's kind and target when
 * they are clear: the dimension whose rules fire in the example sentences (each counting 2) or
 * elsewhere in their documents (1) most often, among the dimensions the run may assign; the counts
 * of pass one (co-occurrence over all foreground documents) decide otherwise. `rules` lists that
 * dimension's rules, those firing in the example sentences first: the rule the term would join.
 */
async function fillExamples(
  candidates: KeywordCandidate[],
  corpus: () => AsyncIterable<ReadItem>,
  engine: Engine,
  lex: KeywordLexicon,
  options: CaptureOptions,
  plan: Plan,
): Promise<void> {
  const wanted = new Map<number, { cand: KeywordCandidate; ref: ExampleRef }[]>();
  let last = -1;
  for (const cand of candidates) {
    for (const ref of cand.exampleRefs) {
      const list = wanted.get(ref.doc) ?? [];
      list.push({ cand, ref });
      wanted.set(ref.doc, list);
      last = Math.max(last, ref.doc);
    }
  }
  if (last < 0) return;
  const ruleCounts = new Map<KeywordCandidate, Map<string, { target: number; score: number }>>();
  let ordinal = 0;
  for await (const item of corpus()) {
    if (!item.ok) continue;
    const here = ordinal++;
    if (here % (options.progressEvery ?? 1000) === 0 && here > 0) options.onProgress?.("examples", here);
    const refs = wanted.get(here);
    if (refs) {
      const scanned = analyzeDocument(item.doc, engine);
      const norm = scanned.text.norm;
      const findings = scanned.result.findings.filter((f) => !f.negated);
      for (const { cand, ref: r } of refs) {
        // A phrase's example is its first occurrence in the document (where counting saw it first).
        if (r.start < 0) {
          const at = norm.text.indexOf(cand.term);
          if (at < 0) continue;
          r.start = at;
          r.end = at + cand.term.length;
        }
        // The document must still say what pass one saw there (an input changed between passes otherwise).
        if (cand.lang === "zh" && norm.text.slice(r.start, r.end) !== cand.term) continue;
        const span = snippetSpan(norm.text, r.start, r.end);
        const o = norm.spanToOriginal(span.start, span.end);
        const original = norm.original.slice(o.start, o.end);
        // The term's own place in the sentence is kept as written (the example must still match it).
        const t = norm.spanToOriginal(r.start, r.end);
        const keep = { start: t.start - o.start, end: t.end - o.start };
        const masked = maskNames(MASKED.text(original), engine.segmenter.segment(original), lex, keep);
        if (!cand.examples.includes(masked)) cand.examples.push(masked);
        const counts = ruleCounts.get(cand) ?? new Map<string, { target: number; score: number }>();
        ruleCounts.set(cand, counts);
        // A rule firing in the example sentence itself speaks louder than one elsewhere in the document
        // (the charge-name rule fires in every 帮信 judgment, the card-renting rule beside the slang).
        const best = new Map<string, { target: number; score: number }>();
        for (const f of findings) {
          const target = targetOf(engine, plan, f.kind, f.target);
          if (target < 0) continue;
          const score = f.start >= o.start && f.end <= o.end ? 2 : 1;
          if ((best.get(f.ruleId)?.score ?? 0) < score) best.set(f.ruleId, { target, score });
        }
        for (const [id, b] of best) {
          const prior = counts.get(id);
          counts.set(id, { target: b.target, score: (prior?.score ?? 0) + b.score });
        }
      }
    }
    if (here >= last) break;
  }
  for (const [cand, counts] of ruleCounts) {
    const byTarget = new Map<number, number>();
    for (const { target, score } of counts.values()) byTarget.set(target, (byTarget.get(target) ?? 0) + score);
    let chosen = -1;
    for (const [t, score] of byTarget) {
      if (chosen < 0 || score > byTarget.get(chosen)! || (score === byTarget.get(chosen)! && t < chosen)) chosen = t;
    }
    if (chosen < 0) continue;
    const ref = plan.universe[chosen]!;
    if (cand.kind !== ref.kind || cand.target !== ref.id) {
      cand.kind = ref.kind;
      cand.target = ref.id;
      cand.targetDocs = cand.cooccurs[`${ref.kind}/${ref.id}`] ?? 0;
    }
    cand.rules = [...counts]
      .filter(([, v]) => v.target === chosen)
      .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1))
      .map(([id]) => id);
  }
}

/** The assignable dimension a finding speaks for (itself, or the parent it feeds), or -1. */
function targetOf(engine: Engine, plan: Plan, kind: string, target: string): number {
  if (!(KEYWORD_KINDS as readonly string[]).includes(kind)) return -1;
  const dims = engine.ruleSet.dimensions.get(kind as KeywordKind);
  for (let t: string | undefined = target, hops = 0; t !== undefined && hops < 8; t = dims?.get(t)?.parent, hops++) {
    const i = plan.index.get(`${kind}/${t}`);
    if (i !== undefined && (plan.chosen === null || plan.chosen.has(i))) return i;
  }
  return -1;
}

/** A growable bit set over document ordinals (one bit a document). */
class Bits {
  private words = new Uint32Array(256);
  count = 0;
  set(i: number): void {
    const w = i >>> 5;
    if (w >= this.words.length) {
      const next = new Uint32Array(Math.max(this.words.length * 2, w + 1));
      next.set(this.words);
      this.words = next;
    }
    if ((this.words[w]! & (1 << (i & 31))) === 0) this.count++;
    this.words[w]! |= 1 << (i & 31);
  }
  has(i: number): boolean {
    const w = i >>> 5;
    return w < this.words.length && (this.words[w]! & (1 << (i & 31))) !== 0;
  }
}
