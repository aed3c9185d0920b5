import { resolve } from "node:path";
import { Readable } from "node:stream";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { htmlToText, readPath, readSource } from "../../src/ingest/index.js";
import { collect } from "../helpers/ingest.js";

const repoRoot = resolve(import.meta.dirname, "../..");


describe("html reader", () => {
  it("keeps visible text only, blocks as lines, title in meta", async () => {
    const { docs, failures } = await collect(readPath(resolve(repoRoot, "fixtures/docs/newborn-hospital.html")));
    expect(failures).toEqual([]);
    const d = docs[0]!;
    expect(d.meta).toMatchObject({ format: "html", encoding: "utf-8", title: "曹某、许某侵犯公民个人信息罪一审刑事判决书" });
    expect(d.text).not.toContain("页面统计脚本"); // <script>
    expect(d.text).not.toContain("font-family"); // <style>
    expect(d.text).toContain("福建省厦门市思明区人民法院\n刑事判决书\n（2022）闽0203刑初318号");
    // A source line break between Chinese characters is not a space (CSS segment-break rule).
    expect(d.text).toContain("可查阅住院病历的便利，多次拍摄产妇住院登记信息");
    expect(d.text).toContain("共计5千余条，出售给被告人许某"); // inline <b> stays inline
    expect(d.text).toMatch(/\n被告人曹某犯侵犯公民个人信息罪，判处有期徒刑三年二个月，并处罚金人民币二万元；\n被告人许某/);
    expect(d.text).toContain("审判长\u00a0吕×\n二〇二二年九月二十日"); // &nbsp; and <br>
    // The title is prepended because the body does not repeat it.
    expect(d.text.startsWith("曹某、许某侵犯公民个人信息罪一审刑事判决书\n")).toBe(true);
  });

  it("collapses whitespace in English, keeps <pre> line breaks (not its indentation), decodes entities", () => {
    const { text, title } = htmlToText(
      "<html><body><p>The  Court\n   holds &amp; rules</p><pre>line 1\n  line 2</pre><div>a<br>b</div><noscript>x</noscript></body></html>",
    );
    expect(title).toBeUndefined();
    expect(text).toBe("The Court holds & rules\nline 1\nline 2\na\nb");
  });

  it("honours <meta charset=gbk> and sniffs HTML without an extension", async () => {
    const bytes = iconv.encode(`<!DOCTYPE html><html><head><meta charset="gbk"><title>判决书</title></head><body><p>本院认为，被告人构成犯罪。</p></body></html>`, "gbk");
    const { docs } = await collect(readSource({ name: "page", open: () => Readable.from([bytes]) }));
    expect(docs[0]!.meta["format"]).toBe("html");
    expect(docs[0]!.text).toBe("判决书\n本院认为，被告人构成犯罪。");
  });

  it("a binary .html is E_BINARY", async () => {
    const { failures } = await collect(readSource({ name: "x.html", open: () => Readable.from([Buffer.from([0, 1, 2, 3])]) }));
    expect(failures[0]!.code).toBe("E_BINARY");
  });
});
