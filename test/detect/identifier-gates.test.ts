// The gates before identifier detection skip only documents where the detectors find nothing:
// gated and ungated detection agree on every dev.jsonl fact and fixture (normalized, as the
// pipeline reads them, and as written, as maskText reads ids and file names), and on texts built
// to sit right at each gate.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectIdentifiers, detectIdentifiersUngated } from "../../src/detect/identifiers.js";
import { readInputs } from "../../src/ingest/index.js";
import { createEngine } from "../../src/engine.js";
import { normalize } from "../../src/text/index.js";

const engine = await createEngine();
const opts = { contextTerms: engine.identifierContext };
const today = new Date("2026-01-01T00:00:00Z");

function agree(text: string): number {
  const gated = detectIdentifiers(text, { ...opts, today });
  expect(gated, text.slice(0, 80)).toEqual(detectIdentifiersUngated(text, { ...opts, today }));
  return gated.length;
}

describe("identifier gates", () => {
  it("agree with every detector run, on dev.jsonl and the fixtures", async () => {
    const texts = readFileSync("../shared/data/cail/dev.jsonl", "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { fact: string }).fact);
    for await (const item of readInputs(["fixtures/docs", "fixtures/labelled", "fixtures/keywords"])) if (item.ok) texts.push(item.doc.text);
    let found = 0;
    for (const t of texts) {
      found += agree(normalize(t).text);
      agree(t);
    }
    expect(texts.length).toBeGreaterThan(5000);
    expect(found).toBeGreaterThan(50);
  });

  it("agree at the edge of each gate", () => {
    const edges = [
      "联系电话13812345678。", "电话1381234567。", "邮箱a.b@example.com", "邮箱ab@", "卡号6222 0212 3456 7890",
      "电话138-1234-5678", "手机138****1234", "身份证号110105********002x", "卡号6222 **** **** 1234", "尾号1234的银行卡",
      "身份证号码（略）", "手机号码已隐去", "电话为***", "xxx", "12 34", "1234-", "无数字文本", "",
    ];
    for (const t of edges) agree(normalize(t).text);
    expect(detectIdentifiers("无数字文本")).toEqual([]);
  });
});
