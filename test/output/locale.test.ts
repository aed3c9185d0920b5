import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/engine.js";
import { UsageError } from "../../src/errors.js";
import { readPath } from "../../src/ingest/index.js";
import { getFormatter } from "../../src/output/formatters.js";
import { labelsOf, lexicon, resolveLocale } from "../../src/output/locale.js";
import { scanDocument } from "../../src/pipeline.js";
import { loadRules } from "../../src/rules/load.js";
import type { CaseResult } from "../../src/types.js";

describe("locale", () => {
  it("--locale wins; else LC_ALL, LC_MESSAGES, LANG: zh-CN when it starts with zh, else en", () => {
    expect(resolveLocale("zh-CN", { LANG: "en_US.UTF-8" })).toBe("zh-CN");
    expect(resolveLocale("zh_cn")).toBe("zh-CN");
    expect(resolveLocale("en", { LANG: "zh_CN.UTF-8" })).toBe("en");
    expect(resolveLocale(undefined, { LANG: "zh_CN.UTF-8" })).toBe("zh-CN");
    expect(resolveLocale(undefined, { LC_ALL: "en_US.UTF-8", LANG: "zh_CN.UTF-8" })).toBe("en");
    expect(resolveLocale(undefined, { LC_ALL: "", LANG: "zh_TW.UTF-8" })).toBe("zh-CN");
    expect(resolveLocale(undefined, { LANG: "C.UTF-8" })).toBe("en");
    expect(resolveLocale(undefined, {})).toBe("en");
    expect(() => resolveLocale("fr")).toThrow(UsageError);
    expect(() => resolveLocale("fr")).toThrow(/valid: zh-CN, en/);
  });

  it("labels come from the packs: crimes, industries, groups, regions; cities roll up to provinces", async () => {
    const lex = lexicon("zh-CN", labelsOf(await loadRules()));
    expect(lex.dim("crime", "personal-information")).toBe("侵犯公民个人信息罪");
    expect(lex.dim("industry", "real-estate")).toBe("房地产");
    expect(lex.dim("group", "elderly")).toBe("老年人");
    expect(lex.dim("region", "guangzhou")).toBe("广州市");
    expect(lex.province("guangzhou")).toBe("guangdong");
    expect(lex.province("guangdong")).toBe("guangdong");
    expect(lex.dim("identifier", "bank-card")).toBe("银行卡号");
    expect(lex.severity("especially-serious")).toBe("情节特别严重");
    expect(lex.flag("pil-clue")).toBe("公益诉讼线索");
    expect(lex.dim("crime", "no-such-id")).toBe("no-such-id");
    const en = lexicon("en", labelsOf(await loadRules()));
    expect(en.dim("industry", "real-estate")).toBe("Real estate");
    expect(en.reason({ id: "pi-leak", reason: "x y" })).toBe("x y");
  });

  it("every flag's reason and every severity basis the fixtures produce reads in Chinese", async () => {
    const engine = await createEngine();
    const lex = lexicon("zh-CN", labelsOf(engine.ruleSet));
    const seen = new Set<string>();
    const texts: string[] = [];
    for await (const item of readPath("fixtures/docs", {})) if (item.ok) texts.push(item.doc.text);
    for (const l of readFileSync("../shared/data/typical/typical.jsonl", "utf8").trim().split("\n").slice(0, 40)) texts.push((JSON.parse(l) as { fact: string }).fact);
    for (const text of texts) {
      const r = scanDocument({ id: "x", source: "x", text, meta: {} }, engine);
      for (const f of r.flags) {
        seen.add(f.id);
        const zh = lex.reason(f);
        expect(zh, f.reason).not.toBe(f.reason);
        // No English words left (ids of dimensions become labels).
        expect(zh, f.reason).not.toMatch(/[a-z]{3,}/i);
      }
      if (r.severityBasis) expect(lex.basis(r.severityBasis.reason)).not.toMatch(/serious|tier|proportional|insider/);
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(["cross-region", "insider", "key-group", "key-industry", "pi-leak", "pil-clue", "telecom-fraud"]));
  });

  it("reason templates of every flag, including the rarer wordings", () => {
    const lex = lexicon("zh-CN");
    expect(lex.reason({ id: "pi-leak", reason: "personal information obtained or provided at especially serious scale" })).toBe("非法获取或提供公民个人信息达情节特别严重");
    expect(lex.reason({ id: "pi-leak", reason: "7 unmasked identifiers listed in the document" })).toBe("文书中列有 7 个未脱敏的身份标识");
    expect(lex.reason({ id: "large-scale", reason: "12000 records of personal information" })).toBe("公民个人信息 12000 条");
    expect(lex.reason({ id: "large-scale", reason: "150 victims" })).toBe("被害人 150 名");
    expect(lex.reason({ id: "large-scale", reason: "especially serious by count: 征信 600条 ≥ 500 (tier A, ×10): especially serious" })).toBe(
      "按数量属情节特别严重：征信 600条 ≥ 500（A类，×10）：情节特别严重",
    );
    expect(lex.reason({ id: "unmasked-identifier", reason: "3 unmasked identifier(s) in the document (cn-mobile, bank-card)" })).toBe("文书中有 3 个未脱敏的身份标识（手机号、银行卡号）");
    expect(lex.reason({ id: "pi-leak", reason: "something new" })).toBe("something new");
  });

  it("scan -f table and csv in Chinese: labels, severity, reasons, headers; ids in JSON unchanged", async () => {
    const engine = await createEngine();
    const lex = lexicon("zh-CN", labelsOf(engine.ruleSet));
    let r: CaseResult | undefined;
    for await (const item of readPath("fixtures/docs/telecom-sim-cards.txt", {})) if (item.ok) r = scanDocument(item.doc, engine);
    const table = getFormatter("table").format([r!], { lex });
    expect(table).toContain("严重程度 情节特别严重");
    expect(table).toContain("案件        （2022）粤0306刑初1187号");
    expect(table).toContain("罪名        侵犯公民个人信息罪");
    expect(table).toContain("! 个人信息泄露 (");
    expect(table).not.toContain("personal-information crime evidence");
    const csv = getFormatter("csv").format([r!], { lex });
    expect(csv.split("\n")[0]).toBe("编号,来源,语言,评分,严重程度,罪名,信息类型,行业,受害群体,内鬼,地域,条数,标记,案号");
    expect(csv).toContain("电信:");
    expect(JSON.parse(getFormatter("json").format([r!], { lex })).crimes[0].id).toBe("personal-information");
  });
});
