// Keyword capture, stage by stage: statistics, the bounded counter, term extraction, names, snippets,
// pack-term policy and the YAML writer. Real word lists and the real jieba dictionary scan.
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  candidatesToYaml,
  createPackTermIndex,
  hasMask,
  isPersonName,
  loadKeywordLexicon,
  logLikelihood,
  maskNames,
  slugOf,
  snippetSpan,
  TermCounter,
  termsFromEnTokens,
  termsFromZhTokens,
  type KeywordLexicon,
  type KeywordReport,
} from "../../src/keywords/index.js";
import { compileRules } from "../../src/rules/compile.js";
import { parseRulePacks } from "../../src/rules/load.js";
import { normalize, stemPhrase, tokenizeEnglish, type Token } from "../../src/text/index.js";

let lex: KeywordLexicon;
beforeAll(async () => {
  lex = await loadKeywordLexicon();
});

/** Tokens from a hand cut ("a|b|c"), so term extraction is tested apart from jieba. */
function cut(spec: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  for (const w of spec.split("|")) {
    out.push({ start: pos, end: pos + w.length, text: w });
    pos += w.length;
  }
  return out;
}

describe("logLikelihood (Dunning G²)", () => {
  it("matches a hand-computed 2×2 table and is signed by direction", () => {
    // a=10 of 20 foreground, b=5 of 80 background: 2·Σ O·ln(O/E) with E from the margins.
    const e = (r: number, c: number): number => (r * c) / 100;
    const expected =
      2 * (10 * Math.log(10 / e(20, 15)) + 5 * Math.log(5 / e(80, 15)) + 10 * Math.log(10 / e(20, 85)) + 75 * Math.log(75 / e(80, 85)));
    expect(logLikelihood(10, 20, 5, 80)).toBeCloseTo(expected, 10);
    expect(logLikelihood(1, 20, 40, 80)).toBeLessThan(0);
    expect(logLikelihood(3, 20, 12, 80)).toBeCloseTo(0, 10); // same rate on both sides
    expect(logLikelihood(3, 0, 1, 10)).toBe(0);
  });

  it("ranks a term found in 6/10 vs 0/10 above one in 8/10 vs 4/10", () => {
    expect(logLikelihood(6, 10, 0, 10)).toBeGreaterThan(logLikelihood(8, 10, 4, 10));
  });
});

describe("TermCounter", () => {
  const doc = (...keys: string[]) => ({
    tokens: keys.length,
    terms: new Map(keys.map((k, i) => [k, { key: k, lang: "zh" as const, n: 1 as const, surface: k, tf: 1, start: i, end: i + 1 }])),
  });

  it("counts documents per side, co-occurrence with dimensions and two example documents", () => {
    const c = new TermCounter(3);
    c.addForeground(doc("码商", "银行"), 0, [1]);
    c.addForeground(doc("码商"), 1, [1, 2]);
    c.addForeground(doc("码商"), 2, []);
    c.addBackground(doc("银行"));
    const e = c.entries.get("码商")!;
    expect([e.fgDf, e.bgDf, e.fgTf]).toEqual([3, 0, 3]);
    expect([...c.coocOf(e)]).toEqual([0, 2, 1]);
    expect([...c.coocOf(c.entries.get("银行")!)]).toEqual([0, 1, 0]); // from the parked signature
    expect([e.exDoc0, e.exDoc1]).toEqual([0, 1]);
    const s = c.stats();
    expect([s.foregroundDocs, s.backgroundDocs, [...s.targetDocs]]).toEqual([3, 1, [0, 2, 1]]);
  });

  it("prunes the rarest terms when the vocabulary passes its cap and reports the count floor", () => {
    const c = new TermCounter(1, 50);
    for (let i = 0; i < 200; i++) c.addBackground(doc(`常见`, `罕见${i}`));
    const s = c.stats();
    expect(s.vocabulary).toBeLessThanOrEqual(50);
    expect(s.prunes).toBeGreaterThan(0);
    expect(s.floor).toBeGreaterThanOrEqual(1);
    // The frequent term survives every prune with its count low by at most the floor.
    expect(c.entries.get("常见")!.bgDf).toBeGreaterThanOrEqual(200 - s.floor);
  });
});

