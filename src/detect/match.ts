// Match compiled rules against one normalized text: one Aho–Corasick pass per script, regexes
// only where their keywords occur, then boundary, exclusion, context, negation and zone checks.
// Offsets here are into the NORMALIZED text; the pipeline maps them back to the original.
import { UNLIMITED, type Budget } from "../budget.js";
import type { CompiledPattern, CompiledRule, CompiledRules, TermSet } from "../rules/compile.js";
import type { Sentences } from "../text/sentences.js";
import { anyCovering, anyWithin, firstScopeAt, sortSpans, sortedSpans, type SortedSpans, type Span } from "./spans.js";

export type { Span } from "./spans.js";

export interface TextView {
  /** Normalized text. */
  text: string;
  /**
   * Whether [start, end) starts and ends on segmenter token boundaries, or null when the text is
   * not segmented (not Chinese). Called only for candidates of token-boundary rules.
   */
  isTokenSpan: ((start: number, end: number) => boolean) | null;
  /** Sentence edges (rule regexes run sentence by sentence). */
  sentences: Sentences;
  /** English tokens with stems (offsets into text), or null when the text has no Latin words. */
  english: { start: number; end: number; stem: string }[] | null;
}

export interface RawFinding {
  rule: CompiledRule;
  start: number;
  end: number;
  /** Rule weight after context (boost); 0 once negated or when another occurrence of the rule carries it. */
  weight: number;
  boosted: boolean;
  negated: boolean;
  note?: string;
}

/** Where each term occurred: term id -> spans, per script. */
export interface HitIndex {
  zh: Map<number, Span[]>;
  en: Map<number, Span[]>;
  /** Per document: every span of any term of a set, sorted (context lists are checked many times). */
  merged: Map<TermSet, SortedSpans>;
  /** Per pattern (gateIndex): 1 when one of its zh keywords occurs in the document. */
  openGates: Uint8Array;
}

export interface MatchResult {
  findings: RawFinding[];
  hits: HitIndex;
  /** Negation scopes and zones, for reports and tests. */
  scopes: Scope[];
}

export type Scope = Span & { ruleId: string; spare?: TermSet };

const DETECTION_EXCLUDED = new Set(["negation", "zone", "identifier"]);
const SENTENCE_END = /[。！？；!?;\n]/g;
const FULL_STOP = /[。！？!?]|\n\s*\n/g;
const LATIN = /[a-z0-9]/;
export const BOOST_FACTOR = 1.5;

export function matchRules(view: TextView, compiled: CompiledRules, budget: Budget = UNLIMITED): MatchResult {
  const { text } = view;
  const hits: HitIndex = { zh: new Map(), en: new Map(), merged: new Map(), openGates: new Uint8Array(compiled.gateCount) };
  // The automaton's hit objects serve as spans (they have start and end): one object a hit, not two.
  // Hits grouped by term in a scratch array indexed by term id, then put in the map in order of
  // first hit (as pushing each into the map would): one map entry a term, not a lookup a hit.
  const touched: number[] = [];
  const byTerm = termScratch(compiled.zhTerms.length);
  compiled.zhAutomaton.eachHit(text, (h) => {
    const list = byTerm[h.pattern];
    if (list === undefined) {
      byTerm[h.pattern] = [h];
      touched.push(h.pattern);
    } else list.push(h);
  });
  for (const term of touched) {
    hits.zh.set(term, byTerm[term]!);
    byTerm[term] = undefined;
    for (const g of compiled.zhTermGates[term]!) hits.openGates[g] = 1;
  }
  if (view.english && view.english.length > 0 && compiled.enTerms.length > 0) {
    for (const [term, span] of matchEnglish(view.english, compiled)) push(hits.en, term, span);
  }

  const candidates: RawFinding[] = [];
  const consider = (rule: CompiledRule, start: number, end: number, latinCheck: boolean): void => {
    if (DETECTION_EXCLUDED.has(rule.rule.kind) || rule.rule.marker) return;
    budget.match();
    const f = evaluate(rule, start, end, latinCheck, view, hits);
    if (f) candidates.push(f);
  };
  // forEach, not for-of with [term, spans]: no entry array per term.
  hits.zh.forEach((spans, term) => {
    for (const ri of compiled.zhTermRules[term]!) {
      for (const s of spans) consider(compiled.rules[ri]!, s.start, s.end, true);
    }
  });
  hits.en.forEach((spans, term) => {
    for (const ri of compiled.enTermRules[term]!) {
      for (const s of spans) consider(compiled.rules[ri]!, s.start, s.end, false);
    }
  });
  for (const rule of compiled.patternRules) {
    for (const p of rule.patterns) {
      for (const m of patternMatches(view, p, hits, budget)) consider(rule, m.start, m.end, false);
    }
  }

  const scopes = negationScopes(view, compiled, hits, budget);
  budget.check();
  const scopeAt = firstScopeAt(scopes);
  for (const f of candidates) {
    const scope = scopeAt(f.start);
    if (scope && !(scope.spare && spared(view.text, hits, scope.spare, f))) {
      f.negated = true;
      f.note = `in scope of ${scope.ruleId}`;
    }
  }

  const findings = keepLongestPerRule(candidates, text.length);
  assignRuleWeights(findings);
  findings.sort((a, b) => a.start - b.start || (a.rule.rule.id < b.rule.rule.id ? -1 : a.rule.rule.id > b.rule.rule.id ? 1 : 0));
  return { findings, hits, scopes };
}

