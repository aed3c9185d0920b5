// "Does [start, end) begin and end on token boundaries?" answered by segmenting only the
// clause (or sentence) around the span, once per clause.
//
// jieba cuts each block of Han/alphanumeric characters on its own (it splits the input on
// everything else before building its DAG), so a sentence cut at 。！？；\r\n gives exactly the
// tokens a whole-document cut gives there (for spans without a delimiter, which rule terms never hold).
// The same holds for a clause between two of the segmenter's block breaks (Segmenter.isBlockBreak).
// Segmenting only the clauses where a token-boundary rule has a candidate keeps the engine's cost in
// proportion to the evidence, not the document.
import { UNLIMITED, type Budget } from "../budget.js";
import type { Segmenter } from "./segmenter.js";
import { indexSentences, isSentenceDelimiter, type Sentences } from "./sentences.js";

export type TokenSpanTest = (start: number, end: number) => boolean;

export function createTokenBoundaries(
  text: string,
  segmenter: Segmenter,
  sentences: Sentences = indexSentences(text),
  budget: Budget = UNLIMITED,
): TokenSpanTest {
  // Allocated on the first question (documents no token-boundary candidate reaches never pay).
  // Token starts, token ends, and positions already segmented (a candidate there costs nothing
  // more: no walk to its clause's edges).
  let starts: Uint8Array | undefined;
  let ends: Uint8Array | undefined;
  let covered: Uint8Array | undefined;
  /** Segmented stretches: start -> end. */
  const done = new Map<number, number>();
  const isBreak = segmenter.isBlockBreak?.bind(segmenter);
  // Bits straight from the cut's word lengths where the segmenter can: no token objects.
  const mark = segmenter.markBoundaries?.bind(segmenter);
  let prepared = false;
  const segmentAround = (at: number): void => {
    if (covered === undefined) {
      starts = new Uint8Array(text.length + 1);
      ends = new Uint8Array(text.length + 1);
      covered = new Uint8Array(text.length + 1);
    }
    if (covered[at] === 1) return;
    if (!prepared) {
      prepared = true;
      budget.offClock(() => segmenter.prepare?.(text));
    }
    let a = sentences.startOf(at);
    // The sentence without its delimiter: the delimiter is never inside a rule term.
    let b = sentences.endOf(at);
    if (b > a && b <= text.length && isSentenceDelimiter(text.charCodeAt(b - 1))) b--;
    // Narrowed to the segmenter's own block (a clause between commas) when it says it cuts there:
    // the same tokens for a fraction of the text. A candidate never starts on a break character;
    // if one did, the whole sentence is segmented as before.
    if (isBreak && at < b && !isBreak(text.charCodeAt(at))) {
      let i = at;
      while (i > a && !isBreak(text.charCodeAt(i - 1))) i--;
      let j = at + 1;
      while (j < b && !isBreak(text.charCodeAt(j))) j++;
      a = i;
      b = j;
    }
    if ((done.get(a) ?? -1) >= b) return;
    done.set(a, b);
    covered.fill(1, a, b);
    budget.check();
    if (mark) mark(text, a, b, starts!, ends!);
    else {
      for (const t of segmenter.segment(text.slice(a, b))) {
        starts![a + t.start] = 1;
        ends![a + t.end] = 1;
      }
    }
  };
  return (start, end) => {
    segmentAround(start);
    // A span may cross a sentence end only if it contains the delimiter; its end sentence too.
    if (end - 1 > start) segmentAround(end - 1);
    return starts![start] === 1 && ends![end] === 1;
  };
}
