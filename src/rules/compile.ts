// Compile a RuleSet into what the detector runs: every term of every rule (terms, context lists,
// exclusions, regex gates, negation and zone cues) interned once and fed to one Aho–Corasick
// automaton per script, so one pass over a document finds them all.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { createAhoCorasick, type AhoCorasick } from "../text/aho-corasick.js";
import { BUNDLED_RULES_DIR } from "./load.js";
import { MAX_PATHS, regexPaths, toV8Source } from "./regex-safety.js";
import type { Rule, RuleSet, TermLists } from "./types.js";

/** Term ids, split by matching space: zh ids index normalized-text terms, en ids stem phrases. */
export interface TermSet {
  zh: number[];
  en: number[];
}

/** What the matcher needs of a regex; RE2 and V8's RegExp both provide it. */
export interface RuleRegex {
  lastIndex: number;
  exec(text: string): RegExpExecArray | null;
}

export interface CompiledPattern {
  /**
   * The regex to run over a text of this many characters: V8's when the pattern may run there
   * (bundled and bounded, see regex-safety.ts) and its worst case over that text stays within
   * MAX_WORK; RE2's (linear) otherwise.
   */
  regexFor(length: number): RuleRegex;
  /** Where it runs on short texts: "v8" for bounded bundled patterns, "re2" for the rest. */
  engine: "v8" | "re2";
  gate: TermSet;
  /** This pattern's place in CompiledRules.zhTermGates' lists (one number per pattern). */
  gateIndex: number;
  window: number | null;
}

/**
 * Backtracking steps one V8 regex call may cost at worst (paths × characters it starts at): about
 * 20 ms. A bundled pattern with many paths runs on V8 over a sentence and on RE2 over a page-long
 * run-on; a document is further bounded by its scan budget, checked between calls.
 */
export const MAX_WORK = 10_000_000;

export interface CompiledRule {
  rule: Rule;
  index: number;
  terms: TermSet;
  patterns: CompiledPattern[];
  require: TermSet | null;
  boost: TermSet | null;
  suppress: TermSet | null;
  exclude: TermSet | null;
  /** zone rules: terms that spare a finding in the zone when they stand in its clause. */
  spare: TermSet | null;
  /** zone rules: terms that end the zone. */
  close: TermSet | null;
}

export interface TextTools {
  /** The same normalization documents get (width folding, simplified, lowercase). */
  normalize(s: string): string;
  /** Tokenize + stem an English phrase the way documents are. */
  stemPhrase(s: string): string[];
}

export interface CompiledRules {
  ruleSet: RuleSet;
  rules: CompiledRule[];
  zhTerms: string[];
  enTerms: string[];
  zhAutomaton: AhoCorasick;
  enAutomaton: AhoCorasick;
  /** For each zh/en term id: the rules whose own terms include it (detection). */
  zhTermRules: number[][];
  enTermRules: number[][];
  /** For each zh term id: the patterns (gateIndex) it opens; a document opens a pattern's gate when one occurs. */
  zhTermGates: number[][];
  /** How many patterns there are (gateIndex runs below it). */
  gateCount: number;
  /** Words to add to the segmenter's dictionary so rule terms stay whole tokens. */
  userWords: string[];
  /** Rules with regexes, and negation/zone rules: the few the matcher walks for every document. */
  patternRules: CompiledRule[];
  scopeRules: CompiledRule[];
  /** Rules marked `marker: true`: looked up where the leak chain asks (detect/markers.ts), never listed. */
  markerRules: CompiledRule[];
}

const LATIN_EDGE = /^[a-z0-9]|[a-z0-9]$/;

/** Kinds that only place and bind mentions for the leak chain (src/score/attribution.ts): no dimension of their own. */
export const BINDING_KINDS: ReadonlySet<string> = new Set(["role", "access", "flow", "party", "source", "proceeding"]);

const require = createRequire(import.meta.url);

/**
 * Bounded patterns of the bundled packs may run on V8 (no per-call C++ crossing); the rest, and
 * every pattern of a user's pack (written by anyone, vetted by no one: `[^y]{0,450}[^y]{0,450}y`
 * is bounded yet costs minutes on V8), run on RE2, loaded only then. Every pattern was already
 * compiled by RE2 when its pack was validated (load.ts), so RE2 accepts it.
 */
function compileRegex(source: string, flags: string, trusted: boolean): Pick<CompiledPattern, "regexFor" | "engine"> {
  let re2: RuleRegex | undefined;
  const onRe2 = (): RuleRegex => {
    if (re2 === undefined) {
      const RE2 = require("re2") as typeof import("re2");
      re2 = new RE2(source, flags);
    }
    return re2;
  };
  const paths = trusted ? regexPaths(source) : Infinity;
  if (paths <= MAX_PATHS) {
    try {
      const v8 = new RegExp(toV8Source(source), flags);
      const maxLength = Math.floor(MAX_WORK / paths);
      return { regexFor: (length) => (length <= maxLength ? v8 : onRe2()), engine: "v8" };
    } catch {
      // V8 refused a construct RE2 accepts: stay on RE2.
    }
  }
  onRe2();
  return { regexFor: onRe2, engine: "re2" };
}

