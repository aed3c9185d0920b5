import { describe, expect, it } from "vitest";
import { parseChineseNumber, parseEnglishNumber } from "../../src/detect/numbers.js";

describe("parseChineseNumber", () => {
  it.each([
    ["915", 915],
    ["1,200", 1200],
    ["12,000", 12000],
    ["1,234,567", 1234567],
    ["0.5", 0.5],
    ["4万", 40000],
    ["1.2万", 12000],
    ["1.1万", 11000], // no binary noise: 1.1 * 10000 = 11000.000000000002 in plain JS
    ["8100万", 81000000],
    ["1.5亿", 150000000],
    ["450万", 4500000],
    ["1万2千", 12000],
    ["三万", 30000],
    ["一千", 1000],
    ["两千三百", 2300],
    ["十五", 15],
    ["十", 10],
    ["一十二", 12],
    ["一百二十万", 1200000],
    ["一千零五", 1005],
    ["一万零五百", 10500],
    ["三万五", 35000],
    ["一千五", 1500],
    ["一亿二千万", 120000000],
    ["二〇一九", 2019],
    ["数万", 20000],
    ["数十万", 200000],
    ["数百", 200],
    ["壹万贰仟", 12000],
    ["百", 100],
  ])("%s = %d", (s, n) => {
    expect(parseChineseNumber(s)).toBe(n);
  });

  it.each([
    ["十余万", 100000],
    ["二十余", 20],
    ["万余", 10000],
    ["4万余", 40000],
    ["20余万", 200000],
    ["5000多", 5000],
    ["8100万余", 81000000],
  ])("skips 余/多, giving the lower bound: %s = %d", (s, n) => {
    expect(parseChineseNumber(s)).toBe(n);
  });

  it.each(["", "  ", "余", "多", "abc", "3 5", "三5", "5三", "1,2", "4万条", "第三"])("%j is not a number", (s) => {
    expect(parseChineseNumber(s)).toBeNull();
  });
});

describe("parseEnglishNumber", () => {
  it.each([
    ["40,000", 40000],
    ["1.2 million", 1200000],
    ["4 thousand", 4000],
    ["3billion", 3e9],
  ])("%s = %d", (s, n) => {
    expect(parseEnglishNumber(s)).toBe(n);
  });

  it("rejects words it does not know", () => {
    expect(parseEnglishNumber("forty")).toBeNull();
    expect(parseEnglishNumber("4 dozen")).toBeNull();
  });
});
