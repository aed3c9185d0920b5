// What a scan task reads, on the thread that scans it: documents given by value, a chunk of raw
// JSONL lines, or references to documents (a path, an archive member, a JSONL line range with byte
// offsets, inline text: what a queue job carries), read back as the same ReadItems the producer saw.
// A reference never re-reads the rest of a large dump.
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { stat } from "node:fs/promises";
import { chunkItems, fileSource, isFailure, lineDecoder, parseJsonlLine, readSource, walkInputs, type ReadOptions } from "../ingest/index.js";
import { failed, failure, failureFrom } from "../ingest/failures.js";
import { DEFAULT_MAX_BYTES, splitByteLines, tooLarge } from "../ingest/streams.js";
import type { Document, Failure, LineChunk, ReadItem } from "../types.js";

/** A whole file read through ingest (may hold several documents, e.g. a JSON array). */
export interface FileItem {
  kind: "file";
  path: string;
}

/** Lines `from..to` (1-based, inclusive) of a JSONL dump: bytes [start, end) in `encoding`. */
export interface LinesItem {
  kind: "lines";
  path: string;
  from: number;
  to: number;
  start: number;
  end: number;
  encoding: string;
}

/** Members of one archive, by the full names walkInputs gives them (`/x/cases.zip!/a/b.txt`). */
export interface MembersItem {
  kind: "members";
  path: string;
  members: string[];
}

/** A document given by value. `text` is dropped from Redis once the job is finished. */
export interface InlineItem {
  kind: "inline";
  id: string;
  source: string;
  text?: string;
  meta?: Record<string, unknown>;
}

/** Where documents are, by reference. */
export type DocumentRef = FileItem | LinesItem | MembersItem | InlineItem;

/** What a task scans. */
export type TaskSource =
  /** Documents read already, with their content hashes. */
  | { kind: "documents"; docs: { doc: Document; hash: string }[] }
  /** Raw JSONL lines, parsed here (a batch's dumps). */
  | { kind: "chunk"; chunk: LineChunk }
  /** References, read here (a queue job). */
  | { kind: "refs"; refs: DocumentRef[] };

/** Every item of a task's source, in order: documents and the parts that could not be read. */
export async function readTaskSource(source: TaskSource, read: ReadOptions): Promise<ReadItem[]> {
  if (source.kind === "documents") return source.docs.map((d) => ({ ok: true, doc: d.doc }));
  if (source.kind === "chunk") return [...chunkItems(source.chunk, read)];
  const out: ReadItem[] = [];
  for (const ref of source.refs) {
    for await (const it of readRef(ref, read)) out.push(it);
  }
  return out;
}

function readRef(item: DocumentRef, read: ReadOptions): AsyncIterable<ReadItem> {
  switch (item.kind) {
    case "file":
      return readFileItem(item, read);
    case "lines":
      return readLinesItem(item, read);
    case "members":
      return readMembersItem(item, read);
    case "inline":
      return readInlineItem(item);
  }
}

async function* readFileItem(item: FileItem, read: ReadOptions): AsyncGenerator<ReadItem> {
  let size: number;
  try {
    size = (await stat(item.path)).size;
  } catch (err) {
    yield failed(failureFrom(err, item.path));
    return;
  }
  yield* readSource(fileSource(item.path, size), read);
}

/** The lines of a range, each read as the JSONL reader reads it (parseJsonlLine). */
async function* readLinesItem(item: LinesItem, read: ReadOptions): AsyncGenerator<ReadItem> {
  if (item.end <= item.start) return;
  const max = read.maxBytes ?? DEFAULT_MAX_BYTES;
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = lineDecoder(item.encoding);
  } catch {
    yield failed(failure(item.path, "E_ENCODING", `${item.path}: unknown encoding "${item.encoding}"`));
    return;
  }
  const stream = openRange(item.path, item.start, item.end);
  try {
    for await (const l of splitByteLines(stream, max)) {
      const line = item.from + l.line - 1;
      if (line > item.to) break;
      if (l.bytes === undefined) {
        const e = tooLarge(item.path, max, line);
        yield failed(failure(`${item.path}:${line}`, e.code, e.message, { line }));
        continue;
      }
      const it = parseJsonlLine(item.path, line, l.bytes, decoder, read);
      if (it) yield it;
    }
  } catch (err) {
    yield failed(failureFrom(err, item.path));
  } finally {
    await stream.return?.(undefined);
  }
}

/**
 * Bytes [start, end) of a file. A small range (a typical batch) is one synchronous read: this runs
 * in a scan thread that has nothing else to do meanwhile, and three thread-pool round trips
 * (open, read, close) cost more than the read. A large range streams.
 */
async function* openRange(path: string, start: number, end: number): AsyncGenerator<Buffer> {
  if (end - start > RANGE_READ_MAX) {
    const stream = createReadStream(path, { start, end: end - 1 });
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } finally {
      stream.destroy();
    }
    return;
  }
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(end - start);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    yield buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

const RANGE_READ_MAX = 16 * 1024 * 1024;

async function* readMembersItem(item: MembersItem, read: ReadOptions): AsyncGenerator<ReadItem> {
  const wanted = new Set(item.members);
  let found = 0;
  try {
    await stat(item.path);
  } catch (err) {
    yield failed(failureFrom(err, item.path));
    return;
  }
  for await (const w of walkInputs([item.path], read)) {
    if (isFailure(w)) {
      if (wanted.has(w.source)) {
        found++;
        yield failed(w);
      }
    } else if (wanted.has(w.name)) {
      found++;
      yield* readSource(w, read);
    }
    // The walk is in a fixed order, so once every wanted member was met the rest can be skipped.
    if (found === wanted.size) return;
  }
}

async function* readInlineItem(item: InlineItem): AsyncGenerator<ReadItem> {
  if (item.text === undefined) {
    yield failed(failure(item.source, "E_GONE", `${item.source}: inline text no longer stored (job already finished once); submit it again`));
    return;
  }
  yield { ok: true, doc: { id: item.id, source: item.source, text: item.text, meta: item.meta ?? {} } };
}

/** Where a task's references point, for messages and `status`. */
export function describeRefs(items: readonly DocumentRef[]): string {
  const first = items[0];
  if (!first) return "(empty job)";
  const one =
    first.kind === "lines"
      ? `${first.path}:${first.from}${first.to > first.from ? `-${first.to}` : ""}`
      : first.kind === "members"
        ? first.members.length === 1
          ? first.members[0]!
          : `${first.path}!/ (${first.members.length} members)`
        : first.kind === "inline"
          ? first.source
          : first.path;
  return items.length > 1 ? `${one} (+${items.length - 1} more)` : one;
}

/** Failure codes worth a retry: the file may be there on the next attempt (a mount, a permission fix). */
const TRANSIENT_CODES = new Set(["E_NOT_FOUND", "E_ACCESS", "E_READ"]);

export function isTransientFailure(f: Failure): boolean {
  return TRANSIENT_CODES.has(f.code);
}
