// What recognises a document: the sha256 of its text (the content hash on every output line, what
// --resume and the queue's reuse key on), and, for a submission, where it came from as well.
import { createHash } from "node:crypto";
import type { ReadItem } from "../types.js";

/** sha256 of a string (UTF-8), lower-case hex. */
export function sha256(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}

/** The content hash of a document's text: the same text under another path is the same document. */
export function contentHash(text: string): string {
  return sha256(text);
}

/**
 * A read item's hash: its text's, or for a part that could not be read (no text) one covering
 * where it is and why it failed, so resubmitting the same broken file is still one job.
 */
export function itemHash(item: ReadItem): string {
  return item.ok ? contentHash(item.doc.text) : sha256(`failure\0${item.failure.source}\0${item.failure.code}`);
}

/** One document as a submission counts it: its key (where it came from, its id, its content) and its content hash. */
export interface DocRef {
  key: string;
  hash: string;
}

export function docRef(item: ReadItem): DocRef {
  const hash = itemHash(item);
  const where = item.ok ? `${item.doc.source}\0${item.doc.id}` : `${item.failure.source}\0${item.failure.id ?? ""}`;
  return { key: `${where}\0${hash}`, hash };
}

/**
 * The id of a list of documents (a queue job): the hash of their keys in order. Two files with the
 * same text are two ids; the same file sent twice is one.
 */
export function refsId(refs: readonly DocRef[]): string {
  return sha256(refs.map((r) => r.key).join("\n"));
}
