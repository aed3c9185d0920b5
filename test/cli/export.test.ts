// The clue export as an office receives it: an xlsx read back with a real reader, and a CSV with a
// BOM, Chinese headers, formula-injection guarding and identifiers masked.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import readXlsxFile from "read-excel-file/node";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../src/types.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/ingest.js";

const dir = tempDir("export");
const HEADERS = ["案号", "法院/检察院", "日期", "罪名", "信息类型", "条数", "违法所得", "泄露来源行业", "内鬼", "受害群体", "严重程度", "认定依据", "证据摘录", "来源文件", "审核结论"];
/** An identifier written out: 11+ digits in a row (masks put * in them). */
const RAW_NUMBER = /\d{11,}/;

async function results(): Promise<string> {
  const out = join(dir, "results.jsonl");
  const r = await runCli(["batch", "fixtures/docs", "--out", out, "--workers", "0"]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

describe("caseflag export", () => {
  it("xlsx: one row per flagged case under the Chinese headers, read back; --flag filters; identifiers masked", async () => {
    const res = await results();
    const all = readFileSync(res, "utf8").trim().split("\n").map((l) => JSON.parse(l) as CaseResult);
    const xlsx = join(dir, "clues.xlsx");
    const r = await runCli(["export", res, "--format", "xlsx", "--out", xlsx]);
    expect(r.code, r.stderr).toBe(0);
    const [sheet] = await readXlsxFile(readFileSync(xlsx));
    const rows = sheet!.data;
    expect(rows[0]).toEqual(HEADERS);
    expect(rows.length - 1).toBe(all.filter((l) => Array.isArray(l.flags) && l.flags.length > 0).length);
    const sim = rows.find((row) => row[0] === "（2022）粤0306刑初1187号")!;
    expect(sim[1]).toBe("广东省深圳市宝安区人民法院");
    expect(sim[2]).toBe("2022-08-09");
    expect(String(sim[3])).toContain("侵犯公民个人信息罪");
    expect(sim[7]).toBe("电信");
    expect(String(sim[8])).toMatch(/^是/);
    expect(sim[10]).toBe("情节特别严重");
    expect(typeof sim[6]).toBe("number");
    for (const row of rows) for (const cell of row) expect(String(cell ?? "")).not.toMatch(RAW_NUMBER);

    const insiderOnly = join(dir, "insider.xlsx");
    expect((await runCli(["export", res, "--out", insiderOnly, "--flag", "insider"])).code).toBe(0);
    const [ins] = await readXlsxFile(readFileSync(insiderOnly));
    expect(ins!.data.length - 1).toBe(all.filter((l) => l.flags?.some((f) => f.id === "insider")).length);
    expect(ins!.data.length - 1).toBeLessThan(rows.length - 1);
    const confident = join(dir, "confident.xlsx");
    expect((await runCli(["export", res, "--out", confident, "--min-confidence", "0.99"])).code).toBe(0);
    const [conf] = await readXlsxFile(readFileSync(confident));
    expect(conf!.data.length).toBeLessThan(rows.length);
  });

  it("csv: UTF-8 BOM, Chinese headers, cells starting with = + - @ quoted as text; a formula stays text in xlsx", async () => {
    const res = await results();
    const line = readFileSync(res, "utf8").trim().split("\n").map((l) => JSON.parse(l) as CaseResult).find((l) => l.flags?.length > 0)!;
    const evil = join(dir, "evil.jsonl");
    writeFileSync(evil, JSON.stringify({ ...line, source: '=HYPERLINK("http://x","y")', case: { ...line.case, number: { start: 0, end: 4, match: "+123" } } }) + "\n");
    const csvFile = join(dir, "evil.csv");
    const r = await runCli(["export", evil, "--out", csvFile]);
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(csvFile, "utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split("\r\n")[0]).toBe(HEADERS.join(","));
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csv.split("\r\n")[1]!.startsWith(`"'+123"`)).toBe(true);
    const xlsx = join(dir, "evil.xlsx");
    expect((await runCli(["export", evil, "--out", xlsx])).code).toBe(0);
    const [sheet] = await readXlsxFile(readFileSync(xlsx));
    expect(sheet!.data[1]![13]).toBe('=HYPERLINK("http://x","y")');
  });

  it("bad input: a line that is not JSON names the file and line; an unknown flag or format is a usage error", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, "{}\nnot json\n");
    const r = await runCli(["export", bad, "--out", join(dir, "x.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:1: not a caseflag result line/);
    expect((await runCli(["export", bad, "--out", join(dir, "x.csv"), "--flag", "nope"])).stderr).toMatch(/unknown --flag "nope"/);
    expect((await runCli(["export", bad, "--out", join(dir, "x.pdf"), "--format", "pdf"])).stderr).toMatch(/valid: xlsx, csv/);
  });
});
