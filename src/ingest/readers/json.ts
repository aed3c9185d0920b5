// .json: one document object, or an array of them. Whole-file (bounded by maxBytes); use JSONL for dumps.
import { InputError } from "../../errors.js";
import { decodeText } from "../encoding.js";
import { baseName } from "../streams.js";
import type { Reader } from "../types.js";
import { looseHeadText } from "../encoding.js";
import { recordToItem } from "./records.js";
import { guarded, readWhole } from "./whole.js";

/** Line of a JSON.parse error, from the "position N" V8 puts in its message. */
function errorLine(text: string, err: unknown): number | undefined {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : "");
  if (!m) return undefined;
  const pos = Number(m[1]);
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < pos; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

export const jsonReader: Reader = {
  name: "json",
  extensions: [".json"],
  holds: "records",
  sniff(head) {
    const t = looseHeadText(head).trim();
    if (t.startsWith("[")) return true;
    if (!t.startsWith("{")) return false;
    // A whole object in the head is JSON; a first line that parses alone is JSONL (checked first).
    try {
      JSON.parse(t);
      return true;
    } catch {
      return false;
    }
  },
  read(src, opts) {
    return guarded(src, async function* () {
      const bytes = await readWhole(src, opts);
      const { text, warnings } = decodeText(bytes, src.name, opts.encoding);
      const decoded = warnings ? { warnings } : {};
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        const line = errorLine(text, err);
        const where = line === undefined ? src.name : `${src.name}:${line}`;
        const msg = err instanceof Error ? err.message : String(err);
        throw new InputError("E_JSON", src.name, `${where}: malformed JSON: ${msg}`, line);
      }
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          yield recordToItem(value[i], opts, { source: `${src.name}[${i}]`, fallbackId: String(i), code: "E_JSON", ...decoded });
        }
        return;
      }
      yield recordToItem(value, opts, { source: src.name, fallbackId: baseName(src.name), code: "E_JSON", ...decoded });
    });
  },
};
