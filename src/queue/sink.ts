// Where outcomes go. One Lua script records a job's outcomes atomically: it appends them to the
// results stream (flagged results also to the flagged stream, failures also to the failures stream),
// points each result's content hash at its entry (so another copy of the text reuses the scan),
// and marks the job recorded, unless it was already. So a job retried after its worker died
// between recording and completing adds nothing twice, and a job's entries are contiguous in the
// stream (scripts are atomic), which is how `readJobOutcomes` finds them again.
import type { RedisClient } from "./connection.js";
import { failureLine, parseLine, resultLine } from "../output/lines.js";
import { MASKED } from "../output/redact.js";
import type { LineInfo } from "../runner/task.js";
import type { Outcome } from "../types.js";
import { jobKey, type QueueKeys } from "./keys.js";

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

// A job is recorded once per BullMQ job (the `cfRecorded` field on the job's own hash, which lives
// and dies with it: a retry after a crash finds it), and never again once it has a result (done,
// not redo). A job whose recording held a failure may be sent again and is then recorded anew:
// a failure is never anyone's answer twice.
const RECORDED_LUA = `
local function recorded(jobKey, done, redo, jobId)
  if redis.call('HEXISTS', jobKey, 'cfRecorded') == 1 then return true end
  if redis.call('ZSCORE', done, jobId) and not redis.call('ZSCORE', redo, jobId) then return true end
  return false
end
`;

// KEYS: done redo results flagged failures stats reuse reuseAge job
// ARGV: jobId resultsMax flaggedMax failuresMax reuseMax n, then per outcome: docId ok flagged json hash reused;
// last, BullMQ's key prefix for the queue (<prefix>:scan:), to count the jobs still outstanding.
// Returns {written, first entry id, jobs waiting or in hand}.
const RECORD_LUA = `${RECORDED_LUA}
if recorded(KEYS[9], KEYS[1], KEYS[2], ARGV[1]) then
  redis.call('HINCRBY', KEYS[6], 'duplicates', 1)
  return {0, ''}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[6])
local first = ''
local flagged, failures, reused = 0, 0, 0
for i = 0, n - 1 do
  local b = 7 + i * 6
  local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*',
    'job', ARGV[1], 'doc', ARGV[b], 'ok', ARGV[b + 1], 'flagged', ARGV[b + 2], 'outcome', ARGV[b + 3])
  if first == '' then first = id end
  if ARGV[b + 2] == '1' then
    flagged = flagged + 1
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', 'job', ARGV[1], 'doc', ARGV[b], 'ref', id, 'outcome', ARGV[b + 3])
  end
  if ARGV[b + 1] == '0' then
    failures = failures + 1
    redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*', 'job', ARGV[1], 'doc', ARGV[b], 'ref', id, 'outcome', ARGV[b + 3])
  elseif ARGV[b + 4] ~= '' then
    redis.call('HSET', KEYS[7], ARGV[b + 4], id)
    redis.call('ZADD', KEYS[8], now, ARGV[b + 4])
  end
  if ARGV[b + 5] == '1' then reused = reused + 1 end
end
local over = redis.call('ZCARD', KEYS[8]) - tonumber(ARGV[5])
if over > 0 then
  local old = redis.call('ZPOPMIN', KEYS[8], over)
  for i = 1, #old, 2 do redis.call('HDEL', KEYS[7], old[i]) end
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
if failures > 0 then redis.call('ZADD', KEYS[2], now, ARGV[1]) else redis.call('ZREM', KEYS[2], ARGV[1]) end
if redis.call('EXISTS', KEYS[9]) == 1 then redis.call('HSET', KEYS[9], 'cfRecorded', now) end
redis.call('HINCRBY', KEYS[6], 'jobs', 1)
redis.call('HINCRBY', KEYS[6], 'documents', n)
redis.call('HINCRBY', KEYS[6], 'results', n - failures)
redis.call('HINCRBY', KEYS[6], 'flagged', flagged)
redis.call('HINCRBY', KEYS[6], 'failures', failures)
if reused > 0 then redis.call('HINCRBY', KEYS[6], 'reused', reused) end
if n > 0 and failures == n then redis.call('HINCRBY', KEYS[6], 'failedJobs', 1) end
local q = ARGV[7 + n * 6]
local outstanding = redis.call('LLEN', q .. 'wait') + redis.call('LLEN', q .. 'paused') + redis.call('LLEN', q .. 'active')
  + redis.call('ZCARD', q .. 'delayed') + redis.call('ZCARD', q .. 'prioritized')
-- This job is still in active until BullMQ completes it, but it is not outstanding any more.
if redis.call('EXISTS', KEYS[9]) == 1 and outstanding > 0 then outstanding = outstanding - 1 end
return {1, first, outstanding}
`;

