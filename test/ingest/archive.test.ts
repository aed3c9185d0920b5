import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
// @ts-expect-error yazl ships no types; used here only to build test archives.
import yazl from "yazl";
import { isFailure, readInputs, walkInputs } from "../../src/ingest/index.js";
import type { InputSource } from "../../src/ingest/index.js";
import { collect, tempDir } from "../helpers/ingest.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const fixtures = resolve(repoRoot, "fixtures");
const tmp = tempDir("ingest-archive");


type Member = [name: string, data: Buffer] | [name: string, data: null, type: "symlink" | "directory"];

function zipBuffer(entries: [string, Buffer][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) zip.addBuffer(data, name);
  zip.end();
  return new Promise((res, rej) => {
    const parts: Buffer[] = [];
    zip.outputStream.on("data", (c: Buffer) => parts.push(c));
    zip.outputStream.on("end", () => res(Buffer.concat(parts)));
    zip.outputStream.on("error", rej);
  });
}

async function tarBuffer(members: Member[], gzip: boolean): Promise<Buffer> {
  const pack = tar.pack();
  const parts: Buffer[] = [];
  pack.on("data", (c: unknown) => parts.push(c as Buffer));
  const done = new Promise<void>((res, rej) => {
    pack.on("end", () => res());
    pack.on("error", rej);
  });
  for (const [name, data, type] of members) {
    if (type === "symlink") pack.entry({ name, type: "symlink", linkname: "/etc/passwd" });
    else if (type === "directory") pack.entry({ name, type: "directory" });
    else pack.entry({ name }, data!);
  }
  pack.finalize();
  await done;
  const raw = Buffer.concat(parts);
  return gzip ? gzipSync(raw) : raw;
}

const txt = (s: string) => Buffer.from(s);

/** tar-stream writes names as UTF-8; Chinese Windows tools write GBK. Patch raw bytes into a header. */
function patchTarName(tarBuf: Buffer, placeholder: string, raw: Buffer): Buffer {
  const out = Buffer.from(tarBuf);
  const at = out.indexOf(placeholder);
  if (at === -1 || at % 512 !== 0 || raw.length !== placeholder.length) throw new Error("placeholder not at a header");
  raw.copy(out, at);
  out.fill(0x20, at + 148, at + 156); // checksum field counts as spaces
  let sum = 0;
  for (let i = at; i < at + 512; i++) sum += out[i]!;
  out.write(sum.toString(8).padStart(6, "0") + "\0 ", at + 148, "latin1");
  return out;
}

/** Text that compresses like real prose (a few :1), not like a repeated line. */
function prose(n: number, seed: number): string {
  let x = seed;
  let s = "";
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += String.fromCharCode(0x4e00 + (x % 3000));
  }
  return s;
}
const docText = (name: string) => readFileSync(join(fixtures, "docs", name), "utf8");

