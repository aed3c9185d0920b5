// Zip archives with yauzl: entries read lazily from the central directory; member streams are
// opened only when a reader asks. Sizes are checked against the central directory before any
// inflating, and yauzl (validateEntrySizes) errors if a member inflates past its declared size.
import { PassThrough } from "node:stream";
import type yauzlTypes from "yauzl";
import { lazyRequire } from "../lazy.js";

const yauzl = lazyRequire<typeof yauzlTypes>("yauzl");
import { InputError } from "../../errors.js";
import { archiveKindOf } from "../archive-kind.js";
import { failure, failureFrom, oneLine } from "../failures.js";
import type { WalkItem } from "../types.js";
import { type Budget, decodeMemberName, depthFailure, isHiddenPath, type WalkContext } from "./limits.js";
import { admitMember } from "./members.js";

export type ZipInput = { path: string } | { buffer: Buffer };

const ZIP_OPTIONS: yauzlTypes.Options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false };

function openZip(input: ZipInput): Promise<yauzlTypes.ZipFile> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip?: yauzlTypes.ZipFile): void => (err || !zip ? reject(err ?? new Error("no zip")) : resolve(zip));
    if ("path" in input) yauzl().open(input.path, ZIP_OPTIONS, done);
    else yauzl().fromBuffer(input.buffer, ZIP_OPTIONS, done);
  });
}

function nextEntry(zip: yauzlTypes.ZipFile): Promise<yauzlTypes.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (e: yauzlTypes.Entry): void => (cleanup(), resolve(e));
    const onEnd = (): void => (cleanup(), resolve(undefined));
    const onError = (err: Error): void => (cleanup(), reject(err));
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    zip.readEntry();
  });
}

function openEntry(zip: yauzlTypes.ZipFile, entry: yauzlTypes.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, rs) => (err || !rs ? reject(err ?? new Error("no stream")) : resolve(rs)));
  });
}

/** A member stream that is opened on first read, so listing a zip inflates nothing. */
function lazyEntryStream(zip: yauzlTypes.ZipFile, entry: yauzlTypes.Entry, name: string): NodeJS.ReadableStream {
  const out = new PassThrough();
  zip.openReadStream(entry, (err, rs) => {
    if (err || !rs) {
      out.destroy(new InputError("E_ARCHIVE", name, `${name}: cannot read member (${oneLine(err?.message ?? "no stream")})`));
      return;
    }
    out.on("close", () => rs.destroy());
    rs.on("error", (e: Error) => out.destroy(new InputError("E_ARCHIVE", name, `${name}: corrupt member (${oneLine(e.message)})`)));
    rs.pipe(out);
  });
  return out;
}

/** The member name: UTF-8 flag, else Info-ZIP Unicode Path extra field, else UTF-8/GB18030 detection. */
function entryName(entry: yauzlTypes.Entry): string {
  const raw = entry.fileName as unknown as Buffer; // decodeStrings:false makes it a Buffer
  const utf8Flag = (entry.generalPurposeBitFlag & 0x800) !== 0;
  if (!utf8Flag) {
    const unicodePath = entry.extraFields.find((f) => f.id === 0x7075);
    if (unicodePath && unicodePath.data.length > 5 && unicodePath.data[0] === 1) {
      return decodeMemberName(unicodePath.data.subarray(5), true);
    }
  }
  return decodeMemberName(raw, utf8Flag);
}

export async function* walkZip(input: ZipInput, display: string, depth: number, ctx: WalkContext, budget: Budget): AsyncGenerator<WalkItem> {
  let zip: yauzlTypes.ZipFile;
  try {
    zip = await openZip(input);
  } catch (err) {
    yield failure(display, "E_ARCHIVE", `${display}: not a readable zip (${oneLine(err instanceof Error ? err.message : String(err))})`);
    return;
  }
  try {
    for (;;) {
      let entry: yauzlTypes.Entry | undefined;
      try {
        entry = await nextEntry(zip);
      } catch (err) {
        yield failure(display, "E_ARCHIVE", `${display}: corrupt zip directory (${oneLine(err instanceof Error ? err.message : String(err))}); rest not read`);
        return;
      }
      if (!entry) return;
      const inner = entryName(entry);
      const name = `${display}!/${inner}`;
      if (inner.endsWith("/")) continue; // a directory record
      if (!ctx.includeHidden && isHiddenPath(inner)) {
        ctx.onSkip?.(name, "hidden or __MACOSX member");
        continue;
      }
      if (entry.isEncrypted()) {
        yield failure(name, "E_ARCHIVE", `${name}: encrypted member, not read`);
        continue;
      }
      const size = entry.uncompressedSize;
      const admitted = admitMember({ name, inner, size, compressed: entry.compressedSize }, display, ctx, budget);
      if (!admitted.ok) {
        yield admitted.failure;
        if (admitted.stop) return;
        continue;
      }
      const kind = archiveKindOf(inner);
      if (kind !== undefined) {
        if (depth + 1 > ctx.maxDepth) {
          yield depthFailure(name, ctx);
          continue;
        }
        let stream: NodeJS.ReadableStream;
        try {
          stream = await openEntry(zip, entry);
        } catch (err) {
          yield failureFrom(err, name);
          continue;
        }
        yield* ctx.nested(kind, stream, name, admitted.limit, depth, ctx, budget);
        continue;
      }
      const e = entry;
      yield { name, size, open: () => lazyEntryStream(zip, e, name) };
    }
  } finally {
    zip.close();
  }
}
