// The batch stages one at a time: summary counts and top-K, case cards, line shapes, the resume
// multiset, the ordered writer (order and back-pressure), progress text, chart buckets.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildCaseCard } from "../../src/output/case-card.js";
import { failureLine, resultLine } from "../../src/output/lines.js";
import { redactorFor } from "../../src/output/redact.js";
import { OrderedWriter } from "../../src/batch/ordered-writer.js";
import { formatDuration, formatFinalLine, formatProgress } from "../../src/batch/progress.js";
import { recordOfFailure, type OutcomeRecord } from "../../src/output/record.js";
import { DoneSet, failureKey } from "../../src/batch/resume.js";
import { SummaryBuilder, type RunStats } from "../../src/output/summary.js";
import { bars } from "../../src/output/html.js";
import { maskText } from "../../src/detect/mask.js";
import type { CaseResult, Finding, IdentifierFinding } from "../../src/types.js";

const run: RunStats = {
  mode: "inline", workers: 0, read: 0, scanned: 0, skipped: 0, resumedLines: 0, truncatedBytes: 0, seconds: 1, docsPerSecond: 0, interrupted: false,
};

function rec(score: number, flags: string[] = [], extra: Partial<Extract<OutcomeRecord, { ok: true }>> = {}): OutcomeRecord {
  return { ok: true, score, severity: "none", flags, crimes: [], industries: [], groups: [], regions: [], insider: false, ...extra };
}

function result(id: string, text: string, findings: Finding[], score = 80): CaseResult {
  return {
    schemaVersion: 5, id, source: `${id}.txt`, case: { number: null, court: null, procuratorate: null, date: null, documentType: null, defendants: [] }, language: "zh", score, severity: "serious",
    severityBasis: { reason: "4万余条 ≥ 5,000", by: "count", ratio: 8, insiderHalved: false },
    crimes: [], infoTypes: [], industries: [], groups: [], insider: { flag: false, score: 0, confidence: 0, evidence: [] }, leaks: [], regions: [],
    volumes: [], money: [], victims: [], flags: [{ id: "pi-leak", reason: "why", confidence: 0.9, evidence: [] }], findings,
    signals: { crimes: [], infoTypes: [], industries: [], groups: [], regions: [], findings: [] },
  } satisfies CaseResult;
}

function finding(text: string, term: string, ruleId: string, kind: Finding["kind"], weight = 50): Finding {
  const start = text.indexOf(term);
  if (start < 0) throw new Error(`${term} not in text`);
  return { ruleId, kind, target: ruleId, start, end: start + term.length, match: term, weight };
}

describe("SummaryBuilder", () => {
  it("counts results, failures, flagged dimensions and failure codes", () => {
    const s = new SummaryBuilder(5);
    s.add(rec(90, ["pi-leak", "insider"], { severity: "serious", crimes: ["personal-information"], industries: ["finance"], groups: ["elderly"], regions: ["beijing"], insider: true }));
    s.add(rec(10));
    s.add(rec(70, ["pi-leak"], { crimes: ["personal-information", "fraud"], regions: ["beijing", "shanghai"] }));
    s.add(recordOfFailure("E_JSON_LINE"));
    s.add(recordOfFailure("E_JSON_LINE"));
    s.add(recordOfFailure("E_BINARY"));
    const out = s.build(run);
    expect(out).toMatchObject({ documents: 6, results: 3, failures: 3, flagged: 2 });
    expect(out.severity).toEqual({ none: 2, serious: 1, "especially-serious": 0 });
    expect(out.flaggedBy.crime).toEqual({ "personal-information": 2, fraud: 1 });
    expect(out.flaggedBy.region).toEqual({ beijing: 2, shanghai: 1 });
    expect(out.flaggedBy.flag).toEqual({ "pi-leak": 2, insider: 1 });
    expect(out.flaggedBy.insider).toBe(1);
    expect(Object.keys(out.failuresByCode)).toEqual(["E_JSON_LINE", "E_BINARY"]);
  });

  it("keeps the K highest scores, earlier input first on ties, and raises the card threshold", () => {
    const s = new SummaryBuilder(3);
    const card = (id: string) => buildCaseCard(result(id, "x", []), undefined);
    // Top cases are documents with a finding (issue 12): each of these has a flag.
    const found = (score: number) => rec(score, ["pi-leak"]);
    expect(s.threshold()).toBe(0);
    s.add(found(50), card("a"));
    s.add(found(70), card("b"));
    s.add(found(50), card("c"));
    expect(s.threshold()).toBe(50);
    s.add(found(50), card("d")); // tie with the last: the earlier one stays
    s.add(found(90), card("e"));
    s.add(found(0), card("zero"));
    expect(s.build(run).topCases.map((c) => c.id)).toEqual(["e", "b", "a"]);
    expect(s.threshold()).toBe(50);
  });

  it("lists among the top cases only documents with at least one finding, however high their score from signals", () => {
    const s = new SummaryBuilder(3);
    const card = (id: string) => buildCaseCard(result(id, "x", []), undefined);
    s.add(rec(95), card("signals-only"));
    s.add(rec(40, [], { crimes: ["fraud"] }), card("a-crime"));
    s.add(rec(30, [], { groups: ["elderly"] }), card("a-group"));
    s.add(rec(20, [], { insider: true }), card("an-insider"));
    expect(s.build(run).topCases.map((c) => c.id)).toEqual(["a-crime", "a-group", "an-insider"]);
  });
});

