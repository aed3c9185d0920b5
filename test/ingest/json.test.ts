import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { readPath, readSource } from "../../src/ingest/index.js";
import type { Document, Failure, ReadItem } from "../../src/types.js";
import { tempDir } from "../helpers/ingest.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const docsDir = resolve(repoRoot, "fixtures/docs");
const tmp = tempDir("ingest-json");

async function collect(it: AsyncIterable<ReadItem>): Promise<{ docs: Document[]; failures: Failure[]; items: ReadItem[] }> {
  const out = { docs: [] as Document[], failures: [] as Failure[], items: [] as ReadItem[] };
  for await (const x of it) {
    out.items.push(x);
    if (x.ok) out.docs.push(x.doc);
    else out.failures.push(x.failure);
  }
  return out;
}

const bytesSource = (name: string, ...chunks: (string | Buffer)[]) => ({
  name,
  open: () => Readable.from(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c))),
});

describe("json reader", () => {
  it("reads an array of documents with ids, sources and the other fields as meta", async () => {
    const path = join(docsDir, "cases.json");
    const { docs, failures } = await collect(readPath(path));
    expect(failures).toEqual([]);
    expect(docs.map((d) => [d.id, d.source])).toEqual([
      ["json-traffic-2021-01", `${path}[0]`],
      ["json-location-2022-02", `${path}[1]`],
      ["json-hacking-2020-03", `${path}[2]`],
    ]);
    expect(docs[1]!.meta).toEqual({
      title: "韩某、杨某侵犯公民个人信息罪一审刑事判决书",
      court: "陕西省西安市雁塔区人民法院",
      accusation: ["侵犯公民个人信息"],
      relevant_articles: [253],
    });
    expect(docs[1]!.text).toContain("行踪轨迹信息68条");
  });

  it("reads one object; id falls back to the file name, index for arrays", async () => {
    const one = await collect(readSource(bytesSource("one.json", `{"content":"本院认为","court":"某法院"}`)));
    expect(one.docs[0]).toEqual({ id: "one.json", source: "one.json", text: "本院认为", meta: { court: "某法院" } });
    const arr = await collect(readSource(bytesSource("arr.json", `[{"text":"甲"},{"body":"乙"}]`)));
    expect(arr.docs.map((d) => [d.id, d.text])).toEqual([["0", "甲"], ["1", "乙"]]);
  });

  it("honours textFields (dotted paths too) and idField", async () => {
    const src = bytesSource("c.json", `[{"案号":"（2021）A1","正文":"","data":{"fact":"经审理查明"}}]`);
    const { docs } = await collect(readSource(src, { textFields: ["正文", "data.fact"], idField: "案号" }));
    expect(docs[0]!.id).toBe("（2021）A1");
    expect(docs[0]!.text).toBe("经审理查明");
    expect(docs[0]!.meta).toEqual({ 正文: "", data: { fact: "经审理查明" } });
  });

  it("malformed JSON is E_JSON with a line; a bad element fails alone", async () => {
    const bad = await collect(readSource(bytesSource("bad.json", `[\n{"fact":"甲"},\n{"fact":"乙"}\n{"fact":"丙"}]`)));
    expect(bad.docs).toEqual([]);
    expect(bad.failures[0]).toMatchObject({ code: "E_JSON", line: 4, source: "bad.json" }); // where the missing comma is noticed
    expect(bad.failures[0]!.message).toMatch(/^bad\.json:4: malformed JSON: Expected/);
    // V8 gives no position for "Unexpected token": no line then, but still one line naming the file.
    const tok = await collect(readSource(bytesSource("tok.json", `[\n{"fact": oops}\n]`)));
    expect(tok.failures[0]).toMatchObject({ code: "E_JSON", source: "tok.json" });
    expect(tok.failures[0]!.message).toMatch(/^tok\.json: malformed JSON: Unexpected token/);
    expect(tok.failures[0]!.message).not.toContain("\n");
    const mixed = await collect(readSource(bytesSource("m.json", `[{"fact":"甲"}, 42, {"title":"no text"}]`)));
    expect(mixed.docs.map((d) => d.text)).toEqual(["甲"]);
    expect(mixed.failures.map((f) => [f.source, f.code])).toEqual([
      ["m.json[1]", "E_JSON"],
      ["m.json[2]", "E_NO_TEXT"],
    ]);
  });
});

