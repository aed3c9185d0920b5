// The little a summary needs from one output line. Workers send this beside the serialized line so
// the main thread never parses results, and --resume rebuilds it from the lines already written.
import { FOUND } from "../score/dimensions.js";
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
  };
}

export function recordOfFailure(code: string): OutcomeRecord {
  return { ok: false, code };
}

function found(dims: DimensionScore[] | undefined): string[] {
  return (dims ?? []).filter((d) => d.score >= FOUND).map((d) => d.id);
}
