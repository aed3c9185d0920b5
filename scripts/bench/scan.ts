// npm run bench:scan — the engine beside what a user would pick instead: a bare @node-rs/jieba
// cut (no wrapper of ours: its own default dictionary, HMM on as the engine cuts) of the same
// normalized texts, in the same run, both sides warmed the same way (one untimed pass each), then
// timed alternately, best of ROUNDS each. Printed:
//   - raw jieba MB/s, engine MB/s, engine-alone ratio (floor 0.8);
//   - JIT warm-up: the engine's cold first pass minus its warm best;
//   - `caseflag scan DUMP -f jsonl` end to end in a child process as a user runs it (output to a
//     file), its ratio to the raw cut (floor 0.5) and its peak RSS (ceiling 200 MB);
//   - `caseflag scan FILE` start-up on one file.
//   node dist-scripts/bench/scan.js [--copies 4] [--rounds 3] [--compare-segmenters]
// --copies N builds the corpus from dev.jsonl repeated N times (default 4: 20,268 facts).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine } from "#caseflag/engine.js";
import { scanDocument } from "#caseflag/pipeline.js";
import { normalize } from "#caseflag/text/index.js";
import { REPO_ROOT, loadFacts, mb, median, requireDevData } from "./common.js";

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const COPIES = Number(flag("--copies") ?? 4);
const ROUNDS = Number(flag("--rounds") ?? 3);
const out = (s: string): boolean => process.stdout.write(s + "\n");

const dev = requireDevData();
const once = loadFacts(dev);
const facts = Array.from({ length: COPIES }, () => once).flat();
const bytes = facts.reduce((n, f) => n + Buffer.byteLength(f.fact), 0);
out(`corpus: ${facts.length} facts, ${mb(bytes)} MB of text (dev.jsonl x${COPIES}), node ${process.version}`);

// The baseline: @node-rs/jieba as a user would call it, on the texts the engine cuts.
const require = createRequire(import.meta.url);
const { Jieba } = require("@node-rs/jieba") as typeof import("@node-rs/jieba");
const jieba = Jieba.withDict(readFileSync(require.resolve("@node-rs/jieba/dict.txt")));
const normalized = facts.map((f) => normalize(f.fact).text);
const docs = facts.map((f) => ({ id: f.id, source: "bench", text: f.fact, meta: {} }));

const engine = await createEngine();
let sink = 0;
const rawPass = (): void => {
  for (const t of normalized) sink += jieba.cut(t, true).length;
};
const enginePass = (): void => {
  for (const d of docs) sink += scanDocument(d, engine).findings.length;
};
// Wall time, and the process's CPU time beside it: on a shared machine waiting for a core inflates
// wall time, not CPU time (V8's GC and compiler threads are in it: work the engine causes).
const cpuTimes = new Map<() => void, number[]>();
const timed = (fn: () => void): number => {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = performance.now() - t;
  const cpu = process.cpuUsage(c);
  const list = cpuTimes.get(fn) ?? [];
  list.push((cpu.user + cpu.system) / 1000);
  cpuTimes.set(fn, list);
  return wall;
};
// Same warm-up both sides: one untimed pass over the whole corpus.
const rawCold = timed(rawPass);
const engineCold = timed(enginePass);
const rawTimes: number[] = [];
const engineTimes: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  rawTimes.push(timed(rawPass));
  engineTimes.push(timed(enginePass));
}
const rawMs = Math.min(...rawTimes);
const engineMs = Math.min(...engineTimes);
const rate = (ms: number): string => `${(bytes / 1048576 / (ms / 1000)).toFixed(2)} MB/s, ${Math.round(facts.length / (ms / 1000))} docs/s`;
out(`raw @node-rs/jieba cut (same normalized texts):  ${rawMs.toFixed(0)} ms  ${rate(rawMs)}  (cold pass ${rawCold.toFixed(0)} ms)`);
out(`caseflag engine alone, in process, warm:         ${engineMs.toFixed(0)} ms  ${rate(engineMs)}  (cold pass ${engineCold.toFixed(0)} ms)`);
out(`engine-alone ratio to raw jieba: ${(rawMs / engineMs).toFixed(2)}x (floor 0.80; rounds ${engineTimes.map((t, i) => (rawTimes[i]! / t).toFixed(2)).join(" ")})`);
const rawCpu = Math.min(...cpuTimes.get(rawPass)!.slice(1));
const engineCpu = Math.min(...cpuTimes.get(enginePass)!.slice(1));
out(`by CPU time: raw ${rawCpu.toFixed(0)} ms, engine ${engineCpu.toFixed(0)} ms, ratio ${(rawCpu / engineCpu).toFixed(2)}x`);
out(`JIT warm-up (engine cold pass - warm best): ${((engineCold - engineMs) / 1000).toFixed(2)} s`);

