// Reading the results (or flagged) stream out as JSONL: each outcome line as the worker wrote it
// (output/lines.ts: the same lines as batch output). Without a consumer
// group it reads from a position (default: the start); with one, Redis remembers what this group
// has acknowledged, so an export can be stopped and resumed without gaps or repeats.
import type { RedisClient } from "./connection.js";
import type { QueueKeys } from "./keys.js";
import { parseEntry } from "./sink.js";

export interface ExportOptions {
  /** Which stream: every outcome, or flagged results only. Default "results". */
  stream?: "results" | "flagged";
  /** Start after this stream id (default: from the beginning). Ignored with a group. */
  after?: string;
  /** Keep waiting for new entries until `signal` aborts. */
  follow?: boolean;
  /** Consumer group name: resume where the group left off; entries are acknowledged once written. */
  group?: string;
  consumer?: string;
  signal?: AbortSignal;
  /** Receives one JSON line (without newline); awaited, so a slow file applies backpressure. */
  write: (line: string) => Promise<void> | void;
}

export interface ExportSummary {
  entries: number;
  lastId: string;
}

type Rows = [string, string[]][];
type XReadReply = [string, Rows][] | null;

const PAGE = 500;
const BLOCK_MS = 1000;

/** `redis` is used for blocking reads when following: give the export its own connection. */
export async function exportResults(redis: RedisClient, keys: QueueKeys, opts: ExportOptions): Promise<ExportSummary> {
  const stream = opts.stream === "flagged" ? keys.flagged : keys.results;
  return opts.group ? exportWithGroup(redis, stream, opts.group, opts) : exportRange(redis, stream, opts);
}

async function emit(rows: Rows, opts: ExportOptions): Promise<number> {
  for (const [id, fields] of rows) await opts.write(parseEntry(id, fields).line);
  return rows.length;
}

async function exportRange(redis: RedisClient, stream: string, opts: ExportOptions): Promise<ExportSummary> {
  let last = opts.after ?? "0-0";
  let entries = 0;
  for (;;) {
    const rows = (await redis.xrange(stream, `(${last}`, "+", "COUNT", PAGE)) as Rows;
    if (rows.length === 0) break;
    entries += await emit(rows, opts);
    last = rows[rows.length - 1]![0];
  }
  while (opts.follow && !opts.signal?.aborted) {
    const reply = (await redis.xread("COUNT", PAGE, "BLOCK", BLOCK_MS, "STREAMS", stream, last)) as XReadReply;
    const rows = reply?.[0]?.[1] ?? [];
    if (rows.length === 0) continue;
    entries += await emit(rows, opts);
    last = rows[rows.length - 1]![0];
  }
  return { entries, lastId: last };
}

async function exportWithGroup(redis: RedisClient, stream: string, group: string, opts: ExportOptions): Promise<ExportSummary> {
  const consumer = opts.consumer ?? "export";
  try {
    await redis.xgroup("CREATE", stream, group, "0", "MKSTREAM");
  } catch (err) {
    if (!String(err).includes("BUSYGROUP")) throw err;
  }
  let entries = 0;
  let last = "";
  // First what this consumer was given but never acknowledged (a previous export that died), then new.
  let cursor = "0";
  for (;;) {
    if (opts.signal?.aborted) break;
    const blocking = cursor === ">" && opts.follow;
    const args: (string | number)[] = ["GROUP", group, consumer, "COUNT", PAGE];
    if (blocking) args.push("BLOCK", BLOCK_MS);
    args.push("STREAMS", stream, cursor);
    const reply = (await (redis.xreadgroup as (...a: (string | number)[]) => Promise<unknown>)(...args)) as XReadReply;
    const raw = reply?.[0]?.[1] ?? [];
    // A pending entry trimmed from the stream since comes back with null fields: acknowledge it too.
    const rows = raw.filter(([, fields]) => fields !== null);
    if (raw.length === 0) {
      if (cursor === "0") {
        cursor = ">";
        continue;
      }
      if (!opts.follow) break;
      continue;
    }
    entries += await emit(rows, opts);
    last = raw[raw.length - 1]![0];
    await redis.xack(stream, group, ...raw.map(([id]) => id));
  }
  return { entries, lastId: last };
}
