// Redis URLs -> ioredis clients with the options each role needs. Workers wait out a Redis outage
// (maxRetriesPerRequest null, commands queue until reconnect); producers and readers fail fast
// (no offline queue, one connect attempt checked up front) so a CLI never hangs on a dead Redis.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { Cluster, Redis, type RedisOptions as IORedisOptions } from "ioredis";
import { CaseflagError, QueueError, UsageError } from "../errors.js";
import { hasHashTag } from "./keys.js";

/** ioredis options without `replyMapping`, whose `| undefined` clashes with exactOptionalPropertyTypes. */
export type RedisOptions = Omit<IORedisOptions, "replyMapping">;

export type RedisRole = "worker" | "producer" | "reader";

/** A standalone Redis or a Redis Cluster client: caseflag uses either the same way. */
export type RedisClient = Redis | Cluster;

/** What a queue command or API needs to reach Redis: a URL, or options already parsed. */
export type RedisTarget = { url: string } | { connection: RedisOptions };

/**
 * `redis://[user][:password@]host[:port][/db]` or `rediss://...` (TLS). TLS query parameters:
 * `ca=/path/ca.pem` (trust a private CA), `servername=name` (SNI/verification name),
 * `insecure=1` (skip certificate verification; for test setups only). `cluster=1` makes the host a
 * Redis Cluster seed node (`nodes=h2:p2,h3:p3` adds seeds); see clusterSeedsOf.
 */
export function parseRedisUrl(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--redis: not a URL: ${redactUrl(url)}`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new UsageError(`--redis: expected redis:// or rediss://, got ${u.protocol}//`);
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
  const opts: RedisOptions = { host, port: u.port ? Number(u.port) : 6379 };
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  const dbPath = u.pathname.replace(/^\//, "");
  if (dbPath !== "") {
    const db = Number(dbPath);
    if (!Number.isInteger(db) || db < 0) throw new UsageError(`--redis: database must be a number, got /${dbPath}`);
    opts.db = db;
  }
  if (u.protocol === "rediss:") {
    const tls: NonNullable<RedisOptions["tls"]> = {};
    const servername = u.searchParams.get("servername") ?? (isIP(host) === 0 ? host : undefined);
    if (servername !== undefined) tls.servername = servername;
    const ca = u.searchParams.get("ca");
    if (ca !== null) {
      try {
        tls.ca = readFileSync(ca);
      } catch {
        throw new UsageError(`--redis: cannot read CA file ${ca}`);
      }
    }
    if (u.searchParams.get("insecure") === "1") tls.rejectUnauthorized = false;
    opts.tls = tls;
  }
  return opts;
}

/** Seed nodes when the URL asks for a Redis Cluster (`?cluster=1`), else undefined. */
export function clusterSeedsOf(url: string): { host: string; port: number }[] | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.searchParams.get("cluster") !== "1") return undefined;
  const first = parseRedisUrl(url);
  const seeds = [{ host: first.host ?? "127.0.0.1", port: first.port ?? 6379 }];
  for (const n of (u.searchParams.get("nodes") ?? "").split(",").filter((x) => x !== "")) {
    const cut = n.lastIndexOf(":");
    const port = Number(n.slice(cut + 1));
    if (cut <= 0 || !Number.isInteger(port)) throw new UsageError(`--redis: nodes=${n}: expected host:port`);
    seeds.push({ host: n.slice(0, cut), port });
  }
  return seeds;
}

/** On a Redis Cluster every key of a prefix must share a slot (Lua scripts span them): a hash tag is required. */
export function checkClusterPrefix(url: string, prefix: string): void {
  if (clusterSeedsOf(url) && !hasHashTag(prefix)) {
    throw new UsageError(`--prefix "${prefix}" has no {hash tag}; on Redis Cluster use one, e.g. {${prefix}}`);
  }
}

/** The URL with its password replaced, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, "//$1:***@");
}

export function describeTarget(target: RedisTarget): string {
  if ("url" in target) return redactUrl(target.url).replace(/\?.*$/, "");
  const c = target.connection;
  return `${c.tls ? "rediss" : "redis"}://${c.host ?? "127.0.0.1"}:${c.port ?? 6379}`;
}

/** Reconnect quickly at first, then back off to 5 s; never give up (a worker waits Redis out). */
export function reconnectDelay(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 10), 5000);
}

