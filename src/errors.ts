// Named errors with stable codes. The CLI maps every CaseflagError to exit code 2 and a one-line
// message; anything else is a bug and shows its stack only with --debug.

export class CaseflagError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad flags or arguments. */
export class UsageError extends CaseflagError {
  constructor(message: string) {
    super("E_USAGE", message);
  }
}

/** A document that cannot be read: binary, undecodable, malformed, too large. Never worth a retry. */
export class InputError extends CaseflagError {
  readonly source: string;
  readonly line: number | undefined;
  constructor(code: string, source: string, message: string, line?: number) {
    super(code, message);
    this.source = source;
    this.line = line;
  }
}

/** Rule packs that fail validation: every problem at once, each naming file and rule id. */
export class RuleError extends CaseflagError {
  readonly problems: RuleProblem[];
  constructor(problems: RuleProblem[]) {
    super(
      "E_RULES",
      problems.length === 1
        ? formatProblem(problems[0]!)
        : `${problems.length} rule problems:\n` + problems.map((p) => "  " + formatProblem(p)).join("\n"),
    );
    this.problems = problems;
  }
}

export interface RuleProblem {
  file: string;
  ruleId?: string;
  path?: string;
  message: string;
}

export function formatProblem(p: RuleProblem): string {
  return `${p.file}${p.ruleId ? ` [${p.ruleId}]` : ""}${p.path ? ` ${p.path}` : ""}: ${p.message}`;
}

/** Cannot reach or use Redis. */
export class QueueError extends CaseflagError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_QUEUE", message, options);
  }
}

/** A document whose scan went past its budget (time or matches): recorded as its failure, the run goes on. */
export class BudgetError extends CaseflagError {
  constructor(message: string) {
    super("E_BUDGET", message);
  }
}
