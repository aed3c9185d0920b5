// User words that jieba cut anyway get glued back together.
//
// Why: nodejieba's binding can only insert a word at cppjieba's median weight (frequency ~3), which loses
// to two frequent single characters: 内鬼 still comes out as 内/鬼, 后台 as 后/台. Any run of adjacent
// tokens that spells exactly a user word is merged here, for both adapters, so a keyword stays whole
// whenever the segmenter cut at the keyword's own edges. (It cannot help when a cut crosses the keyword's
// edge, e.g. 张/某个/人/信息 for 个人信息: that is the dictionary's job.)

import type { Token } from "./segmenter.js";

export class UserWords {
  private readonly words = new Set<string>();
  /** Every proper prefix of every word, so a merge attempt stops as soon as it cannot succeed. */
  private readonly prefixes = new Set<string>();

  get size(): number {
    return this.words.size;
  }

  add(words: Iterable<string>): void {
    for (const w of words) {
      if (w.length < 2 || this.words.has(w)) continue;
      this.words.add(w);
      for (let i = 1; i < w.length; i++) this.prefixes.add(w.slice(0, i));
    }
  }

  /** Merge runs of tokens that spell a user word (longest match first). Tokens must be contiguous. */
  merge(tokens: Token[]): Token[] {
    if (this.words.size === 0) return tokens;
    const out: Token[] = [];
    for (let i = 0; i < tokens.length; ) {
      const first = tokens[i]!;
      let acc = first.text;
      let best = -1;
      for (let j = i + 1; j < tokens.length && this.prefixes.has(acc); j++) {
        acc += tokens[j]!.text;
        if (this.words.has(acc)) best = j;
      }
      if (best < 0) {
        out.push(first);
        i++;
        continue;
      }
      const last = tokens[best]!;
      let text = "";
      for (let j = i; j <= best; j++) text += tokens[j]!.text;
      out.push({ start: first.start, end: last.end, text });
      i = best + 1;
    }
    return out;
  }
}
