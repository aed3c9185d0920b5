// caseflag eval LABELLED.jsonl : how well the results agree with labels. Two label formats:
// CAIL (fact + accusation: precision/recall per crime) and the typical set (fact + expect:
// per-dimension agreement beside a substring baseline, tuning and held-out parts apart). For both:
// the reliability table and expected calibration error of the found decisions, and the leak
// score's average precision for personal-information, on the held-out part (every n-th line or
// case, the part the calibration was not fitted on) and on all.
import type { Command } from "commander";
import { createEngine } from "../../engine.js";
import { UsageError } from "../../errors.js";
import { createLabeller } from "../../eval/corpus.js";
import { DecisionTally, formatDecisionReport } from "../../eval/decisions.js";
import { Evaluator, formatChecks, formatEvalTable } from "../../eval/evaluate.js";
import { judge } from "../../eval/labels.js";
import { TypicalEvaluator, formatTypicalTable, isTypicalExpect } from "../../eval/typical.js";
import { readPath } from "../../ingest/index.js";
import { scanDocument } from "../../pipeline.js";
import type { CliIo } from "../io.js";
import { addEngineOptions, engineOptionsOf, intFlag, type EngineFlags } from "../options.js";

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addEngineOptions(
    program
      .command("eval")
      .description(
        "agreement with labels: per crime against CAIL charges (fact + accusation), per dimension against the typical set (fact + expect) with a substring baseline; the reliability of confidences and the leak score's average precision",
      )
      .argument("<files...>", "labelled JSONL/JSON files")
      .option("-f, --format <name>", "table | json", "table")
      .option("--list <n>", "false positive/negative ids listed per crime", "50")
      .option("--holdout <n>", "the held-out part: CAIL lines and typical cases whose number is divisible by n", "4"),
  )
    .action(
      async (files: string[], flags: EngineFlags & { format: string; list: string; holdout: string }) => {
        if (flags.format !== "table" && flags.format !== "json") {
          throw new UsageError(`unknown format "${flags.format}" (valid: table, json)`);
        }
        const holdout = intFlag("--holdout", flags.holdout, 2)!;
        const engine = await createEngine(engineOptionsOf(flags, io.cwd));
        const crimes = new Evaluator(engine.ruleSet, Number(flags.list));
        const crimesHeldOut = new Evaluator(engine.ruleSet, Number(flags.list));
        const typical = new TypicalEvaluator(holdout);
        const decisions = { cail: new DecisionTally(), typical: new DecisionTally() };
        const label = createLabeller(engine.ruleSet, holdout);
        let failures = 0;
        let unlabelled = 0;
        let cail = 0;
        let typ = 0;
        for (const file of files) {
          let index = 0;
          for await (const item of readPath(file)) {
            if (!item.ok) {
              failures++;
              io.stderr(`caseflag: ${item.failure.message}\n`);
              continue;
            }
            const l = label(item.doc, index++);
            const acc = item.doc.meta["accusation"];
            const expect = item.doc.meta["expect"];
            if (!l) {
              unlabelled++;
              continue;
            }
            const result = scanDocument(item.doc, engine);
            decisions[l.format].add(l.part, judge(result, l.labels));
            if (l.format === "cail" && Array.isArray(acc)) {
              cail++;
              crimes.add(acc.map(String), result);
              if (l.part === "heldOut") crimesHeldOut.add(acc.map(String), result);
            } else if (isTypicalExpect(expect)) {
              typ++;
              typical.add(item.doc.id, item.doc.text, expect, result);
            }
          }
        }
        const out: string[] = [];
        // JSON: the CAIL report's fields at the top (as before), the held-out part's under `heldOut`,
        // the decisions' calibration under `decisions`, the typical report under `typical`.
        let json: Record<string, unknown> = {};
        if (cail > 0 || typ === 0) {
          const report = crimes.report();
          const held = crimesHeldOut.report();
          const dec = decisions.cail.report();
          json = { ...report, heldOut: { documents: held.documents, crimes: held.crimes, checks: held.checks }, decisions: dec };
          out.push(formatEvalTable(report));
          out.push(formatChecks(held, `held-out part (line number divisible by ${holdout}): ${held.documents} facts`));
          out.push(formatDecisionReport(dec, ["crime", "insider"]));
        }
        json = { ...json, failures, unlabelled };
        if (typ > 0) {
          const report = typical.report();
          const dec = decisions.typical.report();
          json["typical"] = { ...report, decisions: dec };
          out.push(formatTypicalTable(report));
          out.push(formatDecisionReport(dec));
        }
        io.stdout(flags.format === "json" ? JSON.stringify(json, null, 2) + "\n" : out.join("\n"));
        if (unlabelled > 0) io.stderr(`caseflag: ${unlabelled} documents had neither accusation nor expect labels and were skipped\n`);
        setExit(failures > 0 ? 2 : 0);
      },
    );
}
