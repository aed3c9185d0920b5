// npm run fit:calibration (scripts/build/calibration.ts) — chooses each dimension's decision threshold and fits its confidence
// curve on labelled data, prints the precision/recall curve per dimension with the point it chose,
// and writes rules/calibration.json (what every scan reads).
//
// Data: ../shared/data/cail/dev.jsonl (CAIL facts), ../shared/data/typical/typical.jsonl (typical
// cases) and fixtures/labelled/ (expected.yaml). Split: a CAIL fact whose line number is divisible
// by 4, and a typical case whose leading number is, are held out: nothing is fitted on them, and the
// figures are printed for them apart (and for all). The fixtures are fitted on, except those marked
// `heldOut: true` in expected.yaml.
//
// Two passes: the dimensions' thresholds and curves first; then, with those in place (severity and
// flags depend on what is found), the leak score's curve against whether personal information leaked.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { createEngineFromRules, type Engine } from "#caseflag/engine.js";
import { chooseThreshold, formatPrCurve, formatReliability, fitCurve, placeThreshold, prCurve, reliability, type Sample, type ThresholdPolicy } from "#caseflag/eval/calibrate.js";
import { createLabeller, type Part } from "#caseflag/eval/corpus.js";
import { fixtureLabels, judge, type FixtureExpect, type Judgment, type LabelSet } from "#caseflag/eval/labels.js";
import { readPath } from "#caseflag/ingest/index.js";
import { scanDocument } from "#caseflag/pipeline.js";
import { readCurve, type Calibration, type DecidedKind, type DimensionDecision } from "#caseflag/rules/calibration.js";
import { BUNDLED_RULES_DIR, CALIBRATION_FILE, loadRules } from "#caseflag/rules/load.js";
import type { RuleSet } from "#caseflag/rules/types.js";
import { REPO_ROOT, requireDevData } from "../bench/common.js";

const TYPICAL = resolve(REPO_ROOT, "../shared/data/typical/typical.jsonl");
const FIXTURES = join(REPO_ROOT, "fixtures/labelled");

/** Per-dimension fits need this many labelled positives and scored negatives in the fit part; the rest share their kind's. */
const MIN_POSITIVES = 25;
const MIN_NEGATIVES = 10;

/**
 * How thresholds are chosen (src/eval/calibrate.ts): the best F2 on the fit part — recall weighs
 * twice precision, since a confidence already tells a weak finding from a strong one — never below
 * what one strong cue scores (crimes 45: one suggestive word, 10–30, or one hint never decides) or
 * below the leak chain's own binding (industries, groups, insider: 50). Information types are
 * labelled by no source: their curve is fitted against whether the document is a personal-information
 * case, and their threshold stays at 50.
 */
const POLICY: Record<DecidedKind | "insider", ThresholdPolicy> = {
  crime: { beta: 2, floor: 45 },
  "info-type": { minPrecision: 0, floor: 50 },
  industry: { beta: 2, floor: 50 },
  group: { beta: 2, floor: 50 },
  region: { beta: 2, floor: 50 },
  insider: { beta: 2, floor: 50 },
};

interface Scanned {
  part: Part;
  /** Cross-validation fold (line or case number mod 4); -1 for fixtures, always fitted on (held-out ones: -2, never). */
  fold: number;
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
      out.push({ part: l.part, fold: l.fold, source: l.format, judgments: judge(scanDocument(item.doc, engine), l.labels) });
    }
  }
  const expected = parse(readFileSync(join(FIXTURES, "expected.yaml"), "utf8")) as { documents: Record<string, FixtureExpect & { heldOut?: boolean }> };
  for (const [file, e] of Object.entries(expected.documents)) {
    const labels: LabelSet = fixtureLabels(e);
    // Fixtures written to check generalization (heldOut: true) are not fitted on.
    const part: Part = e.heldOut ? "heldOut" : "fit";
    for await (const item of readPath(join(FIXTURES, file))) {
      if (item.ok) out.push({ part, fold: e.heldOut ? -2 : -1, source: "fixture", judgments: judge(scanDocument(item.doc, engine), labels) });
    }
  }
  return out;
}

function samplesOf(scanned: Scanned[], keep: (s: Scanned) => boolean, pick: (j: Judgment) => boolean): Sample[] {
  const out: Sample[] = [];
  for (const s of scanned) {
    if (!keep(s)) continue;
    for (const j of s.judgments) if (pick(j)) out.push({ score: j.score, label: j.label });
  }
  return out;
}

/** What the fit uses: the fit part (fixtures marked heldOut excluded). */
const FIT = (s: Scanned): boolean => s.part === "fit";

function fit(name: string, samples: Sample[], policy: ThresholdPolicy, print = true): DimensionDecision {
  const curve = prCurve(samples);
  const chosen = chooseThreshold(curve, policy);
  const threshold = placeThreshold(curve, chosen, policy.floor);
  // The confidence curve is fitted on the scored decisions (score > 0): what a result can show.
  const fitted = fitCurve(samples.filter((s) => s.score > 0));
  if (print) {
    const b = fitted.brier;
    process.stdout.write(
      formatPrCurve(name, curve, chosen) +
        `  threshold ${threshold}; confidence: ${fitted.method} (out-of-sample Brier: Platt ${b.platt.toFixed(4)}, isotonic ${b.isotonic.toFixed(4)})\n\n`,
    );
  }
  return { threshold, confidence: fitted.curve };
}

