// The queue's run marker, and what it tells when Redis comes back without its data.
//
// A Redis without persistence that restarts (or one that is flushed) comes back empty: waiting jobs,
// locks, the done set, the counters are gone, and nothing in the new Redis says anything was ever
// there. So the queue keeps a marker beside its keys (`<prefix>:meta`: a random `epoch`, created
// once) and everyone who used the queue remembers the epoch they saw. A client that finds the marker
// gone or different knows the data it relied on was lost, says so, and writes what it knows of the
// loss into the new marker (`lostAt`, and how many jobs or documents were outstanding when it last
// looked) so `status` can tell whoever asks next.
import { randomUUID } from "node:crypto";
import type { RedisClient } from "./connection.js";
import type { QueueKeys } from "./keys.js";

export interface RunMarker {
  epoch: string;
  /** ms since epoch. */
  created: number;
}

export interface LossRecord {
  /** When the loss was noticed (ms). */
  at: number;
  /** Jobs waiting or in hand before the loss, as last seen by whoever noticed it. */
  jobs?: number;
  /** Documents submitted before the loss that had no outcome (known to a `batch --queue` run). */
  documents?: number;
  /** Who noticed: "worker", "batch". */
  by: string;
}

/** The queue's marker, created when this is the queue's first use (or its first since a loss). */
export async function ensureRunMarker(redis: RedisClient, keys: QueueKeys): Promise<RunMarker> {
  const epoch = randomUUID();
  const created = Date.now();
  // HSETNX twice: whoever came first wins both fields.
  await redis.hsetnx(keys.meta, "epoch", epoch);
  await redis.hsetnx(keys.meta, "created", String(created));
  const [e, c] = await redis.hmget(keys.meta, "epoch", "created");
  return { epoch: e ?? epoch, created: Number(c ?? created) };
}

/** True when the marker this client saw is no longer there: Redis lost the queue's data since. */
export async function markerLost(redis: RedisClient, keys: QueueKeys, known: RunMarker): Promise<boolean> {
  return (await redis.hget(keys.meta, "epoch")) !== known.epoch;
}

/** Writes what is known of a loss into the new marker (creating it), for `status`. */
export async function recordLoss(redis: RedisClient, keys: QueueKeys, loss: LossRecord): Promise<RunMarker> {
  const marker = await ensureRunMarker(redis, keys);
  const fields: Record<string, string> = { lostAt: String(loss.at), lostBy: loss.by };
  if (loss.jobs !== undefined) fields["lostJobs"] = String(loss.jobs);
  if (loss.documents !== undefined) fields["lostDocuments"] = String(loss.documents);
  await redis.hset(keys.meta, fields);
  await redis.hincrby(keys.meta, "losses", 1);
  return marker;
}

export async function readLoss(redis: RedisClient, keys: QueueKeys): Promise<(LossRecord & { losses: number }) | undefined> {
  const m = await redis.hgetall(keys.meta);
  if (m["lostAt"] === undefined) return undefined;
  const loss: LossRecord & { losses: number } = { at: Number(m["lostAt"]), by: m["lostBy"] ?? "", losses: Number(m["losses"] ?? 1) };
  if (m["lostJobs"] !== undefined) loss.jobs = Number(m["lostJobs"]);
  if (m["lostDocuments"] !== undefined) loss.documents = Number(m["lostDocuments"]);
  return loss;
}

export interface Persistence {
  /** appendonly yes. */
  aof: boolean;
  /** An RDB save schedule (`save` not empty). */
  rdb: boolean;
}

/** What keeps this Redis' data across a restart, or undefined when it will not say (CONFIG disabled). */
export async function readPersistence(redis: RedisClient): Promise<Persistence | undefined> {
  try {
    const aof = (await redis.call("CONFIG", "GET", "appendonly")) as string[];
    const save = (await redis.call("CONFIG", "GET", "save")) as string[];
    return { aof: aof[1] === "yes", rdb: (save[1] ?? "").trim() !== "" };
  } catch {
    // Managed Redis often renames CONFIG; INFO still tells whether AOF is on.
    try {
      const info = String(await redis.call("INFO", "persistence"));
      if (/^aof_enabled:1/m.test(info)) return { aof: true, rdb: false };
    } catch {
      // nothing to go on
    }
    return undefined;
  }
}

export function persistenceWarning(p: Persistence | undefined): string | undefined {
  if (!p || p.aof || p.rdb) return undefined;
  return "this Redis keeps no data across a restart (appendonly no, no save schedule): a restart loses every waiting job; run it with appendonly yes";
}
