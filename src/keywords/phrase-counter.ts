// Streaming counts of Chinese phrase candidates (every 2–6 character n-gram of the Han runs, see
// phrases.ts), in bounded memory.
//
// Foreground: an n-gram seen in one foreground document only can never be a candidate (candidates
// need --min-count documents), and most n-grams are such, so first sightings go to a small count-min
// sketch and an n-gram gets an exact entry when it reaches its second document. The entry then
// counts documents, occurrences, its left and right neighbours (for branching entropy), the
// dimensions found in its documents and where its first three documents use it (example sentences).
// The first document's occurrences are known as a count (from the sketch) and by the neighbours of
// the first of them, kept in a direct-mapped table of first sightings (a slot another n-gram took
// since is simply missed). Past `cap` entries the rarest are pruned, lossy-counting style, as
// counter.ts does for words.
//
// Background: counted after the foreground (addBackground throws if a foreground document follows),
// and only for the n-grams that have an exact entry by then: a candidate needs --min-count foreground
// documents, so every candidate has one, and a string the foreground never repeated needs no
// background count. So the background costs a document-frequency column and no table of its own: its
// counts are exact, and the count-min sketch it used to go to (8 MB, and a fifth of the capture's
// time) is gone. The caller orders the passes (capture.ts: background documents of the corpus are
// read again after the counting pass, or the --against files come after the corpus).
import { CountMinSketch } from "./sketch.js";
import { forEachNgramHash, hashPair, neighbourCode, type Span } from "./phrases.js";
import { TargetLists } from "./cooccurrence.js";

export const DEFAULT_PHRASE_CAP = 300_000;
/** An n-gram gets an exact entry in its second foreground document. */
const PROMOTE = 2;

/** Distinct neighbours kept per side; more are counted as all different. */
const NEIGHBOUR_SLOTS = 8;
export const EXAMPLES_PER_TERM = 3;

/** One side's neighbours as ranking reads them. */
export interface NeighbourView {
  /** Occurrences seen on this side (hard boundaries included). */
  readonly total: number;
  /** Branching entropy in nats, every neighbour beyond the kept ones (and every hard boundary) counted as a distinct one. */
  entropy(): number;
  /** Share of the commonest neighbour (1 = always the same character). */
  topShare(): number;
}

/** An exact entry as ranking reads it (made on demand from the table's columns). */
export interface PhraseEntry {
  readonly id: number;
  readonly key: string;
  readonly fgDf: number;
  readonly fgTf: number;
  readonly left: NeighbourView;
  readonly right: NeighbourView;
  /** Ordinals of the first documents seen after promotion (the term's first occurrence in each is its example). */
  readonly examples: number[];
}

/**
 * Neighbours of an n-gram's first occurrence, by hash, for the n-grams not (yet) in the exact table:
 * 2^bits slots of (check bits, left, right), each side stored as a character code, or 0 for a hard
 * boundary, 1 for a numeral and 2 for a Latin letter (neighbourCode).
 */
class FirstSightings {
  /** 16 bits of the second hash (never 0: an empty slot), beside the slot's `bits` of the first. */
  private readonly check: Uint16Array;
  private readonly sides: Uint16Array;
  private readonly mask: number;
  constructor(bits: number) {
    this.check = new Uint16Array(1 << bits);
    this.sides = new Uint16Array(2 << bits);
    this.mask = (1 << bits) - 1;
  }
  remember(h1: number, h2: number, text: string, start: number, end: number): void {
    const slot = h1 & this.mask;
    this.check[slot] = (h2 & 0xffff) | 1;
    this.sides[2 * slot] = neighbourCode(text, start - 1);
    this.sides[2 * slot + 1] = neighbourCode(text, end);
  }
  /** The first sighting's (left, right) neighbour codes, if its slot still holds it. */
  recall(h1: number, h2: number): [number, number] | null {
    const slot = h1 & this.mask;
    if (this.check[slot] !== ((h2 & 0xffff) | 1)) return null;
    this.check[slot] = 0;
    return [this.sides[2 * slot]!, this.sides[2 * slot + 1]!];
  }
}

