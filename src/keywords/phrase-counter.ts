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
// Background: every n-gram of every background document goes to a larger count-min sketch (no
// strings at all); a candidate's background count is read from it at ranking time. The sketch never
// undercounts, so an error can only make a candidate look less specific than it is.
import { CountMinSketch } from "./sketch.js";
import { forEachNgramHash, hashPair, MAX_PHRASE, neighbourCode, type Span } from "./phrases.js";
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
  /** (document ordinal, start, end) triples of the first documents seen after promotion. */
  readonly examples: number[];
}

/**
 * Neighbours of an n-gram's first occurrence, by hash, for the n-grams not (yet) in the exact table:
 * 2^bits slots of (check hash, left, right), each side stored as a character code, or 0 for a hard
 * boundary, 1 for a numeral and 2 for a Latin letter (neighbourCode).
 */
class FirstSightings {
  private readonly check: Int32Array;
  private readonly sides: Uint16Array;
  private readonly mask: number;
  constructor(bits: number) {
    this.check = new Int32Array(1 << bits);
    this.sides = new Uint16Array(2 << bits);
    this.mask = (1 << bits) - 1;
  }
  remember(h1: number, h2: number, text: string, start: number, end: number): void {
    const slot = h1 & this.mask;
    this.check[slot] = h2 | 1;
    this.sides[2 * slot] = neighbourCode(text, start - 1);
    this.sides[2 * slot + 1] = neighbourCode(text, end);
  }
  /** The first sighting's (left, right) neighbour codes, if its slot still holds it. */
  recall(h1: number, h2: number): [number, number] | null {
    const slot = h1 & this.mask;
    if (this.check[slot] !== (h2 | 1)) return null;
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

/** Initial rows of the entry table; it doubles as needed, up to the cap. */
const INITIAL_ROWS = 4096;
const EX_WIDTH = 3 * EXAMPLES_PER_TERM;

/** Smallest power of two ≥ n (and ≥ 16). */
function pow2(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

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

  /** Starts a document with room for `grams` distinct n-grams. */
  reset(grams: number): void {
    const want = pow2(2 * grams);
    if (want > this.stamp.length) {
      this.h1 = new Int32Array(want);
      this.h2 = new Int32Array(want);
      this.start = new Int32Array(want);
      this.len = new Uint8Array(want);
      this.tf = new Uint32Array(want);
      this.stamp = new Uint32Array(want);
      this.order = new Int32Array(want);
      this.gen = 0;
      this.mask = want - 1;
    }
    this.gen++;
    if (this.gen === 0xffffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
    this.size = 0;
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
    this.stamp[i] = this.gen;
    this.h1[i] = h1;
    this.h2[i] = h2;
    this.start[i] = start;
    this.len[i] = end - start;
    this.tf[i] = 1;
    this.order[this.size++] = i;
  }
}

/**
 * The exact entries, one row each in typed-array columns (both hashes, document and occurrence
 * counts, interned target list, up to 8 neighbours a side as character codes with counts, example
 * offsets, the last document that counted it), found by an open-addressing index over the hashes.
 * A row is ~170 bytes where an object per entry with its arrays took ~1.3 KB; the only string per
 * entry is its text, made once when the entry is created.
 */
export class PhraseCounter {
  /** Foreground occurrences of each character, by code. */
  private readonly charTf = new Map<number, number>();
  private keys: string[] = [];
  private free: number[] = [];
  private size = 0;
  private live = 0;
  /** Index: slot -> row + 1 (0 = empty), over h1. */
  private index = new Int32Array(2 * INITIAL_ROWS);
  private h1Col = new Int32Array(INITIAL_ROWS);
  private h2Col = new Int32Array(INITIAL_ROWS);
  private fgDfCol = new Uint32Array(INITIAL_ROWS);
  private fgTfCol = new Uint32Array(INITIAL_ROWS);
  private sigCol = new Int32Array(INITIAL_ROWS).fill(-1);
  /** The foreground document (1-based count) that last counted the row. */
  private docCol = new Uint32Array(INITIAL_ROWS);
  private symCol = new Uint16Array(INITIAL_ROWS * 2 * NEIGHBOUR_SLOTS);
  private cntCol = new Uint32Array(INITIAL_ROWS * 2 * NEIGHBOUR_SLOTS);
  private otherCol = new Uint32Array(INITIAL_ROWS * 2);
  private exCol = new Int32Array(INITIAL_ROWS * EX_WIDTH);
  private exLenCol = new Uint8Array(INITIAL_ROWS);
  /** Counts per target of the rows seen with two different target lists (the rest keep `sig`). */
  private readonly coocRows = new Map<number, Uint32Array>();
  private readonly targetLists: TargetLists;
  private readonly grams = new DocumentGrams();
  private readonly fgSketch = new CountMinSketch(3, 19);
  private readonly first = new FirstSightings(19);
  private readonly bgSketch = new CountMinSketch(4, 20);
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
    g.reset(chars * (MAX_PHRASE - 1));
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
      this.fgDfCol[row]!++;
      this.fgTfCol[row]! += g.tf[slot]!;
      this.docCol[row] = doc;
      if (sig >= 0) this.addTargets(row, sig, targets);
      const n = this.exLenCol[row]!;
      if (n < EX_WIDTH) {
        const at = row * EX_WIDTH + n;
        this.exCol[at] = ordinal;
        this.exCol[at + 1] = start;
        this.exCol[at + 2] = end;
        this.exLenCol[row] = n + 3;
      }
    }
    // Neighbours of every occurrence of an n-gram that has an entry (now including this document's).
    forEachNgramHash(text, runs, (h1, h2, start, end) => {
      const row = this.find(h1, h2);
      if (row < 0 || this.docCol[row] !== doc) return;
      this.addNeighbour(row, 0, neighbourCode(text, start - 1));
      this.addNeighbour(row, 1, neighbourCode(text, end));
    });
    this.maybePrune();
  }

  addBackground(text: string, runs: readonly Span[]): void {
    this.bgDocs++;
    // Each distinct n-gram once per document (the table's first-seen order), nothing allocated per n-gram.
    const g = this.grams;
    let chars = 0;
    for (const run of runs) chars += run.end - run.start;
    g.reset(chars * (MAX_PHRASE - 1));
    forEachNgramHash(text, runs, (h1, h2, start, end) => g.add(h1, h2, start, end));
    for (let k = 0; k < g.size; k++) {
      const slot = g.order[k]!;
      this.bgSketch.add(g.h1[slot]!, g.h2[slot]!);
    }
  }

  /** Background documents containing the n-gram (never low; see the header). */
  bgDf(key: string): number {
    const [h1, h2] = hashPair(key, 0, key.length);
    return Math.min(this.bgDocs, this.bgSketch.estimate(h1, h2));
  }

  /** Foreground occurrences of any string (an entry's, a character's, else the sketch's document count). */
  fgTf(key: string): number {
    if (key.length === 1) return this.charTf.get(key.charCodeAt(0)) ?? 0;
    const [h1, h2] = hashPair(key, 0, key.length);
    const row = this.find(h1, h2);
    return row >= 0 ? this.fgTfCol[row]! : this.fgSketch.estimate(h1, h2);
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
    const counts = this.coocRows.get(e.id);
    if (counts) return counts;
    const v = new Uint32Array(this.targetCount);
    const sig = this.sigCol[e.id]!;
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
    const examples = Array.from(this.exCol.subarray(row * EX_WIDTH, row * EX_WIDTH + this.exLenCol[row]!));
    return {
      id: row,
      key: this.keys[row]!,
      fgDf: this.fgDfCol[row]!,
      fgTf: this.fgTfCol[row]!,
      left: this.side(row, 0),
      right: this.side(row, 1),
      examples,
    };
  }

  private side(row: number, side: 0 | 1): NeighbourView {
    const base = (row * 2 + side) * NEIGHBOUR_SLOTS;
    const counts: number[] = [];
    for (let k = 0; k < NEIGHBOUR_SLOTS && this.cntCol[base + k]! > 0; k++) counts.push(this.cntCol[base + k]!);
    const other = this.otherCol[row * 2 + side]!;
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
    if (code !== 0 && !(code === NUMERAL_CODE && side === 1)) {
      const base = (row * 2 + side) * NEIGHBOUR_SLOTS;
      for (let k = 0; k < NEIGHBOUR_SLOTS; k++) {
        const c = this.cntCol[base + k]!;
        if (c === 0) {
          this.symCol[base + k] = code;
          this.cntCol[base + k] = 1;
          return;
        }
        if (this.symCol[base + k] === code) {
          this.cntCol[base + k] = c + 1;
          return;
        }
      }
    }
    this.otherCol[row * 2 + side]!++;
  }

  /** One more foreground document of a row with these targets (interned as `sig`). */
  private addTargets(row: number, sig: number, targets: readonly number[]): void {
    let counts = this.coocRows.get(row);
    if (counts === undefined) {
      const prior = this.sigCol[row]!;
      if (prior < 0) {
        this.sigCol[row] = sig;
        return;
      }
      counts = new Uint32Array(this.targetCount);
      for (const t of this.targetLists.listOf(prior)) counts[t]!++;
      this.coocRows.set(row, counts);
      this.sigCol[row] = -1;
    }
    for (const t of targets) counts[t]!++;
  }

  /** The row of an n-gram by its hashes, or -1. */
  private find(h1: number, h2: number): number {
    const mask = this.index.length - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      const r = this.index[i]!;
      if (r === 0) return -1;
      if (this.h1Col[r - 1] === h1 && this.h2Col[r - 1] === h2) return r - 1;
    }
  }

