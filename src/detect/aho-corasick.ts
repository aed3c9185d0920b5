// Aho–Corasick automaton over UTF-16 code units: every dictionary term of every rule pack is
// found in ONE pass over the text, however many terms there are (never a loop of indexOf).

export interface AcHit {
  /** Index of the pattern in the array given to createAhoCorasick. */
  pattern: number;
  start: number;
  end: number;
}

export interface AhoCorasick {
  readonly size: number;
  /** Every occurrence of every pattern, overlapping ones included, ordered by end offset. */
  findAll(text: string): AcHit[];
}

export function createAhoCorasick(patterns: readonly string[]): AhoCorasick {
  // Node tables as parallel arrays: goto edges in one Map per node, failure link, own output
  // (pattern index or -1) and a link to the next node on the failure chain that has output.
  const edges: Map<number, number>[] = [new Map()];
  const fail: number[] = [0];
  const out: number[][] = [[]];
  const outLink: number[] = [-1];
  const lengths = patterns.map((p) => p.length);

  patterns.forEach((p, index) => {
    if (p.length === 0) return;
    let node = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      let next = edges[node]!.get(c);
      if (next === undefined) {
        next = edges.length;
        edges.push(new Map());
        fail.push(0);
        out.push([]);
        outLink.push(-1);
        edges[node]!.set(c, next);
      }
      node = next;
    }
    out[node]!.push(index);
  });

  // Breadth-first failure links.
  const queue: number[] = [];
  for (const child of edges[0]!.values()) queue.push(child);
  for (let qi = 0; qi < queue.length; qi++) {
    const node = queue[qi]!;
    for (const [c, child] of edges[node]!) {
      let f = fail[node]!;
      while (f !== 0 && !edges[f]!.has(c)) f = fail[f]!;
      const target = edges[f]!.get(c);
      fail[child] = target !== undefined && target !== child ? target : 0;
      const fc = fail[child]!;
      outLink[child] = out[fc]!.length > 0 ? fc : outLink[fc]!;
      queue.push(child);
    }
  }

  return {
    size: patterns.length,
    findAll(text: string): AcHit[] {
      const hits: AcHit[] = [];
      let node = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        let next = edges[node]!.get(c);
        while (next === undefined && node !== 0) {
          node = fail[node]!;
          next = edges[node]!.get(c);
        }
        node = next ?? 0;
        for (let n = out[node]!.length > 0 ? node : outLink[node]!; n > 0; n = outLink[n]!) {
          for (const pattern of out[n]!) {
            hits.push({ pattern, start: i + 1 - lengths[pattern]!, end: i + 1 });
          }
        }
      }
      return hits;
    },
  };
}
