// Review decisions, in the manner of gitleaks' baseline and .gitleaksignore: an analyst's decision
// on a case (keyed by the document's content hash) or on one finding (keyed by its fingerprint) is
// a line in an append-only decisions file (`caseflag review set`); every output that shows results
// applies them (batch and scan lines, the report, the clue export). A false positive (or an ignored
// case) drops out of the flags and so out of every count, and is shown as suppressed; a confirmed or
// transferred case is marked. A baseline (an earlier results file) suppresses the flags a document
// already had there, so only what is new is reported.
//
// Pure: the CLI reads and appends the files. The book is plain data, so it crosses to scan threads.
import { createHash } from "node:crypto";
import type { CaseResult, EvidenceRef, Finding, Review, ReviewDecision } from "../types.js";

export const DECISIONS: readonly ReviewDecision[] = ["confirmed", "false-positive", "transferred", "ignore"];
export const DEFAULT_DECISIONS_FILE = ".caseflag/decisions.jsonl";

/** One line of the decisions file. The latest line for a key wins (the file is never rewritten). */
export interface DecisionLine {
  schemaVersion: 1;
  /** ISO time of the decision. */
  time: string;
  reviewer: string;
  /** The document's content hash (sha256 of its text). */
  contentHash: string;
  /** A finding's fingerprint (fingerprintOf): the decision is on that finding, not the whole case. */
  fingerprint?: string;
  decision: ReviewDecision;
  note?: string;
  /** For a person reading the file: the document's id and case number when the decision was taken. */
  id?: string;
  caseNumber?: string;
}

/** Decisions by key, and a baseline's flags by content hash. Structured-cloneable. */
export interface ReviewBook {
  cases: Record<string, DecisionLine>;
  findings: Record<string, DecisionLine>;
  /** --baseline: content hash -> the flag ids that document already had. */
  baseline?: Record<string, string[]>;
}

export function emptyBook(): ReviewBook {
  return { cases: {}, findings: {} };
}

/** A problem with one line of a decisions file: its number and what is wrong. */
export class DecisionsLineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** The decisions file's text as a book; the first bad line throws DecisionsLineError (the CLI names the file). */
export function parseDecisions(text: string): ReviewBook {
  const book = emptyBook();
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    let v: Partial<DecisionLine>;
    try {
      v = JSON.parse(raw) as Partial<DecisionLine>;
    } catch {
      throw new DecisionsLineError(i + 1, "not JSON");
    }
    if (typeof v.contentHash !== "string" || !/^[0-9a-f]{64}$/.test(v.contentHash)) throw new DecisionsLineError(i + 1, "no contentHash");
    if (!DECISIONS.includes(v.decision as ReviewDecision)) throw new DecisionsLineError(i + 1, `unknown decision "${String(v.decision)}"`);
    const line = v as DecisionLine;
    if (line.fingerprint !== undefined) book.findings[line.fingerprint] = line;
    else book.cases[line.contentHash] = line;
  });
  return book;
}

/**
 * A finding's fingerprint: the document (content hash), the rule, and the match normalized (NFKC,
 * no spaces, lower case; a run of seven or more digits and mask characters is one `#`, so the
 * same finding fingerprints the same masked or --no-mask). Stable across runs and rule-pack
 * versions that keep the rule id; the same phrase in another document is another finding.
 */
export function fingerprintOf(contentHash: string, f: Pick<Finding, "ruleId" | "match">): string {
  const match = f.match
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .toLowerCase()
    .replace(/[0-9*×xX]{7,}/g, "#");
  return createHash("sha256").update(`${contentHash}\0${f.ruleId}\0${match}`).digest("hex").slice(0, 16);
}

const SUPPRESSING: ReadonlySet<ReviewDecision> = new Set(["false-positive", "ignore"]);

/**
 * The result with the book applied: suppressed findings out of `findings`, suppressed flags out of
 * `flags` (a case decided false-positive/ignore loses them all; a flag whose every piece of
 * evidence was suppressed goes too; a baseline's flags go), and `review` saying what was done.
 * A result the book says nothing about comes back as it is.
 */
export function applyReview(r: CaseResult, contentHash: string | undefined, book: ReviewBook | undefined): CaseResult {
  if (!book || contentHash === undefined) return r;
  const caseDecision = book.cases[contentHash];
  const baseline = book.baseline?.[contentHash];
  const hasFindingDecisions = Object.keys(book.findings).length > 0;
  if (!caseDecision && !baseline && !hasFindingDecisions) return r;

  const suppressedFindings: string[] = [];
  const suppressedAt = new Set<string>();
  let findings = r.findings;
  if (hasFindingDecisions) {
    findings = r.findings.filter((f) => {
      const fp = fingerprintOf(contentHash, f);
      const d = book.findings[fp];
      if (!d || !SUPPRESSING.has(d.decision)) return true;
      if (!suppressedFindings.includes(fp)) suppressedFindings.push(fp);
      suppressedAt.add(refKey(f));
      return false;
    });
  }
  const allSuppressed = (evidence: EvidenceRef[]): boolean => evidence.length > 0 && evidence.every((e) => suppressedAt.has(refKey(e)));
  const suppressedFlags: string[] = [];
  const flags = r.flags.filter((f) => {
    const drop =
      (caseDecision !== undefined && SUPPRESSING.has(caseDecision.decision)) || (baseline?.includes(f.id) ?? false) || allSuppressed(f.evidence);
    if (drop) suppressedFlags.push(f.id);
    return !drop;
  });
  if (!caseDecision && !baseline && suppressedFindings.length === 0) return r;
  // A line written with a review already (batch applied the file) keeps what was suppressed then.
  const prior = r.review;
  const review: Review = {
    ...(prior ?? {}),
    suppressedFlags: [...new Set([...(prior?.suppressedFlags ?? []), ...suppressedFlags])],
    suppressedFindings: [...new Set([...(prior?.suppressedFindings ?? []), ...suppressedFindings])],
  };
  if (caseDecision) {
    review.decision = caseDecision.decision;
    review.reviewer = caseDecision.reviewer;
    review.time = caseDecision.time;
    if (caseDecision.note !== undefined) review.note = caseDecision.note;
  }
  if (baseline) review.inBaseline = true;
  return { ...r, flags, findings, review };
}

function refKey(e: Pick<EvidenceRef, "ruleId" | "start">): string {
  return `${e.ruleId}@${e.start}`;
}

/** A baseline results file's lines as content hash -> flag ids (failure lines and lines without a hash add nothing). */
export function baselineOf(lines: Iterable<{ contentHash?: string; flags?: { id: string }[]; review?: Review }>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of lines) {
    if (l.contentHash === undefined || !Array.isArray(l.flags)) continue;
    // A flag the baseline run had suppressed was still there: it is not new either.
    out[l.contentHash] = [...new Set([...(out[l.contentHash] ?? []), ...l.flags.map((f) => f.id), ...(l.review?.suppressedFlags ?? [])])];
  }
  return out;
}
