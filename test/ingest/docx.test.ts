import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error yazl ships no types; used here only to build test zips.
import yazl from "yazl";
import { readPath } from "../../src/ingest/index.js";
import { collect, tempDir } from "../helpers/ingest.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const tmp = tempDir("ingest-docx");


function zipBuffer(entries: [string, Buffer][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) zip.addBuffer(data, name);
  zip.end();
  return new Promise((resolveP, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on("data", (c: Buffer) => parts.push(c));
    zip.outputStream.on("end", () => resolveP(Buffer.concat(parts)));
    zip.outputStream.on("error", reject);
  });
}

describe("docx reader", () => {
  it("extracts paragraphs in order", async () => {
    const { docs, failures } = await collect(readPath(resolve(repoRoot, "fixtures/docs/securities-insider.docx")));
    expect(failures).toEqual([]);
    const d = docs[0]!;
    expect(d.id).toBe("securities-insider.docx");
    expect(d.meta).toEqual({ format: "docx" });
    expect(d.text.startsWith("北京市西城区人民法院\n\n刑事判决书")).toBe(true);
    expect(d.text.indexOf("公诉机关指控")).toBeLessThan(d.text.indexOf("经审理查明"));
    expect(d.text).toContain("11010519491231002X");
    expect(d.text).toContain("“证券公司投资顾问”");
  });

  it("a truncated docx is E_DOCX", async () => {
    const { docs, failures } = await collect(readPath(resolve(repoRoot, "fixtures/bad/corrupt.docx")));
    expect(docs).toEqual([]);
    expect(failures[0]!.code).toBe("E_DOCX");
    expect(failures[0]!.message).toMatch(/corrupt\.docx: not a readable \.docx/);
  });

  it("a text file named .docx, and a zip without word/document.xml, are E_DOCX", async () => {
    writeFileSync(join(tmp, "renamed.docx"), "本院认为");
    expect((await collect(readPath(join(tmp, "renamed.docx")))).failures[0]!.code).toBe("E_DOCX");
    writeFileSync(join(tmp, "empty.docx"), await zipBuffer([["readme.txt", Buffer.from("hi")]]));
    const r = await collect(readPath(join(tmp, "empty.docx")));
    expect(r.docs).toEqual([]);
    expect(r.failures[0]!.code).toBe("E_DOCX");
  });

  it("a docx that would inflate past 10x maxBytes is refused before mammoth inflates it", async () => {
    const doc = readFileSync(resolve(repoRoot, "fixtures/docs/securities-insider.docx"));
    writeFileSync(join(tmp, "padded.docx"), await zipBuffer([["word/media/pad.bin", Buffer.alloc(4 * 1024 * 1024)], ["orig.docx", doc]]));
    const { failures } = await collect(readPath(join(tmp, "padded.docx"), { maxBytes: 200 * 1024 }));
    expect(failures[0]!.code).toBe("E_TOO_LARGE");
  });
});
