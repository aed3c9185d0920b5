import { describe, expect, it } from "vitest";
import { createSegmenter, normalize, tokensFromWords, SEGMENTER_KINDS } from "../../src/text/index.js";
import type { Segmenter, Token } from "../../src/text/index.js";
import { UserWords } from "../../src/text/user-words.js";
import { UsageError } from "../../src/errors.js";

const TIMEOUT = 60_000; // nodejieba loads its dictionaries in ~3 s on a busy 2-core machine

function checkCoverage(text: string, tokens: Token[]): void {
  expect(tokens.map((t) => t.text).join("")).toBe(text);
  let pos = 0;
  for (const t of tokens) {
    expect(t.start).toBe(pos);
    expect(t.end).toBeGreaterThan(t.start);
    expect(text.slice(t.start, t.end)).toBe(t.text);
    pos = t.end;
  }
  expect(pos).toBe(text.length);
}

const texts = (seg: Segmenter, s: string): string[] => seg.segment(s).map((t) => t.text);

const DOC =
  "被告人張某利用其在銀行擔任櫃員的職務便利，非法獲取徵信報告９１５份，獲利人民幣３.５万余元。" +
  "Tel 138****1234, ID：11010519491231002X；㈱公司😀 ﬁle\t\n共计……4万余条";

describe.each(SEGMENTER_KINDS)("segmenter %s", (kind) => {
  it(
    "cuts normalized text into tokens whose offsets cover it exactly and map back to the original",
    () => {
      const seg = createSegmenter(kind);
      expect(seg.name).toBe(kind);
      const n = normalize(DOC);
      const tokens = seg.segment(n.text);
      checkCoverage(n.text, tokens);
      expect(tokens.map((t) => t.text)).toContain("银行");
      for (const t of tokens) {
        const span = n.spanToOriginal(t.start, t.end);
        const back = normalize(n.original.slice(span.start, span.end)).text;
        // Exact for tokens cut at character boundaries; a token inside an expansion ("株" of "㈱")
        // maps to the whole source character, whose normalization contains it.
        if (n.toOriginal(t.start) === n.toOriginalEnd(t.start) && n.toOriginal(t.end) === n.toOriginalEnd(t.end)) {
          expect(back).toBe(t.text);
        } else {
          expect(back).toContain(t.text);
        }
      }
      expect(seg.segment("")).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "keeps rule terms whole after addWords that it split before",
    () => {
      // nodejieba's dictionary is process-global: these assertions run before anything adds words to it
      // (vitest runs each test file in its own process).
      const seg = createSegmenter(kind);
      const s1 = "非法获取征信报告915份";
      const s2 = "出售给帮信罪嫌疑人";
      const s3 = "被告人张某内鬼被查获";
      expect(texts(seg, s1)).not.toContain("征信报告");
      expect(texts(seg, s2)).not.toContain("帮信罪");
      expect(texts(seg, s3)).not.toContain("内鬼");
      // Traditional rule terms are normalized before they reach the dictionary.
      seg.addWords(["征信报告", "幫信罪", "内鬼", "with space", " ", ""]);
      expect(texts(seg, s1)).toContain("征信报告");
      expect(texts(seg, s2)).toContain("帮信罪");
      expect(texts(seg, s3)).toContain("内鬼");
      checkCoverage(s2, seg.segment(s2));
      // A term the dictionary already knows must not have its frequency overwritten (人/民医院).
      const s4 = "他在某市人民医院工作";
      const before = texts(seg, s4);
      seg.addWords(["医院", "员工"]);
      expect(texts(seg, s4)).toEqual(before);
      expect(before).toContain("医院");
    },
    TIMEOUT,
  );
});

describe("createSegmenter", () => {
  it("rejects an unknown kind with a usage error naming the valid ones", () => {
    // @ts-expect-error: deliberately wrong kind
    expect(() => createSegmenter("hanlp")).toThrow(UsageError);
    // @ts-expect-error: deliberately wrong kind
    expect(() => createSegmenter("hanlp")).toThrow(/node-rs, nodejieba/);
  });
});

describe("tokensFromWords", () => {
  it("computes offsets from words that concatenate to the text", () => {
    expect(tokensFromWords("张三卖了卡", ["张三", "卖", "了", "卡"])).toEqual([
      { start: 0, end: 2, text: "张三" },
      { start: 2, end: 3, text: "卖" },
      { start: 3, end: 4, text: "了" },
      { start: 4, end: 5, text: "卡" },
    ]);
  });

  it("turns skipped stretches and unmatched tails into tokens so coverage stays exact", () => {
    const text = "张三 卖了卡";
    const tokens = tokensFromWords(text, ["张三", "卖了", "X"]);
    checkCoverage(text, tokens);
    expect(tokens.map((t) => t.text)).toEqual(["张三", " ", "卖了", "卡"]);
  });
});

describe("UserWords", () => {
  it("merges adjacent tokens that spell a user word, longest first", () => {
    const uw = new UserWords();
    uw.add(["内鬼", "征信报告", "征信报告单"]);
    const tokens = tokensFromWords("内鬼卖征信报告", ["内", "鬼", "卖", "征信", "报告"]);
    expect(uw.merge(tokens).map((t) => [t.text, t.start, t.end])).toEqual([
      ["内鬼", 0, 2],
      ["卖", 2, 3],
      ["征信报告", 3, 7],
    ]);
  });

  it("leaves tokens alone when a cut crosses the word's edge", () => {
    const uw = new UserWords();
    uw.add(["个人信息"]);
    const tokens = tokensFromWords("张某个人信息", ["张", "某个", "人", "信息"]);
    expect(uw.merge(tokens)).toEqual(tokens);
  });
});
