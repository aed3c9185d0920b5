// Streaming scan output: for every format, results written one by one are byte for byte the
// formatter's output for the whole set (0, 1, 2 and 3 results; json switches from object to array).
import { describe, expect, it } from "vitest";
import { formatterNames, getFormatter, type Formatter } from "../../src/output/formatters.js";
import { streamResults } from "../../src/output/stream.js";
import { createEngine } from "../../src/engine.js";
import { scanDocument } from "../../src/pipeline.js";
import type { CaseResult } from "../../src/types.js";

const engine = await createEngine();
const texts = [
  "被告人张某利用担任某银行客户经理的职务便利，非法获取公民个人信息5000余条，出售给他人，获利人民币2万元。",
  "经审理查明，被告人李某以非法占有为目的，骗取被害人钱财共计3万元。联系电话13812345678。",
  'A "quoted", comma\nand newline text about personal data sold to a broker.',
];
const results: CaseResult[] = texts.map((t, i) => scanDocument({ id: `d,${i}`, source: `f"${i}".txt`, text: t, meta: {} }, engine));

function streamed(f: Formatter, rs: CaseResult[]): string {
  let out = "";
  const s = streamResults(f, (x) => (out += x));
  for (const r of rs) s.add(r);
  s.end();
  return out;
}

describe("streamResults", () => {
  for (const name of formatterNames()) {
    it(`${name}: same bytes as formatting the whole set`, () => {
      const f = getFormatter(name);
      expect(streamed(f, [])).toBe("");
      for (let n = 1; n <= results.length; n++) expect(streamed(f, results.slice(0, n))).toBe(f.format(results.slice(0, n)));
    });
  }
  it("a formatter it does not know gets the whole set at the end", () => {
    const f: Formatter = { name: "other", format: (rs) => rs.map((r) => r.id).join("|") };
    expect(streamed(f, results)).toBe("d,0|d,1|d,2");
  });
});
