// Suites that run dist/ (worker threads, CLI child processes) refuse to test stale code: each
// compiled file must exist and be newer than its source.
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export function assertBuiltFrom(sources: string[], suite: string): void {
  for (const src of sources) {
    const out = src.replace(/^src\//, "dist/").replace(/\.ts$/, ".js");
    const s = join(repoRoot, src);
    const o = join(repoRoot, out);
    if (!existsSync(o) || statSync(o).mtimeMs < statSync(s).mtimeMs) {
      throw new Error(`${out} is missing or older than ${src}: run \`npm run build\` before the ${suite} tests`);
    }
  }
}
