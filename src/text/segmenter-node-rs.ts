// @node-rs/jieba (Rust jieba-rs through N-API). Each instance owns its dictionary, so rule terms added to
// one engine never leak into another.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { Segmenter, Token } from "./segmenter.js";
import { BlockBreaks, NODE_RS_BLOCK_BREAKS, prepareWords, tokensFromWords } from "./segmenter.js";
import { UserWords } from "./user-words.js";

type JiebaModule = typeof import("@node-rs/jieba");
type Jieba = InstanceType<JiebaModule["Jieba"]>;

const require = createRequire(import.meta.url);

/**
 * Frequency given to user words. jieba-rs picks the most probable path by word frequency; at the
 * dictionary's median (3) short terms of common characters still lose (内/鬼, 后/台); from 100 up every
 * one of 34 domain terms stayed whole in four contexts each. 1000 (a common word; the dictionary's 90th
 * percentile is 106) leaves margin without letting a term swallow neighbours that jieba knows well.
 */
export const USER_WORD_FREQ = 1000;

let defaultDict: Buffer | undefined;

/** The packaged dictionary, read once per process (reading it ourselves skips the idf file `@node-rs/jieba/dict` also loads). */
function loadDefaultDict(): Buffer {
  defaultDict ??= readFileSync(require.resolve("@node-rs/jieba/dict.txt"));
  return defaultDict;
}

export class NodeRsSegmenter implements Segmenter {
  readonly name = "node-rs";
  private readonly jieba: Jieba;
  private readonly userWords = new UserWords();
  private readonly breaks = new BlockBreaks(NODE_RS_BLOCK_BREAKS);

  constructor() {
    const { Jieba } = require("@node-rs/jieba") as JiebaModule;
    this.jieba = Jieba.withDict(loadDefaultDict());
  }

  addWords(words: string[]): void {
    const prepared = prepareWords(words).filter((w) => w.length >= 2);
    // Loading a word the dictionary already has REPLACES its frequency (医院 7376 -> 1000), which can
    // break text around it; a word the dictionary alone already keeps whole is left as it is.
    const fresh = prepared.filter((w) => this.jieba.cut(w, false).length > 1);
    if (fresh.length > 0) {
      this.jieba.loadDict(Buffer.from(fresh.map((w) => `${w} ${USER_WORD_FREQ}`).join("\n") + "\n"));
    }
    this.userWords.add(prepared);
    this.breaks.exclude(prepared);
  }

  isBlockBreak(code: number): boolean {
    return this.breaks.has(code);
  }

  segment(text: string): Token[] {
    if (text.length === 0) return [];
    return this.userWords.merge(tokensFromWords(text, this.jieba.cut(text, true)));
  }
}
