// npm run bench:scan — the engine's throughput on CAIL dev facts beside raw jieba segmentation of
// the same text in the same run (the ratio is the figure that matters: the floor is 0.5),
// then `caseflag scan` wall time for one file as a user runs it (fresh process each time).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine } from "#caseflag/engine.js";
import { scanDocument } from "#caseflag/pipeline.js";
import { normalize } from "#caseflag/text/index.js";
import { REPO_ROOT, loadFacts, mb, median } from "./common.js";

const ROUNDS = 3;
const facts = loadFacts();
const bytes = facts.reduce((n, f) => n + Buffer.byteLength(f.fact), 0);
const out = (s: string): boolean => process.stdout.write(s + "\n");
out(`corpus: ${facts.length} facts, ${mb(bytes)} MB (../shared/data/cail/dev.jsonl)`);

function best(fn: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return Math.min(...times);
}

const engine = await createEngine();
// Raw segmentation: the same segmenter, same user words, on the normalized text the engine cuts.
const seg = engine.segmenter;
const normalized = facts.map((f) => normalize(f.fact).text);
const segMs = best(() => {
  for (const t of normalized) seg.segment(t);
});
const engineMs = best(() => {
  for (const f of facts) scanDocument({ id: f.id, source: "bench", text: f.fact, meta: {} }, engine);
});
const rate = (ms: number): string => `${(bytes / 1048576 / (ms / 1000)).toFixed(2)} MB/s, ${Math.round(facts.length / (ms / 1000))} docs/s`;
out(`jieba segmentation alone (${seg.name}): ${segMs.toFixed(0)} ms  ${rate(segMs)}`);
out(`caseflag engine (whole pipeline):      ${engineMs.toFixed(0)} ms  ${rate(engineMs)}`);
out(`ratio engine/segmentation speed: ${(segMs / engineMs).toFixed(2)} (floor 0.50)`);

// Both segmenters, same rules: how many documents get different findings, and why.
const other = await createEngine({ segmenter: seg.name === "nodejieba" ? "node-rs" : "nodejieba" });
let differing = 0;
const examples: string[] = [];
for (const f of facts) {
  const doc = { id: f.id, source: "bench", text: f.fact, meta: {} };
  const a = scanDocument(doc, engine).findings.map((x) => `${x.ruleId}@${x.start}`);
  const b = scanDocument(doc, other).findings.map((x) => `${x.ruleId}@${x.start}`);
  const onlyA = a.filter((x) => !b.includes(x));
  const onlyB = b.filter((x) => !a.includes(x));
  if (onlyA.length + onlyB.length > 0) {
    differing++;
    if (examples.length < 5) {
      const show = (xs: string[]) =>
        xs.map((x) => {
          const [rule, at] = x.split("@");
          const s = Number(at);
          return `${rule} "${f.fact.slice(Math.max(0, s - 6), s + 10)}"`;
        });
      examples.push(`  ${f.id}: only ${seg.name}: ${show(onlyA).join("; ") || "-"} | only ${other.segmenter.name}: ${show(onlyB).join("; ") || "-"}`);
    }
  }
}
out(`documents whose findings differ between ${seg.name} and ${other.segmenter.name}: ${differing}/${facts.length}`);
for (const e of examples) out(e);

// Start-up: `caseflag scan FILE` in a fresh process, as a user runs it.
const dir = mkdtempSync(join(tmpdir(), "caseflag-bench-"));
const file = join(dir, "case.txt");
writeFileSync(file, facts.find((f) => f.fact.includes("诈骗"))?.fact ?? facts[0]!.fact);
const walls: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin/caseflag.js"), "scan", file, "--format", "json"], { encoding: "utf8" });
  walls.push(performance.now() - t);
  if (r.status !== 0) out(`scan exited ${r.status}: ${r.stderr}`);
}
const nodeWalls: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  spawnSync(process.execPath, ["-e", "0"]);
  nodeWalls.push(performance.now() - t);
}
rmSync(dir, { recursive: true, force: true });
out(`caseflag scan one file: median ${median(walls).toFixed(0)} ms wall over 5 runs (bare node start-up ${median(nodeWalls).toFixed(0)} ms; target < 500 ms)`);
