// caseflag keywords CORPUS... : propose terms the rule packs are missing, from the documents where a
// kind of dimension is found against those where it is not (or against --against files).
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { createEngine } from "../../engine.js";
import { UsageError } from "../../errors.js";
import { readInputs } from "../../ingest/index.js";
import {
  captureKeywords,
  candidatesToYaml,
  DEFAULT_MIN_COUNT,
  DEFAULT_TOP,
  DEFAULT_VOCABULARY_CAP,
  formatCandidateTable,
  KEYWORD_KINDS,
  loadKeywordLexicon,
  defaultLexiconFiles,
  type CaptureOptions,
  type KeywordKind,
  loadGeneralBackground,
  defaultBackgroundFile,
} from "../../keywords/index.js";
import { maskText } from "../../score/mask.js";
import type { CliIo } from "../io.js";
import { readOptionsOf, segmenterOf, type ScanFlags } from "../options.js";

interface KeywordFlags {
  against?: string[];
  kind?: string;
  target?: string[];
  top: string;
  minCount: string;
  minG2?: string;
  out?: string;
  format: string;
  maxVocabulary: string;
  stopwords?: string[];
  rules?: string[];
  segmenter?: string;
  textField?: string[];
  idField?: string;
  xmlElement?: string[];
  encoding?: string;
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("keywords")
    .description("propose keywords the rule packs are missing: terms over-represented where a dimension is found")
    .argument("<corpus...>", "documents, folders, archives or JSONL dumps (read twice: not stdin)")
    .option("--against <files...>", "background documents (default: the corpus documents where the dimensions are not found)")
    .option("--kind <kind>", `dimension kind defining the foreground: ${KEYWORD_KINDS.join(" | ")} (default: flagged documents)`)
    .option("--target <id...>", "only these dimensions of the kind define the foreground (e.g. fraud)")
    .option("--top <n>", "candidates to propose", String(DEFAULT_TOP))
    .option("--min-count <n>", "minimum foreground documents a candidate occurs in", String(DEFAULT_MIN_COUNT))
    .option("--min-g2 <x>", "minimum log-likelihood G² (default 3.84, p < 0.05)")
    .option("--out <file>", "also write the candidates as a rule pack (YAML) to review")
    .option("-f, --format <name>", "table | json", "table")
    .option("--max-vocabulary <n>", "distinct terms kept before the rarest are pruned", String(DEFAULT_VOCABULARY_CAP))
    .option("--stopwords <files...>", "extra stop-word lists (one word a line, # comments)")
    .option("--rules <path...>", "rule pack directories or files (default: the bundled rules/)")
    .option("--segmenter <name>", "node-rs (default) or nodejieba")
    .option("--text-field <name...>", "JSON/JSONL field(s) holding the text (default: fact, text, content, body)")
    .option("--id-field <name>", "JSON/JSONL field holding the document id (default: id)")
    .option("--xml-element <name...>", "XML elements whose text is read (default: all text)")
    .option("--encoding <name>", "force the input encoding (default: detected)")
    .action(async (corpus: string[], flags: KeywordFlags) => {
      if (flags.format !== "table" && flags.format !== "json") {
        throw new UsageError(`unknown format "${flags.format}" (valid: table, json)`);
      }
      if (corpus.includes("-") || flags.against?.includes("-")) {
        throw new UsageError("keywords reads its corpus twice: stdin (-) cannot be an input");
      }
      const at = (p: string): string => resolve(io.cwd, p);
      const scanFlags: ScanFlags = { mask: true, failOn: "never", ...flags };
      const readOpts = readOptionsOf(scanFlags);
      const segmenter = segmenterOf(scanFlags);
      const engine = await createEngine({
        ...(flags.rules ? { rules: flags.rules.map(at) } : {}),
        ...(segmenter ? { segmenter } : {}),
      });
      const lexicon = await loadKeywordLexicon(defaultLexiconFiles(), (flags.stopwords ?? []).map(at));
      const general = await loadGeneralBackground();
      if (general === null) io.stderr(`caseflag: no general keyword background (${defaultBackgroundFile()}): ranking against the corpus's own background only\n`);
      const options: CaptureOptions = {
        lexicon,
        general,
        top: positiveInt("--top", flags.top),
        minCount: positiveInt("--min-count", flags.minCount),
        vocabularyCap: positiveInt("--max-vocabulary", flags.maxVocabulary),
        onFailure: (f) => io.stderr(`caseflag: ${maskText(f.message)}\n`),
      };
      if (flags.kind !== undefined) options.kind = flags.kind as KeywordKind; // checked by planTargets
      if (flags.target !== undefined) options.targets = flags.target;
      if (flags.minG2 !== undefined) {
        const g = Number(flags.minG2);
        if (!Number.isFinite(g) || g < 0) throw new UsageError(`--min-g2 must be a number ≥ 0, got "${flags.minG2}"`);
        options.minG2 = g;
      }
      if (io.stderrIsTTY) options.onProgress = (phase, n) => io.stderr(`\r${phase}: ${n} documents`);
      const corpusPaths = corpus.map(at);
      const inputs: Parameters<typeof captureKeywords>[1] = { corpus: () => readInputs(corpusPaths, readOpts) };
      if (flags.against !== undefined) {
        const againstPaths = flags.against.map(at);
        inputs.against = () => readInputs(againstPaths, readOpts);
      }

      const report = await captureKeywords(engine, inputs, options);
      if (io.stderrIsTTY) io.stderr("\r\x1b[K");
      const s = report.summary;
      if (s.foregroundDocs === 0) {
        io.stderr(`caseflag: no foreground documents among ${s.corpusDocs} (${report.foreground.join(", ")}): nothing to rank\n`);
      }
      if (flags.out !== undefined) await writeFile(at(flags.out), candidatesToYaml(report), "utf8");
      io.stdout(flags.format === "json" ? JSON.stringify(report, null, 2) + "\n" : formatCandidateTable(report));
      // As scan: the report covers what could be read, and exit 2 says some input could not be.
      if (s.failures > 0) io.stderr(`caseflag: ${s.failures} input(s) could not be read (listed above)\n`);
      setExit(s.failures > 0 ? 2 : 0);
    });
}
