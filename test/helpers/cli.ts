// Run the CLI in-process with captured streams: what a user would see, without spawning.
import { Readable } from "node:stream";
import { run } from "../../src/cli/program.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  opts: { stdin?: string | Buffer; isTTY?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    isTTY: opts.isTTY ?? false,
    stderrIsTTY: false,
    env: opts.env ?? {},
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}
