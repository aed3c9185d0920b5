// Test helpers for the queue suite: a throwaway redis-server (free port, no persistence, temp dir,
// ready when it says so), the queue CLI as a real child process, and waits that block on Redis
// (XREAD BLOCK) or on process output instead of sleeping. The system Redis on 6379 is never used.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { startRedisServer, type RedisServer } from "../../scripts/redis-server.js";
import { assertBuilt as assertBuiltFrom } from "./build.js";

export { startRedisServer, startRedisCluster, freePort, type RedisServer, type RedisServerOptions, type RedisCluster } from "../../scripts/redis-server.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The worker runs from the build (its scan threads load dist/queue/scan-thread.js). Fail with the
 * fix when the build is missing or older than the sources, rather than testing stale code.
 */
export function assertBuilt(): void {
  assertBuiltFrom("queue");
}

/** What a queue test file works with: its own redis-server, a client on it, a temp folder, six fixture texts. */
export interface QueueBed {
  server: RedisServer;
  redis: Redis;
  dir: string;
  texts: string[];
}

const QUEUE_FIXTURES = ["bank-credit-report", "elderly-health-products", "platform-database-breach", "recruitment-resumes", "telecom-sim-cards", "theft-negative"];

/**
 * Registers the calling file's beforeAll/afterAll: a throwaway redis-server (never 6379), a client,
 * a temp folder named `tmpPrefix…` and the fixture texts, all torn down after the file's tests.
 * The fields are set once the file's first beforeAll has run.
 */
export function useQueueBed(tmpPrefix: string): QueueBed {
  const bed = {} as QueueBed;
  beforeAll(async () => {
    assertBuilt();
    bed.server = await startRedisServer();
    bed.redis = await testClient(bed.server.url);
    bed.dir = await mkdtemp(join(tmpdir(), tmpPrefix));
    bed.texts = await Promise.all(QUEUE_FIXTURES.map((n) => readFile(join(repoRoot, "fixtures/docs", `${n}.txt`), "utf8")));
  });
  afterAll(async () => {
    bed.redis?.disconnect();
    await bed.server?.dispose();
    if (bed.dir) await rm(bed.dir, { recursive: true, force: true });
  });
  return bed;
}

/** The real CLI, as users run it. */
export function cliArgs(): string[] {
  return [join(repoRoot, "bin/caseflag.js")];
}

export interface CliProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when stderr (or stdout) has matched `re` `count` times in total. */
  waitFor(re: RegExp, opts?: { stream?: "stdout" | "stderr"; count?: number; timeoutMs?: number }): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [...cliArgs(), ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, REDIS_URL: "", ...opts.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  else child.stdin!.end();
  const out = { stdout: "", stderr: "" };
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (b: Buffer) => {
    out.stdout += b.toString();
    for (const l of [...listeners]) l();
  });
  child.stderr!.on("data", (b: Buffer) => {
    out.stderr += b.toString();
    for (const l of [...listeners]) l();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once("exit", (code, signal) => {
      for (const l of [...listeners]) l();
      res({ code, signal });
    }),
  );
  return {
    child,
    get stdout() {
      return out.stdout;
    },
    get stderr() {
      return out.stderr;
    },
    exited,
    waitFor(re, w = {}) {
      const stream = w.stream ?? "stderr";
      const count = w.count ?? 1;
      const global = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
      return new Promise<void>((res, rej) => {
        const check = () => {
          const n = (out[stream].match(global) ?? []).length;
          if (n >= count) {
            done();
            res();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            rej(new Error(`process exited before ${re} (x${count}) on ${stream}:\nstdout: ${out.stdout}\nstderr: ${out.stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          rej(new Error(`timed out waiting for ${re} (x${count}) on ${stream}:\nstdout: ${out.stdout}\nstderr: ${out.stderr}`));
        }, w.timeoutMs ?? 30_000);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs the CLI to completion. */
export async function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string } = {}) {
  const p = spawnCli(args, opts);
  const { code } = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr };
}

/** A worker process, resolved once it announced it is taking jobs. */
export async function startWorker(url: string, prefix: string, extra: string[] = []): Promise<CliProcess> {
  const w = spawnCli(["worker", "--redis", url, "--prefix", prefix, "--concurrency", "1", ...extra]);
  await w.waitFor(/worker ready/, { timeoutMs: 45_000 });
  return w;
}

export async function stopProcess(p: CliProcess, signal: NodeJS.Signals = "SIGTERM") {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  return p.exited;
}

/** A plain client for assertions (not the code under test's connection). */
export async function testClient(url: string): Promise<Redis> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  r.on("error", () => undefined);
  await r.connect();
  return r;
}

/**
 * Blocks (XREAD BLOCK) until the stream holds at least `n` entries; returns them all as
 * [id, fields] pairs. `onProgress` is told each time the count grows (for kill-during-run tests).
 */
export async function waitForStreamLength(
  redis: Redis,
  key: string,
  n: number,
  opts: { timeoutMs?: number; onProgress?: (count: number) => void | Promise<void> } = {},
): Promise<[string, string[]][]> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const rows: [string, string[]][] = [];
  let last = "0-0";
  const reader = redis.duplicate();
  reader.on("error", () => undefined);
  try {
    while (rows.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${key}: ${rows.length} of ${n} entries before the deadline`);
      const reply = (await reader.xread("COUNT", 1000, "BLOCK", Math.min(left, 2000), "STREAMS", key, last)) as [string, [string, string[]][]][] | null;
      const got = reply?.[0]?.[1] ?? [];
      if (got.length === 0) continue;
      rows.push(...got);
      last = got[got.length - 1]![0];
      await opts.onProgress?.(rows.length);
    }
    return rows;
  } finally {
    reader.disconnect();
  }
}

export function fieldsOf(fields: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) o[fields[i]!] = fields[i + 1]!;
  return o;
}