// Before a job is scanned: is it recorded already, and which of its texts have a result to reuse?
// KEYS: job done redo reuse results
// ARGV: jobId, then content hashes
// Returns {1} when recorded, else {0, outcome-json-or-nil per hash}.
const LOOKUP_LUA = `${RECORDED_LUA}
if recorded(KEYS[1], KEYS[2], KEYS[3], ARGV[1]) then return {1} end
local out = {0}
for i = 2, #ARGV do
  local json = false
  local id = redis.call('HGET', KEYS[4], ARGV[i])
  if id then
    local rows = redis.call('XRANGE', KEYS[5], id, id)
    if #rows > 0 then
      local f = rows[1][2]
      for k = 1, #f - 1, 2 do
        if f[k] == 'outcome' then json = f[k + 1] end
      end
    end
  end
  out[i] = json
end
return out
`;

export interface Recorded {
  /** false when the job had already been recorded (nothing was written). */
  written: boolean;
  /** Stream id of the job's first entry ('' when nothing was written). */
  firstId: string;
  /** Jobs waiting or in hand (other than this one) right after it was recorded; undefined when nothing was written. */
  outstanding?: number;
  documents: number;
  flagged: number;
  failures: number;
}

/** One outcome ready for the stream: its line (the one line format, masked), and what the stream keeps beside it. */
export interface OutcomeEntry {
  doc: string;
  ok: boolean;
  flagged: boolean;
  /** The line. */
  json: string;
  /** The masked failure message, for a job's failed reason. */
  message?: string;
  /** Content hash of a result's text: another copy of the text may reuse it instead of being scanned. */
  hash?: string;
  /** The result was another copy's, not a scan of its own. */
  reused?: boolean;
}

/** A line a scan task wrote (runner/task.ts), as a stream entry. */
export function entryOf(line: string, info: LineInfo): OutcomeEntry {
  const entry: OutcomeEntry = { doc: info.id, ok: info.record.ok, flagged: info.record.ok && info.record.flags.length > 0, json: line };
  if (info.message !== undefined) entry.message = info.message;
  if (info.record.ok && info.hash !== undefined) entry.hash = info.hash;
  if (info.reused) entry.reused = true;
  return entry;
}

/**
 * An outcome made outside a scan task (a job that failed for good, a test), as an entry: masked
 * like everything the queue stores.
 */
export function outcomeEntry(o: Outcome): OutcomeEntry {
  if (!o.ok) {
    const f = MASKED.failure(o.failure);
    return { doc: f.id ?? f.source, ok: false, flagged: false, json: failureLine(f), message: f.message };
  }
  const r = { ...o.result, id: MASKED.text(o.result.id), source: MASKED.text(o.result.source) };
  const { contentHash, ...result } = r;
  return { doc: r.id, ok: true, flagged: isFlagged(o), json: contentHash !== undefined ? resultLine(result, contentHash) : JSON.stringify(result) };
}

type ScriptCall<T> = (...args: (string | number)[]) => Promise<T>;

/** Redis caches a script by its SHA: EVALSHA after the first call, not the script text each job. */
function scriptCommand<T>(redis: RedisClient, name: string, numberOfKeys: number, lua: string): ScriptCall<T> {
  const r = redis as unknown as Record<string, ScriptCall<T> | undefined>;
  if (!r[name]) redis.defineCommand(name, { numberOfKeys, lua });
  return r[name]!.bind(redis);
}

