// What the zip and tar walkers do alike with a member once they know its name and size: admit it
// under the per-member limit, the bomb ratio (when the compressed size is known) and the archive's
// total budget. (A member that is itself an archive is walked by ctx.nested: nested.ts.)
import type { Failure } from "../../types.js";
import { failureFrom } from "../failures.js";
import { bombFailure, type Budget, isBomb, memberLimit, tooBigFailure, type WalkContext } from "./limits.js";

export type Admission =
  | { ok: true; limit: number }
  /** Not read: the failure to record; `stop` when the whole archive is over its budget. */
  | { ok: false; failure: Failure; stop: boolean };

export function admitMember(
  m: { name: string; inner: string; size: number; compressed?: number },
  archive: string,
  ctx: WalkContext,
  budget: Budget,
): Admission {
  const limit = memberLimit(m.inner, ctx);
  if (m.size > limit) return { ok: false, failure: tooBigFailure(m.name, m.size, limit), stop: false };
  if (m.compressed !== undefined && isBomb(m.size, m.compressed, ctx)) {
    return { ok: false, failure: bombFailure(m.name, m.size, m.compressed, ctx), stop: false };
  }
  try {
    budget.take(m.size, m.name, archive);
  } catch (err) {
    return { ok: false, failure: failureFrom(err, m.name), stop: true };
  }
  return { ok: true, limit };
}
