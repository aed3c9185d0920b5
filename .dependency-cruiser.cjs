// The layering of src/, checked by `npm run lint` (depcruise): an import is allowed only along an
// arrow listed here, so a lower stage importing a higher one (rules -> pipeline, output -> batch)
// fails CI. Type-only imports count as arrows too. Stages, lowest first:
//   base (types.ts, errors.ts, budget.ts) < text, ingest < rules < detect < score
//   < core (engine.ts, pipeline.ts), output < eval, keywords, runner < queue < batch < cli < index.ts
const base = "src/(types|errors|budget)\\.ts$";
const layer = (...paths) => `^(${paths.join("|")})`;

/** Each stage and the stages it may import (besides itself and node/npm packages). */
const stages = {
  "src/(types|errors|budget)\\.ts$": [base],
  "src/text/": [base, "src/text/"],
  "src/ingest/": [base, "src/ingest/"],
  "src/rules/": [base, "src/text/", "src/rules/"],
  "src/detect/": [base, "src/text/", "src/rules/", "src/detect/"],
  "src/score/": [base, "src/rules/", "src/detect/", "src/score/"],
  "src/(engine|pipeline)\\.ts$": [base, "src/text/", "src/rules/", "src/detect/", "src/score/", "src/(engine|pipeline)\\.ts$"],
  "src/output/": [base, "src/detect/", "src/score/", "src/rules/", "src/output/"],
  "src/eval/": [base, "src/rules/", "src/score/", "src/(engine|pipeline)\\.ts$", "src/eval/"],
  "src/keywords/": [base, "src/text/", "src/rules/", "src/detect/", "src/score/", "src/(engine|pipeline)\\.ts$", "src/output/", "src/keywords/"],
  "src/runner/": [base, "src/ingest/", "src/(engine|pipeline)\\.ts$", "src/output/", "src/runner/"],
  "src/queue/": [base, "src/ingest/", "src/(engine|pipeline)\\.ts$", "src/output/", "src/runner/", "src/queue/"],
  "src/batch/": [base, "src/ingest/", "src/(engine|pipeline)\\.ts$", "src/output/", "src/runner/", "src/queue/", "src/batch/"],
  "src/cli/": ["src/(?!index\\.ts$)"],
  "src/index\\.ts$": ["src/"],
};

module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      severity: "error",
      comment: "An import cycle, even inside one stage, means two modules are one: merge them or move what both need down.",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  allowed: [
    // Node built-ins and npm packages, from anywhere.
    { from: {}, to: { dependencyTypes: ["core", "npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"] } },
    { from: {}, to: { path: "^node_modules/" } },
    ...Object.entries(stages).map(([from, to]) => ({ from: { path: `^${from}` }, to: { path: layer(...to) } })),
  ],
  allowedSeverity: "error",
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|dist-scripts|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"], conditionNames: ["import", "require", "node", "default", "types"], exportsFields: ["exports"] },
  },
};
