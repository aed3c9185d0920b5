// caseflag report RESULTS.jsonl --out report.html : the report again from a results file, with the
// review decisions and baseline applied as they stand now (after `caseflag review set`). Built from
// the lines alone: the evidence is there, its surrounding text is not (batch --report has both).
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { buildCaseCard } from "../../output/case-card.js";
import { renderHtmlReport } from "../../output/html.js";
import { recordOfFailure, recordOfResult } from "../../output/record.js";
import { applyReview } from "../../output/review.js";
import { SummaryBuilder } from "../../output/summary.js";
import type { CliIo } from "../io.js";
import { addLocaleOption, addReviewOptions, addRulesOption, intFlag, lexiconOf, readAllLines, reviewBookOf, type ReviewFlags } from "../options.js";

interface ReportFlags extends ReviewFlags {
  out: string;
  locale?: string;
  rules?: string[];
  top?: string;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addReviewOptions(
    addRulesOption(
      addLocaleOption(
        program
          .command("report")
          .description("write the HTML report of a results file, with the review decisions applied")
          .argument("<results>", "a results file (batch --out, scan -f jsonl)")
          .requiredOption("-o, --out <file>", "the HTML report to write")
          .option("--top <n>", "top-scoring cases kept in the summary (default 20)"),
      ),
    ),
  ).action(async (results: string, flags: ReportFlags) => {
    const lex = await lexiconOf(flags, io);
    const book = await reviewBookOf(flags, io.cwd);
    const summary = new SummaryBuilder(intFlag("--top", flags.top, 0) ?? 20);
    const t0 = Date.now();
    let count = 0;
    for (const line of await readAllLines(resolve(io.cwd, results), results)) {
      count++;
      if (!line.ok) {
        summary.add(recordOfFailure(line.code));
        continue;
      }
      const r = applyReview(line.result, line.result.contentHash, book);
      summary.add(recordOfResult(r), buildCaseCard(r, undefined));
    }
    const seconds = (Date.now() - t0) / 1000;
    const built = summary.build({ mode: "inline", workers: 0, read: count, scanned: 0, skipped: 0, resumedLines: count, truncatedBytes: 0, seconds, docsPerSecond: 0, interrupted: false });
    await writeFile(resolve(io.cwd, flags.out), await renderHtmlReport(built, { inputs: [results], lex }));
    io.stderr(`caseflag report: ${built.results} results, ${built.flagged} flagged, ${built.suppressed} suppressed, to ${flags.out}\n`);
    setExit(0);
  });
}
