// Worker side of a reference: job items -> the same ReadItems the producer saw. Files go through
// ingest's readSource, archive members through walkInputs, JSONL line ranges are read from their
// byte offsets (one job never re-reads the rest of a large dump).
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { stat } from "node:fs/promises";
import { fileSource, isFailure, readSource, walkInputs, type ReadOptions } from "../ingest/index.js";
import { failed, failure, failureFrom } from "../ingest/failures.js";
import { recordToItem } from "../ingest/readers/records.js";
import { DEFAULT_MAX_BYTES, splitByteLines, tooLarge } from "../ingest/streams.js";
import type { ReadItem } from "../types.js";
import type { FileItem, InlineItem, JobData, JobItem, LinesItem, MembersItem } from "./payload.js";

export async function readJobItems(data: JobData): Promise<ReadItem[]> {
  const read: ReadOptions = { ...(data.read ?? {}) };
  const out: ReadItem[] = [];
  for (const item of data.items) {
    for await (const it of readItem(item, read)) out.push(it);
  }
  return out;
}

function readItem(item: JobItem, read: ReadOptions): AsyncIterable<ReadItem> {
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

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

/** The jsonl reader's per-line rules (blank lines skipped, E_TOO_LARGE, E_ENCODING, E_JSON_LINE), from an offset. */
async function* readLinesItem(item: LinesItem, read: ReadOptions): AsyncGenerator<ReadItem> {
  if (item.end <= item.start) return;
  const max = read.maxBytes ?? DEFAULT_MAX_BYTES;
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(item.encoding, { fatal: true, ignoreBOM: true });
  } catch {
    yield failed(failure(item.path, "E_ENCODING", `${item.path}: unknown encoding "${item.encoding}"`));
    return;
  }
  const stream = openRange(item.path, item.start, item.end);
  try {
    for await (const l of splitByteLines(stream, max)) {
      const line = item.from + l.line - 1;
      if (line > item.to) break;
      const where = `${item.path}:${line}`;
      if (l.bytes === undefined) {
        const e = tooLarge(item.path, max, line);
        yield failed(failure(where, e.code, e.message, { line }));
        continue;
      }
      if (isBlank(l.bytes)) continue;
      let text: string;
      try {
        text = decoder.decode(l.bytes);
      } catch {
        yield failed(failure(where, "E_ENCODING", `${where}: bytes are not valid ${item.encoding}`, { line }));
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        yield failed(failure(where, "E_JSON_LINE", `${where}: ${msg}`, { line }));
        continue;
      }
      yield recordToItem(value, read, { source: where, fallbackId: String(line), line, code: "E_JSON_LINE" });
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
