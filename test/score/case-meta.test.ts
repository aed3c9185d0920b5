import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { extractCaseMeta } from "../../src/score/case-meta.js";

const at = (text: string, f: { start: number; end: number } | null) => (f ? text.slice(f.start, f.end) : null);

describe("case metadata", () => {
  it("reads a judgment's header, parties and signing date (fixture)", () => {
    const text = readFileSync("fixtures/docs/telecom-sim-cards.txt", "utf8");
    const c = extractCaseMeta(text);
    expect(c.number?.match).toBe("（2022）粤0306刑初1187号");
    expect(at(text, c.number)).toBe("（2022）粤0306刑初1187号");
    expect(c.court?.match).toBe("广东省深圳市宝安区人民法院");
    expect(c.procuratorate?.match).toBe("深圳市宝安区人民检察院");
    expect(c.documentType).toMatchObject({ id: "judgment", match: "刑事判决书" });
    expect(c.date).toMatchObject({ match: "二〇二二年八月九日", iso: "2022-08-09" });
    expect(c.defendants.map((d) => d.match)).toEqual(["黄某", "周×2"]);
    for (const d of c.defendants) expect(at(text, d)).toBe(d.match);
  });

  it("masks a defendant's real name to surname + 某; offsets point at the name", () => {
    const text = "杭州市西湖区人民法院\n刑事判决书\n（2021）浙0106刑初512号\n公诉机关：杭州市西湖区人民检察院。\n被告人董源，男，1990年出生。\n被告人王小明，女。\n被告人董源、王小明将公民个人信息出售。\n审判员 张三\n2021年11月3日\n";
    const c = extractCaseMeta(text);
    expect(c.number?.match).toBe("（2021）浙0106刑初512号");
    expect(c.procuratorate?.match).toBe("杭州市西湖区人民检察院");
    expect(c.date?.iso).toBe("2021-11-03");
    expect(c.defendants.map((d) => d.match)).toEqual(["董某", "王某"]);
    expect(c.defendants.map((d) => at(text, d))).toEqual(["董源", "王小明"]);
  });

  it("reads an XML judgment (title line with court, 案号 element)", () => {
    const text = "山东省济南市历下区人民法院刑事判决书\n（2021）鲁0102刑初745号\n\n济南市历下区人民检察院\n被告人秦某，男。\n济南市历下区人民检察院以济历检刑诉〔2021〕601号起诉书指控被告人秦某、尤某犯侵犯公民个人信息罪。";
    const c = extractCaseMeta(text);
    expect(c.court?.match).toBe("山东省济南市历下区人民法院");
    expect(c.documentType?.id).toBe("judgment");
    expect(c.number?.match).toBe("（2021）鲁0102刑初745号");
    expect(c.procuratorate?.match).toBe("济南市历下区人民检察院");
    expect(c.defendants.map((d) => d.match)).toEqual(["秦某", "尤某"]);
  });

  it("an indictment and a non-prosecution decision by their titles", () => {
    const ind = extractCaseMeta("北京市朝阳区人民检察院\n起诉书\n京朝检刑诉〔2023〕1234号\n被告人刘某某，男。\n");
    expect(ind.documentType?.id).toBe("indictment");
    expect(ind.procuratorate?.match).toBe("北京市朝阳区人民检察院");
    expect(ind.number?.match).toBe("京朝检刑诉〔2023〕1234号");
    expect(extractCaseMeta("某市人民检察院\n不起诉决定书\n").documentType?.id).toBe("non-prosecution");
    expect(extractCaseMeta("立案决定书\n").documentType?.id).toBe("filing");
  });

  it("a CAIL fact has no header: the procuratorate that charged, the defendants, and nulls", () => {
    const line = readFileSync("../shared/data/cail/dev.jsonl", "utf8").split("\n")[0]!;
    const text = (JSON.parse(line) as { fact: string }).fact;
    const c = extractCaseMeta(text);
    expect(c.number).toBeNull();
    expect(c.court).toBeNull();
    expect(c.date).toBeNull();
    expect(c.documentType).toBeNull();
    expect(c.procuratorate?.match).toBe("北京市通州区人民检察院");
    expect(c.defendants.map((d) => d.match)).toEqual(["李×1"]);
  });

  it("a case number cited in running prose is another case's", () => {
    const c = extractCaseMeta("被告人张某曾因犯盗窃罪被判刑，见（2015）浙0106刑初88号判决。");
    expect(c.number).toBeNull();
  });

  it("typical cases: defendants found where named, never a non-name word", () => {
    const lines = readFileSync("../shared/data/typical/typical.jsonl", "utf8").trim().split("\n");
    let withDefendants = 0;
    let named = 0;
    for (const l of lines) {
      const text = (JSON.parse(l) as { fact: string }).fact;
      const c = extractCaseMeta(text);
      for (const d of c.defendants) {
        expect(d.match, text.slice(d.start - 3, d.end + 3)).toMatch(/^[\p{Script=Han}][\p{Script=Han}×\d]{0,3}$/u);
        expect(d.match).not.toMatch(/^(?:及|的|辩|均|对|供)/);
      }
      if (c.defendants.length > 0) withDefendants++;
      if (text.includes("被告人")) named++;
    }
    // News reports name people without 被告人 (杨某某系…), and a written-out name counts only as a party
    // list introduces it (被告人杨军， …): most texts saying 被告人 have them.
    expect(withDefendants).toBeGreaterThanOrEqual(Math.ceil(named * 0.5));
  });
});

describe("case metadata: what follows 被告人 and is no name", () => {
  it("到案, 如实供述, 明知 are not names; masked names with any surname are", () => {
    const c = extractCaseMeta("被告人应某与被害人发生口角。被告人到案后如实供述。被告人明知他人犯罪。被告人如实供述。被告人退赔全部损失。被告人专门收集信息。");
    expect(c.defendants.map((d) => d.match)).toEqual(["应某"]);
  });

  it("a paper of the defendant's listed as evidence (被告人户籍资料，…) is no name", () => {
    const c = extractCaseMeta("上述事实，有被害人陈述、被告人户籍资料，被告人身份证明，被告人张某供述，被告人供述等证据证实。被告人莫某到案后如实供述。被告人退赃退赔，被告人发现后，");
    expect(c.defendants.map((d) => d.match)).toEqual(["张某", "莫某"]);
  });
});

describe("quotes never spell out a defendant's name", () => {
  it("masks the name the party list introduced wherever a quote holds it (--no-mask re-cuts quotes from the text: test/cli)", async () => {
    const { createEngine } = await import("../../src/engine.js");
    const { scanDocument } = await import("../../src/pipeline.js");
    const engine = await createEngine();
    // A co-defendant who bought the data is quoted as the leak's recipient.
    const text = "被告人李大伟，男。被告人王小明，男。经审理查明，被告人李大伟系某快递公司员工，利用职务便利将客户信息3000余条出售给被告人王小明，获利5000元。";
    const r = scanDocument({ id: "n", source: "n", text, meta: {} }, engine);
    const quotes = JSON.stringify([r.findings, r.signals, r.leaks, r.volumes, r.money]);
    expect(r.leaks[0]!.recipients.map((p) => p.match)).toEqual(["被告人王某某"]);
    expect(quotes).not.toContain("小明");
    expect(quotes).not.toContain("大伟");
    // Offsets still point at the name in the document itself.
    const d = r.case!.defendants[0]!;
    expect(text.slice(d.start, d.end)).toBe("李大伟");
  });
});
