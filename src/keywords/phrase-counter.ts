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
import { forEachNgramHash, hashPair, MAX_PHRASE, neighbourAt, type Span } from "./phrases.js";
import { EntryCounter } from "./cooccurrence.js";

export const DEFAULT_PHRASE_CAP = 300_000;
/** An n-gram gets an exact entry in its second foreground document. */
const PROMOTE = 2;
/** Distinct neighbours kept per side; more are counted as all different. */
const NEIGHBOUR_SLOTS = 8;
export const EXAMPLES_PER_TERM = 3;

/** One side's neighbours: the first few distinct ones with counts, the rest (and hard boundaries) as `other`. */
export class Neighbours {
  readonly syms: string[] = [];
  readonly counts: number[] = [];
  other = 0;

  add(sym: string | null): void {
    if (sym === null) {
      this.other++;
      return;
    }
    const i = this.syms.indexOf(sym);
    if (i >= 0) this.counts[i]!++;
    else if (this.syms.length < NEIGHBOUR_SLOTS) {
      this.syms.push(sym);
      this.counts.push(1);
    } else this.other++;
  }

  get total(): number {
    let n = this.other;
    for (const c of this.counts) n += c;
    return n;
  }

  /** Branching entropy in nats, every `other` neighbour counted as a distinct one. */
  entropy(): number {
    const n = this.total;
    if (n === 0) return 0;
    let h = this.other > 0 ? (this.other / n) * Math.log(n) : 0;
    for (const c of this.counts) h -= (c / n) * Math.log(c / n);
    return h;
  }

  /** Share of the commonest neighbour (1 = always the same character). */
  topShare(): number {
    const n = this.total;
    return n === 0 ? 0 : Math.max(0, ...this.counts) / n;
  }
}

export class PhraseEntry {
  fgDf: number;
  fgTf: number;
  readonly left = new Neighbours();
  readonly right = new Neighbours();
  sig = -1;
  cooc: Uint32Array | null = null;
  /** (document ordinal, start, end) triples of the first documents seen after promotion. */
  readonly examples: number[] = [];
  constructor(
    readonly key: string,
    base: number,
  ) {
    this.fgDf = base;
    this.fgTf = base;
  }
}

/**
 * Neighbours of an n-gram's first occurrence, by hash, for the n-grams not (yet) in the exact table:
 * 2^bits slots of (check hash, left, right), each side stored as a character code, or 0 for a hard
 * boundary, 1 for a numeral and 2 for a Latin letter (neighbourAt's classes).
 */
class FirstSightings {
  private readonly check: Uint32Array;
  private readonly sides: Uint16Array;
  private readonly mask: number;
  constructor(bits: number) {
    this.check = new Uint32Array(1 << bits);
    this.sides = new Uint16Array(2 << bits);
    this.mask = (1 << bits) - 1;
  }
  remember(h1: number, h2: number, text: string, start: number, end: number): void {
    const slot = h1 & this.mask;
    this.check[slot] = h2 | 1;
    this.sides[2 * slot] = encode(neighbourAt(text, start - 1));
    this.sides[2 * slot + 1] = encode(neighbourAt(text, end));
  }
  recall(h1: number, h2: number, e: PhraseEntry): void {
    const slot = h1 & this.mask;
    if (this.check[slot] !== (h2 | 1) >>> 0) return;
    e.left.add(decode(this.sides[2 * slot]!));
    e.right.add(decode(this.sides[2 * slot + 1]!));
    this.check[slot] = 0;
  }
}

function encode(sym: string | null): number {
  return sym === null ? 0 : sym === "0" ? 1 : sym === "a" ? 2 : sym.charCodeAt(0);
}

function decode(code: number): string | null {
  return code === 0 ? null : code === 1 ? "0" : code === 2 ? "a" : String.fromCharCode(code);
}

export interface PhraseStats {
  foregroundDocs: number;
  backgroundDocs: number;
  /** Han characters in the foreground runs (the PMI denominator). */
  foregroundChars: number;
  entries: number;
  prunes: number;
  floor: number;
}

