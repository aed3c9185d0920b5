// Counts in, ranked candidates out (pure).
//
// A Chinese candidate is a 2–6 character string of the foreground that
//   1. is a phrase: many different characters stand before and after it (left and right branching
//      entropy), and its parts belong together (the smallest pointwise mutual information over its
//      split points), so 接码 comes out whole and 元至 (always between two numbers) or 码平 never does;
//   2. is not a stop word, a genre word, a name, a number, a place, a pack term or a rejected term;
//   3. is over-represented against EVERY background: the user's (the corpus's other documents or
//      --against), the general one shipped with the tool (CAIL facts of all crimes: the language of
//      every judgment) and general Chinese (jieba's dictionary frequencies): the smallest of the
//      three G² must be significant;
//   4. is ranked by how many times more often it occurs in the foreground than in the background
//      where it is most common (log₂ ratio; the foreground share at its 95% Wilson lower bound, so
//      that a string in three documents does not outrank one in thirty on luck; a background's share
//      smoothed by half a document, the general table's below its min-df taken as min-df − 1):
//      specific terms first, words that are merely frequent (公司, 报道) last.
// English terms (stems and stem pairs) go through 2–4 against the user's background only.
import { SPREAD_MIN_SHARE, type GeneralBackground } from "./background.js";
import type { TermCounter, TermEntry } from "./counter.js";
import type { KeywordLexicon } from "./lexicon.js";
import type { PhraseCounter, PhraseEntry } from "./phrase-counter.js";
import type { PackTermIndex } from "./pack-terms.js";
import { G2_P05, logLikelihood } from "./stats.js";
import { usableHan } from "./terms.js";

export type KeywordKind = "crime" | "info-type" | "industry" | "group";

export interface TargetRef {
  kind: KeywordKind;
  id: string;
}

export interface ExampleRef {
  /** Ordinal of the document in the corpus stream (documents only, failures not counted). */
  doc: number;
  /** Offsets into that document's normalized text; -1 for a phrase: its first occurrence there (the examples pass finds it). */
  start: number;
  end: number;
}

/** The background a candidate is most common in, relative to the foreground (what bounds its ratio). */
export type BackgroundName = "corpus" | "general" | "language";

export interface KeywordCandidate {
  /** As a rule would list it: Chinese normalized, English as written (lowercase). */
  term: string;
  lang: "zh" | "en";
  /** The dimension the term goes with; null when it co-occurred with none. */
  kind: KeywordKind | null;
  target: string | null;
  foregroundDocs: number;
  /** In the user's background (the corpus's other documents, or --against). */
  backgroundDocs: number;
  /** In the general background (CAIL facts), null when none is loaded; 0 = fewer than its min-df. */
  generalDocs: number | null;
  /** General-language frequency per million words (jieba's dictionary), 0 when rare there. */
  perMillion: number;
  /** Occurrences in the foreground. */
  occurrences: number;
  /** log₂(foreground share, lower bound / highest background share): the ranking key. */
  ratio: number;
  /** The background that bounds `ratio`. */
  against: BackgroundName;
  /** The smallest G² against the three backgrounds. */
  g2: number;
  /** Left and right branching entropy (nats) and the smallest PMI over split points (zh phrases). */
  boundary?: { left: number; right: number; pmi: number };
  /** Foreground documents where the term and its target were both found. */
  targetDocs: number;
  /** Foreground documents where the term and each dimension ("kind/id") were both found (the reason). */
  cooccurs: Record<string, number>;
  /** A pack detection term this candidate lies inside (it would widen that term's reach). */
  inside?: string;
  exampleRefs: ExampleRef[];
  /** Filled by the examples pass: up to three sentences, identifiers and names masked. */
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
  /** Minimum G² (default 3.84, p < 0.05), against each background. */
  minG2?: number;
  targets: readonly TargetRef[];
  /** Indices into `targets` a candidate may be assigned to (default all). */
  assignable?: ReadonlySet<number>;
  lexicon: KeywordLexicon;
  general: GeneralBackground | null;
  /** Terms a reviewer rejected (normalized): never proposed. */
  rejected?: ReadonlySet<string>;
  /** Told why each recurring string was left out (for `--explain` and tests). */
  onDrop?: (term: string, reason: string) => void;
}

/**
 * Branching entropy (nats) each side of a phrase must reach: about three different neighbours, none
 * dominating (刑一年 after 徒 or 缓 only: 0.69). Fewer occurrences seen than that: all different.
 */
