import { describe, expect, it } from "vitest";
import { normalize, TRADITIONAL_RATIO } from "../../src/text/index.js";
import type { NormalizedText } from "../../src/text/index.js";

/** Invariants every offset map must satisfy. */
function checkMap(n: NormalizedText): void {
  const len = n.text.length;
  expect(n.toOriginal(0)).toBe(0);
  expect(n.toOriginalEnd(0)).toBe(0);
  expect(n.toOriginal(len)).toBe(n.original.length);
  expect(n.toOriginalEnd(len)).toBe(n.original.length);
  for (let i = 0; i < len; i++) {
    expect(n.toOriginal(i + 1)).toBeGreaterThanOrEqual(n.toOriginal(i));
    expect(n.toOriginalEnd(i + 1)).toBeGreaterThanOrEqual(n.toOriginalEnd(i));
    expect(n.toOriginalEnd(i)).toBeGreaterThanOrEqual(n.toOriginal(i));
  }
}

/** Offsets at which normalized and original text are cut at the same character boundary. */
function boundaries(n: NormalizedText): number[] {
  const out: number[] = [];
  for (let i = 0; i <= n.text.length; i++) if (n.toOriginal(i) === n.toOriginalEnd(i)) out.push(i);
  return out;
}

/** Every span between two boundaries maps to original text that normalizes back to exactly that span. */
function checkRoundTrip(n: NormalizedText): void {
  const b = boundaries(n);
  for (let x = 0; x < b.length; x++) {
    for (let y = x + 1; y < b.length; y++) {
      const s = b[x]!;
      const e = b[y]!;
      const src = n.original.slice(n.toOriginal(s), n.toOriginal(e));
      expect(normalize(src).text, `span ${s}..${e} of ${JSON.stringify(n.original)}`).toBe(n.text.slice(s, e));
    }
  }
}

describe("normalize: width folding and case", () => {
  it("folds fullwidth digits and letters one for one, so offsets are the identity", () => {
    const n = normalize("电话１３８１２３４５６７８，ＩＤ：Ａｂ");
    expect(n.text).toBe("电话13812345678,id:ab");
    expect(n.text.length).toBe(n.original.length);
    for (let i = 0; i <= n.text.length; i++) expect(n.toOriginal(i)).toBe(i);
    expect(n.traditional).toBe(false);
  });

  it("lowercases ASCII letters and leaves Chinese alone", () => {
    const n = normalize("The BANK 银行 Card");
    expect(n.text).toBe("the bank 银行 card");
  });

  it("returns the very same string when nothing changes", () => {
    const s = "被告人张某在北京市朝阳区出售公民个人信息4万余条。";
    expect(normalize(s).text).toBe(s);
  });

  it("handles the empty string", () => {
    const n = normalize("");
    expect(n.text).toBe("");
    expect(n.toOriginal(0)).toBe(0);
    expect(n.spanToOriginal(0, 0)).toEqual({ start: 0, end: 0 });
  });
});

