// Shared by the batch tests: the build check (worker threads and child processes run dist/), a
// driver for the batch command as a child process, waits on file growth, and JSONL reading.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync, watch } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Worker threads and the CLI child run the build: refuse to test stale code. */
export function assertBatchBuilt(): void {
  const pairs = [
    ["src/batch/run-batch.ts", "dist/batch/run-batch.js"],
    ["src/batch/scan-worker.ts", "dist/batch/scan-worker.js"],
    ["src/batch/scan-batch.ts", "dist/batch/scan-batch.js"],
    ["src/batch/thread-pool.ts", "dist/batch/thread-pool.js"],
    ["src/batch/ordered-writer.ts", "dist/batch/ordered-writer.js"],
    ["src/batch/resume.ts", "dist/batch/resume.js"],
    ["src/cli/commands/batch.ts", "dist/cli/commands/batch.js"],
    ["src/report/html.ts", "dist/report/html.js"],
    ["src/pipeline.ts", "dist/pipeline.js"],
  ];
  for (const [src, out] of pairs) {
    const s = join(repoRoot, src!);
    const o = join(repoRoot, out!);
    if (!existsSync(o) || statSync(o).mtimeMs < statSync(s).mtimeMs) {
      throw new Error(`${out} is missing or older than ${src}: run \`npm run build\` before the batch tests`);
    }
  }
}

/** bin/caseflag.js once program.ts registers `batch`; until then a driver doing what program.ts does. */
export async function batchCliArgs(tmp: string): Promise<string[]> {
  const program = join(repoRoot, "dist/cli/program.js");
  if (existsSync(program) && readFileSync(program, "utf8").includes("commands/batch.js")) {
    return [join(repoRoot, "bin/caseflag.js"), "batch"];
  }
  const driver = join(tmp, "batch-driver.mjs");
  const command = new URL(`file://${join(repoRoot, "dist/cli/commands/batch.js")}`).href;
  const commander = new URL(`file://${join(repoRoot, "node_modules/commander/esm.mjs")}`).href;
  await writeFile(
    driver,
    `import { Command } from ${JSON.stringify(commander)};
import { register } from ${JSON.stringify(command)};
const io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), stdin: process.stdin,
  isTTY: Boolean(process.stdout.isTTY), stderrIsTTY: Boolean(process.stderr.isTTY), env: process.env, cwd: process.cwd() };
let code = 0;
const program = new Command("caseflag").exitOverride();
register(program, io, (c) => (code = c));
try { await program.parseAsync(["batch", ...process.argv.slice(2)], { from: "user" }); }
catch (e) { process.stderr.write("caseflag: " + e.message + "\\n"); code = 2; }
process.exitCode = code;
`,
  );
  return [driver];
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
