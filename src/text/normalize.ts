// Normalization with an exact map back to the original text.
//
// What it does to the text: NFKC (fullwidth digits, letters and punctuation to ASCII, ligatures and
// squared/parenthesized forms expanded, compatibility ideographs unified), lowercasing (English matching is
// case-insensitive), and traditional -> simplified Chinese for documents that are mostly traditional.
//
// How offsets survive: the original is walked once, a "cluster" at a time (a code point plus any
// combining marks that NFKC could compose onto it). A cluster that normalizes to a string of the same
// length maps unit by unit; one that changes length ("㈱" -> "(株)", "ﬁ" -> "fi", "e\u0301" -> "é",
// "…" -> "...") or spans several units is recorded as a change. Documents without such changes (all
// but 30 of the 5,067 CAIL facts) need no map at all; the others carry a short sorted list searched by
// bisection.
// Traditional -> simplified never changes length (see traditional.ts), so it never touches the map.

import { TRADITIONAL_ONLY, TRADITIONAL_RATIO, toSimplifiedSameLength } from "./traditional.js";

export interface NormalizedText {
  /** NFKC, lowercased, traditional Chinese converted to simplified when the document is mostly traditional. */
  text: string;
  original: string;
  /**
   * Offset in the original of normalized offset i (0..text.length). Use it for span starts: a position
   * inside an expansion (the "株" of "㈱" -> "(株)") maps to the start of the source character.
   * At cluster boundaries it equals toOriginalEnd(i); toOriginal(text.length) === original.length.
   */
  toOriginal(i: number): number;
  /** Offset in the original for a span END at normalized offset i: a position inside an expansion maps to the END of the source character. */
  toOriginalEnd(i: number): number;
  /** Both ends of a normalized span [start, end) in the original; never empty unless the span is. */
  spanToOriginal(start: number, end: number): { start: number; end: number };
  /** true when traditional -> simplified conversion was applied. */
  traditional: boolean;
}

// Per-BMP-code-unit flags, filled lazily on first sight (so loading costs nothing).
const KNOWN = 1;
const CHANGE = 2; // NFKC + lowercase differs
const ATTACH = 4; // may compose with the preceding code point under NFKC
const TRAD = 8; // traditional-only Han character
const HAN = 16;
const SURROGATE = 32;
const SLOW = CHANGE | ATTACH | SURROGATE;

const FLAGS = new Uint8Array(0x10000);
const BMP_REPLACEMENT = new Map<number, string>();
const ASTRAL = new Map<number, { out: string | null; attach: boolean }>();

// A code point "attaches" when NFKC may compose it with what precedes it: combining marks, Hangul medial
// and final jamo (and compatibility forms that decompose to them), halfwidth kana voicing marks (U+FF9E).
const ATTACHES = /^[\p{M}\u1160-\u11FF\uD7B0-\uD7FF]/u;

function foldOne(ch: string): string {
  return ch.normalize("NFKC").toLowerCase();
}

function attaches(ch: string): boolean {
  return ATTACHES.test(ch) || ATTACHES.test(ch.normalize("NFKC"));
}

function classify(c: number): number {
  if (c >= 0xd800 && c <= 0xdfff) return (FLAGS[c] = KNOWN | SURROGATE);
  const ch = String.fromCharCode(c);
  let f = KNOWN;
  const out = foldOne(ch);
  if (out !== ch) {
    f |= CHANGE;
    BMP_REPLACEMENT.set(c, out);
  }
  if (attaches(ch)) f |= ATTACH;
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) f |= HAN;
  if (TRADITIONAL_ONLY.has(ch)) f |= TRAD;
  return (FLAGS[c] = f);
}

function astral(cp: number): { out: string | null; attach: boolean } {
  let info = ASTRAL.get(cp);
  if (info === undefined) {
    const ch = String.fromCodePoint(cp);
    const out = foldOne(ch);
    info = { out: out === ch ? null : out, attach: attaches(ch) };
    ASTRAL.set(cp, info);
  }
  return info;
}

/** Length in UTF-16 units of the code point at i (a lone surrogate counts as one). */
function cpLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

function isAttacherAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  let f = FLAGS[c]!;
  if (f === 0) f = classify(c);
  if ((f & SURROGATE) === 0) return (f & ATTACH) !== 0;
  return cpLength(s, i) === 2 && astral(s.codePointAt(i)!).attach;
}

