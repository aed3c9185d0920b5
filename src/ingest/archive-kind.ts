// Which names are archives the walker opens (by extension only: members are never sniffed as archives).
import { baseName } from "./streams.js";

export type ArchiveKind = "zip" | "tar" | "tgz";

export function archiveKindOf(name: string): ArchiveKind | undefined {
  const base = baseName(name).toLowerCase();
  if (base.endsWith(".zip")) return "zip";
  if (base.endsWith(".tar")) return "tar";
  if (base.endsWith(".tar.gz") || base.endsWith(".tgz")) return "tgz";
  return undefined;
}
