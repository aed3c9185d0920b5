// .jsonl / .ndjson: one document a line, streamed. The encoding is decided from the first 64 KiB,
// then lines are split as bytes (UTF-8/GB18030 never put 0x0A inside a character) and decoded one
// by one, so a bad line is a Failure with its line number and the rest go on. UTF-16 dumps are
// stream-decoded (TextDecoder stream:true) and split as text. Memory: one line at a time, each
// line bounded by maxBytes.
import { InputError } from "../../errors.js";
import type { LineChunk, ReadItem, ReadUnit } from "../../types.js";
import { type Detected, detectEncoding, LENIENT_UTF8_RATIO, looseHeadText, replacementWarning, utf8Damage } from "../encoding.js";
import { failed, failure } from "../failures.js";
import { destroyQuietly, HEAD_BYTES, peekStream, splitByteLines, splitDecodedLines, tooLarge } from "../streams.js";
import type { InputSource, ReadOptions, Reader } from "../types.js";
import { recordToItem } from "./records.js";
import { guarded, maxBytesOf } from "./whole.js";

function lineItem(name: string, line: number, text: string, opts: ReadOptions, warnings?: string[]): ReadItem | undefined {
  if (text.trim() === "") return undefined;
  const where = `${name}:${line}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return failed(failure(where, "E_JSON_LINE", `${where}: ${msg}`, { line }));
  }
  return recordToItem(value, opts, { source: where, fallbackId: String(line), line, code: "E_JSON_LINE", ...(warnings ? { warnings } : {}) });
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

/**
 * One line of a byte-split dump (BOM already removed) to its item: undefined for a blank line, a
 * Failure for bytes that do not decode or a line that is not a JSON object with text. The reader
 * and the batch workers parsing LineChunks both call this, so a line reads the same on either.
 */
export function parseJsonlLine(
  name: string,
  line: number,
  bytes: Uint8Array,
  decoder: InstanceType<typeof TextDecoder>,
  opts: ReadOptions,
): ReadItem | undefined {
  if (isBlank(bytes)) return undefined;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    // A UTF-8 line with a stray byte or two is read with U+FFFD in their place (and says so);
    // one that is mostly not UTF-8 fails alone.
    const damage = decoder.encoding === "utf-8" ? utf8Damage(bytes) : undefined;
    if (damage !== undefined && damage.valid >= LENIENT_UTF8_RATIO * damage.replaced) {
      return lineItem(name, line, damage.text, opts, [replacementWarning(damage.replaced)]);
    }
    const where = `${name}:${line}`;
    return failed(failure(where, "E_ENCODING", `${where}: bytes are not valid ${decoder.encoding}`, { line }));
  }
  return lineItem(name, line, text, opts);
}

/** The decoder parseJsonlLine expects for a dump in `encoding`. */
export function lineDecoder(encoding: string): InstanceType<typeof TextDecoder> {
  return new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
}

/** The items of a LineChunk, in line order (see parseJsonlLine). */
export function* chunkItems(chunk: LineChunk, opts: ReadOptions): Generator<ReadItem> {
  const decoder = lineDecoder(chunk.encoding);
  const bytes = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
  let line = chunk.firstLine;
  let start = 0;
  while (start <= bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    const item = parseJsonlLine(chunk.source, line, bytes.subarray(start, end), decoder, opts);
    if (item) yield item;
    if (nl === -1) break;
    start = nl + 1;
    line++;
  }
}

/**
 * The encoding of a dump from its head. When the head as a whole is neither UTF-8 nor GB18030
 * (one bad line in it), the encoding most head lines decode in wins, so the bad line fails alone.
 */
function detectLineEncoding(head: Buffer, source: string, forced: string | undefined): Detected {
  try {
    return detectEncoding(head, source, { complete: false, ...(forced !== undefined ? { forced } : {}) });
  } catch (err) {
    if (!(err instanceof InputError) || err.code !== "E_ENCODING" || forced !== undefined) throw err;
    const votes = { "utf-8": 0, gb18030: 0 };
    let start = 0;
    while (start < head.length) {
      let end = head.indexOf(0x0a, start);
      if (end === -1) end = head.length;
      const line = head.subarray(start, end);
      for (const label of ["utf-8", "gb18030"] as const) {
        try {
          new TextDecoder(label, { fatal: true }).decode(line, { stream: end === head.length });
          votes[label]++;
        } catch {
          // not this one
        }
      }
      start = end + 1;
    }
    if (votes["utf-8"] === 0 && votes.gb18030 === 0) throw err;
    return { encoding: votes["utf-8"] >= votes.gb18030 ? "utf-8" : "gb18030", bomLength: 0 };
  }
}

/**
 * The dump's items; with `chunkBytes`, UTF-8 and GB18030 dumps come as LineChunks instead (UTF-16
 * ones, split as text, stay per line).
 */
async function* readLines(src: InputSource, opts: ReadOptions, chunkBytes?: number): AsyncGenerator<ReadUnit> {
  const max = maxBytesOf(opts);
  const stream = src.open();
  const { head, rest } = await peekStream(stream, HEAD_BYTES);
  try {
    const { encoding, bomLength } = detectLineEncoding(head, src.name, opts.encoding);
    if (encoding.startsWith("utf-16")) {
      const decoder = new TextDecoder(encoding, { fatal: true });
      let lastLine = 0;
      try {
        // maxBytes counts bytes; a UTF-16 code unit is two of them.
        for await (const l of splitDecodedLines(rest, decoder, Math.floor(max / 2))) {
          lastLine = l.line;
          if (l.text === undefined) {
            const e = tooLarge(src.name, max, l.line);
            yield failed(failure(`${src.name}:${l.line}`, e.code, e.message, { line: l.line }));
            continue;
          }
          const item = lineItem(src.name, l.line, l.text, opts);
          if (item) yield item;
        }
      } catch (err) {
        if (!(err instanceof TypeError)) throw err;
        const line = lastLine + 1;
        throw new InputError("E_ENCODING", src.name, `${src.name}:${line}: bytes are not valid ${encoding}; stopped here`, line);
      }
      return;
    }
    const decoder = lineDecoder(encoding);
    // Chunks: whole lines, about chunkBytes each, parsed by whoever scans them. A line too large
    // to keep ends the chunk before it and is a failure in its place, so order is kept.
    let lines: Buffer[] = [];
    let size = 0;
    let items = 0;
    let firstLine = 1;
    const flush = (): ReadUnit => {
      const bytes = Buffer.allocUnsafeSlow(Math.max(0, size - 1));
      let at = 0;
      lines.forEach((l, i) => {
        if (i > 0) bytes[at++] = 0x0a;
        at += l.copy(bytes, at);
      });
      const chunk: LineChunk = { source: src.name, encoding, firstLine, bytes, items };
      lines = [];
      size = 0;
      items = 0;
      return { ok: "chunk", chunk };
    };
    for await (const l of splitByteLines(rest, max)) {
      const where = `${src.name}:${l.line}`;
      if (l.bytes === undefined) {
        if (chunkBytes !== undefined && lines.length > 0) yield flush();
        const e = tooLarge(src.name, max, l.line);
        yield failed(failure(where, e.code, e.message, { line: l.line }));
        continue;
      }
      const bytes = l.line === 1 ? l.bytes.subarray(bomLength) : l.bytes;
      if (chunkBytes === undefined) {
        const item = parseJsonlLine(src.name, l.line, bytes, decoder, opts);
        if (item) yield item;
        continue;
      }
      if (lines.length === 0) firstLine = l.line;
      lines.push(bytes);
      size += bytes.length + 1;
      if (!isBlank(bytes)) items++;
      if (size >= chunkBytes) yield flush();
    }
    if (lines.length > 0) yield flush();
  } finally {
    destroyQuietly(rest);
    destroyQuietly(stream);
  }
}

export const jsonlReader: Reader = {
  name: "jsonl",
  extensions: [".jsonl", ".ndjson"],
  holds: "lines",
  sniff(head) {
    const lines = looseHeadText(head).split("\n");
    if (head.length >= HEAD_BYTES) lines.pop(); // possibly cut
    const records = lines.map((l) => l.trim()).filter((l) => l !== "");
    if (records.length < 2 || !records[1]!.startsWith("{")) return false;
    try {
      const first: unknown = JSON.parse(records[0]!);
      return typeof first === "object" && first !== null && !Array.isArray(first);
    } catch {
      return false;
    }
  },
  read(src, opts) {
    // Without chunkBytes readLines yields only ReadItems.
    return guarded(src, () => readLines(src, opts) as AsyncGenerator<ReadItem>);
  },
  readChunks(src, opts, chunkBytes) {
    return guarded(src, () => readLines(src, opts, chunkBytes));
  },
};
