// The scoped jieba (per document, only the dictionary entries the text holds, the rest of the total
// frequency on one placeholder) must cut exactly as the whole dictionary does: checked token for
// token on every fixture and 600 CAIL facts, with the engine's user words loaded, and end to end
// (scan results) on the fixtures. Plus the index itself: lookups, totals, repeated lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEngine } from "../../src/engine.js";
import { readInputs } from "../../src/ingest/index.js";
import { scanDocument } from "../../src/pipeline.js";
import { TAG_NAME, TAG_NOMINAL, buildJiebaIndex, jiebaIndexFile, loadJiebaIndex, type JiebaIndex } from "../../src/text/jieba-index.js";
import { defaultLexiconFiles, loadKeywordLexicon } from "../../src/keywords/lexicon.js";
import { normalize } from "../../src/text/index.js";
import { MAX_SCOPED_WORDS, NodeRsSegmenter, ScopedNodeRsSegmenter } from "../../src/text/segmenter-node-rs.js";

const require = createRequire(import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), "caseflag-jieba-index-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function indexOf(dictText: string): JiebaIndex {
  const file = join(tmp, `idx-${Math.random().toString(36).slice(2)}.bin`);
  writeFileSync(file, buildJiebaIndex(dictText));
  return loadJiebaIndex(file);
}

describe("jieba index", () => {
  it("finds every word occurring in a text, with frequencies and the total", () => {
    const idx = indexOf("北京 100 ns\n北京市 50\n市长 20 n\n长江 30\n江 5\n北京 70\n");
    expect(idx.words).toBe(5);
    expect(idx.total).toBe(70 + 50 + 20 + 30 + 5); // the repeated 北京: the later line wins
    expect(idx.line(idx.find("北京"))).toBe("北京 70");
    expect(idx.find("南京")).toBe(-1);
    const found = [...idx.wordsIn("北京市长江大桥")].map((i) => idx.line(i).split(" ")[0]).sort();
    expect(found).toEqual(["北京", "北京市", "市长", "江", "长江"].sort());
  });

  it("keeps each word's tag class: nominal, a person's name, or neither (the later line wins)", () => {
    const idx = indexOf("客户 500 n\n张伟 40 nr\n涉及 900 v\n张伟 60 nrfg\n");
    expect(idx.tags(idx.find("客户"))).toBe(TAG_NOMINAL);
    expect(idx.tags(idx.find("张伟"))).toBe(TAG_NAME);
    expect(idx.tags(idx.find("涉及"))).toBe(0);
  });

  it("answers keyword capture's dictionary questions exactly as reading the dictionary does", async () => {
    const files = defaultLexiconFiles();
    const copy = join(tmp, "dict-copy.txt");
    writeFileSync(copy, readFileSync(files.jiebaDict));
    const viaIndex = await loadKeywordLexicon();
    const streamed = await loadKeywordLexicon({ ...files, jiebaDict: copy });
    expect(viaIndex.langTotal).toBe(streamed.langTotal);
    const words = readFileSync(files.jiebaDict, "utf8").split("\n").map((l) => l.split(" ")[0]!).filter(Boolean);
    let differ = 0;
    for (const w of [...words, "不存在的词", "张某某", "被告人", "x"]) {
      const same =
        viaIndex.lang.get(w) === streamed.lang.get(w) &&
        viaIndex.nominal.has(w) === streamed.nominal.has(w) &&
        viaIndex.dictNames.has(w) === streamed.dictNames.has(w) &&
        viaIndex.dictWords.has(w) === streamed.dictWords.has(w);
      if (!same) differ++;
    }
    expect(words.length).toBeGreaterThan(300_000);
    expect(differ).toBe(0);
  });

  it("is built by npm run build from the packaged dictionary", () => {
    const file = jiebaIndexFile();
    expect(file && existsSync(file)).toBeTruthy();
    const idx = loadJiebaIndex(file!);
    expect(idx.words).toBeGreaterThan(300_000);
    expect(idx.find("个人信息")).toBeGreaterThanOrEqual(0);
  });
});

