// caseflag keywords CORPUS... : propose terms the rule packs are missing, from the documents where a
// kind of dimension is found against those where it is not (or against --against files).
// caseflag keywords accept CANDIDATES TERM... / reject TERM... : the loop back into the packs
// (rules/local/, which every command loads beside the bundled packs when it exists).
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { createEngine, createEngineFromRules } from "../../engine.js";
import { UsageError } from "../../errors.js";
import { testRuleExamples } from "../../eval/rule-examples.js";
import { BUNDLED_RULES_DIR, LOCAL_RULES_DIR, loadRules } from "../../rules/load.js";
import { ACCEPTED_FILE, REJECTED_FILE, acceptTerms, parseRejected, rejectTerms, unreject } from "../../keywords/local-pack.js";
import type { KeywordReport } from "../../keywords/index.js";
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
import { MASKED } from "../../output/redact.js";
import type { CliIo } from "../io.js";
import { addEngineOptions, addReadOptions, engineOptionsOf, intFlag, readOptionsOf, rulePathsOf, type EngineFlags, type ReadFlags } from "../options.js";

interface KeywordFlags extends EngineFlags, ReadFlags {
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
  local: string;
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * Writes the candidates as a rule pack whose examples pass `caseflag rules test` as written: the pack
 * is tested beside the rules the run used, and an example that yields no finding of its rule (a
 * sentence inside a negation scope or a zone) is left out; a candidate left with no example is left
 * out of the pack, named in its header.
 */
async function writeCandidatePack(report: KeywordReport, file: string, rulePaths: string[]): Promise<void> {
  await writeFile(file, candidatesToYaml(report), "utf8");
  const engine = createEngineFromRules(await loadRules([...rulePaths, file]));
  const failed = testRuleExamples(engine, (r) => r.file === file).failures;
  if (failed.length === 0) return;
  const bad = new Set(failed.map((f) => `${f.ruleId}\u0000${f.example}`));
  const ids = new Map(engine.ruleSet.rules.filter((r) => r.file === file).map((r) => [r.terms.zh[0] ?? r.terms.en[0], r.id]));
  const kept: typeof report.candidates = [];
  for (const c of report.candidates) {
    const id = ids.get(c.term);
    const examples = id === undefined ? c.examples : c.examples.filter((e) => !bad.has(`${id}\u0000${e}`));
    if (examples.length > 0 || c.kind === null) kept.push({ ...c, examples });
  }
  const dropped = report.candidates.filter((c) => !kept.some((k) => k.term === c.term)).map((c) => c.term);
  let text = candidatesToYaml({ ...report, candidates: kept });
  if (dropped.length > 0) text = `# Left out (no example sentence yields a finding, e.g. all negated): ${dropped.join(", ")}\n` + text;
  await writeFile(file, text, "utf8");
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const keywords = addReadOptions(addEngineOptions(program
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
    .option("--local <dir>", "where rejected terms are remembered (rejected.txt)", LOCAL_RULES_DIR)))
    .action(async (corpus: string[], flags: KeywordFlags) => {
      if (flags.format !== "table" && flags.format !== "json") {
        throw new UsageError(`unknown format "${flags.format}" (valid: table, json)`);
      }
      if (corpus.includes("-") || flags.against?.includes("-")) {
        throw new UsageError("keywords reads its corpus twice: stdin (-) cannot be an input");
      }
      const at = (p: string): string => resolve(io.cwd, p);
      const readOpts = readOptionsOf(flags);
      const rulePaths = rulePathsOf(flags.rules, io.cwd);
      const engine = await createEngine(engineOptionsOf(flags, io.cwd));
      const rejectedText = await readOptional(join(at(flags.local), REJECTED_FILE));
      const lexicon = await loadKeywordLexicon(defaultLexiconFiles(), (flags.stopwords ?? []).map(at));
      const general = await loadGeneralBackground();
      if (general === null) io.stderr(`caseflag: no general keyword background (${defaultBackgroundFile()}): ranking against the corpus's own background only\n`);
      const options: CaptureOptions = {
        lexicon,
        general,
        top: intFlag("--top", flags.top)!,
        minCount: intFlag("--min-count", flags.minCount)!,
        vocabularyCap: intFlag("--max-vocabulary", flags.maxVocabulary)!,
        onFailure: (f) => io.stderr(`caseflag: ${MASKED.text(f.message)}\n`),
      };
      if (rejectedText !== null) options.rejected = parseRejected(rejectedText);
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
      if (flags.out !== undefined) await writeCandidatePack(report, at(flags.out), rulePaths ?? [BUNDLED_RULES_DIR]);
      io.stdout(flags.format === "json" ? JSON.stringify(report, null, 2) + "\n" : formatCandidateTable(report));
      // As scan: the report covers what could be read, and exit 2 says some input could not be.
      if (s.failures > 0) io.stderr(`caseflag: ${s.failures} input(s) could not be read (listed above)\n`);
      setExit(s.failures > 0 ? 2 : 0);
    });

  keywords
    .command("accept")
    .description("add candidate terms to the local pack (rules/local/accepted.yaml), loaded by scan and batch from then on")
    .argument("<candidates>", "a candidates file written by `caseflag keywords --out`")
    .argument("<terms...>", "terms of that file to accept")
    .option("--into <dir>", "the local rules folder", LOCAL_RULES_DIR)
    .action(async (candidates: string, terms: string[], flags: { into: string }) => {
      const dir = resolve(io.cwd, flags.into);
      const file = join(dir, ACCEPTED_FILE);
      const candidatesText = await readOptional(resolve(io.cwd, candidates));
      if (candidatesText === null) throw new UsageError(`cannot read ${candidates}: no such file`);
      const result = acceptTerms(await readOptional(file), candidatesText, terms, candidates);
      await mkdir(dir, { recursive: true });
      const before = await readOptional(file);
      await writeFile(file, result.text, "utf8");
      // The local pack must load beside the bundled packs (and what else is in the folder); else undo.
      try {
        await loadRules([BUNDLED_RULES_DIR, dir]);
      } catch (error) {
        if (before === null) await rm(file, { force: true });
        else await writeFile(file, before, "utf8");
        throw error;
      }
      const rejectedFile = join(dir, REJECTED_FILE);
      const rejected = await readOptional(rejectedFile);
      if (rejected !== null) await writeFile(rejectedFile, unreject(rejected, result.accepted.map((a) => a.term)), "utf8");
      for (const a of result.accepted) io.stdout(`accepted ${a.term} -> ${a.ruleId}${a.created ? " (new rule)" : ""}\n`);
      for (const t of result.already) io.stdout(`already accepted: ${t}\n`);
      io.stdout(`${file}: scan and batch run from ${io.cwd} load it beside the bundled packs\n`);
      setExit(0);
    });
  keywords
    .command("reject")
    .description("remember terms keyword capture must not propose again (rules/local/rejected.txt)")
    .argument("<terms...>", "terms to reject")
    .option("--into <dir>", "the local rules folder", LOCAL_RULES_DIR)
    .action(async (terms: string[], flags: { into: string }) => {
      const dir = resolve(io.cwd, flags.into);
      const file = join(dir, REJECTED_FILE);
      const result = rejectTerms(await readOptional(file), terms);
      await mkdir(dir, { recursive: true });
      await writeFile(file, result.text, "utf8");
      for (const t of result.added) io.stdout(`rejected ${t}\n`);
      for (const t of terms.filter((x) => !result.added.includes(x))) io.stdout(`already rejected: ${t}\n`);
      io.stdout(`${file}: \`caseflag keywords\` will not propose ${result.added.length === 1 ? "it" : "them"} again\n`);
      setExit(0);
    });
}
