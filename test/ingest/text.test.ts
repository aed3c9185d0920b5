import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { readPath, readSource, stdinSource } from "../../src/ingest/index.js";
import { collect, tempDir } from "../helpers/ingest.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const docs = resolve(repoRoot, "fixtures/docs");
const tmp = tempDir("ingest-text");


describe("text reader", () => {
  it("reads a UTF-8 judgment with its file name as id", async () => {
    const path = join(docs, "bank-credit-report.txt");
    const { docs: d, failures } = await collect(readPath(path));
    expect(failures).toEqual([]);
    expect(d).toHaveLength(1);
    expect(d[0]!.id).toBe("bank-credit-report.txt");
    expect(d[0]!.source).toBe(path);
    expect(d[0]!.meta).toEqual({ format: "text", encoding: "utf-8" });
    expect(d[0]!.text).toContain("经审理查明");
    expect(d[0]!.text).toContain("11010519491231002X");
  });

  it("reads the GB18030 and UTF-16 fixtures", async () => {
    const gb = await collect(readPath(join(docs, "gb18030-hotel-stays.txt")));
    expect(gb.docs[0]!.meta["encoding"]).toBe("gb18030");
    expect(gb.docs[0]!.text).toContain("酒店前台接待员");
    const u16 = await collect(readPath(join(docs, "utf16-loan-app.txt")));
    expect(u16.docs[0]!.meta["encoding"]).toBe("utf-16le");
    expect(u16.docs[0]!.text.startsWith("广东省广州市天河区人民法院")).toBe(true);
    expect(u16.docs[0]!.text).toContain("爬虫程序");
  });

  it("sniffs an extension-less file: text is read, binary is E_BINARY", async () => {
    writeFileSync(join(tmp, "2021.刑初88号"), "本院认为，被告人构成侵犯公民个人信息罪。");
    writeFileSync(join(tmp, "noext"), "公诉机关指控：被告人出售信息。");
    writeFileSync(join(tmp, "blob"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]));
    const a = await collect(readPath(join(tmp, "2021.刑初88号")));
    expect(a.docs[0]!.text).toContain("本院认为");
    expect((await collect(readPath(join(tmp, "noext")))).docs[0]!.meta["format"]).toBe("text");
    const b = await collect(readPath(join(tmp, "blob")));
    expect(b.docs).toEqual([]);
    expect(b.failures[0]!.code).toBe("E_BINARY");
    expect(b.failures[0]!.message).toContain("blob");
  });

  it("refuses an unknown extension with the list of supported ones", async () => {
    writeFileSync(join(tmp, "scan.pdf"), "%PDF-1.4");
    const { failures } = await collect(readPath(join(tmp, "scan.pdf")));
    expect(failures[0]!.code).toBe("E_UNSUPPORTED");
    expect(failures[0]!.message).toMatch(/no reader for \.pdf \(supported: .*\.txt/);
  });

  it("refuses a file over maxBytes as E_TOO_LARGE", async () => {
    writeFileSync(join(tmp, "big.txt"), "个".repeat(1000));
    const { docs: d, failures } = await collect(readPath(join(tmp, "big.txt"), { maxBytes: 1024 }));
    expect(d).toEqual([]);
    expect(failures[0]!.code).toBe("E_TOO_LARGE");
    // Also when the size is not known up front (a stream).
    const src = { name: "stream.txt", open: () => Readable.from([Buffer.from("a".repeat(600)), Buffer.from("b".repeat(600))]) };
    expect((await collect(readSource(src, { maxBytes: 1000 }))).failures[0]!.code).toBe("E_TOO_LARGE");
  });

  it("a missing path is a Failure E_NOT_FOUND, not a throw", async () => {
    const { docs: d, failures } = await collect(readPath(join(tmp, "nope.txt")));
    expect(d).toEqual([]);
    expect(failures).toEqual([
      { source: join(tmp, "nope.txt"), code: "E_NOT_FOUND", message: `${join(tmp, "nope.txt")}: no such file or directory` },
    ]);
  });

  it("a source whose stream errors mid-way becomes a Failure", async () => {
    const src = {
      name: "flaky.txt",
      open: () =>
        new Readable({
          read() {
            this.destroy(new Error("disk went away"));
          },
        }),
    };
    const { failures } = await collect(readSource(src));
    expect(failures[0]).toMatchObject({ source: "flaky.txt", code: "E_READ", message: "flaky.txt: disk went away" });
  });

  it("reads stdin as '-' (injected stream, and readPath('-') through process.stdin)", async () => {
    const injected = await collect(readSource(stdinSource(Readable.from([Buffer.from("经审理查明：被告人")]))));
    expect(injected.docs[0]).toMatchObject({ id: "-", source: "-", text: "经审理查明：被告人" });

    const jsonl = '{"id":"s1","fact":"第一份"}\n{"id":"s2","fact":"第二份"}\n';
    const spy = vi.spyOn(process, "stdin", "get").mockReturnValue(Readable.from([Buffer.from(jsonl)]) as never);
    try {
      const viaPath = await collect(readPath("-"));
      expect(viaPath.docs.map((d) => [d.id, d.source, d.text])).toEqual([
        ["s1", "-:1", "第一份"],
        ["s2", "-:2", "第二份"],
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});
