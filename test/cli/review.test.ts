// Review decisions as an analyst records them: review set by 案号, then batch and scan apply them
// (a false positive drops out of the flags and the counts, shown as suppressed; a confirmed case
// is marked), a baseline keeps only what is new, and a bad decisions file is one line naming it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyReview, emptyBook, fingerprintOf, parseDecisions } from "../../src/output/review.js";
import type { CaseResult } from "../../src/types.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/ingest.js";

const dir = tempDir("review");
const INPUTS = ["fixtures/docs/telecom-sim-cards.txt", "fixtures/docs/bank-credit-report.txt", "fixtures/docs/elderly-health-products.txt"];
const CASE_NO = "（2022）粤0306刑初1187号";

function lines(path: string): CaseResult[] {
  return readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as CaseResult);
}

async function batch(out: string, extra: string[] = [], inputs = INPUTS) {
  const r = await runCli(["batch", ...inputs, "--out", out, "--workers", "0", "--summary", out + ".summary.json", ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(out + ".summary.json", "utf8")) as { flagged: number; flaggedBy: { flag: Record<string, number> } };
}

describe("caseflag review", () => {
  it("a false positive set by 案号 drops out of batch's flags and counts; confirmed is marked; decisions are appended", async () => {
    const first = join(dir, "first.jsonl");
    const before = await batch(first);
    const sim = lines(first).find((l) => l.case.number?.match === CASE_NO)!;
    expect(sim.flags.length).toBeGreaterThan(0);
    const decisions = join(dir, "decisions.jsonl");
    const set = await runCli(["review", "set", CASE_NO, "--decision", "false-positive", "--note", "测试", "--reviewer", "alice", "--results", first, "--decisions", decisions]);
    expect(set.code, set.stderr).toBe(0);
    const bank = lines(first).find((l) => l.source.endsWith("bank-credit-report.txt"))!;
    expect((await runCli(["review", "set", bank.contentHash!, "--decision", "confirmed", "--results", first, "--decisions", decisions])).code).toBe(0);
    const written = readFileSync(decisions, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(written).toHaveLength(2);
    expect(written[0]).toMatchObject({ schemaVersion: 1, contentHash: sim.contentHash, decision: "false-positive", reviewer: "alice", note: "测试", caseNumber: CASE_NO });
    expect(typeof written[1]!["reviewer"]).toBe("string");

    const second = join(dir, "second.jsonl");
    const after = await batch(second, ["--decisions", decisions]);
    const sim2 = lines(second).find((l) => l.case.number?.match === CASE_NO)!;
    expect(sim2.flags).toEqual([]);
    expect(sim2.review).toMatchObject({ decision: "false-positive", reviewer: "alice", note: "测试" });
    expect(sim2.review!.suppressedFlags.sort()).toEqual(sim.flags.map((f) => f.id).sort());
    expect(after.flagged).toBe(before.flagged - 1);
    const bank2 = lines(second).find((l) => l.source.endsWith("bank-credit-report.txt"))!;
    expect(bank2.review?.decision).toBe("confirmed");
    expect(bank2.flags).toEqual(bank.flags);

    // scan applies the same file; review list shows what is in force, in Chinese when asked.
    const scan = await runCli(["scan", INPUTS[0]!, "-f", "json", "--decisions", decisions]);
    expect((JSON.parse(scan.stdout) as CaseResult).flags).toEqual([]);
    const list = await runCli(["review", "list", "--decisions", decisions, "--locale", "zh-CN"]);
    expect(list.stdout).toContain("误报");
    expect(list.stdout).toContain("已确认");
    expect(list.stdout).toContain(CASE_NO);

    // The report from the results file, decisions applied: the case is listed apart as suppressed.
    const html = join(dir, "report.html");
    const rep = await runCli(["report", first, "--out", html, "--decisions", decisions, "--locale", "zh-CN"]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stderr).toMatch(/1 suppressed/);
    const page = readFileSync(html, "utf8");
    const suppressedPart = page.slice(page.indexOf('<section id="suppressed">'));
    expect(suppressedPart).toContain(CASE_NO);
    expect(page.slice(page.indexOf('<section id="cases">'), page.indexOf('<section id="suppressed">'))).not.toContain(`data-number="${CASE_NO}"`);
    expect(page).toContain("已确认");
  });

  it("--baseline reports only what is new", async () => {
    const base = join(dir, "base.jsonl");
    await batch(base, [], INPUTS.slice(0, 2));
    const next = join(dir, "next.jsonl");
    const summary = await batch(next, ["--baseline", base]);
    const out = lines(next);
    for (const l of out.filter((l) => !l.source.endsWith("elderly-health-products.txt"))) {
      expect(l.flags, l.source).toEqual([]);
      expect(l.review?.inBaseline).toBe(true);
    }
    const fresh = out.find((l) => l.source.endsWith("elderly-health-products.txt"))!;
    expect(fresh.flags.length).toBeGreaterThan(0);
    expect(fresh.review).toBeUndefined();
    expect(summary.flagged).toBe(1);
  });

  it("review findings lists fingerprints; a false-positive finding takes out the flags resting on it alone", async () => {
    const first = join(dir, "first.jsonl");
    const f = await runCli(["review", "findings", CASE_NO, "--results", first]);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toMatch(/^[0-9a-f]{16} {2}/m);
    const r = lines(first).find((l) => l.case.number?.match === CASE_NO)!;
    const telecom = r.flags.find((x) => x.id === "telecom-fraud")!;
    const book = emptyBook();
    const hash = r.contentHash!;
    for (const e of telecom.evidence) {
      const finding = r.findings.find((x) => x.ruleId === e.ruleId && x.start === e.start)!;
      book.findings[fingerprintOf(hash, finding)] = { schemaVersion: 1, time: "t", reviewer: "r", contentHash: hash, fingerprint: fingerprintOf(hash, finding), decision: "false-positive" };
    }
    const applied = applyReview(r, hash, book);
    expect(applied.flags.map((x) => x.id)).not.toContain("telecom-fraud");
    expect(applied.review!.suppressedFlags).toContain("telecom-fraud");
    expect(applied.findings.length).toBeLessThan(r.findings.length);
    // Masked and unmasked quotes of one identifier fingerprint the same.
    expect(fingerprintOf(hash, { ruleId: "id.cn-mobile", match: "139****5678" })).toBe(fingerprintOf(hash, { ruleId: "id.cn-mobile", match: "13912345678" }));
  });

  it("a bad decisions line is one error naming file and line; unknown decision or case is a usage error", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify({ schemaVersion: 1, contentHash: "a".repeat(64), decision: "confirmed" })}\n{oops\n`);
    const r = await runCli(["scan", INPUTS[0]!, "--decisions", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("bad.jsonl:2: not JSON");
    expect(() => parseDecisions('{"contentHash":"x"}')).toThrow(/no contentHash/);
    const u = await runCli(["review", "set", "a".repeat(64), "--decision", "maybe", "--decisions", join(dir, "x.jsonl")]);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/valid: confirmed, false-positive, transferred, ignore/);
    const missing = await runCli(["review", "set", "（1999）无此案号", "--decision", "confirmed", "--results", join(dir, "first.jsonl"), "--decisions", join(dir, "x.jsonl")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such case/);
  });
});
