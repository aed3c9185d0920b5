// Limits shared by one top-level archive and everything nested in it.
import { InputError } from "../../errors.js";
import type { Failure } from "../../types.js";
import { archiveKindOf, type ArchiveKind } from "../archive-kind.js";
import { failure } from "../failures.js";
import { DEFAULT_MAX_BYTES, MiB } from "../streams.js";
import { defaultRegistry } from "../registry.js";
import type { WalkItem, WalkOptions } from "../types.js";

export interface WalkContext {
  maxDepth: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxRatio: number;
  ratioMinBytes: number;
  includeHidden: boolean;
  onSkip: ((name: string, reason: string) => void) | undefined;
  /** Walks a member that is itself an archive (nested.ts). */
  nested: NestedWalker;
}

export type NestedWalker = (
  kind: ArchiveKind,
  stream: NodeJS.ReadableStream,
  name: string,
  limit: number,
  depth: number,
  ctx: WalkContext,
  budget: Budget,
) => AsyncGenerator<WalkItem>;

export function walkContext(opts: WalkOptions, nested: NestedWalker): WalkContext {
  return {
    nested,
    maxDepth: opts.maxDepth ?? 3,
    maxEntryBytes: opts.maxEntryBytes ?? opts.maxBytes ?? DEFAULT_MAX_BYTES,
    maxTotalBytes: opts.maxTotalBytes ?? 4 * 1024 * MiB,
    maxRatio: opts.maxRatio ?? 200,
    ratioMinBytes: opts.ratioMinBytes ?? MiB,
    includeHidden: opts.includeHidden ?? false,
    onSkip: opts.onSkip,
  };
}

/** Uncompressed bytes taken so far from one top-level archive (nested ones included). */
export class Budget {
  used = 0;
  constructor(readonly max: number) {}
  /** Throws E_ARCHIVE_LIMIT naming `name` when the archive total would pass the limit. */
  take(bytes: number, name: string, archive: string): void {
    if (this.used + bytes > this.max) {
      throw new InputError(
        "E_ARCHIVE_LIMIT",
        name,
        `${name}: archive ${archive} expands past the ${this.max}-byte total limit (maxTotalBytes); rest not read`,
      );
    }
    this.used += bytes;
  }
}

/** Members read by streaming (JSONL, nested tar) are bounded by the archive total, not per member. */
export function memberLimit(inner: string, ctx: WalkContext): number {
  const kind = archiveKindOf(inner);
  if (kind === "tar" || kind === "tgz") return Number.POSITIVE_INFINITY;
  // A dump read line by line streams: only the archive's total bounds it.
  if (defaultRegistry().holds(inner) === "lines") return Number.POSITIVE_INFINITY;
  return ctx.maxEntryBytes;
}

export function isBomb(uncompressed: number, compressed: number, ctx: WalkContext): boolean {
  return uncompressed > ctx.ratioMinBytes && uncompressed / Math.max(compressed, 1) > ctx.maxRatio;
}

export function bombFailure(name: string, uncompressed: number, compressed: number, ctx: WalkContext): Failure {
  const ratio = Math.round(uncompressed / Math.max(compressed, 1));
  return failure(
    name,
    "E_ARCHIVE_LIMIT",
    `${name}: expands ${ratio}:1 (${uncompressed} bytes from ${compressed}), over the ${ctx.maxRatio}:1 limit; refused as a possible zip bomb`,
  );
}

export function tooBigFailure(name: string, size: number, limit: number): Failure {
  return failure(name, "E_ARCHIVE_LIMIT", `${name}: ${size} bytes uncompressed, over the ${limit}-byte member limit (maxBytes)`);
}

export function depthFailure(name: string, ctx: WalkContext): Failure {
  return failure(name, "E_ARCHIVE_LIMIT", `${name}: archive nested deeper than ${ctx.maxDepth} levels; not opened`);
}

/** Dot-files/folders and macOS resource forks: skipped unless includeHidden. */
export function isHiddenPath(inner: string): boolean {
  return inner.split(/[/\\]/).some((seg) => seg === "__MACOSX" || (seg.startsWith(".") && seg !== "." && seg !== ".."));
}

/** Member names are raw bytes: UTF-8 when valid, else GB18030 (Chinese Windows zip/tar tools). */
export function decodeMemberName(raw: Buffer, utf8Flag: boolean): string {
  let name: string | undefined;
  if (utf8Flag) name = new TextDecoder("utf-8").decode(raw);
  else {
    for (const label of ["utf-8", "gb18030"]) {
      try {
        name = new TextDecoder(label, { fatal: true }).decode(raw);
        break;
      } catch {
        // try the next
      }
    }
    name ??= raw.toString("latin1");
  }
  return name.replace(/\\/g, "/");
}