/** Whether a rule comes from the bundled packs, whose patterns are reviewed and tested for V8. */
function isBundled(file: string): boolean {
  return dirname(file) === BUNDLED_RULES_DIR;
}

export function compileRules(ruleSet: RuleSet, tools: TextTools): CompiledRules {
  const zhTerms: string[] = [];
  const enTerms: string[] = [];
  const zhIds = new Map<string, number>();
  const enIds = new Map<string, number>();

  const forms = ruleSet.termForms;
  const intern = (terms: string[], ids: Map<string, number>, t: string): number => {
    let id = ids.get(t);
    if (id === undefined) {
      id = terms.length;
      terms.push(t);
      ids.set(t, id);
    }
    return id;
  };
  const internZh = (term: string): number | null => {
    const t = forms?.zh[term] ?? tools.normalize(term);
    return t.length === 0 ? null : intern(zhTerms, zhIds, t);
  };
  const internEn = (term: string): number | null => {
    const stems = forms?.en[term] ?? tools.stemPhrase(term);
    // Space-delimited so a term matches whole words only in the stem stream (see match.ts).
    return stems.length === 0 ? null : intern(enTerms, enIds, " " + stems.join(" ") + " ");
  };
  const internLists = (lists: TermLists | null | undefined): TermSet | null => {
    if (!lists) return null;
    const set: TermSet = { zh: [], en: [] };
    for (const t of lists.zh ?? []) {
      const id = internZh(t);
      if (id !== null && !set.zh.includes(id)) set.zh.push(id);
    }
    for (const t of lists.en ?? []) {
      const id = internEn(t);
      if (id !== null && !set.en.includes(id)) set.en.push(id);
    }
    return set;
  };

  let gateCount = 0;
  const rules: CompiledRule[] = ruleSet.rules.map((rule, index) => ({
    rule,
    index,
    terms: internLists(rule.terms) ?? { zh: [], en: [] },
    patterns: rule.patterns.map((p) => ({
      ...compileRegex(p.regex, "g" + (p.flags ?? "").replace(/[gu]/g, "") + "u", isBundled(rule.file)),
      // Keywords are written in either script; they gate on the normalized text.
      gate: internLists({ zh: p.keywords }) ?? { zh: [], en: [] },
      gateIndex: gateCount++,
      window: p.window ?? null,
    })),
    require: internLists(rule.context.require),
    boost: internLists(rule.context.boost),
    suppress: internLists(rule.context.suppress),
    exclude: internLists(rule.exclude),
    spare: internLists(rule.spare),
    close: internLists(rule.close),
  }));

  const zhTermRules: number[][] = zhTerms.map(() => []);
  const enTermRules: number[][] = enTerms.map(() => []);
  const zhTermGates: number[][] = zhTerms.map(() => []);
  for (const c of rules) {
    for (const id of c.terms.zh) zhTermRules[id]!.push(c.index);
    for (const id of c.terms.en) enTermRules[id]!.push(c.index);
    for (const p of c.patterns) for (const id of p.gate.zh) zhTermGates[id]!.push(p.gateIndex);
  }

  // Multi-character Chinese terms become user words; Latin ones are not segmenter business. The
  // leak chain's binding kinds match as substrings and never ask for token edges, so words only
  // they use do not steer segmentation (the other rules' tokens stay as they were without them).
  const steering = new Set<number>();
  for (const c of rules) {
    if (BINDING_KINDS.has(c.rule.kind)) continue;
    for (const set of [c.terms, c.require, c.boost, c.suppress, c.exclude, ...c.patterns.map((p) => p.gate)]) {
      for (const id of set?.zh ?? []) steering.add(id);
    }
  }
  const userWords = zhTerms.filter((t, id) => steering.has(id) && t.length >= 2 && !LATIN_EDGE.test(t));

  return {
    ruleSet,
    rules,
    zhTerms,
    enTerms,
    zhAutomaton: createAhoCorasick(zhTerms),
    enAutomaton: createAhoCorasick(enTerms),
    zhTermRules,
    enTermRules,
    zhTermGates,
    gateCount,
    userWords,
    patternRules: rules.filter((r) => r.patterns.length > 0 && r.rule.kind !== "negation" && r.rule.kind !== "zone" && !r.rule.marker),
    scopeRules: rules.filter((r) => r.rule.kind === "negation" || r.rule.kind === "zone"),
    markerRules: rules.filter((r) => r.rule.marker),
  };
}
