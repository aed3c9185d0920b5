// Benchmark: `caseflag keywords` on CAIL dev (5,067 facts): fraud candidates (crime/fraud foreground
// against the non-fraud facts), streamed exactly as the CLI does it.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/keywords.js [--cap N]
//
// Reports wall time of the whole capture (both passes), its throughput, peak RSS (the capture runs
// first, before anything else loads the corpus into memory), the cost split between the scan and the
// term extraction, and the same run under a small vocabulary cap to show what pruning does to the
// top 30. Research data is read from ../shared/data, never copied.
import { createEngine } from "#caseflag/engine.js";
import { readInputs } from "#caseflag/ingest/index.js";
import {
  captureKeywords,
  documentView,
  readText,
  formatCandidateTable,
  loadGeneralBackground,
  loadKeywordLexicon,
  type KeywordReport,
} from "#caseflag/keywords/index.js";
import { scanDocument } from "#caseflag/pipeline.js";
import { loadFacts, mb, requireDevData } from "./common.js";
import { statSync } from "node:fs";

const out = (s: string): boolean => process.stdout.write(s + "\n");
const args = process.argv.slice(2);
const smallCap = args[0] === "--cap" ? Number(args[1]) : 50_000;

const data = requireDevData();
const bytes = statSync(data).size;
const rssMb = (): string => mb(process.memoryUsage().rss);

let t = performance.now();
const engine = await createEngine();
const engineMs = performance.now() - t;
t = performance.now();
const lexicon = await loadKeywordLexicon();
const general = await loadGeneralBackground();
const lexiconMs = performance.now() - t;
const rssBefore = rssMb();

async function capture(cap?: number): Promise<{ report: KeywordReport; ms: number }> {
  const start = performance.now();
  const report = await captureKeywords(
    engine,
    { corpus: () => readInputs([data]) },
    { lexicon, general, kind: "crime", targets: ["fraud"], top: 30, ...(cap !== undefined ? { vocabularyCap: cap } : {}) },
  );
  return { report, ms: performance.now() - start };
}

const full = await capture();
const peakMb = (process.resourceUsage().maxRSS / 1024).toFixed(1);
const s = full.report.summary;
out(`corpus: ${s.corpusDocs} facts, ${mb(bytes)} MB (../shared/data/cail/dev.jsonl)`);
out(
  `setup: engine ${engineMs.toFixed(0)} ms, lexicon (stop words, names, jieba dictionary scan) + general background ` +
    `${lexiconMs.toFixed(0)} ms; RSS ${rssBefore} MB`,
);
out(
  `capture (count pass + examples pass): ${(full.ms / 1000).toFixed(2)} s, ` +
    `${Math.round(s.corpusDocs / (full.ms / 1000))} docs/s, ${(bytes / 1048576 / (full.ms / 1000)).toFixed(2)} MB/s`,
);
out(`peak RSS (whole process so far): ${peakMb} MB; after capture: ${rssMb()} MB`);
out(`foreground ${s.foregroundDocs}, background ${s.backgroundDocs}, vocabulary ${s.vocabulary} terms, pruned ${s.prunes}×, count floor ${s.countFloor}`);
out("");
out(formatCandidateTable(full.report).trimEnd());

// Where the time goes: the scan (needed to split foreground from background) vs term extraction.
const facts = loadFacts(data);
t = performance.now();
for (const f of facts) scanDocument({ id: f.id, source: "bench", text: f.fact, meta: {} }, engine);
const scanMs = performance.now() - t;
t = performance.now();
for (const f of facts) documentView(readText(f.fact), lexicon);
const termsMs = performance.now() - t;
out("");
out(`split (in memory, no I/O): scanDocument ${(scanMs / 1000).toFixed(2)} s, term extraction (normalize, Han runs, Latin words) ${(termsMs / 1000).toFixed(2)} s`);

// Bounded vocabulary: the same run with a small cap, and how much of the top 30 survives.
const small = await capture(smallCap);
const top = new Set(full.report.candidates.map((c) => c.term));
const kept = small.report.candidates.filter((c) => top.has(c.term)).length;
out(
  `cap ${smallCap}: ${(small.ms / 1000).toFixed(2)} s, pruned ${small.report.summary.prunes}×, count floor ${small.report.summary.countFloor}, ` +
    `${kept}/${full.report.candidates.length} of the uncapped top ${full.report.candidates.length} still there`,
);
