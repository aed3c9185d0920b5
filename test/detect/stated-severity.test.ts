import { describe, expect, it } from "vitest";
import { decidedLevel, findStatedSeverity } from "../../src/detect/stated-severity.js";
import { createEngine, type Engine } from "../../src/engine.js";
import { scanDocument } from "../../src/pipeline.js";
import { indexSentences } from "../../src/text/sentences.js";
import { beforeAll } from "vitest";

const stated = (text: string) => {
  const sentences = indexSentences(text);
  return findStatedSeverity(text, (at) => sentences.startOf(at), () => true).map((s) => [s.severity, s.court]);
};

describe("findStatedSeverity", () => {
  it.each([
    ["本院认为，被告人徐某违反国家有关规定，非法获取公民个人信息，情节严重，其行为已构成侵犯公民个人信息罪。", [["serious", true]]],
    ["公诉机关认为，被告人出售公民个人信息，情节特别严重，应当以侵犯公民个人信息罪追究其刑事责任。", [["especially-serious", false]]],
    ["宿豫区人民法院经审理认为，被告人非法获取、出售公民个人信息，情节严重，已构成侵犯公民个人信息罪。", [["serious", true]]],
  ])("%s", (text, want) => {
    expect(stated(text)).toEqual(want);
  });

  it.each([
    // Another offence's level (帮信 has 情节严重 too), though personal information is named before.
    "被告人提供本人身份证件及个人信息办理银行卡，明知他人利用信息网络实施犯罪，仍为其提供支付结算帮助，情节严重，构成帮助信息网络犯罪活动罪。",
    // A level denied.
    "辩护人提出被告人获取的公民个人信息数量尚未达到情节严重的标准。",
    "被告人非法获取公民个人信息，但不属于情节特别严重。",
    // No personal information in the sentence.
    "被告人采取破坏性手段盗窃，情节严重。",
  ])("no statement: %s", (text) => {
    expect(stated(text)).toEqual([]);
  });

  it("the court's last word decides over a charge; without the court, the highest level stated", () => {
    const text =
      "公诉机关指控，被告人出售公民个人信息，情节特别严重。本院认为，被告人出售公民个人信息，情节严重，公诉机关指控情节特别严重证据不足。";
    const sentences = indexSentences(text);
    const all = findStatedSeverity(text, (at) => sentences.startOf(at), () => true);
    expect(decidedLevel(all)?.severity).toBe("serious");
    expect(decidedLevel(all.filter((s) => !s.court))?.severity).toBe("especially-serious");
    expect(decidedLevel([])).toBeNull();
  });
});

describe("the stated level in a result", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine();
  }, 60_000);

  it("decides the severity over the counts, which stay in the reason", () => {
    const text =
      "被告人徐某是某门店的销售人员，为拓展业务，从蒋某处购买公民个人信息1108条。法院经审理认为，徐某违反国家有关规定，非法获取公民个人信息，情节严重，其行为已构成侵犯公民个人信息罪，判处有期徒刑九个月。";
    const r = scanDocument({ id: "a", source: "a.txt", text, meta: {} }, engine);
    expect(r.severity).toBe("serious");
    expect(r.severityBasis).toMatchObject({ by: "stated", insiderHalved: false });
    expect(r.severityBasis!.reason).toMatch(/^the court finds 情节严重: “.*非法获取公民个人信息，情节严重”; counts read: .*1,108条/);
    expect(r.severityBasis!.ratio).toBeCloseTo(0.222, 3);
  });

  it("is not read in a 帮信 judgment", () => {
    const text =
      "被告人李某明知他人利用信息网络实施犯罪，仍将其名下三张银行卡及个人信息出租给他人使用，为其提供支付结算帮助，情节严重，其行为已构成帮助信息网络犯罪活动罪。";
    const r = scanDocument({ id: "b", source: "b.txt", text, meta: {} }, engine);
    expect(r.severityBasis?.by).not.toBe("stated");
  });
});
