// Every command's options, defined and read in one place: rules and segmenter, reading, masking,
// the scan budget, --fail-on, Redis, integers, and the shutdown signals. A flag means the same and
// is checked the same wherever it appears (`enqueue --encoding bogus` is a usage error, as for scan).
import { resolve } from "node:path";
import type { Command } from "commander";
import type { BudgetLimits } from "../budget.js";
import { SEGMENTER_KINDS, type SegmenterKind } from "../text/index.js";
import { readFile } from "node:fs/promises";
import { InputError, UsageError } from "../errors.js";
import { isFailureLine, isResultLine, type ResultLine } from "../output/lines.js";
import { baselineOf, DecisionsLineError, DEFAULT_DECISIONS_FILE, emptyBook, parseDecisions, type ReviewBook } from "../output/review.js";
import { encodingLabel, type ReadOptions } from "../ingest/index.js";
import { labelsOf, lexicon, resolveLocale, type Lexicon } from "../output/locale.js";
import { redactorFor, type Redactor } from "../output/redact.js";
import { checkClusterPrefix, redisUrlFrom, type RedisTarget } from "../queue/connection.js";
import { DEFAULT_PREFIX, validatePrefix } from "../queue/keys.js";
import { defaultRulePaths, loadRules } from "../rules/load.js";
import type { RuleSet } from "../rules/types.js";
import { FLAG_IDS } from "../score/result.js";
import type { CaseResult } from "../types.js";

// ---------- rules and segmenter ----------

export interface EngineFlags {
  rules?: string[];
  segmenter?: string;
}

const RULES_HELP = "rule pack directories or files (default: the bundled rules/ and ./rules/local/ if present)";

export function addRulesOption(cmd: Command): Command {
  return cmd.option("--rules <path...>", RULES_HELP);
}

export function addEngineOptions(cmd: Command): Command {
  return addRulesOption(cmd).option("--segmenter <name>", "node-rs (default) or nodejieba");
}

/**
 * The rule packs a command loads: --rules as given (relative to the working directory), else the
 * bundled packs plus ./rules/local when it exists (undefined: the bundled packs alone).
 */
export function rulePathsOf(rules: string[] | undefined, cwd: string): string[] | undefined {
  if (rules !== undefined) return rules.map((p) => resolve(cwd, p));
  return defaultRulePaths(cwd);
}

export function segmenterOf(flags: EngineFlags): SegmenterKind | undefined {
  if (flags.segmenter === undefined) return undefined;
  const kind = SEGMENTER_KINDS.find((k) => k === flags.segmenter);
  if (kind === undefined) throw new UsageError(`unknown segmenter "${flags.segmenter}" (valid: ${SEGMENTER_KINDS.join(", ")})`);
  return kind;
}

/** --rules and --segmenter as engine options. */
export function engineOptionsOf(flags: EngineFlags, cwd: string): { rules?: string[]; segmenter?: SegmenterKind } {
  const rules = rulePathsOf(flags.rules, cwd);
  const segmenter = segmenterOf(flags);
  return { ...(rules ? { rules } : {}), ...(segmenter ? { segmenter } : {}) };
}

// ---------- reading ----------

export interface ReadFlags {
  textField?: string[];
  idField?: string;
  xmlElement?: string[];
  encoding?: string;
  maxBytes?: string;
}

export function addReadOptions(cmd: Command): Command {
  return cmd
    .option("--text-field <name...>", "JSON/JSONL field(s) holding the text (default: fact, text, content, body)")
    .option("--id-field <name>", "JSON/JSONL field holding the document id (default: id)")
    .option("--xml-element <name...>", "XML elements whose text is read (default: all text)")
    .option("--encoding <name>", "force the input encoding, e.g. gb18030, big5, utf-16le (default: detected)")
    .option("--max-bytes <n>", "largest document read, in bytes (default 20 MiB)");
}

/** Reading flags to ReadOptions; a bad encoding or size is a usage error, not a failure per file. */
export function readOptionsOf(flags: ReadFlags): ReadOptions {
  const o: ReadOptions = {};
  if (flags.textField) o.textFields = flags.textField;
  if (flags.idField) o.idField = flags.idField;
  if (flags.xmlElement) o.xmlElements = flags.xmlElement;
  if (flags.encoding) {
    const label = encodingLabel(flags.encoding);
    if (label === undefined) throw new UsageError(`unknown encoding "${flags.encoding}" (e.g. utf-8, gb18030, big5, utf-16le)`);
    o.encoding = label;
  }
  if (flags.maxBytes !== undefined) {
    const n = Number(flags.maxBytes);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`invalid --max-bytes "${flags.maxBytes}" (a positive integer)`);
    o.maxBytes = n;
  }
  return o;
}

