// The content hash is what --resume recognises a document by: the same text under a new path or
// in a re-packed archive is the same document, and it is the queue's job id too.
import { createHash } from "node:crypto";

/** sha256 of the document text (UTF-8), lower-case hex. */
export function contentHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
