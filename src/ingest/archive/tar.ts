// .tar and .tar.gz/.tgz with tar-stream, fully streaming: each member is handed out as a live
// stream and drained before the next header is read, so memory stays flat for any archive size.
// A gzip ratio meter stops an archive that inflates like a bomb.
import { pipeline, Readable, Transform, type TransformCallback } from "node:stream";
import { createGunzip } from "node:zlib";
import type tarTypes from "tar-stream";
import { lazyRequire } from "../lazy.js";

const tar = lazyRequire<typeof tarTypes>("tar-stream");
import { InputError } from "../../errors.js";
import { archiveKindOf } from "../archive-kind.js";
import { failure, failureFrom, oneLine } from "../failures.js";
import { destroyQuietly } from "../streams.js";
import type { WalkItem } from "../types.js";
import { bombFailure, type Budget, decodeMemberName, depthFailure, isBomb, isHiddenPath, type WalkContext } from "./limits.js";
import { admitMember } from "./members.js";

/** tar-stream's entry: a streamx Readable. Destroying it would destroy the whole extract, so never do. */
type TarEntry = AsyncIterable<Buffer> & {
  header: Omit<tarTypes.Header, "pax" | "type"> & { type?: string; pax?: Record<string, string> | null };
  on(event: string, fn: (...args: unknown[]) => void): unknown;
  off(event: string, fn: (...args: unknown[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
};

class Tracked {
  ended = false;
  private draining = false;
  private out: Readable | undefined;
  constructor(readonly entry: TarEntry) {
    const done = (): void => {
      this.ended = true;
    };
    entry.on("end", done);
    entry.on("close", done);
    entry.on("error", done);
  }

  /** Discards whatever the reader left unread, so tar-stream can move to the next header. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.out && !this.out.destroyed) this.out.destroy();
    if (this.ended) return;
    const finished = new Promise<void>((resolve) => {
      const done = (): void => {
        this.entry.off("end", done);
        this.entry.off("close", done);
        this.entry.off("error", done);
        resolve();
      };
      this.entry.on("end", done);
      this.entry.on("close", done);
      this.entry.on("error", done);
    });
    this.entry.resume();
    await finished;
  }

  /** A Node Readable over the entry, made on first use; destroying it leaves the entry to drain(). */
  stream(name: string): Readable {
    const entry = this.entry;
    if (this.draining) {
      // The walk already moved past this member: its bytes are gone. Say so instead of hanging.
      const late = new Readable({ read() {} });
      late.destroy(new Error(`${name}: tar member opened after the walk moved past it`));
      return late;
    }
    const out = new Readable({
      highWaterMark: 256 * 1024,
      read() {
        entry.resume();
      },
    });
    this.out = out;
    entry.on("data", (chunk: unknown) => {
      if (this.draining || out.destroyed) return;
      if (!out.push(chunk as Buffer)) entry.pause();
    });
    entry.on("end", () => {
      if (!out.destroyed) out.push(null);
    });
    entry.on("error", (err: unknown) => {
      if (!out.destroyed) out.destroy(err instanceof Error ? err : new Error(String(err)));
    });
    return out;
  }
}

function memberName(header: TarEntry["header"]): string {
  // PAX paths are UTF-8 by the standard; plain headers are raw bytes, read here as latin1.
  const pax = header.pax?.["path"];
  if (pax !== undefined) return pax.replace(/\\/g, "/");
  return decodeMemberName(Buffer.from(header.name, "latin1"), false);
}

function meter(onChunk: (n: number) => Error | undefined): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      const err = onChunk(chunk.length);
      if (err) cb(err);
      else cb(null, chunk);
    },
  });
}

