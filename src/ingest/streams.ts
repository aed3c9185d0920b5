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

/** The line being split off a stream: its pieces (dropped once it is past `max`) and its length. */
class PendingLine<P extends { length: number }> {
  parts: P[] = [];
  length = 0;
  line = 1;
  constructor(private readonly max: number) {}

  /** The lines a chunk of `len` units completes (`find`: the next LF at or after; `cut`: a piece). */
  *split(len: number, find: (from: number) => number, cut: (start: number, end: number) => P): Generator<Split<P>> {
    let start = 0;
    for (;;) {
      const nl = find(start);
      const piece = cut(start, nl === -1 ? len : nl);
      this.length += piece.length;
      if (this.length <= this.max && piece.length > 0) this.parts.push(piece);
      else if (this.length > this.max) this.parts = [];
      if (nl === -1) return;
      yield this.take();
      start = nl + 1;
    }
  }

  take(): Split<P> {
    const out = { line: this.line, parts: this.length <= this.max ? this.parts : undefined, length: this.length };
    this.parts = [];
    this.length = 0;
    this.line++;
    return out;
  }
}

interface Split<P> {
  line: number;
  /** undefined: the line was longer than the limit. */
  parts: P[] | undefined;
  length: number;
}

/**
 * Splits a byte stream at LF. Safe for UTF-8 and GB18030 (neither uses 0x0A inside a character).
 * A line longer than `maxLineBytes` is counted but not kept, so memory stays bounded.
 */
export async function* splitByteLines(stream: AsyncIterable<unknown>, maxLineBytes: number): AsyncGenerator<ByteLine> {
  const pending = new PendingLine<Buffer>(maxLineBytes);
  const byteLine = ({ line, parts, length }: Split<Buffer>): ByteLine => {
    let bytes = parts && Buffer.concat(parts, length);
    if (bytes && bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    return { line, bytes, length };
  };
  for await (const chunk of stream) {
    const buf = toBuffer(chunk);
    for (const l of pending.split(buf.length, (from) => buf.indexOf(0x0a, from), (a, b) => buf.subarray(a, b))) yield byteLine(l);
  }
  if (pending.length > 0) yield byteLine(pending.take());
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
  const pending = new PendingLine<string>(maxLineChars);
  const textLine = ({ line, parts, length }: Split<string>): TextLine => {
    let text = parts?.join("");
    if (text?.endsWith("\r")) text = text.slice(0, -1);
    return { line, text, length };
  };
  const feed = (str: string) => pending.split(str.length, (from) => str.indexOf("\n", from), (a, b) => str.slice(a, b));
  for await (const chunk of stream) for (const l of feed(decoder.decode(toBuffer(chunk), { stream: true }))) yield textLine(l);
  for (const l of feed(decoder.decode())) yield textLine(l);
  if (pending.length > 0) yield textLine(pending.take());
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
