// JSONL read as LineChunks (batch hands raw lines to its worker threads) must give, once the
// chunks are parsed, exactly the items line-by-line reading gives: same order, same line numbers,
// same failures (bad JSON, bad bytes, a line over the size limit), BOM and CRLF handled, blank
// lines skipped, GB18030 decoded; UTF-16 dumps stay line by line.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { chunkItems, readInputs, readInputUnits, type ReadOptions } from "../../src/ingest/index.js";
import type { LineChunk, ReadItem } from "../../src/types.js";
import { tempDir } from "../helpers/ingest.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const tmp = tempDir("ingest-chunks");

async function byLine(paths: string[], opts: ReadOptions = {}): Promise<ReadItem[]> {
  const out: ReadItem[] = [];
  for await (const item of readInputs(paths, opts)) out.push(item);
  return out;
}

async function byChunk(paths: string[], chunkBytes: number, opts: ReadOptions = {}): Promise<{ items: ReadItem[]; chunks: LineChunk[] }> {
  const items: ReadItem[] = [];
  const chunks: LineChunk[] = [];
  for await (const unit of readInputUnits(paths, opts, undefined, chunkBytes)) {
    if (unit.ok === "chunk") {
      chunks.push(unit.chunk);
      const parsed = [...chunkItems(unit.chunk, opts)];
      expect(parsed.length).toBe(unit.chunk.items);
      items.push(...parsed);
    } else items.push(unit);
  }
  return { items, chunks };
}

const rec = (id: string, fact: string): string => JSON.stringify({ id, fact });

describe("JSONL as line chunks", () => {
  it("parse to the same items as line-by-line reading, failures and line numbers included", async () => {
    const path = join(tmp, "mixed.jsonl");
    const big = rec("big", "长".repeat(400));
    const lines = [
      rec("a", "被告人出售公民个人信息。"),
      "",
      "{not json",
      rec("b", "第二条"),
      "   ",
      big, // over maxBytes below: a failure in its place
      rec("c", "第三条"),
      "[1,2]", // JSON but not an object
      rec("d", "末行没有换行"),
    ];
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]), // BOM
      Buffer.from(lines.slice(0, 3).join("\r\n") + "\r\n"),
      Buffer.from(lines.slice(3, 4).join("\n") + "\n"),
      Buffer.from([0xff, 0xfe, 0x0a]), // a line that is not UTF-8
      Buffer.from(lines.slice(4).join("\n")),
    ]);
    writeFileSync(path, bytes);
    const opts: ReadOptions = { maxBytes: 1000 };
    const want = await byLine([path], opts);
    for (const size of [1, 40, 1 << 16]) {
      const { items, chunks } = await byChunk([path], size, opts);
      expect(items).toEqual(want);
      expect(chunks.length).toBeGreaterThan(0);
      if (size === 1) expect(chunks.length).toBeGreaterThan(5);
    }
    const codes = want.map((i) => (i.ok ? i.doc.id : i.failure.code));
    expect(codes).toEqual(["a", "E_JSON_LINE", "b", "E_ENCODING", "E_TOO_LARGE", "c", "E_JSON_LINE", "d"]);
    expect(want.filter((i) => !i.ok).map((i) => (i.ok ? 0 : i.failure.line))).toEqual([3, 5, 7, 9]);
  });

  it("the bundled dumps and a real GB18030 dump read the same as chunks", async () => {
    const paths = [
      join(repoRoot, "fixtures/docs/cases.jsonl"),
      join(repoRoot, "fixtures/bad/broken.jsonl"),
      resolve(repoRoot, "../shared/data/cail/train-sample.gb18030.jsonl"),
    ];
    const want = await byLine(paths);
    const { items, chunks } = await byChunk(paths, 4096);
    expect(items).toEqual(want);
    expect(chunks.some((c) => c.encoding === "gb18030")).toBe(true);
    expect(want.filter((i) => i.ok).length).toBeGreaterThan(100);
  });

  it("leave UTF-16 dumps and other formats as items", async () => {
    const path = join(tmp, "utf16.jsonl");
    writeFileSync(path, iconv.encode([rec("u1", "第一"), rec("u2", "第二")].join("\n"), "utf-16le", { addBOM: true }));
    const paths = [path, join(repoRoot, "fixtures/docs/cases.json"), join(repoRoot, "fixtures/docs/theft-negative.txt")];
    const { items, chunks } = await byChunk(paths, 4096);
    expect(chunks).toEqual([]);
    expect(items).toEqual(await byLine(paths));
  });
});
