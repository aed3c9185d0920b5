// One output line per document: a CaseResult, or a recorded failure. Lines are built whole (no
// newline inside: JSON.stringify escapes them) so a writer can append them atomically.
import { SCHEMA_VERSION } from "../score/result.js";
import type { CaseResult, Failure } from "../types.js";

/** What a failure line looks like in results.jsonl. */
export interface FailureLine {
  schemaVersion: typeof SCHEMA_VERSION;
  id: string;
  source: string;
  contentHash?: string;
  error: { code: string; message: string; line?: number };
}

/** A CaseResult as written by batch: the lead's shape plus the content hash --resume keys on. */
export type ResultLine = CaseResult & { contentHash?: string };

/** The same shape as report/formatters.ts formatFailureLine (what `scan` and the queue write), plus the hash. */
export function toFailureLine(f: Failure, hash?: string): FailureLine {
  const error: FailureLine["error"] = { code: f.code, message: f.message };
  if (f.line !== undefined) error.line = f.line;
  const out: FailureLine = { schemaVersion: SCHEMA_VERSION, id: f.id ?? f.source, source: f.source, error };
  if (hash !== undefined) out.contentHash = hash;
  return out;
}

export function serializeFailure(f: Failure, hash?: string): string {
  return JSON.stringify(toFailureLine(f, hash));
}

/**
 * The result as one JSON line. `raw` identifier values exist only in memory: they are written only
 * when the caller asked for unmasked output.
 */
export function serializeResult(result: CaseResult, hash: string, mask: boolean): string {
  const line: ResultLine = { ...result, contentHash: hash };
  if (mask && result.findings.some((f) => "raw" in f)) {
    line.findings = result.findings.map((f) => {
      if (!("raw" in f)) return f;
      const { raw: _raw, ...rest } = f as typeof f & { raw?: string };
      return rest;
    });
  }
  return JSON.stringify(line);
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