describe("zip", () => {
  it("reads the fixture zip: GBK-named and UTF-8-named members, __MACOSX skipped and reported", async () => {
    const zip = join(fixtures, "archives/cases.zip");
    const skipped: string[] = [];
    const { docs, failures } = await collect(readInputs([zip], { onSkip: (n) => skipped.push(n) }));
    expect(failures).toEqual([]);
    expect(docs.map((d) => d.source)).toEqual([
      `${zip}!/判决书/银行客户经理出售征信报告案.txt`,
      `${zip}!/英文译本/en-customer-data-judgment.txt`,
      `${zip}!/theft-negative.txt`,
    ]);
    expect(docs[0]!.id).toBe("银行客户经理出售征信报告案.txt");
    expect(docs[0]!.text).toBe(docText("bank-credit-report.txt"));
    expect(docs[1]!.text).toBe(docText("en-customer-data-judgment.txt"));
    expect(skipped).toEqual([`${zip}!/__MACOSX/判决书/._银行客户经理出售征信报告案.txt`]);
  });

  it("refuses a zip bomb member by size and by ratio, naming archive!/member, and reads the rest", async () => {
    const path = join(tmp, "bomb.zip");
    writeFileSync(path, await zipBuffer([["bomb.txt", Buffer.alloc(50 * 1024 * 1024)], ["ok.txt", txt("本院认为")]]));
    const bySize = await collect(readInputs([path]));
    expect(bySize.docs.map((d) => d.text)).toEqual(["本院认为"]);
    expect(bySize.failures).toHaveLength(1);
    expect(bySize.failures[0]).toMatchObject({ source: `${path}!/bomb.txt`, code: "E_ARCHIVE_LIMIT" });
    expect(bySize.failures[0]!.message).toMatch(/bomb\.zip!\/bomb\.txt: 52428800 bytes uncompressed, over the 20971520-byte member limit/);

    const byRatio = await collect(readInputs([path], { maxBytes: 100 * 1024 * 1024 }));
    expect(byRatio.docs.map((d) => d.text)).toEqual(["本院认为"]);
    expect(byRatio.failures[0]!.code).toBe("E_ARCHIVE_LIMIT");
    expect(byRatio.failures[0]!.message).toMatch(/bomb\.txt: expands \d+:1 .* over the 200:1 limit; refused as a possible zip bomb/);
  });

  it("stops an archive at the total limit", async () => {
    const path = join(tmp, "total.zip");
    writeFileSync(path, await zipBuffer([["a.txt", txt("一".repeat(400))], ["b.txt", txt("二".repeat(400))], ["c.txt", txt("三")]]));
    const { docs, failures } = await collect(readInputs([path], { maxTotalBytes: 2000 }));
    expect(docs.map((d) => d.source)).toEqual([`${path}!/a.txt`]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ source: `${path}!/b.txt`, code: "E_ARCHIVE_LIMIT" });
    expect(failures[0]!.message).toContain("rest not read");
  });

  it("unknown, binary and broken members are Failures; a corrupt zip is E_ARCHIVE", async () => {
    const path = join(tmp, "mixed.zip");
    writeFileSync(
      path,
      await zipBuffer([
        ["photo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0])],
        ["blob.txt", Buffer.from([0, 1, 2, 3, 4])],
        ["bad.xml", txt("<a><b></a>")],
        ["good.json", txt('{"fact":"经审理查明"}')],
      ]),
    );
    const { docs, failures } = await collect(readInputs([path]));
    expect(docs.map((d) => d.text)).toEqual(["经审理查明"]);
    expect(failures.map((f) => [f.source.slice(path.length), f.code])).toEqual([
      ["!/photo.png", "E_UNSUPPORTED"],
      ["!/blob.txt", "E_BINARY"],
      ["!/bad.xml", "E_XML"],
    ]);
    writeFileSync(join(tmp, "corrupt.zip"), "PK this is not a zip at all");
    const c = await collect(readInputs([join(tmp, "corrupt.zip")]));
    expect(c.failures.map((f) => f.code)).toEqual(["E_ARCHIVE"]);
    expect(c.failures[0]!.message).toMatch(/corrupt\.zip: not a readable zip/);
  });
});

