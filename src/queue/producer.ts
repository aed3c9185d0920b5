// The producer API: submit documents (inline) or inputs (by reference), get job ids back, and wait
// for a job's outcomes. Fails fast: no offline queue, and the first use checks Redis within a few
// seconds, so a program feeding a dead Redis gets a QueueError instead of hanging.
import { Queue, type JobsOptions } from "bullmq";
import { InputError, QueueError } from "../errors.js";
import type { Document, Failure, Outcome } from "../types.js";
import { checkClusterPrefix, connectRedis, describeTarget, queueErrorOf, type RedisOptions, type RedisTarget, type RedisClient } from "./connection.js";
import { DEFAULT_PREFIX, queueKeys, type QueueKeys } from "./keys.js";
import {
  DEFAULT_MAX_INLINE_BYTES, docRef, inlineBytes, jobIdOf, PAYLOAD_VERSION, type InlineItem, type JobData,
} from "./payload.js";
import { planJobs, type PlanOptions, type PlannedJob } from "./plan.js";
import { ensureRunMarker, markerLost, type RunMarker } from "./run-marker.js";
import { parseEntry, readJobOutcomes } from "./sink.js";

export interface ProducerOptions {
  /** redis:// or rediss:// URL (AUTH and TLS in the URL). */
  url?: string;
  /** ioredis options instead of a URL. */
  connection?: RedisOptions;
  /** Key prefix; keep a {hash tag} for Redis Cluster. Default `{caseflag}`. */
  prefix?: string;
  /** Attempts per job before it fails (default 5), with exponential backoff from `backoffMs` (default 1000). */
  attempts?: number;
  backoffMs?: number;
  /** Cap on inline text per job in UTF-8 bytes (default 1 MiB). */
  maxInlineBytes?: number;
  /** How long the first connection may take before a QueueError (default 5,000 ms). */
  connectTimeoutMs?: number;
}

export interface Submitted {
  jobId: string;
  /** First source of the job (+ how many more). */
  source: string;
  documents: number;
  /** It has a result already (the same documents from the same place, scanned before): not queued again. */
  duplicate: boolean;
}

export type SubmitEvent = ({ kind: "submitted" } & Submitted) | { kind: "skipped"; failure: Failure };

export interface JobOutcome {
  jobId: string;
  outcomes: Outcome[];
  /** The same outcomes as the lines the worker wrote (output/lines.ts). */
  lines: string[];
  /** The job is done but its entries were trimmed from the results stream since. */
  expired: boolean;
}

