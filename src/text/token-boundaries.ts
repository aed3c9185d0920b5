// "Does [start, end) begin and end on token boundaries?" answered by segmenting only the
// sentence around the span, once per sentence.
//
// jieba cuts each block of Han/alphanumeric characters on its own (it splits the input on
// everything else before building its DAG), so a sentence cut at 。！？；\r\n gives exactly the
// tokens a whole-document cut gives there (for spans without a delimiter, which rule terms never hold). Segmenting only the sentences where a token-boundary
// rule has a candidate keeps the engine's cost in proportion to the evidence, not the document.
import type { Segmenter } from "./segmenter.js";

const SENTENCE_END = new Set(["。", "！", "？", "；", "!", "?", ";", "\n", "\r"]);

export type TokenSpanTest = (start: number, end: number) => boolean;

export function createTokenBoundaries(text: string, segmenter: Segmenter): TokenSpanTest {
  const starts = new Uint8Array(text.length + 1);
  const ends = new Uint8Array(text.length + 1);
  /** Sentence starts already segmented. */
  const done = new Set<number>();
  /** For each position, where its sentence starts (filled in one pass on first use). */
  let sentenceStart: Int32Array | undefined;
  const startOf = (at: number): number => {
    if (!sentenceStart) {
      sentenceStart = new Int32Array(text.length + 1);
      let a = 0;
      for (let i = 0; i <= text.length; i++) {
        sentenceStart[i] = a;
        if (i < text.length && SENTENCE_END.has(text[i]!)) a = i + 1;
      }
    }
    return sentenceStart[at]!;
  };
  const segmentAround = (at: number): void => {
    const a = startOf(at);
    if (done.has(a)) return;
    done.add(a);
    let b = at;
    while (b < text.length && !SENTENCE_END.has(text[b]!)) b++;
    for (const t of segmenter.segment(text.slice(a, b))) {
      starts[a + t.start] = 1;
      ends[a + t.end] = 1;
    }
  };
  return (start, end) => {
    segmentAround(start);
    // A span may cross a sentence end only if it contains the delimiter; its end sentence too.
    if (end - 1 > start) segmentAround(end - 1);
    return starts[start] === 1 && ends[end] === 1;
  };
}