export class PhraseCounter extends EntryCounter<PhraseEntry> {
  readonly charTf = new Map<string, number>();
  private readonly fgSketch = new CountMinSketch(3, 19);
  private readonly first = new FirstSightings(19);
  private readonly bgSketch = new CountMinSketch(4, 20);
  private fgDocs = 0;
  private bgDocs = 0;
  private fgChars = 0;

  constructor(targetCount: number, cap: number = DEFAULT_PHRASE_CAP) {
    super(targetCount, cap);
  }

  addForeground(text: string, runs: readonly Span[], ordinal: number, targets: readonly number[]): void {
    this.fgDocs++;
    const sig = targets.length > 0 ? this.targetLists.id(targets) : -1;
    const inDoc = new Map<string, { tf: number; start: number; end: number; h1: number; h2: number }>();
    for (const run of runs) {
      this.fgChars += run.end - run.start;
      for (let i = run.start; i < run.end; i++) {
        const ch = text[i]!;
        this.charTf.set(ch, (this.charTf.get(ch) ?? 0) + 1);
        const last = Math.min(run.end, i + MAX_PHRASE);
        for (let j = i + 2; j <= last; j++) {
          const key = text.slice(i, j);
          const d = inDoc.get(key);
          if (d) d.tf++;
          else inDoc.set(key, { tf: 1, start: i, end: j, h1: 0, h2: 0 });
        }
      }
    }
    const counted = new Set<PhraseEntry>();
    for (const [key, d] of inDoc) {
      let e = this.entries.get(key);
      if (e === undefined) {
        const [h1, h2] = hashPair(key, 0, key.length);
        const est = this.fgSketch.add(h1, h2);
        if (est < PROMOTE) {
          this.first.remember(h1, h2, text, d.start, d.end);
          continue;
        }
        e = new PhraseEntry(key, est - 1);
        this.first.recall(h1, h2, e);
        this.entries.set(key, e);
      }
      e.fgDf++;
      e.fgTf += d.tf;
      counted.add(e);
      if (sig >= 0) this.targetLists.add(e, sig, targets);
      if (e.examples.length < 3 * EXAMPLES_PER_TERM) e.examples.push(ordinal, d.start, d.end);
    }
    // Neighbours of every occurrence of an n-gram that has an entry (now including this document's).
    for (const run of runs) {
      for (let i = run.start; i < run.end; i++) {
        const last = Math.min(run.end, i + MAX_PHRASE);
        for (let j = i + 2; j <= last; j++) {
          const e = this.entries.get(text.slice(i, j));
          if (e === undefined || !counted.has(e)) continue;
          e.left.add(neighbourAt(text, i - 1));
          e.right.add(neighbourAt(text, j));
        }
      }
    }
    this.maybePrune();
  }

  addBackground(text: string, runs: readonly Span[]): void {
    this.bgDocs++;
    const seen = new Set<number>();
    forEachNgramHash(text, runs, (h1, h2) => {
      const k = h1 * 4096 + (h2 & 4095);
      if (seen.has(k)) return;
      seen.add(k);
      this.bgSketch.add(h1, h2);
    });
  }

  /** Background documents containing the n-gram (never low; see the header). */
  bgDf(key: string): number {
    const [h1, h2] = hashPair(key, 0, key.length);
    return Math.min(this.bgDocs, this.bgSketch.estimate(h1, h2));
  }

  /** Foreground occurrences of any string (an entry's, a character's, else the sketch's document count). */
  fgTf(key: string): number {
    const e = this.entries.get(key);
    if (e) return e.fgTf;
    if (key.length === 1) return this.charTf.get(key) ?? 0;
    const [h1, h2] = hashPair(key, 0, key.length);
    return this.fgSketch.estimate(h1, h2);
  }


  stats(): PhraseStats {
    return {
      foregroundDocs: this.fgDocs,
      backgroundDocs: this.bgDocs,
      foregroundChars: this.fgChars,
      entries: this.entries.size,
      prunes: this.prunes,
      floor: this.floor,
    };
  }

  protected docsOf(e: PhraseEntry): number {
    return e.fgDf;
  }
}