export const MIN_ENTROPY = 1.0;
/** Smallest pointwise mutual information (nats) over a phrase's split points (信息的: 1.6, 每条: 4.7). */
export const MIN_PMI = 2.5;
/** A count with its unit (三年, 个多月, 十余条) or ending in a numeral (上千): a quantity, not a term. */
const QUANTITY = /[零〇一二三四五六七八九十百千万亿两几多余数][年月日天周岁元条名次个]|个多|余[年月日天条名次个]|[一二三四五六七八九十百千万亿两]$/;
/**
 * Function characters: a string that starts or ends with one (该团伙, 号码和, 向社会) is a phrase with
 * a grammatical word stuck to it, unless general Chinese knows the whole as a word (中介, 上线).
 */
const FUNCTION_EDGE = new Set([..."的了着过之地得所以而与和及或并且但则即亦也又还都均共各该此其这那在于从自向往对把被将给由为因按依据经至到让使令比跟同是有无没不非未否已曾正仍再才就便乃可能会要应须需上下中内外前后里间等吗呢吧啊我你他她它称遭系"]);
/**
 * General Chinese, as jieba's dictionary counts it, is read at this many times its rate: the prose of
 * crime reports and judgments is denser in words such as 获取 or 姓名 than the dictionary's mixed
 * sources, and a word that common is not a keyword of one kind of case.
 */
export const FORMAL_REGISTER = 10;
/**
 * A nominal word (lexicon.ts: the dictionary's nouns and verbal nouns, 骗子, 源头) is read at this
 * rate instead: what a report is about names things, and a noun is as frequent as its topic, where
 * narration verbs and quantity words (涉及, 开展, 大量) are the register's own and dense in any
 * report.
 */
export const NOMINAL_REGISTER = 3;
/**
 * A candidate must be at least 2^MIN_RATIO = 2 times as frequent in the foreground (at its lower
 * bound) as in the background where it is commonest (Hardie's log ratio, made conservative). The
 * ranking orders the rest; the floor only keeps out what is merely a little more frequent. It was
 * 2.8×: with a foreground of ~80 short reports the 95% lower bound of a term in 3–4 of them is half
 * its share, and terms a reviewer wants (离职, 违规, 名下) fell below it while the list had room.
 */
export const MIN_RATIO = 1;
/**
 * Everyday words: general Chinese uses them this often (per million words) or more. One inside a pack
 * term (获取 inside 非法获取) is not proposed: the pack chose the longer phrase because the bare word is
 * everyday language (a rare one, 验证码 inside 短信验证码, would widen the pack usefully and is
 * proposed, marked `inside`). Any other must be twice as over-represented (MIN_RATIO + 1) as a rare
 * word: as a rule term it would fire on ordinary prose (姓名, 注册).
 */
export const COMMON_PER_MILLION = 10;
/**
 * Legal vocabulary: a string in at least this share of the general background's criminal facts
 * (1 in 50) and spread over at least LEGAL_SPREAD kinds of crime is the narration of cases in general
 * (涉案: 5% of the facts, over ~22 charges), not a keyword of one kind: as a rule term it would fire
 * on any case. A word as common but of a few crimes (抵押, 挥霍: fraud) is that kind's vocabulary.
 * Like an everyday word, legal vocabulary must stand out further: twice as far again (MIN_RATIO + 2,
 * 8× its share in the background where it is commonest).
 */
export const LEGAL_COMMON_SHARE = SPREAD_MIN_SHARE;
export const LEGAL_SPREAD = 8;

/**
 * How a string stands to legal vocabulary: "word" when it is such a word itself, "collocation" when
 * it is made of two (涉案 + 金额: case narration, no more a term than its words, however rare the
 * pair), else null. A table without spreads over charges knows no legal vocabulary.
 */
export function legalVocabulary(term: string, general: GeneralBackground): "word" | "collocation" | null {
  const spread = general.spread;
  if (general.docs <= 0 || spread === undefined) return null;
  const common = (s: string): boolean => general.df(s) >= LEGAL_COMMON_SHARE * general.docs && (spread(s) ?? 0) >= LEGAL_SPREAD;
  if (common(term)) return "word";
  for (let i = 2; i + 2 <= term.length; i++) if (common(term.slice(0, i)) && common(term.slice(i))) return "collocation";
  return null;
}

/** The entropy a side must reach when `seen` neighbours were observed. */
export function minEntropy(seen: number): number {
  return seen <= 1 ? Infinity : Math.min(MIN_ENTROPY, 0.9 * Math.log(seen));
}

/**
 * A string that carries a stop word of two or more characters or a genre word (被告人利用, 报道称,
 * 一审法院认为) is court or report language around a term, not a term.
 */
