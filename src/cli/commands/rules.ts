// caseflag rules check | test | list : validate the packs, run every rule's examples.
import type { Command } from "commander";
import { createEngineFromRules } from "../../engine.js";
import { testRuleExamples } from "../../eval/rule-examples.js";
import { loadRules } from "../../rules/load.js";
import type { CliIo } from "../io.js";
import { addRulesOption, rulePathsOf } from "../options.js";

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const rules = program.command("rules").description("validate and test rule packs");
  addRulesOption(rules.command("check").description("validate every pack against the schema (all problems at once)"))
    .action(async (flags: { rules?: string[] }) => {
      const set = await loadRules(rulePathsOf(flags.rules, io.cwd));
      const terms = set.rules.reduce((n, r) => n + r.terms.zh.length + r.terms.en.length, 0);
      io.stdout(`${set.files.length} packs, ${set.rules.length} rules, ${terms} terms: ok\n`);
      setExit(0);
    });
  addRulesOption(rules.command("test").description("run every rule's match/noMatch examples through the engine"))
    .option("--rule <prefix>", "only rules whose id starts with this")
    .action(async (flags: { rules?: string[]; rule?: string }) => {
      const engine = createEngineFromRules(await loadRules(rulePathsOf(flags.rules, io.cwd)));
      const prefix = flags.rule;
      const report = testRuleExamples(engine, prefix ? (r) => r.id.startsWith(prefix) : undefined);
      for (const f of report.failures) {
        io.stdout(`FAIL ${f.ruleId} (${f.file.split("/").pop()}): expected ${f.expected}: ${JSON.stringify(f.example)} → ${f.got}\n`);
      }
      const passed = report.examples - report.failures.length;
      io.stdout(`rules: ${report.rules}, examples: ${report.examples}\n${passed} passed, ${report.failures.length} failed\n`);
      setExit(report.failures.length > 0 ? 1 : 0);
    });
  addRulesOption(rules.command("list").description("list rules: id, kind, target, weight, terms"))
    .action(async (flags: { rules?: string[] }) => {
      const set = await loadRules(rulePathsOf(flags.rules, io.cwd));
      for (const r of set.rules) {
        const terms = [...r.terms.zh, ...r.terms.en];
        io.stdout(`${r.id}\t${r.kind}\t${r.target}\t${r.weight}\t${terms.slice(0, 8).join(" ")}${terms.length > 8 ? " …" : ""}\n`);
      }
      setExit(0);
    });
}
