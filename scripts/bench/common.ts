// Shared by the benchmark scripts: where the research data lives (never inside the repo) and
// how to read CAIL facts without going through the pipeline under test.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
export const DEV_JSONL = resolve(REPO_ROOT, "../shared/data/cail/dev.jsonl");

export function requireDevData(): string {
  if (!existsSync(DEV_JSONL)) {
    process.stderr.write(`bench: ${DEV_JSONL} not found (the research data lives in ../shared/data beside the repo)\n`);
    process.exit(2);
  }
  return DEV_JSONL;
}

export function loadFacts(path = requireDevData()): { id: string; fact: string }[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      const o = JSON.parse(l) as { id?: string; fact: string };
      return { id: o.id ?? String(i + 1), fact: o.fact };
    });
}

export function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(2);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
