// --resume: what an earlier run already wrote. A kill can leave a partial last line (never more:
// lines are written whole); it is cut off. Every complete line counts as done: a result or failure
// line with a content hash by that hash, a read failure (no text, no hash) by its source and code.
import { createReadStream } from "node:fs";
import { open, stat, truncate } from "node:fs/promises";
import { createInterface } from "node:readline";
import { CaseflagError } from "../errors.js";
import type { Failure } from "../types.js";
import { buildCaseCard } from "../output/case-card.js";
import { isFailureLine, isResultLine } from "../output/lines.js";
import { isListed, recordOfFailure, recordOfResult } from "../output/record.js";
import type { SummaryBuilder } from "../output/summary.js";

/**
 * A multiset: the same text may occur twice in an input (it is scanned twice and written twice),
 * so each line written lets exactly one occurrence be skipped.
 */
export class DoneSet {
  private readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  /** true (and uses it up) when a document with this key was already written. */
  take(key: string): boolean {
    const n = this.counts.get(key);
    if (!n) return false;
    if (n === 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
    return true;
  }
  get size(): number {
    return this.counts.size;
  }
}

/** 96 bits of the sha256 are plenty to recognise a document and keep a million keys small. */
export function hashKey(hash: string): string {
  return "h" + hash.slice(0, 24);
}

export function failureKey(f: Pick<Failure, "source" | "code"> & { line?: number | undefined }): string {
  return `f${f.code}\u0000${f.source}\u0000${f.line ?? ""}`;
}

export interface ResumeState {
  done: DoneSet;
  lines: number;
  truncatedBytes: number;
}

/** Reads (and repairs) an existing output file; a missing file is an empty state. */
export async function loadResumeState(path: string, summary: SummaryBuilder): Promise<ResumeState> {
  const done = new DoneSet();
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return { done, lines: 0, truncatedBytes: 0 };
    throw new CaseflagError("E_OUTPUT", `${path}: cannot read for --resume: ${(err as Error).message}`);
  }
  const keep = await completeLinesLength(path, size);
  if (keep < size) await truncate(path, keep);
  let lines = 0;
  const rl = createInterface({ input: createReadStream(path, { end: Math.max(0, keep - 1) }), crlfDelay: Infinity });
  for await (const text of rl) {
    if (keep === 0) break;
    lines++;
    if (text.trim() === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new CaseflagError("E_RESUME", `${path}:${lines}: not a caseflag output line; refusing to resume into it`);
    }
    if (isFailureLine(v)) {
      const line = v.error.line;
      done.add(v.contentHash ? hashKey(v.contentHash) : failureKey({ source: v.source, code: v.error.code, line }));
      summary.add(recordOfFailure(v.error.code));
    } else if (isResultLine(v)) {
      if (typeof v.contentHash === "string") done.add(hashKey(v.contentHash));
      const record = recordOfResult(v);
      summary.add(record, isListed(record) || (v.score > 0 && v.score >= summary.threshold()) ? buildCaseCard(v, undefined) : undefined);
    } else {
      throw new CaseflagError("E_RESUME", `${path}:${lines}: not a caseflag output line; refusing to resume into it`);
    }
  }
  return { done, lines, truncatedBytes: size - keep };
}

/** Bytes up to and including the last newline. */
async function completeLinesLength(path: string, size: number): Promise<number> {
  if (size === 0) return 0;
  const fh = await open(path, "r");
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await fh.read(chunk, 0, end - start, start);
      const i = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (i >= 0) return start + i + 1;
      end = start;
    }
    return 0;
  } finally {
    await fh.close();
  }
}
