// The HTTP service: the scan runner's door for filing systems. Every route reads with the ingest
// stage and scans with the one scan task (runner/task.ts, in the runner's threads), queues with the
// queue producer, and pages the results stream the workers write: nothing here scans by itself.
// Errors are one line of JSON ({"error":{"code","message"}}), identifiers masked in them.
import fastifyMultipart from "@fastify/multipart";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifySwagger from "@fastify/swagger";
import type { Queue } from "bullmq";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from "fastify";
import type { Engine } from "../engine.js";
import { CaseflagError, QueueError } from "../errors.js";
import { contentHash, type ReadOptions } from "../ingest/index.js";
import { failureLine, parseLine, resultLine } from "../output/lines.js";
import { redactorFor } from "../output/redact.js";
import type { Producer } from "../queue/producer.js";
import type { RedisClient } from "../queue/connection.js";
import type { QueueKeys } from "../queue/keys.js";
import { parseEntry, readJobOutcomes } from "../queue/sink.js";
import type { ScanPool } from "../runner/pool.js";
import { linesOf } from "../runner/task.js";
import type { Document } from "../types.js";
import { HttpError, readSources, requestSources, statusOfCode } from "./documents.js";
import type { Metrics } from "./metrics.js";
import { renderPage } from "./page.js";
import {
  filingsSchema, healthSchema, jobSchema, publishedSchemas, readySchema, resultsSchema, scanSchema, CASE_RESULT_ID, OUTPUT_LINE_ID,
} from "./schemas.js";
import type { Caller, TokenTable } from "./tokens.js";

/** The queue side, present when the server was given Redis. */
export interface QueueSide {
  producer: Producer;
  redis: RedisClient;
  queue: Queue;
  keys: QueueKeys;
}

