// Compile a RuleSet into what the detector runs: every term of every rule (terms, context lists,
// exclusions, regex gates, negation and zone cues) interned once and fed to one Aho–Corasick
// automaton per script, so one pass over a document finds them all.
import { createRequire } from "node:module";
import { createAhoCorasick, type AhoCorasick } from "../detect/aho-corasick.js";
import { isBoundedRegex, toV8Source } from "./regex-safety.js";
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
  re: RuleRegex;
  /** "v8" when the regex is bounded (see regex-safety.ts), else "re2". */
  engine: "v8" | "re2";
  gate: TermSet;
  window: number | null;
}

export interface CompiledRule {
  rule: Rule;
  index: number;
  terms: TermSet;
  patterns: CompiledPattern[];
  require: TermSet | null;
  boost: TermSet | null;
  suppress: TermSet | null;
  exclude: TermSet | null;
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
  /** Words to add to the segmenter's dictionary so rule terms stay whole tokens. */
  userWords: string[];
  /** Rules with regexes, and negation/zone rules: the few the matcher walks for every document. */
  patternRules: CompiledRule[];
  scopeRules: CompiledRule[];
}

const LATIN_EDGE = /^[a-z0-9]|[a-z0-9]$/;

const require = createRequire(import.meta.url);

/**
 * Bounded patterns run on V8 (no per-call C++ crossing); others on RE2, loaded only then. Every
 * pattern was already compiled by RE2 when its pack was validated (load.ts), so RE2 accepts it.
 */
function compileRegex(source: string, flags: string): { re: RuleRegex; engine: "v8" | "re2" } {
  if (isBoundedRegex(source)) {
    try {
      return { re: new RegExp(toV8Source(source), flags), engine: "v8" };
    } catch {
      // V8 refused a construct RE2 accepts: stay on RE2.
    }
  }
  const RE2 = require("re2") as typeof import("re2");
  return { re: new RE2(source, flags), engine: "re2" };
}

export function compileRules(ruleSet: RuleSet, tools: TextTools): CompiledRules {
  const zhTerms: string[] = [];
  const enTerms: string[] = [];
  const zhIds = new Map<string, number>();
  const enIds = new Map<string, number>();

  const forms = ruleSet.termForms;
  const internZh = (term: string): number | null => {
    const t = forms?.zh[term] ?? tools.normalize(term);
    if (t.length === 0) return null;
    let id = zhIds.get(t);
    if (id === undefined) {
      id = zhTerms.length;
      zhTerms.push(t);
      zhIds.set(t, id);
    }
    return id;
  };
  const internEn = (term: string): number | null => {
    const stems = forms?.en[term] ?? tools.stemPhrase(term);
    if (stems.length === 0) return null;
    // Space-delimited so a term matches whole words only in the stem stream (see match.ts).
    const t = " " + stems.join(" ") + " ";
    let id = enIds.get(t);
    if (id === undefined) {
      id = enTerms.length;
      enTerms.push(t);
      enIds.set(t, id);
    }
    return id;
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

  const rules: CompiledRule[] = ruleSet.rules.map((rule, index) => ({
    rule,
    index,
    terms: internLists(rule.terms) ?? { zh: [], en: [] },
    patterns: rule.patterns.map((p) => ({
      ...compileRegex(p.regex, "g" + (p.flags ?? "").replace(/[gu]/g, "") + "u"),
      // Keywords are written in either script; they gate on the normalized text.
      gate: internLists({ zh: p.keywords }) ?? { zh: [], en: [] },
      window: p.window ?? null,
    })),
    require: internLists(rule.context.require),
    boost: internLists(rule.context.boost),
    suppress: internLists(rule.context.suppress),
    exclude: internLists(rule.exclude),
  }));

  const zhTermRules: number[][] = zhTerms.map(() => []);
  const enTermRules: number[][] = enTerms.map(() => []);
  for (const c of rules) {
    for (const id of c.terms.zh) zhTermRules[id]!.push(c.index);
    for (const id of c.terms.en) enTermRules[id]!.push(c.index);
  }

  // Multi-character Chinese terms become user words; Latin ones are not segmenter business.
  const userWords = zhTerms.filter((t) => t.length >= 2 && !LATIN_EDGE.test(t));

  return {
    ruleSet,
    rules,
    zhTerms,
    enTerms,
    zhAutomaton: createAhoCorasick(zhTerms),
    enAutomaton: createAhoCorasick(enTerms),
    zhTermRules,
    enTermRules,
    userWords,
    patternRules: rules.filter((r) => r.patterns.length > 0 && r.rule.kind !== "negation" && r.rule.kind !== "zone"),
    scopeRules: rules.filter((r) => r.rule.kind === "negation" || r.rule.kind === "zone"),
  };
}