function evaluate(
  rule: CompiledRule,
  start: number,
  end: number,
  latinCheck: boolean,
  view: TextView,
  hits: HitIndex,
): RawFinding | null {
  const { text } = view;
  // A zh-list term with Latin edges ("app", "qq") must not match inside a longer Latin word.
  if (latinCheck) {
    if (LATIN.test(text[start] ?? "") && LATIN.test(text[start - 1] ?? "")) return null;
    if (LATIN.test(text[end - 1] ?? "") && LATIN.test(text[end] ?? "")) return null;
  }
  if (rule.exclude && covers(hits, rule.exclude, start, end)) return null;
  const w = rule.rule.context.window;
  const from = start - w;
  const to = end + w;
  if (rule.require && !within(hits, rule.require, from, to, start, end)) return null;
  if (rule.suppress) {
    const bySentence = rule.rule.context.suppressIn === "sentence";
    const sFrom = bySentence ? Math.min(from, view.sentences.startOf(start)) : from;
    const sTo = bySentence ? Math.max(to, view.sentences.endOf(start)) : to;
    if (within(hits, rule.suppress, sFrom, sTo, start, end)) return null;
  }
  // Last: the only check that may segment text; the cheap ones above have ruled out what they can.
  if (rule.rule.boundary === "token" && view.isTokenSpan && !view.isTokenSpan(start, end)) return null;
  const boosted = rule.boost !== null && within(hits, rule.boost, from, to, start, end);
  const weight = Math.min(100, rule.rule.weight * (boosted ? BOOST_FACTOR : 1));
  return { rule, start, end, weight, boosted, negated: false };
}

/** English terms are matched on a stream of stems: " stem1 stem2 … " with spaces as word edges. */
function matchEnglish(tokens: { start: number; end: number; stem: string }[], compiled: CompiledRules): [number, Span][] {
  let stream = "";
  const spaceToken: number[] = [];
  for (let k = 0; k < tokens.length; k++) {
    spaceToken[stream.length] = k;
    stream += " " + tokens[k]!.stem;
  }
  spaceToken[stream.length] = tokens.length;
  stream += " ";
  const out: [number, Span][] = [];
  for (const h of compiled.enAutomaton.findAll(stream)) {
    const first = spaceToken[h.start];
    const after = spaceToken[h.end - 1];
    if (first === undefined || after === undefined || after <= first) continue;
    out.push([h.pattern, { start: tokens[first]!.start, end: tokens[after - 1]!.end }]);
  }
  return out;
}

function negationScopes(view: TextView, compiled: CompiledRules, hits: HitIndex, budget: Budget): Scope[] {
  const scopes: Scope[] = [];
  const boundaryAfter = createBoundaries(view.text);
  for (const rule of compiled.scopeRules) {
    for (const id of rule.terms.zh) {
      const cues = hits.zh.get(id);
      if (cues !== undefined) for (const cue of cues) openScope(view, hits, rule, cue, boundaryAfter, scopes);
    }
    for (const id of rule.terms.en) {
      const cues = hits.en.get(id);
      if (cues !== undefined) for (const cue of cues) openScope(view, hits, rule, cue, boundaryAfter, scopes);
    }
    for (const p of rule.patterns) for (const m of patternMatches(view, p, hits, budget)) openScope(view, hits, rule, m, boundaryAfter, scopes);
  }
  return scopes;
}

