// Progress for a terminal: one line, rewritten in place. Pure formatting here; the CLI decides
// whether stderr is a terminal and when to draw.
import type { BatchProgress } from "./run-batch.js";
import type { BatchSummary } from "../output/summary.js";

export function formatProgress(p: BatchProgress, total: number | undefined): string {
  const rate = p.seconds > 0 ? p.written / p.seconds : 0;
  const parts = [
    total !== undefined ? `${p.read}/${total} documents` : `${p.read} documents`,
    `${rate.toFixed(1)} docs/s`,
    `${p.flagged} flagged`,
  ];
  if (p.failures > 0) parts.push(`${p.failures} failures`);
  if (p.skipped > 0) parts.push(`${p.skipped} skipped`);
  if (total !== undefined && rate > 0 && total >= p.read) {
    parts.push(`ETA ${formatDuration((total - p.written - p.skipped) / rate)}`);
  }
  return parts.join(" · ");
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** The line every run ends with, terminal or not. */
export function formatFinalLine(s: BatchSummary): string {
  const r = s.run;
  const parts = [
    `${r.read} documents`,
    `${s.results} results`,
    `${s.failures} failures`,
    `${s.flagged} flagged`,
  ];
  if ((s.suppressed ?? 0) > 0) parts.push(`${s.suppressed} suppressed by review or baseline`);
  if (r.skipped > 0) parts.push(`${r.skipped} skipped (already in output)`);
  parts.push(`${r.seconds.toFixed(1)} s`);
  return `caseflag batch: ${parts.join(", ")}${r.interrupted ? " (interrupted: run again with --resume)" : ""}`;
}