// ---------- --min-confidence ----------

export function addMinConfidenceOption(cmd: Command): Command {
  return cmd.option("--min-confidence <x>", "decisions and flags below this confidence (0-1) are kept as signals, not findings");
}

/** --min-confidence: decisions and flags below it are kept as signals. A number 0..1; undefined: none. */
export function minConfidenceOf(flags: { minConfidence?: string }): number | undefined {
  const value = flags.minConfidence;
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x < 0 || x > 1) throw new UsageError(`invalid --min-confidence "${value}" (a number from 0 to 1)`);
  return x;
}

// ---------- --locale ----------

export function addLocaleOption(cmd: Command): Command {
  return cmd.option("--locale <locale>", "zh-CN | en: labels, reasons, headers and the report in this language (default: zh-CN when LC_ALL, LC_MESSAGES or LANG starts with zh, else en)");
}

/**
 * The lexicon a command prints with: --locale (or the environment's locale) and the labels of the
 * rule packs in use (the engine's when there is one; else the packs --rules names, or the bundled ones).
 */
export async function lexiconOf(flags: { locale?: string; rules?: string[] }, io: { env: NodeJS.ProcessEnv; cwd: string }, rules?: Pick<RuleSet, "dimensions">): Promise<Lexicon> {
  const locale = resolveLocale(flags.locale, io.env);
  const set = rules ?? (await loadRules(rulePathsOf(flags.rules, io.cwd)));
  return lexicon(locale, labelsOf(set));
}

// ---------- review decisions and baseline ----------

export interface ReviewFlags {
  decisions?: string;
  baseline?: string;
}

export function addReviewOptions(cmd: Command): Command {
  return cmd
    .option("--decisions <file>", `review decisions to apply (default: ${DEFAULT_DECISIONS_FILE}, when it exists)`)
    .option("--baseline <results.jsonl>", "an earlier results file: flags its documents already had are suppressed, so only what is new is reported");
}

/**
 * The review book a command applies: the decisions file (--decisions, else the default one when it
 * exists) and the --baseline's flags. A bad line is an error naming the file and line. Undefined
 * when there is nothing to apply.
 */
export async function reviewBookOf(flags: ReviewFlags, cwd: string): Promise<ReviewBook | undefined> {
  const decisionsFile = resolve(cwd, flags.decisions ?? DEFAULT_DECISIONS_FILE);
  let book: ReviewBook | undefined;
  let text: string | undefined;
  try {
    text = await readFile(decisionsFile, "utf8");
  } catch (err) {
    // The default file need not exist; one named on the command line must.
    if (flags.decisions !== undefined) throw fileError(flags.decisions, `${flags.decisions}: cannot read decisions: ${(err as Error).message}`);
  }
  if (text !== undefined) {
    try {
      book = parseDecisions(text);
    } catch (err) {
      if (err instanceof DecisionsLineError) throw fileError(decisionsFile, `${flags.decisions ?? DEFAULT_DECISIONS_FILE}:${err.line}: ${err.message}`, err.line);
      throw err;
    }
  }
  if (flags.baseline !== undefined) {
    const lines = await readResultLines(resolve(cwd, flags.baseline), flags.baseline);
    book = { ...(book ?? emptyBook()), baseline: baselineOf(lines) };
  }
  return book;
}

/** A results file's result lines (batch --out, scan -f jsonl); failure lines are skipped. */
export async function readResultLines(path: string, shown: string): Promise<ResultLine[]> {
  return (await readAllLines(path, shown)).flatMap((l) => (l.ok ? [l.result] : []));
}

/**
 * Every line of a results file: results parsed, failures by their code. A line that is neither is
 * an error naming the file and line.
 */
export async function readAllLines(path: string, shown: string): Promise<({ ok: true; result: ResultLine } | { ok: false; code: string })[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw fileError(shown, `${shown}: cannot read: ${(err as Error).message}`);
  }
  const out: ({ ok: true; result: ResultLine } | { ok: false; code: string })[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      throw fileError(shown, `${shown}:${i + 1}: not a JSON line`, i + 1);
    }
    if (isResultLine(v)) out.push({ ok: true, result: v });
    else if (isFailureLine(v)) out.push({ ok: false, code: v.error.code });
    else throw fileError(shown, `${shown}:${i + 1}: not a caseflag result line of schemaVersion 5 (scan it again)`, i + 1);
  });
  return out;
}

