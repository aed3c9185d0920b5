// .jsonl / .ndjson: one document a line, streamed. The encoding is decided from the first 64 KiB,
// then lines are split as bytes (UTF-8/GB18030 never put 0x0A inside a character) and decoded one
// by one, so a bad line is a Failure with its line number and the rest go on. UTF-16 dumps are
// stream-decoded (TextDecoder stream:true) and split as text. Memory: one line at a time, each
// line bounded by maxBytes.
import { InputError } from "../../errors.js";
import type { ReadItem } from "../../types.js";
import { type Detected, detectEncoding, looseHeadText } from "../encoding.js";
import { failed, failure } from "../failures.js";
import { destroyQuietly, HEAD_BYTES, peekStream, splitByteLines, splitDecodedLines, tooLarge } from "../streams.js";
import type { InputSource, ReadOptions, Reader } from "../types.js";
import { recordToItem } from "./records.js";
import { guarded, maxBytesOf } from "./whole.js";

function lineItem(src: InputSource, line: number, text: string, opts: ReadOptions): ReadItem | undefined {
  if (text.trim() === "") return undefined;
  const where = `${src.name}:${line}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return failed(failure(where, "E_JSON_LINE", `${where}: ${msg}`, { line }));
  }
  return recordToItem(value, opts, { source: where, fallbackId: String(line), line, code: "E_JSON_LINE" });
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
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

async function* readLines(src: InputSource, opts: ReadOptions): AsyncGenerator<ReadItem> {
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
          const item = lineItem(src, l.line, l.text, opts);
          if (item) yield item;
        }
      } catch (err) {
        if (!(err instanceof TypeError)) throw err;
        const line = lastLine + 1;
        throw new InputError("E_ENCODING", src.name, `${src.name}:${line}: bytes are not valid ${encoding}; stopped here`, line);
      }
      return;
    }
    const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
    for await (const l of splitByteLines(rest, max)) {
      const where = `${src.name}:${l.line}`;
      if (l.bytes === undefined) {
        const e = tooLarge(src.name, max, l.line);
        yield failed(failure(where, e.code, e.message, { line: l.line }));
        continue;
      }
      const bytes = l.line === 1 ? l.bytes.subarray(bomLength) : l.bytes;
      if (isBlank(bytes)) continue;
      let text: string;
      try {
        text = decoder.decode(bytes);
      } catch {
        yield failed(failure(where, "E_ENCODING", `${where}: bytes are not valid ${encoding}`, { line: l.line }));
        continue;
      }
      const item = lineItem(src, l.line, text, opts);
      if (item) yield item;
    }
  } finally {
    destroyQuietly(rest);
    destroyQuietly(stream);
  }
}

export const jsonlReader: Reader = {
  name: "jsonl",
  extensions: [".jsonl", ".ndjson"],
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
    return guarded(src, () => readLines(src, opts));
  },
};
