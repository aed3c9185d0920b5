// Span lookups that stay cheap on term-dense documents. Every question the matcher asks of the
// spans of a term set ("is one within this window?", "does one cover this candidate?") and of
// negation scopes and zones ("which one holds this position?") is answered by binary search over
// spans sorted once per document, so the matcher's cost grows with the hits, not hits × hits.

export interface Span {
  start: number;
  end: number;
}

/** Spans sorted by start (then end), with the longest length, for window and cover queries. */
export interface SortedSpans {
  spans: Span[];
  maxLength: number;
}

export function sortSpans(spans: Span[]): SortedSpans {
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  return sortedSpans(spans);
}

/** Spans already in sortSpans' order, with their longest length. */
export function sortedSpans(spans: Span[]): SortedSpans {
  let maxLength = 0;
  for (const s of spans) if (s.end - s.start > maxLength) maxLength = s.end - s.start;
  return { spans, maxLength };
}

/** Index of the first span starting at or after `at` (spans sorted by start). */
export function firstStartingAt(spans: readonly { start: number }[], at: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Some span lies within [from, to], other than [start, end) itself. */
export function anyWithin(sorted: SortedSpans, from: number, to: number, start: number, end: number): boolean {
  const { spans } = sorted;
  for (let i = firstStartingAt(spans, from); i < spans.length; i++) {
    const s = spans[i]!;
    if (s.start > to) return false;
    if (s.end <= to && !(s.start === start && s.end === end)) return true;
  }
  return false;
}

/** Some span covers [start, end] entirely. */
export function anyCovering(sorted: SortedSpans, start: number, end: number): boolean {
  const { spans } = sorted;
  for (let i = firstStartingAt(spans, start - sorted.maxLength); i < spans.length; i++) {
    const s = spans[i]!;
    if (s.start > start) return false;
    if (s.end >= end) return true;
  }
  return false;
}

/**
 * For scopes in their given order, a lookup of the FIRST scope (lowest index) holding a position
 * (start <= at < end): the answer a linear `scopes.find` gives, in O(log n) a query. Built by one
 * sweep over the scope edges, keeping the active scopes in a min-heap of their indexes.
 */
export function firstScopeAt<S extends Span>(scopes: readonly S[]): (at: number) => S | undefined {
  if (scopes.length === 0) return () => undefined;
  // A few scopes (most documents hold fewer than a handful): the linear `find` itself, with no
  // edge list, heap or segment table to build for a document that asks a few questions.
  if (scopes.length <= LINEAR_SCOPES) {
    return (at) => {
      for (let i = 0; i < scopes.length; i++) {
        const s = scopes[i]!;
        if (s.start <= at && at < s.end) return s;
      }
      return undefined;
    };
  }
  const order = scopes.map((_, i) => i).sort((a, b) => scopes[a]!.start - scopes[b]!.start);
  const edges = [...new Set(scopes.flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
  // Elementary segment k is [edges[k], edges[k+1]); owner[k] is the first scope covering it or -1.
  const owner = new Int32Array(edges.length).fill(-1);
  const heap: number[] = [];
  let next = 0;
  for (let k = 0; k < edges.length; k++) {
    const at = edges[k]!;
    while (next < order.length && scopes[order[next]!]!.start <= at) heapPush(heap, order[next++]!);
    // The top is the lowest index in the heap, so once it is active it is the answer; entries
    // that ended below it are dropped when they surface.
    while (heap.length > 0 && scopes[heap[0]!]!.end <= at) heapPop(heap);
    if (heap.length > 0) owner[k] = heap[0]!;
  }
  return (at) => {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! <= at) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k < 0) return undefined;
    const i = owner[k]!;
    return i >= 0 ? scopes[i] : undefined;
  };
}

/** Up to this many scopes, a lookup walks them all: cheaper than building the sweep for them. */
const LINEAR_SCOPES = 8;

function heapPush(heap: number[], v: number): void {
  heap.push(v);
  let i = heap.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heap[p]! <= v) break;
    heap[i] = heap[p]!;
    i = p;
  }
  heap[i] = v;
}

function heapPop(heap: number[]): void {
  const last = heap.pop()!;
  if (heap.length === 0) return;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= heap.length) break;
    const r = l + 1;
    const c = r < heap.length && heap[r]! < heap[l]! ? r : l;
    if (heap[c]! >= last) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = last;
}