/** A file a command reads (decisions, results) that cannot be used: one line naming it (and the line). */
function fileError(source: string, message: string, line?: number): InputError {
  return new InputError("E_INPUT", source, message, line);
}

// ---------- masking, budget, --fail-on ----------

export function addMaskOption(cmd: Command): Command {
  return cmd.option("--no-mask", "print identifiers unmasked (they are masked by default)");
}

/** --no-mask as the output's redaction policy (with the engine's identifier context words, when there is one). */
export function redactorOf(flags: { mask?: boolean }, contextTerms?: Parameters<typeof redactorFor>[1]): Redactor {
  return redactorFor(flags.mask !== false, contextTerms);
}

export function addBudgetOption(cmd: Command): Command {
  return cmd.option("--scan-budget <ms>", "time one document's scan may take before it is recorded as failed (E_BUDGET; default 10000)");
}

/** --scan-budget to the scan's budget; undefined keeps the default. */
export function budgetOf(flags: { scanBudget?: string }): BudgetLimits | undefined {
  const ms = scanBudgetMs(flags.scanBudget);
  return ms === undefined ? undefined : { ms };
}

/** A --scan-budget value (milliseconds, a positive integer). */
export function scanBudgetMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms <= 0) throw new UsageError(`invalid --scan-budget "${value}" (milliseconds, a positive integer)`);
  return ms;
}

export function addFailOnOption(cmd: Command): Command {
  return cmd.option(
    "--fail-on <condition>",
    "exit 1 when a result meets it: never | any-flag | <flag id> | serious | especially-serious | <score 0-100>",
    "never",
  );
}

/** Compile --fail-on into a predicate; an unknown condition is a usage error (a typo must not disable a gate). */
export function failOnPredicate(condition: string): (r: Pick<CaseResult, "flags" | "severity" | "score">) => boolean {
  if (condition === "never") return () => false;
  if (condition === "any-flag") return (r) => r.flags.length > 0;
  if (condition === "serious") return (r) => r.severity !== "none";
  if (condition === "especially-serious") return (r) => r.severity === "especially-serious";
  if (/^\d+$/.test(condition) && Number(condition) <= 100) {
    const n = Number(condition);
    return (r) => r.score >= n;
  }
  if ((FLAG_IDS as readonly string[]).includes(condition)) return (r) => r.flags.some((f) => f.id === condition);
  throw new UsageError(
    `invalid --fail-on "${condition}" (valid: never, any-flag, serious, especially-serious, a score 0-100, or a flag id: ${FLAG_IDS.join(", ")})`,
  );
}

/** The options of a command that scans: engine, reading, masking, budget, --fail-on. */
export interface ScanFlags extends EngineFlags, ReadFlags {
  mask: boolean;
  scanBudget?: string;
  failOn: string;
}

export function addScanOptions(cmd: Command): Command {
  return addFailOnOption(addBudgetOption(addReadOptions(addMaskOption(addEngineOptions(cmd)))));
}

// ---------- integers ----------

/** An integer flag of at least `min`, or a UsageError naming it. */
export function intFlag(name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min) throw new UsageError(`${name}: expected an integer >= ${min}, got "${value}"`);
  return n;
}

// ---------- Redis ----------

export interface RedisFlags {
  redis?: string;
  prefix: string;
}

export function addRedisOptions(cmd: Command): Command {
  return cmd
    .option("--redis <url>", "Redis URL: redis://[user:password@]host:port[/db], rediss:// for TLS (default: $REDIS_URL)")
    .option("--prefix <prefix>", "key prefix; keep the {hash tag} on Redis Cluster", DEFAULT_PREFIX);
}

export function redisTargetOf(flags: RedisFlags, env: NodeJS.ProcessEnv): { target: RedisTarget; prefix: string } {
  const url = redisUrlFrom(flags.redis, env);
  const prefix = validatePrefix(flags.prefix);
  checkClusterPrefix(url, prefix);
  return { target: { url }, prefix };
}

// ---------- signals ----------

/**
 * Calls `onStop` on the first SIGTERM/SIGINT and `onForce` on a second one. Returns a function
 * that removes the handlers.
 */
export function onShutdownSignals(onStop: (signal: NodeJS.Signals) => void, onForce: (signal: NodeJS.Signals) => void): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals): void => {
    count++;
    if (count === 1) onStop(signal);
    else onForce(signal);
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return () => {
    process.off("SIGTERM", handler);
    process.off("SIGINT", handler);
  };
}