function carriesBoilerplate(term: string, lex: KeywordLexicon): boolean {
  for (let i = 0; i < term.length; i++) {
    for (let j = i + 2; j <= term.length; j++) {
      if (j - i === term.length && i === 0) continue;
      const part = term.slice(i, j);
      if (lex.zhStop.has(part) || lex.genre.has(part)) return true;
    }
  }
  return lex.genre.has(term);
}
/**
 * Conjunctions and the attributive 的: a string with one inside (人及其家, 信息和数据, 伪造的机动车) is
 * two phrases joined, or a modifier and its noun, unless general Chinese knows the whole.
 */
const CONJUNCTION = /[及与和或并的]/;
/** A longer phrase that keeps this share of a shorter one's documents stands in for it. */
const SUBSUME_SHARE = 0.8;
const WILSON_Z = 1.645;

interface Scored {
  term: string;
  lang: "zh" | "en";
  fgDf: number;
  fgTf: number;
  bgDf: number;
  generalDocs: number | null;
  perMillion: number;
  ratio: number;
  against: BackgroundName;
  g2: number;
  boundary?: { left: number; right: number; pmi: number };
  cooc: Uint32Array;
  refs: ExampleRef[];
}

/** Upper bound of the Wilson score interval for a share a/n. */
export function wilsonUpper(a: number, n: number, z: number = WILSON_Z): number {
  if (n <= 0) return 1;
  const p = a / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.min(1, (centre + half) / (1 + z2 / n));
}

/** Lower bound of the Wilson score interval for a share a/n. */
export function wilsonLower(a: number, n: number, z: number = WILSON_Z): number {
  if (n <= 0) return 0;
  const p = a / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - half) / (1 + z2 / n));
}

/** G² of a in n against an expected share p (one sample), signed like logLikelihood. */
function g2AgainstShare(a: number, n: number, p: number): number {
  if (p <= 0) return Infinity;
  if (p >= 1) return -Infinity;
  const e = n * p;
  const x = (o: number, ex: number): number => (o > 0 ? o * Math.log(o / ex) : 0);
  const g = 2 * (x(a, e) + x(n - a, n - e));
  return a >= e ? g : -g;
}

/** Smallest PMI (nats) over the split points of a phrase, from foreground occurrence counts. */
export function cohesion(term: string, counter: PhraseCounter): number {
  const n = counter.stats().foregroundChars;
  const whole = counter.fgTf(term);
  let min = Infinity;
  for (let i = 1; i < term.length; i++) {
    const a = Math.max(whole, counter.fgTf(term.slice(0, i)));
    const b = Math.max(whole, counter.fgTf(term.slice(i)));
    min = Math.min(min, Math.log((whole * n) / (a * b)));
  }
  return min;
}