/** The scope a negation or zone cue opens, pushed to `scopes` (none when an exclusion covers the cue). */
function openScope(
  view: TextView,
  hits: HitIndex,
  rule: CompiledRule,
  cue: Span,
  boundaryAfter: ReturnType<typeof createBoundaries>,
  scopes: Scope[],
): void {
  if (rule.exclude && covers(hits, rule.exclude, cue.start, cue.end)) return;
  if (rule.rule.kind === "negation") {
    // A negation reaches to the end of its clause at most (未直接出售，但将个人信息…: the second
    // clause is not negated).
    const end = clauseEndBefore(view.text, cue.end, Math.min(cue.end + rule.rule.scope, boundaryAfter(cue.end, "sentence")));
    scopes.push({ start: cue.end, end, ruleId: rule.rule.id });
  } else {
    let end = rule.rule.until === "match" ? cue.end : boundaryAfter(cue.end, rule.rule.until);
    if (rule.close) end = closeBefore(view.text, hits, rule.close, cue.end, end);
    scopes.push(rule.spare ? { start: cue.start, end, ruleId: rule.rule.id, spare: rule.spare } : { start: cue.start, end, ruleId: rule.rule.id });
  }
}

/**
 * Non-empty matches of a rule regex, run only where one of its keywords occurs: on the sentences
 * that hold a keyword hit, or (with a window) within that many characters of one. Rule regexes are
 * sentence-local, and RE2 costs per call in proportion to the text it is given: over whole
 * documents the regexes cost more than segmentation.
 */
function patternMatches(view: TextView, p: CompiledPattern, hits: HitIndex, budget: Budget): Span[] {
  // A gate's keywords are interned as zh terms (compile.ts), so openGates answers for all of them.
  if (hits.openGates[p.gateIndex] !== 1) return [];
  const { text, sentences } = view;
  const spans = spansOf(hits, p.gate).spans;
  const out: Span[] = [];
  // Regions around the gate's hits, merged where they touch. Spans are sorted by start and a
  // region's start (the sentence's start, or the hit's start less the window) never decreases with
  // it, so regions come out in order and are merged on the way: no region objects, no sort.
  let regionStart = -1;
  let regionEnd = -1;
  for (let k = 0; k <= spans.length; k++) {
    let start = 0;
    let end = 0;
    if (k < spans.length) {
      const s = spans[k]!;
      if (p.window === null) {
        start = sentences.startOf(s.start);
        end = sentences.endOf(Math.max(s.start, s.end - 1));
      } else {
        start = Math.max(0, s.start - p.window);
        end = Math.min(text.length, s.end + p.window);
      }
      if (regionStart >= 0 && start <= regionEnd) {
        if (end > regionEnd) regionEnd = end;
        continue;
      }
    }
    if (regionStart >= 0) runRegex(text, p, regionStart, regionEnd, out, budget);
    regionStart = start;
    regionEnd = end;
  }
  return out;
}

/** The non-empty matches of the pattern's regex in text[from, to), pushed to `out` in text offsets. */
function runRegex(text: string, p: CompiledPattern, from: number, to: number, out: Span[], budget: Budget): void {
  budget.check();
  const slice = text.slice(from, to);
  const re = p.regexFor(slice.length);
  re.lastIndex = 0;
  for (let m = re.exec(slice); m !== null; m = re.exec(slice)) {
    if (m[0].length === 0) re.lastIndex = m.index + 1;
    else out.push({ start: from + m.index, end: from + m.index + m[0].length });
  }
}

/**
 * Where a scope opened at `from` ends: after the sentence's delimiter, at the line's newline, or
 * at the blank line that ends the paragraph (the text's end when there is none). Each kind of edge
 * is listed once per document on first use and found by binary search: searching the text forward
 * from every cue cost cues × length on a document with many cues and no sentence end.
 */
