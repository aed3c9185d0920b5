// Progress for a terminal: one line, rewritten in place. Pure formatting here; the CLI decides
// whether stderr is a terminal and when to draw.
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { archiveKindOf } from "../ingest/index.js";
import type { BatchProgress } from "./run-batch.js";
import type { BatchSummary } from "../output/summary.js";

export function formatProgress(p: BatchProgress, total: number | undefined): string {
  const rate = p.seconds > 0 ? p.written / p.seconds : 0;
  const parts = [
    total !== undefined ? `${p.read}/${total} documents` : `${p.read} documents`,
    `${rate.toFixed(1)} docs/s`,
    `${p.flagged} flagged`,
  ];
  if (p.failures > 0) parts.push(`${p.failures} failures`);
  if (p.skipped > 0) parts.push(`${p.skipped} skipped`);
  if (total !== undefined && rate > 0 && total >= p.read) {
    parts.push(`ETA ${formatDuration((total - p.written - p.skipped) / rate)}`);
  }
  return parts.join(" · ");
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** The line every run ends with, terminal or not. */
export function formatFinalLine(s: BatchSummary): string {
  const r = s.run;
  const parts = [
    `${r.read} documents`,
    `${s.results} results`,
    `${s.failures} failures`,
    `${s.flagged} flagged`,
  ];
  if (r.skipped > 0) parts.push(`${r.skipped} skipped (already in output)`);
  parts.push(`${r.seconds.toFixed(1)} s`);
  return `caseflag batch: ${parts.join(", ")}${r.interrupted ? " (interrupted: run again with --resume)" : ""}`;
}

/**
 * How many documents the inputs hold, when that is cheap to know: plain files count 1, JSONL
 * files their non-empty lines, folders the sum. Archives, JSON arrays and stdin make it unknown.
 */
export async function countDocuments(inputs: string[], signal?: AbortSignal): Promise<number | undefined> {
  let total = 0;
  for (const input of inputs) {
    if (signal?.aborted) return undefined;
    const n = await countPath(input, signal);
    if (n === undefined) return undefined;
    total += n;
  }
  return total;
}

async function countPath(path: string, signal?: AbortSignal): Promise<number | undefined> {
  if (path === "-") return undefined;
  const st = await stat(path).catch(() => undefined);
  if (!st) return 1; // read as one failure
  if (st.isDirectory()) {
    const names = await readdir(path).catch(() => undefined);
    if (!names) return 1;
    let n = 0;
    for (const name of names) {
      if (name.startsWith(".") || name === "__MACOSX") continue;
      const c = await countPath(join(path, name), signal);
      if (c === undefined) return undefined;
      n += c;
    }
    return n;
  }
  if (archiveKindOf(path) !== undefined) return undefined;
  const lower = path.toLowerCase();
  if (lower.endsWith(".json")) return undefined;
  if (lower.endsWith(".jsonl")) return countLines(path, signal);
  return 1;
}

async function countLines(path: string, signal?: AbortSignal): Promise<number | undefined> {
  let lines = 0;
  let lineHasContent = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    if (signal?.aborted) return undefined;
    const buf = chunk as Buffer;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      if (b === 0x0a) {
        if (lineHasContent) lines++;
        lineHasContent = false;
      } else if (b !== 0x0d && b !== 0x20 && b !== 0x09) lineHasContent = true;
    }
  }
  return lineHasContent ? lines + 1 : lines;
}
