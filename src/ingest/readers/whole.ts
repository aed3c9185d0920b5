// Readers of whole-file formats (txt, xml, html, json, docx) share this: bounded read, one Failure on error.
import type { ReadItem, ReadUnit } from "../../types.js";
import { failed, failure, failureFrom } from "../failures.js";
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
 * A whole file's document, or E_NO_TEXT when it holds no text (an empty file, a scan with no text
 * layer, markup with nothing in it): recorded as a failure, as a JSON record without text is.
 */
export function documentItem(
  src: InputSource,
  id: string,
  text: string,
  meta: Record<string, unknown>,
  warnings: string[] | undefined,
): ReadItem {
  if (text.trim() === "") return failed(failure(src.name, "E_NO_TEXT", `${src.name}: no text in the document`, { id }));
  const doc: ReadItem & { ok: true } = { ok: true, doc: { id, source: src.name, text, meta } };
  if (warnings && warnings.length > 0) doc.doc.warnings = warnings;
  return doc;
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