describe("names", () => {
  it("knows names by shape and dictionary, masked or not, and leaves words that look alike", () => {
    for (const n of ["刘二军", "陈小红", "王小明", "李娜", "欧阳明华"]) expect(isPersonName(n, lex), n).toBe(true);
    for (const w of ["黄牛", "码商", "马仔", "文明", "银行卡", "白卡", "钱包", "高速"]) expect(isPersonName(w, lex), w).toBe(false);
    for (const m of ["张某", "王某某", "某甲", "李×1", "赵*"]) expect(hasMask(m), m).toBe(true);
  });

  it("masks names in an example sentence, keeping its length", () => {
    const s = "被告人经刘二军介绍结识码商";
    const masked = maskNames(s, cut("被告人|经|刘二军|介绍|结识|码商"), lex);
    expect(masked).toBe("被告人经刘某某介绍结识码商");
    expect(masked.length).toBe(s.length);
  });

  it("masks names a source masked only in part (梁某红), not the narration after a masked one", () => {
    const s = "被告人梁某红将信息出售给欧阳某华，郑某先后联系张某某。";
    const masked = maskNames(s, cut("被告人|梁某红|将|信息|出售|给|欧阳某华|，|郑某|先后|联系|张某某|。"), lex);
    expect(masked).toBe("被告人梁某某将信息出售给欧阳某某，郑某先后联系张某某。");
    expect(masked.length).toBe(s.length);
  });

  it("masks a pseudonym and an unknown three-character word that starts with a surname", () => {
    const s = "刘贝煌（化名）利用其工作之便，向欧立新出售客户数据";
    expect(maskNames(s, cut("刘贝煌|（|化名|）|利用|其|工作|之|便|，|向|欧立新|出售|客户|数据"), lex)).toBe("刘某某（化名）利用其工作之便，向欧某某出售客户数据");
    // A place is not a person.
    expect(maskNames("吴兴区检察院", cut("吴兴区|检察院"), lex)).toBe("吴兴区检察院");
  });

  it("never masks inside the span it is told to keep (the candidate term of an example)", () => {
    const s = "李某红码异常";
    expect(maskNames(s, cut("李某|红码|异常"), lex)).toBe("李某某码异常");
    // 红码 is the term: the given-name reading of 红 must not eat it.
    expect(maskNames(s, cut("李某|红码|异常"), lex, { start: 2, end: 4 })).toBe("李某红码异常");
  });
});

describe("termsFromZhTokens", () => {
  it("keeps words and bigrams, drops stop words, numbers, places, names, masks and identifiers", () => {
    const text = "被告人|张|某|经|刘二军|介绍|将|银行卡|出租|给|码商|，|获利|3000|元|，|深圳市|南山区|电话|13912345678|三万余|一个月|百分之二";
    const tokens = cut(text);
    const phone = tokens.find((t) => t.text === "13912345678")!;
    const { terms } = termsFromZhTokens(tokens, [{ start: phone.start, end: phone.end }], lex);
    const keys = [...terms.keys()];
    expect(keys).toEqual(expect.arrayContaining(["银行卡", "出租", "码商", "银行卡出租", "获利", "电话"]));
    for (const bad of ["被告人", "张某", "刘二军", "3000", "深圳市", "南山区", "三万余", "一个月", "百分之二", "13912345678", "给码商", "将银行卡"]) {
      expect(keys, bad).not.toContain(bad);
    }
    // No bigram bridges a dropped token (the name, the stop word 介绍, the comma, the number).
    expect(keys).not.toContain("介绍");
    expect(keys).not.toContain("出租给");
    expect(keys.some((k) => k.includes("二军"))).toBe(false);
    expect(terms.get("码商")).toMatchObject({ n: 1, tf: 1, lang: "zh" });
    expect(text.replace(/\|/g, "").slice(terms.get("码商")!.start, terms.get("码商")!.end)).toBe("码商");
  });

  it("joins single characters into bigrams (jieba cuts unknown slang: 跑|分卡)", () => {
    const { terms } = termsFromZhTokens(cut("收取|跑|分卡|后"), [], lex);
    expect(terms.get("跑分卡")).toMatchObject({ n: 2 });
    expect(terms.has("跑")).toBe(false);
  });

  it("English: stems, stem bigrams within a phrase, stop words out", () => {
    const text = normalize("The defendant rented bank cards to a money-laundering gang; bank cards again.").text;
    const { terms } = termsFromEnTokens(text, tokenizeEnglish(text), [], lex);
    const bankCard = stemPhrase("bank cards").join(" ");
    expect(terms.get(bankCard)).toMatchObject({ n: 2, tf: 2, surface: "bank cards" });
    expect(terms.has(stemPhrase("defendant")[0]!)).toBe(false);
    expect(terms.has("the")).toBe(false);
  });
});

