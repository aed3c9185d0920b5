// npm run fit:calibration — chooses each dimension's decision threshold and fits its confidence
// curve on labelled data, prints the precision/recall curve per dimension with the point it chose,
// and writes rules/calibration.json (what every scan reads).
//
// Data: ../shared/data/cail/dev.jsonl (CAIL facts), ../shared/data/typical/typical.jsonl (typical
// cases) and fixtures/labelled/ (expected.yaml). Split: a CAIL fact whose line number is divisible
// by 4, and a typical case whose leading number is, are held out: nothing is fitted on them, and the
// figures are printed for them apart (and for all). The fixtures are all fitted on.
//
// Two passes: the dimensions' thresholds and curves first; then, with those in place (severity and
// flags depend on what is found), the leak score's curve against whether personal information leaked.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { createEngineFromRules, type Engine } from "../engine.js";
import { chooseThreshold, formatPrCurve, formatReliability, isotonicCurve, prCurve, reliability, type Sample, type ThresholdPolicy } from "../eval/calibrate.js";
import { createLabeller, type Part } from "../eval/corpus.js";
import { fixtureLabels, judge, type FixtureExpect, type Judgment, type LabelSet } from "../eval/labels.js";
import { readPath } from "../ingest/index.js";
import { scanDocument } from "../pipeline.js";
import { type Calibration, type DecidedKind, type DimensionDecision } from "../rules/calibration.js";
import { BUNDLED_RULES_DIR, CALIBRATION_FILE, loadRules } from "../rules/load.js";
import type { RuleSet } from "../rules/types.js";
import { REPO_ROOT, requireDevData } from "./common.js";

const TYPICAL = resolve(REPO_ROOT, "../shared/data/typical/typical.jsonl");
const FIXTURES = join(REPO_ROOT, "fixtures/labelled");

/** Per-dimension fits need this many labelled positives and scored negatives in the fit part; the rest share their kind's. */
const MIN_POSITIVES = 25;
const MIN_NEGATIVES = 10;

/**
 * How thresholds are chosen. Crimes: the lowest threshold at which nine in ten found are right, and
 * never below what one strong cue scores (45): one suggestive word must not be a finding. The
 * attribution dimensions (industries, groups, insider) are decided by the leak chain, whose own
 * binding scores 50: their threshold stays at 50 unless the labelled data asks for more.
 */
const POLICY: Record<DecidedKind | "insider", ThresholdPolicy> = {
  crime: { minPrecision: 0.9, floor: 45 },
  "info-type": { minPrecision: 0.5, floor: 50 },
  industry: { minPrecision: 0.9, floor: 50 },
  group: { minPrecision: 0.9, floor: 50 },
  region: { minPrecision: 0.9, floor: 50 },
  insider: { minPrecision: 0.9, floor: 50 },
};

interface Scanned {
  part: Part;
  source: string;
  judgments: Judgment[];
}

async function scanAll(engine: Engine): Promise<Scanned[]> {
  const out: Scanned[] = [];
  const label = createLabeller(engine.ruleSet);
  for (const file of [requireDevData(), TYPICAL]) {
    if (!existsSync(file)) throw new Error(`${file} not found (the research data lives in ../shared/data beside the repo)`);
    let index = 0;
    for await (const item of readPath(file)) {
      if (!item.ok) continue;
      const l = label(item.doc, index++);
      if (!l) continue;
      out.push({ part: l.part, source: l.format, judgments: judge(scanDocument(item.doc, engine), l.labels) });
    }
  }
  const expected = parse(readFileSync(join(FIXTURES, "expected.yaml"), "utf8")) as { documents: Record<string, FixtureExpect> };
  for (const [file, e] of Object.entries(expected.documents)) {
    const labels: LabelSet = fixtureLabels(e);
    for await (const item of readPath(join(FIXTURES, file))) {
      if (item.ok) out.push({ part: "fit", source: "fixture", judgments: judge(scanDocument(item.doc, engine), labels) });
    }
  }
  return out;
}

function samplesOf(scanned: Scanned[], part: Part | "all", pick: (j: Judgment) => boolean): Sample[] {
  const out: Sample[] = [];
  for (const s of scanned) {
    if (part !== "all" && s.part !== part) continue;
    for (const j of s.judgments) if (pick(j)) out.push({ score: j.score, label: j.label });
  }
  return out;
}

