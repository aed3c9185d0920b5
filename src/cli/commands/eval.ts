// caseflag eval LABELLED.jsonl : how well the results agree with labels. Two label formats:
// CAIL (fact + accusation: precision/recall per crime) and the typical set (fact + expect:
// per-dimension agreement beside a substring baseline, tuning and held-out parts apart).
import type { Command } from "commander";
import { createEngine } from "../../engine.js";
import { UsageError } from "../../errors.js";
import { Evaluator, formatEvalTable } from "../../eval/evaluate.js";
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
        "agreement with labels: per crime against CAIL charges (fact + accusation), per dimension against the typical set (fact + expect) with a substring baseline",
      )
      .argument("<files...>", "labelled JSONL/JSON files")
      .option("-f, --format <name>", "table | json", "table")
      .option("--list <n>", "false positive/negative ids listed per crime", "50")
      .option("--holdout <n>", "typical set: cases whose leading number is divisible by n are the held-out part", "4"),
  )
    .action(
      async (files: string[], flags: EngineFlags & { format: string; list: string; holdout: string }) => {
        if (flags.format !== "table" && flags.format !== "json") {
          throw new UsageError(`unknown format "${flags.format}" (valid: table, json)`);
        }
        const holdout = intFlag("--holdout", flags.holdout, 2)!;
        const engine = await createEngine(engineOptionsOf(flags, io.cwd));
        const crimes = new Evaluator(engine.ruleSet, Number(flags.list));
        const typical = new TypicalEvaluator(holdout);
        let failures = 0;
        let unlabelled = 0;
        let cail = 0;
        let typ = 0;
        for (const file of files) {
          for await (const item of readPath(file)) {
            if (!item.ok) {
              failures++;
              io.stderr(`caseflag: ${item.failure.message}\n`);
              continue;
            }
            const acc = item.doc.meta["accusation"];
            const expect = item.doc.meta["expect"];
            if (Array.isArray(acc)) {
              cail++;
              crimes.add(acc.map(String), scanDocument(item.doc, engine));
            } else if (isTypicalExpect(expect)) {
              typ++;
              typical.add(item.doc.id, item.doc.text, expect, scanDocument(item.doc, engine));
            } else unlabelled++;
          }
        }
        const out: string[] = [];
        // JSON: the CAIL report's fields at the top (as before), the typical report under `typical`.
        let json: Record<string, unknown> = {};
        if (cail > 0 || typ === 0) {
          const report = crimes.report();
          json = { ...report };
          out.push(formatEvalTable(report));
        }
        json = { ...json, failures, unlabelled };
        if (typ > 0) {
          const report = typical.report();
          json["typical"] = report;
          out.push(formatTypicalTable(report));
        }
        io.stdout(flags.format === "json" ? JSON.stringify(json, null, 2) + "\n" : out.join("\n"));
        if (unlabelled > 0) io.stderr(`caseflag: ${unlabelled} documents had neither accusation nor expect labels and were skipped\n`);
        setExit(failures > 0 ? 2 : 0);
      },
    );
}
