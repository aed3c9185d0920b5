// Options shared by the commands that scan: rules, segmenter, masking, input reading, --fail-on.
import type { Command } from "commander";
import type { BudgetLimits } from "../budget.js";
import { UsageError } from "../errors.js";
import type { SegmenterName } from "../engine.js";
import { encodingLabel } from "../ingest/index.js";
import { defaultRulePaths } from "../rules/load.js";
import { resolve } from "node:path";
import { FLAG_IDS } from "../score/result.js";
import type { CaseResult } from "../types.js";

export interface ScanFlags {
  rules?: string[];
  segmenter?: string;
  mask: boolean;
  textField?: string[];
  idField?: string;
  xmlElement?: string[];
  encoding?: string;
  maxBytes?: string;
  scanBudget?: string;
  failOn: string;
}

export function addScanOptions(cmd: Command): Command {
  return cmd
    .option("--rules <path...>", "rule pack directories or files (default: the bundled rules/ and ./rules/local/ if present)")
    .option("--segmenter <name>", "node-rs (default) or nodejieba")
    .option("--no-mask", "print identifiers unmasked (they are masked by default)")
    .option("--text-field <name...>", "JSON/JSONL field(s) holding the text (default: fact, text, content, body)")
    .option("--id-field <name>", "JSON/JSONL field holding the document id (default: id)")
    .option("--xml-element <name...>", "XML elements whose text is read (default: all text)")
    .option("--encoding <name>", "force the input encoding, e.g. gb18030, big5, utf-16le (default: detected)")
    .option("--max-bytes <n>", "largest document read, in bytes (default 20 MiB)")
    .option("--scan-budget <ms>", "time one document's scan may take before it is recorded as failed (E_BUDGET; default 10000)")
    .option(
      "--fail-on <condition>",
      "exit 1 when a result meets it: never | any-flag | <flag id> | serious | especially-serious | <score 0-100>",
      "never",
    );
}

/**
 * The rule packs a command loads: --rules as given (relative to the working directory), else the
 * bundled packs plus ./rules/local when it exists (undefined: the bundled packs alone).
 */
export function rulePathsOf(rules: string[] | undefined, cwd: string): string[] | undefined {
  if (rules !== undefined) return rules.map((p) => resolve(cwd, p));
  return defaultRulePaths(cwd);
}

export function segmenterOf(flags: ScanFlags): SegmenterName | undefined {
  if (flags.segmenter === undefined) return undefined;
  if (flags.segmenter !== "node-rs" && flags.segmenter !== "nodejieba") {
    throw new UsageError(`unknown segmenter "${flags.segmenter}" (valid: node-rs, nodejieba)`);
  }
  return flags.segmenter;
}

export interface CliReadOptions {
  textFields?: string[];
  idField?: string;
  xmlElements?: string[];
  encoding?: string;
  maxBytes?: number;
}

/** Reading flags to ReadOptions; a bad encoding or size is a usage error, not a failure per file. */
export function readOptionsOf(flags: ScanFlags): CliReadOptions {
  const o: CliReadOptions = {};
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

/** --min-confidence: decisions and flags below it are kept as signals. A number 0..1. */
export const MIN_CONFIDENCE_OPTION = ["--min-confidence <x>", "decisions and flags below this confidence (0-1) are kept as signals, not findings"] as const;

export function minConfidenceOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x < 0 || x > 1) throw new UsageError(`invalid --min-confidence "${value}" (a number from 0 to 1)`);
  return x;
}

/** --scan-budget to the scan's budget; undefined keeps the default. */
export function budgetOf(flags: ScanFlags): BudgetLimits | undefined {
  const ms = scanBudgetMs(flags.scanBudget);
  return ms === undefined ? undefined : { ms };
}

/** A --scan-budget value (milliseconds, a positive integer), as every command that scans reads it (the queue worker too). */
export function scanBudgetMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms <= 0) throw new UsageError(`invalid --scan-budget "${value}" (milliseconds, a positive integer)`);
  return ms;
}

/** Compile --fail-on into a predicate; an unknown condition is a usage error (a typo must not disable a gate). */
export function failOnPredicate(condition: string): (r: CaseResult) => boolean {
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
