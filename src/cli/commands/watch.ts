// caseflag watch DIR: submit the files in DIR, then every file that arrives, until SIGTERM/SIGINT.
import { resolve } from "node:path";
import type { Command } from "commander";
import { MASKED } from "../../output/redact.js";
import { createProducer } from "../../queue/producer.js";
import { watchFolder } from "../../queue/watch.js";
import type { CliIo } from "../io.js";
import { addReadOptions, addRedisOptions, intFlag, onShutdownSignals, readOptionsOf, redisTargetOf, type ReadFlags, type RedisFlags } from "../options.js";
import { formatSubmitted } from "./enqueue.js";

interface WatchFlags extends RedisFlags, ReadFlags {
  stableMs?: string;
  json?: boolean;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addReadOptions(
    addRedisOptions(
      program
        .command("watch")
        .description("submit the files in a folder and each new one as it arrives (after its size stops changing)")
        .argument("<dir>", "folder to watch (subfolders included)")
        .option("--stable-ms <ms>", "a file is read once its size has not changed for this long (default 1000)")
        .option("--json", "one JSON object a job instead of tab-separated lines"),
    ),
  ).action(async (dir: string, flags: WatchFlags) => {
    const { target, prefix } = redisTargetOf(flags, io.env);
    const stableMs = intFlag("--stable-ms", flags.stableMs, 0);
    const read = readOptionsOf(flags);
    const producer = createProducer({ ...("url" in target ? { url: target.url } : { connection: target.connection }), prefix });
    const abort = new AbortController();
    const removeSignals = onShutdownSignals(
      () => abort.abort(),
      () => abort.abort(),
    );
    try {
      await producer.ready();
      await watchFolder({
        producer,
        dir: resolve(io.cwd, dir),
        plan: { read },
        ...(stableMs !== undefined ? { stableMs } : {}),
        signal: abort.signal,
        onEvent: (ev) => {
          if (ev.kind === "skipped") io.stderr(`caseflag watch: not submitted: ${MASKED.text(ev.failure.message)}\n`);
          else io.stdout(formatSubmitted(ev, flags.json === true));
        },
        onSeen: (path) => io.stderr(`caseflag watch: already submitted: ${MASKED.text(path)}\n`),
        onReady: () => io.stderr(`caseflag watch: watching ${MASKED.text(resolve(io.cwd, dir))}\n`),
        onError: (err) => io.stderr(`caseflag watch: ${MASKED.text(err.message.split("\n")[0] ?? "")}\n`),
      });
      setExit(0);
    } finally {
      removeSignals();
      await producer.close();
    }
  });
}