// End to end: the dump written as JSONL, scanned by the CLI in a child process whose peak RSS it
// reports itself at exit (worker threads included: they share the process).
const dir = mkdtempSync(join(tmpdir(), "caseflag-bench-"));
try {
  const dump = join(dir, "big.jsonl");
  const devText = readFileSync(dev);
  writeFileSync(dump, Buffer.concat(Array.from({ length: COPIES }, () => devText)));
  const rssFile = join(dir, "rss.txt");
  const preload = join(dir, "rss.mjs");
  writeFileSync(preload, `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => { const u = process.resourceUsage(); writeFileSync(${JSON.stringify(rssFile)}, u.maxRSS + " " + (u.userCPUTime + u.systemCPUTime) / 1000); });\n`);
  const t = performance.now();
  const r = spawnSync(process.execPath, ["--import", preload, join(REPO_ROOT, "bin/caseflag.js"), "scan", dump, "-f", "jsonl", "--fail-on", "never"], {
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  const wall = performance.now() - t;
  if (r.status !== 0) out(`scan exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  const [rssKB, cpuMs] = readFileSync(rssFile, "utf8").split(" ").map(Number) as [number, number];
  out(
    `caseflag scan big.jsonl -f jsonl, end to end (child process): ${(wall / 1000).toFixed(2)} s  ${rate(wall)}; ` +
      `ratio to raw jieba ${(rawMs / wall).toFixed(2)}x (floor 0.50; by CPU time ${(rawCpu / cpuMs).toFixed(2)}x); peak RSS ${(rssKB / 1024).toFixed(0)} MB (ceiling 200)`,
  );

  // Start-up: `caseflag scan FILE` on one file, as a user runs it.
  const file = join(dir, "case.txt");
  writeFileSync(file, once.find((f) => f.fact.includes("诈骗"))?.fact ?? once[0]!.fact);
  const walls: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t1 = performance.now();
    const s = spawnSync(process.execPath, [join(REPO_ROOT, "bin/caseflag.js"), "scan", file, "--format", "json"], { encoding: "utf8" });
    walls.push(performance.now() - t1);
    if (s.status !== 0) out(`scan exited ${s.status}: ${s.stderr}`);
  }
  const nodeWalls: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t1 = performance.now();
    spawnSync(process.execPath, ["-e", "0"]);
    nodeWalls.push(performance.now() - t1);
  }
  out(`caseflag scan one file: median ${median(walls).toFixed(0)} ms wall over 5 runs (bare node start-up ${median(nodeWalls).toFixed(0)} ms; target < 500 ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (argv.includes("--compare-segmenters")) {
  // Both segmenters, same rules: how many documents get different findings.
  const other = await createEngine({ segmenter: engine.segmenter.name === "nodejieba" ? "node-rs" : "nodejieba" });
  let differing = 0;
  for (const d of docs.slice(0, once.length)) {
    const a = scanDocument(d, engine).findings.map((x) => `${x.ruleId}@${x.start}`).join();
    const b = scanDocument(d, other).findings.map((x) => `${x.ruleId}@${x.start}`).join();
    if (a !== b) differing++;
  }
  out(`documents whose findings differ between ${engine.segmenter.name} and ${other.segmenter.name}: ${differing}/${once.length}`);
}
if (sink < 0) out(String(sink));
