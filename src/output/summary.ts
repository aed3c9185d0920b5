// Counts over the output file, and a bounded top-K of the highest-scoring cases for the report.
// Memory stays flat: counters per dimension id and at most K case cards.
import type { Severity } from "../types.js";
import type { CaseCard } from "./case-card.js";
import { hasFinding, isListed, type OutcomeRecord } from "./record.js";

export interface RunStats {
  mode: "threads" | "inline" | "queue";
  workers: number;
  /** Documents and failures read from the inputs in this run. */
  read: number;
  /** Documents scanned in this run. */
  scanned: number;
  /** Documents skipped because --resume found them in the output already. */
  skipped: number;
  /** Lines kept from an earlier run (--resume). */
  resumedLines: number;
  /** Bytes cut from the end of the output: a partial line an earlier kill left. */
  truncatedBytes: number;
  seconds: number;
  docsPerSecond: number;
  /** true when the run was stopped (SIGINT) before reading all inputs. */
  interrupted: boolean;
}

export type Counts = Record<string, number>;

export interface BatchSummary {
  schemaVersion: 1;
  /** Lines in the output file: results + failures. */
  documents: number;
  results: number;
  failures: number;
  /** Results with at least one flag. */
  flagged: number;
  /** Over all results. */
  severity: Record<Severity, number>;
  /** Over flagged results: how many mention each dimension (score ≥ found). */
  flaggedBy: {
    crime: Counts;
    industry: Counts;
    group: Counts;
    region: Counts;
    severity: Record<Severity, number>;
    flag: Counts;
    insider: number;
  };
  failuresByCode: Counts;
  /** Cases whose flags a review decision or the baseline suppressed (not counted as flagged). */
  suppressed: number;
  /** Review decisions on the results (confirmed, transferred…), by decision. */
  decisions: Counts;
  /** Highest score first; ties in input order. */
  topCases: CaseCard[];
  /**
   * Every flagged case (and every case a review suppressed), in output order, for the report's list;
   * up to maxCases (casesOmitted counts the rest). Not written to summary.json.
   */
  cases?: CaseCard[];
  casesOmitted?: number;
  run: RunStats;
}

interface Ranked {
  score: number;
  order: number;
  card: CaseCard;
}

export class SummaryBuilder {
  private readonly topK: number;
  private top: Ranked[] = [];
  private order = 0;
  private documents = 0;
  private results = 0;
  private failures = 0;
  private flagged = 0;
  private insider = 0;
  private readonly severity: Record<Severity, number> = { none: 0, serious: 0, "especially-serious": 0 };
  private readonly flaggedSeverity: Record<Severity, number> = { none: 0, serious: 0, "especially-serious": 0 };
  private readonly crime = new Map<string, number>();
  private readonly industry = new Map<string, number>();
  private readonly group = new Map<string, number>();
  private readonly region = new Map<string, number>();
  private readonly flag = new Map<string, number>();
  private readonly failureCodes = new Map<string, number>();

  private readonly onAdd: ((r: OutcomeRecord) => void) | undefined;
  private suppressed = 0;
  private readonly decisions = new Map<string, number>();
  private readonly cases: CaseCard[] = [];
  private casesOmitted = 0;
  private readonly maxCases: number;

  /** `onAdd` sees every line counted (e.g. the CLI's --fail-on). `maxCases`: flagged cases kept for the report's list. */
  constructor(topK = 20, onAdd?: (r: OutcomeRecord) => void, maxCases = 10_000) {
    this.topK = topK;
    this.onAdd = onAdd;
    this.maxCases = maxCases;
  }

  /**
   * The lowest score that can still enter the top-K (0 while it is not full). Workers build a card
   * only for results at or above it; it only rises, so a threshold read earlier is never too high.
   */
  threshold(): number {
    return this.top.length < this.topK ? 0 : this.top[this.top.length - 1]!.score;
  }

  /** One output line, in output order. `card` is offered for the top-K. */
  add(record: OutcomeRecord, card?: CaseCard): void {
    this.documents++;
    this.onAdd?.(record);
    const order = this.order++;
    if (!record.ok) {
      this.failures++;
      bump(this.failureCodes, record.code);
      return;
    }
    this.results++;
    this.severity[record.severity]++;
    if (record.flags.length === 0 && (record.suppressed?.length ?? 0) > 0) this.suppressed++;
    if (record.decision !== undefined) bump(this.decisions, record.decision);
    if (card && isListed(record)) {
      if (this.cases.length < this.maxCases) this.cases.push(card);
      else this.casesOmitted++;
    }
    if (record.flags.length > 0) {
      this.flagged++;
      this.flaggedSeverity[record.severity]++;
      for (const id of record.crimes) bump(this.crime, id);
      for (const id of record.industries) bump(this.industry, id);
      for (const id of record.groups) bump(this.group, id);
      for (const id of record.regions) bump(this.region, id);
      for (const id of record.flags) bump(this.flag, id);
      if (record.insider) this.insider++;
    }
    // Top cases are documents with at least one finding: a score made of signals ranks nothing.
    if (card && this.topK > 0 && record.score > 0 && hasFinding(record)) this.offer({ score: record.score, order, card });
  }

  private offer(r: Ranked): void {
    const full = this.top.length >= this.topK;
    if (full && r.score <= this.top[this.top.length - 1]!.score) return;
    let i = this.top.length;
    while (i > 0 && this.top[i - 1]!.score < r.score) i--;
    this.top.splice(i, 0, r);
    if (this.top.length > this.topK) this.top.pop();
  }

  get flaggedCount(): number {
    return this.flagged;
  }
  get resultCount(): number {
    return this.results;
  }
  get failureCount(): number {
    return this.failures;
  }

  build(run: RunStats): BatchSummary {
    return {
      schemaVersion: 1,
      documents: this.documents,
      results: this.results,
      failures: this.failures,
      flagged: this.flagged,
      severity: { ...this.severity },
      flaggedBy: {
        crime: sorted(this.crime),
        industry: sorted(this.industry),
        group: sorted(this.group),
        region: sorted(this.region),
        severity: { ...this.flaggedSeverity },
        flag: sorted(this.flag),
        insider: this.insider,
      },
      failuresByCode: sorted(this.failureCodes),
      suppressed: this.suppressed,
      decisions: sorted(this.decisions),
      topCases: this.top.map((r) => r.card),
      cases: [...this.cases],
      casesOmitted: this.casesOmitted,
      run,
    };
  }
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Most frequent first, then by id: the same counts always serialize the same way. */
function sorted(m: Map<string, number>): Counts {
  const out: Counts = {};
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) out[k] = v;
  return out;
}
