// Rule packs as written in rules/*.yaml (see rules/README.md), and as loaded.
import type { RuleKind } from "../types.js";
import type { Calibration } from "./calibration.js";

export interface TermLists {
  zh?: string[];
  en?: string[];
}

export interface PatternSpec {
  regex: string;
  /** Gate: the regex runs only when one of these terms occurs in the text. */
  keywords: string[];
  flags?: string;
  /** Run the regex only within this many characters of a keyword hit, not over the whole text. */
  window?: number;
}

export interface ContextSpec {
  window?: number;
  /** "sentence": `suppress` terms anywhere in the match's sentence suppress it (not only within the window). */
  suppressIn?: "window" | "sentence";
  require?: TermLists;
  boost?: TermLists;
  suppress?: TermLists;
}

export interface RuleSpec {
  id: string;
  kind?: RuleKind | "identifier";
  target?: string;
  description?: string;
  weight?: number;
  terms?: TermLists;
  boundary?: "token" | "substring";
  patterns?: PatternSpec[];
  context?: ContextSpec;
  exclude?: TermLists;
  detector?: string;
  scope?: number;
  until?: "sentence" | "full-stop" | "line" | "paragraph" | "match";
  /** party rules: how far a cue reaches back to, or forward to, the mention it places. */
  reach?: { before?: number; after?: number };
  /** industry rules: the words name a channel the data passed through (微信, QQ, App), not a holder. */
  channel?: boolean;
  /** The rule's findings count only where criminal proceedings are in view (rules/proceedings.yaml). */
  proceedings?: "criminal";
  /** source rules: the phrase runs back from the term over at most `back` characters, to the nearest of `stop`. */
  extend?: { back: number; stop: string };
  /** party and source rules: matches are looked up where the leak chain asks, not listed (detect/markers.ts). */
  marker?: boolean;
  /** A suggestive cue: alone (one hint rule and nothing else) it never makes its dimension found. */
  hint?: boolean;
  /** Evidence against the target: the dimension's score is multiplied by (1 − weight/100). */
  counter?: boolean;
  /** zone rules: a finding inside the zone with one of these terms in its clause is not negated. */
  spare?: TermLists;
  /** zone rules: the zone ends after the first of these past its cue (unless a colon follows it: then it announces what follows). */
  close?: TermLists;
  examples?: { match?: string[]; noMatch?: string[] };
}

export interface DimensionSpec {
  id: string;
  label?: { zh?: string; en?: string };
  key?: boolean;
  tier?: "A" | "B" | "C";
  sensitive?: boolean;
  article?: string;
  charges?: string[];
  parent?: string;
  province?: string;
  /** flow dimensions: which way the data moves (out, in, hold, exchange) or "object" for data nouns. */
  direction?: "out" | "in" | "hold" | "exchange" | "object";
  /** access dimensions: the phrase names an insider without a role word. */
  standalone?: boolean;
}

export interface PackSpec {
  kind: RuleKind | "identifier";
  description?: string;
  dimensions?: DimensionSpec[];
  rules: RuleSpec[];
}

export type LoadedKind = RuleKind | "identifier";

/** A rule after loading: kind resolved, defaults applied, source file remembered. */
export interface Rule {
  id: string;
  kind: LoadedKind;
  target: string;
  weight: number;
  terms: { zh: string[]; en: string[] };
  boundary: "token" | "substring";
  patterns: PatternSpec[];
  context: { window: number; suppressIn: "window" | "sentence"; require: TermLists | null; boost: TermLists | null; suppress: TermLists | null };
  exclude: TermLists | null;
  detector: string | null;
  scope: number;
  until: "sentence" | "full-stop" | "line" | "paragraph" | "match";
  /** -1 when the cue does not reach that way. */
  reach: { before: number; after: number };
  channel: boolean;
  proceedings: "criminal" | null;
  extend: { back: number; stop: string } | null;
  marker: boolean;
  hint: boolean;
  counter: boolean;
  spare: TermLists | null;
  close: TermLists | null;
  examples: { match: string[]; noMatch: string[] };
  file: string;
}

export interface Dimension extends DimensionSpec {
  kind: LoadedKind;
  file: string;
}

/** Every term's normalized (zh) and stemmed (en) form, computed at build time for the bundled packs. */
export interface TermForms {
  zh: Record<string, string>;
  en: Record<string, string[]>;
}

export interface RuleSet {
  termForms?: TermForms;
  /** Decision thresholds and confidence curves (rules/calibration.json), when the rule folders carry them. */
  calibration?: Calibration;
  rules: Rule[];
  /** kind -> dimension id -> dimension */
  dimensions: Map<LoadedKind, Map<string, Dimension>>;
  files: string[];
}
