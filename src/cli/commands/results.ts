// caseflag results: export the results (or flagged) stream as JSONL, optionally following it.
import { createWriteStream, type WriteStream } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { QueueError } from "../../errors.js";
import { addRedisOptions, onShutdownSignals, redisTargetOf, type RedisFlags } from "../options.js";
import { connectRedis, queueErrorOf } from "../../queue/connection.js";
import { queueKeys } from "../../queue/keys.js";
import { exportResults, type ExportOptions } from "../../queue/results.js";
import type { CliIo } from "../io.js";

interface ResultsFlags extends RedisFlags {
  out?: string;
  follow?: boolean;
  flagged?: boolean;
  group?: string;
  consumer?: string;
  after?: string;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addRedisOptions(
    program
      .command("results")
      .description("export outcomes from the results stream as JSONL (one outcome line each, as batch writes them)")
      .option("-o, --out <file>", "write to FILE (appends; default: stdout)")
      .option("--follow", "keep waiting for new outcomes until SIGTERM/SIGINT")
      .option("--flagged", "read the flagged stream (flagged results only)")
      .option("--group <name>", "read as this consumer group: resumes where the group stopped, acknowledges what it wrote")
      .option("--consumer <name>", "consumer name within --group (default: export)")
      .option("--after <id>", "start after this stream id (without --group; default: the beginning)"),
  ).action(async (flags: ResultsFlags) => {
    const { target, prefix } = redisTargetOf(flags, io.env);
    // A follower waits through Redis restarts; a one-off export fails fast.
    const redis = await connectRedis(target, flags.follow ? "worker" : "reader");
    const abort = new AbortController();
    const removeSignals = onShutdownSignals(
      () => abort.abort(),
      () => abort.abort(),
    );
    let file: WriteStream | undefined;
    try {
      let write: (line: string) => Promise<void> | void = (line) => io.stdout(line + "\n");
      if (flags.out !== undefined && flags.out !== "-") {
        const f = createWriteStream(resolve(io.cwd, flags.out), { flags: "a" });
        file = f;
        await new Promise<void>((res, rej) => f.once("open", () => res()).once("error", (e) => rej(new QueueError(`--out: ${e.message}`))));
        write = (line) =>
          f.write(line + "\n") ? undefined : new Promise<void>((res) => f.once("drain", () => res()));
      }
      const opts: ExportOptions = { write, signal: abort.signal, stream: flags.flagged ? "flagged" : "results" };
      if (flags.follow) opts.follow = true;
      if (flags.group !== undefined) opts.group = flags.group;
      if (flags.consumer !== undefined) opts.consumer = flags.consumer;
      if (flags.after !== undefined) opts.after = flags.after;
      const summary = await exportResults(redis, queueKeys(prefix), opts).catch((err: unknown) => {
        throw queueErrorOf(err, target);
      });
      io.stderr(`caseflag results: ${summary.entries} outcome(s) exported${summary.lastId ? ` (last id ${summary.lastId})` : ""}\n`);
      setExit(0);
    } finally {
      removeSignals();
      if (file) {
        const f = file;
        await new Promise<void>((res) => f.end(() => res()));
      }
      await redis.quit().catch(() => redis.disconnect());
    }
  });
}
