// caseflag review set | list | findings : record an analyst's decision on a case or on one finding
// (append-only decisions file), list the decisions in force, and show a case's findings with the
// fingerprints a decision on one of them takes. Every output that shows results applies the file.
import { appendFile, mkdir } from "node:fs/promises";
import { userInfo } from "node:os";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { ResultLine } from "../../output/lines.js";
import type { Lexicon } from "../../output/locale.js";
import { DECISIONS, DEFAULT_DECISIONS_FILE, emptyBook, fingerprintOf, type DecisionLine } from "../../output/review.js";
import type { CliIo } from "../io.js";
import { addLocaleOption, lexiconOf, readResultLines, reviewBookOf } from "../options.js";

const DEFAULT_RESULTS = "results.jsonl";

interface SetFlags {
  decision: string;
  finding?: string[];
  note?: string;
  reviewer?: string;
  results?: string;
  decisions?: string;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const review = program.command("review").description("record and list review decisions (confirmed, false-positive, transferred, ignore)");

  review
    .command("set")
    .description("record a decision on a case (or on findings of it) in the decisions file")
    .argument("<target>", "the case: its content hash, or its id, source or 案号 as in --results")
    .requiredOption("--decision <decision>", DECISIONS.join(" | "))
    .option("--finding <fingerprint...>", "decide on these findings only (fingerprints from `caseflag review findings`)")
    .option("--note <text>", "why")
    .option("--reviewer <name>", "who decides (default: the OS user)")
    .option("--results <file>", `results to find the case in (default: ${DEFAULT_RESULTS})`)
    .option("--decisions <file>", `decisions file, appended to (default: ${DEFAULT_DECISIONS_FILE})`)
    .action(async (target: string, flags: SetFlags) => {
      const decision = DECISIONS.find((d) => d === flags.decision);
      if (!decision) throw new UsageError(`invalid --decision "${flags.decision}" (valid: ${DECISIONS.join(", ")})`);
      const found = await findCase(target, flags.results, io);
      const hash = found.hash;
      if (flags.finding && found.line) {
        const known = new Set(found.line.findings.map((f) => fingerprintOf(hash, f)));
        const unknown = flags.finding.filter((fp) => !known.has(fp));
        if (unknown.length > 0) throw new UsageError(`no finding with fingerprint ${unknown.join(", ")} in this case (see caseflag review findings ${target})`);
      }
      const base: Omit<DecisionLine, "fingerprint"> = {
        schemaVersion: 1,
        time: new Date().toISOString(),
        reviewer: flags.reviewer ?? reviewerOf(io.env),
        contentHash: hash,
        decision,
        ...(flags.note !== undefined ? { note: flags.note } : {}),
        ...(found.line ? { id: found.line.id } : {}),
        ...(found.line?.case?.number ? { caseNumber: found.line.case.number.match } : {}),
      };
      const lines = (flags.finding ?? [undefined]).map((fingerprint) => JSON.stringify(fingerprint ? { ...base, fingerprint } : base) + "\n");
      const file = resolve(io.cwd, flags.decisions ?? DEFAULT_DECISIONS_FILE);
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, lines.join(""));
      const what = flags.finding ? `${flags.finding.length} finding(s) of ${found.label}` : found.label;
      io.stderr(`caseflag review: ${what}: ${decision} (${flags.decisions ?? DEFAULT_DECISIONS_FILE})\n`);
      setExit(0);
    });

  addLocaleOption(
    review
      .command("list")
      .description("the decisions in force (the latest for each case and finding)")
      .option("--decisions <file>", `decisions file (default: ${DEFAULT_DECISIONS_FILE})`),
  ).action(async (flags: { decisions?: string; locale?: string }) => {
    const lex = await lexiconOf(flags, io);
    // No decisions file yet: an empty list. A bad line is reported as every command applying it does.
    const book = (await reviewBookOf(flags.decisions !== undefined ? { decisions: flags.decisions } : {}, io.cwd)) ?? emptyBook();
    const all = [...Object.values(book.cases), ...Object.values(book.findings)].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    io.stdout(all.map((d) => listLine(d, lex)).join(""));
    setExit(0);
  });

  addLocaleOption(
    review
      .command("findings")
      .description("a case's findings with their fingerprints (for review set --finding)")
      .argument("<target>", "the case: its content hash, or its id, source or 案号")
      .option("--results <file>", `results to find the case in (default: ${DEFAULT_RESULTS})`),
  ).action(async (target: string, flags: { results?: string; locale?: string }) => {
    const lex = await lexiconOf(flags, io);
    const found = await findCase(target, flags.results, io);
    if (!found.line) throw new UsageError(`${target}: no such case in ${flags.results ?? DEFAULT_RESULTS}`);
    const hash = found.hash;
    const out = found.line.findings
      .filter((f) => f.weight !== 0 || f.kind === "identifier")
      .map((f) => `${fingerprintOf(hash, f)}  ${String(f.start).padStart(6)}  ${f.match}  ${lex.dim(f.kind, f.target)}  ${f.ruleId}\n`);
    io.stdout(out.join(""));
    setExit(0);
  });
}

function reviewerOf(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env["USER"] ?? env["USERNAME"] ?? "unknown";
  }
}

function listLine(d: DecisionLine, lex: Lexicon): string {
  const what = [d.caseNumber, d.id].filter((x): x is string => !!x).join(" ") || d.contentHash.slice(0, 12);
  return [d.time, d.reviewer, lex.word(`decision.${d.decision}` as Parameters<Lexicon["word"]>[0]), d.contentHash.slice(0, 12), d.fingerprint ?? "-", what, d.note ?? ""].join("\t") + "\n";
}

/** The case a target names: a content hash as given, or a line of the results file by hash (prefix of 8+), id, source or 案号. */
async function findCase(target: string, results: string | undefined, io: CliIo): Promise<{ hash: string; line?: ResultLine; label: string }> {
  const isHash = /^[0-9a-f]{64}$/.test(target);
  const file = resolve(io.cwd, results ?? DEFAULT_RESULTS);
  let lines: ResultLine[] = [];
  try {
    lines = await readResultLines(file, results ?? DEFAULT_RESULTS);
  } catch (err) {
    if (!isHash || results !== undefined) throw err;
  }
  const matches = lines.filter(
    (l) =>
      l.contentHash !== undefined &&
      (l.contentHash === target ||
        (/^[0-9a-f]{8,63}$/.test(target) && l.contentHash.startsWith(target)) ||
        l.id === target ||
        l.source === target ||
        l.case?.number?.match === target),
  );
  const hashes = [...new Set(matches.map((l) => l.contentHash!))];
  if (hashes.length > 1) throw new UsageError(`${target}: ${hashes.length} different documents match; give the content hash`);
  if (hashes.length === 1) return { hash: hashes[0]!, line: matches[0]!, label: matches[0]!.case?.number?.match ?? matches[0]!.id };
  if (isHash) return { hash: target, label: target.slice(0, 12) };
  throw new UsageError(`${target}: no such case in ${results ?? DEFAULT_RESULTS} (give its content hash, id, source or 案号)`);
}
