// One source -> ReadItems through the reader its name (or head) selects. Never throws.
import type { ReadItem, ReadUnit } from "../types.js";
import { binaryReason } from "./encoding.js";
import { failed, failure, failureFrom } from "./failures.js";
import { defaultRegistry, extensionOf, supportedExtensions } from "./registry.js";
import { destroyQuietly, HEAD_BYTES, openOnce, peekStream } from "./streams.js";
import type { InputSource, ReaderRegistry, ReadOptions } from "./types.js";
import { archiveKindOf } from "./archive-kind.js";

function registryOrDefault(r: ReaderRegistry | undefined): ReaderRegistry {
  return r ?? defaultRegistry();
}

export function readSource(src: InputSource, opts: ReadOptions = {}, registry?: ReaderRegistry): AsyncGenerator<ReadItem> {
  // Without chunkBytes only ReadItems come out.
  return readSourceUnits(src, opts, registry) as AsyncGenerator<ReadItem>;
}

/** readSource, where a reader that can (JSONL) hands over LineChunks of about `chunkBytes`. */
export async function* readSourceUnits(
  src: InputSource,
  opts: ReadOptions = {},
  registry?: ReaderRegistry,
  chunkBytes?: number,
): AsyncGenerator<ReadUnit> {
  const reg = registryOrDefault(registry);
  let stream: NodeJS.ReadableStream | undefined;
  let rest: NodeJS.ReadableStream | undefined;
  try {
    stream = src.open();
    const peeked = await peekStream(stream, HEAD_BYTES);
    rest = peeked.rest;
    const reader = reg.forSource(src.name, peeked.head);
    if (!reader) {
      yield failed(unreadable(src.name, peeked.head, reg));
      return;
    }
    const replay: InputSource = { name: src.name, open: openOnce(src.name, rest) };
    if (src.size !== undefined) replay.size = src.size;
    if (chunkBytes !== undefined && reader.readChunks) yield* reader.readChunks(replay, opts, chunkBytes);
    else yield* reader.read(replay, opts);
  } catch (err) {
    yield failed(failureFrom(err, src.name));
  } finally {
    if (rest) destroyQuietly(rest);
    if (stream) destroyQuietly(stream);
  }
}

function unreadable(name: string, head: Buffer, reg: ReaderRegistry) {
  const ext = extensionOf(name);
  if (archiveKindOf(name) !== undefined) {
    return failure(name, "E_UNSUPPORTED", `${name}: an archive; read it with readInputs/walkInputs`);
  }
  if (ext === "") {
    const why = binaryReason(head) ?? "not a recognised format";
    return failure(name, "E_BINARY", `${name}: ${why}, not a text document`);
  }
  return failure(name, "E_UNSUPPORTED", `${name}: no reader for ${ext} (supported: ${supportedExtensions(reg).join(" ")})`);
}
