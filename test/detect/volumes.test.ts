import { describe, expect, it } from "vitest";
import { detectIdentifiers } from "../../src/detect/identifiers.js";
import { extractVolumes, volumesFromIdentifiers, type InfoSpan } from "../../src/detect/volumes.js";

// A tiny stand-in for the keyword matcher: every occurrence of each term is an info span.
const TERMS: readonly [string, string, "A" | "B" | "C"][] = [
  ["公民个人信息", "personal-information", "C"],
  ["征信报告", "credit-report", "A"],
  ["征信信息", "credit-report", "A"],
  ["行踪轨迹信息", "location-track", "A"],
  ["住宿信息", "lodging", "B"],
  ["手机号码", "phone-number", "C"],
  ["personal information", "personal-information", "C"],
];

function spansOf(text: string): InfoSpan[] {
  const out: InfoSpan[] = [];
  for (const [term, target, tier] of TERMS) {
    for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + 1)) {
      out.push({ target, tier, start: i, end: i + term.length });
    }
  }
  return out;
}

const vols = (text: string, opts = {}) =>
  extractVolumes(text, spansOf(text), opts).map((v) => [v.infoType, v.tier, v.count, v.approximate, v.match]);

describe("extractVolumes: counts", () => {
  it.each([
    ["被告人出售公民个人信息4万余条。", 40000, true, "4万余条"],
    ["非法获取公民个人信息三万余条。", 30000, true, "三万余条"],
    ["获取公民个人信息1.2万条。", 12000, false, "1.2万条"],
    ["出售公民个人信息十余万条。", 100000, true, "十余万条"],
    ["窃取公民个人信息8100万余条。", 81000000, true, "8100万余条"],
    ["提供公民个人信息一千余条。", 1000, true, "一千余条"],
    ["购买公民个人信息约2000条。", 2000, true, "2000条"],
    ["出售公民个人信息5000多条。", 5000, true, "5000多条"],
    ["出售公民个人信息共计12万条。", 120000, false, "12万条"],
    ["出售公民个人信息20余万组。", 200000, true, "20余万组"],
    ["出售公民个人信息3000余份。", 3000, true, "3000余份"],
    ["出售公民个人信息12,000条。", 12000, false, "12,000条"],
    ["出售公民个人信息5000条以上。", 5000, true, "5000条以上"],
    ["出售公民个人信息两千三百条。", 2300, false, "两千三百条"],
    // 数 ("several"): the least it can mean, marked approximate.
    ["出售公民个人信息数万条。", 20000, true, "数万条"],
    ["非法获取公民个人信息数十万条。", 200000, true, "数十万条"],
  ])("%s", (text, count, approximate, match) => {
    expect(vols(text)).toEqual([["personal-information", "C", count, approximate, match]]);
  });

  it("counts the records a sentence named when a count follows a verb passing them on", () => {
    expect(vols("鲁某批量导出收件人姓名、电话和地址，通过境外聊天软件出售，累计卖出6.5万余条，获利2.1万元。")).toEqual([
      ["personal-information", "C", 65000, true, "6.5万余条"],
    ]);
    // No record or field named before: a count of something else.
    expect(vols("被告人将香烟卖给他人，累计卖出300余条。")).toEqual([]);
  });

  it("gives offsets into the text", () => {
    const text = "出售公民个人信息4万余条";
    const [v] = extractVolumes(text, spansOf(text));
    expect(text.slice(v!.start, v!.end)).toBe(v!.match);
    expect(v!.from).toBe("prose");
  });
});

describe("extractVolumes: binding", () => {
  it("binds to the info span right after the count", () => {
    expect(vols("非法获取915份征信报告。")).toEqual([["credit-report", "A", 915, false, "915份"]]);
    expect(vols("出售4万余条公民个人信息。")).toEqual([["personal-information", "C", 40000, true, "4万余条"]]);
  });

  it("binds to the nearest span before it in the same sentence", () => {
    expect(vols("被告人获取征信报告915份。")).toEqual([["credit-report", "A", 915, false, "915份"]]);
    expect(vols("非法获取公民个人信息，其中征信信息600条。")).toEqual([["credit-report", "A", 600, false, "600条"]]);
  });

  it("binds across a comma that only says what the records were", () => {
    expect(vols("非法获取共计4万余条，均系公民个人信息。")).toEqual([["personal-information", "C", 40000, true, "4万余条"]]);
    expect(vols("查获915份，为征信报告。")).toEqual([["credit-report", "A", 915, false, "915份"]]);
    expect(vols("查获915份，后出售征信报告。")).toEqual([]);
  });

  it("prefers the following noun over an earlier mention", () => {
    expect(vols("非法获取公民个人信息后，又出售4万余条住宿信息。")).toEqual([["lodging", "B", 40000, true, "4万余条"]]);
  });

  it("does not bind across a conjunction to the next type", () => {
    expect(vols("征信信息50条及住宿信息600条。")).toEqual([
      ["credit-report", "A", 50, false, "50条"],
      ["lodging", "B", 600, false, "600条"],
    ]);
    expect(vols("征信信息50条、住宿信息600条。")).toEqual([
      ["credit-report", "A", 50, false, "50条"],
      ["lodging", "B", 600, false, "600条"],
    ]);
  });

  it("binds 个 only to a span: 手机号码3000余个", () => {
    expect(vols("出售手机号码3000余个。")).toEqual([["phone-number", "C", 3000, true, "3000余个"]]);
    expect(vols("购买手机3000余个。")).toEqual([]);
  });

  it("does not cross a sentence end or the bind window", () => {
    expect(vols("出售征信报告。后查获915份。")).toEqual([]);
    const far = "出售征信报告" + "，被告人张某于二零一九年在其位于某市某区某小区的住处通过网络联系买家后" + "915份";
    expect(vols(far)).toEqual([]);
    expect(vols(far, { bindWindow: 60 })).toEqual([["credit-report", "A", 915, false, "915份"]]);
  });

  it("takes unbound counts of 条 next to 信息/数据 as tier-C personal information", () => {
    expect(vols("检测到通话记录、微信、短信等各种数据28786条。")).toEqual([
      ["personal-information", "C", 28786, false, "28786条"],
    ]);
    expect(vols("共计5000条数据。")).toEqual([["personal-information", "C", 5000, false, "5000条"]]);
  });

  it("binds English counts too", () => {
    expect(vols("sold more than 40,000 pieces of personal information.")).toEqual([
      ["personal-information", "C", 40000, true, "40,000 pieces of"],
    ]);
    expect(vols("obtained 1.2 million records of data")).toEqual([
      ["personal-information", "C", 1200000, false, "1.2 million records of"],
    ]);
  });
});

