// Aho–Corasick automaton over UTF-16 code units: every dictionary term of every rule pack is
// found in ONE pass over the text, however many terms there are (never a loop of indexOf per term).
//
// The trie is built in flat integer arrays, then frozen into typed arrays (children sorted by code
// unit, binary-searched; the root gets a direct 64K table). Thousands of per-node Maps cost a
// one-file scan more in garbage collection than the whole match does.

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
  /** The same occurrences, in the same order, handed to `onHit` one by one (no array of them all). */
  eachHit(text: string, onHit: (hit: AcHit) => void): void;
}

export function createAhoCorasick(patterns: readonly string[]): AhoCorasick {
  // 1. Trie as first-child / next-sibling lists in plain arrays of small integers (no per-node
  // objects); the root's children go straight into a 64K table.
  const root = new Int32Array(0x10000);
  const firstChild: number[] = [-1];
  const nextSibling: number[] = [-1];
  const charOf: number[] = [0];
  const ownOut: number[][] = [[]];
  const childOf = (node: number, c: number): number => {
    if (node === 0) return root[c] || -1;
    for (let k = firstChild[node]!; k !== -1; k = nextSibling[k]!) if (charOf[k] === c) return k;
    return -1;
  };
  patterns.forEach((p, index) => {
    if (p.length === 0) return;
    let node = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      let next = childOf(node, c);
      if (next === -1) {
        next = charOf.length;
        charOf.push(c);
        firstChild.push(-1);
        ownOut.push([]);
        if (node === 0) {
          root[c] = next;
          nextSibling.push(-1);
        } else {
          nextSibling.push(firstChild[node]!);
          firstChild[node] = next;
        }
      }
      node = next;
    }
    ownOut[node]!.push(index);
  });
  const n = charOf.length;

  // 2. Flatten: children of node k are childChar/childNode[childStart[k] .. childStart[k+1]),
  // sorted by code unit for a binary search.
  const childStart = new Int32Array(n + 1);
  const kids: number[] = [];
  const counts = new Int32Array(n);
  for (let k = 1; k < n; k++) for (let c = firstChild[k]!; c !== -1; c = nextSibling[c]!) counts[k]!++;
  let total = 0;
  for (let k = 0; k < n; k++) {
    childStart[k] = total;
    total += counts[k]!;
  }
  childStart[n] = total;
  const childChar = new Uint16Array(total);
  const childNode = new Int32Array(total);
  for (let k = 1; k < n; k++) {
    kids.length = 0;
    for (let c = firstChild[k]!; c !== -1; c = nextSibling[c]!) kids.push(c);
    kids.sort((a, b) => charOf[a]! - charOf[b]!);
    let at = childStart[k]!;
    for (const child of kids) {
      childChar[at] = charOf[child]!;
      childNode[at++] = child;
    }
  }
  const rootChildren: number[] = [];
  for (let c = 0; c < 0x10000; c++) if (root[c]! > 0) rootChildren.push(root[c]!);

  const step = (node: number, c: number): number => {
    if (node === 0) return root[c]!;
    let lo = childStart[node]!;
    let hi = childStart[node + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const mc = childChar[mid]!;
      if (mc === c) return childNode[mid]!;
      if (mc < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };

  // 3. Failure links breadth-first, and for each node the next node on its failure chain that
  // has output (so matching walks only nodes that report something).
  const fail = new Int32Array(n);
  const outLink = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (const child of rootChildren) queue.push(child);
  for (let qi = 0; qi < queue.length; qi++) {
    const node = queue[qi]!;
    for (let e = childStart[node]!; e < childStart[node + 1]!; e++) {
      const c = childChar[e]!;
      const child = childNode[e]!;
      let f = fail[node]!;
      let target = step(f, c);
      while (target <= 0 && f !== 0) {
        f = fail[f]!;
        target = step(f, c);
      }
      const fc = target > 0 && target !== child ? target : 0;
      fail[child] = fc;
      outLink[child] = ownOut[fc]!.length > 0 ? fc : outLink[fc]!;
      queue.push(child);
    }
  }
  // Outputs flattened: node k reports outList[outStart[k] .. outStart[k+1]).
  const outStart = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) outStart[k + 1] = outStart[k]! + ownOut[k]!.length;
  const outList = new Int32Array(outStart[n]!);
  for (let k = 0; k < n; k++) outList.set(ownOut[k]!, outStart[k]!);
  const hasOut = new Uint8Array(n);
  for (let k = 0; k < n; k++) hasOut[k] = ownOut[k]!.length > 0 ? 1 : 0;
  const lengths = Int32Array.from(patterns, (p) => p.length);
  // A code unit no pattern holds sends every state back to the root, which reports nothing: most
  // characters of a text, skipped without walking a failure chain.
  const inAlphabet = new Uint8Array(0x10000);
  for (let k = 1; k < n; k++) inAlphabet[charOf[k]!] = 1;

  const eachHit = (text: string, onHit: (hit: AcHit) => void): void => {
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inAlphabet[c] === 0) {
        node = 0;
        continue;
      }
      let next = step(node, c);
      while (next <= 0 && node !== 0) {
        node = fail[node]!;
        next = step(node, c);
      }
      node = next > 0 ? next : 0;
      for (let k = hasOut[node] ? node : outLink[node]!; k > 0; k = outLink[k]!) {
        for (let o = outStart[k]!, e = outStart[k + 1]!; o < e; o++) {
          const pattern = outList[o]!;
          onHit({ pattern, start: i + 1 - lengths[pattern]!, end: i + 1 });
        }
      }
    }
  };

  return {
    size: patterns.length,
    findAll(text: string): AcHit[] {
      const hits: AcHit[] = [];
      eachHit(text, (h) => hits.push(h));
      return hits;
    },
    eachHit,
  };
}
