// @node-rs/jieba (Rust jieba-rs through N-API). Each instance owns its dictionary, so rule terms added to
// one engine never leak into another.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { Segmenter, Token } from "./segmenter.js";
import { BlockBreaks, NODE_RS_BLOCK_BREAKS, prepareWords, tokensFromWords } from "./segmenter.js";
import type { JiebaIndex } from "./jieba-index.js";
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
      this.jieba.loadDict(userDict(fresh));
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

  markBoundaries(text: string, from: number, to: number, starts: Uint8Array, ends: Uint8Array): void {
    if (to <= from) return;
    markWordBoundaries(text, from, to, this.jieba.cut(text.slice(from, to), true), this.userWords, starts, ends);
  }
}

/**
 * A jieba that loads, for each document, only the dictionary entries occurring in it (see
 * jieba-index.ts): the same tokens as NodeRsSegmenter, without the ~150 ms dictionary load. For
 * `caseflag scan` of a few files; past SCOPED_BUDGET_MS of building (many files) or MAX_SCOPED_WORDS
 * entries it loads the whole dictionary once.
 */
export class ScopedNodeRsSegmenter implements Segmenter {
  readonly name = "node-rs";
  private readonly index: JiebaIndex;
  private readonly userWords = new UserWords();
  private readonly breaks = new BlockBreaks(NODE_RS_BLOCK_BREAKS);
  /** addWords calls in order: NodeRsSegmenter judges each batch with the earlier ones loaded. */
  private readonly batches: string[][] = [];
  /** Per batch, the words the full dictionary would split (so they are loaded as user words). */
  private fresh: string[][] | undefined;
  /** Dictionary entries of fresh user words: loaded always, so replacing them moves the total as in the full dictionary. */
  private freshEntries = new Set<number>();
  private readonly loaded = new Set<number>();
  private jieba: Jieba | undefined;
  private full: NodeRsSegmenter | undefined;
  /** Time spent building partial dictionaries so far. */
  private spentMs = 0;
  private readonly budgetMs: number;

  constructor(index: JiebaIndex, opts: { budgetMs?: number } = {}) {
    this.index = index;
    this.budgetMs = opts.budgetMs ?? SCOPED_BUDGET_MS;
  }

  /** Whether it has given up on partial dictionaries and loaded the whole one. */
  get loadedWholeDictionary(): boolean {
    return this.full !== undefined;
  }

  addWords(words: string[]): void {
    if (this.full) return this.full.addWords(words);
    const prepared = prepareWords(words).filter((w) => w.length >= 2);
    this.batches.push(prepared);
    this.userWords.add(prepared);
    this.breaks.exclude(prepared);
    this.fresh = undefined;
    this.jieba = undefined;
  }

  isBlockBreak(code: number): boolean {
    return this.full ? this.full.isBlockBreak(code) : this.breaks.has(code);
  }

  /** Load what `text` needs up front: one dictionary build per document instead of one per clause. */
  prepare(text: string): void {
    if (!this.full) this.cover(text);
  }

  segment(text: string): Token[] {
    if (text.length === 0) return [];
    if (!this.full) this.cover(text);
    if (this.full) return this.full.segment(text);
    return this.userWords.merge(tokensFromWords(text, this.jieba!.cut(text, true)));
  }

  markBoundaries(text: string, from: number, to: number, starts: Uint8Array, ends: Uint8Array): void {
    if (to <= from) return;
    const clause = text.slice(from, to);
    if (!this.full) this.cover(clause);
    if (this.full) return this.full.markBoundaries(text, from, to, starts, ends);
    markWordBoundaries(text, from, to, this.jieba!.cut(clause, true), this.userWords, starts, ends);
  }

