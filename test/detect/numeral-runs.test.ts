// numeralMatches claims to find exactly what a global scan finds, for regexes that start with a
// number whose numeral part ends its run. Checked on random strings over an alphabet made to hit
// the edges (thousands separators, 余/多, lookbehinds on 第/元, spaces before the unit), against
// the same regex run as a plain scan, and on the real CAIL facts through the extractors' own tests.
import { describe, expect, it } from "vitest";
import { numeralMatches, numeralRuns, unitAfterSpace, unitRightAfter } from "../../src/detect/numeral-runs.js";
import { ARABIC_NUMBER_SOURCE as A, CN_NUMERAL_CHARS as CN } from "../../src/detect/numbers.js";

const COUNT = `(?<![0-9.${CN}第每元/])(?<![0-9],)(${A}[${CN}余多]*|[${CN}][${CN}余多]*|数[十百千万亿][${CN}余多]*)\\s?(条|份|组|个)`;
const VICTIMS = `((?:${A}[万]?|[${CN}]+))(余|多)?(?:名|位|个|户)(?:被害人|老人)`;

function scan(source: string, text: string): [number, string][] {
  const re = new RegExp(source, "g");
  return [...text.matchAll(re)].map((m) => [m.index, m[0]]);
}

function viaRuns(source: string, text: string, unitAt: (t: string, at: number) => boolean): [number, string][] {
  return [...numeralMatches(text, new RegExp(source, "y"), unitAt)].map((m) => [m.index, m[0]]);
}

/** A deterministic pseudo-random generator, so a failure names a string that can be replayed. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

const PIECES = ["1", "0", "5", "12", ",", ".", "三", "十", "万", "余", "多", "数", "第", "元", "/", " ", "条", "份", "个", "名", "位", "被害人", "老人", "信息", "人", "，"];

function randomText(rand: () => number): string {
  let s = "";
  const n = 1 + Math.floor(rand() * 14);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
  return s;
}

describe("numeral runs", () => {
  it("are the maximal runs of digits, Chinese numerals, separators and 余/多/数", () => {
    expect(numeralRuns("出售信息4万余条，共1,200元")).toEqual([4, 7, 10, 15]);
    expect(numeralRuns("没有号码")).toEqual([]);
    expect(numeralRuns("数据数万条")).toEqual([0, 1, 2, 4]);
  });

  /** Matches found via runs and by a plain scan on 20,000 random strings: equal; returns how many there were. */
  function fuzz(source: string, unit: (t: string, at: number) => boolean, seed: number): number {
    const rand = lcg(seed);
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = randomText(rand);
      const want = scan(source, text);
      expect(viaRuns(source, text, unit), JSON.stringify(text)).toEqual(want);
      matched += want.length;
    }
    return matched;
  }

  it("find exactly what a global scan finds (count pattern, 20,000 random strings)", () => {
    expect(fuzz(COUNT, unitAfterSpace(["条", "份", "组", "个"]), 7)).toBeGreaterThan(1000);
  });

  it("find exactly what a global scan finds (victims pattern, matches may start mid-run)", () => {
    const unit = unitRightAfter(["名", "位", "个", "户"]);
    expect(fuzz(VICTIMS, unit, 11)).toBeGreaterThan(200);
    // Mid-run: the scan fails at "1," and finds "2名被害人".
    expect(viaRuns(VICTIMS, "1,2名被害人", unit)).toEqual([[2, "2名被害人"]]);
  });

  it("refuse a regex that is not sticky", () => {
    expect(() => [...numeralMatches("1条", /1条/g, () => true)]).toThrow(/sticky/);
  });
});
