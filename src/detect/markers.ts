// Markers: rules whose matches are looked up where something asks for them instead of being
// listed for every document (rules marked `marker: true`: the party cues, names and people words
// the leak chain places mentions with). Their terms are found by the one Aho–Corasick pass like
// every term; this only reads the hits of a window, and runs a marker's regex on the window asked
// about. Offsets are into the normalized text.
import type { CompiledRule, CompiledRules } from "../rules/compile.js";
import { covers, type HitIndex, type Span } from "./match.js";

export interface MarkerSpan extends Span {
  rule: CompiledRule;
}

export interface MarkerLookup {
  /** Matches of the marker rules with this target that start in [from, to), in text order. */
  find(target: string, from: number, to: number): MarkerSpan[];
  /** Every match of every marker rule (rule examples and debugging). */
  all(): MarkerSpan[];
}

/** A window longer than this is cut: a run-on text is not searched whole for a name. */
const MAX_WINDOW = 4_000;
/** Longer than any marker regex's match (a name with （化名）). */
const REGEX_MARGIN = 16;

export function createMarkerLookup(text: string, compiled: CompiledRules, hits: HitIndex): MarkerLookup {
  const byTarget = new Map<string, CompiledRule[]>();
  for (const r of compiled.markerRules) {
    const list = byTarget.get(r.rule.target);
    if (list) list.push(r);
    else byTarget.set(r.rule.target, [r]);
  }
  // Term hits of a target's rules, merged and sorted once, on first use.
  const termSpans = new Map<string, MarkerSpan[]>();
  const termsOf = (target: string): MarkerSpan[] => {
    let spans = termSpans.get(target);
    if (spans) return spans;
    spans = [];
    for (const rule of byTarget.get(target) ?? []) {
      // A cue inside a longer word the rule excludes (供 of 提供) is no cue.
      const kept = (s: Span): boolean => rule.exclude === null || !covers(hits, rule.exclude, s.start, s.end);
      for (const id of rule.terms.zh) for (const s of hits.zh.get(id) ?? []) if (kept(s)) spans.push({ start: s.start, end: s.end, rule });
      for (const id of rule.terms.en) for (const s of hits.en.get(id) ?? []) if (kept(s)) spans.push({ start: s.start, end: s.end, rule });
    }
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    termSpans.set(target, spans);
    return spans;
  };
  const regexIn = (target: string, from: number, to: number): MarkerSpan[] => {
    const out: MarkerSpan[] = [];
    const start = Math.max(0, from);
    const end = Math.min(text.length, to, start + MAX_WINDOW);
    if (end <= start) return out;
    const slice = text.slice(start, end);
    for (const rule of byTarget.get(target) ?? []) {
      for (const p of rule.patterns) {
        const re = p.regexFor(slice.length);
        re.lastIndex = 0;
        for (let m = re.exec(slice); m !== null; m = re.exec(slice)) {
          if (m[0].length === 0) re.lastIndex = m.index + 1;
          else out.push({ start: start + m.index, end: start + m.index + m[0].length, rule });
        }
      }
    }
    return out;
  };
  const find = (target: string, from: number, to: number): MarkerSpan[] => {
    const spans = termsOf(target);
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid]!.start < from) lo = mid + 1;
      else hi = mid;
    }
    const out: MarkerSpan[] = [];
    for (let i = lo; i < spans.length && spans[i]!.start < to; i++) out.push(spans[i]!);
    // A match starting in the window may run past it, and one found from a little before it may
    // start inside it: search a margin either side, keep what starts in the window.
    const found = regexIn(target, from - REGEX_MARGIN, to + REGEX_MARGIN).filter((m) => m.start >= from && m.start < to);
    return found.length === 0 ? out : [...out, ...found].sort((a, b) => a.start - b.start);
  };
  return {
    find,
    all() {
      const out: MarkerSpan[] = [];
      for (const target of byTarget.keys()) {
        for (let at = 0; at < text.length; at += MAX_WINDOW) out.push(...find(target, at, at + MAX_WINDOW));
      }
      return out.sort((a, b) => a.start - b.start);
    },
  };
}
