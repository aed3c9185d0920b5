// A throwaway redis-server for tests and the queue benchmark: a free port, no persistence, a temp
// dir, ready when it says so on stdout (not after a sleep). Never used by `worker`/`enqueue`, which
// talk to a Redis the user runs. Never touches the system Redis on 6379.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServerOptions {
  /** `--requirepass`: clients must AUTH. */
  password?: string;
  /** Also listen with TLS on a second port, with this certificate (PEM files). */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** Extra `--name value` arguments. */
  args?: string[];
}

export interface RedisServer {
  port: number;
  /** TLS port when `tls` was given. */
  tlsPort?: number;
  host: string;
  /** redis://[:password@]127.0.0.1:port */
  url: string;
  dir: string;
  readonly pid: number | undefined;
  /** Stops it (SIGTERM, then waits for exit). With keepData the dataset is saved first and reloaded by `start`. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** Starts it again on the same port(s) and dir (after `stop`). */
  start(): Promise<void>;
  /** stop + start; keepData keeps the dataset across the restart (SHUTDOWN SAVE, reload dump.rdb). */
  restart(opts?: { keepData?: boolean }): Promise<void>;
  /** stop and remove the temp dir. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

const READY = /Ready to accept connections/;

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), "caseflag-redis-"));
  let child: ChildProcess | undefined;
  let port = 0;
  let tlsPort: number | undefined;

  const argsFor = (): string[] => {
    const a = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
    a.push("--daemonize", "no", "--logfile", "", "--protected-mode", "no");
    if (options.password !== undefined) a.push("--requirepass", options.password);
    if (options.tls && tlsPort !== undefined) {
      a.push("--tls-port", String(tlsPort), "--tls-cert-file", options.tls.certFile, "--tls-key-file", options.tls.keyFile);
      a.push("--tls-ca-cert-file", options.tls.caFile, "--tls-auth-clients", "no");
    }
    a.push(...(options.args ?? []));
    return a;
  };

  const launch = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const c = spawn("redis-server", argsFor(), { stdio: ["ignore", "pipe", "pipe"] });
      child = c;
      let out = "";
      const onData = (b: Buffer) => {
        out += b.toString();
        if (READY.test(out)) {
          c.stdout?.off("data", onData);
          c.stdout?.resume();
          resolve();
        }
      };
      c.stdout?.on("data", onData);
      c.stderr?.on("data", (b: Buffer) => (out += b.toString()));
      c.once("error", reject);
      c.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${lastLines(out)}`)));
    });

  const boot = async (fixedPorts: boolean): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      if (!fixedPorts) {
        port = await freePort();
        if (options.tls) tlsPort = await freePort();
      }
      try {
        await launch();
        return;
      } catch (err) {
        // Another process took the port between freePort() and bind: pick again.
        if (fixedPorts || attempt >= 4 || !/Address already in use/i.test(String(err))) throw err;
      }
    }
  };

  const stop = async (opts: { keepData?: boolean } = {}): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    if (opts.keepData) {
      // SHUTDOWN SAVE writes dump.rdb even with `--save ""`; the next start loads it from dir.
      const cli = spawn("redis-cli", ["-p", String(port), ...(options.password ? ["-a", options.password, "--no-auth-warning"] : []), "shutdown", "save"], {
        stdio: "ignore",
      });
      await new Promise<void>((resolve) => cli.once("exit", () => resolve()));
    } else {
      c.kill("SIGTERM");
    }
    await exited;
  };

  await boot(false);
  const auth = options.password !== undefined ? `:${encodeURIComponent(options.password)}@` : "";
  const server: RedisServer = {
    get port() {
      return port;
    },
    host: "127.0.0.1",
    get url() {
      return `redis://${auth}127.0.0.1:${port}`;
    },
    dir,
    get pid() {
      return child?.pid;
    },
    stop,
    start: () => boot(true),
    async restart(opts = {}) {
      await stop(opts);
      await boot(true);
    },
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  if (tlsPort !== undefined) Object.defineProperty(server, "tlsPort", { get: () => tlsPort, enumerable: true });
  return server;
}

function lastLines(s: string): string {
  return s.trim().split("\n").slice(-3).join(" | ");
}

export interface RedisCluster {
  nodes: RedisServer[];
  /** redis://127.0.0.1:<first>?cluster=1 */
  url: string;
  dispose(): Promise<void>;
}

/** A throwaway Redis Cluster: `masters` nodes, no replicas, all slots assigned, state ok. */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      nodes.push(await startRedisServer({ args: ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"] }));
    }
    const addrs = nodes.map((n) => `127.0.0.1:${n.port}`);
    // `--cluster create` returns once every node agrees on the configuration and all slots are covered.
    const out = await runTool("redis-cli", ["--cluster", "create", ...addrs, "--cluster-replicas", "0", "--cluster-yes"]);
    if (!/All 16384 slots covered/.test(out)) throw new Error(`redis-cli --cluster create: ${lastLines(out)}`);
    for (const n of nodes) await waitClusterOk(n.port);
  } catch (err) {
    await Promise.all(nodes.map((n) => n.dispose()));
    throw err;
  }
  return {
    nodes,
    url: `redis://127.0.0.1:${nodes[0]!.port}?cluster=1`,
    async dispose() {
      await Promise.all(nodes.map((n) => n.dispose()));
    },
  };
}

function runTool(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    c.stdout?.on("data", (b: Buffer) => (out += b.toString()));
    c.stderr?.on("data", (b: Buffer) => (out += b.toString()));
    c.once("error", reject);
    c.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${lastLines(out)}`))));
  });
}

/** Gossip can lag `--cluster create` by a moment on some nodes: ask each until it reports ok. */
async function waitClusterOk(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const info = await runTool("redis-cli", ["-p", String(port), "cluster", "info"]);
    if (/cluster_state:ok/.test(info)) return;
    await new Promise((r) => setTimeout(r, 50 + attempt * 10));
  }
  throw new Error(`cluster node ${port} never reported cluster_state:ok`);
}
