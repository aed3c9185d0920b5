// `caseflag watch DIR`: files already in the folder and every file that arrives later are submitted
// by reference. A file is taken only once its size has stopped changing (chokidar awaitWriteFinish),
// so a filing still being copied is never read half-way; temp names (.part, .tmp, .crdownload,
// dotfiles, ~$ lock files) are ignored until renamed.
//
// A restart does not resubmit: a hash `<prefix>:watch:seen` maps each submitted path (as its sha256:
// a file name may hold an identifier, and nothing in Redis needs the name itself) to its
// size:mtime, so an unchanged file is skipped without being read; and if the process died between
// submitting and recording that, the job id (a hash of the file's path and content) makes the
// second submission a no-op (still queued: BullMQ keeps one job per id; scanned: the done marker).
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { watch } from "chokidar";
import { sha256 } from "./payload.js";
import type { PlanOptions } from "./plan.js";
import type { Producer, SubmitEvent } from "./producer.js";

export interface WatchOptions {
  producer: Producer;
  dir: string;
  plan?: PlanOptions;
  /** How long a file's size must stay the same before it is read (ms, default 1000). */
  stableMs?: number;
  signal: AbortSignal;
  onEvent: (ev: SubmitEvent & { path: string }) => void;
  /** Files skipped because they were submitted before with the same size and mtime. */
  onSeen?: (path: string) => void;
  /** The initial scan of the folder is done (files present at start are queued for submission). */
  onReady?: () => void;
  onError: (err: Error) => void;
}

const TEMP_NAME = /(^\.|^~\$|\.(part|partial|tmp|temp|crdownload|download|swp)$)/i;

export function isTempName(path: string): boolean {
  return TEMP_NAME.test(basename(path));
}

export async function watchFolder(opts: WatchOptions): Promise<void> {
  const dir = resolve(opts.dir);
  const redis = await opts.producer.client();
  const seenKey = opts.producer.keys.watchSeen;
  const stableMs = opts.stableMs ?? 1000;
  const watcher = watch(dir, {
    ignoreInitial: false,
    persistent: true,
    awaitWriteFinish: { stabilityThreshold: stableMs, pollInterval: Math.max(20, Math.min(200, Math.floor(stableMs / 5))) },
    ignored: (path: string) => path !== dir && isTempName(path),
  });

  // One file at a time, in arrival order: submissions of the same path never race.
  let chain: Promise<void> = Promise.resolve();
  const submit = (path: string) => {
    chain = chain.then(() => submitOne(path)).catch((err: unknown) => opts.onError(err instanceof Error ? err : new Error(String(err))));
  };

  const submitOne = async (path: string) => {
    const st = await stat(path).catch(() => undefined);
    if (!st || !st.isFile()) return;
    const mark = `${st.size}:${Math.floor(st.mtimeMs)}`;
    const field = sha256(path);
    if ((await redis.hget(seenKey, field)) === mark) {
      opts.onSeen?.(path);
      return;
    }
    for await (const ev of opts.producer.submitInputs([path], opts.plan ?? {})) opts.onEvent({ ...ev, path });
    await redis.hset(seenKey, field, mark);
  };

  await new Promise<void>((resolveDone) => {
    const stop = () => {
      void watcher
        .close()
        .then(() => chain)
        .then(() => resolveDone());
    };
    if (opts.signal.aborted) return stop();
    opts.signal.addEventListener("abort", stop, { once: true });
    watcher.on("add", (p) => typeof p === "string" && submit(p));
    watcher.on("change", (p) => typeof p === "string" && submit(p));
    watcher.on("ready", () => opts.onReady?.());
    watcher.on("error", (err: unknown) => opts.onError(err instanceof Error ? err : new Error(String(err))));
  });
}