describe("scoped jieba", () => {
  const dict = readFileSync(require.resolve("@node-rs/jieba/dict.txt"), "utf8");
  const idx = indexOf(dict);

  it("cuts every fixture and 600 CAIL facts exactly as the whole dictionary does, user words included", async () => {
    const engine = await createEngine();
    const words = engine.compiled.userWords;
    const full = new NodeRsSegmenter();
    full.addWords(words);
    const texts: string[] = [];
    for await (const item of readInputs(["fixtures/docs", "fixtures/labelled"])) if (item.ok) texts.push(normalize(item.doc.text).text);
    const facts = readFileSync("../shared/data/cail/dev.jsonl", "utf8").split("\n").filter(Boolean).slice(0, 600);
    for (const l of facts) texts.push(normalize((JSON.parse(l) as { fact: string }).fact).text);
    let scoped = new ScopedNodeRsSegmenter(idx);
    texts.forEach((text, i) => {
      if (i % 40 === 0) {
        expect(scoped.loadedWholeDictionary).toBe(false);
        // No time budget here: every text must go through a partial dictionary.
        scoped = new ScopedNodeRsSegmenter(idx, { budgetMs: Infinity });
        scoped.addWords(words);
      }
      scoped.prepare(text);
      expect(scoped.segment(text), `text ${i}`).toEqual(full.segment(text));
    });
    expect(scoped.loadedWholeDictionary).toBe(false);
    expect(texts.length).toBeGreaterThan(640);
  });

  it("judges user words batch by batch as the full segmenter does", () => {
    const full = new NodeRsSegmenter();
    const scoped = new ScopedNodeRsSegmenter(idx);
    for (const batch of [["内鬼", "后台"], ["内鬼查询", "查询后台"]]) {
      full.addWords(batch);
      scoped.addWords(batch);
    }
    const text = "该公司内鬼利用后台查询系统，内鬼查询后台数据后出售。";
    expect(scoped.segment(text)).toEqual(full.segment(text));
  });

  it("gives scan results equal to the whole dictionary's on the fixtures", async () => {
    const fullEngine = await createEngine();
    const scopedEngine = await createEngine({ dictionary: "document" });
    let n = 0;
    for await (const item of readInputs(["fixtures/docs", "fixtures/labelled"])) {
      if (!item.ok) continue;
      expect(scanDocument(item.doc, scopedEngine)).toEqual(scanDocument(item.doc, fullEngine));
      n++;
    }
    expect(n).toBeGreaterThan(60);
  });

  it("loads the whole dictionary once its time budget is spent (many files), or for a text holding the placeholder", () => {
    expect(MAX_SCOPED_WORDS).toBeGreaterThan(10_000);
    const full = new NodeRsSegmenter();
    const facts = readFileSync("../shared/data/cail/dev.jsonl", "utf8").split("\n").filter(Boolean).slice(0, 20);
    const scoped = new ScopedNodeRsSegmenter(idx, { budgetMs: 0 });
    const first = normalize((JSON.parse(facts[0]!) as { fact: string }).fact).text;
    expect(scoped.segment(first)).toEqual(full.segment(first));
    expect(scoped.loadedWholeDictionary).toBe(false);
    for (const l of facts.slice(1)) {
      const text = normalize((JSON.parse(l) as { fact: string }).fact).text;
      expect(scoped.segment(text)).toEqual(full.segment(text));
    }
    expect(scoped.loadedWholeDictionary).toBe(true);
    const odd = new ScopedNodeRsSegmenter(idx);
    const text = "个人信息\uFDD0\uFDD1出售";
    expect(odd.segment(text)).toEqual(full.segment(text));
    expect(odd.loadedWholeDictionary).toBe(true);
  });
});