export function normalize(original: string): NormalizedText {
  const s = original;
  const n = s.length;
  const pieces: string[] = [];
  let copyFrom = 0; // start of the run of original text still to be copied verbatim
  let outBase = 0; // output length before copyFrom
  // Changed clusters that do not map unit by unit, in order: output start/length, original start/length.
  const outStart: number[] = [];
  const outLen: number[] = [];
  const origStart: number[] = [];
  const origLen: number[] = [];
  let han = 0;
  let trad = 0;
  let prev = -1; // start of the previous code point (a possible base for a following combining mark)

  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    let f = FLAGS[c]!;
    if (f === 0) f = classify(c);
    if ((f & SLOW) === 0) {
      if ((f & HAN) !== 0) {
        han++;
        if ((f & TRAD) !== 0) trad++;
      }
      prev = i++;
      continue;
    }

    // A combining mark whose base is still in the verbatim run joins the base's cluster.
    const start = (f & ATTACH) !== 0 && prev >= copyFrom ? prev : i;
    let end = start + cpLength(s, start);
    while (end < n && isAttacherAt(s, end)) end += cpLength(s, end);

    let out: string;
    if (end - start === 1) {
      const c0 = s.charCodeAt(start);
      out = BMP_REPLACEMENT.get(c0) ?? s[start]!;
      if ((FLAGS[c0]! & HAN) !== 0) han++;
    } else if (end - start === 2 && cpLength(s, start) === 2) {
      out = astral(s.codePointAt(start)!).out ?? s.slice(start, end);
    } else {
      out = foldOne(s.slice(start, end));
    }

    const srcLen = end - start;
    if (out.length !== srcLen || out !== s.slice(start, end)) {
      if (start > copyFrom) pieces.push(s.slice(copyFrom, start));
      outBase += start - copyFrom;
      // Same-length output maps unit by unit only for a single unit: a multi-unit cluster may have
      // been reordered (canonical ordering of combining marks), so its inside maps to its edges.
      if (srcLen > 1 || out.length !== srcLen) {
        outStart.push(outBase);
        outLen.push(out.length);
        origStart.push(start);
        origLen.push(srcLen);
      }
      pieces.push(out);
      outBase += out.length;
      copyFrom = end;
    }
    prev = start;
    i = end;
  }

  let text: string;
  if (pieces.length === 0) {
    text = s;
  } else {
    if (copyFrom < n) pieces.push(s.slice(copyFrom));
    text = pieces.join("");
  }

  const traditional = trad > 0 && trad >= TRADITIONAL_RATIO * han;
  if (traditional) text = toSimplifiedSameLength(text);

  return createOffsetMap(text, original, traditional, outStart, outLen, origStart, origLen);
}

function createOffsetMap(
  text: string,
  original: string,
  traditional: boolean,
  outStart: number[],
  outLen: number[],
  origStart: number[],
  origLen: number[],
): NormalizedText {
  const k = outStart.length;
  const len = text.length;
  const clamp = (i: number): number => (i < 0 ? 0 : i > len ? len : i);

  /** Index of the last change whose output start is <= i (or < i when strict), -1 if none. */
  const lastChange = (i: number, strict: boolean): number => {
    let lo = 0;
    let hi = k - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const st = outStart[mid]!;
      if (st < i || (!strict && st === i)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };

  const shifted = (r: number, i: number): number =>
    r < 0 ? i : i - (outStart[r]! + outLen[r]!) + (origStart[r]! + origLen[r]!);

  const toOriginal = (pos: number): number => {
    const i = clamp(pos);
    if (k === 0) return i;
    const r = lastChange(i, false);
    if (r >= 0 && i < outStart[r]! + outLen[r]!) return origStart[r]!;
    return shifted(r, i);
  };

  const toOriginalEnd = (pos: number): number => {
    const i = clamp(pos);
    if (k === 0) return i;
    const r = lastChange(i, true);
    if (r >= 0 && i <= outStart[r]! + outLen[r]!) return origStart[r]! + origLen[r]!;
    return shifted(r, i);
  };

  return {
    text,
    original,
    traditional,
    toOriginal,
    toOriginalEnd,
    spanToOriginal(start: number, end: number) {
      if (end <= start) {
        const at = toOriginal(start);
        return { start: at, end: at };
      }
      return { start: toOriginal(start), end: toOriginalEnd(end) };
    },
  };
}
