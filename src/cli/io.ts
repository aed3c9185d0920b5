import type { Command } from "commander";

/** Everything a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin: NodeJS.ReadableStream;
  /** stdout is a terminal (table output by default). */
  isTTY: boolean;
  /** stderr is a terminal (progress lines). */
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** Current working directory for relative paths. */
  cwd: string;
}

/** A command module registers itself; its action resolves to the exit code. */
export type CommandModule = { register(program: Command, io: CliIo, setExit: (code: number) => void): void };
