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

// Records the outcomes of one or more jobs, each as if alone: a job recorded already adds nothing
// (a duplicate), any other gets its entries appended contiguously and its recorded marks. One
// script run for several jobs is one round trip and one atomic step: a worker killed while a
// batch is in flight has recorded all of its jobs or none of them.
// KEYS: done redo results flagged failures stats reuse reuseAge, then each job's BullMQ hash.
// ARGV: resultsMax flaggedMax failuresMax reuseMax queuePrefix jobs, then per job: jobId n, then
// per outcome: docId ok flagged json hash reused. queuePrefix is BullMQ's key prefix for the queue
// (<prefix>:scan:), to count the jobs still outstanding.
// Returns {jobs waiting or in hand after this, then per job: written (1/0), first entry id}.
const RECORD_LUA = `${RECORDED_LUA}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local jobs = tonumber(ARGV[6])
local reply = {0}
local a = 7
local tJobs, tDocs, tResults, tFlagged, tFailures, tReused, tFailedJobs, tDuplicates, inHand = 0, 0, 0, 0, 0, 0, 0, 0, 0
for j = 1, jobs do
  local jobKey = KEYS[8 + j]
  local jobId = ARGV[a]
  local n = tonumber(ARGV[a + 1])
  local base = a + 2
  a = base + n * 6
  if recorded(jobKey, KEYS[1], KEYS[2], jobId) then
    tDuplicates = tDuplicates + 1
    reply[#reply + 1] = 0
    reply[#reply + 1] = ''
  else
    local first = ''
    local flagged, failures = 0, 0
    for i = 0, n - 1 do
      local b = base + i * 6
      local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*',
        'job', jobId, 'doc', ARGV[b], 'ok', ARGV[b + 1], 'flagged', ARGV[b + 2], 'outcome', ARGV[b + 3])
      if first == '' then first = id end
      if ARGV[b + 2] == '1' then
        flagged = flagged + 1
        redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', 'job', jobId, 'doc', ARGV[b], 'ref', id, 'outcome', ARGV[b + 3])
      end
      if ARGV[b + 1] == '0' then
        failures = failures + 1
        redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[3], '*', 'job', jobId, 'doc', ARGV[b], 'ref', id, 'outcome', ARGV[b + 3])
      elseif ARGV[b + 4] ~= '' then
        redis.call('HSET', KEYS[7], ARGV[b + 4], id)
        redis.call('ZADD', KEYS[8], now, ARGV[b + 4])
      end
      if ARGV[b + 5] == '1' then tReused = tReused + 1 end
    end
    redis.call('ZADD', KEYS[1], now, jobId)
    if failures > 0 then redis.call('ZADD', KEYS[2], now, jobId) else redis.call('ZREM', KEYS[2], jobId) end
    if redis.call('EXISTS', jobKey) == 1 then
      redis.call('HSET', jobKey, 'cfRecorded', now)
      inHand = inHand + 1
    end
    tJobs = tJobs + 1
    tDocs = tDocs + n
    tResults = tResults + n - failures
    tFlagged = tFlagged + flagged
    tFailures = tFailures + failures
    if n > 0 and failures == n then tFailedJobs = tFailedJobs + 1 end
    reply[#reply + 1] = 1
    reply[#reply + 1] = first
  end
end
local over = redis.call('ZCARD', KEYS[8]) - tonumber(ARGV[4])
if over > 0 then
  local old = redis.call('ZPOPMIN', KEYS[8], over)
  for i = 1, #old, 2 do redis.call('HDEL', KEYS[7], old[i]) end
end
if tDuplicates > 0 then redis.call('HINCRBY', KEYS[6], 'duplicates', tDuplicates) end
if tJobs > 0 then
  redis.call('HINCRBY', KEYS[6], 'jobs', tJobs)
  redis.call('HINCRBY', KEYS[6], 'documents', tDocs)
  redis.call('HINCRBY', KEYS[6], 'results', tResults)
  redis.call('HINCRBY', KEYS[6], 'flagged', tFlagged)
  redis.call('HINCRBY', KEYS[6], 'failures', tFailures)
  if tReused > 0 then redis.call('HINCRBY', KEYS[6], 'reused', tReused) end
  if tFailedJobs > 0 then redis.call('HINCRBY', KEYS[6], 'failedJobs', tFailedJobs) end
  local q = ARGV[5]
  local outstanding = redis.call('LLEN', q .. 'wait') + redis.call('LLEN', q .. 'paused') + redis.call('LLEN', q .. 'active')
    + redis.call('ZCARD', q .. 'delayed') + redis.call('ZCARD', q .. 'prioritized')
  -- The jobs just recorded are still active until BullMQ completes them, but not outstanding any more.
  reply[1] = math.max(0, outstanding - inHand)
end
return reply
`;