export interface Producer {
  readonly keys: QueueKeys;
  /** Connects (once); rejects with QueueError when Redis cannot be reached. */
  ready(): Promise<void>;
  /** The producer's own connection (fail-fast options), for callers that keep state next to the queue. */
  client(): Promise<RedisClient>;
  /** Submits one document inline; resolves to its job id (a hash of its source, id and text). */
  submit(doc: Document): Promise<string>;
  /** Submits several documents as one inline job (within the inline cap). */
  submitBatch(docs: Document[]): Promise<string>;
  /** Submits files, folders, archives and JSONL dumps by reference (stdin "-" inline). */
  submitInputs(inputs: string[], opts?: PlanOptions): AsyncGenerator<SubmitEvent>;
  /** The outcomes of a job, waiting for them when it is not done yet. */
  waitForResult(jobId: string, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<JobOutcome>;
  close(): Promise<void>;
}

function targetOf(opts: ProducerOptions): RedisTarget {
  if (opts.url !== undefined) return { url: opts.url };
  if (opts.connection !== undefined) return { connection: opts.connection };
  throw new QueueError("createProducer: give `url` or `connection`");
}

export function createProducer(opts: ProducerOptions): Producer {
  const target = targetOf(opts);
  const keys = queueKeys(opts.prefix ?? DEFAULT_PREFIX);
  if ("url" in target) checkClusterPrefix(target.url, keys.prefix);
  const maxInline = opts.maxInlineBytes ?? DEFAULT_MAX_INLINE_BYTES;
  const jobOptions: JobsOptions = {
    attempts: opts.attempts ?? 5,
    backoff: { type: "exponential", delay: opts.backoffMs ?? 1000 },
    // Results live in the results stream, written before the job completes: the job itself
    // (and any inline text in it) can go at once. Failed jobs stay a week for `status`.
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    // A stack trace quotes the error message (a path, a document's words) and helps nobody here.
    stackTraceLimit: 0,
  };
  const connectOpts = { timeoutMs: opts.connectTimeoutMs ?? 5_000 };
  let conn: Promise<{ redis: RedisClient; queue: Queue<JobData>; marker: RunMarker }> | undefined;
  let watcher: ResultWatcher | undefined;

  const connect = () =>
    (conn ??= (async () => {
      const redis = await connectRedis(target, "producer", connectOpts);
      try {
        const marker = await ensureRunMarker(redis, keys);
        const queue = new Queue<JobData>(keys.queue, { connection: redis, prefix: keys.prefix });
        queue.on("error", () => undefined); // surfaced by the failing add() itself
        return { redis, queue, marker };
      } catch (err) {
        redis.disconnect();
        throw queueErrorOf(err, target);
      }
    })());
  /** Redis errors (a connection lost mid-way included) as the one-line QueueError the CLI prints. */
  const redisCall = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw queueErrorOf(err, target);
    }
  };

  const addJobs = (jobs: PlannedJob[]): Promise<Submitted[]> =>
    redisCall(async () => {
      if (jobs.length === 0) return [];
      const { redis, queue } = await connect();
      const ids = jobs.map((j) => j.jobId);
      const [done, redo] = (await Promise.all([redis.zmscore(keys.done, ...ids), redis.zmscore(keys.redo, ...ids)])) as (string | null)[][];
      // A job with a result is not sent again. One whose last outcome held a failure is: its failed
      // BullMQ job (kept for `status`) goes, so the id can be queued anew, and so do its markers, so
      // a waiter sees only the new outcome. A job still locked by a worker recording it right now
      // cannot be removed: that rare one keeps the outcome being recorded.
      const duplicate = new Set<string>();
      for (const [i, id] of ids.entries()) {
        if (done![i] === null) continue;
        if (redo![i] === null || (await queue.remove(id)) === 0) duplicate.add(id);
        else await redis.multi().zrem(keys.done, id).zrem(keys.redo, id).exec();
      }
      const fresh = jobs.filter((j) => !duplicate.has(j.jobId));
      if (fresh.length > 0) {
        // Same id as a job still in the queue: BullMQ keeps the existing one (the same documents, scanned once).
        await queue.addBulk(fresh.map((j) => ({ name: "scan", data: j.data, opts: { ...jobOptions, jobId: j.jobId } })));
      }
      return jobs.map((j) => ({ jobId: j.jobId, source: j.source, documents: j.data.docs, duplicate: duplicate.has(j.jobId) }));
    });

  const inlineJob = (docs: Document[]): PlannedJob => {
    if (docs.length === 0) throw new InputError("E_EMPTY", "-", "submitBatch: no documents");
    const items: InlineItem[] = docs.map((d) => ({ kind: "inline", id: d.id, source: d.source, text: d.text, meta: d.meta }));
    const bytes = inlineBytes(items);
    if (bytes > maxInline) {
      const src = docs[0]!.source;
      throw new InputError("E_TOO_LARGE", src, `${src}: ${bytes} bytes of text is over the ${maxInline}-byte inline limit; submit it by path`);
    }
    const refs = docs.map((d) => docRef({ ok: true, doc: d }));
    const data: JobData = { v: PAYLOAD_VERSION, items, docs: docs.length, hashes: refs.map((r) => r.hash) };
    const jobId = jobIdOf(refs);
    return { jobId, data, source: docs.length > 1 ? `${docs[0]!.source} (+${docs.length - 1} more)` : docs[0]!.source };
  };

  return {
    keys,
    async ready() {
      await redisCall(connect);
    },
    async client() {
      return (await connect()).redis;
    },
    async submit(doc) {
      const [s] = await addJobs([inlineJob([doc])]);
      return s!.jobId;
    },
    async submitBatch(docs) {
      const [s] = await addJobs([inlineJob(docs)]);
      return s!.jobId;
    },
    async *submitInputs(inputs, planOpts = {}) {
      await redisCall(connect);
      let buffer: PlannedJob[] = [];
      const flush = async function* () {
        const out = await addJobs(buffer);
        buffer = [];
        for (const s of out) yield { kind: "submitted" as const, ...s };
      };
      for await (const ev of planJobs(inputs, { maxInlineBytes: maxInline, ...planOpts })) {
        if (ev.kind === "skipped") {
          yield ev;
          continue;
        }
        buffer.push(ev.job);
        if (buffer.length >= 100) yield* flush();
      }
      yield* flush();
    },
    async waitForResult(jobId, waitOpts = {}) {
      const { redis, marker } = await connect();
      watcher ??= new ResultWatcher(target, keys, connectOpts.timeoutMs, marker);
      return redisCall(() => watcher!.wait(redis, jobId, waitOpts.timeoutMs ?? 0, waitOpts.signal));
    },
    async close() {
      await watcher?.close();
      if (!conn) return;
      const c = await conn.catch(() => undefined);
      if (!c) return;
      await c.queue.close().catch(() => undefined);
      await c.redis.quit().catch(() => c.redis.disconnect());
    },
  };
}

