// Sentence-by-sentence segmentation must give the same token boundaries as cutting the whole
// document (jieba cuts each Han/alphanumeric block on its own): checked on the fixtures and on
// the first 300 CAIL facts, for every span the engine could ask about.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readInputs } from "../src/ingest/index.js";
import { createSegmenter, normalize } from "../src/text/index.js";
import { createTokenBoundaries } from "../src/text/token-boundaries.js";

const segmenter = createSegmenter();
segmenter.addWords(["个人信息", "征信报告", "移动公司", "北京", "内鬼"]);

function agree(text: string): number {
  const starts = new Uint8Array(text.length + 1);
  const ends = new Uint8Array(text.length + 1);
  for (const t of segmenter.segment(text)) {
    starts[t.start] = 1;
    ends[t.end] = 1;
  }
  const isTokenSpan = createTokenBoundaries(text, segmenter);
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

describe("token boundaries by sentence", () => {
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
