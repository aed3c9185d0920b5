import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { readPath, readSource } from "../../src/ingest/index.js";
import { collect, tempDir } from "../helpers/ingest.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const fixture = resolve(repoRoot, "fixtures/docs/student-records.xml");
const tmp = tempDir("ingest-xml");


function xml(name: string, text: string | Buffer) {
  return { name, open: () => Readable.from([typeof text === "string" ? Buffer.from(text) : text]) };
}

describe("xml reader", () => {
  it("takes the whole text content in document order, one element a line, no comments", async () => {
    const { docs, failures } = await collect(readPath(fixture));
    expect(failures).toEqual([]);
    const t = docs[0]!.text;
    expect(docs[0]!.id).toBe("student-records.xml");
    expect(t.startsWith("山东省济南市历下区人民法院刑事判决书\n（2021）鲁0102刑初745号")).toBe(true);
    const order = ["济南市历下区人民检察院", "被告人秦某", "公诉机关指控", "经审理查明", "本院认为", "判决如下".slice(0, 0) + "一、被告人秦某", "林×"];
    let at = -1;
    for (const s of order) {
      const i = t.indexOf(s);
      expect(i, s).toBeGreaterThan(at);
      at = i;
    }
    expect(t).not.toContain("虚构判决书"); // the XML comment
    expect(t).not.toContain("刑事判决书\"/>"); // attributes are not text
    expect(t).toContain("被告人秦某，男，1984年出生，案发前系某区教育局下属学籍管理中心工作人员。\n被告人尤某");
  });

  it("takes only the chosen elements when xmlElements is set", async () => {
    const { docs } = await collect(readPath(fixture, { xmlElements: ["事实", "理由"] }));
    const t = docs[0]!.text;
    expect(t.startsWith("经审理查明")).toBe(true);
    expect(t).toContain("\n本院认为");
    expect(t).not.toContain("公诉机关指控");
    expect(t).not.toContain("被告人尤某，女");
    expect(docs[0]!.meta["xmlElements"]).toEqual(["事实", "理由"]);
  });

  it("matches namespaced elements by local name, keeps CDATA, decodes only safe entities", async () => {
    const src = xml(
      "ns.xml",
      `<?xml version="1.0"?><j:doc xmlns:j="urn:j"><j:head>标题</j:head><j:fact>A &lt;B&gt; &amp; &#x4E2D;&#25991; &unknown; <![CDATA[<raw> & text]]></j:fact></j:doc>`,
    );
    const { docs } = await collect(readSource(src, { xmlElements: ["fact"] }));
    expect(docs[0]!.text).toBe("A <B> & 中文 &unknown; <raw> & text");
  });

  it("reports malformed XML as E_XML with the line number", async () => {
    const { docs, failures } = await collect(readPath(resolve(repoRoot, "fixtures/bad/malformed.xml")));
    expect(docs).toEqual([]);
    expect(failures[0]).toMatchObject({ code: "E_XML", line: 9 });
    expect(failures[0]!.message).toMatch(/malformed\.xml:9: malformed XML: Expected closing tag '事实'/);
  });

  it("never expands DOCTYPE entities: billion laughs is refused, fast, without fetching anything", async () => {
    const { docs, failures } = await collect(readPath(resolve(repoRoot, "fixtures/bad/billion-laughs.xml")));
    expect(docs).toEqual([]);
    expect(failures[0]).toMatchObject({ code: "E_XML", line: 2 });
    expect(failures[0]!.message).toContain("DOCTYPE declares entities");
  });

  it("ignores a DOCTYPE that only names an external DTD, keeping line numbers right", async () => {
    const ok = await collect(readSource(xml("dtd.xml", `<?xml version="1.0"?>\n<!DOCTYPE judgment SYSTEM "http://example.invalid/j.dtd">\n<judgment><fact>经审理查明</fact></judgment>`)));
    expect(ok.docs[0]!.text).toBe("经审理查明");
    const bad = await collect(readSource(xml("dtd2.xml", `<?xml version="1.0"?>\n<!DOCTYPE j SYSTEM "j.dtd">\n<j>\n<a>x</b>\n</j>`)));
    expect(bad.failures[0]).toMatchObject({ code: "E_XML", line: 4 });
  });

  it("uses the declared encoding of a GBK XML file, and sniffs XML without an extension", async () => {
    const bytes = iconv.encode(`<?xml version="1.0" encoding="GBK"?>\n<文书><事实>被告人出售征信报告</事实></文书>`, "gbk");
    writeFileSync(join(tmp, "gbk.xml"), bytes);
    const a = await collect(readPath(join(tmp, "gbk.xml")));
    expect(a.docs[0]!.text).toBe("被告人出售征信报告");
    expect(a.docs[0]!.meta["encoding"]).toBe("gbk");
    writeFileSync(join(tmp, "judgment-export"), `<?xml version="1.0"?><a><b>本院认为</b></a>`);
    expect((await collect(readPath(join(tmp, "judgment-export")))).docs[0]!.meta["format"]).toBe("xml");
  });
});
