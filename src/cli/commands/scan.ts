// caseflag scan FILE... : one document (or a few) in, explained results out, instantly.
import { resolve } from "node:path";
import type { Command } from "commander";
import { createEngine } from "../../engine.js";
import { CaseflagError } from "../../errors.js";
import { contentHash, countBytes, readPath, readSource, stdinSource } from "../../ingest/index.js";
import { getFormatter } from "../../output/formatters.js";
import { withHash } from "../../output/lines.js";
import { streamResults } from "../../output/stream.js";
import { scanDocument } from "../../pipeline.js";
import type { CliIo } from "../io.js";
import {
  addLocaleOption,
  addMinConfidenceOption,
  addReviewOptions,
  addScanOptions,
  budgetOf,
  engineOptionsOf,
  failOnPredicate,
  lexiconOf,
  minConfidenceOf,
  readOptionsOf,
  redactorOf,
  reviewBookOf,
  type ReviewFlags,
  type ScanFlags,
} from "../options.js";
import { applyReview } from "../../output/review.js";

/** Input size up to which `scan` loads per-document dictionaries (a few case files). */
const SCOPED_DICTIONARY_MAX_BYTES = 1024 * 1024;

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addReviewOptions(addLocaleOption(addMinConfidenceOption(
    addScanOptions(
      program
        .command("scan")
        .description("scan documents and print one explained result each ('-' reads stdin)")
        .argument("<files...>", "documents: .txt .xml .json .jsonl .html .docx, or - for stdin")
        .option("-f, --format <name>", "json | jsonl | table | csv (default: table on a terminal, else json)"),
    ),
  ))).action(async (files: string[], flags: ScanFlags & ReviewFlags & { format?: string; minConfidence?: string; locale?: string }) => {
    const minConfidence = minConfidenceOf(flags);
    const formatter = getFormatter(flags.format ?? (io.isTTY ? "table" : "json"));
    const failOn = failOnPredicate(flags.failOn);
    const readOpts = readOptionsOf(flags);
    const budget = budgetOf(flags);
    // A scan of a few files: jieba loads per document only the dictionary entries it holds. A dump
    // loads the whole dictionary at once: partial ones built until that point cost memory
    // (~40 MB of RSS on dev.jsonl) and nothing else.
    // stdin: most often one document.
    const bytes = files.includes("-") ? 0 : (await countBytes(files.map((f) => (io.cwd === process.cwd() ? f : resolve(io.cwd, f)))) ?? 0);
    const dictionary = bytes <= SCOPED_DICTIONARY_MAX_BYTES ? "document" : "full";
    const engine = await createEngine({ ...engineOptionsOf(flags, io.cwd), dictionary });
    const redactor = redactorOf(flags, engine.identifierContext);
    const lex = await lexiconOf(flags, io, engine.ruleSet);
    const book = await reviewBookOf(flags, io.cwd);
    // Each result is written as its document finishes: memory stays flat for a dump of any size.
    const output = streamResults(formatter, io.stdout, { lex });
    let failing = false;
    let failures = 0;
    for (const file of files) {
      const items =
        file === "-"
          ? readSource(stdinSource(io.stdin), readOpts)
          : readPath(io.cwd === process.cwd() ? file : resolve(io.cwd, file), readOpts);
      for await (const item of items) {
        if (!item.ok) {
          failures++;
          io.stderr(`caseflag: ${redactor.text(item.failure.message)}\n`);
          continue;
        }
        try {
          const result = redactor.result(
            scanDocument(item.doc, engine, { ...(budget ? { budget } : {}), ...(minConfidence !== undefined ? { minConfidence } : {}) }),
            item.doc,
          );
          for (const w of result.warnings ?? []) io.stderr(`caseflag: warning: ${result.source}: ${w}\n`);
          // As every output line carries it (output/lines.ts).
          const hash = contentHash(item.doc.text);
          const line = withHash(applyReview(result, hash, book), hash);
          if (!failing && failOn(line)) failing = true;
          output.add(line);
        } catch (err) {
          // One document that cannot be scanned (over its budget) is reported; the others still are.
          if (!(err instanceof CaseflagError)) throw err;
          failures++;
          io.stderr(`caseflag: ${redactor.text(`${item.doc.source}: ${err.message} (${err.code})`)}\n`);
        }
      }
    }
    output.end();
    setExit(failures > 0 ? 2 : failing ? 1 : 0);
  });
}
