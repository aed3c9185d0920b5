// Named errors with stable codes. The CLI maps every CaseflagError to exit code 2 and a one-line
// message; anything else is a bug and shows its stack only with --debug.
export class CaseflagError extends Error {
    code;
    constructor(code, message, options) {
        super(message, options);
        this.name = new.target.name;
        this.code = code;
    }
}
/** Bad flags or arguments. */
export class UsageError extends CaseflagError {
    constructor(message) {
        super("E_USAGE", message);
    }
}
/** A document that cannot be read: binary, undecodable, malformed, too large. Never worth a retry. */
export class InputError extends CaseflagError {
    source;
    line;
    constructor(code, source, message, line) {
        super(code, message);
        this.source = source;
        this.line = line;
    }
}
/** Rule packs that fail validation: every problem at once, each naming file and rule id. */
export class RuleError extends CaseflagError {
    problems;
    constructor(problems) {
        super("E_RULES", problems.length === 1
            ? formatProblem(problems[0])
            : `${problems.length} rule problems:\n` + problems.map((p) => "  " + formatProblem(p)).join("\n"));
        this.problems = problems;
    }
}
export function formatProblem(p) {
    return `${p.file}${p.ruleId ? ` [${p.ruleId}]` : ""}${p.path ? ` ${p.path}` : ""}: ${p.message}`;
}
/** Cannot reach or use Redis. */
export class QueueError extends CaseflagError {
    constructor(message, options) {
        super("E_QUEUE", message, options);
    }
}
/** A document whose scan went past its budget (time or matches): recorded as its failure, the run goes on. */
export class BudgetError extends CaseflagError {
    constructor(message) {
        super("E_BUDGET", message);
    }
}