export function createBoundaries(text: string): (from: number, until: "sentence" | "full-stop" | "line" | "paragraph") => number {
  const lists = new Map<string, number[]>();
  const edges = (until: "sentence" | "full-stop" | "line" | "paragraph"): number[] => {
    let list = lists.get(until);
    if (list === undefined) {
      list = [];
      if (until === "sentence" || until === "full-stop") {
        // A full stop: 。！？ or a blank line, across the ；and line breaks between a list's items.
        const re = until === "sentence" ? SENTENCE_END : FULL_STOP;
        re.lastIndex = 0;
        for (let m = re.exec(text); m !== null; m = re.exec(text)) list.push(m.index + 1);
      } else {
        for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
          // A paragraph ends at a newline followed, across whitespace only, by another (/\n\s*\n/).
          if (until === "line" || PARAGRAPH_AFTER.test(text.slice(i + 1, nextNewline(text, i + 1) + 1))) list.push(i);
        }
      }
      lists.set(until, list);
    }
    return list;
  };
  return (from, until) => {
    const list = edges(until);
    // Sentence edges are stored one past their delimiter: the first at or after `from` + 1.
    const at = until === "sentence" || until === "full-stop" ? from + 1 : from;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo]! : text.length;
  };
}

const PARAGRAPH_AFTER = /^\s*\n$/;

function nextNewline(text: string, from: number): number {
  const i = text.indexOf("\n", from);
  return i < 0 ? text.length : i;
}

/**
 * Per-term hit lists while the automaton runs, shared by every document (one thread scans one at
 * a time, synchronously): all undefined between documents, as matchRules clears what it set.
 */
let scratch: (Span[] | undefined)[] = [];

function termScratch(terms: number): (Span[] | undefined)[] {
  if (scratch.length < terms) scratch = new Array<Span[] | undefined>(terms).fill(undefined);
  return scratch;
}

function push(map: Map<number, Span[]>, key: number, span: Span): void {
  const list = map.get(key);
  if (list) list.push(span);
  else map.set(key, [span]);
}

/** Every span of every term of the set in this document, sorted, computed once per set. */
function spansOf(hits: HitIndex, set: TermSet): SortedSpans {
  let sorted = hits.merged.get(set);
  if (sorted === undefined) {
    let only: Span[] | undefined;
    let lists = 0;
    for (const id of set.zh) {
      const l = hits.zh.get(id);
      if (l !== undefined) {
        only = l;
        lists++;
      }
    }
    for (const id of set.en) {
      const l = hits.en.get(id);
      if (l !== undefined) {
        only = l;
        lists++;
      }
    }
    if (lists === 1 && isSorted(only!)) {
      // One term's hits (the usual case): already in order. Shared, never written to.
      sorted = sortedSpans(only!);
    } else {
      // A loop, not push(...s): a term-dense document holds more spans than a call may take arguments.
      const spans: Span[] = [];
      for (const id of set.zh) for (const s of hits.zh.get(id) ?? []) spans.push(s);
      for (const id of set.en) for (const s of hits.en.get(id) ?? []) spans.push(s);
      // sortSpans sorts in place; an array already in order is left as it is (a stable sort would too).
      sorted = isSorted(spans) ? sortedSpans(spans) : sortSpans(spans);
    }
    hits.merged.set(set, sorted);
  }
  return sorted;
}

/** Whether spans are in sortSpans' order (start, then end). */
function isSorted(spans: readonly Span[]): boolean {
  for (let i = 1; i < spans.length; i++) {
    const a = spans[i - 1]!;
    const b = spans[i]!;
    if (a.start > b.start || (a.start === b.start && a.end > b.end)) return false;
  }
  return true;
}

/** The end of the first closing term in [from, to) not followed by a colon (which announces what follows); else `to`. */
function closeBefore(text: string, hits: HitIndex, set: TermSet, from: number, to: number): number {
  // Spans are sorted by start: the first that closes wins.
  for (const s of spansOf(hits, set).spans) {
    if (s.start < from) continue;
    if (s.end > to) break;
    if (!/[:：]/.test(text[s.end] ?? "")) return s.end;
  }
  return to;
}

