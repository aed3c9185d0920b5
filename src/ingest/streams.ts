// Stream helpers shared by readers and archive walkers. Everything is bounded: nothing here ever
// buffers more than the caller's limit.
import { Readable } from "node:stream";
import { InputError } from "../errors.js";

export const MiB = 1024 * 1024;
export const DEFAULT_MAX_BYTES = 20 * MiB;
/** Bytes peeked for sniffing and encoding detection. */
export const HEAD_BYTES = 64 * 1024;

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk));
}

function iterate(stream: NodeJS.ReadableStream): AsyncIterator<unknown> {
  return (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
}

/** Destroys a stream if it can be destroyed (a NodeJS.ReadableStream is not guaranteed to). */
export function destroyQuietly(stream: NodeJS.ReadableStream): void {
  const s = stream as NodeJS.ReadableStream & { destroy?: () => void; destroyed?: boolean };
  if (typeof s.destroy === "function" && !s.destroyed) s.destroy();
}

/** Reads a whole stream, refusing (E_TOO_LARGE) past `max` bytes without holding more than that. */
export async function readAllBounded(stream: NodeJS.ReadableStream, max: number, source: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<unknown>) {
      const buf = toBuffer(chunk);
      total += buf.length;
      if (total > max) throw tooLarge(source, max);
      parts.push(buf);
    }
  } finally {
    destroyQuietly(stream);
  }
  return Buffer.concat(parts, total);
}

export function tooLarge(source: string, max: number, line?: number): InputError {
  const where = line === undefined ? source : `${source}:${line}`;
  return new InputError("E_TOO_LARGE", source, `${where}: larger than the ${formatBytes(max)} limit (maxBytes)`, line);
}

export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/**
 * Reads up to `n` bytes from the start of `stream` and returns them with a stream that replays
 * them followed by the rest, so a source is opened once and still sniffed.
 */
export async function peekStream(stream: NodeJS.ReadableStream, n: number): Promise<{ head: Buffer; rest: Readable }> {
  const it = iterate(stream);
  const parts: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const buf = toBuffer(r.value);
    parts.push(buf);
    size += buf.length;
  }
  const all = Buffer.concat(parts, size);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (all.length > 0) yield all;
      if (ended) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield toBuffer(r.value);
      }
    } finally {
      // Runs on early destroy too: releases the underlying file handle / tar entry.
      if (!ended) await it.return?.();
    }
  }
  return { head: all.subarray(0, Math.min(n, all.length)), rest: Readable.from(replay(), { objectMode: false }) };
}

export interface ByteLine {
  /** 1-based. */
  line: number;
  /** The line without its terminator (\n or \r\n); undefined when it exceeded `maxLineBytes`. */
  bytes: Buffer | undefined;
  /** Bytes the line had (counted even when dropped). */
  length: number;
}

/**
 * Splits a byte stream at LF. Safe for UTF-8 and GB18030 (neither uses 0x0A inside a character).
 * A line longer than `maxLineBytes` is counted but not kept, so memory stays bounded.
 */
export async function* splitByteLines(stream: AsyncIterable<unknown>, maxLineBytes: number): AsyncGenerator<ByteLine> {
  let parts: Buffer[] = [];
  let length = 0;
  let line = 1;
  const emit = (): ByteLine => {
    let bytes: Buffer | undefined;
    if (length <= maxLineBytes) {
      bytes = Buffer.concat(parts, length);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    }
    const out: ByteLine = { line, bytes, length };
    parts = [];
    length = 0;
    line++;
    return out;
  };
  for await (const chunk of stream) {
    const buf = toBuffer(chunk);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      const end = nl === -1 ? buf.length : nl;
      const piece = buf.subarray(start, end);
      length += piece.length;
      if (length <= maxLineBytes && piece.length > 0) parts.push(piece);
      else if (length > maxLineBytes) parts = [];
      if (nl === -1) break;
      yield emit();
      start = nl + 1;
    }
  }
  if (length > 0) yield emit();
}

export interface TextLine {
  line: number;
  text: string | undefined;
  length: number;
}

/**
 * Decodes a byte stream with TextDecoder(stream:true) and splits the text at LF; for UTF-16 and
 * any encoding where LF bytes may sit inside a character. `maxLineChars` bounds memory.
 */
export async function* splitDecodedLines(
  stream: AsyncIterable<unknown>,
  decoder: InstanceType<typeof TextDecoder>,
  maxLineChars: number,
): AsyncGenerator<TextLine> {
  let parts: string[] = [];
  let length = 0;
  let line = 1;
  const emit = (): TextLine => {
    let text: string | undefined;
    if (length <= maxLineChars) {
      text = parts.join("");
      if (text.endsWith("\r")) text = text.slice(0, -1);
    }
    const out: TextLine = { line, text, length };
    parts = [];
    length = 0;
    line++;
    return out;
  };
  function* feed(str: string): Generator<TextLine> {
    let start = 0;
    for (;;) {
      const nl = str.indexOf("\n", start);
      const end = nl === -1 ? str.length : nl;
      const piece = str.slice(start, end);
      length += piece.length;
      if (length <= maxLineChars && piece.length > 0) parts.push(piece);
      else if (length > maxLineChars) parts = [];
      if (nl === -1) return;
      yield emit();
      start = nl + 1;
    }
  }
  for await (const chunk of stream) yield* feed(decoder.decode(toBuffer(chunk), { stream: true }));
  yield* feed(decoder.decode());
  if (length > 0) yield emit();
}

/** Last path component of a source name (`a/b.txt`, `x.zip!/d/b.txt` -> `b.txt`). */
export function baseName(name: string): string {
  const cut = Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\"));
  return cut === -1 ? name : name.slice(cut + 1);
}

/** A stream handed out once: a second open() is a bug in the caller, said plainly. */
export function openOnce(name: string, stream: NodeJS.ReadableStream): () => NodeJS.ReadableStream {
  let used = false;
  return () => {
    if (used) throw new Error(`${name}: this input is a live stream and was already opened`);
    used = true;
    return stream;
  };
}
