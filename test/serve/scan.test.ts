// POST /v1/scan and the health routes against a real `caseflag serve` (no Redis, no tokens, on
// loopback): every supported way in (JSON text, base64 of any format, text/plain, multipart), the
// limits (413, 415, 422, each one line of JSON), masking, and every response checked against the
// server's own OpenAPI document, which validates as OpenAPI 3.1.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskText } from "../../src/detect/mask.js";
import { responseChecker, type ResponseChecker } from "../helpers/openapi.js";
import { assertBuilt, repoRoot } from "../helpers/redis.js";
import { json, startServer, type ServerProcess } from "../helpers/serve.js";

const MAX = 64 * 1024;
const ONE_LINE_ERROR = /^\{"error":\{"code":"E_[A-Z_]+","message":"[^\n]*"\}\}$/;
const RAW = ["11010519491231002X", "13912345678", "6228480012345678903"];
let server: ServerProcess;
let checker: ResponseChecker;
let openapi: object;
let bank: string;

beforeAll(async () => {
  assertBuilt();
  bank = await readFile(join(repoRoot, "fixtures/docs/bank-credit-report.txt"), "utf8");
  server = await startServer(["--max-body", String(MAX)]);
  openapi = (await (await server.call("/openapi.json")).json()) as object;
  checker = responseChecker(openapi);
});
afterAll(async () => {
  await server?.stop();
});

async function scan(init: RequestInit, query = ""): Promise<{ status: number; text: string; body: unknown }> {
  const r = await server.call(`/v1/scan${query}`, init);
  const text = await r.text();
  const body = JSON.parse(text) as unknown;
  checker.check("POST", "/v1/scan", r.status, body);
  return { status: r.status, text, body };
}
type Results = { results: { id: string; flags?: { id: string }[]; error?: { code: string }; findings?: unknown[] }[]; texts?: string[] };
const base64 = async (fixture: string) => (await readFile(join(repoRoot, "fixtures", fixture))).toString("base64");

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 and describes every route with the published result schema", async () => {
    const v = new Validator();
    const res = await v.validate(openapi as Record<string, unknown>);
    expect(res, JSON.stringify(res.errors)).toEqual({ valid: true });
    expect(v.version).toBe("3.1");
    const doc = openapi as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths).sort()).toEqual(["/healthz", "/readyz", "/v1/filings", "/v1/jobs/{id}", "/v1/results", "/v1/scan"]);
    expect(doc.components.schemas["CaseResult"]).toBeDefined();
    expect(doc.components.schemas["OutputLine"]).toBeDefined();
    // The validator is not lenient: the same document missing its info fails.
    const broken = { ...openapi } as Record<string, unknown>;
    delete broken["info"];
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });
});

describe("health", () => {
  it("healthz and readyz answer once the engine is built", async () => {
    for (const path of ["/healthz", "/readyz"]) {
      const r = await server.call(path);
      const body = await r.json();
      checker.check("GET", path, r.status, body);
      expect(r.status).toBe(200);
    }
    expect(await (await server.call("/readyz")).json()).toEqual({ status: "ok", checks: { engine: "ok" } });
  });
});

