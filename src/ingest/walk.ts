// Inputs (files, folders, archives, "-") -> InputSources, depth-first and sorted so runs are
// deterministic. Problems become Failures in the stream; nothing is silently dropped except
// hidden files/folders and __MACOSX (reported through onSkip).
import { createReadStream } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Failure, ReadItem, ReadUnit } from "../types.js";
import { archiveKindOf } from "./archive-kind.js";
import { Budget, isHiddenPath, walkContext, type WalkContext } from "./archive/limits.js";
import { walkNested } from "./archive/nested.js";
import { walkTar } from "./archive/tar.js";
import { walkZip } from "./archive/zip.js";
import { failure, failureFrom } from "./failures.js";
import { readSourceUnits } from "./read-source.js";
import { openOnce } from "./streams.js";
import type { InputSource, ReaderRegistry, ReadOptions, WalkItem, WalkOptions } from "./types.js";

export function fileSource(path: string, size?: number): InputSource {
  const src: InputSource = { name: path, open: () => createReadStream(path) };
  if (size !== undefined) src.size = size;
  return src;
}

export function stdinSource(stdin: NodeJS.ReadableStream = process.stdin): InputSource {
  return { name: "-", open: openOnce("-", stdin) };
}

/** Bytes already in memory (an HTTP upload) under a name whose extension picks the reader. */
export function bufferSource(name: string, bytes: Uint8Array): InputSource {
  return { name, size: bytes.byteLength, open: () => Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]) };
}

export function isFailure(item: WalkItem): item is Failure {
  return typeof (item as Partial<InputSource>).open !== "function";
}

async function* walkFile(path: string, size: number, ctx: WalkContext): AsyncGenerator<WalkItem> {
  const kind = archiveKindOf(path);
  if (kind === undefined) {
    yield fileSource(path, size);
    return;
  }
  const budget = new Budget(ctx.maxTotalBytes);
  if (kind === "zip") yield* walkZip({ path }, path, 1, ctx, budget);
  else yield* walkTar(createReadStream(path), path, kind === "tgz", 1, ctx, budget);
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function* walkDir(dir: string, ctx: WalkContext): AsyncGenerator<WalkItem> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort(byCodePoint);
  } catch (err) {
    yield failureFrom(err, dir);
    return;
  }
  for (const n of names) {
    const full = join(dir, n);
    if (!ctx.includeHidden && isHiddenPath(n)) {
      ctx.onSkip?.(full, "hidden file or folder");
      continue;
    }
    yield* walkPath(full, ctx, false);
  }
}

async function* walkPath(path: string, ctx: WalkContext, explicit: boolean): AsyncGenerator<WalkItem> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    yield failureFrom(err, path);
    return;
  }
  if (st.isDirectory()) {
    if (!explicit) {
      // Recursion never follows a symlinked folder: loops and surprises. Named inputs are followed.
      const l = await lstat(path).catch(() => undefined);
      if (l?.isSymbolicLink()) {
        ctx.onSkip?.(path, "symlinked folder not followed");
        return;
      }
    }
    yield* walkDir(path, ctx);
  } else if (st.isFile()) {
    yield* walkFile(path, st.size, ctx);
  } else {
    yield failure(path, "E_UNSUPPORTED", `${path}: not a regular file or folder`);
  }
}

/** Every input as InputSources (files, archive members) or Failures. "-" is stdin. */
export async function* walkInputs(inputs: string[], opts: WalkOptions = {}): AsyncGenerator<WalkItem> {
  const ctx = walkContext(opts, walkNested);
  for (const input of inputs) {
    if (input === "-") yield stdinSource();
    else yield* walkPath(input, ctx, true);
  }
}

/** walkInputs + readSource, streamed: each source is read before the walk advances. Never throws. */
export function readInputs(
  inputs: string[],
  opts: ReadOptions & WalkOptions = {},
  registry?: ReaderRegistry,
): AsyncGenerator<ReadItem> {
  // Without chunkBytes only ReadItems come out.
  return readInputUnits(inputs, opts, registry) as AsyncGenerator<ReadItem>;
}

/**
 * readInputs for a consumer that parses JSONL itself where it scans (batch): UTF-8/GB18030 dumps
 * come as LineChunks of about `chunkBytes`, everything else as ReadItems.
 */
export async function* readInputUnits(
  inputs: string[],
  opts: ReadOptions & WalkOptions = {},
  registry?: ReaderRegistry,
  chunkBytes?: number,
): AsyncGenerator<ReadUnit> {
  // When an archive breaks while a member is being read, the member's reader and the walker both
  // report the same error: keep one.
  let lastFailure: Failure | undefined;
  const same = (a: Failure | undefined, b: Failure): boolean =>
    a !== undefined && a.source === b.source && a.code === b.code && a.message === b.message;
  try {
    for await (const item of walkInputs(inputs, opts)) {
      if (isFailure(item)) {
        if (!same(lastFailure, item)) yield { ok: false, failure: item };
        lastFailure = undefined;
        continue;
      }
      lastFailure = undefined;
      for await (const read of readSourceUnits(item, opts, registry, chunkBytes)) {
        lastFailure = read.ok === false ? read.failure : undefined;
        yield read;
      }
    }
  } catch (err) {
    // A walker bug must still not escape a batch: record it against the inputs.
    yield { ok: false, failure: failureFrom(err, inputs.join(" ")) };
  }
}

/** One path (a file, or "-" for stdin; folders and archives are walked too). Never throws. */
export async function* readPath(path: string, opts: ReadOptions & WalkOptions = {}): AsyncGenerator<ReadItem> {
  yield* readInputs([path], opts);
}
