// Where outcomes go. One Lua script records a job's outcomes atomically: it appends them to the
// results stream (flagged results also to the flagged stream, failures also to the failures stream)
// and marks the job done, unless it was already marked. So a job retried after its worker died
// between recording and completing adds nothing twice, and a job's entries are contiguous in the
// stream (scripts are atomic), which is how `readJobOutcomes` finds them again.
import type { RedisClient } from "./connection.js";
import { maskText } from "../score/mask.js";
import type { CaseResult, Outcome } from "../types.js";
import type { QueueKeys } from "./keys.js";

export interface SinkLimits {
  /** Approximate cap of the results stream (XADD MAXLEN ~). Default 100,000 entries. */
  resultsMaxLen?: number;
  /** Approximate cap of the flagged stream. Default 100,000. */
  flaggedMaxLen?: number;
  /** Approximate cap of the failures stream. Default 10,000. */
  failuresMaxLen?: number;
}

export const DEFAULT_RESULTS_MAXLEN = 100_000;

/** A result is flagged when the scoring raised at least one flag (a leak worth an analyst's look). */
export function isFlagged(o: Outcome): boolean {
  return o.ok && o.result.flags.length > 0;
}

// KEYS: done results flagged failures stats
// ARGV: jobId resultsMax flaggedMax failuresMax n, then per outcome: docId ok flagged json
const RECORD_LUA = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('HINCRBY', KEYS[5], 'duplicates', 1)
  return {0, ''}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[5])
