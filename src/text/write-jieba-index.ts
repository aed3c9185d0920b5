// Run by `npm run build`: jieba's dictionary as the index a one-document scan loads (jieba-index.ts).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { buildJiebaIndex } from "./jieba-index.js";

const require = createRequire(import.meta.url);
const dict = readFileSync(require.resolve("@node-rs/jieba/dict.txt"), "utf8");
writeFileSync(fileURLToPath(new URL("../jieba-index.bin", import.meta.url)), buildJiebaIndex(dict));