/** How often a waiting producer looks whether Redis still holds the queue's data. */
const MARKER_CHECK_MS = 1000;

interface Waiter {
  resolve: (o: JobOutcome) => void;
  reject: (e: Error) => void;
}

/**
 * Follows the results stream on its own connection (XREAD BLOCK) for the jobs someone waits on.
 * Every finished job records at least one entry there, failures included, so this sees them all.
 * About once a second it also looks at the queue's run marker: if Redis lost the queue's data, the
 * jobs waited on will never finish, and every waiter is told so instead of waiting forever.
 */
class ResultWatcher {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private client: Promise<RedisClient> | undefined;
  private lastId: Promise<string> | undefined;
  private looping = false;
  private closed = false;

  constructor(
    private readonly target: RedisTarget,
    private readonly keys: QueueKeys,
    private readonly timeoutMs: number,
    private readonly marker: RunMarker,
  ) {}

  async wait(redis: RedisClient, jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<JobOutcome> {
    this.lastId ??= redis.xrevrange(this.keys.results, "+", "-", "COUNT", 1).then((r) => (r as [string, string[]][])[0]?.[0] ?? "0-0");
    await this.lastId;
    // Register, then check: an entry written before the check is found by it, one written after
    // is read by the loop (which only moves forward from where it stood at registration).
    let waiter!: Waiter;
    const result = new Promise<JobOutcome>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const set = this.waiters.get(jobId);
        set?.delete(waiter);
        if (set && set.size === 0) this.waiters.delete(jobId);
      };
      waiter = {
        resolve: (o) => (cleanup(), resolve(o)),
        reject: (e) => (cleanup(), reject(e)),
      };
      const onAbort = () => waiter.reject(new QueueError(`stopped waiting for job ${jobId}`));
      if (timeoutMs > 0) timer = setTimeout(() => waiter.reject(new QueueError(`no outcome for job ${jobId} within ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      const set = this.waiters.get(jobId) ?? new Set<Waiter>();
      set.add(waiter);
      this.waiters.set(jobId, set);
    });
    void this.loop(redis);
    try {
      const done = await readJobOutcomes(redis, this.keys, jobId);
      if (done) waiter.resolve({ jobId, ...done });
    } catch (err) {
      waiter.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return result;
  }

  private async loop(redis: RedisClient): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      this.client ??= connectRedis(this.target, "reader", { timeoutMs: this.timeoutMs });
      const blocking = await this.client;
      let last = await this.lastId!;
      let checked = Date.now();
      while (!this.closed && this.waiters.size > 0) {
        if (Date.now() - checked >= MARKER_CHECK_MS) {
          checked = Date.now();
          if (await markerLost(redis, this.keys, this.marker)) {
            throw new QueueError(
              `the queue's data is gone from Redis at ${describeTarget(this.target)} (restarted without persistence, or flushed): jobs submitted before will never finish`,
            );
          }
        }
        const reply = (await blocking.xread("COUNT", 1000, "BLOCK", 2000, "STREAMS", this.keys.results, last)) as
          | [string, [string, string[]][]][]
          | null;
        const rows = reply?.[0]?.[1] ?? [];
        const hit = new Set<string>();
        for (const [id, fields] of rows) {
          last = id;
          const job = parseEntry(id, fields).job;
          if (this.waiters.has(job)) hit.add(job);
        }
        this.lastId = Promise.resolve(last);
        for (const job of hit) {
          const got = await readJobOutcomes(redis, this.keys, job);
          if (!got) continue;
          for (const w of [...(this.waiters.get(job) ?? [])]) w.resolve({ jobId: job, ...got });
        }
      }
    } catch (err) {
      const e = queueErrorOf(err, this.target);
      for (const set of this.waiters.values()) for (const w of [...set]) w.reject(e);
    } finally {
      this.looping = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = await this.client?.catch(() => undefined);
    c?.disconnect();
  }
}
