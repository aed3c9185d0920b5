import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyCovering, anyWithin, firstScopeAt, sortSpans, type Span } from "../../src/detect/spans.js";

// The sorted lookups must answer exactly what the linear scans they replaced answered.
const span = fc.tuple(fc.nat(200), fc.nat(40)).map(([start, len]): Span => ({ start, end: start + len }));
const scopes = fc.array(span, { maxLength: 60 }).map((list) => list.map((s, i) => ({ ...s, ruleId: `r${i}` })));

describe("span lookups", () => {
  it("firstScopeAt gives the first scope in order holding a position, as Array.find does", () => {
    fc.assert(
      fc.property(scopes, fc.array(fc.nat(260), { maxLength: 40 }), (list, points) => {
        const at = firstScopeAt(list);
        for (const p of points) expect(at(p)).toBe(list.find((s) => p >= s.start && p < s.end));
      }),
      { numRuns: 500 },
    );
  });

  it("anyWithin and anyCovering agree with a linear scan", () => {
    fc.assert(
      fc.property(fc.array(span, { maxLength: 80 }), span, fc.nat(50), (list, c, w) => {
        const linearWithin = list.some((s) => s.start >= c.start - w && s.end <= c.end + w && !(s.start === c.start && s.end === c.end));
        const linearCovers = list.some((s) => s.start <= c.start && s.end >= c.end);
        const sorted = sortSpans([...list]);
        expect(anyWithin(sorted, c.start - w, c.end + w, c.start, c.end)).toBe(linearWithin);
        expect(anyCovering(sorted, c.start, c.end)).toBe(linearCovers);
      }),
      { numRuns: 1000 },
    );
  });

  it("answers a million scopes without deep recursion or quadratic time", () => {
    const many = Array.from({ length: 1_000_000 }, (_, i) => ({ start: i * 2, end: i * 2 + 3, ruleId: "z" }));
    const at = firstScopeAt(many);
    expect(at(1_999_997)?.start).toBe(1_999_996);
    expect(at(1_999_999)?.start).toBe(1_999_998);
    expect(at(2_000_001)).toBe(undefined);
  });
});
