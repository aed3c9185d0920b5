// What a job carries, and how its id is derived. A job is one or more documents located by
// reference (a path, an archive member, a JSONL line range with byte offsets) or, for remote
// producers, given inline. The job id is the hash of what it stands for: each document's source,
// id and content hash. So the same filing sent again from the same place is the same job (and a
// no-op once it has a result), while the same text under another name is a job of its own with an
// outcome of its own (its scan may be reused: see sink.ts). The worker recomputes the id from what
// it reads and refuses a file that changed after it was submitted.
import { createHash } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import type { ReadOptions } from "../ingest/index.js";
import { maskText } from "../score/mask.js";
import type { Failure, ReadItem } from "../types.js";

/** 2: job ids cover each document's source and id, and jobs carry their documents' content hashes. */
export const PAYLOAD_VERSION = 2;

/** Default cap for inline text in one job (UTF-8 bytes, all documents together). */
export const DEFAULT_MAX_INLINE_BYTES = 1024 * 1024;

/** A whole file read through ingest (may hold several documents, e.g. a JSON array). */
export interface FileItem {
  kind: "file";
  path: string;
}

/** Lines `from..to` (1-based, inclusive) of a JSONL dump: bytes [start, end) in `encoding`. */
export interface LinesItem {
  kind: "lines";
  path: string;
  from: number;
  to: number;
  start: number;
  end: number;
  encoding: string;
}

/** Members of one archive, by the full names walkInputs gives them (`/x/cases.zip!/a/b.txt`). */
export interface MembersItem {
  kind: "members";
  path: string;
  members: string[];
}

/** A document given by value. `text` is dropped from Redis once the job is finished. */
export interface InlineItem {
  kind: "inline";
  id: string;
  source: string;
  text?: string;
  meta?: Record<string, unknown>;
}

export type JobItem = FileItem | LinesItem | MembersItem | InlineItem;

/** Read options the producer used; the worker reads with the same so it sees the same documents. */
export type JobReadOptions = Pick<ReadOptions, "textFields" | "idField" | "xmlElements" | "encoding" | "maxBytes">;

export interface JobData {
  v: typeof PAYLOAD_VERSION;
  items: JobItem[];
  /** Documents (and unreadable parts) the producer saw: the outcomes this job must record. */
  docs: number;
  /** Their content hashes (itemHash) in order: the worker looks up scans it can reuse before reading. */
  hashes: string[];
  read?: JobReadOptions;
  /** Set once the job has failed for good: paths and sources masked, inline text gone (what stays for `status`). */
  retained?: true;
}

export function sha256(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}

/**
 * A document's hash is the sha256 of its text. A part that cannot be read has no text: its hash
 * covers where it is and why it failed, so resubmitting the same broken file is still one job.
 */
export function itemHash(item: ReadItem): string {
  return item.ok ? sha256(item.doc.text) : sha256(`failure\0${item.failure.source}\0${item.failure.code}`);
}

/** One document as a job counts it: its submission key (where it came from, its id, its content) and its content hash. */
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
 * A job's id: the hash of its documents' submission keys in order. Two files with the same text are
 * two jobs; the same file sent twice is one.
 */
export function jobIdOf(refs: readonly DocRef[]): string {
  return sha256(refs.map((r) => r.key).join("\n"));
}

/** Text bytes carried inline by these items. */
export function inlineBytes(items: readonly JobItem[]): number {
  let n = 0;
  for (const it of items) if (it.kind === "inline" && it.text !== undefined) n += Buffer.byteLength(it.text, "utf8");
  return n;
}

export function hasInlineText(data: JobData): boolean {
  return data.items.some((it) => it.kind === "inline" && it.text !== undefined);
}

/**
 * What stays in Redis of a job that failed for good (kept a while for `status`): no document text,
 * and identifiers in paths, member names and sources masked. The worker needed the real path to
 * open the file; nobody needs it once the job is over.
 */
export function retainedData(data: JobData): JobData {
  return {
    ...data,
    retained: true,
    items: data.items.map((it): JobItem => {
      switch (it.kind) {
        case "inline":
          return { kind: "inline", id: maskText(it.id), source: maskText(it.source) };
        case "members":
          return { ...it, path: maskText(it.path), members: it.members.map((m) => maskText(m)) };
        default:
          return { ...it, path: maskText(it.path) };
      }
    }),
  };
}

/** Where a job's documents are, for messages and `status`. */
export function describeItems(items: readonly JobItem[]): string {
  const first = items[0];
  if (!first) return "(empty job)";
  const one =
    first.kind === "lines"
      ? `${first.path}:${first.from}${first.to > first.from ? `-${first.to}` : ""}`
      : first.kind === "members"
        ? first.members.length === 1
          ? first.members[0]!
          : `${first.path}!/ (${first.members.length} members)`
        : first.kind === "inline"
          ? first.source
          : first.path;
  return items.length > 1 ? `${one} (+${items.length - 1} more)` : one;
}

/** Checks what came out of Redis before a worker acts on it: a bad payload never succeeds. */
export function parseJobData(value: unknown): JobData {
  const bad = (why: string): never => {
    throw new UnrecoverableError(`malformed job payload: ${why}`);
  };
  if (typeof value !== "object" || value === null) return bad("not an object");
  const v = value as Partial<JobData>;
  if (v.v !== PAYLOAD_VERSION) return bad(`payload version ${String(v.v)}, this worker reads ${PAYLOAD_VERSION}`);
  if (!Array.isArray(v.items) || v.items.length === 0) return bad("no items");
  for (const it of v.items as unknown[]) {
    const i = it as Partial<JobItem> | null;
    if (typeof i !== "object" || i === null) return bad("item is not an object");
    switch (i.kind) {
      case "file":
        if (typeof i.path !== "string") bad("file item without path");
        break;
      case "lines":
        if (typeof i.path !== "string" || ![i.from, i.to, i.start, i.end].every(Number.isInteger) || typeof i.encoding !== "string")
          bad("lines item needs path, from, to, start, end, encoding");
        break;
      case "members":
        if (typeof i.path !== "string" || !Array.isArray(i.members)) bad("members item needs path and members");
        break;
      case "inline":
        if (typeof i.id !== "string" || typeof i.source !== "string") bad("inline item needs id and source");
        break;
      default:
        bad(`unknown item kind ${String((i as { kind?: unknown }).kind)}`);
    }
  }
  if (typeof v.docs !== "number") return bad("no document count");
  if (!Array.isArray(v.hashes) || !v.hashes.every((h) => typeof h === "string")) return bad("no content hashes");
  return v as JobData;
}

/** Failure codes worth a retry: the file may be there on the next attempt (a mount, a permission fix). */
const TRANSIENT_CODES = new Set(["E_NOT_FOUND", "E_ACCESS", "E_READ"]);

export function isTransientFailure(f: Failure): boolean {
  return TRANSIENT_CODES.has(f.code);
}
