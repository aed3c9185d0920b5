// The route schemas: requests are validated by Fastify with them, responses are described by them
// (the tests check every response against the OpenAPI document built from them), and
// the OpenAPI document is generated from them. Results refer to the published line schema
// (schema/output-line.schema.json and case-result.schema.json), not to a copy of it.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's schema/ folder (beside dist/ and src/). */
const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../schema");

const read = (f: string) => JSON.parse(readFileSync(join(SCHEMA_DIR, f), "utf8")) as { $id: string };
const CASE_RESULT = read("case-result.schema.json");
const OUTPUT_LINE = read("output-line.schema.json");

/** The published schemas' ids, as the files say them (they carry the schema version). */
export const CASE_RESULT_ID = CASE_RESULT.$id;
export const OUTPUT_LINE_ID = OUTPUT_LINE.$id;

/** The published result and line schemas, as Fastify's addSchema takes them (each with its $id). */
export function publishedSchemas(): { $id: string }[] {
  return [structuredClone(CASE_RESULT), structuredClone(OUTPUT_LINE)];
}

const line = { $ref: OUTPUT_LINE_ID };

export const errorSchema = {
  type: "object",
  additionalProperties: false,
  required: ["error"],
  properties: {
    error: {
      type: "object",
      additionalProperties: false,
      required: ["code", "message"],
      properties: { code: { type: "string", pattern: "^E_[A-Z0-9_]+$" }, message: { type: "string" } },
    },
  },
} as const;

const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, { description: "one-line JSON error", ...errorSchema }]));

const jsonDocument = {
  type: "object",
  additionalProperties: false,
  properties: {
    text: { type: "string", description: "the document's text" },
    base64: { type: "string", description: "the document's bytes, base64 (with filename: its extension picks the reader)" },
    filename: { type: "string", description: "e.g. judgment.docx, cases.jsonl; default document.txt (text) or sniffed (base64)" },
    id: { type: "string", description: "the document's id in the result (default: from the file name or the record)" },
  },
  oneOf: [{ required: ["text"] }, { required: ["base64", "filename"] }],
} as const;

const documentsBody = {
  type: "object",
  additionalProperties: false,
  required: ["documents"],
  properties: { documents: { type: "array", minItems: 1, maxItems: 1000, items: jsonDocument } },
} as const;

// No `type`: Fastify leaves a multipart body to the handler (request.parts()), so there is no body object to check.
const multipart = {
  description: "one or more file parts; each file's name picks its reader (.txt .xml .json .jsonl .html .docx)",
  properties: { file: { type: "string", format: "binary" } },
} as const;

/** A request body: one document, a list of them, a text/plain body, or a multipart upload. */
const body = {
  content: {
    "application/json": { schema: { oneOf: [jsonDocument, documentsBody] } },
    "text/plain": { schema: { type: "string" } },
    "multipart/form-data": { schema: multipart },
  },
} as const;

const security = [{ bearer: [] }];

export const scanSchema = {
  summary: "Scan documents now and return one result (or failure) line each",
  tags: ["scan"],
  security,
  querystring: {
    type: "object",
    additionalProperties: false,
    properties: {
      mask: { type: "boolean", default: true, description: "false shows identifiers, for a token allowed no-mask" },
      text: { type: "boolean", default: false, description: "also return each document's text (identifiers masked), for highlighting" },
    },
  },
  body,
  response: {
    200: {
      description: "one line per document, as batch and the queue write them",
      type: "object",
      additionalProperties: false,
      required: ["results"],
      properties: {
        results: { type: "array", items: line },
        texts: { type: "array", items: { type: "string" }, description: "with ?text=true: each document's text, identifiers masked unless mask=false" },
      },
    },
    ...errors(400, 401, 403, 413, 415, 422, 429, 500),
  },
} as const;

export const filingsSchema = {
  summary: "Queue documents for the workers; answers with their job ids at once",
  tags: ["queue"],
  security,
  body,
  response: {
    202: {
      description: "one job a document; the id is a hash of its source, id and text, so a filing sent again is not scanned again",
      type: "object",
      additionalProperties: false,
      required: ["jobs", "failures"],
      properties: {
        jobs: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["jobId", "source"],
            properties: { jobId: { type: "string" }, source: { type: "string" } },
          },
        },
        failures: { type: "array", items: line, description: "parts of the upload that could not be read" },
      },
    },
    ...errors(400, 401, 413, 415, 422, 429, 503),
  },
} as const;

export const jobSchema = {
  summary: "A job's state and, once scanned, its outcome lines",
  tags: ["queue"],
  security,
  params: { type: "object", required: ["id"], properties: { id: { type: "string", pattern: "^[A-Za-z0-9:_-]{1,200}$" } } },
  response: {
    200: {
      type: "object",
      additionalProperties: false,
      required: ["jobId", "state"],
      properties: {
        jobId: { type: "string" },
        state: { enum: ["waiting", "active", "delayed", "prioritized", "waiting-children", "completed", "failed"] },
        reason: { type: "string", description: "why a failed job failed" },
        expired: { type: "boolean", description: "done, but its lines were trimmed from the results stream since" },
        outcomes: { type: "array", items: line },
      },
    },
    ...errors(400, 401, 404, 429, 503),
  },
} as const;

export const resultsSchema = {
  summary: "Page through the results stream (or the flagged stream) after a stream id",
  tags: ["queue"],
  security,
  querystring: {
    type: "object",
    additionalProperties: false,
    properties: {
      after: { type: "string", pattern: "^\\d+-\\d+$", description: "stream id of the last entry already read (default: from the start)" },
      flagged: { type: "boolean", default: false, description: "flagged results only" },
      limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
    },
  },
  response: {
    200: {
      type: "object",
      additionalProperties: false,
      required: ["entries", "next"],
      properties: {
        entries: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["id", "jobId", "outcome"],
            properties: { id: { type: "string" }, jobId: { type: "string" }, outcome: line },
          },
        },
        next: { type: ["string", "null"], description: "pass as `after` for the next page; null when there was nothing new" },
      },
    },
    ...errors(400, 401, 429, 503),
  },
} as const;

const status = {
  type: "object",
  additionalProperties: false,
  required: ["status"],
  properties: { status: { enum: ["ok", "unavailable"] }, checks: { type: "object", additionalProperties: { type: "string" } } },
} as const;

export const healthSchema = { summary: "The process is up", tags: ["health"], response: { 200: status } } as const;
export const readySchema = {
  summary: "Ready to scan: engine built, and Redis reachable when configured",
  tags: ["health"],
  response: { 200: status, 503: status },
} as const;
