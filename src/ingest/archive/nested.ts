// A member that is itself an archive, walked one level deeper. The zip and tar walkers reach this
// through their context (WalkContext.nested), so neither imports the other.
import { failureFrom } from "../failures.js";
import { destroyQuietly, readAllBounded } from "../streams.js";
import type { NestedWalker } from "./limits.js";
import { walkTar } from "./tar.js";
import { walkZip } from "./zip.js";

/** The members of a nested archive, one level deeper; any error becomes a failure naming it. */
export const walkNested: NestedWalker = async function* (kind, stream, name, limit, depth, ctx, budget) {
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
};
