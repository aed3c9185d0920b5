// The service as users run it: `caseflag serve` as a child process on a free port, resolved once it
// listens and its engine is ready (it says so on stderr; no sleeps), and a fetch bound to it.
import { freePort, spawnCli, stopProcess, type CliProcess } from "./redis.js";

export interface ServerProcess {
  url: string;
  port: number;
  proc: CliProcess;
  /** fetch against the server: `path` is appended to its URL; `token` adds a bearer header. */
  call(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startServer(args: string[] = [], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const proc = spawnCli(["serve", "--port", String(port), "--threads", "1", ...args], opts);
  await proc.waitFor(/engine ready/, { timeoutMs: 60_000 });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    proc,
    call(path, init = {}) {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
      return fetch(url + path, { ...rest, headers });
    },
    stop: () => stopProcess(proc),
  };
}

/** A JSON POST body. */
export function json(body: unknown): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