describe("snippetSpan", () => {
  it("returns the sentence, or the clauses around the term when the sentence is long", () => {
    const text = "前一句。被告人将银行卡出租给码商使用。后一句";
    const at = text.indexOf("码商");
    const s = snippetSpan(text, at, at + 2);
    expect(text.slice(s.start, s.end)).toBe("被告人将银行卡出租给码商使用。");
    const long = "甲".repeat(80) + "，被告人联系码商，" + "乙".repeat(80) + "。";
    const i = long.indexOf("码商");
    const l = snippetSpan(long, i, i + 2, 40);
    const got = long.slice(l.start, l.end);
    expect(got).toContain("码商");
    expect(got.length).toBeLessThanOrEqual(40);
    expect(got).toBe("被告人联系码商");
  });
});

describe("pack terms", () => {
  const set = parseRulePacks([
    {
      file: "t.yaml",
      text: [
        "kind: crime",
        "dimensions: [{ id: help }]",
        "rules:",
        "  - id: crime.help.a",
        "    target: help",
        "    terms: { zh: [跑分, 帮助信息网络犯罪活动], en: [money mule] }",
        "    context: { require: { zh: [上线] } }",
        "    examples: { match: [跑分] }",
      ].join("\n"),
    },
  ]);
  const idx = createPackTermIndex(compileRules(set, { normalize: (s) => normalize(s).text, stemPhrase }));

  it("knows exact terms (context words too), terms inside a candidate, and terms around it", () => {
    expect(idx.has("跑分", "zh")).toBe(true);
    expect(idx.has("上线", "zh")).toBe(true);
    expect(idx.has("码商", "zh")).toBe(false);
    expect(idx.contained("跑分卡", "zh")).toBe("跑分");
    expect(idx.contained("码商", "zh")).toBeNull();
    expect(idx.container("信息网络", "zh")).toBe("帮助信息网络犯罪活动");
    expect(idx.has(stemPhrase("money mules").join(" "), "en")).toBe(true);
    expect(idx.contained(stemPhrase("money mule gang").join(" "), "en")).toBe("money mule");
  });
});

describe("candidatesToYaml", () => {
  it("writes one rule a candidate, ASCII ids, the statistics and examples, and only assigned candidates", () => {
    const base = {
      lang: "zh" as const,
      foregroundDocs: 6,
      backgroundDocs: 0,
      generalDocs: 0,
      perMillion: 0,
      occurrences: 9,
      ratio: 3.6,
      against: "general" as const,
      g2: 11,
      targetDocs: 6,
      cooccurs: { "crime/help-network-crime": 6 },
      exampleRefs: [],
      rules: ["crime.help-network-crime.two-cards"],
    };
    const report: KeywordReport = {
      kind: "crime",
      foreground: ["crime/*"],
      summary: { corpusDocs: 20, foregroundDocs: 10, backgroundDocs: 10, failures: 0, vocabulary: 100, general: "", prunes: 0, countFloor: 0 },
      candidates: [
        { ...base, term: "码商", kind: "crime", target: "help-network-crime", examples: ["被告人将银行卡出租给码商。", "码商要求其办卡。"] },
        { ...base, term: "某词", kind: null, target: null, examples: [] },
      ],
    };
    const yaml = candidatesToYaml(report);
    const pack = parseYaml(yaml) as { kind: string; rules: { id: string; target: string; weight: number; terms: { zh: string[] }; examples: { match: string[] }; description: string }[] };
    expect(pack.kind).toBe("crime");
    expect(pack.rules).toHaveLength(1);
    expect(pack.rules[0]).toMatchObject({ id: "candidate.help-network-crime.u7801-5546", target: "help-network-crime", weight: 20, terms: { zh: ["码商"] } });
    expect(pack.rules[0]!.examples.match).toEqual(["被告人将银行卡出租给码商。", "码商要求其办卡。"]);
    expect(pack.rules[0]!.description).toContain("6/10 foreground");
    expect(pack.rules[0]!.description).toContain("joins rule crime.help-network-crime.two-cards");
    expect(pack.rules[0]!.description).toContain("found with crime/help-network-crime 6");
    expect(yaml).toContain("# Left out (co-occurred with no crime dimension): 某词");
    expect(slugOf("money mule")).toBe("money-mule");
  });
});

