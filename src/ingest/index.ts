// Ingest: bytes in, ReadItem (Document | Failure) out. No scanning here.
export type { Holds, InputSource, ReadOptions, Reader, ReaderRegistry, WalkItem, WalkOptions } from "./types.js";
export { createReaderRegistry, defaultReaders, defaultRegistry, extensionOf, supportedExtensions } from "./registry.js";
export { readSource, readSourceUnits } from "./read-source.js";
export { bufferSource, fileSource, isFailure, readInputs, readInputUnits, readPath, stdinSource, walkInputs } from "./walk.js";
export { chunkItems, lineDecoder, parseJsonlLine } from "./readers/jsonl.js";
export { contentHash, docRef, itemHash, refsId, sha256, type DocRef } from "./identity.js";
export { decodeText, detectEncoding, encodingLabel } from "./encoding.js";
export { archiveKindOf } from "./archive-kind.js";
export { countBytes, countDocuments } from "./count.js";
export { DEFAULT_MAX_BYTES } from "./streams.js";
export { DEFAULT_TEXT_FIELDS } from "./readers/records.js";
export { htmlToText } from "./readers/html.js";