const NUMERAL_CODE = 1;



export interface PhraseStats {
  foregroundDocs: number;
  backgroundDocs: number;
  /** Han characters in the foreground runs (the PMI denominator). */
  foregroundChars: number;
  entries: number;
  prunes: number;
  floor: number;
}


/** A document's n-gram table starts with this many slots (~100 KB; a 425-character CAIL fact has ~2,000 n-grams). */
const INITIAL_SLOTS = 4096;
/** A table grown past this (1.6 MB) by a long document is dropped at the next one. */
const SHRINK_SLOTS = 65536;

/**
 * A document's distinct n-grams while it is counted: an open-addressing table over the two hashes
 * (phrases.ts), in typed arrays reused from document to document (a slot is live when its stamp is
 * the current document's), with the order the n-grams were first seen in. Nothing is allocated per
 * n-gram: counting a corpus used to make a string and a map entry for every n-gram of every
 * document, garbage that V8 promoted faster than it collected and that set the peak RSS.
 */
class DocumentGrams {
  h1 = new Int32Array(0);
  h2 = new Int32Array(0);
  start = new Int32Array(0);
  len = new Uint8Array(0);
  tf = new Uint32Array(0);
  stamp = new Uint32Array(0);
  /** Slots in first-seen order. */
  order = new Int32Array(0);
  size = 0;
  private gen = 0;
  private mask = 0;