describe("case cards", () => {
  const text = "被告人张某系某银行客户经理，利用职务便利查询客户征信报告，其中身份证号11010519491231002X，出售给他人，违法所得3万元。";
  const id: IdentifierFinding = {
    ...finding(text, "11010519491231002X", "id.cn-resident", "identifier", 30),
    kind: "identifier",
    match: "110105********002X", masked: false, confidence: 1,
  };
  const findings = [
    finding(text, "客户经理", "role.manager", "role", 40),
    finding(text, "利用职务便利", "access.position", "access", 60),
    finding(text, "征信报告", "info.credit-report", "info-type", 70),
    id,
    finding(text, "出售", "conduct.sell", "conduct", 50),
  ];

  it("shows evidence in its context with each finding marked, identifiers masked", () => {
    const card = buildCaseCard(result("c1", text, findings), text, { context: 10, maskText: (s) => maskText(s) });
    expect(card.inContext).toBe(true);
    const marked = card.snippets.flatMap((s) => s.parts.filter((p) => p.ruleId !== undefined).map((p) => p.text));
    expect(marked).toEqual(expect.arrayContaining(["客户经理", "利用职务便利", "征信报告", "110105********002X", "出售"]));
    const all = card.snippets.map((s) => s.parts.map((p) => p.text).join("")).join("|");
    expect(all).not.toContain("11010519491231002X");
    // Snippets are in document order and do not overlap.
    for (let i = 1; i < card.snippets.length; i++) expect(card.snippets[i]!.start).toBeGreaterThanOrEqual(card.snippets[i - 1]!.end);
  });

  it("masks an identifier in the context that is not itself a finding", () => {
    const t = "联系电话13912345678，被告人出售征信报告。";
    const card = buildCaseCard(result("c2", t, [finding(t, "征信报告", "info.credit-report", "info-type")]), t, { maskText: (s) => maskText(s) });
    const all = card.snippets.map((s) => s.parts.map((p) => p.text).join("")).join("");
    expect(all).toContain("139****5678");
    expect(all).not.toContain("13912345678");
  });

  it("leaves negated and zero-weight findings unmarked; without the text shows matches only", () => {
    const f = [finding(text, "征信报告", "info.credit-report", "info-type"), { ...finding(text, "出售", "conduct.sell", "conduct"), negated: true, weight: 0 }];
    const card = buildCaseCard(result("c3", text, f), text);
    expect(card.snippets.flatMap((s) => s.parts).filter((p) => p.ruleId).map((p) => p.ruleId)).toEqual(["info.credit-report"]);
    const bare = buildCaseCard(result("c3", text, f), undefined);
    expect(bare.inContext).toBe(false);
    expect(bare.snippets).toEqual([{ start: f[0]!.start, end: f[0]!.end, parts: [{ text: "征信报告", ruleId: "info.credit-report", kind: "info-type" }] }]);
  });
});

describe("output lines", () => {
  it("writes a result with its content hash; masked it stays as scanned, revealed every quote is cut from the text", () => {
    const text = "身份证号11010519491231002X";
    const f: IdentifierFinding = { ...finding(text, "11010519491231002X", "id.cn-resident", "identifier"), kind: "identifier", match: "110105********002X", masked: false, confidence: 1 };
    const doc = { id: "r", source: "r", text };
    const masked = JSON.parse(resultLine(redactorFor(true).result(result("r", text, [f]), doc), "ab".repeat(32))) as Record<string, unknown>;
    expect(masked["contentHash"]).toBe("ab".repeat(32));
    expect(JSON.stringify(masked)).not.toContain("11010519491231002X");
    expect(resultLine(redactorFor(false).result(result("r", text, [f]), doc), "ab".repeat(32))).toContain("11010519491231002X");
  });

  it("writes failures in the shape scan and the queue use, line inside error", () => {
    expect(JSON.parse(failureLine({ source: "d.jsonl", line: 3, code: "E_JSON_LINE", message: "d.jsonl:3: bad" }))).toEqual({
      schemaVersion: 5, id: "d.jsonl", source: "d.jsonl", error: { code: "E_JSON_LINE", message: "d.jsonl:3: bad", line: 3 },
    });
    expect(JSON.parse(failureLine({ source: "a.txt", id: "a", code: "E_SCAN", message: "x" }, "h"))).toMatchObject({ id: "a", contentHash: "h" });
  });
});

