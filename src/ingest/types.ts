// Shapes of the ingest stage: where bytes come from, how readers turn them into ReadItems.
import type { Failure, ReadItem, ReadUnit } from "../types.js";

/** Something that can be opened as a byte stream: a file, stdin, an archive member. */
export interface InputSource {
  /** Display name and id base: a path, `-` for stdin, `cases.zip!/dir/a.txt` for a member. */
  name: string;
  /** Uncompressed size in bytes when known up front (files, zip/tar members). */
  size?: number;
  /**
   * Opens the bytes. Files and zip members may be opened again; stdin and tar members are live
   * streams that can be opened once, and a tar member only before the walk advances past it.
   */
  open(): NodeJS.ReadableStream;
}

export interface ReadOptions {
  /** JSON/JSONL text field(s), dotted paths allowed; the first non-empty string wins. Default fact, text, content, body. */
  textFields?: string[];
  /** JSON/JSONL id field (dotted path allowed). Default "id"; else line number (jsonl) / index (json array) / file name. */
  idField?: string;
  /** XML element names whose text is taken, in document order. Default: the whole text content. */
  xmlElements?: string[];
  /** Per document (file, JSON record, JSONL line). Default 20 MiB; larger gives Failure E_TOO_LARGE. */
  maxBytes?: number;
  /** Force an encoding label (skips detection), e.g. "gb18030", "utf-16le". */
  encoding?: string;
}

export interface WalkOptions {
  /** Archive nesting allowed (an archive inside an archive counts 2). Default 3. */
  maxDepth?: number;
  /**
   * Uncompressed bytes one member may have. Default `maxBytes` (20 MiB). `.jsonl` members and nested
   * tar/tgz members stream, so only the archive total applies to them.
   */
  maxEntryBytes?: number;
  /** Per document, as in ReadOptions; the default for maxEntryBytes. */
  maxBytes?: number;
  /** Uncompressed bytes one top-level archive may expand to, all nesting included. Default 4 GiB. */
  maxTotalBytes?: number;
  /** A member whose uncompressed/compressed ratio exceeds this... Default 200. */
  maxRatio?: number;
  /** ...and whose uncompressed size exceeds this is refused as a bomb. Default 1 MiB. */
  ratioMinBytes?: number;
  /** Read hidden files/folders (.DS_Store, .git) and __MACOSX members. Default false: skipped. */
  includeHidden?: boolean;
  /** Told about every skipped path (hidden file, directory symlink); for a --verbose log. Never prints itself. */
  onSkip?: (name: string, reason: string) => void;
}

/**
 * What one input of a format holds: "document" (one: txt, xml, html, docx), "records" (many,
 * read whole: a JSON array) or "lines" (many, one a line, streamed: JSONL; lines can be counted,
 * cut into chunks and pointed at by byte range). Callers ask this instead of testing file names.
 */
export type Holds = "document" | "records" | "lines";

/** One input format. `extensions` are lower-case with the dot: [".txt"]. */
export interface Reader {
  name: string;
  extensions: string[];
  holds: Holds;
  /** Decides from the first bytes (up to 64 KiB) when the name has no known extension. */
  sniff?(head: Buffer): boolean;
  read(src: InputSource, opts: ReadOptions): AsyncIterable<ReadItem>;
  /**
   * Like read, but may hand over runs of raw records (LineChunks of about `chunkBytes`) for the
   * consumer to parse elsewhere; whatever it cannot chunk it yields as ReadItems.
   */
  readChunks?(src: InputSource, opts: ReadOptions, chunkBytes: number): AsyncIterable<ReadUnit>;
}

export interface ReaderRegistry {
  /** By extension, with or without the dot, any case. */
  get(ext: string): Reader | undefined;
  /** What a file of this name holds, by its extension alone (undefined: unknown without reading it). */
  holds(name: string): Holds | undefined;
  /** By the name's extension (".tar.gz" style double extensions included), else by sniffing the head. */
  forSource(name: string, head: Buffer): Reader | undefined;
  list(): Reader[];
}

export type WalkItem = InputSource | Failure;