  /**
   * Starts a document. The table starts small and doubles as the document's distinct n-grams fill
   * it (kept at most half full); a table an outsized document grew past SHRINK_SLOTS is dropped at
   * the next document, so one long text does not hold megabytes for the rest of the run.
   */
  reset(): void {
    if (this.stamp.length === 0 || this.stamp.length > SHRINK_SLOTS) this.allocate(INITIAL_SLOTS);
    this.gen++;
    if (this.gen === 0xffffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
    this.size = 0;
  }

  private allocate(slots: number): void {
    this.h1 = new Int32Array(slots);
    this.h2 = new Int32Array(slots);
    this.start = new Int32Array(slots);
    this.len = new Uint8Array(slots);
    this.tf = new Uint32Array(slots);
    this.stamp = new Uint32Array(slots);
    this.order = new Int32Array(slots);
    this.gen = 0;
    this.mask = slots - 1;
  }

  /** Doubles the table, keeping this document's n-grams (and their first-seen order). */
  private grow(): void {
    const { h1, h2, start, len, tf, order, size } = this;
    const slots = order.length;
    this.allocate(slots * 2);
    this.gen = 1;
    this.size = 0;
    for (let k = 0; k < size; k++) {
      const o = order[k]!;
      const i = this.insert(h1[o]!, h2[o]!, start[o]!, start[o]! + len[o]!);
      this.tf[i] = tf[o]!;
    }
  }

  private insert(h1: number, h2: number, start: number, end: number): number {
    let i = h1 & this.mask;
    while (this.stamp[i] === this.gen) i = (i + 1) & this.mask;
    return this.insertAt(i, h1, h2, start, end);
  }

  private insertAt(i: number, h1: number, h2: number, start: number, end: number): number {
    this.stamp[i] = this.gen;
    this.h1[i] = h1;
    this.h2[i] = h2;
    this.start[i] = start;
    this.len[i] = end - start;
    this.tf[i] = 1;
    this.order[this.size++] = i;
    return i;
  }

  add(h1: number, h2: number, start: number, end: number): void {
    let i = h1 & this.mask;
    while (this.stamp[i] === this.gen) {
      if (this.h1[i] === h1 && this.h2[i] === h2) {
        if (this.tf[i]! < 0xffffffff) this.tf[i]!++;
        return;
      }
      i = (i + 1) & this.mask;
    }
    if (2 * (this.size + 1) > this.order.length) {
      this.grow();
      this.insert(h1, h2, start, end);
    } else this.insertAt(i, h1, h2, start, end);
  }
}

/** Rows per page of the entry table: pages are added as entries are, never copied or freed. */
const PAGE_BITS = 11;
const PAGE_ROWS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_ROWS - 1;
const SIDE_WIDTH = 2 * NEIGHBOUR_SLOTS;

/** The columns of PAGE_ROWS entries (see PhraseCounter). */
class Page {
  readonly h1 = new Int32Array(PAGE_ROWS);
  readonly h2 = new Int32Array(PAGE_ROWS);
  readonly fgDf = new Uint32Array(PAGE_ROWS);
  readonly fgTf = new Uint32Array(PAGE_ROWS);
  /** Interned target list of the row's foreground documents while there was one (-1: none). */
  readonly sig = new Int32Array(PAGE_ROWS);
  /** Offset of the row's counts per target in the co-occurrence pool once it has seen two lists (-1: none). */
  readonly cooc = new Int32Array(PAGE_ROWS);
  /** The document (1-based: foreground documents, then background ones) that last counted the row. */
  readonly doc = new Uint32Array(PAGE_ROWS);
  /** Background documents containing the row's n-gram (exact; see the header). */
  readonly bgDf = new Uint32Array(PAGE_ROWS);
  readonly sym = new Uint16Array(PAGE_ROWS * SIDE_WIDTH);
  /** Neighbour counts, halved on a side (its other count too) when one would pass 65,535: entropy reads proportions. */
  readonly cnt = new Uint16Array(PAGE_ROWS * SIDE_WIDTH);
  readonly other = new Uint32Array(PAGE_ROWS * 2);
  /** Ordinals of the first documents seen after promotion (the term's first occurrence there is the example). */
  readonly ex = new Int32Array(PAGE_ROWS * EXAMPLES_PER_TERM);
  readonly exLen = new Uint8Array(PAGE_ROWS);
}

/**
 * The exact entries, one row each in typed-array columns (both hashes, document and occurrence
 * counts, interned target list, up to 8 neighbours a side as character codes with counts, example
 * offsets, the last document that counted it), found by an open-addressing index over the hashes.
 * A row is ~180 bytes where an object per entry with its arrays took ~1.3 KB; the only string per
 * entry is its text, made once when the entry is created. The columns come in pages of 2,048 rows
 * added as needed: growing never copies a table (doubling left the old columns, megabytes, for the
 * collector) and never holds more than a page beyond the entries.
 */
export class PhraseCounter {
  /** Foreground occurrences of each character, by code. */
  private readonly charTf = new Map<number, number>();
  private keys: string[] = [];
  private free: number[] = [];
  private size = 0;
  private live = 0;
  /** Index: slot -> row + 1 (0 = empty), over h1. */
  private index = new Int32Array(2 * PAGE_ROWS);
  private readonly pages: Page[] = [];
  /** Counts per target of the rows seen with two different target lists, `targetCount` a row. */
  private coocPool = new Uint32Array(0);
  private coocUsed = 0;
  private coocFree: number[] = [];
  private readonly targetLists: TargetLists;
  private readonly grams = new DocumentGrams();
  private readonly fgSketch = new CountMinSketch(3, 19, 8);
  private readonly first = new FirstSightings(19);
  private fgDocs = 0;
  private bgDocs = 0;
  private fgChars = 0;
  private prunes = 0;
  private floor = 0;

  constructor(
    private readonly targetCount: number,
    private readonly cap: number = DEFAULT_PHRASE_CAP,
  ) {
    this.targetLists = new TargetLists(targetCount);
  }

