// caseflag eval on the research data beside the repository (../shared, never copied in): issue 12's
// floors on dev.jsonl, on all of it and on the held-out part the calibration was not fitted on (every
// fourth line), and the tables eval prints.
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const DEV = resolve("../shared/data/cail/dev.jsonl");
const TYPICAL = resolve("../shared/data/typical/typical.jsonl");

interface Checks {
  piOnOther: { flagged: number; of: number; rate: number };
  fraudRecallOnZhapian: { found: number; of: number; rate: number };
  fraudOnTheft: { flagged: number; of: number; rate: number };
}
interface Reliability {
  ece: number;
  count: number;
}

describe("caseflag eval", () => {
  it("dev.jsonl: issue 12's floors on all facts and on the held-out part", async () => {
    const r = await runCli(["eval", DEV, "-f", "json", "--list", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      documents: number;
      checks: Checks;
      heldOut: { documents: number; checks: Checks };
      decisions: { reliability: { crime: { heldOut: Reliability; all: Reliability } }; leakAp: { all: { ap: number | null } } };
    };
    expect(report.documents).toBe(5067);
    expect(report.heldOut.documents).toBe(1266);
    for (const c of [report.checks, report.heldOut.checks]) {
      expect(c.fraudOnTheft.flagged / c.fraudOnTheft.of).toBeLessThanOrEqual(0.005);
      expect(c.fraudRecallOnZhapian.found / c.fraudRecallOnZhapian.of).toBeGreaterThanOrEqual(0.93);
      expect(c.piOnOther.flagged / c.piOnOther.of).toBeLessThanOrEqual(1 / 2000);
    }
    const crime = report.decisions.reliability.crime;
    expect(crime.all.count).toBeGreaterThan(500);
    expect(crime.all.ece).toBeLessThanOrEqual(0.05);
    expect(crime.heldOut.ece).toBeLessThanOrEqual(0.05);
    expect(report.decisions.leakAp.all.ap).toBeGreaterThan(0.9);
  }, 60_000);

  it("prints the reliability table, the ECE and the leak score's average precision beside the typical set's table", async () => {
    const r = await runCli(["eval", TYPICAL]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/top industry\s+\d\.\d\d/);
    expect(r.stdout).toMatch(/crime findings, held-out part: \d+ decisions, expected calibration error 0\.\d{4}\n {2}bin {10}predicted {2}observed {2}count\n/);
    expect(r.stdout).toMatch(/0\.9–1\.0 +0\.\d{3} +[01]\.\d{3} +\d+/);
    expect(r.stdout).toMatch(/leak score, average precision for personal-information: held-out \d\.\d{4} \(\d+ personal-information cases among 19\); all \d\.\d{4}/);
  }, 60_000);

  it("--min-confidence takes a number from 0 to 1", async () => {
    const bad = await runCli(["scan", "fixtures/labelled/pi-bank-insider-credit-300.txt", "--min-confidence", "80"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--min-confidence "80"/);
    const all = JSON.parse((await runCli(["scan", "fixtures/labelled/pi-property-clerk-bio-clauses.txt"])).stdout) as { crimes: { id: string; confidence: number }[] };
    const strict = JSON.parse((await runCli(["scan", "fixtures/labelled/pi-property-clerk-bio-clauses.txt", "--min-confidence", "0.99"])).stdout) as {
      crimes: unknown[];
      signals: { crimes: { id: string }[] };
    };
    expect(all.crimes.map((c) => c.id)).toContain("personal-information");
    expect(all.crimes.find((c) => c.id === "personal-information")!.confidence).toBeLessThan(0.99);
    expect(strict.crimes).toEqual([]);
    expect(strict.signals.crimes.map((c) => c.id)).toContain("personal-information");
  }, 60_000);
});
