// Character n-grams of a normalized text, the raw material of phrase candidates (pure).
//
// Slang is cut into pieces by jieba (接|码, 社工|库), so candidates are taken from the characters
// themselves: every 2–6 character string inside a run of Han characters. A run ends at anything that
// is not a Han character, at a mask character (张某, 李×1) and inside an identifier. Whether such a
// string is a phrase is decided later from its neighbours across the corpus (phrase-counter.ts,
// rank.ts): a phrase is preceded and followed by many different characters (high branching entropy),
// a fragment of a longer word or a number pattern (元至 in 3000元至5000元) is not.

export const MIN_PHRASE = 2;
export const MAX_PHRASE = 6;

export interface Span {
  start: number;
  end: number;
}

const MASK_CODES = new Set([..."某×✕╳*＊※○〇◯"].map((c) => c.codePointAt(0)!));
const NUMERAL_CODES = new Set([..."零一二三四五六七八九十百千万亿两"].map((c) => c.codePointAt(0)!));

export function isHanCode(c: number): boolean {
  return c >= 0x4e00 && c <= 0x9fff && !MASK_CODES.has(c);
}

/** Runs of Han characters (offsets into `text`), broken at mask characters and inside `breaks` (sorted). */
export function hanRuns(text: string, breaks: readonly Span[] = []): Span[] {
  const runs: Span[] = [];
  let b = 0;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    while (b < breaks.length && breaks[b]!.end <= i) b++;
    const inBreak = b < breaks.length && breaks[b]!.start <= i && i < breaks[b]!.end;
    const han = i < text.length && !inBreak && isHanCode(text.charCodeAt(i));
    if (han && start < 0) start = i;
    else if (!han && start >= 0) {
      if (i - start >= MIN_PHRASE) runs.push({ start, end: i });
      start = -1;
    }
  }
  return runs;
}

/**
 * What stands next to a phrase, for branching entropy: a Han character as itself, any numeral (Arabic
 * or Chinese) as "0" and any Latin letter as "a" (so 元至, always after a number, has one left
 * neighbour), and null for everything else (punctuation, space, the text's edge): a hard boundary,
 * counted as a neighbour of its own each time.
 */
export function neighbourAt(text: string, i: number): string | null {
  if (i < 0 || i >= text.length) return null;
  const c = text.charCodeAt(i);
  if ((c >= 48 && c <= 57) || NUMERAL_CODES.has(c)) return "0";
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return "a";
  if (c >= 0x4e00 && c <= 0x9fff) return text[i]!;
  return null;
}

/**
 * neighbourAt as a number, for counting without making a string per occurrence: 0 for a hard
 * boundary, 1 for a numeral, 2 for a Latin letter, else the Han character's code.
 */
export function neighbourCode(text: string, i: number): number {
  if (i < 0 || i >= text.length) return 0;
  const c = text.charCodeAt(i);
  if ((c >= 48 && c <= 57) || NUMERAL_CODES.has(c)) return 1;
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return 2;
  if (c >= 0x4e00 && c <= 0x9fff) return c;
  return 0;
}

/**
 * Two 32-bit hashes of text[start, end): FNV-1a and a multiplicative mix (both incremental, see
 * forEachNgramHash), as signed integers: V8 keeps those unboxed (small integers), where a value
 * above 2^31 passed to a function is a heap number, and counting makes tens of millions of them.
 */
export function hashPair(text: string, start: number, end: number): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x85ebca6b);
    h2 ^= h2 >>> 13;
  }
  return [h1 | 0, h2 | 0];
}

/**
 * Calls `fn(h1, h2, start, end)` for every 2–6 character n-gram of the runs, hashing incrementally
 * (no strings are made). The hashes equal hashPair over the same span.
 */
export function forEachNgramHash(text: string, runs: readonly Span[], fn: (h1: number, h2: number, start: number, end: number) => void): void {
  for (const run of runs) {
    for (let i = run.start; i < run.end - 1; i++) {
      let h1 = 0x811c9dc5;
      let h2 = 0x9747b28c;
      const last = Math.min(run.end, i + MAX_PHRASE);
      for (let j = i; j < last; j++) {
        const c = text.charCodeAt(j);
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x85ebca6b);
        h2 ^= h2 >>> 13;
        if (j > i) fn(h1 | 0, h2 | 0, i, j + 1);
      }
    }
  }
}
