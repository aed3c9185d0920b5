// Pieces the queue commands share: --redis/--prefix, read options, integer flags, shutdown signals.
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { checkClusterPrefix, redisUrlFrom, type RedisTarget } from "./connection.js";
import { DEFAULT_PREFIX, validatePrefix } from "./keys.js";
import type { JobReadOptions } from "./payload.js";

export interface RedisFlags {
  redis?: string;
  prefix: string;
}

export function addRedisOptions(cmd: Command): Command {
  return cmd
    .option("--redis <url>", "Redis URL: redis://[user:password@]host:port[/db], rediss:// for TLS (default: $REDIS_URL)")
    .option("--prefix <prefix>", "key prefix; keep the {hash tag} on Redis Cluster", DEFAULT_PREFIX);
}

export function redisTargetOf(flags: RedisFlags, env: NodeJS.ProcessEnv): { target: RedisTarget; prefix: string } {
  const url = redisUrlFrom(flags.redis, env);
  const prefix = validatePrefix(flags.prefix);
  checkClusterPrefix(url, prefix);
  return { target: { url }, prefix };
}

export interface ReadFlags {
  textField?: string[];
  idField?: string;
  xmlElement?: string[];
  encoding?: string;
}

export function addReadOptions(cmd: Command): Command {
  return cmd
    .option("--text-field <name...>", "JSON/JSONL field(s) holding the text (default: fact, text, content, body)")
    .option("--id-field <name>", "JSON/JSONL field holding the document id (default: id)")
    .option("--xml-element <name...>", "XML elements whose text is read (default: all text)")
    .option("--encoding <name>", "force the input encoding (default: detected)");
}

export function jobReadOptionsOf(flags: ReadFlags): JobReadOptions {
  const o: JobReadOptions = {};
  if (flags.textField) o.textFields = flags.textField;
  if (flags.idField) o.idField = flags.idField;
  if (flags.xmlElement) o.xmlElements = flags.xmlElement;
  if (flags.encoding) o.encoding = flags.encoding;
  return o;
}

/** A positive integer flag, or a UsageError naming it. */
export function intFlag(name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name}: expected an integer >= ${min}, got "${value}"`);
  return n;
}

/**
 * Calls `onStop` on the first SIGTERM/SIGINT and `onForce` on a second one. Returns a function
 * that removes the handlers.
 */
export function onShutdownSignals(onStop: (signal: string) => void, onForce: (signal: string) => void): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) onStop(signal);
    else onForce(signal);
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return () => {
    process.off("SIGTERM", handler);
    process.off("SIGINT", handler);
  };
}
