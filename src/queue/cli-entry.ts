// A stand-alone entry for the queue commands (worker, enqueue, watch, status, results), the same
// modules the main CLI registers. Tests and the benchmark use it while src/cli/program.ts does not
// list the queue commands yet: `node dist/queue/cli-entry.js worker --redis URL`.
import { Command, CommanderError } from "commander";
import type { CliIo, CommandModule } from "../cli/io.js";
import { CaseflagError } from "../errors.js";

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  worker: () => import("../cli/commands/worker.js"),
  enqueue: () => import("../cli/commands/enqueue.js"),
  watch: () => import("../cli/commands/watch.js"),
  status: () => import("../cli/commands/status.js"),
  results: () => import("../cli/commands/results.js"),
};

export async function runQueueCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = new Command("caseflag")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, write) => write(s) });
  for (const load of Object.values(COMMANDS)) (await load()).register(program, io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.code === "commander.helpDisplayed" || error.code === "commander.help" ? 0 : 2;
    if (error instanceof CaseflagError) {
      io.stderr(`caseflag: ${error.message}\n`);
      return 2;
    }
    io.stderr(`caseflag: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

const io: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdin: process.stdin,
  isTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  cwd: process.cwd(),
};
process.exitCode = await runQueueCli(process.argv.slice(2), io);