  addForeground(text: string, runs: readonly Span[], ordinal: number, targets: readonly number[]): void {
    if (this.bgDocs > 0) throw new Error("PhraseCounter: a foreground document after the background (count the foreground first)");
    const doc = ++this.fgDocs;
    const sig = targets.length > 0 ? this.targetLists.id(targets) : -1;
    let chars = 0;
    for (const run of runs) {
      chars += run.end - run.start;
      for (let i = run.start; i < run.end; i++) {
        const c = text.charCodeAt(i);
        this.charTf.set(c, (this.charTf.get(c) ?? 0) + 1);
      }
    }
    this.fgChars += chars;
    const g = this.grams;
    g.reset();
    forEachNgramHash(text, runs, (h1, h2, start, end) => g.add(h1, h2, start, end));
    for (let k = 0; k < g.size; k++) {
      const slot = g.order[k]!;
      const h1 = g.h1[slot]!;
      const h2 = g.h2[slot]!;
      const start = g.start[slot]!;
      const end = start + g.len[slot]!;
      let row = this.find(h1, h2);
      if (row < 0) {
        const est = this.fgSketch.add(h1, h2);
        if (est < PROMOTE) {
          this.first.remember(h1, h2, text, start, end);
          continue;
        }
        row = this.newRow(h1, h2, text.slice(start, end), est - 1);
        const sides = this.first.recall(h1, h2);
        if (sides !== null) {
          this.addNeighbour(row, 0, sides[0]);
          this.addNeighbour(row, 1, sides[1]);
        }
      }
      const p = this.pages[row >>> PAGE_BITS]!;
      const r = row & PAGE_MASK;
      p.fgDf[r]!++;
      p.fgTf[r]! += g.tf[slot]!;
      p.doc[r] = doc;
      if (sig >= 0) this.addTargets(row, sig, targets);
      const n = p.exLen[r]!;
      if (n < EXAMPLES_PER_TERM) {
        p.ex[r * EXAMPLES_PER_TERM + n] = ordinal;
        p.exLen[r] = n + 1;
      }
    }
    // Neighbours of every occurrence of an n-gram that has an entry (now including this document's).
    forEachNgramHash(text, runs, (h1, h2, start, end) => {
      const row = this.find(h1, h2);
      if (row < 0 || this.pages[row >>> PAGE_BITS]!.doc[row & PAGE_MASK] !== doc) return;
      this.addNeighbour(row, 0, neighbourCode(text, start - 1));
      this.addNeighbour(row, 1, neighbourCode(text, end));
    });
    this.maybePrune();
  }

  /**
   * One background document, after the whole foreground: each n-gram with an exact entry counts once
   * (the row's document stamp goes on numbering after the foreground's). Nothing is allocated.
   */
  addBackground(text: string, runs: readonly Span[]): void {
    const doc = this.fgDocs + ++this.bgDocs;
    forEachNgramHash(text, runs, (h1, h2) => {
      const row = this.find(h1, h2);
      if (row < 0) return;
      const p = this.pages[row >>> PAGE_BITS]!;
      const r = row & PAGE_MASK;
      if (p.doc[r] === doc) return;
      p.doc[r] = doc;
      p.bgDf[r]!++;
    });
  }

  /** Background documents containing the n-gram: exact for an entry's, 0 for any other string (never counted). */
  bgDf(key: string): number {
    const [h1, h2] = hashPair(key, 0, key.length);
    const row = this.find(h1, h2);
    return row < 0 ? 0 : this.pages[row >>> PAGE_BITS]!.bgDf[row & PAGE_MASK]!;
  }

  /** Foreground occurrences of any string (an entry's, a character's, else the sketch's document count). */
  fgTf(key: string): number {
    if (key.length === 1) return this.charTf.get(key.charCodeAt(0)) ?? 0;
    const [h1, h2] = hashPair(key, 0, key.length);
    const row = this.find(h1, h2);
    return row >= 0 ? this.pages[row >>> PAGE_BITS]!.fgTf[row & PAGE_MASK]! : this.fgSketch.estimate(h1, h2);
  }

  /** The exact entry of a string, if it has one. */
  entry(key: string): PhraseEntry | undefined {
    const [h1, h2] = hashPair(key, 0, key.length);
    const row = this.find(h1, h2);
    return row < 0 ? undefined : this.view(row);
  }

  /** Every exact entry (views made on demand: ranking reads them once). */
  *entries(): IterableIterator<PhraseEntry> {
    for (let row = 0; row < this.size; row++) if (this.keys[row] !== "") yield this.view(row);
  }