describe("extractVolumes: not record counts", () => {
  it.each([
    ["article references with 第", "依照《中华人民共和国刑法》第二百五十三条之一的规定，出售公民个人信息。"],
    ["article numbers in Arabic", "根据刑法第266条，出售公民个人信息。"],
    ["article references without 第", "依照刑法二百五十三条之一，出售公民个人信息。"],
    ["interpretation articles", "依照《解释》5条的规定认定公民个人信息。"],
    ["article after a book title", "依照《刑法》253条，出售公民个人信息。"],
    ["条款, 条例, 条件", "违反公民个人信息保护条款3条款，三条例，两条件。"],
    ["non-record nouns", "出售公民个人信息后买了3条狗和香烟4条烟。"],
    ["个 for people and months", "出售公民个人信息，三个人，两个月。"],
    ["money", "出售公民个人信息获利3万余元。"],
    ["a unit price", "以每条0.5元一条的价格出售。"],
    ["a village group", "白河县冷水镇星义村二组村民，发送信息。"],
    ["unbound counts far from 信息/数据", "我发信息给俞某，我就叫他准备一条冰毒。"],
    ["unbound 份 and 组", "判决书3份，分为5组。"],
    ["ordinals", "第一条公民个人信息。"],
    ["sentences", "出售公民个人信息，判处有期徒刑一年六个月，并处罚金。"],
  ])("%s", (_name, text) => {
    expect(vols(text)).toEqual([]);
  });
});

describe("volumesFromIdentifiers", () => {
  it("counts unmasked valid identifiers per type, tier C by default", () => {
    const text =
      "身份证号11010519491231002x、513101198201130014，手机13812345678，138****1234，卡号6222021234567894，身份证号码（略），邮箱a@b.cn";
    const vs = volumesFromIdentifiers(detectIdentifiers(text, { today: new Date("2025-01-01") }));
    expect(vs.map((v) => [v.infoType, v.tier, v.count, v.from, v.approximate])).toEqual([
      ["identity", "C", 2, "identifiers", false],
      ["contact", "C", 2, "identifiers", false],
      ["property", "C", 1, "identifiers", false],
    ]);
    expect(vs[1]!.match).toBe("1 × cn-mobile, 1 × email");
    const ids = vs[0]!;
    expect(ids.start).toBe(4);
    expect(ids.end).toBe(text.indexOf("，手机"));
    expect(ids.match).toBe("2 × cn-resident-id");
    expect(ids.match).not.toContain("1101");
  });

  it("skips masked and invalid identifiers", () => {
    expect(
      volumesFromIdentifiers([
        { type: "cn-mobile", masked: true, valid: false, start: 0, end: 11 },
        { type: "cn-resident-id", masked: false, valid: false, start: 20, end: 38 },
      ]),
    ).toEqual([]);
  });

  it("counts a value listed twice once", () => {
    const vs = volumesFromIdentifiers([
      { type: "cn-mobile", masked: false, valid: true, start: 0, end: 11, value: "13812345678" },
      { type: "cn-mobile", masked: false, valid: true, start: 20, end: 33, value: "138-1234-5678" },
      { type: "cn-mobile", masked: false, valid: true, start: 40, end: 51, value: "13912345678" },
    ]);
    expect(vs.map((v) => v.count)).toEqual([2]);
  });

  it("lets the caller put bank cards in tier A", () => {
    const vs = volumesFromIdentifiers([{ type: "bank-card", masked: false, valid: true, start: 0, end: 16 }], {
      tiers: { "bank-card": "A" },
    });
    expect(vs[0]!.tier).toBe("A");
  });
});
