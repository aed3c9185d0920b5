// The labelled set (fixtures/labelled/): realistic documents with the flags, crimes, groups,
// industries, insider and severity an analyst expects. Each runs end to end through the real engine.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createEngine } from "../../src/engine.js";
import { readPath } from "../../src/ingest/index.js";
import { scanDocument } from "../../src/pipeline.js";
import type { CaseResult } from "../../src/types.js";

interface Expectation {
  file?: string;
  why?: string;
  crimes?: string[];
  notCrimes?: string[];
  industries?: string[];
  notIndustries?: string[];
  groups?: string[];
  notGroups?: string[];
  insider?: boolean;
  severity?: CaseResult["severity"];
  flags?: string[];
  notFlags?: string[];
  /** Not used by the calibration fit (written to check generalization). */
  heldOut?: boolean;
}

const DIR = "fixtures/labelled";
const raw = parse(readFileSync(join(DIR, "expected.yaml"), "utf8")) as unknown;
const entries: [string, Expectation][] = Array.isArray(raw)
  ? (raw as Expectation[]).map((e) => [e.file!, e])
  : Object.entries((raw as { documents?: Record<string, Expectation> }).documents ?? (raw as Record<string, Expectation>));

const engine = await createEngine();
// A result lists found dimensions only; the rest are under `signals`.
const found = (list: { id: string; score: number }[]) => list.map((d) => d.id);

describe("labelled set", () => {
  it("has at least 40 documents", () => {
    expect(entries.length).toBeGreaterThanOrEqual(40);
  });

  for (const [file, exp] of entries) {
    it(`${file}: ${exp.why ?? ""}`, async () => {
      const results: CaseResult[] = [];
      for await (const item of readPath(join(DIR, file))) {
        expect(item.ok, item.ok ? "" : item.failure.message).toBe(true);
        if (item.ok) results.push(scanDocument(item.doc, engine));
      }
      expect(results).toHaveLength(1);
      const r = results[0]!;
      const flags = r.flags.map((f) => f.id);
      const summary = `score ${r.score} severity ${r.severity} (${r.severityBasis?.reason ?? "-"}) flags [${flags}] crimes [${found(r.crimes)}] industries [${found(r.industries)}] groups [${found(r.groups)}] insider ${r.insider.score}`;
      for (const c of exp.crimes ?? []) expect(found(r.crimes), `crime ${c}: ${summary}`).toContain(c);
      for (const c of exp.notCrimes ?? []) expect(found(r.crimes), `not crime ${c}: ${summary}`).not.toContain(c);
      for (const i of exp.industries ?? []) expect(found(r.industries), `industry ${i}: ${summary}`).toContain(i);
      for (const i of exp.notIndustries ?? []) expect(found(r.industries), `not industry ${i}: ${summary}`).not.toContain(i);
      for (const g of exp.groups ?? []) expect(found(r.groups), `group ${g}: ${summary}`).toContain(g);
      for (const g of exp.notGroups ?? []) expect(found(r.groups), `not group ${g}: ${summary}`).not.toContain(g);
      if (exp.insider !== undefined) expect(r.insider.flag, `insider: ${summary}`).toBe(exp.insider);
      if (exp.severity !== undefined) expect(r.severity, `severity: ${summary}`).toBe(exp.severity);
      for (const f of exp.flags ?? []) expect(flags, `flag ${f}: ${summary}`).toContain(f);
      for (const f of exp.notFlags ?? []) expect(flags, `not flag ${f}: ${summary}`).not.toContain(f);
      for (const flag of r.flags) expect(flag.reason.length, `${flag.id} explains itself`).toBeGreaterThan(0);
    });
  }
});