  /** Foreground documents in which the entry co-occurred with each dimension. */
  coocOf(e: PhraseEntry): Uint32Array {
    const p = this.pages[e.id >>> PAGE_BITS]!;
    const r = e.id & PAGE_MASK;
    const at = p.cooc[r]!;
    if (at >= 0) return this.coocPool.slice(at, at + this.targetCount);
    const v = new Uint32Array(this.targetCount);
    const sig = p.sig[r]!;
    if (sig >= 0) for (const t of this.targetLists.listOf(sig)) v[t] = 1;
    return v;
  }

  stats(): PhraseStats {
    return {
      foregroundDocs: this.fgDocs,
      backgroundDocs: this.bgDocs,
      foregroundChars: this.fgChars,
      entries: this.live,
      prunes: this.prunes,
      floor: this.floor,
    };
  }

  private view(row: number): PhraseEntry {
    const p = this.pages[row >>> PAGE_BITS]!;
    const r = row & PAGE_MASK;
    const examples = Array.from(p.ex.subarray(r * EXAMPLES_PER_TERM, r * EXAMPLES_PER_TERM + p.exLen[r]!));
    return {
      id: row,
      key: this.keys[row]!,
      fgDf: p.fgDf[r]!,
      fgTf: p.fgTf[r]!,
      left: this.side(p, r, 0),
      right: this.side(p, r, 1),
      examples,
    };
  }

  private side(p: Page, r: number, side: 0 | 1): NeighbourView {
    const base = (r * 2 + side) * NEIGHBOUR_SLOTS;
    const counts: number[] = [];
    for (let k = 0; k < NEIGHBOUR_SLOTS && p.cnt[base + k]! > 0; k++) counts.push(p.cnt[base + k]!);
    const other = p.other[r * 2 + side]!;
    const total = counts.reduce((a, b) => a + b, other);
    return {
      total,
      entropy() {
        if (total === 0) return 0;
        let h = other > 0 ? (other / total) * Math.log(total) : 0;
        for (const c of counts) h -= (c / total) * Math.log(c / total);
        return h;
      },
      topShare: () => (total === 0 ? 0 : Math.max(0, ...counts) / total),
    };
  }

  /**
   * One more neighbour (neighbourCode) on one side of a row. A numeral on the right is a
   * boundary like punctuation: a term followed by a quantity (每条0.5元) ends there. On the left it
   * stays one neighbour class: Chinese puts the number before its measure word, so a string that
   * always follows a number (个月, 日通过, 元至) is the tail of a quantity.
   */
  private addNeighbour(row: number, side: 0 | 1, code: number): void {
    const p = this.pages[row >>> PAGE_BITS]!;
    const r = row & PAGE_MASK;
    if (code !== 0 && !(code === NUMERAL_CODE && side === 1)) {
      const base = (r * 2 + side) * NEIGHBOUR_SLOTS;
      for (let k = 0; k < NEIGHBOUR_SLOTS; k++) {
        const c = p.cnt[base + k]!;
        if (c === 0) {
          p.sym[base + k] = code;
          p.cnt[base + k] = 1;
          return;
        }
        if (p.sym[base + k] === code) {
          if (c === 0xffff) this.halve(p, r, side);
          p.cnt[base + k]!++;
          return;
        }
      }
    }
    p.other[r * 2 + side]!++;
  }

  /** Halves one side's counts (a count at least 1 stays 1: a neighbour seen is never forgotten). */
  private halve(p: Page, r: number, side: 0 | 1): void {
    const base = (r * 2 + side) * NEIGHBOUR_SLOTS;
    for (let k = 0; k < NEIGHBOUR_SLOTS; k++) if (p.cnt[base + k]! > 0) p.cnt[base + k] = Math.max(1, p.cnt[base + k]! >>> 1);
    p.other[r * 2 + side] = p.other[r * 2 + side]! >>> 1;
  }