local first = ''
local flagged, failures = 0, 0
for i = 0, n - 1 do
  local b = 6 + i * 4
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*',
    'job', ARGV[1], 'doc', ARGV[b], 'ok', ARGV[b + 1], 'flagged', ARGV[b + 2], 'outcome', ARGV[b + 3])
  if first == '' then first = id end
  if ARGV[b + 2] == '1' then
    flagged = flagged + 1
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'job', ARGV[1], 'doc', ARGV[b], 'ref', id, 'outcome', ARGV[b + 3])
  end
  if ARGV[b + 1] == '0' then
    failures = failures + 1
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'job', ARGV[1], 'doc', ARGV[b], 'ref', id, 'outcome', ARGV[b + 3])
  end
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('HINCRBY', KEYS[5], 'jobs', 1)
redis.call('HINCRBY', KEYS[5], 'documents', n)
redis.call('HINCRBY', KEYS[5], 'results', n - failures)
redis.call('HINCRBY', KEYS[5], 'flagged', flagged)
redis.call('HINCRBY', KEYS[5], 'failures', failures)
if n > 0 and failures == n then redis.call('HINCRBY', KEYS[5], 'failedJobs', 1) end
return {1, first}
`;

export interface Recorded {
  /** false when the job had already been recorded (nothing was written). */
  written: boolean;
  /** Stream id of the job's first entry ('' when nothing was written). */
  firstId: string;
  documents: number;
  flagged: number;
  failures: number;
}

/**
 * Results carry masked identifiers only: a raw value never leaves the worker. Failure messages are
 * masked too (a JSON parse error quotes the text around the fault, which may hold an ID number).
 */
export function forStorage(o: Outcome): Outcome {
  if (!o.ok) return { ok: false, failure: { ...o.failure, message: maskText(o.failure.message) } };
  const result: CaseResult = {
    ...o.result,
    findings: o.result.findings.map((f) => {
      if (!("raw" in f)) return f;
      const { raw: _raw, ...rest } = f as typeof f & { raw?: string };
      return rest;
    }),
  };
  return { ok: true, result };
}

/** One outcome ready for the stream: serialised (and masked) where it was produced, in the scan thread. */
export interface OutcomeEntry {
  doc: string;
  ok: boolean;
  flagged: boolean;
  json: string;
  /** The masked failure message, for a job's failed reason. */
  message?: string;
}

export function toEntry(o: Outcome): OutcomeEntry {
  const stored = forStorage(o);
  const entry: OutcomeEntry = {
    doc: stored.ok ? stored.result.id : (stored.failure.id ?? stored.failure.source),
    ok: stored.ok,
    flagged: isFlagged(stored),
    json: JSON.stringify(stored),
  };
  if (!stored.ok) entry.message = stored.failure.message;
  return entry;
}

/** Redis caches the script by its SHA: EVALSHA after the first call, not the script text each job. */
function recordCommand(redis: RedisClient): (...args: (string | number)[]) => Promise<[number, string]> {
  const r = redis as RedisClient & { caseflagRecord?: (...args: (string | number)[]) => Promise<[number, string]> };
  if (!r.caseflagRecord) redis.defineCommand("caseflagRecord", { numberOfKeys: 5, lua: RECORD_LUA });
  return r.caseflagRecord!.bind(redis);
}

export async function recordEntries(
  redis: RedisClient,
  keys: QueueKeys,
  jobId: string,
  entries: readonly OutcomeEntry[],
  limits: SinkLimits = {},
): Promise<Recorded> {
  const args: (string | number)[] = [
    keys.done,
    keys.results,
    keys.flagged,
    keys.failures,
    keys.stats,
    jobId,
    limits.resultsMaxLen ?? DEFAULT_RESULTS_MAXLEN,
    limits.flaggedMaxLen ?? DEFAULT_RESULTS_MAXLEN,
    limits.failuresMaxLen ?? 10_000,
    entries.length,
  ];
  let flagged = 0;
  let failures = 0;
  for (const e of entries) {
    if (e.flagged) flagged++;
    if (!e.ok) failures++;
    args.push(e.doc, e.ok ? "1" : "0", e.flagged ? "1" : "0", e.json);
  }
  const reply = await recordCommand(redis)(...args);
  const written = reply[0] === 1;
  return written
    ? { written, firstId: reply[1], documents: entries.length, flagged, failures }
    : { written, firstId: "", documents: 0, flagged: 0, failures: 0 };
}

export async function recordOutcomes(
  redis: RedisClient,
  keys: QueueKeys,
  jobId: string,
  outcomes: readonly Outcome[],
  limits: SinkLimits = {},
): Promise<Recorded> {
  return recordEntries(redis, keys, jobId, outcomes.map(toEntry), limits);
}

export async function isDone(redis: RedisClient, keys: QueueKeys, jobId: string): Promise<boolean> {
  return (await redis.zscore(keys.done, jobId)) !== null;
}

export interface StreamEntry {
  id: string;
  job: string;
  doc: string;
  outcome: Outcome;
}

export function parseEntry(id: string, fields: string[]): StreamEntry {
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i]!, fields[i + 1]!);
  return { id, job: m.get("job") ?? "", doc: m.get("doc") ?? "", outcome: JSON.parse(m.get("outcome") ?? "null") as Outcome };
}

/**
 * The outcomes recorded for a job, or undefined when the job is not done. `expired` when it is
 * done but its entries were trimmed from the stream (MAXLEN) since.
 */
export async function readJobOutcomes(
  redis: RedisClient,
  keys: QueueKeys,
  jobId: string,
): Promise<{ outcomes: Outcome[]; expired: boolean } | undefined> {
  const score = await redis.zscore(keys.done, jobId);
  if (score === null) return undefined;
  // Entries were appended by one script run that started at `score` ms, so they sit together at
  // or after that id. Other jobs' entries from the same millisecond may come first.
  let start = `${Math.floor(Number(score))}-0`;
  const outcomes: Outcome[] = [];
  for (let page = 0; page < 50; page++) {
    const rows = (await redis.xrange(keys.results, start, "+", "COUNT", 200)) as [string, string[]][];
    if (rows.length === 0) break;
    for (const [id, fields] of rows) {
      const e = parseEntry(id, fields);
      if (e.job === jobId) outcomes.push(e.outcome);
      else if (outcomes.length > 0) return { outcomes, expired: false };
    }
    start = `(${rows[rows.length - 1]![0]}`;
  }
  return { outcomes, expired: outcomes.length === 0 };
}
