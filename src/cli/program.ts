// The command line: commander parses, commands run, this maps outcomes to exit codes.
// run() prints nothing itself except through io, and never lets a stack trace out unless --debug.
//   0 ran and nothing reached --fail-on   1 something did   2 usage, rule or input error
import { Command, CommanderError } from "commander";
import { CaseflagError } from "../errors.js";
import type { CliIo, CommandModule } from "./io.js";

/** Command modules, loaded only when their command runs: `scan` must not pay for BullMQ. */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  scan: () => import("./commands/scan.js"),
  batch: () => import("./commands/batch.js"),
  rules: () => import("./commands/rules.js"),
  eval: () => import("./commands/eval.js"),
  keywords: () => import("./commands/keywords.js"),
  worker: () => import("./commands/worker.js"),
  enqueue: () => import("./commands/enqueue.js"),
  watch: () => import("./commands/watch.js"),
  status: () => import("./commands/status.js"),
  results: () => import("./commands/results.js"),
  serve: () => import("./commands/serve.js"),
  review: () => import("./commands/review.js"),
  export: () => import("./commands/export.js"),
  report: () => import("./commands/report.js"),
};

export async function run(argv: string[], io: CliIo): Promise<number> {
  const debug = argv.includes("--debug");
  let exitCode = 0;
  const program = new Command("caseflag")
    .description("Flag personal-information leaks in case documents")
    .version("0.1.0")
    .option("--debug", "show stack traces of errors")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, write) => write(s) })
    .showHelpAfterError(false);

  const name = argv.find((a) => !a.startsWith("-"));
  const wanted = name !== undefined && name in COMMANDS ? [name] : Object.keys(COMMANDS);
  for (const key of wanted) {
    try {
      const mod = await COMMANDS[key]!();
      mod.register(program, io, (code) => {
        exitCode = code;
      });
    } catch (error) {
      // A command whose module is missing must not take the others down with it.
      if (wanted.length === 1) throw error;
    }
  }

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") {
        return 0;
      }
      return 2;
    }
    if (error instanceof CaseflagError) {
      io.stderr(`caseflag: ${error.message}\n`);
      if (debug && error.stack) io.stderr(error.stack + "\n");
      return 2;
    }
    const e = error as Error;
    io.stderr(`caseflag: internal error: ${e?.message ?? String(error)}${debug ? "" : " (--debug for the stack)"}\n`);
    if (debug && e?.stack) io.stderr(e.stack + "\n");
    return 2;
  }
}
