// Every command reads its options through one module (src/cli/options.ts): a flag is checked the
// same wherever it appears, before anything is read, submitted or connected.
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// Nothing listens on port 1: a command that got past its options would fail to connect instead.
const REDIS = ["--redis", "redis://127.0.0.1:1"];

describe("options are checked alike by every command", () => {
  it("--encoding: enqueue and watch refuse an unknown one as scan does (exit 2, nothing submitted)", async () => {
    for (const argv of [
      ["scan", "--encoding", "bogus", "fixtures/docs/theft-negative.txt"],
      ["enqueue", ...REDIS, "--encoding", "bogus", "fixtures/docs/theft-negative.txt"],
      ["watch", ...REDIS, "--encoding", "bogus", "fixtures/docs"],
      ["batch", "--encoding", "bogus", "--out", "/dev/null", "fixtures/docs"],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr, argv.join(" ")).toBe('caseflag: unknown encoding "bogus" (e.g. utf-8, gb18030, big5, utf-16le)\n');
    }
  });

  it("--max-bytes, --segmenter, --scan-budget and integer flags: one check and one message each", async () => {
    const bytes = await runCli(["enqueue", ...REDIS, "--max-bytes", "-5", "fixtures/docs"]);
    expect([bytes.code, bytes.stderr]).toEqual([2, 'caseflag: invalid --max-bytes "-5" (a positive integer)\n']);
    for (const argv of [["worker", ...REDIS, "--segmenter", "thulac"], ["eval", "--segmenter", "thulac", "x.jsonl"]]) {
      const r = await runCli(argv);
      expect([r.code, r.stderr], argv[0]).toEqual([2, 'caseflag: unknown segmenter "thulac" (valid: node-rs, nodejieba)\n']);
    }
    const budget = await runCli(["worker", ...REDIS, "--scan-budget", "1.5"]);
    expect([budget.code, budget.stderr]).toEqual([2, 'caseflag: invalid --scan-budget "1.5" (milliseconds, a positive integer)\n']);
    for (const [argv, flag] of [
      [["batch", "--workers", "x", "--out", "/dev/null", "fixtures/docs"], "--workers"],
      [["enqueue", ...REDIS, "--batch", "0", "fixtures/docs"], "--batch"],
      [["keywords", "--top", "2.5", "fixtures/docs"], "--top"],
    ] as const) {
      const r = await runCli([...argv]);
      expect(r.code, flag).toBe(2);
      expect(r.stderr, flag).toMatch(new RegExp(`^caseflag: ${flag}: expected an integer >= \\d, got "`));
    }
  });
});