export function rankCandidates(phrases: PhraseCounter, words: TermCounter, packs: PackTermIndex, opts: RankOptions): KeywordCandidate[] {
  const ps = phrases.stats();
  const fg = ps.foregroundDocs;
  const bg = ps.backgroundDocs;
  const minG2 = opts.minG2 ?? G2_P05;
  const lex = opts.lexicon;
  const general = opts.general;
  // Words per foreground document, to turn a per-word frequency into a per-document share.
  const wordsPerDoc = fg > 0 ? ps.foregroundChars / fg / 1.5 : 0;
  const lower = (a: number): number => wilsonLower(a, fg);
  const bgShare = (b: number): number => (b + 0.5) / (bg + 1);

  const scored = new Map<string, Scored>();
  for (const e of phrases.entries()) {
    const s = scorePhrase(e);
    if (s) scored.set(s.term, s);
  }
  for (const [key, e] of words.entries) {
    if (e.lang !== "en") continue;
    const s = scoreWord(key, e);
    if (s) scored.set(`en:${key}`, s);
  }

  const dropped = foldNested(scored);
  const ordered = [...scored.values()]
    .filter((s) => !dropped.has(s.term))
    .sort((a, b) => b.ratio - a.ratio || b.g2 - a.g2 || b.fgDf - a.fgDf || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));

  const out: KeywordCandidate[] = [];
  for (const s of ordered) {
    if (out.length >= opts.top) break;
    const assigned = assignTarget(s.cooc, s.fgDf, fg, words.stats().targetDocs, opts);
    const cand: KeywordCandidate = {
      term: s.term,
      lang: s.lang,
      kind: assigned ? opts.targets[assigned.index]!.kind : null,
      target: assigned ? opts.targets[assigned.index]!.id : null,
      foregroundDocs: s.fgDf,
      backgroundDocs: s.bgDf,
      generalDocs: s.generalDocs,
      perMillion: s.perMillion,
      occurrences: s.fgTf,
      ratio: round(s.ratio, 2),
      against: s.against,
      g2: round(s.g2, 2),
      targetDocs: assigned?.docs ?? 0,
      cooccurs: cooccurrences(s.cooc, opts),
      exampleRefs: s.refs,
      examples: [],
      rules: [],
    };
    if (s.boundary) cand.boundary = s.boundary;
    const inside = packs.container(s.term, s.lang);
    if (inside !== null) cand.inside = inside;
    out.push(cand);
  }
  return out;

  function drop(term: string, reason: string): null {
    opts.onDrop?.(term, reason);
    return null;
  }

  function scorePhrase(e: PhraseEntry): Scored | null {
    const term = e.key;
    if (e.fgDf < opts.minCount) return null;
    if (opts.rejected?.has(term)) return drop(term, "rejected");
    if (!usableHan(term, lex)) return drop(term, "stop word, name, number or place");
    if (QUANTITY.test(term)) return drop(term, "quantity");
    if (carriesBoilerplate(term, lex)) return drop(term, "carries a stop or genre word");
    if ((FUNCTION_EDGE.has(term[0]!) || FUNCTION_EDGE.has(term[term.length - 1]!)) && !lex.lang.has(term)) return drop(term, "function character at an edge");
    if (term.length > 2 && CONJUNCTION.test(term.slice(1, -1)) && !lex.lang.has(term)) return drop(term, "two phrases joined by a conjunction or 的");
    if (packs.has(term, "zh")) return drop(term, "pack term");
    const contained = packs.contained(term, "zh");
    if (contained !== null) return drop(term, `contains pack term ${contained}`);
    const left = e.left.entropy();
    const right = e.right.entropy();
    if (left < minEntropy(e.left.total) || right < minEntropy(e.right.total)) {
      return drop(term, `unstable boundary (entropy ${left.toFixed(2)}/${right.toFixed(2)} over ${e.left.total} occurrences)`);
    }
    const pmi = cohesion(term, phrases);
    if (pmi < MIN_PMI) return drop(term, `loose (PMI ${pmi.toFixed(2)})`);
    const perWord = (lex.lang.get(term) ?? 0) / Math.max(1, lex.langTotal);
    if (perWord * 1e6 >= COMMON_PER_MILLION) {
      const inside = packs.container(term, "zh");
      if (inside !== null) return drop(term, `everyday word inside pack term ${inside}`);
    }
    const bgDf = phrases.bgDf(term);
    const shares: [BackgroundName, number, number][] = [["corpus", bgShare(bgDf), logLikelihood(e.fgDf, fg, bgDf, bg)]];
    let generalDocs: number | null = null;
    if (general !== null && general.docs > 0) {
      generalDocs = general.df(term);
      // Below min-df the table cannot tell 0 from min-df − 1: take the larger.
      const g = generalDocs > 0 ? generalDocs : general.minDf - 1;
      shares.push(["general", g / general.docs, logLikelihood(e.fgDf, fg, generalDocs, general.docs)]);
    }
    if (perWord > 0) {
      const register = lex.nominal.has(term) ? NOMINAL_REGISTER : FORMAL_REGISTER;
      const p = 1 - Math.exp(-perWord * register * wordsPerDoc);
      shares.push(["language", p, g2AgainstShare(e.fgDf, fg, p)]);
    }
    const top = shares.reduce((m, s) => (s[1] > m[1] ? s : m));
    const g2 = Math.min(...shares.map((s) => s[2]));
    if (g2 < minG2) return drop(term, `not significant against the ${shares.find((s) => s[2] === g2)![0]} background (G² ${g2.toFixed(1)})`);
    const ratio = Math.log2(lower(e.fgDf) / top[1]);
    // An everyday word must stand out twice as far as a rare one, a word of every criminal case twice as far again.
    const legal = general !== null ? legalVocabulary(term, general) : null;
    if (legal === "collocation") return drop(term, "two words of every criminal case (legal vocabulary)");
    const needed = legal === "word" ? MIN_RATIO + 2 : perWord * 1e6 >= COMMON_PER_MILLION ? MIN_RATIO + 1 : MIN_RATIO;
    if (!(ratio >= needed)) return drop(term, `not ${(2 ** needed).toFixed(1)}× as frequent as in the ${top[0]} background (log₂ ratio ${ratio.toFixed(2)})`);
    const refs: ExampleRef[] = [];
    for (const doc of e.examples) refs.push({ doc, start: -1, end: -1 });
    return {
      term,
      lang: "zh",
      fgDf: e.fgDf,
      fgTf: e.fgTf,
      bgDf,
      generalDocs,
      perMillion: round(perWord * 1e6, 2),
      ratio,
      against: top[0],
      g2,
      boundary: { left: round(left, 2), right: round(right, 2), pmi: round(pmi, 2) },
      cooc: phrases.coocOf(e),
      refs,
    };
  }

  function scoreWord(key: string, e: TermEntry): Scored | null {
    if (e.fgDf < opts.minCount || opts.rejected?.has(e.surface)) return null;
    // A Latin word in Chinese text may be a pack's zh term as written (pos, app).
    if (packs.has(key, "en") || packs.has(e.surface, "zh") || packs.contained(key, "en") !== null) return null;
    const ws = words.stats();
    const g2 = logLikelihood(e.fgDf, ws.foregroundDocs, e.bgDf, ws.backgroundDocs);
    if (g2 < minG2) return null;
    const ratio = Math.log2(wilsonLower(e.fgDf, ws.foregroundDocs) / ((e.bgDf + 0.5) / (ws.backgroundDocs + 1)));
    if (!(ratio >= MIN_RATIO)) return null;
    const refs: ExampleRef[] = [];
    if (e.exDoc0 >= 0) refs.push({ doc: e.exDoc0, start: e.exStart0, end: e.exEnd0 });
    if (e.exDoc1 >= 0) refs.push({ doc: e.exDoc1, start: e.exStart1, end: e.exEnd1 });
    return {
      term: e.surface,
      lang: "en",
      fgDf: e.fgDf,
      fgTf: e.fgTf,
      bgDf: e.bgDf,
      generalDocs: null,
      perMillion: 0,
      ratio,
      against: "corpus",
      g2,
      cooc: words.coocOf(e),
      refs,
    };
  }
}

