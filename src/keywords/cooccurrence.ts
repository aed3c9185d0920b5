// What the term and phrase counters share: each entry's co-occurrence with the run's target
// dimensions, stored as an interned target list while an entry was seen with one list only (most
// are), and as counts per target once it has been seen with two; and pruning the rarest entries
// when there are more than the cap.

/** An entry's co-occurrence: `sig` (an interned target list, -1: none) until `cooc` counts per target. */
export interface Cooccurring {
  sig: number;
  cooc: Uint32Array | null;
}

export class TargetLists {
  private readonly lists: number[][] = [];
  private readonly ids = new Map<string, number>();

  constructor(private readonly targetCount: number) {}

  /** The interned id of a target list. */
  id(targets: readonly number[]): number {
    const key = targets.join(",");
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.lists.length;
      this.lists.push([...targets]);
      this.ids.set(key, id);
    }
    return id;
  }

  /** The targets of an interned list. */
  listOf(id: number): readonly number[] {
    return this.lists[id]!;
  }

  /** One more foreground document of `e` with these targets (interned as `sig`). */
  add(e: Cooccurring, sig: number, targets: readonly number[]): void {
    if (e.cooc === null && e.sig < 0) {
      e.sig = sig;
      return;
    }
    if (e.cooc === null) {
      e.cooc = new Uint32Array(this.targetCount);
      for (const t of this.lists[e.sig]!) e.cooc[t]!++;
      e.sig = -1;
    }
    for (const t of targets) e.cooc[t]!++;
  }

  /** Foreground documents in which the entry co-occurred with each target. */
  countsOf(e: Cooccurring): Uint32Array {
    if (e.cooc) return e.cooc;
    const v = new Uint32Array(this.targetCount);
    if (e.sig >= 0) for (const t of this.lists[e.sig]!) v[t] = 1;
    return v;
  }
}

/**
 * What both counters keep: their entries by key, each entry's co-occurrence with the targets, and
 * pruning. Past `cap` entries, those in at most `floor` documents are dropped, raising the floor a
 * step at a time until 80% of the cap remain; any count may then be low by at most the floor.
 */
export abstract class EntryCounter<E extends Cooccurring> {
  readonly entries = new Map<string, E>();
  protected prunes = 0;
  protected floor = 0;
  protected readonly targetLists: TargetLists;

  constructor(
    targetCount: number,
    protected readonly cap: number,
  ) {
    this.targetLists = new TargetLists(targetCount);
  }

  /** Foreground documents in which the entry co-occurred with each dimension. */
  coocOf(e: E): Uint32Array {
    return this.targetLists.countsOf(e);
  }

  /** Documents an entry is counted in: what pruning keeps the most of. */
  protected abstract docsOf(e: E): number;

  protected maybePrune(): void {
    if (this.entries.size <= this.cap) return;
    this.prunes++;
    const goal = Math.floor(this.cap * 0.8);
    let threshold = this.floor;
    while (this.entries.size > goal) {
      threshold++;
      for (const [key, e] of this.entries) if (this.docsOf(e) <= threshold) this.entries.delete(key);
    }
    this.floor = threshold;
  }
}
