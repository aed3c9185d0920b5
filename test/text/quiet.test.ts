// A library import never prints. natural's top-level module reads ./.env and can print; the text stage
// must load only the two natural files it uses, and nothing it loads may write to stdout.
// No static import of src/text here: the module must be loaded inside the spy.
import { createRequire } from "node:module";
import { afterEach, describe, expect, it, vi } from "vitest";

const TIMEOUT = 60_000;

describe("importing src/text", () => {
  afterEach(() => vi.restoreAllMocks());

  it(
    "prints nothing while loading and first use, and never loads natural's index",
    async () => {
      const writes: string[] = [];
      vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
        writes.push(String(chunk));
        return true;
      });
      const logs = vi.spyOn(console, "log");
      const info = vi.spyOn(console, "info");

      const text = await import("../../src/text/index.js");
      const n = text.normalize("被告人張某出售個人資料 ＳＥＬＬＩＮＧ data");
      text.tokenizeEnglish(n.text);
      text.stemPhrase("credit reports");
      text.detectLanguage(n.text);
      for (const kind of text.SEGMENTER_KINDS) text.createSegmenter(kind).segment(n.text);

      expect(writes).toEqual([]);
      expect(logs).not.toHaveBeenCalled();
      expect(info).not.toHaveBeenCalled();
      const require = createRequire(import.meta.url);
      const loaded = Object.keys(require.cache);
      expect(loaded.some((p) => p.includes("natural/lib/natural/stemmers/porter_stemmer.js"))).toBe(true);
      expect(loaded.some((p) => /natural[\\/]lib[\\/]natural[\\/]index\.js$/.test(p))).toBe(false);
      expect(loaded.some((p) => /[\\/]dotenv[\\/]/.test(p))).toBe(false);
    },
    TIMEOUT,
  );
});