export interface ServerOptions {
  /** The main thread's engine: identifier context words for masking, labels for the review page. */
  engine: Engine;
  /** Where scans run (a pool of scan threads, or inline). */
  runner: ScanPool;
  tokens: TokenTable;
  /** Largest document (decoded bytes); larger is 413. */
  maxBytes: number;
  /** Requests a minute per caller on /v1 routes; 0: no limit. */
  rateLimit: number;
  read?: ReadOptions;
  queue?: QueueSide;
  metrics: Metrics;
  /** Mounts the queue dashboard (bull-board) at /admin/queues; given the queue side. */
  dashboard?: (app: FastifyInstance, queue: QueueSide) => Promise<void>;
}

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** Routes anyone may call: the page (its calls carry a token), health, the API description, metrics. */
const PUBLIC = new Set(["/", "/healthz", "/readyz", "/openapi.json", "/metrics"]);

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { engine, runner, tokens, maxBytes, metrics } = opts;
  const read = opts.read ?? {};
  const masked = redactorFor(true, engine.identifierContext);
  const revealing = redactorFor(false);
  // A JSON body holds base64 (4/3 of the bytes) and a little framing.
  const jsonLimit = Math.ceil((maxBytes * 4) / 3) + 64 * 1024;
  const app = Fastify({
    logger: false,
    bodyLimit: jsonLimit,
    ajv: { customOptions: { strict: false, coerceTypes: "array", removeAdditional: false } },
  });
  for (const s of publishedSchemas()) app.addSchema(s);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "caseflag", version: "0.1.0", description: "Flag personal-information leaks in case documents: scan now, or queue for the workers." },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => referenceName(json, i) },
  });
  await app.register(fastifyMultipart, { limits: { fileSize: maxBytes, files: 1000 } });
  await app.register(fastifyRateLimit, {
    global: false,
    hook: "preHandler",
    keyGenerator: (req) => req.caller?.key ?? req.ip,
    // Thrown by the plugin, so it reaches the error handler as every other error does.
    errorResponseBuilder: (_req, ctx) => new HttpError(429, "E_RATE_LIMIT", `more than ${ctx.max} requests a minute; retry in ${Math.ceil(ctx.ttl / 1000)} s`),
  });
  const limited = opts.rateLimit > 0 ? { rateLimit: { max: opts.rateLimit, timeWindow: 60_000 } } : {};

  // Who is calling: every route but the public ones needs a token when the server has any.
  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0]!;
    if (PUBLIC.has(path)) return;
    if (tokens.size === 0) {
      req.caller = { key: `ip:${req.ip}`, noMask: false };
      return;
    }
    const caller = tokens.authenticate(req.headers.authorization);
    if (caller) {
      req.caller = caller;
      return;
    }
    // The dashboard is opened in a browser: Basic makes it ask for the token (as the password).
    reply.header("www-authenticate", path.startsWith("/admin/") ? 'Basic realm="caseflag"' : 'Bearer realm="caseflag"');
    throw new HttpError(401, "E_AUTH", req.headers.authorization ? "unknown token" : "a bearer token is required (Authorization: Bearer TOKEN)");
  });

  app.setErrorHandler((err: FastifyError | HttpError, _req, reply) => {
    const { status, code, message } = describeError(err, maxBytes);
    void reply.code(status).type("application/json").send(JSON.stringify(httpError(code, masked.text(message))));
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).type("application/json").send(JSON.stringify(httpError("E_NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`)));
  });

  // ---- health ----
  app.get("/healthz", { schema: healthSchema }, async () => ({ status: "ok" }));
  let engineReady = false;
  void runner.ready().then(() => (engineReady = true), () => undefined);
  app.get("/readyz", { schema: readySchema }, async (_req, reply) => {
    const checks: Record<string, string> = { engine: engineReady ? "ok" : "building" };
    if (opts.queue) checks["redis"] = await opts.queue.redis.ping().then(() => "ok", (e: unknown) => `unreachable: ${e instanceof Error ? e.message : String(e)}`);
    const ok = Object.values(checks).every((c) => c === "ok");
    return reply.code(ok ? 200 : 503).send({ status: ok ? "ok" : "unavailable", checks });
  });
  app.get("/metrics", { schema: { hide: true } }, async (_req, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  // ---- scan now ----
  app.post("/v1/scan", { schema: scanSchema, config: limited }, async (req, reply) => {
    const q = req.query as { mask?: boolean; text?: boolean };
    const reveal = q.mask === false;
    if (reveal && !req.caller?.noMask) throw new HttpError(403, "E_FORBIDDEN", "this token may not see identifiers unmasked (mask=false)");
    const redactor = reveal ? revealing : masked;
    const started = performance.now();
    const { docs, failures } = await read1(req);
    if (docs.length === 0) {
      const f = failures[0]!;
      metrics.observeFailure(f.code, "serve");
      throw new HttpError(statusOfCode(f.code), f.code, f.message);
    }
    const out = await runner.run({ source: { kind: "documents", docs: docs.map((doc) => ({ doc, hash: contentHash(doc.text) })) } });
    metrics.observeTask(out.lines, (performance.now() - started) / 1000, "serve");
    for (const f of failures) metrics.observeFailure(f.code, "serve");
    const lines = linesOf(out);
    if (!out.lines.some((l) => l.record.ok)) {
      const first = out.lines[0]!;
      const code = first.record.ok ? "E_SCAN" : first.record.code;
      throw new HttpError(statusOfCode(code), code, first.message ?? "scan failed");
    }
    const shown = reveal ? lines.map((l, i) => revealLine(l, docs[i]!)) : lines;
    shown.push(...failures.map((f) => failureLine(redactor.failure(f))));
    const texts = q.text ? `,"texts":${JSON.stringify(docs.map((d) => redactor.text(d.text)))}` : "";
    // The lines are JSON already, as the runner wrote them: sent as they are.
    return reply.type("application/json").send(`{"results":[${shown.join(",")}]${texts}}`);
  });

  const read1 = async (req: FastifyRequest) => readSources(await requestSources(req, maxBytes), read);
  const revealLine = (line: string, doc: Document): string => {
    const o = parseLine(line);
    return o.ok ? resultLine(revealing.result(o.result, doc), contentHash(doc.text)) : line;
  };

  // ---- the queue ----
  const needQueue = (): QueueSide => {
    if (!opts.queue) throw new HttpError(503, "E_NO_QUEUE", "this server has no queue (start it with --redis URL)");
    return opts.queue;
  };
  const redisCall = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(503, "E_REDIS", err instanceof Error ? err.message : String(err));
    }
  };

  app.post("/v1/filings", { schema: filingsSchema, config: limited }, async (req, reply) => {
    const q = needQueue();
    const { docs, failures } = await read1(req);
    if (docs.length === 0) {
      const f = failures[0]!;
      throw new HttpError(statusOfCode(f.code), f.code, f.message);
    }
    const jobs: { jobId: string; source: string }[] = [];
    for (const doc of docs) {
      const jobId = await redisCall(() => q.producer.submit(doc));
      jobs.push({ jobId, source: masked.text(doc.source) });
    }
    const lines = failures.map((f) => failureLine(masked.failure(f)));
    return reply.code(202).type("application/json").send(`{"jobs":${JSON.stringify(jobs)},"failures":[${lines.join(",")}]}`);
  });

  app.get("/v1/jobs/:id", { schema: jobSchema, config: limited }, async (req, reply) => {
    const q = needQueue();
    const { id } = req.params as { id: string };
    const done = await redisCall(() => readJobOutcomes(q.redis, q.keys, id));
    if (done) {
      const failed = done.lines.length > 0 && done.outcomes.every((o) => !o.ok);
      const body = `{"jobId":${JSON.stringify(id)},"state":"${failed ? "failed" : "completed"}","expired":${done.expired},"outcomes":[${done.lines.join(",")}]}`;
      return reply.type("application/json").send(body);
    }
    const state = await redisCall(() => q.queue.getJobState(id));
    if (state === "unknown") throw new HttpError(404, "E_NOT_FOUND", `no job ${id} (never submitted, or finished and forgotten)`);
    const out: { jobId: string; state: string; reason?: string } = { jobId: id, state };
    if (state === "failed") {
      const job = await redisCall(() => q.queue.getJob(id));
      if (job?.failedReason) out.reason = masked.text(job.failedReason);
    }
    return reply.type("application/json").send(JSON.stringify(out));
  });

  app.get("/v1/results", { schema: resultsSchema, config: limited }, async (req, reply) => {
    const q = needQueue();
    const { after, flagged, limit } = req.query as { after?: string; flagged?: boolean; limit?: number };
    const stream = flagged ? q.keys.flagged : q.keys.results;
    const rows = (await redisCall(() => q.redis.xrange(stream, after ? `(${after}` : "-", "+", "COUNT", limit ?? 100))) as [string, string[]][];
    const entries = rows.map(([sid, fields]) => {
      const e = parseEntry(sid, fields);
      return `{"id":"${sid}","jobId":${JSON.stringify(e.job)},"outcome":${e.line}}`;
    });
    const next = rows.length > 0 ? rows[rows.length - 1]![0] : (after ?? "0-0");
    return reply.type("application/json").send(`{"entries":[${entries.join(",")}],"next":"${next}"}`);
  });

  // ---- the review page and the dashboard ----
  app.get("/", { schema: { hide: true } }, async (_req, reply) => reply.type("text/html; charset=utf-8").send(renderPage(engine.ruleSet)));
  if (opts.queue && opts.dashboard) await opts.dashboard(app, opts.queue);

  return app;
}

/** The OpenAPI component name of a shared schema: the published ones by name, others numbered. */
function referenceName(json: { $id?: string }, i: number): string {
  if (json.$id === CASE_RESULT_ID) return "CaseResult";
  if (json.$id === OUTPUT_LINE_ID) return "OutputLine";
  return `def-${i}`;
}

function httpError(code: string, message: string) {
  return { error: { code, message: message.replace(/\s*[\r\n]+\s*/g, " ") } };
}

/** Status, code and message of anything a route or Fastify threw. */
function describeError(err: FastifyError | HttpError | Error, maxBytes: number): { status: number; code: string; message: string } {
  if (err instanceof HttpError) return { status: err.statusCode, code: err.code, message: err.message };
  if (err instanceof QueueError) return { status: 503, code: "E_REDIS", message: err.message };
  if (err instanceof CaseflagError) return { status: statusOfCode(err.code), code: err.code, message: err.message };
  const e = err as FastifyError & { validation?: unknown };
  const status = e.statusCode ?? 500;
  if (e.validation) return { status: 400, code: "E_REQUEST", message: e.message };
  if (status === 413 || e.code === "FST_ERR_CTP_BODY_TOO_LARGE" || e.code === "FST_REQ_FILE_TOO_LARGE") {
    return { status: 413, code: "E_TOO_LARGE", message: `request body over the limit (documents up to ${maxBytes} bytes)` };
  }
  if (status === 415) return { status: 415, code: "E_UNSUPPORTED", message: `${e.message} (send application/json, text/plain or multipart/form-data)` };
  if (status === 429) return { status: 429, code: "E_RATE_LIMIT", message: e.message };
  if (status >= 400 && status < 500) return { status, code: "E_REQUEST", message: e.message };
  return { status: 500, code: "E_INTERNAL", message: `internal error: ${e.message}` };
}
