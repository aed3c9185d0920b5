// Clause-by-clause (or sentence-by-sentence) segmentation must give the same token boundaries as
// cutting the whole document (jieba cuts each Han/alphanumeric block on its own): checked on the
// fixtures and on the first 300 CAIL facts, for every span the engine could ask about, with both
// segmenters (node-rs narrows to clauses at punctuation; nodejieba only at spaces).
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readInputs } from "../../src/ingest/index.js";
import { createSegmenter, normalize } from "../../src/text/index.js";
import { BlockBreaks, NODE_RS_BLOCK_BREAKS, type Segmenter } from "../../src/text/segmenter.js";
import { createTokenBoundaries } from "../../src/text/token-boundaries.js";
import { createEngine } from "../../src/engine.js";

const WORDS = ["个人信息", "征信报告", "移动公司", "北京", "内鬼"];
const segmenter = createSegmenter();
segmenter.addWords(WORDS);

function agree(text: string, seg: Segmenter = segmenter): number {
  const starts = new Uint8Array(text.length + 1);
  const ends = new Uint8Array(text.length + 1);
  for (const t of seg.segment(text)) {
    starts[t.start] = 1;
    ends[t.end] = 1;
  }
  const isTokenSpan = createTokenBoundaries(text, seg);
  let checked = 0;
  for (let s = 0; s < text.length; s += 3) {
    for (const len of [1, 2, 3, 4]) {
      const e = Math.min(text.length, s + len);
      // Rule terms never hold a sentence delimiter: spans that do are not asked about.
      if (/[。！？；!?;\n\r]/.test(text.slice(s, e))) continue;
      expect(isTokenSpan(s, e), `${JSON.stringify(text.slice(Math.max(0, s - 5), e + 5))} @${s}-${e}`).toBe(starts[s] === 1 && ends[e] === 1);
      checked++;
    }
  }
  return checked;
}

describe("token boundaries by clause", () => {
  it("node-rs breaks blocks at commas, but not at a character some user word holds", () => {
    expect(segmenter.isBlockBreak?.(",".charCodeAt(0))).toBe(true);
    expect(segmenter.isBlockBreak?.("信".charCodeAt(0))).toBe(false);
    const breaks = new BlockBreaks(NODE_RS_BLOCK_BREAKS);
    expect(breaks.has("《".charCodeAt(0))).toBe(true);
    breaks.exclude(["《刑法》"]);
    expect(breaks.has("《".charCodeAt(0))).toBe(false);
    expect(breaks.has("》".charCodeAt(0))).toBe(false);
    expect(breaks.has(",".charCodeAt(0))).toBe(true);
  });

  it("a clause check segments less than the sentence and answers the same", () => {
    const cut: string[] = [];
    const spy: Segmenter = {
      name: "spy",
      addWords: () => {},
      segment: (t) => {
        cut.push(t);
        return segmenter.segment(t);
      },
      isBlockBreak: (c) => segmenter.isBlockBreak!(c),
    };
    const text = normalize("2019年3月，被告人张某在北京市朝阳区，通过微信向他人出售公民个人信息。").text;
    const at = text.indexOf("微信");
    expect(createTokenBoundaries(text, spy)(at, at + 2)).toBe(true);
    expect(cut).toEqual(["通过微信向他人出售公民个人信息"]);
  });

  it("equal whole-document segmentation on the fixtures with nodejieba", async () => {
    const nodejieba = createSegmenter("nodejieba");
    nodejieba.addWords(WORDS);
    let checked = 0;
    for await (const item of readInputs(["fixtures/docs", "fixtures/labelled"])) {
      if (item.ok) checked += agree(normalize(item.doc.text).text, nodejieba);
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it("equal whole-document segmentation on the fixtures", async () => {
    let checked = 0;
    for await (const item of readInputs(["fixtures/docs", "fixtures/labelled"])) {
      if (item.ok) checked += agree(normalize(item.doc.text).text);
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it("equal whole-document segmentation on real CAIL facts", () => {
    const dev = "../shared/data/cail/dev.jsonl";
    expect(existsSync(dev)).toBe(true);
    const facts = readFileSync(dev, "utf8").split("\n").slice(0, 300).filter(Boolean);
    let checked = 0;
    for (const line of facts) checked += agree(normalize((JSON.parse(line) as { fact: string }).fact).text);
    expect(checked).toBeGreaterThan(50_000);
  });
});

describe("boundary bits straight from the cut (markBoundaries)", () => {
  // Every user word of the bundled packs, as an engine loads them: merges happen often.
  const withRules = async (dictionary: "full" | "document"): Promise<Segmenter> => (await createEngine({ dictionary })).segmenter;

  function sameBits(seg: Segmenter, text: string): void {
    const a = { s: new Uint8Array(text.length + 1), e: new Uint8Array(text.length + 1) };
    const b = { s: new Uint8Array(text.length + 1), e: new Uint8Array(text.length + 1) };
    for (const t of seg.segment(text)) {
      a.s[t.start] = 1;
      a.e[t.end] = 1;
    }
    seg.markBoundaries!(text, 0, text.length, b.s, b.e);
    // Offsets inside a longer text too.
    const pad = "前缀，";
    const c = { s: new Uint8Array(pad.length + text.length + 1), e: new Uint8Array(pad.length + text.length + 1) };
    seg.markBoundaries!(pad + text, pad.length, pad.length + text.length, c.s, c.e);
    expect(Buffer.from(b.s).equals(Buffer.from(a.s)) && Buffer.from(b.e).equals(Buffer.from(a.e)), text.slice(0, 60)).toBe(true);
    expect(Buffer.from(c.s.subarray(pad.length)).equals(Buffer.from(a.s)) && Buffer.from(c.e.subarray(pad.length)).equals(Buffer.from(a.e))).toBe(true);
  }

  it("the same bits as the tokens on dev.jsonl facts and every fixture (full and per-document dictionaries)", async () => {
    // Every third fact: 1,689 facts, ~2 MB, keeps the test within its time on a busy machine.
    const texts: string[] = readFileSync("../shared/data/cail/dev.jsonl", "utf8")
      .split("\n")
      .filter((l, i) => l !== "" && i % 3 === 0)
      .map((l) => normalize((JSON.parse(l) as { fact: string }).fact).text);
    for await (const item of readInputs(["fixtures/docs", "fixtures/labelled"])) if (item.ok) texts.push(normalize(item.doc.text).text);
    const full = await withRules("full");
    for (const t of texts) sameBits(full, t);
    const scoped = await withRules("document");
    for (const t of texts.slice(0, 100)) sameBits(scoped, t);
    expect(texts.length).toBeGreaterThan(1500);
  });

  it("merges user words the tokens way", () => {
    const seg = createSegmenter();
    seg.addWords(["内鬼", "后台", "个人信息"]);
    for (const t of ["公司内鬼从后台导出个人信息", "内鬼内鬼后台", "个人信", "内"]) sameBits(seg, t);
  });
});