describe("phrase candidates: Han runs, neighbours, sketch, counter", () => {
  it("cuts Han runs at non-Han and mask characters and classes neighbours", async () => {
    const { hanRuns, neighbourAt } = await import("../../src/keywords/index.js");
    const text = "被告人张某通过接码平台，以3000元至5000元出售";
    const runs = hanRuns(text).map((r) => text.slice(r.start, r.end));
    expect(runs).toEqual(["被告人张", "通过接码平台", "以", "元至", "元出售"].filter((r) => r.length >= 2));
    expect(neighbourAt(text, text.indexOf("元至") - 1)).toBe("0");
    expect(neighbourAt(text, text.indexOf("，"))).toBeNull();
    expect(neighbourAt("三万", 0)).toBe("0");
    expect(neighbourAt("app", 1)).toBe("a");
  });

  it("never undercounts in the count-min sketch", async () => {
    const { CountMinSketch } = await import("../../src/keywords/index.js");
    const s = new CountMinSketch(4, 8);
    for (let i = 0; i < 2000; i++) s.add(i * 2654435761, i * 40503 + 1);
    for (let k = 0; k < 7; k++) s.add(12345, 678);
    expect(s.estimate(12345, 678)).toBeGreaterThanOrEqual(7);
  });

  it("keeps a phrase with varied neighbours whole and sees a fragment by its one neighbour", async () => {
    const { PhraseCounter } = await import("../../src/keywords/index.js");
    const { hanRuns } = await import("../../src/keywords/index.js");
    const c = new PhraseCounter(1);
    const docs = ["为他人接码获利", "利用接码平台注册", "从事接码，获利", "提供接码服务", "帮人接码赚钱", "判处有期徒刑一年", "有期徒刑一年六个月"];
    docs.forEach((d, i) => c.addForeground(d, hanRuns(d), i, [0]));
    const e = c.entry("接码")!;
    expect(e.fgDf).toBe(5);
    expect(e.left.total).toBe(5); // the first document's neighbour is remembered too
    expect(e.left.entropy()).toBeCloseTo(-(0.4 * Math.log(0.4)) - 3 * 0.2 * Math.log(0.2), 10); // 人 人 用 事 供
    const frag = c.entry("刑一年")!; // always after 徒
    expect(frag.left.topShare()).toBe(1);
    expect(frag.left.entropy()).toBe(0);
    c.addBackground("他人接码，接码", hanRuns("他人接码，接码"));
    c.addBackground("有期徒刑一年", hanRuns("有期徒刑一年"));
    // Exact, once per document, for entries; a string the foreground never repeated is not counted.
    expect(c.bgDf("接码")).toBe(1);
    expect(c.bgDf("刑一年")).toBe(1);
    expect(c.bgDf("他人接")).toBe(0);
    expect(c.stats().backgroundDocs).toBe(2);
    // The background is counted after the foreground, never between.
    expect(() => c.addForeground("接码", hanRuns("接码"), 9, [0])).toThrow(/after the background/);
  });

  it("counts a long document's n-grams exactly (its table grows past the first size and shrinks after)", async () => {
    const { PhraseCounter, hanRuns } = await import("../../src/keywords/index.js");
    const c = new PhraseCounter(1);
    // 3,000 distinct characters: ~15,000 distinct n-grams, far past the table's first 4,096 slots.
    let long = "";
    for (let i = 0; i < 3000; i++) long += String.fromCharCode(0x4e00 + ((i * 7919) % 20000));
    const doc = (extra: string): string => "接码" + long + "接码" + extra + "接码";
    c.addForeground(doc("甲"), hanRuns(doc("甲")), 0, [0]);
    c.addForeground(doc("乙"), hanRuns(doc("乙")), 1, [0]);
    c.addForeground("短文接码", hanRuns("短文接码"), 2, [0]);
    const e = c.entry("接码")!;
    // Occurrences: the first document counts once (it was a first sighting), then 3 and 1.
    expect([e.fgDf, e.fgTf]).toEqual([3, 5]);
    const mid = long.slice(1500, 1504);
    expect(c.entry(mid)!.fgDf).toBe(2);
    expect(c.entry(mid)!.fgTf).toBe(2);
  });
});

