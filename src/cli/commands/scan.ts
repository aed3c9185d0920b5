// caseflag scan FILE... : one document (or a few) in, explained results out, instantly.
import type { Command } from "commander";
import { createEngine } from "../../engine.js";
import { readPath, readSource, stdinSource } from "../../ingest/index.js";
import { resolve } from "node:path";
import { scanDocument } from "../../pipeline.js";
import { getFormatter } from "../../report/formatters.js";
import { maskText } from "../../score/mask.js";
import type { CaseResult } from "../../types.js";
import type { CliIo } from "../io.js";
import { CaseflagError } from "../../errors.js";
import {
  MIN_CONFIDENCE_OPTION,
  addScanOptions,
  budgetOf,
  failOnPredicate,
  minConfidenceOf,
  readOptionsOf,
  rulePathsOf,
  segmenterOf,
  type ScanFlags,
} from "../options.js";

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addScanOptions(
    program
      .command("scan")
      .description("scan documents and print one explained result each ('-' reads stdin)")
      .argument("<files...>", "documents: .txt .xml .json .jsonl .html .docx, or - for stdin")
      .option("-f, --format <name>", "json | jsonl | table | csv (default: table on a terminal, else json)")
      .option(...MIN_CONFIDENCE_OPTION),
  ).action(async (files: string[], flags: ScanFlags & { format?: string; minConfidence?: string }) => {
    const minConfidence = minConfidenceOf(flags.minConfidence);
    const formatter = getFormatter(flags.format ?? (io.isTTY ? "table" : "json"));
    const failOn = failOnPredicate(flags.failOn);
    const readOpts = readOptionsOf(flags);
    const budget = budgetOf(flags);
    // A scan reads a few files: jieba loads per document only the dictionary entries it holds.
    const rules = rulePathsOf(flags.rules, io.cwd);
    const engine = await createEngine({
      ...(rules ? { rules } : {}),
      ...(segmenterOf(flags) ? { segmenter: segmenterOf(flags)! } : {}),
      dictionary: "document",
    });
    const results: CaseResult[] = [];
    let failures = 0;
    for (const file of files) {
      const items =
        file === "-"
          ? readSource(stdinSource(io.stdin), readOpts)
          : readPath(io.cwd === process.cwd() ? file : resolve(io.cwd, file), readOpts);
      for await (const item of items) {
        if (!item.ok) {
          failures++;
          io.stderr(`caseflag: ${flags.mask ? maskText(item.failure.message) : item.failure.message}\n`);
          continue;
        }
        try {
          const result = scanDocument(item.doc, engine, {
            mask: flags.mask,
            ...(budget ? { budget } : {}),
            ...(minConfidence !== undefined ? { minConfidence } : {}),
          });
          for (const w of result.warnings ?? []) io.stderr(`caseflag: warning: ${result.source}: ${w}\n`);
          results.push(result);
        } catch (err) {
          // One document that cannot be scanned (over its budget) is reported; the others still are.
          if (!(err instanceof CaseflagError)) throw err;
          failures++;
          const line = `${item.doc.source}: ${err.message} (${err.code})`;
          io.stderr(`caseflag: ${flags.mask ? maskText(line) : line}\n`);
        }
      }
    }
    if (results.length > 0) io.stdout(formatter.format(results));
    setExit(failures > 0 ? 2 : results.some(failOn) ? 1 : 0);
  });
}
