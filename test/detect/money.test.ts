import { describe, expect, it } from "vitest";
import { extractMoney } from "../../src/detect/money.js";

const money = (text: string) => extractMoney(text).map((m) => [m.role, m.yuan, m.approximate, m.match]);

describe("extractMoney: amounts", () => {
  it.each([
    ["违法所得人民币3万余元。", "gain", 30000, true, "人民币3万余元"],
    ["获利450余万元。", "gain", 4500000, true, "450余万元"],
    ["非法获利2万元。", "gain", 20000, false, "2万元"],
    ["获取违法所得共计人民币12,000元。", "gain", 12000, false, "人民币12,000元"],
    ["非法获利六千余元。", "gain", 6000, true, "六千余元"],
    ["牟利1.5亿元。", "gain", 150000000, false, "1.5亿元"],
    ["收取好处费五千多元。", "gain", 5000, true, "五千多元"],
    ["违法所得约8000元。", "gain", 8000, true, "8000元"],
    ["违法所得5000元以上。", "gain", 5000, true, "5000元以上"],
    ["违法所得¥5000元。", "gain", 5000, false, "¥5000元"],
    ["违法所得贰万元。", "gain", 20000, false, "贰万元"],
    ["骗取被害人王某人民币5000元。", "fraud", 5000, false, "人民币5000元"],
    ["骗得张某现金人民币6000元。", "fraud", 6000, false, "人民币6000元"],
    ["支付结算金额20万元。", "settlement", 200000, false, "20万元"],
    ["价值3000元的手机一部。", "other", 3000, false, "3000元"],
    ["判处罚金人民币二万元。", "other", 20000, false, "人民币二万元"],
    ["非法获利数万元。", "gain", 20000, true, "数万元"],
    ["赔偿被害人经济损失26000元。", "other", 26000, false, "26000元"],
    ["卖了100块钱。", "other", 100, false, "100块钱"],
  ])("%s", (text, role, yuan, approximate, match) => {
    expect(money(text)).toEqual([[role, yuan, approximate, match]]);
  });

  it("gives offsets into the text", () => {
    const text = "被告人非法获利人民币3万余元。";
    const [m] = extractMoney(text);
    expect(text.slice(m!.start, m!.end)).toBe(m!.match);
  });
});

describe("extractMoney: roles", () => {
  it("lets the nearest cue decide", () => {
    expect(money("没收违法所得5000元，判处罚金人民币1万元。").map((m) => m[0])).toEqual(["gain", "other"]);
  });

  it("keeps a cue for a list of amounts", () => {
    expect(money("分别获利2000元、3000元。").map((m) => m[0])).toEqual(["gain", "gain"]);
  });

  it("does not carry a cue past an earlier amount across a clause break", () => {
    expect(money("获利5000元，另查明其存款20000元。").map((m) => m[0])).toEqual(["gain", "other"]);
  });

  it("does not carry a cue across a sentence end", () => {
    expect(money("被告人获利。其存款20000元。").map((m) => m[0])).toEqual(["other"]);
  });

  it("reads a transfer as settlement unless a gain or fraud cue says what the money was", () => {
    expect(money("通过其银行卡转账共计20万元。").map((m) => m[0])).toEqual(["settlement"]);
    expect(money("骗得张某通过微信向其转账人民币200元。").map((m) => m[0])).toEqual(["fraud"]);
    expect(money("将违法所得转账给他人5000元。").map((m) => m[0])).toEqual(["gain"]);
  });

  it("reads a unit price as other, not as the gain", () => {
    expect(money("以0.5元/条的价格出售，获利3000元。")).toEqual([
      ["other", 0.5, false, "0.5元"],
      ["gain", 3000, false, "3000元"],
    ]);
    expect(money("获利，以每条1元一条出售").map((m) => m[0])).toEqual(["other"]);
  });

  it("handles English amounts", () => {
    expect(money("illegal gains of rmb 30,000.")).toEqual([["gain", 30000, false, "rmb 30,000"]]);
    expect(money("he defrauded the victims of 1.2 million yuan")).toEqual([["fraud", 1200000, false, "1.2 million yuan"]]);
    expect(money("a fine of rmb 5,000")).toEqual([["other", 5000, false, "rmb 5,000"]]);
    expect(money("profited about 8,000 yuan")).toEqual([["gain", 8000, true, "8,000 yuan"]]);
  });
});

describe("extractMoney: not money", () => {
  it.each([
    ["foreign currency", "获利100美元，10万港元。"],
    ["counts", "出售公民个人信息4万余条。"],
    ["case numbers and dates", "(2019)京0105刑初123号，2019年3月11日。"],
    ["元 inside words", "元旦，单元，元素。"],
  ])("%s", (_name, text) => {
    expect(extractMoney(text)).toEqual([]);
  });
});
