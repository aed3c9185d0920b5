// Readers by extension, else by sniffing the head. Sniff order matters: specific formats first,
// plain text (anything not binary) last.
import { UsageError } from "../errors.js";
import { docxReader } from "./readers/docx.js";
import { htmlReader } from "./readers/html.js";
import { jsonReader } from "./readers/json.js";
import { jsonlReader } from "./readers/jsonl.js";
import { textReader } from "./readers/text.js";
import { xmlReader } from "./readers/xml.js";
import { baseName } from "./streams.js";
import type { Reader, ReaderRegistry } from "./types.js";

export const defaultReaders: readonly Reader[] = [docxReader, xmlReader, htmlReader, jsonlReader, jsonReader, textReader];

const DOUBLE_EXTENSIONS = [".tar.gz"];

/** The extension of a source name, lower case with the dot; "" when it has none worth the name. */
export function extensionOf(name: string): string {
  const base = baseName(name).toLowerCase();
  for (const d of DOUBLE_EXTENSIONS) if (base.endsWith(d) && base.length > d.length) return d;
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return "";
  const ext = base.slice(dot);
  // "2019.刑初123号" or "v1.2 final" are not extensions: such names are sniffed.
  return /^\.[a-z0-9]{1,10}$/.test(ext) ? ext : "";
}

function normalizeExt(ext: string): string {
  const e = ext.trim().toLowerCase();
  return e.startsWith(".") ? e : `.${e}`;
}

export function createReaderRegistry(readers: Reader[] = [...defaultReaders]): ReaderRegistry {
  const byExt = new Map<string, Reader>();
  for (const r of readers) {
    for (const ext of r.extensions) {
      const e = normalizeExt(ext);
      const prev = byExt.get(e);
      if (prev && prev !== r) throw new UsageError(`readers "${prev.name}" and "${r.name}" both claim ${e}`);
      byExt.set(e, r);
    }
  }
  const list = [...readers];
  return {
    get: (ext) => byExt.get(normalizeExt(ext)),
    holds(name) {
      const ext = extensionOf(name);
      return ext === "" ? undefined : byExt.get(ext)?.holds;
    },
    forSource(name, head) {
      const ext = extensionOf(name);
      if (ext !== "") return byExt.get(ext);
      return list.find((r) => r.sniff?.(head) === true);
    },
    list: () => [...list],
  };
}

let shared: ReaderRegistry | undefined;

/** The registry of the bundled readers (built once). */
export function defaultRegistry(): ReaderRegistry {
  return (shared ??= createReaderRegistry());
}

/** The extensions a registry reads, for "supported: ..." messages. */
export function supportedExtensions(registry: ReaderRegistry): string[] {
  return registry.list().flatMap((r) => r.extensions.map(normalizeExt));
}
