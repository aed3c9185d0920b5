// Benchmark: `caseflag keywords` on CAIL dev (5,067 facts): fraud candidates (crime/fraud foreground
// against the non-fraud facts), streamed exactly as the CLI does it.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/keywords.js [--cap N]
//
// Reports wall time of the whole capture (both passes), its throughput, peak RSS, the cost split
// between the scan and the term extraction, and the same run under a small vocabulary cap to show
// what pruning does to the top 30. Research data is read from ../shared/data, never copied.
//
// Memory is measured in child processes, each a fresh Node (peak RSS is per process): the baseline is
// what streaming the same corpus through the scan costs (analyzeDocument per document, as `batch`
// does in one thread, with the keyword lexicon and background loaded), against the whole capture.
// `--rounds N` (default 3) alternates them N times and prints each figure's range.
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
import { analyzeDocument, scanDocument } from "#caseflag/pipeline.js";
import { loadFacts, mb, median, requireDevData } from "./common.js";
import { statSync } from "node:fs";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** One measured process: `scan` streams the corpus through the scan only, `capture` runs the capture. Prints its peak RSS (MB). */
async function child(mode: "scan" | "capture"): Promise<void> {
  const corpus = requireDevData();
  const engine = await createEngine();
  const lexicon = await loadKeywordLexicon();
  const general = await loadGeneralBackground();
  if (mode === "scan") {
    for await (const item of readInputs([corpus])) if (item.ok) documentView(analyzeDocument(item.doc, engine).text, lexicon);
  } else {
    await captureKeywords(engine, { corpus: () => readInputs([corpus]) }, { lexicon, general, kind: "crime", targets: ["fraud"], top: 30 });
  }
  process.stdout.write(JSON.stringify({ peakMb: process.resourceUsage().maxRSS / 1024 }) + "\n");
}

function measure(mode: "scan" | "capture"): Promise<number> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", mode], { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    p.stdout.on("data", (b: Buffer) => (text += b.toString()));
    p.on("error", fail);
    p.on("close", (code) => (code === 0 ? done((JSON.parse(text.trim()) as { peakMb: number }).peakMb) : fail(new Error(`child ${mode} exited ${code}`))));
  });
}

const out = (s: string): boolean => process.stdout.write(s + "\n");
const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const smallCap = flag("--cap", 50_000);
const rounds = flag("--rounds", 3);

if (args[0] === "--child") {
  await child(args[1] as "scan" | "capture");
  process.exit(0);
}

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

// Memory first, in fresh processes, alternating so that machine load falls on both alike.
const scanPeaks: number[] = [];
const capturePeaks: number[] = [];
for (let r = 0; r < rounds; r++) {
  scanPeaks.push(await measure("scan"));
  capturePeaks.push(await measure("capture"));
}
const range = (xs: number[]): string => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
const ratios = capturePeaks.map((c, i) => c / scanPeaks[i]!);

const full = await capture();
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
out(
  `peak RSS over ${rounds} rounds (fresh processes): baseline (stream the corpus through the scan, no capture) ${range(scanPeaks)} MB; ` +
    `capture ${range(capturePeaks)} MB; capture / baseline ${range(ratios.map((x) => x * 100))}% (median ${(median(ratios) * 100).toFixed(0)}%)`,
);
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