  private cover(text: string): void {
    if (text.includes(PLACEHOLDER)) return this.useFull();
    const need = this.index.wordsIn(text);
    let missing = this.jieba === undefined;
    for (const w of need) {
      if (!this.loaded.has(w)) {
        this.loaded.add(w);
        missing = true;
      }
    }
    if (!missing) return;
    // Many documents: partial dictionaries would cost more than the whole one. Past the budget,
    // load the whole dictionary once and keep it.
    if (this.loaded.size > MAX_SCOPED_WORDS || this.spentMs > this.budgetMs) return this.useFull();
    const t0 = performance.now();
    this.fresh ??= this.judgeFresh();
    for (const w of this.freshEntries) this.loaded.add(w);
    const jieba = this.withEntries(this.loaded);
    for (const f of this.fresh) if (f.length > 0) jieba.loadDict(userDict(f));
    this.jieba = jieba;
    this.spentMs += performance.now() - t0;
  }

  /** Which user words the full dictionary splits, batch by batch as NodeRsSegmenter decides it. */
  private judgeFresh(): string[][] {
    const entries = new Set<number>();
    for (const batch of this.batches) for (const w of batch) this.index.wordsIn(w, entries);
    const jieba = this.withEntries(entries);
    const fresh = this.batches.map((batch) => {
      const f = batch.filter((w) => jieba.cut(w, false).length > 1);
      if (f.length > 0) jieba.loadDict(userDict(f));
      return f;
    });
    this.freshEntries = new Set(fresh.flat().map((w) => this.index.find(w)).filter((i) => i >= 0));
    return fresh;
  }

  /** A jieba with these entries and one placeholder carrying the rest of the total frequency. */
  private withEntries(entries: Set<number>): Jieba {
    const { Jieba } = require("@node-rs/jieba") as JiebaModule;
    let sum = 0;
    const lines: string[] = [];
    for (const i of entries) {
      sum += this.index.freq(i);
      lines.push(this.index.line(i));
    }
    lines.push(`${PLACEHOLDER} ${this.index.total - sum}`);
    return Jieba.withDict(Buffer.from(lines.join("\n") + "\n"));
  }

  private useFull(): void {
    if (this.full) return;
    const full = new NodeRsSegmenter();
    for (const batch of this.batches) full.addWords(batch);
    this.full = full;
    this.jieba = undefined;
  }
}

/** Entries a scoped segmenter loads before it gives up and loads the whole dictionary. */
export const MAX_SCOPED_WORDS = 60_000;

/**
 * Time a scoped segmenter spends on partial dictionaries before it loads the whole one (which
 * takes ~150 ms): scanning many files never costs more than ~this over the whole dictionary.
 */
export const SCOPED_BUDGET_MS = 60;

/**
 * Stands for every dictionary entry a scoped segmenter left out, so the total frequency is the
 * full dictionary's. Two noncharacters: a text holding them gets the whole dictionary instead.
 */
const PLACEHOLDER = "\uFDD0\uFDD1";

function userDict(words: string[]): Buffer {
  return Buffer.from(words.map((w) => `${w} ${USER_WORD_FREQ}`).join("\n") + "\n");
}

/** Word end offsets of one cut, reused across calls (grown as needed): no array per clause. */
let ends32 = new Int32Array(1024);

/**
 * Boundary bits of text[from, to) straight from a jieba cut of it: each word's length moves the
 * offset, user words glued back as UserWords.merge glues tokens. jieba-rs returns slices of its
 * input in order, covering it; if a cut ever did not add up to the text's length, the tokens are
 * built the careful way (tokensFromWords) instead.
 */
function markWordBoundaries(
  text: string,
  from: number,
  to: number,
  words: readonly string[],
  userWords: UserWords,
  starts: Uint8Array,
  ends: Uint8Array,
): void {
  if (ends32.length < words.length + 1) ends32 = new Int32Array(words.length * 2 + 1);
  const pos = ends32;
  let n = 0;
  let at = from;
  pos[0] = from;
  for (let k = 0; k < words.length; k++) {
    const len = words[k]!.length;
    if (len === 0) continue;
    at += len;
    pos[++n] = at;
  }
  if (at !== to) {
    for (const t of userWords.merge(tokensFromWords(text.slice(from, to), words))) {
      starts[from + t.start] = 1;
      ends[from + t.end] = 1;
    }
    return;
  }
  userWords.markMerged(text, pos, n, starts, ends);
}
