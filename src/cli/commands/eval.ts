// caseflag eval LABELLED.jsonl : precision/recall of crime detection against charge labels.
import type { Command } from "commander";
import { createEngine } from "../../engine.js";
import { UsageError } from "../../errors.js";
import { Evaluator, formatEvalTable } from "../../eval/evaluate.js";
import { readPath } from "../../ingest/index.js";
import { scanDocument } from "../../pipeline.js";
import type { CliIo } from "../io.js";
import { addEngineOptions, engineOptionsOf, type EngineFlags } from "../options.js";

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addEngineOptions(
    program
      .command("eval")
      .description("precision, recall and F1 per crime against CAIL-format labels (fact + accusation)")
      .argument("<files...>", "labelled JSONL/JSON files")
      .option("-f, --format <name>", "table | json", "table")
      .option("--list <n>", "false positive/negative ids listed per crime", "50"),
  ).action(async (files: string[], flags: EngineFlags & { format: string; list: string }) => {
      if (flags.format !== "table" && flags.format !== "json") {
        throw new UsageError(`unknown format "${flags.format}" (valid: table, json)`);
      }
      const engine = await createEngine(engineOptionsOf(flags, io.cwd));
      const evaluator = new Evaluator(engine.ruleSet, Number(flags.list));
      let failures = 0;
      let unlabelled = 0;
      for (const file of files) {
        for await (const item of readPath(file)) {
          if (!item.ok) {
            failures++;
            io.stderr(`caseflag: ${item.failure.message}\n`);
            continue;
          }
          const acc = item.doc.meta["accusation"];
          if (!Array.isArray(acc)) {
            unlabelled++;
            continue;
          }
          evaluator.add(acc.map(String), scanDocument(item.doc, engine));
        }
      }
      const report = evaluator.report();
      io.stdout(flags.format === "json" ? JSON.stringify({ ...report, failures, unlabelled }, null, 2) + "\n" : formatEvalTable(report));
      if (unlabelled > 0) io.stderr(`caseflag: ${unlabelled} documents had no accusation labels and were skipped\n`);
      setExit(failures > 0 ? 2 : 0);
    });
}
