// JSON records -> Documents, shared by the .json and .jsonl readers.
import type { ReadItem } from "../../types.js";
import { failed, failure } from "../failures.js";
import type { ReadOptions } from "../types.js";

export const DEFAULT_TEXT_FIELDS = ["fact", "text", "content", "body"];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Value at a dotted path ("fact", "data.fact"); a key containing the dots itself wins. */
function getPath(obj: Record<string, unknown>, path: string): unknown {
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export interface RecordPlace {
  /** Document.source for this record: `dump.jsonl:12`, `cases.json[3]`, `case.json`. */
  source: string;
  /** Id when the record has none. */
  fallbackId: string;
  /** 1-based line for JSONL. */
  line?: number;
  /** Failure code for a record that is not an object: E_JSON_LINE for JSONL, E_JSON for JSON. */
  code: string;
  /** What decoding its bytes took (a lenient decode), carried into the document. */
  warnings?: string[];
}

/**
 * One record to a Document. Text: the first non-empty string among textFields. Meta: every other
 * field; a nested `meta` object (original CAIL layout) is flattened into it, so `meta.accusation`
 * is found in both the CAIL original and flattened dumps.
 */
export function recordToItem(rec: unknown, opts: ReadOptions, place: RecordPlace): ReadItem {
  const extra = place.line === undefined ? {} : { line: place.line };
  if (!isObject(rec)) {
    const kind = Array.isArray(rec) ? "an array" : rec === null ? "null" : `a ${typeof rec}`;
    return failed(failure(place.source, place.code, `${place.source}: expected a JSON object, got ${kind}`, extra));
  }
  const fields = opts.textFields && opts.textFields.length > 0 ? opts.textFields : DEFAULT_TEXT_FIELDS;
  let textField: string | undefined;
  let text: string | undefined;
  for (const f of fields) {
    const v = getPath(rec, f);
    if (typeof v === "string" && v.trim() !== "") {
      textField = f;
      text = v;
      break;
    }
  }
  const idField = opts.idField ?? "id";
  const idValue = getPath(rec, idField);
  const id =
    (typeof idValue === "string" && idValue !== "") || (typeof idValue === "number" && Number.isFinite(idValue))
      ? String(idValue)
      : place.fallbackId;
  if (text === undefined || textField === undefined) {
    return failed(
      failure(place.source, "E_NO_TEXT", `${place.source}: no text in field(s) ${fields.join(", ")}`, { ...extra, id }),
    );
  }
  const meta: Record<string, unknown> = {};
  const nested = rec["meta"];
  if (isObject(nested)) Object.assign(meta, nested);
  for (const [k, v] of Object.entries(rec)) {
    if (k === textField || k === idField || (k === "meta" && isObject(nested))) continue;
    meta[k] = v;
  }
  const item: ReadItem & { ok: true } = { ok: true, doc: { id, source: place.source, text, meta } };
  if (place.warnings && place.warnings.length > 0) item.doc.warnings = [...place.warnings];
  return item;
}
