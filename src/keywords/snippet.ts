// Example sentences for candidates: the sentence around an occurrence, cut down to the clauses
// around it when the sentence is long (CAIL facts are often one sentence of 500 characters).
// Pure: offsets into normalized text in, a span of the same text out.

const SENTENCE_END = /[。！？!?；;\n]/;
const CLAUSE_SEP = /[，,、：:]/;
const KEEP_TERMINATOR = /[。！？!?]/;

/** Longest example kept, in characters. */
export const MAX_SNIPPET = 100;

export function snippetSpan(text: string, start: number, end: number, max: number = MAX_SNIPPET): { start: number; end: number } {
  let s = start;
  while (s > 0 && !SENTENCE_END.test(text[s - 1]!)) s--;
  let e = end;
  while (e < text.length && !SENTENCE_END.test(text[e]!)) e++;
  if (e < text.length && KEEP_TERMINATOR.test(text[e]!)) e++;

  if (e - s > max) {
    let cs = start;
    while (cs > s && !CLAUSE_SEP.test(text[cs - 1]!)) cs--;
    let ce = end;
    while (ce < e && !CLAUSE_SEP.test(text[ce]!)) ce++;
    // Grow by whole clauses, after first (what happened next reads better than what came before).
    for (;;) {
      let grew = false;
      if (ce < e) {
        let next = ce + 1;
        while (next < e && !CLAUSE_SEP.test(text[next]!)) next++;
        if (next - cs <= max) {
          ce = next;
          grew = true;
        }
      }
      if (cs > s) {
        let prev = cs - 1;
        while (prev > s && !CLAUSE_SEP.test(text[prev - 1]!)) prev--;
        if (ce - prev <= max) {
          cs = prev;
          grew = true;
        }
      }
      if (!grew) break;
    }
    if (ce - cs > max) {
      const room = Math.max(0, Math.floor((max - (end - start)) / 2));
      cs = Math.max(cs, start - room);
      ce = Math.min(ce, end + room);
    }
    s = cs;
    e = ce;
  }
  while (s < start && /\s/.test(text[s]!)) s++;
  while (e > end && /\s/.test(text[e - 1]!)) e--;
  return { start: s, end: e };
}
