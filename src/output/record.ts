// The little a summary needs from one output line. Workers send this beside the serialized line so
// the main thread never parses results, and --resume rebuilds it from the lines already written.
import type { CaseResult, DimensionScore, Severity } from "../types.js";

export type OutcomeRecord =
  | {
      ok: true;
      score: number;
      severity: Severity;
      /** Flag ids; a case with any flag is "flagged". */
      flags: string[];
      crimes: string[];
      industries: string[];
      groups: string[];
      regions: string[];
      insider: boolean;
      /** Flags a review decision or the baseline suppressed (the case counts as not flagged). */
      suppressed?: string[];
      /** The review decision on the case, when there is one. */
      decision?: string;
    }
  | { ok: false; code: string };

export function recordOfResult(r: CaseResult): OutcomeRecord {
  return {
    ok: true,
    score: r.score,
    severity: r.severity,
    flags: r.flags.map((f) => f.id),
    crimes: found(r.crimes),
    industries: found(r.industries),
    groups: found(r.groups),
    regions: found(r.regions),
    insider: r.insider.flag,
    ...(r.review && r.review.suppressedFlags.length > 0 ? { suppressed: r.review.suppressedFlags } : {}),
    ...(r.review?.decision ? { decision: r.review.decision } : {}),
  };
}

/** Whether a report lists the case: flagged, or flagged before a review suppressed it (listed apart). */
export function isListed(r: OutcomeRecord): boolean {
  return r.ok && (r.flags.length > 0 || (r.suppressed?.length ?? 0) > 0);
}

/**
 * Whether a result found anything: a crime, an industry or a group, the insider, or a flag. A case
 * whose score comes from signals alone is none (the report's top cases leave it out).
 */
export function hasFinding(r: OutcomeRecord): boolean {
  return r.ok && (r.flags.length > 0 || r.crimes.length > 0 || r.industries.length > 0 || r.groups.length > 0 || r.insider);
}

export function recordOfFailure(code: string): OutcomeRecord {
  return { ok: false, code };
}

/** A result lists found dimensions only (the rest are signals). */
function found(dims: DimensionScore[] | undefined): string[] {
  return (dims ?? []).map((d) => d.id);
}
