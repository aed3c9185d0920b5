// Where counts and amounts can be: maximal runs of numeral characters (digits, Chinese numerals,
// "," "." 余 多 数), found with one pass over the text's character codes and shared by the money,
// volume and victim extractors.
//
// Why: their regexes begin with a numeral, and a regex that does cannot be searched for quickly:
// V8 tries every position of the text, and over the CAIL facts those scans cost more than the
// Aho–Corasick pass over all rule terms. Every match of those regexes lies in one run plus what
// follows it (a unit: 元, 条, 名…), so trying the regex, sticky, only at runs followed by their unit
// finds exactly the matches a scan of the whole text finds.
import { CN_NUMERAL_CHARS } from "./numbers.js";

const RUN_CHAR = new Uint8Array(65536);
// 数 too: "数万条" (several ten thousand) is a count.
for (const ch of `0123456789,.${CN_NUMERAL_CHARS}余多数`) RUN_CHAR[ch.charCodeAt(0)] = 1;

let lastText: string | undefined;
let lastRuns: number[] = [];

/**
 * [start, end) pairs, flattened, of the maximal runs of numeral characters. The three extractors
 * call this for the same document one after another: the last text's runs are kept.
 */
export function numeralRuns(text: string): readonly number[] {
  if (text === lastText) return lastRuns;
  const out: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (RUN_CHAR[text.charCodeAt(i)] === 1) {
      const s = i;
      i++;
      while (i < n && RUN_CHAR[text.charCodeAt(i)] === 1) i++;
      out.push(s, i);
    } else i++;
  }
  lastText = text;
  lastRuns = out;
  return out;
}

/**
 * The matches a global scan with `sticky` (flag "y") would find, in order, when every match starts
 * inside a numeral run and its numeral part ends that run: `unitAt(text, runEnd)` says whether the
 * run is followed by what the regex needs next (without it no match can end the run). Within a
 * run, positions are tried left to right and the first match is the leftmost, as in a scan.
 */
export function numeralMatches(
  text: string,
  sticky: RegExp,
  unitAt: (text: string, runEnd: number) => boolean,
): RegExpExecArray[] {
  if (!sticky.sticky) throw new Error(`numeralMatches needs a sticky regex: ${String(sticky)}`);
  const runs = numeralRuns(text);
  // An array, not a generator: an iterator result per match cost more than the matches.
  const out: RegExpExecArray[] = [];
  let scannedTo = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const s = runs[r]!;
    const e = runs[r + 1]!;
    if (e <= scannedTo || !unitAt(text, e)) continue;
    for (let q = Math.max(s, scannedTo); q < e; q++) {
      sticky.lastIndex = q;
      const m = sticky.exec(text);
      if (m !== null && m[0].length > 0) {
        scannedTo = q + m[0].length;
        out.push(m);
        break;
      }
    }
  }
  return out;
}

const WHITESPACE = /\s/;

/** `unitAt` for "number, one optional whitespace, then one of `units`". */
export function unitAfterSpace(units: readonly string[]): (text: string, at: number) => boolean {
  return (text, at) => {
    const u = at < text.length && WHITESPACE.test(text[at]!) ? at + 1 : at;
    for (const unit of units) if (text.startsWith(unit, u)) return true;
    return false;
  };
}

/** `unitAt` for "number directly followed by one of `units`". */
export function unitRightAfter(units: readonly string[]): (text: string, at: number) => boolean {
  return (text, at) => {
    for (const unit of units) if (text.startsWith(unit, at)) return true;
    return false;
  };
}
