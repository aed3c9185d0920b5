// What a job carries, and how its id is derived. A job is one or more documents located by
// reference (a path, an archive member, a JSONL line range with byte offsets) or, for remote
// producers, given inline. The job id is the hash of what it stands for: each document's source,
// id and content hash. So the same filing sent again from the same place is the same job (and a
// no-op once it has a result), while the same text under another name is a job of its own with an
// outcome of its own (its scan may be reused: see sink.ts). The worker recomputes the id from what
// it reads and refuses a file that changed after it was submitted.
import { UnrecoverableError } from "bullmq";
import type { ReadOptions } from "../ingest/index.js";
import { MASKED } from "../output/redact.js";
import type { DocumentRef } from "../runner/sources.js";

/** 2: job ids cover each document's source and id, and jobs carry their documents' content hashes. */
export const PAYLOAD_VERSION = 2;

/** Default cap for inline text in one job (UTF-8 bytes, all documents together). */
export const DEFAULT_MAX_INLINE_BYTES = 1024 * 1024;

/** A job's documents, by reference (see runner/sources.ts). */
export type JobItem = DocumentRef;
export type { FileItem, InlineItem, LinesItem, MembersItem } from "../runner/sources.js";

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

export { docRef, refsId as jobIdOf, itemHash, sha256, type DocRef } from "../ingest/identity.js";
export { describeRefs as describeItems, isTransientFailure } from "../runner/sources.js";

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
          return { kind: "inline", id: MASKED.text(it.id), source: MASKED.text(it.source) };
        case "members":
          return { ...it, path: MASKED.text(it.path), members: it.members.map(MASKED.text) };
        default:
          return { ...it, path: MASKED.text(it.path) };
      }
    }),
  };
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
