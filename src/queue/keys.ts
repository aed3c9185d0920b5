// Every Redis key caseflag uses, derived from one prefix. The default prefix is a hash tag
// (`{caseflag}`), so BullMQ's keys and ours all hash to one Redis Cluster slot: the Lua scripts
// that touch several of them at once are legal on a cluster.
import { UsageError } from "../errors.js";

export const DEFAULT_PREFIX = "{caseflag}";
export const QUEUE_NAME = "scan";

export interface QueueKeys {
  prefix: string;
  /** BullMQ queue name (its keys are `<prefix>:scan:*`). */
  queue: string;
  /** Stream of every outcome (result or failure), one entry a document. */
  results: string;
  /** Stream of flagged results only. */
  flagged: string;
  /** Stream of document failures only (for `status`). */
  failures: string;
  /** Sorted set: job ids whose outcomes are recorded, scored by the time (ms) they last were. */
  done: string;
  /** Sorted set: job ids whose last recording held a failure: sent again, they are scanned again. */
  redo: string;
  /** Hash: content hash -> results stream id of a result for that text, so another copy of it is not scanned again. */
  reuse: string;
  /** Sorted set: content hash -> when `reuse` last pointed it somewhere (trims `reuse` to the stream's size). */
  reuseAge: string;
  /** Hash: the queue's run marker (`epoch`, `created`) and what is known of data Redis lost (`lostAt`, `lost`). */
  meta: string;
  /** Hash of counters: jobs (recorded), failedJobs (every document failed), documents, results, flagged, failures, duplicates, reused. */
  stats: string;
  /** Hash: sha256(path) -> size:mtime of files `watch` has submitted, so a restart does not re-read them. */
  watchSeen: string;
}

export function validatePrefix(prefix: string): string {
  if (prefix === "" || /\s/.test(prefix)) throw new UsageError(`--prefix: must be non-empty without spaces, got "${prefix}"`);
  if (prefix.endsWith(":")) throw new UsageError(`--prefix: must not end with ":" (caseflag adds it), got "${prefix}"`);
  return prefix;
}

/** True when every key shares one cluster slot: the prefix starts with a non-empty {hash tag}. */
export function hasHashTag(prefix: string): boolean {
  return /^[^{]*\{[^}]+\}/.test(prefix);
}

/** The BullMQ hash of one job (its data, state and, once recorded, caseflag's `cfRecorded` mark). */
export function jobKey(keys: QueueKeys, jobId: string): string {
  return `${keys.prefix}:${keys.queue}:${jobId}`;
}

export function queueKeys(prefix: string = DEFAULT_PREFIX): QueueKeys {
  validatePrefix(prefix);
  return {
    prefix,
    queue: QUEUE_NAME,
    results: `${prefix}:results`,
    flagged: `${prefix}:flagged`,
    failures: `${prefix}:failures`,
    done: `${prefix}:done`,
    redo: `${prefix}:redo`,
    reuse: `${prefix}:reuse`,
    reuseAge: `${prefix}:reuse:age`,
    meta: `${prefix}:meta`,
    stats: `${prefix}:stats`,
    watchSeen: `${prefix}:watch:seen`,
  };
}