export async function* walkTar(
  input: NodeJS.ReadableStream,
  display: string,
  gzip: boolean,
  depth: number,
  ctx: WalkContext,
  budget: Budget,
): AsyncGenerator<WalkItem> {
  const extract = tar().extract({ filenameEncoding: "latin1" } as Parameters<typeof tarTypes.extract>[0]);
  let current = display;
  let compressed = 0;
  let expanded = 0;
  // Bytes of members not read (refused, skipped) still inflate on their way past: they count
  // against the archive's total budget, not the ratio (a refused member is already a failure line,
  // and a text member may well compress 600:1). Past the budget the rest of the archive is not read.
  let skipping = false;
  let skipped = 0;
  const stages: NodeJS.ReadWriteStream[] = [];
  if (gzip) {
    stages.push(meter((n) => ((compressed += n), undefined)), createGunzip());
    stages.push(
      meter((n) => {
        if (skipping) {
          skipped += n;
          if (budget.used + skipped <= budget.max) return undefined;
          return new InputError(
            "E_ARCHIVE_LIMIT",
            display,
            `${display}: expands past the ${budget.max}-byte total limit (maxTotalBytes) while skipping ${current}; rest not read`,
          );
        }
        expanded += n;
        if (!isBomb(expanded, compressed - skippedCompressedShare(), ctx)) return undefined;
        const f = bombFailure(current, expanded, compressed, ctx);
        return new InputError(f.code, current, `${f.message}; rest of ${display} not read`);
      }),
    );
  }
  /** The compressed bytes that stood for skipped ones, at the archive's ratio so far (an estimate). */
  const skippedCompressedShare = (): number => (skipped === 0 ? 0 : Math.floor((compressed * skipped) / (skipped + expanded)));
  const skip = async (t: Tracked): Promise<void> => {
    skipping = true;
    try {
      await t.drain();
    } finally {
      skipping = false;
    }
  };
  let broken: InputError | undefined;
  // One error object for the archive: the member being read fails with it and the walk reports
  // it, so readInputs can tell they are the same failure and record it once.
  const archiveError = (err: unknown): InputError => {
    if (err instanceof InputError) return err;
    const msg = oneLine(err instanceof Error ? err.message : String(err));
    return new InputError("E_ARCHIVE", current, `${current}: not a readable ${gzip ? "tar.gz" : "tar"} (${msg}); rest not read`);
  };
  const fail = (err: unknown): void => {
    broken ??= archiveError(err);
    extract.destroy(broken);
  };
  if (stages.length > 0) {
    const last = (pipeline as (...s: unknown[]) => NodeJS.ReadWriteStream)(input, ...stages, (err: Error | null) => {
      if (err) fail(err);
    });
    last.pipe(extract as unknown as NodeJS.WritableStream);
  } else {
    input.on("error", fail);
    input.pipe(extract as unknown as NodeJS.WritableStream);
  }
  let tracked: Tracked | undefined;
  try {
    for await (const raw of extract as unknown as AsyncIterable<TarEntry>) {
      tracked = new Tracked(raw);
      const header = raw.header;
      const inner = memberName(header);
      const name = `${display}!/${inner}`;
      current = name;
      const type = header.type ?? "file";
      if (type === "directory") {
        await skip(tracked);
        continue;
      }
      if (!ctx.includeHidden && isHiddenPath(inner)) {
        ctx.onSkip?.(name, "hidden member");
        await skip(tracked);
        continue;
      }
      if (type !== "file" && type !== "contiguous-file") {
        yield failure(name, "E_UNSUPPORTED", `${name}: ${type} member, not read`);
        await skip(tracked);
        continue;
      }
      const size = header.size ?? 0;
      // The ratio of a tar member is metered on the gzip stream as it inflates (RatioMeter).
      const admitted = admitMember({ name, inner, size }, display, ctx, budget);
      if (!admitted.ok) {
        yield admitted.failure;
        if (admitted.stop) return;
        await skip(tracked);
        continue;
      }
      const kind = archiveKindOf(inner);
      if (kind !== undefined) {
        if (depth + 1 > ctx.maxDepth) yield depthFailure(name, ctx);
        else yield* ctx.nested(kind, tracked.stream(name), name, admitted.limit, depth, ctx, budget);
        await tracked.drain();
        continue;
      }
      const t = tracked;
      let opened = false;
      yield {
        name,
        size,
        open: () => {
          if (opened) throw new Error(`${name}: this input is a live stream and was already opened`);
          opened = true;
          return t.stream(name);
        },
      };
      await t.drain();
    }
  } catch (err) {
    yield failureFrom(broken ?? archiveError(err), current);
  } finally {
    extract.destroy();
    destroyQuietly(input);
  }
}
