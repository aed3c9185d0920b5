import { describe, expect, it } from "vitest";
import { createAhoCorasick } from "../../src/text/aho-corasick.js";

function naive(patterns: string[], text: string): string[] {
  const out: string[] = [];
  patterns.forEach((p, i) => {
    for (let at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) out.push(`${i}@${at}-${at + p.length}`);
  });
  return out.sort();
}

describe("aho-corasick", () => {
  it("finds overlapping and nested terms in one pass", () => {
    const patterns = ["个人信息", "公民个人信息", "信息", "侵犯公民个人信息罪", "he", "she", "hers"];
    const text = "被告人构成侵犯公民个人信息罪，出售公民个人信息4万余条。ushers";
    const got = createAhoCorasick(patterns)
      .findAll(text)
      .map((h) => `${h.pattern}@${h.start}-${h.end}`)
      .sort();
    expect(got).toEqual(naive(patterns, text));
    expect(got).toContain("1@7-13");
  });

  it("agrees with a naive search on random text", () => {
    const alphabet = "征信报告出售abc";
    const rand = (n: number, seed: { v: number }) =>
      Array.from({ length: n }, () => alphabet[(seed.v = (seed.v * 1103515245 + 12345) % 2 ** 31) % alphabet.length]).join("");
    const seed = { v: 42 };
    const patterns = Array.from({ length: 30 }, () => rand(1 + (seed.v % 4), seed));
    const text = rand(2000, seed);
    const got = createAhoCorasick(patterns)
      .findAll(text)
      .map((h) => `${h.pattern}@${h.start}-${h.end}`)
      .sort();
    // Duplicate patterns: the naive search reports each copy, the automaton too.
    expect(got).toEqual(naive(patterns, text));
  });

  it("ignores empty patterns and handles an empty text", () => {
    const ac = createAhoCorasick(["", "a"]);
    expect(ac.findAll("")).toEqual([]);
    expect(ac.findAll("aa").map((h) => h.start)).toEqual([0, 1]);
  });
});
