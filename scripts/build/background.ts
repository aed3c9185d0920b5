// Builds the general keyword background (background.ts) from the CAIL facts beside the repository:
//
//   npm run build:background     (node dist-scripts/build/background.js [DATA_DIR] [MIN_DF])
//
// Reads every *.jsonl under ../shared/data/cail/ (dev.jsonl and the GB18030 train sample: all crimes),
// counts, for each 2–6 character string of each fact's Han runs (as keyword capture cuts them), the
// facts containing it, and writes those in at least MIN_DF facts (default 5) to
// src/keywords/background.zh.tsv.gz. For the strings in at least SPREAD_MIN_SHARE of the facts it
// also writes how many kinds of crime they are spread over (the exponential of the entropy of their
// facts over each fact's first charge, `meta.accusation`): 涉案 over ~22 charges is the narration of
// every case, 抵押 over ~5 the words of fraud. Counts only: no sentence of the data is in the output.
import { readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { readInputs } from "#caseflag/ingest/index.js";
import { normalize } from "#caseflag/text/index.js";
import { BACKGROUND_FILE, formatBackground, SPREAD_MIN_SHARE } from "#caseflag/keywords/background.js";
import { hanRuns, MAX_PHRASE } from "#caseflag/keywords/phrases.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = resolve(process.argv[2] ?? join(ROOT, "../shared/data/cail"));
const minDf = Number(process.argv[3] ?? 5);

const files = readdirSync(dataDir)
  .filter((n) => n.endsWith(".jsonl"))
  .sort()
  .map((n) => join(dataDir, n));
/** A fact's distinct 2–6 character strings, as keyword capture cuts them. */
function stringsOf(original: string): Set<string> {
  const text = normalize(original).text;
  const seen = new Set<string>();
  for (const run of hanRuns(text)) {
    for (let i = run.start; i < run.end - 1; i++) {
      for (let j = i + 2; j <= Math.min(run.end, i + MAX_PHRASE); j++) seen.add(text.slice(i, j));
    }
  }
  return seen;
}

const df = new Map<string, number>();
let docs = 0;
for await (const item of readInputs(files)) {
  if (!item.ok) {
    process.stderr.write(`write-background: ${item.failure.message}\n`);
    continue;
  }
  docs++;
  for (const k of stringsOf(item.doc.text)) df.set(k, (df.get(k) ?? 0) + 1);
}
const kept = [...df].filter(([, n]) => n >= minDf);

// Second reading: the charges of the facts holding each common string.
const common = new Map<string, Map<string, number>>();
for (const [k, n] of df) if (n >= SPREAD_MIN_SHARE * docs) common.set(k, new Map());
for await (const item of readInputs(files)) {
  if (!item.ok) continue;
  const charges = item.doc.meta["accusation"];
  const charge = Array.isArray(charges) && typeof charges[0] === "string" ? charges[0] : "";
  for (const k of stringsOf(item.doc.text)) {
    const by = common.get(k);
    if (by) by.set(charge, (by.get(charge) ?? 0) + 1);
  }
}
const spread: [string, number][] = [];
for (const [k, by] of common) {
  const n = [...by.values()].reduce((a, b) => a + b, 0);
  let h = 0;
  for (const c of by.values()) h -= (c / n) * Math.log(c / n);
  spread.push([k, Math.round(Math.exp(h) * 10) / 10]);
}
const names = files.map((f) => f.slice(dataDir.length + 1)).join(", ");
const text = formatBackground({ docs, minDf, source: `CAIL2018 facts, all crimes (${names})` }, kept, spread);
const out = join(ROOT, "src/keywords", BACKGROUND_FILE);
const gz = gzipSync(Buffer.from(text, "utf8"), { level: 9 });
await writeFile(out, gz);
process.stdout.write(`${out}: ${docs} documents, ${kept.length} strings (min-df ${minDf}), ${spread.length} with their spread over charges, ${gz.length} bytes gzipped\n`);
