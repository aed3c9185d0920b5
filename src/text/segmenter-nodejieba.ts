// nodejieba (C++ cppjieba). Its dictionary is PROCESS-GLOBAL (strictly: one per thread, since the addon
// keeps one cppjieba instance per Node environment): every NodejiebaSegmenter in a thread shares it, so
// words added through one are seen by all and can never be removed, and each worker thread pays the
// ~3 s dictionary load again. Prefer node-rs when engines with different rule packs share a process.

import { createRequire } from "node:module";
import type { Segmenter, Token } from "./segmenter.js";
import { BlockBreaks, NODEJIEBA_BLOCK_BREAKS, prepareWords, tokensFromWords } from "./segmenter.js";
import { UserWords } from "./user-words.js";

interface NodejiebaModule {
  load(options?: Record<string, string>): void;
  /** Second argument is "use HMM": without it ASCII runs come back one character at a time. */
  cut(sentence: string, hmm?: boolean): string[];
  /** Inserted at cppjieba's median word weight; the binding offers no frequency. */
  insertWord(word: string, tag?: string): boolean;
}

const require = createRequire(import.meta.url);
let nodejieba: NodejiebaModule | undefined;
/** Shared like the dictionary itself, so every instance merges every word added through any of them. */
const sharedUserWords = new UserWords();
const sharedBreaks = new BlockBreaks(NODEJIEBA_BLOCK_BREAKS);

function loadNodejieba(): NodejiebaModule {
  if (nodejieba === undefined) {
    const mod = require("nodejieba") as NodejiebaModule;
    mod.load();
    nodejieba = mod;
  }
  return nodejieba;
}

export class NodejiebaSegmenter implements Segmenter {
  readonly name = "nodejieba";
  private readonly jieba: NodejiebaModule;

  constructor() {
    this.jieba = loadNodejieba();
  }

  addWords(words: string[]): void {
    const prepared = prepareWords(words).filter((w) => w.length >= 2);
    // insertWord on a word the dictionary already has LOWERS its weight to the median (人民医院 then
    // comes out as 人/民医院 after inserting 医院): only words the dictionary alone splits are inserted.
    for (const w of prepared) if (this.jieba.cut(w, false).length > 1) this.jieba.insertWord(w);
    sharedUserWords.add(prepared);
    sharedBreaks.exclude(prepared);
  }

  isBlockBreak(code: number): boolean {
    return sharedBreaks.has(code);
  }

  segment(text: string): Token[] {
    if (text.length === 0) return [];
    return sharedUserWords.merge(tokensFromWords(text, this.jieba.cut(text, true)));
  }
}