describe("DoneSet", () => {
  it("skips each written occurrence once, so duplicated texts are not lost", () => {
    const d = new DoneSet();
    d.add("h1");
    d.add("h1");
    d.add(failureKey({ source: "a.jsonl", code: "E_JSON_LINE", line: 2 }));
    expect(d.take("h1")).toBe(true);
    expect(d.take("h1")).toBe(true);
    expect(d.take("h1")).toBe(false);
    expect(d.take(failureKey({ source: "a.jsonl", code: "E_JSON_LINE", line: 3 }))).toBe(false);
    expect(d.take(failureKey({ source: "a.jsonl", code: "E_JSON_LINE", line: 2 }))).toBe(true);
  });
});

/** A sink that takes one write at a time and says so, like a slow disk. */
class SlowSink extends Writable {
  lines: string[] = [];
  private pending: (() => void)[] = [];
  constructor() {
    super({ highWaterMark: 1 });
  }
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.lines.push(chunk.toString());
    this.pending.push(cb);
  }
  release(): void {
    const cbs = this.pending;
    this.pending = [];
    for (const cb of cbs) cb();
  }
  get waiting(): number {
    return this.pending.length;
  }
}

describe("OrderedWriter", () => {
  it("writes in sequence order whatever order lines arrive in, and skips null entries", async () => {
    const out: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (out.push(c.toString()), cb()) });
    const w = new OrderedWriter(sink, () => {}, () => {});
    const e = (n: number) => ({ line: `{"n":${n}}`, record: rec(n) });
    w.put(3, e(3));
    w.put(1, e(1));
    expect(out).toEqual([]);
    w.put(0, e(0));
    w.put(2, null);
    w.put(4, e(4));
    await w.close();
    expect(out.join("")).toBe('{"n":0}\n{"n":1}\n{"n":3}\n{"n":4}\n');
    expect(w.next).toBe(5);
  });

  it("waits for drain: nothing more is written while the sink is full, then writes what is ready at once", async () => {
    const sink = new SlowSink();
    const w = new OrderedWriter(sink, () => {}, () => {});
    w.put(0, { line: "l0", record: rec(0) });
    await new Promise((r) => setImmediate(r));
    expect(sink.lines).toEqual(["l0\n"]); // the sink is full: the writer now waits for 'drain'
    for (let i = 1; i < 5; i++) w.put(i, { line: `l${i}`, record: rec(0) });
    await new Promise((r) => setImmediate(r));
    expect(sink.lines).toEqual(["l0\n"]);
    expect(w.next).toBe(1);
    sink.release(); // drain: the four lines ready in order go out as one write of whole lines
    await new Promise((r) => setImmediate(r));
    expect(sink.lines).toEqual(["l0\n", "l1\nl2\nl3\nl4\n"]);
    expect(w.next).toBe(5);
    sink.release();
    await w.close();
  });
});

describe("progress text", () => {
  it("formats progress with an ETA when the total is known, and the final line", () => {
    const p = { read: 500, written: 400, scanned: 400, skipped: 0, flagged: 12, failures: 2, seconds: 4 };
    expect(formatProgress(p, 1000)).toBe("500/1000 documents · 100.0 docs/s · 12 flagged · 2 failures · ETA 6s");
    expect(formatProgress(p, undefined)).toBe("500 documents · 100.0 docs/s · 12 flagged · 2 failures");
    expect(formatDuration(3725)).toBe("1h02m");
    const s = new SummaryBuilder().build({ ...run, read: 7, seconds: 2.25, interrupted: true });
    expect(formatFinalLine(s)).toBe("caseflag batch: 7 documents, 0 results, 0 failures, 0 flagged, 2.3 s (interrupted: run again with --resume)");
  });
});

describe("chart buckets", () => {
  it("keeps the largest bars and sums the rest into one", () => {
    expect(bars({ a: 5, b: 3, c: 2, d: 1, e: 0 }, 3)).toEqual([
      { label: "a", count: 5 },
      { label: "b", count: 3 },
      { label: "other (2)", count: 3 },
    ]);
  });
});