  private place(row: number): void {
    const mask = this.index.length - 1;
    let i = this.h1Col[row]! & mask;
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
      if (row >= this.fgDfCol.length) this.grow();
    }
    this.live++;
    this.keys[row] = key;
    this.h1Col[row] = h1;
    this.h2Col[row] = h2;
    this.fgDfCol[row] = base;
    this.fgTfCol[row] = base;
    this.sigCol[row] = -1;
    this.docCol[row] = 0;
    this.symCol.fill(0, row * 2 * NEIGHBOUR_SLOTS, (row + 1) * 2 * NEIGHBOUR_SLOTS);
    this.cntCol.fill(0, row * 2 * NEIGHBOUR_SLOTS, (row + 1) * 2 * NEIGHBOUR_SLOTS);
    this.otherCol[row * 2] = 0;
    this.otherCol[row * 2 + 1] = 0;
    this.exLenCol[row] = 0;
    if (2 * this.live > this.index.length) this.reindex(this.index.length * 2);
    else this.place(row);
    return row;
  }

  private grow(): void {
    const rows = this.fgDfCol.length * 2;
    const widen = <T extends Uint32Array | Int32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T, per: number): T => {
      const b = make(rows * per);
      b.set(a);
      return b;
    };
    this.h1Col = widen(this.h1Col, (n) => new Int32Array(n), 1);
    this.h2Col = widen(this.h2Col, (n) => new Int32Array(n), 1);
    this.fgDfCol = widen(this.fgDfCol, (n) => new Uint32Array(n), 1);
    this.fgTfCol = widen(this.fgTfCol, (n) => new Uint32Array(n), 1);
    this.sigCol = widen(this.sigCol, (n) => new Int32Array(n).fill(-1), 1);
    this.docCol = widen(this.docCol, (n) => new Uint32Array(n), 1);
    this.symCol = widen(this.symCol, (n) => new Uint16Array(n), 2 * NEIGHBOUR_SLOTS);
    this.cntCol = widen(this.cntCol, (n) => new Uint32Array(n), 2 * NEIGHBOUR_SLOTS);
    this.otherCol = widen(this.otherCol, (n) => new Uint32Array(n), 2);
    this.exCol = widen(this.exCol, (n) => new Int32Array(n), EX_WIDTH);
    this.exLenCol = widen(this.exLenCol, (n) => new Uint8Array(n), 1);
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
        if (this.keys[row] === "" || this.fgDfCol[row]! > threshold) continue;
        this.keys[row] = "";
        this.coocRows.delete(row);
        this.free.push(row);
        this.live--;
      }
    }
    this.floor = threshold;
    this.reindex(this.index.length);
  }
}