/**
 * One kind's decisions: a dimension with enough labelled positives and scored negatives gets its own
 * threshold and curve; the rest of the kind share one ("*").
 */
function fitKind(kind: DecidedKind, scanned: Scanned[], keep: (s: Scanned) => boolean, print = true): Record<string, DimensionDecision> {
  const ids = [...new Set(scanned.flatMap((s) => s.judgments.filter((j) => j.kind === kind).map((j) => j.id)))].sort();
  const byId: Record<string, DimensionDecision> = {};
  for (const id of ids) {
    const samples = samplesOf(scanned, keep, (j) => j.kind === kind && j.id === id);
    const pos = samples.filter((s) => s.label).length;
    const neg = samples.filter((s) => !s.label && s.score > 0).length;
    if (pos >= MIN_POSITIVES && neg >= MIN_NEGATIVES) byId[id] = fit(`${kind}/${id}`, samples, POLICY[kind], print);
  }
  byId["*"] = fit(`${kind}/* (every other ${kind} dimension)`, samplesOf(scanned, keep, (j) => j.kind === kind && !(j.id in byId)), POLICY[kind], print);
  return byId;
}

async function main(): Promise<void> {
  const loaded = await loadRules([BUNDLED_RULES_DIR]);
  const bare: RuleSet = { ...loaded };
  delete bare.calibration;
  process.stderr.write("fit-calibration: scanning the labelled data (pass 1: dimensions)\n");
  const first = await scanAll(createEngineFromRules(bare));
  const calibration: Calibration = {
    note:
      "Written by `npm run fit:calibration` (scripts/build/calibration.ts): thresholds and confidence curves fitted on ../shared/data/cail/dev.jsonl (lines not divisible by 4), ../shared/data/typical/typical.jsonl (cases whose number is not divisible by 4) and fixtures/labelled. Do not edit by hand: change the rules or the policy and run it again.",
    dimensions: {},
  };
  for (const kind of ["crime", "industry", "group", "info-type"] as const) calibration.dimensions[kind] = fitKind(kind, first, FIT);
  calibration.insider = fit("insider", samplesOf(first, FIT, (j) => j.kind === "insider"), POLICY.insider);

  process.stderr.write("fit-calibration: scanning again with the fitted decisions (pass 2: the leak score)\n");
  const second = await scanAll(createEngineFromRules({ ...bare, calibration }));
  const leak = samplesOf(second, FIT, (j) => j.kind === "leak");
  const leakFit = fitCurve(leak.filter((s) => s.score > 0));
  calibration.leakScore = leakFit.curve;
  process.stdout.write(`leak score → personal-information: ${leakFit.method} (Brier: Platt ${leakFit.brier.platt.toFixed(4)}, isotonic ${leakFit.brier.isotonic.toFixed(4)})\n\n`);

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
  process.stdout.write(crossValidate(third) + "\n");
  const file = join(BUNDLED_RULES_DIR, CALIBRATION_FILE);
  writeFileSync(file, JSON.stringify(calibration, null, 1).replace(/\[\n\s+(-?[\d.]+),\n\s+(-?[\d.]+)\n\s+\]/g, "[$1, $2]") + "\n");
  process.stdout.write(`chosen thresholds: ${summary(calibration)}\nwrote ${file}\n`);
}

/**
 * 4-fold cross-validation of the crime decisions: for each fold (CAIL line number and typical case
 * number mod 4), the thresholds and curves are fitted as above on the other three folds (and the
 * fixtures) and applied to it. Fold 0 is the held-out part of the shipped fit; the pooled
 * out-of-fold figures estimate how the fit does on facts it has not seen.
 */
function crossValidate(scanned: Scanned[]): string {
  const lines = ["4-fold cross-validation of crime findings (fit on three folds, judged on the fourth):", "  fold  fraud  PI     other  decisions  ECE"];
  const pooled: { confidence: number; correct: boolean }[] = [];
  for (let fold = 0; fold < 4; fold++) {
    const byId = fitKind("crime", scanned, (s) => s.fold !== fold && s.fold !== -2, false);
    const judged: { confidence: number; correct: boolean }[] = [];
    for (const s of scanned.filter((x) => x.fold === fold)) {
      for (const j of s.judgments) {
        if (j.kind !== "crime") continue;
        const d = byId[j.id] ?? byId["*"]!;
        if (j.score === 0 || j.score < d.threshold) continue;
        judged.push({ confidence: readCurve(d.confidence, j.score), correct: j.label });
      }
    }
    pooled.push(...judged);
    const r = reliability(judged);
    const t = (id: string): string => String((byId[id] ?? byId["*"]!).threshold).padEnd(6);
    lines.push(`  ${String(fold).padEnd(5)} ${t("fraud")} ${t("personal-information")} ${t("*")} ${String(r.count).padEnd(10)} ${r.ece.toFixed(4)}`);
  }
  const all = reliability(pooled);
  lines.push(`  pooled out-of-fold: ${all.count} decisions, expected calibration error ${all.ece.toFixed(4)}`);
  return lines.join("\n") + "\n";
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
