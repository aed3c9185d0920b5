// Turning anything that goes wrong into a recorded Failure: ingest never throws across a batch.
import { CaseflagError, InputError } from "../errors.js";
import type { Failure, ReadItem } from "../types.js";

export function failure(source: string, code: string, message: string, extra: { line?: number; id?: string } = {}): Failure {
  const f: Failure = { source, code, message: oneLine(message) };
  if (extra.line !== undefined) f.line = extra.line;
  if (extra.id !== undefined) f.id = extra.id;
  return f;
}

export function failed(f: Failure): ReadItem {
  return { ok: false, failure: f };
}

const FS_CODES: Record<string, [string, string]> = {
  ENOENT: ["E_NOT_FOUND", "no such file or directory"],
  ENOTDIR: ["E_NOT_FOUND", "no such file or directory"],
  EACCES: ["E_ACCESS", "permission denied"],
  EPERM: ["E_ACCESS", "permission denied"],
  EISDIR: ["E_READ", "is a directory"],
};

/** A Failure for any thrown value; the message always names `source` once. */
export function failureFrom(err: unknown, source: string): Failure {
  if (err instanceof InputError) {
    return failure(err.source || source, err.code, err.message, err.line === undefined ? {} : { line: err.line });
  }
  if (err instanceof CaseflagError) return failure(source, err.code, prefixed(source, err.message));
  const sys = (err as { code?: unknown } | null)?.code;
  if (typeof sys === "string" && FS_CODES[sys]) {
    const [code, text] = FS_CODES[sys]!;
    return failure(source, code, `${source}: ${text}`);
  }
  const msg = err instanceof Error ? err.message : String(err);
  return failure(source, "E_READ", prefixed(source, msg));
}

function prefixed(source: string, msg: string): string {
  return msg.startsWith(source) ? msg : `${source}: ${msg}`;
}

/** Failure messages are one line: library messages sometimes carry stacks or XML snippets. */
export function oneLine(s: string): string {
  const flat = s.replace(/\s*[\r\n]+\s*/g, " ").trim();
  return flat.length > 300 ? flat.slice(0, 297) + "..." : flat;
}
