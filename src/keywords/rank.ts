// Counts in, ranked candidates out (pure). Keyness by G² on document counts, TF-IDF alongside,
// redundant n-grams folded, pack terms left out, each candidate given the dimension it goes with.
import type { TermCounter, TermEntry } from "./counter.js";
import type { PackTermIndex } from "./pack-terms.js";
import { G2_P05, logLikelihood, tfIdf } from "./stats.js";

export type KeywordKind = "crime" | "info-type" | "industry" | "group";

export interface TargetRef {
  kind: KeywordKind;
  id: string;
}

export interface ExampleRef {
  /** Ordinal of the document in the corpus stream (documents only, failures not counted). */
  doc: number;
  /** Offsets into that document's normalized text. */
  start: number;
  end: number;
}

export interface KeywordCandidate {
  /** As a rule would list it: Chinese normalized, English as written (lowercase). */
  term: string;
  lang: "zh" | "en";
  /** 1 = one word, 2 = two adjacent words. */
  n: 1 | 2;
  /** The dimension the term goes with; null when it co-occurred with none. */
  kind: KeywordKind | null;
  target: string | null;
  foregroundDocs: number;
  backgroundDocs: number;
  /** Occurrences in the foreground. */
  occurrences: number;
  g2: number;
  tfidf: number;
  /** Foreground documents where the term and its target were both found. */
  targetDocs: number;
  /** A pack detection term this candidate lies inside (it would widen that term's reach). */
  inside?: string;
  exampleRefs: ExampleRef[];
  /** Filled by the examples pass: up to two sentences, identifiers and names masked. */
  examples: string[];
  /**
   * Filled by the examples pass: ids of the target's rules that fired in the example documents, those
   * firing in the example sentences first: the rule a reviewer would most likely add the term to.
   */
  rules: string[];
}

export interface RankOptions {
  top: number;
  /** Minimum foreground documents. */
  minCount: number;
  /** Minimum G² (default 3.84, p < 0.05). */
  minG2?: number;
  targets: readonly TargetRef[];
  /** Indices into `targets` a candidate may be assigned to (default all). */
  assignable?: ReadonlySet<number>;
}

/** A longer n-gram that keeps this share of a part's foreground documents stands in for that part. */
const SUBSUME_SHARE = 0.8;

interface Scored {
  key: string;
  e: TermEntry;
  g2: number;
}

export function rankCandidates(counter: TermCounter, packs: PackTermIndex, opts: RankOptions): KeywordCandidate[] {
  const s = counter.stats();
  const fg = s.foregroundDocs;
  const bg = s.backgroundDocs;
  const minG2 = opts.minG2 ?? G2_P05;
  const scored = new Map<string, Scored>();
  for (const [key, e] of counter.entries) {
    if (e.fgDf < opts.minCount) continue;
    const g2 = logLikelihood(e.fgDf, fg, e.bgDf, bg);
    if (g2 <= 0 || g2 < minG2) continue;
    scored.set(key, { key, e, g2 });
  }

  const dropped = foldNested(scored);
  const ordered = [...scored.values()].sort(
    (a, b) => b.g2 - a.g2 || b.e.fgDf - a.e.fgDf || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );

  const out: KeywordCandidate[] = [];
  for (const c of ordered) {
    if (out.length >= opts.top) break;
    if (dropped.has(c.key)) continue;
    const { e, key } = c;
    if (packs.has(key, e.lang) || packs.contained(key, e.lang) !== null) continue;
    const assigned = assignTarget(counter, e, opts);
    const cand: KeywordCandidate = {
      term: e.surface,
      lang: e.lang,
      n: e.n,
      kind: assigned ? opts.targets[assigned.index]!.kind : null,
      target: assigned ? opts.targets[assigned.index]!.id : null,
      foregroundDocs: e.fgDf,
      backgroundDocs: e.bgDf,
      occurrences: e.fgTf,
      g2: round(c.g2, 2),
      tfidf: round(tfIdf(e.fgTf, fg, e.fgDf + e.bgDf, fg + bg), 3),
      targetDocs: assigned?.docs ?? 0,
      exampleRefs: exampleRefs(e),
      examples: [],
      rules: [],
    };
    const inside = packs.container(key, e.lang);
    if (inside !== null) cand.inside = inside;
    out.push(cand);
  }
  return out;
}

/**
 * Bigrams and their parts describe the same evidence twice. For a bigram AB and a part A that is a
 * candidate too: if AB keeps ≥ 80% of A's foreground documents, A only occurs as AB (分卡 inside 跑分卡)
 * and AB stands for it; otherwise AB is a narrower phrase around A (出租给码商, or jieba's 由码商 next to
 * 码商) and A stands for it. Returns the keys to leave out.
 */
function foldNested(scored: Map<string, Scored>): Set<string> {
  const dropped = new Set<string>();
  for (const big of scored.values()) {
    if (big.e.n !== 2) continue;
    for (const partKey of partsOf(big.key, big.e.lang)) {
      const part = scored.get(partKey);
      if (part === undefined || part.e.n !== 1) continue;
      dropped.add(big.e.fgDf >= SUBSUME_SHARE * part.e.fgDf ? part.key : big.key);
    }
  }
  return dropped;
}

function* partsOf(key: string, lang: "zh" | "en"): Generator<string> {
  if (lang === "en") {
    const sp = key.indexOf(" ");
    if (sp > 0) {
      yield key.slice(0, sp);
      yield key.slice(sp + 1);
    }
    return;
  }
  for (let i = 1; i < key.length; i++) {
    yield key.slice(0, i);
    yield key.slice(i);
  }
}

/**
 * The dimension whose documents the term is most over-represented in, among the foreground documents
 * (G² of term × dimension), considering only dimensions that share at least half of the term's
 * best co-occurrence count (else one shared document with a rare dimension would win). When no
 * dimension stands out (one dimension defines the whole foreground), the one it co-occurred with most.
 */
function assignTarget(counter: TermCounter, e: TermEntry, opts: RankOptions): { index: number; docs: number } | null {
  const s = counter.stats();
  const cooc = counter.coocOf(e);
  let most: { index: number; docs: number } | null = null;
  for (let t = 0; t < cooc.length; t++) {
    if (opts.assignable && !opts.assignable.has(t)) continue;
    const a = cooc[t]!;
    if (a === 0) continue;
    if (most === null || a > most.docs || (a === most.docs && s.targetDocs[t]! < s.targetDocs[most.index]!)) most = { index: t, docs: a };
  }
  if (most === null) return null;
  let best: { index: number; docs: number; g2: number } | null = null;
  for (let t = 0; t < cooc.length; t++) {
    if (opts.assignable && !opts.assignable.has(t)) continue;
    const a = cooc[t]!;
    if (2 * a < most.docs) continue;
    const withT = s.targetDocs[t]!;
    const g2 = logLikelihood(a, withT, e.fgDf - a, s.foregroundDocs - withT);
    if (g2 > 0 && (best === null || g2 > best.g2)) best = { index: t, docs: a, g2 };
  }
  return best ?? most;
}

function exampleRefs(e: TermEntry): ExampleRef[] {
  const refs: ExampleRef[] = [];
  if (e.exDoc0 >= 0) refs.push({ doc: e.exDoc0, start: e.exStart0, end: e.exEnd0 });
  if (e.exDoc1 >= 0) refs.push({ doc: e.exDoc1, start: e.exStart1, end: e.exEnd1 });
  return refs;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
