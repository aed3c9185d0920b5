// The batch command as a user runs it: a real child process, Ctrl-C (SIGINT) and kill -9 in the
// middle of a run, then --resume; quiet stderr when it is not a terminal; report and summary
// files; --fail-on; usage errors.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register, type BatchCommandResult } from "../../src/cli/commands/batch.js";
import type { CliIo } from "../../src/cli/io.js";
import { UsageError } from "../../src/errors.js";
import {
  assertBatchBuilt, batchCliArgs, fixtureTexts, readLines, repoRoot, spawnNode, waitForLines, writeDump,
} from "../helpers/batch.js";

let dir: string;
let cli: string[];
let dump: string;
let ids: string[];
const N = 800;

beforeAll(async () => {
  assertBatchBuilt();
  dir = await mkdtemp(join(tmpdir(), "caseflag-batch-cli-"));
  cli = batchCliArgs();
  dump = join(dir, "cases.jsonl");
  ids = await writeDump(dump, N, await fixtureTexts());
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function idsIn(path: string): Promise<string[]> {
  return ((await readLines(path)) as { id: string }[]).map((l) => l.id);
}

describe("caseflag batch (child process)", () => {
  it("Ctrl-C stops cleanly with whole lines in input order; --resume finishes with each document once", async () => {
    const out = join(dir, "sigint.jsonl");
    const p = spawnNode([...cli, dump, "--out", out, "--workers", "1"], dir);
    await waitForLines(out, 20, p);
    p.child.kill("SIGINT");
    const { code } = await p.exited;
    expect(code).toBe(130);
    expect(p.stderr()).toMatch(/SIGINT: stopping/);
    expect(p.stderr()).toMatch(/caseflag batch: \d+ documents, \d+ results, 0 failures, \d+ flagged, [\d.]+ s \(interrupted: run again with --resume\)\n$/);
    const partial = await idsIn(out); // every line parses: no partial line
    expect(partial.length).toBeGreaterThanOrEqual(20);
    expect(partial.length).toBeLessThan(N);
    expect(partial).toEqual(ids.slice(0, partial.length));

    const summary = join(dir, "sigint-summary.json");
    const r = spawnNode([...cli, dump, "--out", out, "--resume", "--workers", "2", "--summary", summary], dir);
    expect((await r.exited).code).toBe(0);
    expect(await idsIn(out)).toEqual(ids);
    const s = JSON.parse(await readFile(summary, "utf8")) as { documents: number; run: { skipped: number; resumedLines: number } };
    expect(s.documents).toBe(N);
    expect(s.run.skipped).toBe(partial.length);
  });

  it("names sources as the inputs were given (relative stays relative, as in scan)", async () => {
    const out = join(dir, "relative.jsonl");
    const p = spawnNode([...cli, "fixtures/docs/theft-negative.txt", "fixtures/docs/cases.jsonl", "--out", out], repoRoot);
    expect((await p.exited).code).toBe(0);
    const sources = ((await readLines(out)) as { source: string }[]).map((l) => l.source);
    expect(sources[0]).toBe("fixtures/docs/theft-negative.txt");
    expect(sources.slice(1).every((s) => /^fixtures\/docs\/cases\.jsonl:\d+$/.test(s))).toBe(true);
  });

  it("after kill -9 mid-run, --resume repairs the file and every document appears exactly once", async () => {
    const out = join(dir, "sigkill.jsonl");
    const p = spawnNode([...cli, dump, "--out", out, "--workers", "1"], dir);
    await waitForLines(out, 20, p);
    p.child.kill("SIGKILL");
    expect((await p.exited).signal).toBe("SIGKILL");
    const r = spawnNode([...cli, dump, "--out", out, "--resume", "--workers", "2"], dir);
    expect((await r.exited).code).toBe(0);
    const got = await idsIn(out);
    expect(got.length).toBe(N);
    expect(new Set(got)).toEqual(new Set(ids));
  });

  it("is quiet on a non-terminal stderr except the final line; writes the report and summary; --fail-on sets exit 1", async () => {
    const out = join(dir, "fixtures.jsonl");
    const report = join(dir, "report.html");
    const summary = join(dir, "summary.json");
    const p = spawnNode(
      [...cli, join(repoRoot, "fixtures/docs"), join(repoRoot, "fixtures/bad"), "--out", out, "--report", report, "--summary", summary, "--fail-on", "any-flag"],
      dir,
    );
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.stderr()).not.toContain("\r");
    expect(p.stderr().trim().split("\n")).toHaveLength(1);
    const s = JSON.parse(await readFile(summary, "utf8")) as { documents: number; failures: number; flagged: number };
    expect(p.stderr()).toBe(`caseflag batch: ${s.documents} documents, ${s.documents - s.failures} results, ${s.failures} failures, ${s.flagged} flagged, ${p.stderr().match(/([\d.]+) s\n$/)![1]} s\n`);
    expect(s.flagged).toBeGreaterThan(0);
    expect(s.failures).toBeGreaterThan(0);
    expect(await readFile(report, "utf8")).toMatch(/^<!doctype html>/);
  });
});

describe("caseflag batch flags (in process)", () => {
  const io: CliIo = {
    stdout: () => {},
    stderr: () => {},
    stdin: Readable.from([]),
    isTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: repoRoot,
  };
  const parse = async (args: string[], cliIo: CliIo = io): Promise<{ code: number; result?: BatchCommandResult }> => {
    const program = new Command("caseflag").exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    let code = -1;
    let result: BatchCommandResult | undefined;
    register(program, cliIo, (c) => (code = c), (r) => (result = r));
    await program.parseAsync(["batch", ...args], { from: "user" });
    return result ? { code, result } : { code };
  };

  it("rejects bad flags with a UsageError", async () => {
    await expect(parse(["fixtures/docs", "--out", join(dir, "x.jsonl"), "--workers", "two"])).rejects.toBeInstanceOf(UsageError);
    await expect(parse(["fixtures/docs", "--out", join(dir, "x.jsonl"), "--queue", "http://nope"])).rejects.toBeInstanceOf(UsageError);
    await expect(parse(["fixtures/docs", "--out", join(dir, "x.jsonl"), "--report", join(dir, "x.jsonl")])).rejects.toBeInstanceOf(UsageError);
    await expect(parse(["fixtures/docs", "--out", join(dir, "x.jsonl"), "--fail-on", "sometimes!"])).rejects.toBeInstanceOf(UsageError);
    await expect(parse(["fixtures/docs", "--out", join(dir, "x.jsonl"), "--queue", "redis://127.0.0.1:1", "--no-mask"])).rejects.toBeInstanceOf(UsageError);
    await expect(parse(["fixtures/docs"])).rejects.toMatchObject({ code: "commander.missingMandatoryOptionValue" });
  });

  it("reports the --fail-on matches and exits 0 when none match", async () => {
    const out = join(dir, "inproc.jsonl");
    const r = await parse(["fixtures/docs/theft-negative.txt", "fixtures/docs/bank-credit-report.txt", "--out", out, "--workers", "0", "--fail-on", "especially-serious"]);
    expect(r.result!.failOnMatches).toBe(1);
    expect(r.code).toBe(1);
    const none = await parse(["fixtures/docs/theft-negative.txt", "--out", out, "--workers", "0", "--fail-on", "any-flag"]);
    expect(none.code).toBe(0);
    expect(none.result!.summary.results).toBe(1);
  });

  it("draws progress on a terminal stderr, then clears it for the final line", async () => {
    let err = "";
    const tty: CliIo = { ...io, stderrIsTTY: true, stderr: (s) => (err += s) };
    await parse(["fixtures/docs", "--out", join(dir, "tty.jsonl"), "--workers", "0"], tty);
    const clear = "\r\u001b[K"; // carriage return + erase line
    const shown = err.split(clear);
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.slice(1, -1).every((l) => /^\d+(\/\d+)? documents · [\d.]+ docs\/s · \d+ flagged/.test(l))).toBe(true);
    expect(shown[shown.length - 1]).toMatch(/^caseflag batch: \d+ documents, \d+ results, 0 failures, \d+ flagged, [\d.]+ s\n$/);
  });
});
