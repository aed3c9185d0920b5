// How many documents inputs hold, when that is cheap to know (a progress line's total): a file its
// reader says holds one document counts 1, a file of lines its non-blank lines, a folder the sum.
// Archives, JSON arrays and stdin make it unknown.
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { archiveKindOf } from "./archive-kind.js";
import { defaultRegistry } from "./registry.js";

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
  // What the file's reader holds: one document, records only reading can count, or lines.
  const holds = defaultRegistry().holds(path);
  if (holds === "records") return undefined;
  if (holds === "lines") return countLines(path, signal);
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

/**
 * Bytes the inputs hold on disk (folders summed, hidden entries skipped as the walk skips them),
 * or undefined when that is unknown (stdin). Archives count as their compressed size: an underestimate.
 */
export async function countBytes(inputs: string[]): Promise<number | undefined> {
  let total = 0;
  for (const input of inputs) {
    if (input === "-") return undefined;
    total += await bytesOf(input);
  }
  return total;
}

async function bytesOf(path: string): Promise<number> {
  const st = await stat(path).catch(() => undefined);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  const names = await readdir(path).catch(() => [] as string[]);
  let n = 0;
  for (const name of names) if (!name.startsWith(".") && name !== "__MACOSX") n += await bytesOf(join(path, name));
  return n;
}
