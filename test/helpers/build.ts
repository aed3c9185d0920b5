// Suites that run dist/ (worker threads, CLI child processes) refuse to test stale code: every
// source file's compiled copy must exist and be newer than it.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourcesUnder(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [],
  );
}

export function assertBuilt(suite: string): void {
  for (const s of sourcesUnder(join(repoRoot, "src"))) {
    const src = relative(repoRoot, s);
    const out = src.replace(/^src\//, "dist/").replace(/\.ts$/, ".js");
    const o = join(repoRoot, out);
    if (!existsSync(o) || statSync(o).mtimeMs < statSync(s).mtimeMs) {
      throw new Error(`${out} is missing or older than ${src}: run \`npm run build\` before the ${suite} tests`);
    }
  }
}
