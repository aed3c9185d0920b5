// .docx via mammoth's raw text. The file is a zip: its declared member sizes are checked first so
// a docx bomb is refused before mammoth inflates it in memory.
import { lazyRequire } from "../lazy.js";
import type yauzlTypes from "yauzl";
import { InputError } from "../../errors.js";
import { oneLine } from "../failures.js";
import { baseName } from "../streams.js";
import type { Reader } from "../types.js";
import { documentItem, guarded, maxBytesOf, readWhole } from "./whole.js";

// mammoth costs ~150 ms to load: only documents that are .docx pay for it.
const loadMammoth = lazyRequire<typeof import("mammoth")>("mammoth");
const yauzl = lazyRequire<typeof yauzlTypes>("yauzl");

/** Declared uncompressed total of a zip in memory; throws E_DOCX when it is not a zip. */
function declaredSize(buf: Buffer, source: string): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl().fromBuffer(buf, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) {
        reject(new InputError("E_DOCX", source, `${source}: not a readable .docx (${oneLine(err?.message ?? "no zip")})`));
        return;
      }
      let total = 0;
      zip.on("entry", (e: yauzlTypes.Entry) => {
        total += e.uncompressedSize;
        zip.readEntry();
      });
      zip.on("end", () => resolve(total));
      zip.on("error", (e: Error) => reject(new InputError("E_DOCX", source, `${source}: not a readable .docx (${oneLine(e.message)})`)));
      zip.readEntry();
    });
  });
}

export const docxReader: Reader = {
  name: "docx",
  extensions: [".docx"],
  holds: "document",
  sniff(head) {
    // A zip whose first member is a docx part.
    return head.length > 30 && head.readUInt32LE(0) === 0x04034b50 && /\[Content_Types\]\.xml|word\//.test(head.subarray(30, 300).toString("latin1"));
  },
  read(src, opts) {
    return guarded(src, async function* () {
      const bytes = await readWhole(src, opts);
      const max = maxBytesOf(opts);
      // Text inflates ~5-10x in docx XML; beyond 10x the file limit it is a bomb, not a judgment.
      const inflated = await declaredSize(bytes, src.name);
      if (inflated > 10 * max) {
        throw new InputError("E_TOO_LARGE", src.name, `${src.name}: .docx expands to ${inflated} bytes, over 10x maxBytes`);
      }
      let value: string;
      try {
        ({ value } = await loadMammoth().extractRawText({ buffer: bytes }));
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        throw new InputError("E_DOCX", src.name, `${src.name}: not a readable .docx (${oneLine(msg)})`);
      }
      const text = value.replace(/\n{3,}/g, "\n\n").trim();
      yield documentItem(src, baseName(src.name), text, { format: "docx" }, undefined);
    });
  },
};
