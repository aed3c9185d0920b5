// Every rule's examples run through the real engine (real segmenter, all packs loaded), so an
// example tests the rule as users meet it: with every other rule, negation and zone around it.
import type { Engine } from "../engine.js";
import { scanDocument } from "../pipeline.js";
import type { CaseResult } from "../types.js";
import type { Rule } from "../rules/types.js";

export interface ExampleFailure {
  ruleId: string;
  file: string;
  expected: "match" | "noMatch";
  example: string;
  /** What the rule produced on the example (or did not). */
  got: string;
}

export interface ExampleReport {
  rules: number;
  examples: number;
  failures: ExampleFailure[];
}

export function testRuleExamples(engine: Engine, only?: (rule: Rule) => boolean): ExampleReport {
  const failures: ExampleFailure[] = [];
  let rules = 0;
  let examples = 0;
  for (const rule of engine.ruleSet.rules) {
    if (only && !only(rule)) continue;
    rules++;
    for (const [expected, list] of [
      ["match", rule.examples.match],
      ["noMatch", rule.examples.noMatch],
    ] as const) {
      for (const example of list) {
        examples++;
        const result = scanDocument({ id: rule.id, source: rule.file, text: example, meta: {} }, engine, { allBindings: true });
        const fired = ruleFired(rule, result);
        if (fired.fired !== (expected === "match")) {
          failures.push({ ruleId: rule.id, file: rule.file, expected, example, got: fired.what });
        }
      }
    }
  }
  return { rules, examples, failures };
}

function ruleFired(rule: Rule, result: CaseResult): { fired: boolean; what: string } {
  // A rule's examples are about its evidence, found or not: signals' findings count too.
  const findings = [...result.findings, ...result.signals.findings];
  if (rule.kind === "negation" || rule.kind === "zone") {
    const negated = findings.filter((f) => f.negated && f.note?.endsWith(` ${rule.id}`));
    const all = findings.map((f) => `${f.ruleId}${f.negated ? "(negated)" : ""}`).join(", ");
    return { fired: negated.length > 0, what: negated.length > 0 ? `negated ${negated.map((f) => f.ruleId).join(", ")}` : `findings: ${all || "none"}` };
  }
  const own = findings.filter((f) =>
    rule.kind === "identifier" ? f.kind === "identifier" && f.target === rule.detector : f.ruleId === rule.id,
  );
  const live = own.filter((f) => !f.negated);
  if (live.length > 0) return { fired: true, what: `matched ${live.map((f) => JSON.stringify(f.match)).join(", ")}` };
  return {
    fired: false,
    what: own.length > 0 ? `only negated matches (${own.map((f) => f.note ?? "").join("; ")})` : "no match",
  };
}
