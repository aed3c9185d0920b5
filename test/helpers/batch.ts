// Shared by the batch tests: the build check (worker threads and child processes run dist/), the
// batch command as a child process, waits on file growth, and JSONL reading.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, watch } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assertBuilt } from "./build.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Worker threads and the CLI child run the build: refuse to test stale code. */
export function assertBatchBuilt(): void {
  assertBuilt("batch");
}

/** The batch command as users run it. */
export function batchCliArgs(): string[] {
  return [join(repoRoot, "bin/caseflag.js"), "batch"];
}

export interface Child {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnNode(args: string[], cwd: string): Child {
  const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once("exit", (code, signal) => res({ code, signal })),
  );
  return { child, stderr: () => err, exited };
}

/** Resolves once `path` holds at least `n` newlines (inotify events, no polling by time). */
export function waitForLines(path: string, n: number, child?: Child): Promise<number> {
  return new Promise((res, rej) => {
    const dir = dirname(path);
    let done = false;
    const check = (): void => {
      if (done) return;
      let count = 0;
      try {
        const buf = readFileSync(path);
        for (const b of buf) if (b === 0x0a) count++;
      } catch {
        return;
      }
      if (count >= n) {
        done = true;
        watcher.close();
        res(count);
      }
    };
    const watcher = watch(dir, () => check());
    void child?.exited.then(() => {
      if (done) return;
      check();
      if (!done) {
        done = true;
        watcher.close();
        rej(new Error(`process exited before ${path} had ${n} lines: ${child.stderr()}`));
      }
    });
    check();
  });
}

export async function readLines(path: string): Promise<unknown[]> {
  const text = await readFile(path, "utf8");
  if (text.length > 0 && !text.endsWith("\n")) throw new Error(`${path} ends in a partial line`);
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);
}

/** A JSONL dump of n distinct documents built from fixture texts (each made unique by a suffix). */
export async function writeDump(path: string, n: number, texts: string[]): Promise<string[]> {
  const ids: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `doc-${String(i).padStart(5, "0")}`;
    ids.push(id);
    lines.push(JSON.stringify({ id, fact: `${texts[i % texts.length]}\n（第${i}号）` }));
  }
  await writeFile(path, lines.join("\n") + "\n");
  return ids;
}

export async function fixtureTexts(): Promise<string[]> {
  const names = ["bank-credit-report", "elderly-health-products", "platform-database-breach", "recruitment-resumes", "telecom-sim-cards", "theft-negative"];
  return Promise.all(names.map((n) => readFile(join(repoRoot, "fixtures/docs", `${n}.txt`), "utf8")));
}
