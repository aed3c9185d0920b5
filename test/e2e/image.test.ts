// The container image without Docker (CI has none): the files the Dockerfile's runtime stage copies
// are laid out in a temp dir (node_modules linked, everything else copied), and its entry command
// (ENTRYPOINT + CMD) runs there as the image would, as do compose.yaml's server and worker commands
// against a throwaway Redis. A file the runtime stage forgets (the rule cache, the jieba index,
// schema/) fails here.
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { assertBuilt, freePort, repoRoot, startRedisServer, type RedisServer } from "../helpers/redis.js";

const TOKEN = "image-test-token-0123456789";
let dir: string;
let redis: RedisServer;
let entry: string[];
let compose: { services: Record<string, { command?: string[]; environment?: Record<string, string> }> };

beforeAll(async () => {
  assertBuilt();
  const dockerfile = await readFile(join(repoRoot, "Dockerfile"), "utf8");
  const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  expect(runtime).toMatch(/\nUSER node\n/);
  const arr = (key: string) => JSON.parse(new RegExp(`\\n${key} (\\[.*\\])\\n`).exec(runtime)![1]!) as string[];
  entry = [...arr("ENTRYPOINT"), ...arr("CMD")];
  dir = await mkdtemp(join(tmpdir(), "caseflag-image-"));
  for (const m of runtime.matchAll(/^COPY --from=build \/app\/(\S+) \.\/(\S+)$/gm)) {
    const [, from, to] = m;
    const target = join(dir, to!);
    await mkdir(dirname(target), { recursive: true });
    if (from === "node_modules") await symlink(join(repoRoot, "node_modules"), target, "dir");
    else await cp(join(repoRoot, from!), target, { recursive: true });
  }
  compose = parse(await readFile(join(repoRoot, "compose.yaml"), "utf8")) as typeof compose;
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs a command of the image in the laid-out dir; resolves when stderr matches `ready`. */
function run(args: string[], env: NodeJS.ProcessEnv, ready: RegExp) {
  expect(args[0]).toBe("node");
  const child = spawn(process.execPath, args.slice(1), { cwd: dir, env: { PATH: process.env["PATH"], ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
  const started = new Promise<void>((res, rej) => {
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
      if (ready.test(err)) res();
    });
    void exited.then((code) => rej(new Error(`exited ${code} before ${ready}: ${err}`)));
  });
  return { child, started, exited, stderr: () => err };
}

const withPort = (args: string[], flag: string, port: number) => args.map((a, i) => (args[i - 1] === flag ? String(port) : a));

describe("the image's entry command, outside Docker", () => {
  it("serves from the runtime stage's files alone: ready, the page, a masked scan, a clean stop", async () => {
    const port = await freePort();
    const args = withPort(entry, "--port", port);
    expect(args).toContain("0.0.0.0");
    // Without tokens it refuses 0.0.0.0, as the image documents.
    const refused = run(args, {}, /listening/);
    await expect(refused.started).rejects.toThrow(/no tokens/);
    const p = run(args, { CASEFLAG_TOKENS: TOKEN }, /engine ready/);
    await p.started;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(base)).text()).toContain("<!doctype html>");
    const text = await readFile(join(repoRoot, "fixtures/docs/bank-credit-report.txt"), "utf8");
    const r = await fetch(`${base}/v1/scan`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ text }) });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain('"pi-leak"');
    expect(body).not.toContain("13912345678");
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  it("compose.yaml: Redis keeps an append-only file; the server and the workers run as compose starts them", async () => {
    const { redis: r, server, worker } = compose.services;
    expect(JSON.stringify(r!.command)).toContain('"--appendonly","yes"');
    const serverArgs = withPort(server!.command!, "--port", await freePort()).map((a) => (a.startsWith("redis://redis") ? redis.url : a));
    const s = run(["node", "bin/caseflag.js", ...serverArgs], { CASEFLAG_TOKENS: TOKEN }, /engine ready/);
    await s.started;
    expect(s.stderr()).toMatch(/queue \{caseflag\}/);
    const workerArgs = withPort(worker!.command!, "--metrics-port", await freePort()).map((a) => (a.startsWith("redis://redis") ? redis.url : a));
    const w = run(["node", "bin/caseflag.js", ...workerArgs, "--concurrency", "1"], {}, /metrics at/);
    await w.started;
    expect(w.stderr()).toMatch(/worker ready/);
    for (const p of [s, w]) p.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    expect(await w.exited).toBe(0);
  });
});
