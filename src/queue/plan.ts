// Producer side of a reference: inputs (files, folders, archives, JSONL dumps, stdin) -> jobs.
// Every document is read once here to learn its content hash (which, with its source and id, makes
// the job id); the job itself carries only where the documents are, and their hashes. Consecutive
// documents are grouped `batch` at a time; a JSONL dump becomes line ranges with byte offsets, an
// archive lists of member names.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import {
  defaultRegistry, detectEncoding, isFailure, readSource, stdinSource, walkInputs,
  type InputSource, type ReadOptions, type WalkOptions,
} from "../ingest/index.js";
import type { Failure, ReadItem } from "../types.js";
import {
  DEFAULT_MAX_INLINE_BYTES, describeItems, docRef, jobIdOf, PAYLOAD_VERSION,
  type DocRef, type JobData, type JobItem, type JobReadOptions,
} from "./payload.js";
import { InputError } from "../errors.js";

export interface PlannedJob {
  jobId: string;
  data: JobData;
  /** The job's documents, for a line of output: first source (+ how many more). */
  source: string;
}

/** A job to submit, or an input that cannot be submitted at all (missing path, unreadable stdin). */
export type PlanEvent = { kind: "job"; job: PlannedJob } | { kind: "skipped"; failure: Failure };

export interface PlanOptions {
  /** Documents per job (default 1). More amortises queue overhead for small documents. */
  batch?: number;
  read?: JobReadOptions;
  walk?: Omit<WalkOptions, "maxBytes">;
  /** stdin is carried inline (there is nothing to refer to): cap per job. */
  maxInlineBytes?: number;
  stdin?: NodeJS.ReadableStream;
}

interface Pending {
  items: JobItem[];
  refs: DocRef[];
}

export async function* planJobs(inputs: string[], opts: PlanOptions = {}): AsyncGenerator<PlanEvent> {
  const batch = Math.max(1, opts.batch ?? 1);
  const read: ReadOptions = { ...(opts.read ?? {}) };
  const walk: WalkOptions & ReadOptions = { ...(opts.walk ?? {}), ...read };
  let pending: Pending = { items: [], refs: [] };

  const flush = (): PlannedJob | undefined => {
    if (pending.refs.length === 0) return undefined;
    const data: JobData = { v: PAYLOAD_VERSION, items: pending.items, docs: pending.refs.length, hashes: pending.refs.map((r) => r.hash) };
    if (opts.read && Object.keys(opts.read).length > 0) data.read = opts.read;
    const job = { jobId: jobIdOf(pending.refs), data, source: describeItems(pending.items) };
    pending = { items: [], refs: [] };
    return job;
  };
  /** Adds one unit (an item and what it yields); units are never split across jobs. */
  function* add(item: JobItem, refs: DocRef[]): Generator<PlanEvent> {
    if (refs.length === 0) return;
    const last = pending.items[pending.items.length - 1];
    if (last && !merge(last, item)) pending.items.push(item);
    else if (!last) pending.items.push(item);
    pending.refs.push(...refs);
    if (pending.refs.length >= batch) {
      const job = flush();
      if (job) yield { kind: "job", job };
    }
  }

  for (const input of inputs) {
    if (input === "-") {
      yield* planStdin(opts.stdin ?? process.stdin, read, opts.maxInlineBytes ?? DEFAULT_MAX_INLINE_BYTES);
      continue;
    }
    const abs = resolve(input);
    for await (const w of walkInputs([abs], walk)) {
      if (isFailure(w)) {
        const cut = w.source.indexOf("!/");
        // A member the walk refused (bomb, too big, too deep) is recorded through the queue like
        // any malformed document; a path that is not there at all cannot be.
        if (cut > 0) yield* add({ kind: "members", path: w.source.slice(0, cut), members: [w.source] }, [docRef({ ok: false, failure: w })]);
        else yield { kind: "skipped", failure: w };
        continue;
      }
      const cut = w.name.indexOf("!/");
      if (cut > 0) {
        yield* add({ kind: "members", path: w.name.slice(0, cut), members: [w.name] }, await refsOf(readSource(w, read)));
      } else if (defaultRegistry().holds(w.name) === "lines") {
        for await (const ev of planJsonl(w, read)) {
          if (ev.kind === "skipped") yield ev;
          else yield* add(ev.item, ev.refs);
        }
      } else {
        const refs = await refsOf(readSource(w, read));
        if (refs.length === 0) yield { kind: "skipped", failure: { source: w.name, code: "E_EMPTY", message: `${w.name}: no documents` } };
        yield* add({ kind: "file", path: w.name }, refs);
      }
    }
  }
  const job = flush();
  if (job) yield { kind: "job", job };
}

async function refsOf(items: AsyncIterable<ReadItem>): Promise<DocRef[]> {
  const out: DocRef[] = [];
  for await (const it of items) out.push(docRef(it));
  return out;
}

