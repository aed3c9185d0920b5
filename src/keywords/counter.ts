// Streaming term counts for keyword capture: document frequencies in the foreground and background,
// foreground term frequency, co-occurrence with the dimensions found in each foreground document,
// and where the first two foreground occurrences were (for example sentences fetched later).
//
// Memory is bounded. The vocabulary (words + bigrams) grows with the corpus, so when it passes `cap`
// entries the rarest are pruned, lossy-counting style (Manku & Motwani): every entry seen in at most
// `floor` documents in all is dropped, raising the floor one step at a time until the vocabulary is
// back under 80% of the cap. A term that is dropped and comes back starts again from zero, so any
// count may be low by at most the final floor; the summary reports it. A cap large enough for the
// corpus means no pruning and exact counts.
//
// Co-occurrence vectors are allocated lazily: most bigrams occur in one document only, so a term's
// first foreground document is remembered as an interned "signature" (its set of dimensions) and a
// vector is made only when the term is seen in a second foreground document.
import type { DocTerms } from "./terms.js";
import { EntryCounter } from "./cooccurrence.js";

export const DEFAULT_VOCABULARY_CAP = 300_000;

export class TermEntry {
  fgDf = 0;
  bgDf = 0;
  fgTf = 0;
  /** Signature of the first foreground document's dimensions, until `cooc` exists. */
  sig = -1;
  cooc: Uint32Array | null = null;
  exDoc0 = -1;
  exStart0 = 0;
  exEnd0 = 0;
  exDoc1 = -1;
  exStart1 = 0;
  exEnd1 = 0;
  constructor(
    readonly lang: "zh" | "en",
    readonly n: 1 | 2,
    readonly surface: string,
  ) {}
}

export interface CounterStats {
  foregroundDocs: number;
  backgroundDocs: number;
  foregroundTokens: number;
  /** Foreground documents in which each dimension (by index) was found. */
  targetDocs: Uint32Array;
  vocabulary: number;
  prunes: number;
  /** Counts may be low by at most this many documents (0 = exact). */
  floor: number;
}

export class TermCounter extends EntryCounter<TermEntry> {
  private fgDocs = 0;
  private bgDocs = 0;
  private fgTokens = 0;
  private readonly targetDocs: Uint32Array;

  constructor(targetCount: number, cap: number = DEFAULT_VOCABULARY_CAP) {
    super(targetCount, cap);
    this.targetDocs = new Uint32Array(targetCount);
  }

  /** One foreground document: its terms, its ordinal in the corpus stream, the dimensions found in it. */
  addForeground(doc: DocTerms, ordinal: number, targets: readonly number[]): void {
    this.fgDocs++;
    this.fgTokens += doc.tokens;
    for (const t of targets) this.targetDocs[t]!++;
    const sig = targets.length > 0 ? this.targetLists.id(targets) : -1;
    for (const [key, term] of doc.terms) {
      const e = this.entry(key, term.lang, term.n, term.surface);
      e.fgDf++;
      e.fgTf += term.tf;
      if (sig >= 0) this.targetLists.add(e, sig, targets);
      if (e.exDoc0 < 0) {
        e.exDoc0 = ordinal;
        e.exStart0 = term.start;
        e.exEnd0 = term.end;
      } else if (e.exDoc1 < 0 && e.exDoc0 !== ordinal) {
        e.exDoc1 = ordinal;
        e.exStart1 = term.start;
        e.exEnd1 = term.end;
      }
    }
    this.maybePrune();
  }

  addBackground(doc: DocTerms): void {
    this.bgDocs++;
    for (const [key, term] of doc.terms) this.entry(key, term.lang, term.n, term.surface).bgDf++;
    this.maybePrune();
  }


  stats(): CounterStats {
    return {
      foregroundDocs: this.fgDocs,
      backgroundDocs: this.bgDocs,
      foregroundTokens: this.fgTokens,
      targetDocs: this.targetDocs,
      vocabulary: this.entries.size,
      prunes: this.prunes,
      floor: this.floor,
    };
  }

  private entry(key: string, lang: "zh" | "en", n: 1 | 2, surface: string): TermEntry {
    let e = this.entries.get(key);
    if (e === undefined) {
      e = new TermEntry(lang, n, surface);
      this.entries.set(key, e);
    }
    return e;
  }

  protected docsOf(e: TermEntry): number {
    return e.fgDf + e.bgDf;
  }
}
