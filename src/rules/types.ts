// Rule packs as written in rules/*.yaml (see rules/README.md), and as loaded.
import type { RuleKind } from "../types.js";

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
  until?: "sentence" | "line" | "paragraph" | "match";
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
  context: { window: number; require: TermLists | null; boost: TermLists | null; suppress: TermLists | null };
  exclude: TermLists | null;
  detector: string | null;
  scope: number;
  until: "sentence" | "line" | "paragraph" | "match";
  /** -1 when the cue does not reach that way. */
  reach: { before: number; after: number };
  channel: boolean;
  proceedings: "criminal" | null;
  extend: { back: number; stop: string } | null;
  marker: boolean;
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
  rules: Rule[];
  /** kind -> dimension id -> dimension */
  dimensions: Map<LoadedKind, Map<string, Dimension>>;
  files: string[];
}
