// A count-min sketch (Cormode & Muthukrishnan) with conservative update: fixed memory, counts that
// are never low and, with conservative update, rarely high by more than a document or two at the
// sizes used here. Keyword capture counts the background's n-grams in one (every 2–6 character
// string of every background document, which no exact table could hold in bounded memory), and the
// foreground's first sightings in another.

export class CountMinSketch {
  private readonly table: Uint16Array | Uint8Array;
  private readonly mask: number;
  private readonly max: number;
  private total = 0;

  /**
   * `depth` rows of 2^`log2Width` counters of `bits` bits, saturating at 65,535 (or 255: enough where
   * only small counts matter, as for first sightings, at half the memory).
   */
  constructor(
    private readonly depth = 4,
    log2Width = 21,
    bits: 8 | 16 = 16,
  ) {
    this.table = bits === 8 ? new Uint8Array(depth << log2Width) : new Uint16Array(depth << log2Width);
    this.max = bits === 8 ? 0xff : 0xffff;
    this.mask = (1 << log2Width) - 1;
  }

  get bytes(): number {
    return this.table.byteLength;
  }

  /** Items added so far (the error bound grows with it). */
  get added(): number {
    return this.total;
  }

  private slot(row: number, h1: number, h2: number): number {
    return (row * (this.mask + 1)) + ((h1 + Math.imul(row, h2 | 1)) & this.mask);
  }

  /** Add one to the item; returns its new estimate. */
  add(h1: number, h2: number): number {
    this.total++;
    let min = this.max;
    for (let r = 0; r < this.depth; r++) min = Math.min(min, this.table[this.slot(r, h1, h2)]!);
    if (min === this.max) return min;
    const next = min + 1;
    for (let r = 0; r < this.depth; r++) {
      const s = this.slot(r, h1, h2);
      if (this.table[s]! < next) this.table[s] = next;
    }
    return next;
  }

  estimate(h1: number, h2: number): number {
    let min = this.max;
    for (let r = 0; r < this.depth; r++) min = Math.min(min, this.table[this.slot(r, h1, h2)]!);
    return min;
  }
}