export function roleOptions(role: RedisRole): RedisOptions {
  if (role === "worker") {
    // BullMQ requires null here for its blocking connection; commands wait for the reconnect.
    return { maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy: reconnectDelay, connectTimeout: 10_000 };
  }
  // Producers and readers: a command while disconnected fails at once instead of queueing.
  return { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: reconnectDelay, connectTimeout: 5_000 };
}

export function redisOptionsFor(target: RedisTarget, role: RedisRole): RedisOptions {
  const base = "url" in target ? parseRedisUrl(target.url) : target.connection;
  return { ...base, ...roleOptions(role), lazyConnect: true };
}

export interface ConnectOptions {
  /** Give up connecting after this long (default 5 s). */
  timeoutMs?: number;
  /** Told about connection errors after the first connect (the client reconnects by itself). */
  onError?: (err: Error) => void;
}

/**
 * A connected client, or a QueueError naming the Redis and the reason within `timeoutMs`.
 * An error listener is attached before connecting: an unhandled 'error' would crash the process.
 */
export async function connectRedis(target: RedisTarget, role: RedisRole, opts: ConnectOptions = {}): Promise<RedisClient> {
  const client = createClient(target, role);
  let lastError: Error | undefined;
  client.on("error", (err: Error) => {
    lastError = err;
    opts.onError?.(err);
  });
  const timeoutMs = opts.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(lastError ?? new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([client.connect(), timeout]);
    await Promise.race([client.ping(), timeout]);
    return client;
  } catch (err) {
    client.disconnect();
    throw new QueueError(`cannot reach Redis at ${describeTarget(target)}: ${reasonOf(err, lastError)}`, { cause: err });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function createClient(target: RedisTarget, role: RedisRole): RedisClient {
  const seeds = "url" in target ? clusterSeedsOf(target.url) : undefined;
  if (!seeds) return new Redis(redisOptionsFor(target, role));
  const { host: _h, port: _p, db: _db, retryStrategy: _r, enableOfflineQueue, ...perNode } = redisOptionsFor(target, role);
  // Per-node options (auth, TLS, maxRetriesPerRequest) go under redisOptions; the offline queue and
  // reconnect policy are the cluster client's own.
  return new Cluster(seeds, {
    lazyConnect: true,
    enableOfflineQueue: enableOfflineQueue ?? true,
    clusterRetryStrategy: (times: number) => reconnectDelay(times),
    redisOptions: perNode,
  });
}

function reasonOf(err: unknown, last: Error | undefined): string {
  // ioredis rejects connect() with a bare "Connection is closed."; the 'error' event has the cause.
  const e = last ?? (err instanceof Error ? err : undefined);
  if (!e) return String(err);
  const code = (e as { code?: unknown }).code;
  const msg = e.message.split("\n")[0] ?? "";
  return typeof code === "string" && !msg.includes(code) ? `${code} ${msg}` : msg;
}

/** The Redis URL from a command's --redis flag or the REDIS_URL environment variable. */
export function redisUrlFrom(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = flag ?? env["REDIS_URL"];
  if (url === undefined || url === "") throw new UsageError("no Redis: pass --redis URL or set REDIS_URL");
  return url;
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/** An error from losing (or never reaching) Redis, as opposed to one Redis answered with. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
  if (err.name === "MaxRetriesPerRequestError") return true;
  return /Connection is closed|Stream isn't writeable|max retries per request|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|connect ETIMEDOUT|socket hang up/i.test(err.message);
}

/**
 * Any error from talking to Redis as a QueueError with one line: "cannot reach Redis at ..." when the
 * connection was lost or never made (the documented message, exit 2), "Redis at ... refused: ..."
 * when it answered with an error. A CaseflagError passes through as it is.
 */
export function queueErrorOf(err: unknown, target: RedisTarget): Error {
  if (err instanceof CaseflagError) return err;
  const msg = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
  if (isConnectionError(err)) return new QueueError(`cannot reach Redis at ${describeTarget(target)}: lost the connection (${msg})`, { cause: err });
  if (err instanceof Error && (err.name === "ReplyError" || /^[A-Z]+ /.test(msg))) {
    return new QueueError(`Redis at ${describeTarget(target)} refused: ${msg}`, { cause: err });
  }
  return err instanceof Error ? err : new Error(msg);
}