describe("tar and tar.gz", () => {
  it("reads the fixture tar.gz, skipping .DS_Store", async () => {
    const tgz = join(fixtures, "archives/batch-2022.tar.gz");
    const skipped: string[] = [];
    const { docs, failures } = await collect(readInputs([tgz], { onSkip: (n) => skipped.push(n) }));
    expect(failures).toEqual([]);
    expect(docs.map((d) => d.source.slice(tgz.length))).toEqual([
      "!/batch-2022/telecom-sim-cards.txt",
      "!/batch-2022/cases.jsonl:1",
      "!/batch-2022/cases.jsonl:2",
      "!/batch-2022/cases.jsonl:3",
      "!/batch-2022/cases.jsonl:4",
      "!/batch-2022/student-records.xml",
    ]);
    expect(docs[0]!.text).toBe(docText("telecom-sim-cards.txt"));
    expect(skipped).toEqual([`${tgz}!/batch-2022/.DS_Store`]);
  });

  it("reads a plain .tar with GBK member names; symlinks are reported, not followed", async () => {
    const path = join(tmp, "plain.tar");
    const gbkName = Buffer.concat([Buffer.from([0xc5, 0xd0, 0xbe, 0xf6, 0xca, 0xe9]), txt(".txt")]); // 判决书.txt in GBK
    const plain = await tarBuffer([["docs/", null, "directory"], ["XXXXXX.txt", txt("判决如下")], ["link.txt", null, "symlink"]], false);
    writeFileSync(path, patchTarName(plain, "XXXXXX.txt", gbkName));
    const { docs, failures } = await collect(readInputs([path]));
    expect(docs.map((d) => [d.source, d.text])).toEqual([[`${path}!/判决书.txt`, "判决如下"]]);
    expect(failures).toEqual([{ source: `${path}!/link.txt`, code: "E_UNSUPPORTED", message: `${path}!/link.txt: symlink member, not read` }]);
  });

  it("refuses a tar.gz bomb: the member limit (one failure, the next member still read), then the ratio meter, never a crash", async () => {
    const path = join(tmp, "bomb.tar.gz");
    writeFileSync(path, await tarBuffer([["first.txt", txt("第一")], ["zeros.txt", Buffer.alloc(30 * 1024 * 1024)], ["after.txt", txt("之后")]], true));
    const { docs, failures } = await collect(readInputs([path]));
    // Skipping the refused member inflates it on the way past; that counts against the archive's
    // total, not the ratio (it failed once already; a second line for it lost after.txt before).
    expect(docs.map((d) => d.text)).toEqual(["第一", "之后"]);
    expect(failures.map((f) => f.code)).toEqual(["E_ARCHIVE_LIMIT"]);
    expect(failures[0]!.message).toContain(`${path}!/zeros.txt: 31457280 bytes uncompressed`);
    const raised = await collect(readInputs([path], { maxBytes: 64 * 1024 * 1024 }));
    expect(raised.failures.map((f) => f.code)).toEqual(["E_ARCHIVE_LIMIT"]);
    expect(raised.failures[0]!.message).toContain("possible zip bomb");
  });

  it("a truncated tar.gz yields what it could read, then E_ARCHIVE", async () => {
    const full = await tarBuffer([["a.txt", txt("甲".repeat(3000))], ["b.txt", txt(prose(200_000, 7))]], true);
    const path = join(tmp, "cut.tgz");
    writeFileSync(path, full.subarray(0, Math.floor(full.length * 0.6)));
    const { docs, failures } = await collect(readInputs([path]));
    expect(docs.map((d) => d.source)).toEqual([`${path}!/a.txt`]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.code).toMatch(/^E_(ARCHIVE|READ)$/);
    expect(failures[0]!.message).toContain("cut.tgz");
  });

  it("streams a JSONL member larger than maxBytes (members that stream are bounded by the total only)", async () => {
    const n = 2000;
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `c${i}`, fact: `被告人${prose(300, i)}` }) + "\n");
    const path = join(tmp, "dump.tar.gz");
    writeFileSync(path, await tarBuffer([["dump.jsonl", Buffer.from(lines.join(""))], ["tail.txt", txt("尾")]], true));
    let count = 0;
    let last = "";
    for await (const item of readInputs([path], { maxBytes: 64 * 1024 })) {
      if (!item.ok) throw new Error(item.failure.message);
      count++;
      last = item.doc.source;
    }
    expect(Buffer.byteLength(lines.join(""))).toBeGreaterThan(64 * 1024 * 10);
    expect(count).toBe(n + 1);
    expect(last).toBe(`${path}!/tail.txt`);
  });
});

