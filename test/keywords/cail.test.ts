// Keyword capture on real data: the 5,067 CAIL2018 dev facts (../shared/data, never copied into the
// repo), fraud facts as found by the engine against every other fact. The top 30 must be clean (no
// stop words, names, masks, numbers or pack terms) and must contain words of the fraud trade.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/engine.js";
import { readInputs } from "../../src/ingest/index.js";
import { captureKeywords, hasMask, isPersonName, loadGeneralBackground, loadKeywordLexicon, type KeywordLexicon, type KeywordReport } from "../../src/keywords/index.js";
import { normalize } from "../../src/text/index.js";

const DEV = resolve(import.meta.dirname, "../..", "../shared/data/cail/dev.jsonl");

/**
 * Words of fraud cases a reviewer would recognise as such (deception, the loan/debt story most CAIL
 * fraud facts tell, the money trail). Not pack terms today; if a pack adopts some, fewer will show.
 */
const FRAUD_WORDS = [
  "信任", "借款", "偿还", "还款", "挥霍", "借条", "欠条", "欠款", "利息", "虚假", "伪造", "赃款", "钱财",
  "催要", "归还", "返还", "抵押", "履行合同", "合同", "签订", "名义", "承诺", "债务", "冒充", "谎称", "假冒",
  "骗得", "诱骗", "高额", "投资", "贷款", "办理", "许诺", "好处费", "介绍", "退还", "逃匿", "隐匿", "变卖",
  // the pretexts and the money trail as phrases: car-rental and car-purchase frauds, "urgent need of money"
  "资金周转", "急需用钱", "急需资金", "汽车租赁", "租赁汽车", "公司租赁", "购车款", "首付款", "赊购", "透支",
  "质押", "工程保证金", "买卖协议", "办理驾驶证", "安排工作",
];

let engine: Engine;
let lex: KeywordLexicon;
let report: KeywordReport;

beforeAll(async () => {
  expect(existsSync(DEV), `${DEV} (research data beside the repo)`).toBe(true);
  engine = await createEngine();
  lex = await loadKeywordLexicon();
  report = await captureKeywords(
    engine,
    { corpus: () => readInputs([DEV]) },
    { lexicon: lex, general: await loadGeneralBackground(), kind: "crime", targets: ["fraud"], top: 30 },
  );
}, 300_000);

describe("fraud candidates from CAIL dev", () => {
  it("splits the corpus by the engine's fraud finding and fills the top 30", () => {
    const s = report.summary;
    expect(s.corpusDocs).toBe(5067);
    expect(s.failures).toBe(0);
    // ~670 facts carry a fraud-family charge; the engine finds most, and some others.
    expect(s.foregroundDocs).toBeGreaterThan(400);
    expect(s.foregroundDocs).toBeLessThan(1200);
    expect(s.foregroundDocs + s.backgroundDocs).toBe(5067);
    expect(report.candidates).toHaveLength(30);
  });

  it("proposes no stop words, names, masked values, numbers or pack terms", () => {
    for (const c of report.candidates) {
      expect(lex.zhStop.has(c.term), `${c.term} is a stop word`).toBe(false);
      expect(isPersonName(c.term, lex), `${c.term} looks like a name`).toBe(false);
      expect(hasMask(c.term), c.term).toBe(false);
      expect(c.term, c.term).not.toMatch(/[0-9]/);
      expect(engine.compiled.zhTerms.includes(c.term), `${c.term} is a pack term`).toBe(false);
      for (const boiler of ["被告人", "公诉机关", "人民币", "本院", "经审理查明", "数额巨大", "有期徒刑"]) {
        expect(c.term.includes(boiler), `${c.term} carries boilerplate ${boiler}`).toBe(false);
      }
    }
  });

  it("finds words of the fraud trade, each over-represented and assigned to fraud, with examples", () => {
    const terms = report.candidates.map((c) => c.term);
    const known = terms.filter((t) => FRAUD_WORDS.includes(t));
    expect(known.length, `known fraud words among ${terms.join(" ")}`).toBeGreaterThanOrEqual(12);
    for (const c of report.candidates) {
      expect(c.target).toBe("fraud");
      expect(c.foregroundDocs / report.summary.foregroundDocs).toBeGreaterThan(c.backgroundDocs / report.summary.backgroundDocs);
      expect(c.examples.length).toBeGreaterThanOrEqual(1);
      for (const e of c.examples) expect(normalize(e).text).toContain(c.term);
    }
    // Ranked by log ratio, strongest first.
    for (let i = 1; i < report.candidates.length; i++) {
      expect(report.candidates[i]!.ratio).toBeLessThanOrEqual(report.candidates[i - 1]!.ratio);
    }
  });
});
