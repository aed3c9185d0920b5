// What a job carries, and how its id is derived. A job is one or more documents located by
// reference (a path, an archive member, a JSONL line range with byte offsets) or, for remote
// producers, given inline. The job id is the content hash of the documents it stands for, so the
// same filing submitted twice is the same job; the worker recomputes the hash from what it reads
// and refuses a file that changed after it was submitted.
import { createHash } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import type { ReadOptions } from "../ingest/index.js";
import type { Failure, ReadItem } from "../types.js";

export const PAYLOAD_VERSION = 1;

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
  read?: JobReadOptions;
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

/** One document: its own hash. Several: the hash of their hashes in order. */
export function jobIdOf(hashes: readonly string[]): string {
  if (hashes.length === 1) return hashes[0]!;
  return sha256(hashes.join("\n"));
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

/** The same job data without document text: what stays in Redis for a failed job. */
export function withoutInlineText(data: JobData): JobData {
  return {
    ...data,
    items: data.items.map((it) => {
      if (it.kind !== "inline") return it;
      const { text: _text, meta: _meta, ...rest } = it;
      return rest;
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
  return v as JobData;
}

/** Failure codes worth a retry: the file may be there on the next attempt (a mount, a permission fix). */
const TRANSIENT_CODES = new Set(["E_NOT_FOUND", "E_ACCESS", "E_READ"]);

export function isTransientFailure(f: Failure): boolean {
  return TRANSIENT_CODES.has(f.code);
}
