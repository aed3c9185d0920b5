// User words that jieba cut anyway get glued back together.
//
// Why: nodejieba's binding can only insert a word at cppjieba's median weight (frequency ~3), which loses
// to two frequent single characters: 内鬼 still comes out as 内/鬼, 后台 as 后/台. Any run of adjacent
// tokens that spells exactly a user word is merged here, for both adapters, so a keyword stays whole
// whenever the segmenter cut at the keyword's own edges. (It cannot help when a cut crosses the keyword's
// edge, e.g. 张/某个/人/信息 for 个人信息: that is the dictionary's job.)

import type { Token } from "./segmenter.js";

/** A character trie of the user words: one shape for every node. */
interface TrieNode {
  next: Map<number, TrieNode> | null;
  word: boolean;
}

export class UserWords {
  private readonly words = new Set<string>();
  /** Every proper prefix of every word, so a merge attempt stops as soon as it cannot succeed. */
  private readonly prefixes = new Set<string>();
  /** The same words by character: markMerged walks the text, never slicing it. */
  private readonly root: TrieNode = { next: null, word: false };

  get size(): number {
    return this.words.size;
  }

  add(words: Iterable<string>): void {
    for (const w of words) {
      if (w.length < 2 || this.words.has(w)) continue;
      this.words.add(w);
      for (let i = 1; i < w.length; i++) this.prefixes.add(w.slice(0, i));
      let node = this.root;
      for (let i = 0; i < w.length; i++) {
        node.next ??= new Map();
        const c = w.charCodeAt(i);
        let child = node.next.get(c);
        if (!child) {
          child = { next: null, word: false };
          node.next.set(c, child);
        }
        node = child;
      }
      node.word = true;
    }
  }

  /**
   * merge() on offsets: tokens are text[pos[i], pos[i + 1]) for i < n; marks where the merged tokens
   * start and end. Same rule as merge: from each token, the longest run of two or more tokens that
   * spells a user word, extended only while what it spells so far is a proper prefix of one.
   */
  markMerged(text: string, pos: Int32Array, n: number, starts: Uint8Array, ends: Uint8Array): void {
    const root = this.root;
    for (let i = 0; i < n; ) {
      let best = -1;
      if (root.next !== null) {
        let node: TrieNode | undefined = root;
        let c = pos[i]!;
        for (let j = i; j < n; j++) {
          const e = pos[j + 1]!;
          for (; c < e && node !== undefined; c++) node = node.next === null ? undefined : node.next.get(text.charCodeAt(c));
          if (node === undefined) break;
          if (j > i && node.word) best = j;
          // Extended only while a proper prefix: the node has children.
          if (node.next === null) break;
        }
      }
      const last = best < 0 ? i : best;
      starts[pos[i]!] = 1;
      ends[pos[last + 1]!] = 1;
      i = last + 1;
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