describe("nesting", () => {
  it("reads archives nested 3 deep and refuses the 4th level", async () => {
    const inner = await zipBuffer([["a.txt", txt("最里层的判决书")]]);
    const mid = await tarBuffer([["inner.zip", inner], ["m.txt", txt("中间层")]], true);
    const outer = await zipBuffer([["mid.tar.gz", mid], ["o.txt", txt("外层")]]);
    const outerPath = join(tmp, "outer.zip");
    writeFileSync(outerPath, outer);
    const three = await collect(readInputs([outerPath]));
    expect(three.failures).toEqual([]);
    expect(three.docs.map((d) => [d.source.slice(outerPath.length), d.text])).toEqual([
      ["!/mid.tar.gz!/inner.zip!/a.txt", "最里层的判决书"],
      ["!/mid.tar.gz!/m.txt", "中间层"],
      ["!/o.txt", "外层"],
    ]);

    const topPath = join(tmp, "top.tar");
    writeFileSync(topPath, await tarBuffer([["outer.zip", outer]], false));
    const four = await collect(readInputs([topPath]));
    expect(four.docs.map((d) => d.text)).toEqual(["中间层", "外层"]);
    expect(four.failures).toHaveLength(1);
    expect(four.failures[0]).toMatchObject({ source: `${topPath}!/outer.zip!/mid.tar.gz!/inner.zip`, code: "E_ARCHIVE_LIMIT" });
    expect(four.failures[0]!.message).toContain("nested deeper than 3");
  });
});

describe("folders and walkInputs", () => {
  it("walks folders recursively in sorted order, skipping hidden files and reporting them", async () => {
    const root = join(tmp, "tree");
    mkdirSync(join(root, "b/c"), { recursive: true });
    mkdirSync(join(root, ".git"), { recursive: true });
    writeFileSync(join(root, "z.txt"), "z");
    writeFileSync(join(root, "a.txt"), "a");
    writeFileSync(join(root, "b/c/d.txt"), "d");
    writeFileSync(join(root, "b/B.txt"), "B");
    writeFileSync(join(root, "中文.txt"), "中");
    writeFileSync(join(root, ".DS_Store"), Buffer.from([0, 0, 0, 1]));
    writeFileSync(join(root, ".git/HEAD"), "ref");
    symlinkSync(join(root, "b"), join(root, "loop"));
    const skipped: string[] = [];
    const { docs, failures } = await collect(readInputs([root], { onSkip: (n) => skipped.push(n) }));
    expect(failures).toEqual([]);
    expect(docs.map((d) => d.source.slice(root.length + 1))).toEqual(["a.txt", "b/B.txt", "b/c/d.txt", "z.txt", "中文.txt"]);
    expect(skipped.sort()).toEqual([join(root, ".DS_Store"), join(root, ".git"), join(root, "loop")]);
  });

  it("walkInputs yields sources for files and members, Failures for what is missing", async () => {
    const items = [];
    for await (const x of walkInputs([join(fixtures, "archives/cases.zip"), join(tmp, "missing"), join(fixtures, "docs/theft-negative.txt")])) {
      items.push(isFailure(x) ? `fail ${x.code}` : `src ${(x as InputSource).name.split("/").slice(-1)[0]} ${(x as InputSource).size}`);
    }
    expect(items).toEqual([
      "src 银行客户经理出售征信报告案.txt 3918",
      "src en-customer-data-judgment.txt 2596",
      "src theft-negative.txt 1340",
      "fail E_NOT_FOUND",
      "src theft-negative.txt 1340",
    ]);
  });

  it("a tar member opened after the walk moved past it errors instead of hanging", async () => {
    const path = join(tmp, "late.tar");
    writeFileSync(path, await tarBuffer([["a.txt", txt("甲")], ["b.txt", txt("乙")]], false));
    const kept: InputSource[] = [];
    for await (const x of walkInputs([path])) if (!isFailure(x)) kept.push(x);
    expect(kept).toHaveLength(2);
    const stream = kept[0]!.open();
    await expect(
      new Promise((res, rej) => {
        stream.on("error", rej);
        stream.on("end", res);
        stream.resume();
      }),
    ).rejects.toThrow(/opened after the walk moved past it/);
  });

  it("readInputs never throws, whatever the mix", async () => {
    const { docs, failures } = await collect(readInputs([join(tmp, "nope"), join(fixtures, "bad"), join(fixtures, "docs/theft-negative.txt")]));
    expect(docs.map((d) => d.id)).toContain("theft-negative.txt");
    expect(failures[0]!.code).toBe("E_NOT_FOUND");
    expect(new Set(failures.map((f) => f.code))).toEqual(
      new Set(["E_NOT_FOUND", "E_XML", "E_JSON_LINE", "E_NO_TEXT", "E_DOCX", "E_BINARY", "E_ENCODING"]),
    );
  });
});