describe("the loop: accept and reject", () => {
  const candidates = [
    "kind: crime",
    "rules:",
    "  - id: candidate.help-network-crime.u7801-5546",
    "    target: help-network-crime",
    "    weight: 20",
    '    description: "keyword candidate: in 8/10 foreground, joins rule crime.help-network-crime.two-cards"',
    "    terms:",
    '      zh: ["码商"]',
    "    examples:",
    "      match:",
    '        - "被告人将银行卡出租给码商。"',
    "  - id: candidate.minors.u73ed-7ea7",
    "    kind: group",
    "    target: minors",
    "    weight: 20",
    '    description: "keyword candidate, new rule"',
    "    terms:",
    '      zh: ["班级"]',
    "    examples:",
    "      match:",
    '        - "泄露班级学生信息。"',
  ].join("\n");

  it("adds accepted terms to the rule they join, or to a new rule of their target, once", async () => {
    const { acceptTerms } = await import("../../src/keywords/local-pack.js");
    const first = acceptTerms(null, candidates, ["码商"]);
    expect(first.accepted).toEqual([{ term: "码商", ruleId: "local.crime.help-network-crime.two-cards", created: true }]);
    const second = acceptTerms(first.text, candidates, ["班级", "码商"]);
    expect(second.accepted).toEqual([{ term: "班级", ruleId: "local.group.minors", created: true }]);
    expect(second.already).toEqual(["码商"]);
    const pack = parseYaml(second.text) as { kind: string; rules: { id: string; kind?: string; terms: { zh: string[] }; examples: { match: string[] } }[] };
    expect(pack.kind).toBe("crime");
    expect(pack.rules.map((r) => [r.id, r.kind, r.terms.zh])).toEqual([
      ["local.crime.help-network-crime.two-cards", undefined, ["码商"]],
      ["local.group.minors", "group", ["班级"]],
    ]);
    expect(pack.rules[0]!.examples.match).toEqual(["被告人将银行卡出租给码商。"]);
    expect(() => acceptTerms(null, candidates, ["跑分"])).toThrow(/"跑分" is not a candidate in candidates \(candidates: 码商, 班级\)/);
  });

  it("remembers rejected terms once and forgets them when accepted", async () => {
    const { parseRejected, rejectTerms, unreject } = await import("../../src/keywords/local-pack.js");
    const a = rejectTerms(null, ["养号", "洗料"]);
    expect(a.added).toEqual(["养号", "洗料"]);
    const b = rejectTerms(a.text, ["洗料", "拉新"]);
    expect(b.added).toEqual(["拉新"]);
    expect([...parseRejected(b.text)]).toEqual(["养号", "洗料", "拉新"]);
    expect([...parseRejected(unreject(b.text, ["洗料"]))]).toEqual(["养号", "拉新"]);
  });
});

describe("general background table", () => {
  it("reads counts, knows its size and min-df, and reads a missing string as 0", async () => {
    const { parseBackground } = await import("../../src/keywords/index.js");
    const bg = parseBackground("# c\ndocs\t100\nmin-df\t5\nsource\ttest\n公司\t40\n非法\t12\n");
    expect([bg.docs, bg.minDf, bg.source, bg.df("公司"), bg.df("接码")]).toEqual([100, 5, "test", 40, 0]);
    expect(bg.spread!("公司")).toBeNull();
    const spread = parseBackground("docs\t100\nmin-df\t5\nsource\ttest\n公司\t40\nspread:公司\t12.5\n");
    expect([spread.df("公司"), spread.spread!("公司"), spread.df("spread:公司")]).toEqual([40, 12.5, 0]);
  });

  it("tells legal vocabulary (common in criminal facts of many kinds) from one crime's words and rare strings", async () => {
    const { parseBackground, legalVocabulary } = await import("../../src/keywords/index.js");
    const bg = parseBackground(
      ["docs\t1000", "min-df\t5", "source\ttest", "涉案\t50", "金额\t40", "抵押\t30", "涉案金额\t3", "抵押金额\t2", "spread:涉案\t21", "spread:金额\t10", "spread:抵押\t4.6"].join("\n"),
    );
    expect(legalVocabulary("涉案", bg)).toBe("word");
    expect(legalVocabulary("涉案金额", bg)).toBe("collocation");
    // Common, but the words of a few crimes (fraud): that kind's vocabulary.
    expect(legalVocabulary("抵押", bg)).toBeNull();
    expect(legalVocabulary("抵押金额", bg)).toBeNull();
    expect(legalVocabulary("接码", bg)).toBeNull();
    // A table without spreads knows none.
    expect(legalVocabulary("涉案", parseBackground("docs\t1000\nmin-df\t5\n涉案\t50\n"))).toBe(null);
  });

  it("ships a table counted on the CAIL facts: judgment language is frequent, slang absent", async () => {
    const { loadGeneralBackground } = await import("../../src/keywords/index.js");
    const bg = (await loadGeneralBackground())!;
    expect(bg.docs).toBeGreaterThan(5000);
    expect(bg.df("被告人")).toBeGreaterThan(4000);
    expect(bg.df("公司")).toBeGreaterThan(500);
    for (const slang of ["拉新", "接码", "社工库"]) expect(bg.df(slang)).toBe(0);
    // Spread over charges for the common strings: the narration of every case against one crime's words.
    expect(bg.spread!("涉案")).toBeGreaterThan(15);
    expect(bg.spread!("抵押")).toBeLessThan(6);
  });
});
