// What an HTTP request carries, as the ingest stage reads it: JSON {text} or {base64, filename},
// a multipart upload, or a text/plain body, each turned into a named byte source and read by the
// same readers the CLI uses (the file name's extension picks the reader, else the head is sniffed).
// Also how an ingest failure code maps to an HTTP status.
import type { FastifyRequest } from "fastify";
import { bufferSource, readSource, type InputSource, type ReadOptions } from "../ingest/index.js";
import type { Document, Failure } from "../types.js";

/** One document as JSON: its text, or its bytes in base64 with the file name that says their format. */
export interface JsonDocument {
  text?: string;
  base64?: string;
  filename?: string;
  id?: string;
}

/** A request's problem, answered with one line of JSON: {"error":{"code","message"}}. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The name a text without a file name is read under: plain text. */
const TEXT_NAME = "document.txt";

/** A JSON document as a named byte source; over `maxBytes` decoded is a 413. */
export function jsonSource(d: JsonDocument, maxBytes: number): InputSource {
  if (typeof d.text === "string") {
    const bytes = Buffer.from(d.text, "utf8");
    if (bytes.byteLength > maxBytes) throw tooLarge(d.filename ?? TEXT_NAME, maxBytes);
    return bufferSource(d.filename ?? TEXT_NAME, bytes);
  }
  if (typeof d.base64 === "string") {
    const name = d.filename ?? "document";
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(d.base64.replace(/\s+/g, ""))) throw new HttpError(422, "E_BASE64", `${name}: base64 field is not base64`);
    const bytes = Buffer.from(d.base64, "base64");
    if (bytes.byteLength > maxBytes) throw tooLarge(name, maxBytes);
    return bufferSource(name, bytes);
  }
  throw new HttpError(400, "E_REQUEST", "a document needs `text`, or `base64` with `filename`");
}

export function tooLarge(name: string, maxBytes: number): HttpError {
  return new HttpError(413, "E_TOO_LARGE", `${name}: larger than the ${maxBytes}-byte limit`);
}

/** The byte sources of a request: each uploaded file of a multipart body, the JSON document(s), or a text/plain body. */
export async function requestSources(req: FastifyRequest, maxBytes: number): Promise<RequestSource[]> {
  if (req.isMultipart()) {
    const out: RequestSource[] = [];
    for await (const part of req.parts({ limits: { fileSize: maxBytes } })) {
      if (part.type !== "file") continue;
      const bytes = await part.toBuffer();
      // busboy cuts a file at the limit and says so; a cut document must not be scanned as if whole.
      if (part.file.truncated) throw tooLarge(part.filename || "upload", maxBytes);
      out.push({ source: bufferSource(part.filename || "upload", bytes) });
    }
    if (out.length === 0) throw new HttpError(400, "E_REQUEST", "multipart body without a file part");
    return out;
  }
  const body = req.body;
  if (typeof body === "string") {
    if (Buffer.byteLength(body, "utf8") > maxBytes) throw tooLarge(TEXT_NAME, maxBytes);
    return [{ source: bufferSource(TEXT_NAME, Buffer.from(body, "utf8")) }];
  }
  const docs = body !== null && typeof body === "object" && Array.isArray((body as { documents?: unknown }).documents)
    ? (body as { documents: JsonDocument[] }).documents
    : [body as JsonDocument];
  return docs.map((d) => sourceOf(d, maxBytes));
}

/**
 * A JSON document as what the readers take, or as the document itself: a text without a file name
 * is decoded already (JSON strings are Unicode), so it is given by value, as the queue's inline
 * items are (runner/sources.ts), without a round through the byte readers.
 */
function sourceOf(d: JsonDocument, maxBytes: number): RequestSource {
  if (typeof d.text === "string" && d.filename === undefined) {
    if (Buffer.byteLength(d.text, "utf8") > maxBytes) throw tooLarge(TEXT_NAME, maxBytes);
    const id = d.id ?? TEXT_NAME;
    return { doc: { id, source: TEXT_NAME, text: d.text, meta: {} } };
  }
  return { source: jsonSource(d, maxBytes), ...(typeof d.id === "string" ? { id: d.id } : {}) };
}

/** A named byte source to read (with the caller's id for its document, if given), or a document given by value. */
export type RequestSource = { source: InputSource; id?: string } | { doc: Document };

/** Every document the sources hold, and the parts that could not be read. */
export async function readSources(sources: RequestSource[], read: ReadOptions): Promise<{ docs: Document[]; failures: Failure[] }> {
  const docs: Document[] = [];
  const failures: Failure[] = [];
  for (const s of sources) {
    if ("doc" in s) {
      docs.push(s.doc);
      continue;
    }
    const { source, id } = s;
    for await (const item of readSource(source, read)) {
      if (!item.ok) failures.push(item.failure);
      // A caller's own id names a one-document source (a JSONL upload keeps its lines' ids).
      else docs.push(id !== undefined ? { ...item.doc, id } : item.doc);
    }
  }
  return { docs, failures };
}

/** HTTP status of a read or scan failure code: what the client sent is too big, of a kind not read, or undecodable. */
export function statusOfCode(code: string): number {
  if (code === "E_TOO_LARGE" || code === "E_ARCHIVE_LIMIT") return 413;
  if (code === "E_UNSUPPORTED" || code === "E_BINARY" || code === "E_ARCHIVE") return 415;
  if (code === "E_WORKER" || code === "E_SCAN") return 500;
  // E_ENCODING, E_JSON, E_JSON_LINE, E_XML, E_DOCX, E_NO_TEXT, E_BUDGET: the document as sent cannot be processed.
  return 422;
}