/**
 * A phrase and a longer one around it describe the same evidence twice. If the longer keeps ≥ 80% of
 * the shorter's foreground documents, the shorter only occurs inside it and the longer stands for it;
 * otherwise the longer is a narrower use of the shorter, which stands for it. Returns the terms to
 * leave out. (Chinese only: English pairs are few and read as they are.)
 */
function foldNested(scored: Map<string, Scored>): Set<string> {
  const dropped = new Set<string>();
  for (const long of scored.values()) {
    if (long.lang !== "zh" || long.term.length < 3) continue;
    for (let i = 0; i < long.term.length; i++) {
      for (let j = i + 2; j <= long.term.length; j++) {
        if (j - i === long.term.length) continue;
        const short = scored.get(long.term.slice(i, j));
        if (short === undefined) continue;
        dropped.add(long.fgDf >= SUBSUME_SHARE * short.fgDf ? short.term : long.term);
      }
    }
  }
  return dropped;
}

/**
 * The dimension whose documents the term is most over-represented in, among the foreground documents
 * (G² of term × dimension), considering only dimensions that share at least half of the term's
 * best co-occurrence count (else one shared document with a rare dimension would win). When no
 * dimension stands out (one dimension defines the whole foreground), the one it co-occurred with most.
 */
function assignTarget(
  cooc: Uint32Array,
  fgDf: number,
  fgDocs: number,
  targetDocs: Uint32Array,
  opts: RankOptions,
): { index: number; docs: number } | null {
  let most: { index: number; docs: number } | null = null;
  for (let t = 0; t < cooc.length; t++) {
    if (opts.assignable && !opts.assignable.has(t)) continue;
    const a = cooc[t]!;
    if (a === 0) continue;
    if (most === null || a > most.docs || (a === most.docs && targetDocs[t]! < targetDocs[most.index]!)) most = { index: t, docs: a };
  }
  if (most === null) return null;
  let best: { index: number; docs: number; g2: number } | null = null;
  for (let t = 0; t < cooc.length; t++) {
    if (opts.assignable && !opts.assignable.has(t)) continue;
    const a = cooc[t]!;
    if (2 * a < most.docs) continue;
    const withT = targetDocs[t]!;
    const g2 = logLikelihood(a, withT, fgDf - a, fgDocs - withT);
    if (g2 > 0 && (best === null || g2 > best.g2)) best = { index: t, docs: a, g2 };
  }
  return best ?? most;
}

function cooccurrences(cooc: Uint32Array, opts: RankOptions): Record<string, number> {
  const out: [string, number][] = [];
  for (let t = 0; t < cooc.length; t++) {
    if (cooc[t]! > 0 && (!opts.assignable || opts.assignable.has(t))) out.push([`${opts.targets[t]!.kind}/${opts.targets[t]!.id}`, cooc[t]!]);
  }
  out.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return Object.fromEntries(out);
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