describe("POST /v1/scan", () => {
  it("scans JSON text: the result line batch writes, identifiers masked", async () => {
    const { status, text, body } = await scan(json({ text: bank, id: "case-1" }));
    expect(status).toBe(200);
    const r = (body as Results).results[0]!;
    expect(r.id).toBe("case-1");
    expect(r.flags!.map((f) => f.id)).toContain("pi-leak");
    for (const raw of RAW) expect(text).not.toContain(raw);
  });

  it("returns the text with identifiers masked for highlighting (?text=true), same offsets", async () => {
    const { body } = await scan(json({ text: bank }), "?text=true");
    const shown = (body as Results).texts![0]!;
    expect(shown.length).toBe(bank.length);
    for (const raw of RAW) expect(shown).not.toContain(raw);
    expect(maskText(shown)).toBe(shown);
  });

  it("reads base64 of any supported format by its file name (docx, html, xml, GB18030 text)", async () => {
    for (const f of ["docs/securities-insider.docx", "docs/newborn-hospital.html", "docs/student-records.xml", "docs/gb18030-hotel-stays.txt"]) {
      const { status, body } = await scan(json({ base64: await base64(f), filename: f.split("/")[1] }));
      expect(status, f).toBe(200);
      expect((body as Results).results[0]!.error, f).toBeUndefined();
    }
  });

  it("takes a text/plain body and a multipart upload of several files (a JSONL file holds several documents)", async () => {
    const plain = await scan({ method: "POST", headers: { "content-type": "text/plain; charset=utf-8" }, body: bank });
    expect(plain.status).toBe(200);
    const form = new FormData();
    form.append("file", new Blob([await readFile(join(repoRoot, "fixtures/docs/cases.jsonl"))]), "cases.jsonl");
    form.append("file", new Blob([await readFile(join(repoRoot, "fixtures/docs/telecom-sim-cards.txt"))]), "telecom-sim-cards.txt");
    const multi = await scan({ method: "POST", body: form });
    expect(multi.status).toBe(200);
    const lines = (await readFile(join(repoRoot, "fixtures/docs/cases.jsonl"), "utf8")).split("\n").filter((l) => l.trim() !== "").length;
    expect((multi.body as Results).results.length).toBe(lines + 1);
  });

  it("413 beyond the size limit (JSON, text/plain, base64 and multipart alike), one line of JSON", async () => {
    const big = "某".repeat(MAX);
    const form = new FormData();
    form.append("file", new Blob([Buffer.from(big)]), "big.txt");
    for (const init of [
      json({ text: big }),
      json({ base64: Buffer.from(big).toString("base64"), filename: "big.txt" }),
      { method: "POST", headers: { "content-type": "text/plain" }, body: big },
      { method: "POST", body: form },
    ]) {
      const { status, text } = await scan(init);
      expect(status).toBe(413);
      expect(text).toMatch(ONE_LINE_ERROR);
      expect(text).toContain("E_TOO_LARGE");
    }
  });

  it("415 for a format no reader takes and for a content type the API does not take", async () => {
    const pdf = await scan(json({ base64: Buffer.from("%PDF-1.4\n").toString("base64"), filename: "judgment.pdf" }));
    expect(pdf.status).toBe(415);
    expect(pdf.text).toMatch(ONE_LINE_ERROR);
    const r = await server.call("/v1/scan", { method: "POST", headers: { "content-type": "application/pdf" }, body: "%PDF" });
    expect(r.status).toBe(415);
    expect(await r.text()).toMatch(ONE_LINE_ERROR);
  });

  it("422 for a document that cannot be decoded (broken JSON, a .docx that is no zip), naming it", async () => {
    const badJson = await scan(json({ base64: Buffer.from('{"fact": "被告人').toString("base64"), filename: "filing.json" }));
    expect(badJson.status).toBe(422);
    expect(badJson.text).toMatch(ONE_LINE_ERROR);
    expect(badJson.text).toContain("filing.json");
    const badDocx = await scan(json({ base64: Buffer.from("not a zip at all").toString("base64"), filename: "judgment.docx" }));
    expect(badDocx.status).toBe(422);
    expect(badDocx.text).toMatch(ONE_LINE_ERROR);
  });

  it("400 for a request that is not one (no text, unknown field, broken JSON), one line each", async () => {
    for (const init of [json({}), json({ text: "x", extra: 1 }), { method: "POST", headers: { "content-type": "application/json" }, body: "{" }]) {
      const { status, text } = await scan(init);
      expect(status).toBe(400);
      expect(text).toMatch(ONE_LINE_ERROR);
    }
  });

  it("without tokens nobody may see identifiers unmasked", async () => {
    const { status, text } = await scan(json({ text: bank }), "?mask=false");
    expect(status).toBe(403);
    expect(text).toMatch(ONE_LINE_ERROR);
  });

  it("an unknown route is a one-line 404", async () => {
    const r = await server.call("/v1/nothing");
    expect(r.status).toBe(404);
    expect(await r.text()).toMatch(ONE_LINE_ERROR);
  });

  it("counts what it scanned and refused in /metrics", async () => {
    const text = await (await server.call("/metrics")).text();
    expect(text).toMatch(/caseflag_documents_scanned_total\{outcome="result",door="serve"\} \d+/);
    expect(text).toMatch(/caseflag_flags_total\{flag="pi-leak",door="serve"\} \d+/);
    expect(text).toMatch(/caseflag_failures_total\{code="E_UNSUPPORTED",door="serve"\} 1/);
    expect(text).toMatch(/caseflag_scan_seconds_bucket\{le="0.1",door="serve"\} \d+/);
  });
});
