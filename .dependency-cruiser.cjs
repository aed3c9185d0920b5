// The layering of src/, checked by `npm run lint` (depcruise): an import is allowed only along an
// arrow allowed here, down the stages below, so a lower stage importing a higher one (rules ->
// pipeline, output -> batch) or a sibling (text <-> ingest) fails CI. Type-only imports count as
// arrows too. Cycles are refused even inside a stage.
/** The stages, lowest first; a stage may import any stage on a lower line, and itself. */
const levels = [
  ["src/(types|errors|budget)\\.ts$"],
  ["src/text/", "src/ingest/"],
  ["src/rules/"],
  ["src/detect/"],
  ["src/score/"],
  ["src/(engine|pipeline)\\.ts$"],
  ["src/output/"],
  ["src/eval/", "src/keywords/", "src/runner/"],
  ["src/queue/"],
  ["src/batch/", "src/serve/"],
  ["src/cli/"],
  ["src/index\\.ts$"],
];
const below = (i) => levels.slice(0, i).flat();
const arrows = levels.flatMap((stages, i) =>
  stages.map((stage) => ({ from: { path: `^${stage}` }, to: { path: `^(${[...below(i), stage].join("|")})` } })),
);

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
    ...arrows,
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
