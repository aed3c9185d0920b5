// What the zip and tar walkers do alike with a member once they know its name and size: admit it
// under the per-member limit, the bomb ratio (when the compressed size is known) and the archive's
// total budget; and walk a member that is itself an archive.
import type { Failure } from "../../types.js";
import type { ArchiveKind } from "../archive-kind.js";
import { failureFrom } from "../failures.js";
import { destroyQuietly, readAllBounded } from "../streams.js";
import type { WalkItem } from "../types.js";
import { bombFailure, type Budget, isBomb, memberLimit, tooBigFailure, type WalkContext } from "./limits.js";
import { walkTar } from "./tar.js";
import { walkZip } from "./zip.js";

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

/** The members of a nested archive, one level deeper; any error becomes a failure naming it. */
export async function* walkNested(
  kind: ArchiveKind,
  stream: NodeJS.ReadableStream,
  name: string,
  limit: number,
  depth: number,
  ctx: WalkContext,
  budget: Budget,
): AsyncGenerator<WalkItem> {
  try {
    if (kind === "zip") {
      // yauzl needs random access: a nested zip is held in memory, bounded by the member limit.
      const buf = await readAllBounded(stream, limit, name);
      yield* walkZip({ buffer: buf }, name, depth + 1, ctx, budget);
    } else {
      yield* walkTar(stream, name, kind === "tgz", depth + 1, ctx, budget);
    }
  } catch (err) {
    yield failureFrom(err, name);
  } finally {
    destroyQuietly(stream);
  }
}