describe("normalize: offsets when NFKC changes the length", () => {
  it("maps ㈱ -> (株): inside the expansion starts round down and ends round up", () => {
    const n = normalize("甲㈱乙");
    expect(n.text).toBe("甲(株)乙");
    expect([0, 1, 2, 3, 4, 5].map((i) => n.toOriginal(i))).toEqual([0, 1, 1, 1, 2, 3]);
    expect([0, 1, 2, 3, 4, 5].map((i) => n.toOriginalEnd(i))).toEqual([0, 1, 2, 2, 2, 3]);
    // A finding on "株" alone points at the whole source character.
    expect(n.spanToOriginal(2, 3)).toEqual({ start: 1, end: 2 });
    expect(n.spanToOriginal(4, 5)).toEqual({ start: 2, end: 3 });
    checkMap(n);
    checkRoundTrip(n);
  });

  it("maps the ligature ﬁ -> fi and shifts what follows", () => {
    const n = normalize("ﬁle 征信");
    expect(n.text).toBe("file 征信");
    expect(n.spanToOriginal(5, 7)).toEqual({ start: 4, end: 6 });
    expect(n.original.slice(4, 6)).toBe("征信");
    checkMap(n);
    checkRoundTrip(n);
  });

  it("keeps astral characters (emoji) intact and aligned", () => {
    const n = normalize("a😀b𠀀c");
    expect(n.text).toBe("a😀b𠀀c");
    checkMap(n);
    const m = normalize("𝐀𝐁😀Ｃ");
    expect(m.text).toBe("ab😀c"); // mathematical bold capitals are 2 units each and fold to 1
    expect(m.spanToOriginal(2, 4)).toEqual({ start: 4, end: 6 });
    checkMap(m);
    checkRoundTrip(m);
  });

  it("composes combining marks with their base, as whole-string NFKC does", () => {
    const n = normalize("Cafe\u0301 ｶﾞ x");
    expect(n.text).toBe("café ガ x");
    expect(n.text).toBe(n.original.normalize("NFKC").toLowerCase());
    expect(n.spanToOriginal(3, 4)).toEqual({ start: 3, end: 5 });
    checkMap(n);
    checkRoundTrip(n);
  });

  it("lowercases characters whose lowercase is longer (İ) without losing the map", () => {
    const n = normalize("İD卡");
    expect(n.text).toBe("i\u0307d卡");
    expect(n.spanToOriginal(2, 4)).toEqual({ start: 1, end: 3 });
    checkMap(n);
  });

  it("expands the Chinese ellipsis and keeps later offsets exact", () => {
    const n = normalize("……获利3万余元");
    expect(n.text).toBe("......获利3万余元");
    const at = n.text.indexOf("3万余元");
    expect(n.original.slice(n.toOriginal(at), n.toOriginalEnd(at + 4))).toBe("3万余元");
    checkMap(n);
    checkRoundTrip(n);
  });

  it("agrees with whole-string NFKC on random mixes of tricky characters", () => {
    const pool = [..."ab AZ1２３Ｚｚ，（）㈱ﬁ…①㎏™½ｶﾞﾟｱ가\u1100\u1161\u11a8e\u0301\u0308😀𝐀𠀀中文银行卡号\u3000\t\n"];
    let seed = 7;
    const rand = (k: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % k;
    };
    for (let round = 0; round < 300; round++) {
      let s = "";
      const len = 1 + rand(12);
      for (let j = 0; j < len; j++) s += pool[rand(pool.length)]!;
      const n = normalize(s);
      expect(n.text, JSON.stringify(s)).toBe(s.normalize("NFKC").toLowerCase());
      checkMap(n);
      checkRoundTrip(n);
    }
  });
});

describe("normalize: traditional -> simplified", () => {
  it("converts a traditional document, keeping its length and offsets", () => {
    const n = normalize("被告人張某非法獲取公民個人資料，出售給他人，獲利１萬餘元。");
    expect(n.text).toBe("被告人张某非法获取公民个人资料,出售给他人,获利1万余元。");
    expect(n.traditional).toBe(true);
    expect(n.text.length).toBe(n.original.length);
    const at = n.text.indexOf("个人资料");
    expect(n.original.slice(n.toOriginal(at), n.toOriginalEnd(at + 4))).toBe("個人資料");
  });

  it("converts a short traditional term (rule terms are normalized too)", () => {
    expect(normalize("個人資料").text).toBe("个人资料");
    expect(normalize("徵信報告").text).toBe("征信报告");
    expect(normalize("身分證").text).toBe("身分证");
  });

  it("folds Hong Kong variants (衞, 綫) as well", () => {
    expect(normalize("衞生局綫人").text).toBe("卫生局线人");
  });

  it("leaves simplified documents with a stray traditional character alone (names like 黄仿乾)", () => {
    const s = "公诉机关指控：2009年9月7日8时30分许，被告人黄仿乾携带刀片窜到贵港市城区公共汽车上，伺机扒窃乘客财物。被告人沈某坏了规矩。";
    const n = normalize(s);
    expect(n.traditional).toBe(false);
    expect(n.text).toContain("黄仿乾");
    expect(n.text).toContain("沈某坏了");
    expect(TRADITIONAL_RATIO).toBeGreaterThan(0.028); // the measured maximum on simplified CAIL facts
  });

  it("keeps length when a conversion would turn a BMP character into an astral one", () => {
    // 㗲 -> 𠵾 (astral) in OpenCC's table: skipped so the map stays 1:1; the rest still converts.
    const n = normalize("㗲個人資料");
    expect(n.text.length).toBe(n.original.length);
    expect(n.text.endsWith("个人资料")).toBe(true);
  });

  it("round-trips spans of a mixed traditional, fullwidth and emoji document", () => {
    const n = normalize("Ａ公司㈱收集１３８****１２３４的個人資料😀共計……3萬餘條");
    expect(n.traditional).toBe(true);
    expect(n.text).toBe("a公司(株)收集138****1234的个人资料😀共计......3万余条");
    checkMap(n);
    const at = n.text.indexOf("138****1234");
    expect(n.original.slice(n.toOriginal(at), n.toOriginalEnd(at + 11))).toBe("１３８****１２３４");
  });
});
