// The one line format: one JSON line per document, the same in `batch` output, the queue's results
// stream and `results` export, and `scan -f jsonl` (schema/output-line.schema.json). A line is a
// result with the sha256 of its text (`contentHash`), or a failure: `{schemaVersion, id, source,
// contentHash?, error: {code, message, line?}}`. Lines are built whole (no newline inside:
// JSON.stringify escapes them) so a writer can append them atomically. Redaction happens before a
// line is built (redact.ts).
import { SCHEMA_VERSION } from "../score/result.js";
import type { CaseResult, Failure, Outcome } from "../types.js";

/** A failure as a line. */
export interface FailureLine {
  schemaVersion: typeof SCHEMA_VERSION;
  id: string;
  source: string;
  contentHash?: string;
  error: { code: string; message: string; line?: number };
}

/** A result as a line: the result plus the content hash --resume and the queue key on. */
export type ResultLine = CaseResult & { contentHash?: string };

/** A result with its content hash, as every line (and scan's output) carries it. */
export function withHash(result: CaseResult, hash: string): ResultLine {
  return { ...result, contentHash: hash };
}

export function resultLine(result: CaseResult, hash: string): string {
  return JSON.stringify(withHash(result, hash));
}

export function failureLine(f: Failure, hash?: string): string {
  const error: FailureLine["error"] = { code: f.code, message: f.message };
  if (f.line !== undefined) error.line = f.line;
  const out: FailureLine = { schemaVersion: SCHEMA_VERSION, id: f.id ?? f.source, source: f.source, error };
  if (hash !== undefined) out.contentHash = hash;
  return JSON.stringify(out);
}

export function isFailureLine(v: unknown): v is FailureLine {
  return typeof v === "object" && v !== null && "error" in v && typeof (v as FailureLine).error?.code === "string";
}

export function isResultLine(v: unknown): v is ResultLine {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as ResultLine).schemaVersion === SCHEMA_VERSION &&
    typeof (v as ResultLine).score === "number" &&
    Array.isArray((v as ResultLine).flags)
  );
}

/**
 * A line read back (the queue's streams, --resume) as an outcome. Entries written before the one
 * format (`{ok, result|failure}`) read as they were.
 */
export function parseLine(line: string): Outcome {
  const v = JSON.parse(line) as unknown;
  if (isFailureLine(v)) {
    const failure: Failure = { source: v.source, id: v.id, code: v.error.code, message: v.error.message };
    if (v.error.line !== undefined) failure.line = v.error.line;
    return { ok: false, failure };
  }
  if (isResultLine(v)) return { ok: true, result: v };
  if (typeof v === "object" && v !== null && typeof (v as { ok?: unknown }).ok === "boolean") return v as Outcome;
  throw new Error("not a caseflag output line");
}