export async function recordEntries(
  redis: RedisClient,
  keys: QueueKeys,
  jobId: string,
  entries: readonly OutcomeEntry[],
  limits: SinkLimits = {},
): Promise<Recorded> {
  const resultsMax = limits.resultsMaxLen ?? DEFAULT_RESULTS_MAXLEN;
  const args: (string | number)[] = [
    keys.done,
    keys.redo,
    keys.results,
    keys.flagged,
    keys.failures,
    keys.stats,
    keys.reuse,
    keys.reuseAge,
    jobKey(keys, jobId),
    jobId,
    resultsMax,
    limits.flaggedMaxLen ?? DEFAULT_RESULTS_MAXLEN,
    limits.failuresMaxLen ?? 10_000,
    // Pointers past the results stream's length point at entries trimmed from it.
    resultsMax,
    entries.length,
  ];
  let flagged = 0;
  let failures = 0;
  for (const e of entries) {
    if (e.flagged) flagged++;
    if (!e.ok) failures++;
    args.push(e.doc, e.ok ? "1" : "0", e.flagged ? "1" : "0", e.json, e.hash ?? "", e.reused ? "1" : "0");
  }
  args.push(`${keys.prefix}:${keys.queue}:`);
  const reply = await scriptCommand<[number, string, number?]>(redis, "caseflagRecord", 9, RECORD_LUA)(...args);
  const written = reply[0] === 1;
  return written
    ? { written, firstId: reply[1], documents: entries.length, flagged, failures, outstanding: Number(reply[2] ?? 0) }
    : { written, firstId: "", documents: 0, flagged: 0, failures: 0 };
}

export async function recordOutcomes(
  redis: RedisClient,
  keys: QueueKeys,
  jobId: string,
  outcomes: readonly Outcome[],
  limits: SinkLimits = {},
): Promise<Recorded> {
  return recordEntries(redis, keys, jobId, outcomes.map(outcomeEntry), limits);
}

export interface JobLookup {
  /** Its outcomes are recorded already (a retry after a crash, or a job that has a result). */
  recorded: boolean;
  /** Content hash -> the stored outcome (a result) of an earlier scan of the same text. */
  prior: Record<string, string>;
}

/** One round trip before a job is scanned: recorded already? which of its texts were scanned before? */
export async function lookupJob(redis: RedisClient, keys: QueueKeys, jobId: string, hashes: readonly string[]): Promise<JobLookup> {
  const unique = [...new Set(hashes)];
  const reply = await scriptCommand<(number | string | null)[]>(redis, "caseflagLookup", 5, LOOKUP_LUA)(
    jobKey(keys, jobId),
    keys.done,
    keys.redo,
    keys.reuse,
    keys.results,
    jobId,
    ...unique,
  );
  const prior: Record<string, string> = {};
  if (reply[0] === 1) return { recorded: true, prior };
  unique.forEach((h, i) => {
    const json = reply[i + 1];
    if (typeof json === "string") prior[h] = json;
  });
  return { recorded: false, prior };
}

export interface StreamEntry {
  id: string;
  job: string;
  doc: string;
  /** The outcome line, as the worker wrote it. */
  line: string;
}

export function parseEntry(id: string, fields: string[]): StreamEntry {
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i]!, fields[i + 1]!);
  return { id, job: m.get("job") ?? "", doc: m.get("doc") ?? "", line: m.get("outcome") ?? "" };
}

/**
 * The outcomes recorded for a job, or undefined when the job is not done. `expired` when it is
 * done but its entries were trimmed from the stream (MAXLEN) since.
 */
export async function readJobOutcomes(
  redis: RedisClient,
  keys: QueueKeys,
  jobId: string,
): Promise<{ outcomes: Outcome[]; lines: string[]; expired: boolean } | undefined> {
  const score = await redis.zscore(keys.done, jobId);
  if (score === null) return undefined;
  // Entries were appended by one script run that started at `score` ms, so they sit together at
  // or after that id. Other jobs' entries from the same millisecond may come first.
  let start = `${Math.floor(Number(score))}-0`;
  const lines: string[] = [];
  for (let page = 0; page < 50; page++) {
    const rows = (await redis.xrange(keys.results, start, "+", "COUNT", 200)) as [string, string[]][];
    if (rows.length === 0) break;
    for (const [id, fields] of rows) {
      const e = parseEntry(id, fields);
      if (e.job === jobId) lines.push(e.line);
      else if (lines.length > 0) return { outcomes: lines.map(parseLine), lines, expired: false };
    }
    start = `(${rows[rows.length - 1]![0]}`;
  }
  return { outcomes: lines.map(parseLine), lines, expired: lines.length === 0 };
}
