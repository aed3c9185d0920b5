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
