// Sentence edges of a text, found once per document with one native regex pass; lookups are a
// binary search. Token-boundary checks and rule regexes both work sentence by sentence.

const DELIMITER_CHARS = "。！？；!?;\n\r";
const DELIMITER = new RegExp(`[${DELIMITER_CHARS}]`, "g");

/** Whether the character ends a sentence. */
export function isSentenceDelimiter(code: number): boolean {
  return DELIMITER_CHARS.includes(String.fromCharCode(code));
}

export interface Sentences {
  /** Start of the sentence holding position `at` (just after the previous delimiter). */
  startOf(at: number): number;
  /** End of the sentence holding position `at`: just after its delimiter, or the text's end. */
  endOf(at: number): number;
}

export function indexSentences(text: string): Sentences {
  const delims: number[] = [];
  DELIMITER.lastIndex = 0;
  for (let m = DELIMITER.exec(text); m !== null; m = DELIMITER.exec(text)) delims.push(m.index);
  /** Index of the first delimiter at or after `at` (delims.length if none). */
  const firstAtOrAfter = (at: number): number => {
    let lo = 0;
    let hi = delims.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (delims[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    startOf(at) {
      const i = firstAtOrAfter(at);
      return i === 0 ? 0 : delims[i - 1]! + 1;
    },
    endOf(at) {
      const i = firstAtOrAfter(at);
      return i === delims.length ? text.length : delims[i]! + 1;
    },
  };
}
