import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { decodeText, detectEncoding, readPath } from "../../src/ingest/index.js";
import type { Document, Failure, ReadItem } from "../../src/types.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const CAIL_GB18030 = resolve(repoRoot, "../shared/data/cail/train-sample.gb18030.jsonl");

async function collect(it: AsyncIterable<ReadItem>): Promise<{ docs: Document[]; failures: Failure[] }> {
  const docs: Document[] = [];
  const failures: Failure[] = [];
  for await (const x of it) {
    if (x.ok) docs.push(x.doc);
    else failures.push(x.failure);
  }
  return { docs, failures };
}

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error("did not throw");
}

const ZH = "被告人张某利用职务便利出售征信报告915份";

describe("decodeText", () => {
  it("reads UTF-8 without and with a BOM (the BOM is not text)", () => {
    expect(decodeText(Buffer.from(ZH), "a.txt")).toEqual({ text: ZH, encoding: "utf-8" });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ZH)]);
    expect(decodeText(bom, "a.txt")).toEqual({ text: ZH, encoding: "utf-8" });
  });

  it("reads UTF-16 LE and BE with a BOM", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ZH, "utf16le")]);
    expect(decodeText(le, "a.txt")).toEqual({ text: ZH, encoding: "utf-16le" });
    const be = Buffer.from(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(ZH, "utf16le")]));
    for (let i = 2; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1]!, be[i]!];
    expect(decodeText(be, "a.txt")).toEqual({ text: ZH, encoding: "utf-16be" });
  });

  it("falls back to GB18030 for GBK bytes", () => {
    expect(decodeText(Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), "a.txt")).toEqual({ text: "中文", encoding: "gb18030" });
    const gbk = iconv.encode(ZH + "，身份证号码（略），手机号码138****1234。", "gbk");
    expect(decodeText(gbk, "a.txt").text).toBe(ZH + "，身份证号码（略），手机号码138****1234。");
    expect(decodeText(gbk, "a.txt").encoding).toBe("gb18030");
  });

  it("rejects NUL bytes and control-character soup as E_BINARY, naming the file on one line", () => {
    const e = thrown(() => decodeText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x41]), "dir/scan.txt"));
    expect(e.code).toBe("E_BINARY");
    expect(e.message).toMatch(/^dir\/scan\.txt: binary content/);
    expect(e.message).not.toContain("\n");
    const control = Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)));
    expect(thrown(() => decodeText(control, "c.txt")).code).toBe("E_BINARY");
    // Tabs, newlines, form feeds are text.
    expect(decodeText(Buffer.from("a\tb\r\nc\fd"), "ok.txt").text).toBe("a\tb\r\nc\fd");
  });

  it("rejects bytes that are neither UTF-8 nor GB18030 as E_ENCODING", () => {
    const bytes = Buffer.concat([Buffer.from("被告人"), Buffer.from([0xff, 0xfe, 0xff])]);
    const e = thrown(() => decodeText(bytes, "x.txt"));
    expect(e.code).toBe("E_ENCODING");
    expect(e.message).toContain("x.txt");
  });

  it("honours a forced encoding and refuses an unknown label", () => {
    const gbk = iconv.encode("本院认为", "gbk");
    expect(decodeText(gbk, "a.txt", "GBK")).toEqual({ text: "本院认为", encoding: "gbk" });
    // Forcing a wrong but valid encoding fails loudly instead of producing mojibake.
    expect(thrown(() => decodeText(gbk, "a.txt", "utf-8")).code).toBe("E_ENCODING");
    expect(thrown(() => decodeText(gbk, "a.txt", "klingon")).message).toContain('unknown encoding "klingon"');
  });

  it("an empty file is empty UTF-8 text", () => {
    expect(decodeText(Buffer.alloc(0), "e.txt")).toEqual({ text: "", encoding: "utf-8" });
  });

  it("detects from a head cut inside a character without calling it undecodable", () => {
    const head = Buffer.from(ZH).subarray(0, 10); // 3 full characters and a third of one
    expect(detectEncoding(head, "h", { complete: false }).encoding).toBe("utf-8");
    const gbHead = iconv.encode(ZH, "gb18030").subarray(0, 7);
    expect(detectEncoding(gbHead, "h", { complete: false }).encoding).toBe("gb18030");
  });
});

describe("the real CAIL GB18030 sample", () => {
  it("reads 300 documents of Chinese text and keeps the accusation meta", async () => {
    const raw = readFileSync(CAIL_GB18030);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(raw)).toThrow(); // really not UTF-8
    const { docs, failures } = await collect(readPath(CAIL_GB18030));
    expect(failures).toEqual([]);
    expect(docs).toHaveLength(300);
    expect(docs[0]!.text.startsWith("北京市通州区人民检察院指控")).toBe(true);
    expect(docs[0]!.id).toBe("1");
    expect(docs[0]!.source).toBe(`${CAIL_GB18030}:1`);
    expect(docs[299]!.id).toBe("300");
    for (const d of docs) {
      expect(d.text).toMatch(/[\u4e00-\u9fff]{10}/);
      expect(d.text).not.toContain("\ufffd");
      expect(Array.isArray(d.meta["accusation"])).toBe(true);
      expect((d.meta["accusation"] as unknown[]).length).toBeGreaterThan(0);
    }
    expect(docs[0]!.meta["accusation"]).toEqual(["故意伤害"]);
    expect(docs[0]!.meta["relevant_articles"]).toEqual([234]);
  });
});
