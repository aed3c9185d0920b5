// Plain text: .txt/.text/.md, and extension-less files that sniff as text.
import type { Reader } from "../types.js";
import { binaryReason } from "../encoding.js";
import { decodeText } from "../encoding.js";
import { baseName } from "../streams.js";
import { documentItem, guarded, readWhole } from "./whole.js";

function looksLikeText(head: Buffer): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return true;
  return binaryReason(head) === undefined;
}

export const textReader: Reader = {
  name: "text",
  extensions: [".txt", ".text", ".md"],
  holds: "document",
  sniff: looksLikeText,
  read(src, opts) {
    return guarded(src, async function* () {
      const bytes = await readWhole(src, opts);
      const { text, encoding, warnings } = decodeText(bytes, src.name, opts.encoding);
      yield documentItem(src, baseName(src.name), text, { format: "text", encoding }, warnings);
    });
  },
};
