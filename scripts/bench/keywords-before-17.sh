#!/usr/bin/env bash
# Issue 17's floor, measured with the scan held equal: the keyword capture as it was before issue 17
# (its code at 10750df~1) and as it is now, both run on TODAY's engine and scan, in fresh processes,
# alternating, on CAIL dev (fraud facts as foreground, as `npm run bench:keywords`). Comparing the two
# commits' own benchmarks mixes in the scan, which other issues made heavier since.
#   bash scripts/bench/keywords-before-17.sh [rounds]    (after `npm run build`; ~1 min to build the old code)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
REF=10750df~1
WT=$(mktemp -d)
trap 'git worktree remove --force "$WT" >/dev/null 2>&1 || true; rm -rf dist/keywords-before-17' EXIT
git worktree add -f --detach "$WT" "$REF" >/dev/null 2>&1
ln -s "$PWD/node_modules" "$WT/node_modules"
# The old tree type-checks with errors about a report module since removed; tsc still writes the JS.
(cd "$WT" && npx tsc -p tsconfig.build.json >/dev/null 2>&1 || true)
rm -rf dist/keywords-before-17
cp -r "$WT/dist/keywords" dist/keywords-before-17
cp "$WT"/src/keywords/*.txt dist/keywords-before-17/
# The one module the old capture imports that has moved since (identifier masking).
sed -i 's#"\.\./score/mask\.js"#"../detect/mask.js"#' dist/keywords-before-17/capture.js
cat > dist/keywords-before-17/child.mjs <<'JS'
import { createEngine } from "../engine.js";
import { readInputs } from "../ingest/index.js";
import { DEV } from "./dev.mjs";
const mode = process.argv[2];
const engine = await createEngine();
const k = await import(mode === "now" ? "../keywords/index.js" : "./index.js");
const lexicon = await k.loadKeywordLexicon();
const general = mode === "now" ? await k.loadGeneralBackground() : undefined;
const t = performance.now();
const report = await k.captureKeywords(engine, { corpus: () => readInputs([DEV]) }, { lexicon, general, kind: "crime", targets: ["fraud"], top: 30 });
const ms = performance.now() - t;
console.log(`${mode.padEnd(6)} capture ${(ms / 1000).toFixed(2)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB, top 5: ${report.candidates.slice(0, 5).map((c) => c.term).join(" ")}`);
JS
echo "export const DEV = $(node -e 'console.log(JSON.stringify(require("path").resolve("../shared/data/cail/dev.jsonl")))');" > dist/keywords-before-17/dev.mjs
echo "CAIL dev, fraud foreground; the same engine and scan (this checkout's) under both; fresh process each, alternating"
for _ in $(seq "$ROUNDS"); do
  node dist/keywords-before-17/child.mjs before
  node dist/keywords-before-17/child.mjs now
done
