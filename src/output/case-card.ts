// A top-scoring case as the report shows it: its flags and its strongest evidence in context.
// Built in the scan thread that holds the text (only for cases that may enter the top-K), so the main
// thread never keeps document texts around for the report.
import { formatLeakLine } from "../score/leaks.js";
import { maskName, maskNameInPlace } from "../text/names.js";
import type { CaseMeta, CaseResult, Finding, Review, Severity } from "../types.js";

export interface SnippetPart {
  text: string;
  /** Present when this part is a finding: its rule and kind. */
  ruleId?: string;
  kind?: string;
}

export interface Snippet {
  /** Offsets of the snippet in the original text (for "where in the document"). */
  start: number;
  end: number;
  parts: SnippetPart[];
}

export interface CaseCard {
  id: string;
  source: string;
  /** 案号, court, date… as the result has them (defendants masked unless --no-mask). */
  case?: CaseMeta;
  /** Found dimension ids, for the report's filters and labels (labels are resolved when it is rendered). */
  crimes?: string[];
  infoTypes?: string[];
  industries?: string[];
  groups?: string[];
  regions?: string[];
  /** The review decision and what it suppressed (a false positive keeps a card, listed apart). */
  review?: Review;
  /** The whole text, masked as the snippets are, for a document short enough to carry (expand to full context). */
  fullText?: string;
  score: number;
  severity: Severity;
  severityReason: string | null;
  /** confidence: 0..1, absent on cards of lines written by schema 2 (no such lines are resumed). */
  flags: { id: string; reason: string; confidence?: number }[];
  /** What was found, with confidence ("fraud 0.94"); the signals are not on a card. */
  found: string[];
  /** The leak chains, one line each (formatLeakLine), strongest first. */
  leaks: string[];
  snippets: Snippet[];
  /** false when built from a result line alone (resumed output): evidence without its context. */
  inContext: boolean;
}

export interface CardOptions {
  /** Characters of context either side of a finding. Default 40. */
  context?: number;
  /** Snippets per case. Default 6. */
  maxSnippets?: number;
  /** Applied to context text (not to findings, whose quotes come redacted). */
  maskText?: (s: string) => string;
  /**
   * Mask the defendants' names (as the result's case metadata found them) wherever the card quotes
   * the text: context, findings' quotes, the full text. On unless --no-mask.
   */
  maskNames?: boolean;
  /** Documents up to this many characters carry their whole (masked) text. Default 8,000; 0: never. */
  fullTextMax?: number;
}

const MAX_SEEDS = 12;
/** Leak lines a card shows. */
const MAX_LEAK_LINES = 3;

export function buildCaseCard(result: CaseResult, text: string | undefined, opts: CardOptions = {}): CaseCard {
  const names = text !== undefined && opts.maskNames ? nameMasker(result, text) : (s: string) => s;
  const maskText = opts.maskText ?? ((s: string) => s);
  const hide = (s: string): string => names(maskText(s));
  opts = { ...opts, maskText: hide };
  const card: CaseCard = {
    id: result.id,
    source: result.source,
    ...(result.case ? { case: result.case } : {}),
    crimes: result.crimes.map((d) => d.id),
    infoTypes: result.infoTypes.map((d) => d.id),
    industries: result.industries.map((d) => d.id),
    groups: result.groups.map((d) => d.id),
    regions: result.regions.map((d) => d.id),
    ...(result.review ? { review: result.review } : {}),
    score: result.score,
    severity: result.severity,
    severityReason: result.severityBasis?.reason ?? null,
    flags: result.flags.map((f) => ({ id: f.id, reason: f.reason, confidence: f.confidence })),
    found: [...result.crimes, ...result.industries, ...result.groups].map((d) => `${d.id} ${d.confidence.toFixed(2)}`),
    leaks: result.leaks.slice(0, MAX_LEAK_LINES).map(formatLeakLine),
    snippets: [],
    inContext: text !== undefined,
  };
  const evidence = result.findings.filter((f) => !f.negated && f.weight > 0 && f.end > f.start);
  if (text === undefined) {
    card.snippets = strongest(evidence)
      .slice(0, opts.maxSnippets ?? 6)
      .map((f) => ({ start: f.start, end: f.end, parts: [mark(f, f.match)] }));
    return card;
  }
  card.snippets = snippetsInContext(text, evidence, opts).map((sn) => ({ ...sn, parts: sn.parts.map((p) => (p.ruleId ? { ...p, text: names(p.text) } : p)) }));
  if (text.length <= (opts.fullTextMax ?? 8_000)) card.fullText = hide(text);
  return card;
}

/**
 * Replaces every occurrence of a defendant's name, as the text writes it (cut at the offsets the
 * case metadata found), with the masked name (surname + 某). Names already masked (张某, 李×1) stay.
 */
function nameMasker(result: CaseResult, text: string): (s: string) => string {
  const raw = [...new Set((result.case?.defendants ?? []).map((d) => text.slice(d.start, d.end)))].filter((n) => n.length >= 2 && maskName(n) !== n);
  if (raw.length === 0) return (s) => s;
  raw.sort((a, b) => b.length - a.length);
  const re = new RegExp(raw.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gu");
  return (s) => s.replace(re, (n) => maskNameInPlace(n));
}

function strongest(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => b.weight - a.weight || a.start - b.start);
}

/** The strongest finding of each kind first (so a card shows every kind of evidence), then the rest by weight. */
function seedsOf(findings: Finding[]): Finding[] {
  const byWeight = strongest(findings);
  const firsts: Finding[] = [];
  const kinds = new Set<string>();
  for (const f of byWeight) {
    if (kinds.has(f.kind)) continue;
    kinds.add(f.kind);
    firsts.push(f);
  }
  return [...firsts, ...byWeight.filter((f) => !firsts.includes(f))];
}

function snippetsInContext(text: string, evidence: Finding[], opts: CardOptions): Snippet[] {
  const ctx = opts.context ?? 40;
  const maskText = opts.maskText ?? ((s: string) => s);
  const windows = seedsOf(evidence)
    .slice(0, MAX_SEEDS)
    .map((f, rank) => ({
      start: safeCut(text, Math.max(0, f.start - ctx)),
      end: safeCut(text, Math.min(text.length, f.end + ctx)),
      rank,
    }))
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number; rank: number }[] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && w.start <= last.end) {
      last.end = Math.max(last.end, w.end);
      last.rank = Math.min(last.rank, w.rank);
    } else merged.push({ ...w });
  }
  // Keep the windows of the best-ranked seeds, then show them in document order.
  const kept = [...merged]
    .sort((a, b) => a.rank - b.rank)
    .slice(0, opts.maxSnippets ?? 6)
    .sort((a, b) => a.start - b.start);
  const byStart = [...evidence].sort((a, b) => a.start - b.start || b.end - a.end);
  return kept.map((w) => {
    const parts: SnippetPart[] = [];
    let pos = w.start;
    for (const f of byStart) {
      if (f.start < pos || f.end > w.end) continue; // overlapping or outside: the first one wins
      if (f.start > pos) parts.push({ text: maskText(text.slice(pos, f.start)) });
      // The finding's own quote: identifiers inside it are masked there (a slice of the text is not).
      parts.push(mark(f, f.match));
      pos = f.end;
    }
    if (pos < w.end) parts.push({ text: maskText(text.slice(pos, w.end)) });
    return { start: w.start, end: w.end, parts };
  });
}

function mark(f: Finding, text: string): SnippetPart {
  return { text, ruleId: f.ruleId, kind: f.kind };
}

/** Never cut a surrogate pair in half. */
function safeCut(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return i > 0 && i < text.length && c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
}