const CLAUSE_EDGE = /[，,；;。！？!?：:\n]/;

/** The first clause break in [from, to) (an ASCII comma inside a number is none), else `to`. */
function clauseEndBefore(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text[i]!;
    if (c === "," ? !/[0-9]/.test(text[i + 1] ?? "") : NEGATION_CLAUSE_BREAK.test(c)) return i;
  }
  return to;
}
const NEGATION_CLAUSE_BREAK = /[，；;。！？!?\n]/;
/** How far a clause is searched either way for a sparing term. */
const CLAUSE_REACH = 40;

/**
 * Whether a sparing term stands in the finding's clause (between clause punctuation, at most
 * CLAUSE_REACH characters either way): an information type in an evidence list bound by a leak verb
 * (证实被告人出售公民个人信息) is a statement of the conduct, not a paper that exists.
 */
function spared(text: string, hits: HitIndex, set: TermSet, f: { start: number; end: number }): boolean {
  let from = f.start;
  while (from > 0 && f.start - from < CLAUSE_REACH && !CLAUSE_EDGE.test(text[from - 1]!)) from--;
  let to = f.end;
  while (to < text.length && to - f.end < CLAUSE_REACH && !CLAUSE_EDGE.test(text[to]!)) to++;
  return within(hits, set, from, to, f.start, f.end);
}

/** Some term of the set occurs within [from, to], other than the candidate span itself. */
function within(hits: HitIndex, set: TermSet, from: number, to: number, start: number, end: number): boolean {
  return anyWithin(spansOf(hits, set), from, to, start, end);
}

/** Some term of the set covers [start, end] entirely (a rule's `exclude`; markers use it too). */
export function covers(hits: HitIndex, set: TermSet, start: number, end: number): boolean {
  return anyCovering(spansOf(hits, set), start, end);
}

/**
 * Overlapping matches of the same rule (公民个人信息 and 个人信息) are one piece of evidence: keep the
 * longest (then the earliest). Taken positions are marked in one array reused across rules, so the
 * overlap test costs the candidate's length, not the number already taken.
 */
/**
 * Positions taken by the rule being kept, shared by every document (one thread scans one at a
 * time): all zero between rules, as keepLongestPerRule clears what it marked.
 */
const TAKEN_BUFFER_SIZE = 65_536;
const takenBuffer = new Uint8Array(TAKEN_BUFFER_SIZE);

function keepLongestPerRule(candidates: RawFinding[], textLength: number): RawFinding[] {
  const byRule = new Map<number, RawFinding[]>();
  for (const c of candidates) {
    const list = byRule.get(c.rule.index);
    if (list) list.push(c);
    else byRule.set(c.rule.index, [c]);
  }
  // A long document gets its own array: the shared one stays small.
  const taken = textLength < TAKEN_BUFFER_SIZE ? takenBuffer : new Uint8Array(textLength + 1);
  const kept: RawFinding[] = [];
  for (const list of byRule.values()) {
    // One candidate of a rule (most rules in most documents) overlaps nothing of its own rule.
    if (list.length === 1) {
      kept.push(list[0]!);
      continue;
    }
    list.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const first = kept.length;
    for (const c of list) {
      let free = true;
      for (let i = c.start; i < c.end; i++) {
        if (taken[i] === 1) {
          free = false;
          break;
        }
      }
      if (!free) continue;
      taken.fill(1, c.start, c.end);
      kept.push(c);
    }
    for (let k = first; k < kept.length; k++) taken.fill(0, kept[k]!.start, kept[k]!.end);
  }
  return kept;
}

/**
 * A rule counts once per document: its strongest non-negated occurrence carries the weight and
 * the other occurrences stay as evidence with weight 0. Repetition of one word must not turn a
 * weak hint into a finding; distinct rules agreeing must.
 */
function assignRuleWeights(findings: RawFinding[]): void {
  const best = new Map<number, RawFinding>();
  for (const f of findings) {
    if (f.negated) continue;
    const b = best.get(f.rule.index);
    if (!b || f.weight > b.weight || (f.weight === b.weight && f.start < b.start)) best.set(f.rule.index, f);
  }
  for (const f of findings) {
    if (f.negated || best.get(f.rule.index) !== f) f.weight = 0;
  }
}
