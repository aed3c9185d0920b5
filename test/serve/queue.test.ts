// The service with tokens and a queue, against a real `caseflag serve`, a real `caseflag worker`
// and a throwaway redis-server: auth (bearer, Basic for the dashboard, no tokens off loopback),
// per-token rate limits, no-mask tokens, filings -> jobs -> results pages, metrics of the server
// and of the worker (--metrics-port), the dashboard behind the same auth, a clean SIGTERM.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskedJobData } from "../../src/serve/dashboard.js";
import { responseChecker, type ResponseChecker } from "../helpers/openapi.js";
import {
  assertBuilt, freePort, repoRoot, runCli, startRedisServer, startWorker, stopProcess, testClient, waitForStreamLength,
  type CliProcess, type RedisServer,
} from "../helpers/redis.js";
import { json, startServer, type ServerProcess } from "../helpers/serve.js";

const PREFIX = "{t-serve}";
const PLAIN = "plain-token-0123456789abcdef";
const REVEAL = "reveal-token-0123456789abcdef";
const LIMITED = "limited-token-0123456789abcdef";
const RATE = 40;
const ONE_LINE_ERROR = /^\{"error":\{"code":"E_[A-Z_]+","message":"[^\n]*"\}\}$/;
let dir: string;
let redis: RedisServer;
let client: Redis;
let server: ServerProcess;
let worker: CliProcess | undefined;
let metricsPort: number;
let checker: ResponseChecker;
let bank: string;
let theft: string;

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), "caseflag-serve-"));
  bank = await readFile(join(repoRoot, "fixtures/docs/bank-credit-report.txt"), "utf8");
  theft = await readFile(join(repoRoot, "fixtures/docs/theft-negative.txt"), "utf8");
  await writeFile(join(dir, "tokens"), `# analysts\n${PLAIN}\n${REVEAL} no-mask\n`);
  redis = await startRedisServer();
  client = await testClient(redis.url);
  server = await startServer(["--tokens", join(dir, "tokens"), "--redis", redis.url, "--prefix", PREFIX, "--rate-limit", String(RATE)], {
    env: { CASEFLAG_TOKENS: LIMITED },
  });
  checker = responseChecker((await (await server.call("/openapi.json")).json()) as object);
});
afterAll(async () => {
  if (worker) await stopProcess(worker);
  await server?.stop();
  client?.disconnect();
  await redis?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function call(method: string, route: string, path: string, init: RequestInit & { token?: string } = {}) {
  const r = await server.call(path, { method, ...init });
  const text = await r.text();
  const body = JSON.parse(text) as Record<string, unknown>;
  checker.check(method, route, r.status, body);
  return { status: r.status, text, body, headers: r.headers };
}

describe("auth", () => {
  it("refuses to start without tokens on anything but loopback", async () => {
    const r = await runCli(["serve", "--host", "0.0.0.0", "--port", String(await freePort())], { env: { CASEFLAG_TOKENS: "" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^caseflag: serve: no tokens .*refusing to listen on 0\.0\.0\.0/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("refuses short tokens, naming the file and entry, never the token", async () => {
    await writeFile(join(dir, "weak"), "short\n");
    const r = await runCli(["serve", "--tokens", join(dir, "weak"), "--port", String(await freePort())]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("entry 1: a token must have at least 16 characters");
    expect(r.stderr).not.toContain("short\n");
  });

  it("answers 401 without a token or with an unknown one; health and the page stay public", async () => {
    const none = await call("POST", "/v1/scan", "/v1/scan", json({ text: "x" }));
    expect(none.status).toBe(401);
    expect(none.text).toMatch(ONE_LINE_ERROR);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const wrong = await call("POST", "/v1/scan", "/v1/scan", { ...json({ text: "x" }), token: "not-a-token-of-this-server" });
    expect(wrong.status).toBe(401);
    for (const path of ["/healthz", "/", "/openapi.json"]) expect((await server.call(path)).status, path).toBe(200);
  });

  it("readyz checks Redis too", async () => {
    const r = await call("GET", "/readyz", "/readyz");
    expect(r.body).toEqual({ status: "ok", checks: { engine: "ok", redis: "ok" } });
  });

  it("masks results unless the token is allowed no-mask and asks for it", async () => {
    const masked = await call("POST", "/v1/scan", "/v1/scan?mask=false", { ...json({ text: bank }), token: PLAIN });
    expect(masked.status).toBe(403);
    const plain = await call("POST", "/v1/scan", "/v1/scan?text=true", { ...json({ text: bank }), token: REVEAL });
    expect(plain.status).toBe(200);
    expect(plain.text).not.toContain("13912345678");
    const revealed = await call("POST", "/v1/scan", "/v1/scan?mask=false&text=true", { ...json({ text: bank }), token: REVEAL });
    expect(revealed.status).toBe(200);
    expect(revealed.text).toContain("13912345678");
    expect(revealed.text).toContain("11010519491231002X");
  });

  it("limits each token's requests a minute, the others unaffected", async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= RATE; i++) statuses.push((await server.call("/v1/results?limit=1", { token: LIMITED })).status);
    expect(statuses.slice(0, RATE).every((s) => s === 200)).toBe(true);
    const over = await call("GET", "/v1/results", "/v1/results?limit=1", { token: LIMITED });
    expect(over.status).toBe(429);
    expect(over.text).toMatch(ONE_LINE_ERROR);
    expect(over.text).toContain("E_RATE_LIMIT");
    expect((await server.call("/v1/results?limit=1", { token: PLAIN })).status).toBe(200);
  });
});

describe("the queue", () => {
  let jobIds: string[] = [];

  it("queues filings (202 with content-hash job ids) and sending them again gives the same ids", async () => {
    const body = json({ documents: [{ text: bank, filename: "bank.txt" }, { text: theft, filename: "theft.txt" }] });
    const first = await call("POST", "/v1/filings", "/v1/filings", { ...body, token: PLAIN });
    expect(first.status).toBe(202);
    jobIds = (first.body["jobs"] as { jobId: string }[]).map((j) => j.jobId);
    expect(jobIds).toHaveLength(2);
    expect(jobIds[0]).toMatch(/^[0-9a-f]{16,}$/);
    const again = await call("POST", "/v1/filings", "/v1/filings", { ...body, token: PLAIN });
    expect((again.body["jobs"] as { jobId: string }[]).map((j) => j.jobId)).toEqual(jobIds);
    const waiting = await call("GET", "/v1/jobs/{id}", `/v1/jobs/${jobIds[0]}`, { token: PLAIN });
    expect(waiting.body["state"]).toBe("waiting");
  });

  it("a worker scans them; the job shows its outcome; results page by stream id; flagged only on asking", async () => {
    metricsPort = await freePort();
    worker = await startWorker(redis.url, PREFIX, ["--metrics-port", String(metricsPort)]);
    await waitForStreamLength(client, `${PREFIX}:results`, 2);
    const done = await call("GET", "/v1/jobs/{id}", `/v1/jobs/${jobIds[0]}`, { token: PLAIN });
    expect(done.body["state"]).toBe("completed");
    const outcome = (done.body["outcomes"] as { flags: { id: string }[] }[])[0]!;
    expect(outcome.flags.map((f) => f.id)).toContain("pi-leak");
    expect(done.text).not.toContain("13912345678");

    const page1 = await call("GET", "/v1/results", "/v1/results?limit=1", { token: PLAIN });
    const entries1 = page1.body["entries"] as { id: string; jobId: string }[];
    expect(entries1).toHaveLength(1);
    const page2 = await call("GET", "/v1/results", `/v1/results?limit=10&after=${page1.body["next"] as string}`, { token: PLAIN });
    const entries2 = page2.body["entries"] as { id: string; jobId: string }[];
    expect(entries2).toHaveLength(1);
    expect(new Set([entries1[0]!.jobId, entries2[0]!.jobId])).toEqual(new Set(jobIds));
    const page3 = await call("GET", "/v1/results", `/v1/results?after=${page2.body["next"] as string}`, { token: PLAIN });
    expect(page3.body).toEqual({ entries: [], next: page2.body["next"] });
    const flagged = await call("GET", "/v1/results", "/v1/results?flagged=true", { token: PLAIN });
    expect((flagged.body["entries"] as { jobId: string }[]).map((e) => e.jobId)).toEqual([jobIds[0]]);
  });

  it("an unknown job is a 404; a malformed stream id a 400", async () => {
    expect((await call("GET", "/v1/jobs/{id}", "/v1/jobs/0000000000000000", { token: PLAIN })).status).toBe(404);
    expect((await call("GET", "/v1/results", "/v1/results?after=yesterday", { token: PLAIN })).status).toBe(400);
  });

  it("metrics: the server counts queue depth, the worker what it scanned, on its own port", async () => {
    const mine = await (await server.call("/metrics")).text();
    expect(mine).toMatch(/caseflag_queue_jobs\{state="waiting"\} 0/);
    const theirs = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(theirs).toMatch(/caseflag_documents_scanned_total\{outcome="result",door="worker"\} 2/);
    expect(theirs).toMatch(/caseflag_flags_total\{flag="pi-leak",door="worker"\} 1/);
    expect(theirs).toMatch(/caseflag_scan_seconds_count\{door="worker"\} 2/);
    expect(theirs).toMatch(/caseflag_queue_jobs\{state="active"\} 0/);
  });
});

describe("the dashboard", () => {
  it("is behind the same auth: a browser is asked for the token (Basic), a bearer token works too", async () => {
    const none = await server.call("/admin/queues");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic/);
    const basic = await server.call("/admin/queues", { headers: { authorization: `Basic ${Buffer.from(`analyst:${PLAIN}`).toString("base64")}` } });
    expect(basic.status).toBe(200);
    expect(await basic.text()).toContain("<base href=\"/admin/queues/\"");
    const api = await server.call("/admin/queues/api/queues", { token: PLAIN });
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain("scan");
  });

  it("shows job data with identifiers masked", () => {
    const data = maskedJobData({ items: [{ kind: "inline", id: "13912345678", source: "bank.txt", text: bank }], docs: 1 }) as {
      items: { id: string; text: string }[];
    };
    expect(data.items[0]!.id).not.toBe("13912345678");
    expect(data.items[0]!.text).not.toContain("11010519491231002X");
    expect(data.items[0]!.text.length).toBe(bank.length);
  });
});

describe("shutdown", () => {
  it("SIGTERM: the server finishes and exits 0", async () => {
    const { code } = await server.stop();
    expect(code).toBe(0);
  });
});
