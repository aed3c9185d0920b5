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
  /** Sorted set: job ids whose outcomes are recorded, scored by the time (ms) they were. */
  done: string;
  /** Hash of counters: jobs (recorded), failedJobs (every document failed), documents, results, flagged, failures, duplicates. */
  stats: string;
  /** Hash: path -> size:mtime of files `watch` has submitted, so a restart does not re-read them. */
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

export function queueKeys(prefix: string = DEFAULT_PREFIX): QueueKeys {
  validatePrefix(prefix);
  return {
    prefix,
    queue: QUEUE_NAME,
    results: `${prefix}:results`,
    flagged: `${prefix}:flagged`,
    failures: `${prefix}:failures`,
    done: `${prefix}:done`,
    stats: `${prefix}:stats`,
    watchSeen: `${prefix}:watch:seen`,
  };
}
