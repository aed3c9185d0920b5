// The analyst's loop, end to end through the CLI in a working folder of its own: `keywords --out`
// writes a candidates pack whose examples pass `rules test` as written; `keywords accept` moves a
// term into ./rules/local/, which the next `batch` loads beside the bundled packs (and its results
// change); `keywords reject` makes capture stop proposing a term. Real engine, packs and jieba.
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/program.js";
import type { CaseResult } from "../../src/types.js";

const ROOT = resolve(import.meta.dirname, "../..");
const NETWORK = join(ROOT, "fixtures/keywords/cases-network.jsonl");
const OTHER = join(ROOT, "fixtures/keywords/cases-other.jsonl");
const TERM = "码商";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "caseflag-loop-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    stdin: Readable.from([]),
    isTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd,
  });
  return { code, stdout, stderr };
}

function results(file: string): CaseResult[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as CaseResult);
}

const capture = (cwd: string, extra: string[] = []) =>
  cli(["keywords", NETWORK, "--against", OTHER, "--min-count", "2", "--format", "json", ...extra], cwd);

describe("keywords → accept → batch", () => {
  it("writes a candidates pack whose examples pass `rules test` as written", async () => {
    const out = await capture(dir, ["--out", "candidates.yaml"]);
    expect(out.code).toBe(0);
    const terms = (JSON.parse(out.stdout) as { candidates: { term: string }[] }).candidates.map((c) => c.term);
    expect(terms).toContain(TERM);
    const test = await cli(["rules", "test", "--rules", join(ROOT, "rules"), "candidates.yaml"], dir);
    expect(test.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
    expect(test.code).toBe(0);
  }, 120_000);

  it("changes the next batch's results once a term is accepted into rules/local/", async () => {
    const before = await cli(["batch", NETWORK, "--out", "before.jsonl", "--workers", "0"], dir);
    expect(before.code).toBe(0);
    expect(results(join(dir, "before.jsonl")).flatMap((r) => r.findings).some((f) => f.ruleId.startsWith("local."))).toBe(false);

    const accept = await cli(["keywords", "accept", "candidates.yaml", TERM, "--into", "rules/local/"], dir);
    expect(accept.code).toBe(0);
    expect(accept.stdout).toMatch(/^accepted 码商 -> local\.crime\.help-network-crime\.[a-z0-9.-]+ \(new rule\)\n/);
    expect(existsSync(join(dir, "rules/local/accepted.yaml"))).toBe(true);
    // The local pack validates and its examples pass with the default rule set (bundled + local).
    const test = await cli(["rules", "test"], dir);
    expect(test.code).toBe(0);

    const after = await cli(["batch", NETWORK, "--out", "after.jsonl", "--workers", "0"], dir);
    expect(after.code).toBe(0);
    const was = results(join(dir, "before.jsonl"));
    const now = results(join(dir, "after.jsonl"));
    const local = now.flatMap((r) => r.findings).filter((f) => f.ruleId.startsWith("local."));
    expect(local.length).toBeGreaterThanOrEqual(5);
    for (const f of local) expect(f.match).toBe(TERM);
    // The 帮信 score rises where only the accepted term adds evidence.
    const score = (r: CaseResult) => r.crimes.find((c) => c.id === "help-network-crime")?.score ?? 0;
    const raised = now.filter((r, i) => score(r) > score(was[i]!));
    expect(raised.length).toBeGreaterThan(0);
    // An accepted term is a pack term now: not proposed again.
    const again = await capture(dir);
    expect((JSON.parse(again.stdout) as { candidates: { term: string }[] }).candidates.map((c) => c.term)).not.toContain(TERM);
    // Accepting it twice changes nothing.
    const twice = await cli(["keywords", "accept", "candidates.yaml", TERM], dir);
    expect(twice.stdout).toMatch(/^already accepted: 码商\n/);
  }, 120_000);

  it("refuses a term that is not in the candidates file, naming the ones that are", async () => {
    const out = await cli(["keywords", "accept", "candidates.yaml", "不存在的词"], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/"不存在的词" is not a candidate in candidates\.yaml \(candidates: .*码商/);
  });
});

describe("keywords reject", () => {
  it("remembers a rejected term: capture does not propose it again", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "caseflag-reject-"));
    try {
      const first = await capture(fresh);
      expect((JSON.parse(first.stdout) as { candidates: { term: string }[] }).candidates.map((c) => c.term)).toContain(TERM);
      const reject = await cli(["keywords", "reject", TERM], fresh);
      expect(reject.code).toBe(0);
      expect(reject.stdout).toMatch(/^rejected 码商\n/);
      expect(readFileSync(join(fresh, "rules/local/rejected.txt"), "utf8")).toMatch(/\n码商\n$/);
      const next = await capture(fresh);
      expect((JSON.parse(next.stdout) as { candidates: { term: string }[] }).candidates.map((c) => c.term)).not.toContain(TERM);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 120_000);
});