// Before jobs are scanned: is each recorded already, and which of its texts have a result to reuse?
// KEYS: done redo reuse results, then each job's BullMQ hash.
// ARGV: jobs, then per job: jobId, number of hashes, the content hashes.
// Returns per job {1} when recorded, else {0, outcome-json-or-false per hash}.
const LOOKUP_LUA = `${RECORDED_LUA}
local jobs = tonumber(ARGV[1])
local reply = {}
local a = 2
for j = 1, jobs do
  local jobId = ARGV[a]
  local n = tonumber(ARGV[a + 1])
  local base = a + 2
  a = base + n
  if recorded(KEYS[4 + j], KEYS[1], KEYS[2], jobId) then
    reply[j] = {1}
  else
    local out = {0}
    for i = 0, n - 1 do
      local json = false
      local id = redis.call('HGET', KEYS[3], ARGV[base + i])
      if id then
        local rows = redis.call('XRANGE', KEYS[4], id, id)
        if #rows > 0 then
          local f = rows[1][2]
          for k = 1, #f - 1, 2 do
            if f[k] == 'outcome' then json = f[k + 1] end
          end
        end
      end
      out[i + 2] = json
    end
    reply[j] = out
  end
end
return reply
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
  /** The line (bytes as the scan thread wrote them, or a string). */
  json: string | Buffer;
  /** The masked failure message, for a job's failed reason. */
  message?: string;
  /** Content hash of a result's text: another copy of the text may reuse it instead of being scanned. */
  hash?: string;
  /** The result was another copy's, not a scan of its own. */
  reused?: boolean;
}

/** A line a scan task wrote (runner/task.ts), as a stream entry. */
export function entryOf(line: string | Buffer, info: LineInfo): OutcomeEntry {
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

type ScriptArg = string | number | Buffer;
type ScriptCall<T> = (...args: ScriptArg[]) => Promise<T>;

/**
 * Redis caches a script by its SHA: EVALSHA after the first call, not the script text each job.
 * The first argument of a call is the number of keys (jobs bring one key each).
 */
function scriptCommand<T>(redis: RedisClient, name: string, lua: string): ScriptCall<T> {
  const r = redis as unknown as Record<string, ScriptCall<T> | undefined>;
  if (!r[name]) redis.defineCommand(name, { lua });
  return r[name]!.bind(redis);
}

/** One job's outcomes to record. */
export interface JobEntries {
  jobId: string;
  entries: readonly OutcomeEntry[];
}

/** Most outcomes one recording call carries (more jobs wait for the next call), so no call holds Redis long. */
export const MAX_ENTRIES_PER_CALL = 256;

/**
 * Records several jobs' outcomes in one script run (one round trip, one atomic step), each job as
 * if alone: one recorded already is a duplicate and adds nothing. Replies in the jobs' order.
 */
export async function recordJobs(redis: RedisClient, keys: QueueKeys, jobs: readonly JobEntries[], limits: SinkLimits = {}): Promise<Recorded[]> {
  if (jobs.length === 0) return [];
  const resultsMax = limits.resultsMaxLen ?? DEFAULT_RESULTS_MAXLEN;
  const keyArgs: ScriptArg[] = [keys.done, keys.redo, keys.results, keys.flagged, keys.failures, keys.stats, keys.reuse, keys.reuseAge];
  for (const j of jobs) keyArgs.push(jobKey(keys, j.jobId));
  const args: ScriptArg[] = [
    resultsMax,
    limits.flaggedMaxLen ?? DEFAULT_RESULTS_MAXLEN,
    limits.failuresMaxLen ?? 10_000,
    // Pointers past the results stream's length point at entries trimmed from it.
    resultsMax,
    `${keys.prefix}:${keys.queue}:`,
    jobs.length,
  ];
  const counts = jobs.map((j) => {
    let flagged = 0;
    let failures = 0;
    args.push(j.jobId, j.entries.length);
    for (const e of j.entries) {
      if (e.flagged) flagged++;
      if (!e.ok) failures++;
      args.push(e.doc, e.ok ? "1" : "0", e.flagged ? "1" : "0", e.json, e.hash ?? "", e.reused ? "1" : "0");
    }
    return { flagged, failures };
  });
  const reply = await scriptCommand<(number | string)[]>(redis, "caseflagRecordJobs", RECORD_LUA)(keyArgs.length, ...keyArgs, ...args);
  const outstanding = Number(reply[0] ?? 0);
  return jobs.map((j, i) =>
    reply[1 + i * 2] === 1
      ? { written: true, firstId: String(reply[2 + i * 2]), documents: j.entries.length, ...counts[i]!, outstanding }
      : { written: false, firstId: "", documents: 0, flagged: 0, failures: 0 },
  );
}

export async function recordEntries(
  redis: RedisClient,
  keys: QueueKeys,
  jobId: string,
  entries: readonly OutcomeEntry[],
  limits: SinkLimits = {},
): Promise<Recorded> {
  return (await recordJobs(redis, keys, [{ jobId, entries }], limits))[0]!;
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

/** One job to look up: its id and its documents' content hashes. */
export interface JobHashes {
  jobId: string;
  hashes: readonly string[];
}

/** One round trip before jobs are scanned: recorded already? which of their texts were scanned before? */
export async function lookupJobs(redis: RedisClient, keys: QueueKeys, jobs: readonly JobHashes[]): Promise<JobLookup[]> {
  if (jobs.length === 0) return [];
  const keyArgs: ScriptArg[] = [keys.done, keys.redo, keys.reuse, keys.results];
  const args: ScriptArg[] = [jobs.length];
  const uniques = jobs.map((j) => {
    keyArgs.push(jobKey(keys, j.jobId));
    const unique = [...new Set(j.hashes)];
    args.push(j.jobId, unique.length, ...unique);
    return unique;
  });
  const reply = await scriptCommand<(number | string | null)[][]>(redis, "caseflagLookupJobs", LOOKUP_LUA)(keyArgs.length, ...keyArgs, ...args);
  return uniques.map((unique, j) => {
    const row = reply[j] ?? [];
    const prior: Record<string, string> = {};
    if (row[0] === 1) return { recorded: true, prior };
    unique.forEach((h, i) => {
      const json = row[i + 1];
      if (typeof json === "string") prior[h] = json;
    });
    return { recorded: false, prior };
  });
}

export async function lookupJob(redis: RedisClient, keys: QueueKeys, jobId: string, hashes: readonly string[]): Promise<JobLookup> {
  return (await lookupJobs(redis, keys, [{ jobId, hashes }]))[0]!;
}

/**
 * What a worker calls per job, sent as few script runs as the traffic allows: calls made in the
 * same turn of the event loop, or while the previous run is on its way, go together in one run;
 * recordings also wait up to RECORD_WAIT_MS for company (a job in hand is not waiting for its
 * recording: the scan threads have the next ones). Each job is still recorded exactly once, its
 * entries together, and the run that records a batch is atomic: a worker that dies before or
 * while one is on its way has recorded every job of it or none (the stalled jobs then come back
 * and are recorded, or found recorded, as before).
 */
export interface Sink {
  lookup(jobId: string, hashes: readonly string[]): Promise<JobLookup>;
  record(jobId: string, entries: readonly OutcomeEntry[]): Promise<Recorded>;
}

/** How long a recording waits for others to go with it (ms), unless RECORD_BATCH_ENTRIES are waiting. */
export const RECORD_WAIT_MS = 2;
/** Outcomes waiting that are worth a script run at once. */
export const RECORD_BATCH_ENTRIES = 32;

export function createSink(redis: RedisClient, keys: QueueKeys, limits: SinkLimits = {}): Sink {
  const lookup = coalesce<JobHashes, JobLookup>((jobs) => lookupJobs(redis, keys, jobs), (j) => j.hashes.length, { waitMs: 0, enough: 1 });
  const record = coalesce<JobEntries, Recorded>((jobs) => recordJobs(redis, keys, jobs, limits), (j) => j.entries.length, {
    waitMs: RECORD_WAIT_MS,
    enough: RECORD_BATCH_ENTRIES,
  });
  return {
    lookup: (jobId, hashes) => lookup({ jobId, hashes }),
    record: (jobId, entries) => record({ jobId, entries }),
  };
}

/**
 * One call at a time on its way. Items wait for the end of the event loop's turn, or up to
 * `waitMs` until `enough` (by `size`) are waiting; what comes while a call is on its way goes in
 * the next. A call takes up to MAX_ENTRIES_PER_CALL by `size` (at least one item). Replies go
 * back item by item, and an error to every item of its call.
 */
function coalesce<I, O>(run: (items: I[]) => Promise<O[]>, size: (item: I) => number, policy: { waitMs: number; enough: number }): (item: I) => Promise<O> {
  const waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let waitingSize = 0;
  let busy = false;
  let soon: NodeJS.Immediate | undefined;
  let later: NodeJS.Timeout | undefined;
  const send = (): void => {
    if (soon) clearImmediate(soon);
    if (later) clearTimeout(later);
    soon = later = undefined;
    if (busy || waiting.length === 0) return;
    let n = 0;
    let total = 0;
    while (n < waiting.length && (n === 0 || total + size(waiting[n]!.item) <= MAX_ENTRIES_PER_CALL)) total += size(waiting[n++]!.item);
    const batch = waiting.splice(0, n);
    waitingSize -= total;
    busy = true;
    run(batch.map((b) => b.item))
      .then(
        (outs) => batch.forEach((b, i) => b.resolve(outs[i]!)),
        (err: unknown) => batch.forEach((b) => b.reject(err)),
      )
      .finally(() => {
        busy = false;
        schedule();
      });
  };
  const schedule = (): void => {
    if (busy || waiting.length === 0) return;
    if (policy.waitMs <= 0 || waitingSize >= policy.enough) soon ??= setImmediate(send);
    else later ??= setTimeout(send, policy.waitMs);
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      waitingSize += size(item);
      schedule();
    });
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
