// Run by `npm run build`: jieba's dictionary as the index a one-document scan loads (jieba-index.ts),
// written to dist/jieba-index.bin where the built library looks for it.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { buildJiebaIndex } from "#caseflag/text/jieba-index.js";

const require = createRequire(import.meta.url);
const dict = readFileSync(require.resolve("@node-rs/jieba/dict.txt"), "utf8");
writeFileSync(fileURLToPath(new URL("../../dist/jieba-index.bin", import.meta.url)), buildJiebaIndex(dict));