describe("jsonl reader", () => {
  it("reads the fixture: ids from the id field else the line number, CAIL nested meta flattened", async () => {
    const path = join(docsDir, "cases.jsonl");
    const { docs, failures } = await collect(readPath(path));
    expect(failures).toEqual([]);
    expect(docs.map((d) => [d.id, d.source])).toEqual([
      ["jsonl-2013-old-name", `${path}:1`],
      ["jsonl-fake-base-station", `${path}:2`],
      ["3", `${path}:3`],
      ["jsonl-real-estate-owners", `${path}:4`],
    ]);
    expect(docs[2]!.meta).toEqual({ accusation: ["帮助信息网络犯罪活动"], relevant_articles: [287] });
  });

  it("a bad line is a Failure with its line number and the rest go on; blank lines are skipped", async () => {
    const path = resolve(repoRoot, "fixtures/bad/broken.jsonl");
    const { items } = await collect(readPath(path));
    const summary = items.map((x) => (x.ok ? `doc ${x.doc.id} ${x.doc.source}` : `fail ${x.failure.code} ${x.failure.line}`));
    expect(summary).toEqual([
      `doc b1 ${path}:1`,
      `doc b3 ${path}:3`,
      "fail E_JSON_LINE 4",
      `doc b5 ${path}:5`,
      "fail E_NO_TEXT 6",
    ]);
    const f = items[2]!;
    expect(f.ok).toBe(false);
    if (!f.ok) {
      expect(f.failure.source).toBe(`${path}:4`);
      expect(f.failure.message.startsWith(`${path}:4: `)).toBe(true);
    }
  });

  it("handles CRLF, a BOM, a last line without newline, and non-object lines", async () => {
    const src = bytesSource("w.jsonl", Buffer.from([0xef, 0xbb, 0xbf]), `{"fact":"一"}\r\n\r\n[1,2]\r\n{"fact":"三"}`);
    const { items } = await collect(readSource(src));
    expect(items.map((x) => (x.ok ? x.doc.text : `${x.failure.code}@${x.failure.line}`))).toEqual(["一", "E_JSON_LINE@3", "三"]);
  });

  it("a line over maxBytes is E_TOO_LARGE with its line; later lines still read", async () => {
    const long = JSON.stringify({ fact: "长".repeat(2000) });
    const src = bytesSource("l.jsonl", `{"fact":"短"}\n${long}\n{"fact":"后"}\n`);
    const { items } = await collect(readSource(src, { maxBytes: 1000 }));
    expect(items.map((x) => (x.ok ? x.doc.text : `${x.failure.code}@${x.failure.line}`))).toEqual(["短", "E_TOO_LARGE@2", "后"]);
  });

  it("detects GB18030 from the head; an undecodable line fails alone with its line", async () => {
    const gb = (s: string) => iconv.encode(s, "gb18030");
    const src = bytesSource(
      "gb.jsonl",
      gb(`{"fact":"被告人甲某出售征信报告"}\n`),
      Buffer.concat([gb(`{"fact":"坏`), Buffer.from([0xff, 0xff]), Buffer.from(`"}\n`)]),
      gb(`{"fact":"被告人乙某"}\n`),
    );
    const { items } = await collect(readSource(src));
    expect(items.map((x) => (x.ok ? x.doc.text : `${x.failure.code}@${x.failure.line}`))).toEqual([
      "被告人甲某出售征信报告",
      "E_ENCODING@2",
      "被告人乙某",
    ]);
  });

  it("reads UTF-16LE JSONL with a BOM, lines split after decoding", async () => {
    const text = `{"fact":"第一行"}\n{"fact":"第二行\\n续"}\n`;
    // \u0a0a-like code units: U+4E0A (上) is 0A 4E in UTF-16LE, so byte splitting would break it.
    const withLf = `{"fact":"上"}\n`;
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text + withLf, "utf16le")]);
    const src = { name: "u.jsonl", open: () => Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]) };
    const { docs, failures } = await collect(readSource(src));
    expect(failures).toEqual([]);
    expect(docs.map((d) => d.text)).toEqual(["第一行", "第二行\n续", "上"]);
  });

  it("streams: the first document arrives long before the input is exhausted", async () => {
    const line = JSON.stringify({ fact: "经审理查明：被告人出售公民个人信息。".repeat(40) }) + "\n";
    const chunk = Buffer.from(line.repeat(20)); // ~24 KB
    const total = 200; // ~4.8 MB
    let pulled = 0;
    const src = {
      name: "big.jsonl",
      open: () =>
        Readable.from(
          (function* () {
            for (let i = 0; i < total; i++) {
              pulled++;
              yield chunk;
            }
          })(),
        ),
    };
    let pulledAtFirst = -1;
    let count = 0;
    for await (const item of readSource(src)) {
      if (!item.ok) throw new Error(item.failure.message);
      if (count === 0) pulledAtFirst = pulled;
      count++;
    }
    expect(count).toBe(total * 20);
    expect(pulledAtFirst).toBeGreaterThan(0);
    expect(pulledAtFirst).toBeLessThan(20); // the 64 KiB head plus stream read-ahead, not the whole dump
  });

  it("sniffs JSONL without an extension (e.g. stdin)", async () => {
    const { docs } = await collect(readSource(bytesSource("-", `{"fact":"一"}\n{"fact":"二"}\n`)));
    expect(docs.map((d) => d.source)).toEqual(["-:1", "-:2"]);
  });

  it("binary content in a .jsonl is one E_BINARY failure", async () => {
    writeFileSync(join(tmp, "bin.jsonl"), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
    const { docs, failures } = await collect(readPath(join(tmp, "bin.jsonl")));
    expect(docs).toEqual([]);
    expect(failures.map((f) => f.code)).toEqual(["E_BINARY"]);
  });
});
