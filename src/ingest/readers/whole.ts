// Readers of whole-file formats (txt, xml, html, json, docx) share this: bounded read, one Failure on error.
import type { ReadItem, ReadUnit } from "../../types.js";
import { failed, failureFrom } from "../failures.js";
import { DEFAULT_MAX_BYTES, readAllBounded, tooLarge } from "../streams.js";
import type { InputSource, ReadOptions } from "../types.js";

export function maxBytesOf(opts: ReadOptions): number {
  return opts.maxBytes ?? DEFAULT_MAX_BYTES;
}

/** All bytes of `src`, refused up front when its known size is over the limit. */
export async function readWhole(src: InputSource, opts: ReadOptions): Promise<Buffer> {
  const max = maxBytesOf(opts);
  if (src.size !== undefined && src.size > max) throw tooLarge(src.name, max);
  return readAllBounded(src.open(), max, src.name);
}

/**
 * Wraps a reader body so that whatever it throws becomes one Failure item after the items it
 * already yielded.
 */
export async function* guarded<T extends ReadUnit>(src: InputSource, body: () => AsyncIterable<T>): AsyncGenerator<T | ReadItem> {
  try {
    yield* body();
  } catch (err) {
    yield failed(failureFrom(err, src.name));
  }
}
