// npm run bench:serve — POST /v1/scan under load (autocannon) at increasing concurrency, beside a
// bare Fastify route returning a constant (what HTTP alone costs here) and the in-process
// single-thread scan rate of the same CAIL dev facts, all in one run. The floor: at
// concurrency 8 the server sustains >= 0.7x the in-process rate with p99 under 100 ms.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import autocannon, { type Result } from "autocannon";
import { createEngine } from "#caseflag/engine.js";
import { scanDocument } from "#caseflag/pipeline.js";
import { REPO_ROOT, loadFacts } from "./common.js";

const SAMPLE = Number(process.env["BENCH_SAMPLE"] ?? 1000);
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5);
const LEVELS = (process.env["BENCH_LEVELS"] ?? "1,2,4,8,16").split(",").map(Number);
const THREADS = process.env["BENCH_THREADS"];
const out = (s: string): boolean => process.stdout.write(s + "\n");

const facts = loadFacts().slice(0, SAMPLE);
out(`corpus: ${facts.length} CAIL dev facts (../shared/data/cail/dev.jsonl), ${SECONDS} s a level`);

// 1. In-process, one thread: the pipeline alone, warmed up, best of 3.
const engine = await createEngine();
for (const f of facts.slice(0, 100)) scanDocument({ id: f.id, source: "bench", text: f.fact, meta: {} }, engine);
const times: number[] = [];
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  for (const f of facts) scanDocument({ id: f.id, source: "bench", text: f.fact, meta: {} }, engine);
  times.push(performance.now() - t);
}
const inProcess = facts.length / (Math.min(...times) / 1000);
out(`in-process scanDocument, one thread: ${inProcess.toFixed(0)} docs/s (${(1000 / inProcess).toFixed(2)} ms a document)`);

// 2. The servers, as child processes (the load generator runs here).
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
const started: ChildProcess[] = [];
async function start(args: string[], ready: RegExp): Promise<void> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, REDIS_URL: "", CASEFLAG_TOKENS: "" } });
  started.push(child);
  let seen = "";
  await new Promise<void>((resolve, reject) => {
    const look = (b: Buffer) => {
      seen += b.toString();
      if (ready.test(seen)) resolve();
    };
    child.stdout!.on("data", look);
    child.stderr!.on("data", look);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}: ${seen}`)));
  });
}
const stopAll = () => {
  for (const c of started) if (c.exitCode === null) c.kill("SIGTERM");
};
process.on("exit", stopAll);

const barePort = await freePort();
await start([join(REPO_ROOT, "dist-scripts/bench/bare-server.js"), String(barePort)], /listening/);
const servePort = await freePort();
const serveArgs = [join(REPO_ROOT, "bin/caseflag.js"), "serve", "--port", String(servePort), "--rate-limit", "0", ...(THREADS ? ["--threads", THREADS] : [])];
await start(serveArgs, /engine ready/);
const threads = THREADS ?? "the default (one per core but one)";

const bodies = facts.map((f) => JSON.stringify({ text: f.fact, id: f.id }));
function scanLoad(connections: number, duration: number): Promise<Result> {
  let i = 0;
  return autocannon({
    url: `http://127.0.0.1:${servePort}/v1/scan`,
    connections,
    duration,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length]! }),
      },
    ],
  });
}
const bareLoad = (connections: number): Promise<Result> =>
  autocannon({ url: `http://127.0.0.1:${barePort}/constant`, connections, duration: Math.min(SECONDS, 3), method: "POST" });

// Warm the server's threads (jieba dictionary, JIT) before measuring.
await scanLoad(2, 3);

const pad = (s: string | number, n: number) => String(s).padStart(n);
out(`\nconcurrency | bare Fastify req/s  p50  p99 | /v1/scan req/s  p50 ms  p99 ms  errors | x in-process`);
let atEight: { rps: number; p99: number } | undefined;
for (const c of LEVELS) {
  const bare = await bareLoad(c);
  const scan = await scanLoad(c, SECONDS);
  const rps = scan.requests.total / scan.duration;
  const failed = scan.errors + scan.timeouts + scan.non2xx;
  if (c === 8) atEight = { rps, p99: scan.latency.p99 };
  out(
    `${pad(c, 11)} | ${pad(bare.requests.average.toFixed(0), 18)} ${pad(bare.latency.p50, 4)} ${pad(bare.latency.p99, 4)} |` +
      ` ${pad(rps.toFixed(0), 14)} ${pad(scan.latency.p50, 7)} ${pad(scan.latency.p99, 7)} ${pad(failed, 7)} | ${pad((rps / inProcess).toFixed(2), 12)}`,
  );
}
out(`\nserver: caseflag serve, scan threads: ${threads}; bare: Fastify, one constant route; same machine, same run`);
if (atEight) {
  const ratio = atEight.rps / inProcess;
  const ok = ratio >= 0.7 && atEight.p99 < 100;
  out(`floor at concurrency 8: ${ratio.toFixed(2)}x in-process (>= 0.70) with p99 ${atEight.p99} ms (< 100): ${ok ? "met" : "NOT met"}`);
}
stopAll();
