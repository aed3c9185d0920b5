// caseflag export RESULTS.jsonl --format xlsx|csv --out FILE : the clue list, one row per flagged
// case (output/clues.ts), with the review decisions applied. Chinese headers unless --locale en:
// the list is for an office, whatever the machine's locale.
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import writeXlsxFile from "write-excel-file/node";
import { UsageError } from "../../errors.js";
import { clueHeaders, clueRow, cluesCsv, isClue, type ClueCell } from "../../output/clues.js";
import { applyReview } from "../../output/review.js";
import { FLAG_IDS } from "../../score/result.js";
import type { CliIo } from "../io.js";
import {
  addMinConfidenceOption,
  addReviewOptions,
  addRulesOption,
  lexiconOf,
  minConfidenceOf,
  readResultLines,
  redactorOf,
  reviewBookOf,
  type ReviewFlags,
} from "../options.js";

interface ExportFlags extends ReviewFlags {
  format?: string;
  out: string;
  flag?: string[];
  minConfidence?: string;
  locale?: string;
  rules?: string[];
  mask: boolean;
}

const FORMATS = ["xlsx", "csv"] as const;

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addReviewOptions(
    addRulesOption(
      addMinConfidenceOption(
        program
          .command("export")
          .description("the clue list: one row per flagged case (案号, 法院/检察院, 日期, 罪名 … 审核结论) as xlsx or CSV")
          .argument("<results>", "a results file (batch --out, scan -f jsonl)")
          .requiredOption("-o, --out <file>", "the xlsx or CSV file to write")
          .option("-f, --format <format>", "xlsx | csv (default: from --out's extension, else xlsx)")
          .option("--flag <id...>", `only cases with one of these flags (${FLAG_IDS.join(", ")})`)
          .option("--locale <locale>", "zh-CN (default: the list is for an office) | en")
          .option("--no-mask", "do not mask identifiers in the cells (they are masked by default)"),
      ),
    ),
  ).action(async (results: string, flags: ExportFlags) => {
    const format = flags.format ?? (/\.csv$/i.test(flags.out) ? "csv" : "xlsx");
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format "${format}" (valid: ${FORMATS.join(", ")})`);
    for (const id of flags.flag ?? []) {
      if (!(FLAG_IDS as readonly string[]).includes(id)) throw new UsageError(`unknown --flag "${id}" (valid: ${FLAG_IDS.join(", ")})`);
    }
    const minConfidence = minConfidenceOf(flags);
    const lex = await lexiconOf({ ...flags, locale: flags.locale ?? "zh-CN" }, io);
    const book = await reviewBookOf(flags, io.cwd);
    const redactor = redactorOf(flags);
    const lines = await readResultLines(resolve(io.cwd, results), results);
    const rows: ClueCell[][] = [];
    for (const line of lines) {
      const r = applyReview(line, line.contentHash, book);
      if (!isClue(r, { ...(flags.flag ? { flags: flags.flag } : {}), ...(minConfidence !== undefined ? { minConfidence } : {}) })) continue;
      rows.push(clueRow(r, lex, (s) => redactor.text(s)));
    }
    const headers = clueHeaders(lex);
    const out = resolve(io.cwd, flags.out);
    if (format === "csv") await writeFile(out, cluesCsv(headers, rows));
    else await writeXlsx(out, headers, rows, lex.locale === "zh-CN" ? "线索清单" : "Clues");
    io.stderr(`caseflag export: ${rows.length} case(s) of ${lines.length} to ${flags.out}\n`);
    setExit(0);
  });
}

async function writeXlsx(path: string, headers: string[], rows: ClueCell[][], sheet: string): Promise<void> {
  const data = [
    headers.map((h) => ({ value: h, fontWeight: "bold" as const })),
    // Text stays text: a cell starting with = is never written as a formula by write-excel-file
    // (only cells typed 'Formula' are), so no guard is needed here, unlike CSV.
    ...rows.map((row) => row.map((v) => (v === null ? null : typeof v === "number" ? { value: v, type: Number } : { value: v, type: String, wrap: true }))),
  ];
  const widths = [22, 22, 12, 24, 24, 10, 12, 16, 12, 14, 14, 50, 60, 30, 10];
  await writeXlsxFile(data, { sheet, columns: widths.map((width) => ({ width })), stickyRowsCount: 1 }).toFile(path);
}