  /** One more foreground document of a row with these targets (interned as `sig`). */
  private addTargets(row: number, sig: number, targets: readonly number[]): void {
    const p = this.pages[row >>> PAGE_BITS]!;
    const r = row & PAGE_MASK;
    let at = p.cooc[r]!;
    if (at < 0) {
      const prior = p.sig[r]!;
      if (prior < 0) {
        p.sig[r] = sig;
        return;
      }
      at = this.coocBlock();
      p.cooc[r] = at;
      for (const t of this.targetLists.listOf(prior)) this.coocPool[at + t]!++;
      p.sig[r] = -1;
    }
    for (const t of targets) this.coocPool[at + t]!++;
  }

  /** A zeroed block of `targetCount` counts in the pool (a pruned row's, else a new one). */
  private coocBlock(): number {
    const reused = this.coocFree.pop();
    if (reused !== undefined) {
      this.coocPool.fill(0, reused, reused + this.targetCount);
      return reused;
    }
    if (this.coocUsed + this.targetCount > this.coocPool.length) {
      const next = new Uint32Array(Math.max(1024 * this.targetCount, this.coocPool.length * 2));
      next.set(this.coocPool);
      this.coocPool = next;
    }
    const at = this.coocUsed;
    this.coocUsed += this.targetCount;
    return at;
  }

  /** The row of an n-gram by its hashes, or -1. */
  private find(h1: number, h2: number): number {
    const mask = this.index.length - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      const r = this.index[i]!;
      if (r === 0) return -1;
      const p = this.pages[(r - 1) >>> PAGE_BITS]!;
      const k = (r - 1) & PAGE_MASK;
      if (p.h1[k] === h1 && p.h2[k] === h2) return r - 1;
    }
  }

  private place(row: number): void {
    const mask = this.index.length - 1;
    let i = this.pages[row >>> PAGE_BITS]!.h1[row & PAGE_MASK]! & mask;
    while (this.index[i] !== 0) i = (i + 1) & mask;
    this.index[i] = row + 1;
  }

  /** Rebuilds the index for the live rows (after pruning, or to grow it: kept at most half full). */
  private reindex(slots: number): void {
    this.index = new Int32Array(slots);
    for (let row = 0; row < this.size; row++) if (this.keys[row] !== "") this.place(row);
  }

  private newRow(h1: number, h2: number, key: string, base: number): number {
    let row = this.free.pop();
    if (row === undefined) {
      row = this.size++;
      if (row >>> PAGE_BITS >= this.pages.length) this.pages.push(new Page());
    }
    this.live++;
    this.keys[row] = key;
    const p = this.pages[row >>> PAGE_BITS]!;
    const r = row & PAGE_MASK;
    p.h1[r] = h1;
    p.h2[r] = h2;
    p.fgDf[r] = base;
    p.fgTf[r] = base;
    p.sig[r] = -1;
    p.cooc[r] = -1;
    p.doc[r] = 0;
    p.bgDf[r] = 0;
    p.sym.fill(0, r * SIDE_WIDTH, (r + 1) * SIDE_WIDTH);
    p.cnt.fill(0, r * SIDE_WIDTH, (r + 1) * SIDE_WIDTH);
    p.other[r * 2] = 0;
    p.other[r * 2 + 1] = 0;
    p.exLen[r] = 0;
    if (2 * this.live > this.index.length) this.reindex(this.index.length * 2);
    else this.place(row);
    return row;
  }

  /**
   * Past `cap` entries, those in at most `floor` foreground documents are dropped, raising the floor
   * a step at a time until 80% of the cap remain; any count may then be low by at most the floor.
   */
  private maybePrune(): void {
    if (this.live <= this.cap) return;
    this.prunes++;
    const goal = Math.floor(this.cap * 0.8);
    let threshold = this.floor;
    while (this.live > goal) {
      threshold++;
      for (let row = 0; row < this.size; row++) {
        if (this.keys[row] === "") continue;
        const p = this.pages[row >>> PAGE_BITS]!;
        const r = row & PAGE_MASK;
        if (p.fgDf[r]! > threshold) continue;
        this.keys[row] = "";
        if (p.cooc[r]! >= 0) this.coocFree.push(p.cooc[r]!);
        p.cooc[r] = -1;
        this.free.push(row);
        this.live--;
      }
    }
    this.floor = threshold;
    this.reindex(this.index.length);
  }
}