function fit(name: string, samples: Sample[], policy: ThresholdPolicy): DimensionDecision {
  const curve = prCurve(samples);
  const chosen = chooseThreshold(curve, policy);
  process.stdout.write(formatPrCurve(name, curve, chosen) + "\n");
  // The confidence curve is fitted on the scored decisions (score > 0): what a result can show.
  return { threshold: chosen?.threshold ?? policy.floor, confidence: isotonicCurve(samples.filter((s) => s.score > 0)) };
}

async function main(): Promise<void> {
  const loaded = await loadRules([BUNDLED_RULES_DIR]);
  const bare: RuleSet = { ...loaded };
  delete bare.calibration;
  process.stderr.write("fit-calibration: scanning the labelled data (pass 1: dimensions)\n");
  const first = await scanAll(createEngineFromRules(bare));
  const calibration: Calibration = {
    note:
      "Written by `npm run fit:calibration` (src/bench/fit-calibration.ts): thresholds and confidence curves fitted on ../shared/data/cail/dev.jsonl (lines not divisible by 4), ../shared/data/typical/typical.jsonl (cases whose number is not divisible by 4) and fixtures/labelled. Do not edit by hand: change the rules or the policy and run it again.",
    dimensions: {},
  };
  const kinds: DecidedKind[] = ["crime", "industry", "group", "info-type"];
  for (const kind of kinds) {
    const ids = [...new Set(first.flatMap((s) => s.judgments.filter((j) => j.kind === kind).map((j) => j.id)))].sort();
    const byId: Record<string, DimensionDecision> = {};
    for (const id of ids) {
      const samples = samplesOf(first, "fit", (j) => j.kind === kind && j.id === id);
      const pos = samples.filter((s) => s.label).length;
      const neg = samples.filter((s) => !s.label && s.score > 0).length;
      if (pos >= MIN_POSITIVES && neg >= MIN_NEGATIVES) byId[id] = fit(`${kind}/${id}`, samples, POLICY[kind]);
    }
    byId["*"] = fit(`${kind}/* (every other ${kind} dimension)`, samplesOf(first, "fit", (j) => j.kind === kind && !(j.id in byId)), POLICY[kind]);
    calibration.dimensions[kind] = byId;
  }
  calibration.insider = fit("insider", samplesOf(first, "fit", (j) => j.kind === "insider"), POLICY.insider);

  process.stderr.write("fit-calibration: scanning again with the fitted decisions (pass 2: the leak score)\n");
  const second = await scanAll(createEngineFromRules({ ...bare, calibration }));
  const leak = samplesOf(second, "fit", (j) => j.kind === "leak");
  calibration.leakScore = isotonicCurve(leak.filter((s) => s.score > 0));

  // The figures with everything in place, on the held-out part and on all.
  const third = await scanAll(createEngineFromRules({ ...bare, calibration }));
  for (const part of ["heldOut", "all"] as const) {
    const label = part === "heldOut" ? "held-out part" : "all";
    for (const kind of ["crime", "industry", "group", "insider"] as const) {
      const judged = third
        .filter((s) => part === "all" || s.part === part)
        .flatMap((s) => s.judgments.filter((j) => j.kind === kind && j.found).map((j) => ({ confidence: j.confidence, correct: j.label })));
      process.stdout.write(formatReliability(`${kind} findings, ${label}`, reliability(judged)) + "\n");
    }
  }
  const file = join(BUNDLED_RULES_DIR, CALIBRATION_FILE);
  writeFileSync(file, JSON.stringify(calibration, null, 1).replace(/\[\n\s+(-?[\d.]+),\n\s+(-?[\d.]+)\n\s+\]/g, "[$1, $2]") + "\n");
  process.stdout.write(`chosen thresholds: ${summary(calibration)}\nwrote ${file}\n`);
}

function summary(c: Calibration): string {
  const parts: string[] = [];
  for (const [kind, byId] of Object.entries(c.dimensions)) {
    for (const [id, d] of Object.entries(byId)) parts.push(`${kind}/${id} ${d.threshold}`);
  }
  if (c.insider) parts.push(`insider ${c.insider.threshold}`);
  return parts.join(", ");
}

await main();
