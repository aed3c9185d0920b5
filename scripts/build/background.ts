// Builds the general keyword background (background.ts) from the CAIL facts beside the repository:
//
//   npm run build:background     (node dist-scripts/build/background.js [DATA_DIR] [MIN_DF])
//
// Reads every *.jsonl under ../shared/data/cail/ (dev.jsonl and the GB18030 train sample: all crimes),
// counts, for each 2–6 character string of each fact's Han runs (as keyword capture cuts them), the
// facts containing it, and writes those in at least MIN_DF facts (default 5) to
// src/keywords/background.zh.tsv.gz. Counts only: no sentence of the data is in the output.
import { readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { readInputs } from "#caseflag/ingest/index.js";
import { normalize } from "#caseflag/text/index.js";
import { BACKGROUND_FILE, formatBackground } from "#caseflag/keywords/background.js";
import { hanRuns, MAX_PHRASE } from "#caseflag/keywords/phrases.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = resolve(process.argv[2] ?? join(ROOT, "../shared/data/cail"));
const minDf = Number(process.argv[3] ?? 5);

const files = readdirSync(dataDir)
  .filter((n) => n.endsWith(".jsonl"))
  .sort()
  .map((n) => join(dataDir, n));
const df = new Map<string, number>();
let docs = 0;
for await (const item of readInputs(files)) {
  if (!item.ok) {
    process.stderr.write(`write-background: ${item.failure.message}\n`);
    continue;
  }
  docs++;
  const text = normalize(item.doc.text).text;
  const seen = new Set<string>();
  for (const run of hanRuns(text)) {
    for (let i = run.start; i < run.end - 1; i++) {
      for (let j = i + 2; j <= Math.min(run.end, i + MAX_PHRASE); j++) seen.add(text.slice(i, j));
    }
  }
  for (const k of seen) df.set(k, (df.get(k) ?? 0) + 1);
}
const kept = [...df].filter(([, n]) => n >= minDf);
const names = files.map((f) => f.slice(dataDir.length + 1)).join(", ");
const text = formatBackground({ docs, minDf, source: `CAIL2018 facts, all crimes (${names})` }, kept);
const out = join(ROOT, "src/keywords", BACKGROUND_FILE);
const gz = gzipSync(Buffer.from(text, "utf8"), { level: 9 });
await writeFile(out, gz);
process.stdout.write(`${out}: ${docs} documents, ${kept.length} strings (min-df ${minDf}), ${gz.length} bytes gzipped\n`);