/** Extends `last` with `next` when they are adjacent parts of one file; true when merged. */
function merge(last: JobItem, next: JobItem): boolean {
  // Lines of one dump arrive in order and only blank lines are skipped between them, so a gap is
  // blank lines the worker skips too.
  if (last.kind === "lines" && next.kind === "lines" && last.path === next.path && next.start >= last.end) {
    last.to = next.to;
    last.end = next.end;
    return true;
  }
  if (last.kind === "members" && next.kind === "members" && last.path === next.path) {
    last.members.push(...next.members);
    return true;
  }
  return false;
}

type JsonlEvent = { kind: "line"; item: JobItem; refs: DocRef[] } | { kind: "skipped"; failure: Failure };

/** One JSONL dump -> one unit a line, each with its byte range. UTF-16 dumps go whole (LF bytes sit inside characters). */
async function* planJsonl(src: InputSource, read: ReadOptions): AsyncGenerator<JsonlEvent> {
  const path = src.name;
  let encoding: string;
  let bomLength: number;
  try {
    const head = await readHead(path, 64 * 1024);
    ({ encoding, bomLength } = detectEncoding(head, path, { complete: false, ...(read.encoding !== undefined ? { forced: read.encoding } : {}) }));
  } catch {
    encoding = "";
    bomLength = 0;
  }
  if (encoding === "" || encoding.startsWith("utf-16")) {
    // Not line-addressable by bytes (or not decodable at all): the whole file is one unit.
    yield { kind: "line", item: { kind: "file", path }, refs: await refsOf(readSource(src, read)) };
    return;
  }
  const index = createLineIndex(path, bomLength);
  try {
    for await (const it of readSource(src, read)) {
      const line = it.ok ? lineOf(it.doc.source, path) : it.failure.line;
      if (line === undefined) {
        // A failure of the whole file after some lines (e.g. it vanished): nothing to point at.
        yield { kind: "skipped", failure: it.ok ? { source: it.doc.source, code: "E_READ", message: `${it.doc.source}: no line number` } : it.failure };
        continue;
      }
      const start = await index.offsetOf(line);
      const end = await index.offsetOf(line + 1);
      yield { kind: "line", item: { kind: "lines", path, from: line, to: line, start, end, encoding }, refs: [docRef(it)] };
    }
  } finally {
    index.close();
  }
}

function lineOf(source: string, path: string): number | undefined {
  if (!source.startsWith(path + ":")) return undefined;
  const n = Number(source.slice(path.length + 1));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Byte offset where each line starts, found by one forward pass over the file; queries must not
 * go backwards (planJsonl asks in line order). A line past the end starts at the file size.
 */
export function createLineIndex(path: string, bomLength: number) {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let line = 1; // the line starting at `lineStart`
  let lineStart = bomLength;
  let chunk: Buffer = Buffer.alloc(0);
  let chunkBase = 0; // file offset of chunk[0]
  let pos = bomLength; // next file offset to scan
  let eof = false;
  return {
    async offsetOf(target: number): Promise<number> {
      if (target < line) throw new Error(`line index for ${path} asked backwards (${target} < ${line})`);
      while (line < target) {
        if (pos - chunkBase >= chunk.length) {
          if (eof) return pos;
          chunkBase += chunk.length;
          const next = await it.next();
          if (next.done) {
            eof = true;
            chunk = Buffer.alloc(0);
            return pos;
          }
          chunk = next.value;
          continue;
        }
        const nl = chunk.indexOf(0x0a, pos - chunkBase);
        if (nl === -1) {
          pos = chunkBase + chunk.length;
          continue;
        }
        pos = chunkBase + nl + 1;
        line++;
        lineStart = pos;
      }
      return lineStart;
    },
    close(): void {
      stream.destroy();
    },
  };
}

async function* planStdin(stdin: NodeJS.ReadableStream, read: ReadOptions, maxInline: number): AsyncGenerator<PlanEvent> {
  for await (const it of readSource(stdinSource(stdin), read)) {
    if (!it.ok) {
      yield { kind: "skipped", failure: it.failure };
      continue;
    }
    const bytes = Buffer.byteLength(it.doc.text, "utf8");
    if (bytes > maxInline) {
      const e = new InputError("E_TOO_LARGE", it.doc.source, `${it.doc.source}: ${bytes} bytes is over the ${maxInline}-byte inline limit`);
      yield { kind: "skipped", failure: { source: it.doc.source, code: e.code, message: e.message } };
      continue;
    }
    const item: JobItem = { kind: "inline", id: it.doc.id, source: it.doc.source, text: it.doc.text, meta: it.doc.meta };
    const ref = docRef(it);
    const data: JobData = { v: PAYLOAD_VERSION, items: [item], docs: 1, hashes: [ref.hash] };
    yield { kind: "job", job: { jobId: jobIdOf([ref]), data, source: it.doc.source } };
  }
}
