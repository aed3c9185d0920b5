// Chinese word segmentation behind one small interface, so the engine can be handed either jieba binding
// (or a tiny test segmenter) and tokens always carry offsets into the text they were cut from.

import { normalize } from "./normalize.js";

export interface Token {
  start: number;
  end: number;
  text: string;
}

export interface Segmenter {
  readonly name: string;
  /**
   * Add user-dictionary words (rule terms) so multi-character keywords come out as one token.
   * Words are normalized first (they must look like the normalized text); words with whitespace are skipped.
   */
  addWords(words: string[]): void;
  /** Tokens in order, covering the whole text: their texts concatenate to `text` (whitespace tokens included). */
  segment(text: string): Token[];
  /**
   * Whether the segmenter cuts its input at this character into blocks it segments independently
   * (jieba splits on everything outside its Han/alphanumeric class before building its DAG), so that
   * a block alone gets exactly the tokens the whole text gets there. Lets token-boundary checks
   * segment one clause instead of a whole sentence. Absent: no such guarantee.
   */
  isBlockBreak?(code: number): boolean;
  /**
   * The whole document, before its clauses are segmented: a segmenter that loads only what a
   * document needs (ScopedNodeRsSegmenter) loads it here once instead of clause by clause.
   */
  prepare?(text: string): void;
  /**
   * Segments text[from, to) and marks, in text offsets, where its tokens start (starts[i] = 1) and
   * end (ends[i] = 1): the tokens segment() gives, without building them. Token-boundary checks
   * need only these bits; a segmenter without it is asked for tokens instead.
   */
  markBoundaries?(text: string, from: number, to: number, starts: Uint8Array, ends: Uint8Array): void;
}

export type SegmenterKind = "node-rs" | "nodejieba";

/**
 * Turn the word list a jieba binding returns into offset tokens. Both bindings return words that
 * concatenate to the input; if one ever skipped characters, the skipped stretch becomes its own token so
 * coverage and offsets stay exact, and a word that cannot be found ends the walk with the rest as one token.
 */
export function tokensFromWords(text: string, words: readonly string[]): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (const w of words) {
    if (w.length === 0) continue;
    if (text.startsWith(w, pos)) {
      tokens.push({ start: pos, end: pos + w.length, text: w });
      pos += w.length;
      continue;
    }
    const at = text.indexOf(w, pos);
    if (at < 0) break;
    tokens.push({ start: pos, end: at, text: text.slice(pos, at) });
    tokens.push({ start: at, end: at + w.length, text: w });
    pos = at + w.length;
  }
  if (pos < text.length) tokens.push({ start: pos, end: text.length, text: text.slice(pos) });
  return tokens;
}

/** Normalized, de-duplicated dictionary words; empty and whitespace-containing words dropped. */
export function prepareWords(words: readonly string[]): string[] {
  const out = new Set<string>();
  for (const w of words) {
    const t = normalize(w.trim()).text;
    if (t.length > 0 && !/\s/.test(t)) out.add(t);
  }
  return [...out];
}

/**
 * Block-break characters of a segmenter, minus any character a user word contains: UserWords.merge
 * glues tokens back into user words, and a merge cannot happen across a block edge.
 */
export class BlockBreaks {
  /** One byte per UTF-16 code unit: asked for every character around a candidate, a lookup beats a Set. */
  private readonly codes = new Uint8Array(65536);
  private count = 0;

  constructor(chars: string) {
    for (const ch of chars) {
      const c = ch.charCodeAt(0);
      if (this.codes[c] === 0) this.count++;
      this.codes[c] = 1;
    }
  }

  exclude(words: readonly string[]): void {
    if (this.count === 0) return;
    for (const w of words) {
      for (let i = 0; i < w.length; i++) {
        const c = w.charCodeAt(i);
        if (this.codes[c] === 1) this.count--;
        this.codes[c] = 0;
      }
    }
  }

  has(code: number): boolean {
    return this.codes[code] === 1;
  }
}


/**
 * jieba-rs (node-rs) splits its input on every character outside [Han a-z A-Z 0-9 + # & . _ % -]
 * and segments each run alone; non-Han characters come out one per token (whitespace runs whole).
 * Listed here: the punctuation case facts use, ASCII after NFKC and CJK forms NFKC keeps.
 */
export const NODE_RS_BLOCK_BREAKS = " \t,:()[]<>/\\\"'|~!*=@^`{}，、：（）“”‘’《》〈〉【】〔〕「」『』…·—–";

/**
 * cppjieba (nodejieba) splits only at space, tab, newline, full-width comma and 。; in normalized text
 * the comma is ASCII, which cppjieba keeps inside the block, so only spaces and tabs are safe.
 */
export const NODEJIEBA_BLOCK_BREAKS = " \t，";
