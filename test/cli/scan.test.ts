// caseflag scan end to end: real files of every format, real jieba, exit codes, formats, masking.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../src/types.js";
import { runCli } from "../helpers/cli.js";

const DEV = resolve("../shared/data/cail/dev.jsonl");
const GB = resolve("../shared/data/cail/train-sample.gb18030.jsonl");
const tmp = mkdtempSync(join(tmpdir(), "caseflag-cli-"));

describe("caseflag scan", () => {
  it("prints one JSON result with evidence pointing into the original text", async () => {
    const file = "fixtures/docs/bank-credit-report.txt";
    const r = await runCli(["scan", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const result = JSON.parse(r.stdout) as CaseResult;
    expect(result.schemaVersion).toBe(5);
    expect(result.crimes[0]!.id).toBe("personal-information");
    const text = readFileSync(file, "utf8");
    for (const f of result.findings.filter((x) => x.kind !== "identifier")) {
      expect(text.slice(f.start, f.end)).toBe(f.match);
    }
  });

  it("reads every supported format", async () => {
    for (const file of [
      "fixtures/docs/student-records.xml",
      "fixtures/docs/newborn-hospital.html",
      "fixtures/docs/securities-insider.docx",
      "fixtures/docs/utf16-loan-app.txt",
      "fixtures/docs/gb18030-hotel-stays.txt",
      "fixtures/docs/cases.json",
      "fixtures/docs/cases.jsonl",
    ]) {
      const r = await runCli(["scan", file, "--format", "jsonl"]);
      expect(r.code, `${file}: ${r.stderr}`).toBe(0);
      const results = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as CaseResult);
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((x) => x.language === "zh" || x.language === "en")).toBe(true);
      expect(results.some((x) => x.findings.length > 0), file).toBe(true);
    }
  });

  it("scans a real CAIL fact and finds fraud in it", async () => {
    const line = readFileSync(DEV, "utf8")
      .split("\n")
      .find((l) => l.includes('"accusation": ["诈骗"]') && l.includes("骗取"))!;
    const file = join(tmp, "cail.jsonl");
    writeFileSync(file, line + "\n");
    const r = await runCli(["scan", file]);
    const result = JSON.parse(r.stdout) as CaseResult;
    expect(result.crimes.find((c) => c.id === "fraud")!.score).toBeGreaterThanOrEqual(50);
    expect(result.crimes.find((c) => c.id === "personal-information")?.score ?? 0).toBeLessThan(50);
  });

  it("scans real GB18030 JSONL", async () => {
    const r = await runCli(["scan", GB, "--format", "jsonl"]);
    expect(r.code).toBe(0);
    const results = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as CaseResult);
    expect(results).toHaveLength(300);
    expect(results.filter((x) => x.language === "zh").length).toBe(300);
    // The sample holds no fraud charge: its one fact once found as fraud is a theft by trick (谎称购买…
    // 趁售货员不备), now a signal. That the decoded text is read is shown by the fraud evidence kept there.
    expect(results.some((x) => x.signals.crimes.some((c) => c.id === "fraud" && c.score >= 30))).toBe(true);
    expect(results.some((x) => x.crimes.some((c) => c.id === "fraud"))).toBe(false);
  });

  it("--text-field and --max-bytes reach the readers", async () => {
    const file = join(tmp, "custom.jsonl");
    writeFileSync(file, JSON.stringify({ id: "c1", fact: "无关", narrative: "被告人出售公民个人信息4万余条。" }) + "\n");
    const r = await runCli(["scan", file, "--text-field", "narrative"]);
    expect((JSON.parse(r.stdout) as CaseResult).flags.map((f) => f.id)).toContain("pi-leak");
    const small = await runCli(["scan", "fixtures/docs/bank-credit-report.txt", "--max-bytes", "100"]);
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/bank-credit-report\.txt.*E_TOO_LARGE|bank-credit-report\.txt: .*(large|bytes)/);
  });

  it("reads stdin with -", async () => {
    const r = await runCli(["scan", "-"], { stdin: "被告人张某在某银行任客户经理期间，出售公民个人信息4万余条。" });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as CaseResult;
    expect(result.source).toBe("-");
    expect(result.flags.map((f) => f.id)).toContain("pi-leak");
  });

  it("masks identifiers unless --no-mask", async () => {
    const text = "被告人出售公民个人信息，其中包括身份证号11010519491231002X及手机号13912345678。";
    const masked = await runCli(["scan", "-"], { stdin: text });
    expect(masked.stdout).not.toContain("11010519491231002X");
    expect(masked.stdout).not.toContain("13912345678");
    const raw = await runCli(["scan", "-", "--no-mask"], { stdin: text });
    expect(raw.stdout).toContain("11010519491231002X");
  });

  it("masks a defendant's written-out name in every quote unless --no-mask", async () => {
    const text = "被告人李大伟，男。被告人王小明，男。经审理查明，被告人李大伟系某快递公司员工，利用职务便利将客户信息3000余条出售给被告人王小明，获利5000元。";
    const masked = await runCli(["scan", "-", "-f", "json"], { stdin: text });
    expect(masked.stdout).toContain("被告人王某某");
    expect(masked.stdout).not.toContain("小明");
    const raw = await runCli(["scan", "-", "-f", "json", "--no-mask"], { stdin: text });
    expect(raw.stdout).toContain("被告人王小明");
  });

  it("--locale, or LANG starting with zh, prints the table in Chinese; a bad locale is a usage error", async () => {
    const file = "fixtures/docs/bank-credit-report.txt";
    const byEnv = await runCli(["scan", file, "-f", "table"], { env: { LANG: "zh_CN.UTF-8" } });
    expect(byEnv.stdout).toContain("严重程度");
    expect(byEnv.stdout).toContain("侵犯公民个人信息罪");
    const byFlag = await runCli(["scan", file, "-f", "table", "--locale", "en"], { env: { LANG: "zh_CN.UTF-8" } });
    expect(byFlag.stdout).toMatch(/score \d+\/100/);
    const bad = await runCli(["scan", file, "--locale", "fr"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown locale "fr"/);
  });

  it("case metadata: the number and court as written, defendants masked unless --no-mask", async () => {
    const text = "杭州市西湖区人民法院\n刑事判决书\n（2021）浙0106刑初512号\n公诉机关杭州市西湖区人民检察院。\n被告人董源，男，1990年出生。\n被告人董源出售公民个人信息4000余条。\n二〇二一年十一月三日\n";
    const masked = JSON.parse((await runCli(["scan", "-"], { stdin: text })).stdout) as CaseResult;
    expect(masked.case.number?.match).toBe("（2021）浙0106刑初512号");
    expect(masked.case.court?.match).toBe("杭州市西湖区人民法院");
    expect(masked.case.date?.iso).toBe("2021-11-03");
    expect(masked.case.defendants.map((d) => d.match)).toEqual(["董某"]);
    const raw = JSON.parse((await runCli(["scan", "-", "--no-mask"], { stdin: text })).stdout) as CaseResult;
    expect(raw.case.defendants.map((d) => d.match)).toEqual(["董源"]);
  });

  it("formats: table, csv, jsonl; json array for several files", async () => {
    const files = ["fixtures/docs/bank-credit-report.txt", "fixtures/docs/theft-negative.txt"];
    const table = await runCli(["scan", ...files, "-f", "table"]);
    expect(table.stdout).toMatch(/score \d+\/100/);
    const csv = await runCli(["scan", ...files, "-f", "csv"]);
    const rows = csv.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^id,source,language,score,severity/);
    expect(rows).toHaveLength(3);
    const json = await runCli(["scan", ...files]);
    expect(JSON.parse(json.stdout)).toHaveLength(2);
    const tty = await runCli(["scan", files[0]!], { isTTY: true });
    expect(tty.stdout).toMatch(/^fixtures\/docs\/bank-credit-report\.txt/);
  });

  it("exit 1 only when --fail-on is met", async () => {
    const pos = "fixtures/docs/bank-credit-report.txt";
    const neg = "fixtures/docs/theft-negative.txt";
    expect((await runCli(["scan", pos])).code).toBe(0);
    expect((await runCli(["scan", pos, "--fail-on", "pi-leak"])).code).toBe(1);
    expect((await runCli(["scan", neg, "--fail-on", "pi-leak"])).code).toBe(0);
    expect((await runCli(["scan", pos, "--fail-on", "serious"])).code).toBe(1);
    expect((await runCli(["scan", neg, "--fail-on", "10"])).code).toBe(0);
    expect((await runCli(["scan", pos, "--fail-on", "10"])).code).toBe(1);
  });

  it("exit 2 with a one-line message for usage errors", async () => {
    const bad = await runCli(["scan", "fixtures/docs/theft-negative.txt", "-f", "yaml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('caseflag: unknown format "yaml" (valid: json, jsonl, csv, table)\n');
    const failOn = await runCli(["scan", "fixtures/docs/theft-negative.txt", "--fail-on", "Sometimes!"]);
    expect(failOn.code).toBe(2);
    expect(failOn.stderr.split("\n")).toHaveLength(2);
    const enc = await runCli(["scan", "fixtures/docs/theft-negative.txt", "--encoding", "klingon"]);
    expect(enc.code).toBe(2);
    expect(enc.stderr).toBe('caseflag: unknown encoding "klingon" (e.g. utf-8, gb18030, big5, utf-16le)\n');
    const none = await runCli(["scan"]);
    expect(none.code).toBe(2);
    const unknown = await runCli(["frobnicate"]);
    expect(unknown.code).toBe(2);
  });

  it("bad input: one line naming the file, the other files still scanned, exit 2", async () => {
    const r = await runCli(["scan", "fixtures/bad/malformed.xml", "nope.txt", "fixtures/docs/theft-negative.txt", "fixtures/bad/broken.jsonl"]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines.some((l) => l.includes("fixtures/bad/malformed.xml") && /line \d+/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes("nope.txt"))).toBe(true);
    expect(lines.some((l) => /broken\.jsonl:\d+/.test(l))).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const results = JSON.parse(r.stdout) as CaseResult[];
    expect(results.some((x) => x.source.endsWith("theft-negative.txt"))).toBe(true);
  });

  it("a broken rule pack is exit 2 naming the file and rule", async () => {
    const dir = mkdtempSync(join(tmp, "rules-"));
    writeFileSync(join(dir, "x.yaml"), "kind: crime\nrules:\n  - id: crime.x\n    target: nowhere\n    terms: {zh: [诈骗]}\n    examples: {match: [诈骗]}\n");
    const r = await runCli(["scan", "fixtures/docs/theft-negative.txt", "--rules", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("x.yaml [crime.x]");
  });

  it("the installed bin sets the process exit code (real process)", () => {
    const ok = spawnSync(process.execPath, ["bin/caseflag.js", "scan", "fixtures/docs/theft-negative.txt"], { encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).schemaVersion).toBe(5);
    const bad = spawnSync(process.execPath, ["bin/caseflag.js", "scan", "missing.txt"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(execFileSync(process.execPath, ["bin/caseflag.js", "--help"], { encoding: "utf8" })).toContain("scan");
  });
});
