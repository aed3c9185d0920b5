// Leak chains as the result carries them: offsets into the original text, the text there (masked
// like every other match), the leaker's name masked to surname + 某, Chinese labels; and the one
// line an analyst reads a chain in. Pure.
import type { Leak, LeakPart } from "../types.js";
import type { ChainMention, LeakDraft } from "./leak-chain.js";
import type { Span } from "./parties.js";
import { maskName } from "../text/names.js";

export interface LeakMapping {
  /** A normalized span to its original offsets and (masked) text. */
  span(x: Span): LeakPart;
  /** A dimension's Chinese label (rules' label.zh), if it has one. */
  label(kind: string, id: string): string | undefined;
}


export function toLeaks(drafts: LeakDraft[], map: LeakMapping): Leak[] {
  const part = (m: ChainMention) => {
    const at = map.span(m);
    return { ...at, id: m.target, ruleId: m.ruleId, label: map.label(m.kind, m.target) ?? at.match };
  };
  return drafts.map((d) => ({
    source: d.source
      ? {
          ...map.span(d.source.span),
          industries: d.source.industries,
          type: d.source.named ? ("mention" as const) : d.source.system ? ("system" as const) : ("organisation" as const),
          label: d.source.industries[0] ? (map.label("industry", d.source.industries[0]) ?? null) : null,
        }
      : null,
    leaker: d.leaker
      ? {
          name: d.leaker.person ? maskName(map.span(d.leaker.person).match) : null,
          role: d.leaker.role ? part(d.leaker.role) : null,
          access: d.leaker.access ? part(d.leaker.access) : null,
          insider: d.leaker.insider,
          score: d.leaker.score,
        }
      : null,
    flow: { ...map.span(d.flow), id: d.flow.target, ruleId: d.flow.ruleId, direction: d.direction === "object" ? "out" : d.direction },
    data: d.data.map((x) => {
      const at = map.span(x);
      const infoType = x.kind === "info-type" ? x.target : null;
      return { ...at, infoType, label: (infoType ? map.label("info-type", infoType) : undefined) ?? at.match };
    }),
    count: d.count ? { ...map.span(d.count), count: d.count.count, approximate: d.count.approximate } : null,
    subjects: d.subjects.map((s) => ({ ...map.span(s.span), group: s.group })),
    recipients: d.recipients.map((r) => map.span(r)),
  }));
}

/**
 * One line for a chain: source, role and leaker, then the count and kind of data, then who got it
 * (某银行支行 客户经理 李某 → 2000余份 征信信息 → 贷款中介). An insider's chain starts 【内鬼】.
 * A role said with a frame (在某物业公司工作) is printed by its label (员工), a role word as written.
 */
export function formatLeakLine(leak: Leak): string {
  const who: string[] = [];
  // A source named only by its industry's words (学籍信息 → 教育) prints as the industry.
  if (leak.source) who.push(leak.source.type === "mention" && leak.source.label ? `〔${leak.source.label}〕` : leak.source.match);
  const role = leak.leaker?.role;
  if (role) who.push(role.ruleId.endsWith(".work-frame") ? role.label : role.match);
  if (leak.leaker?.name) who.push(leak.leaker.name);
  const labels: string[] = [];
  for (const d of leak.data) if (!labels.includes(d.label)) labels.push(d.label);
  const what = [leak.count?.match, labels.slice(0, 3).join("、") || leak.flow.match].filter((x): x is string => !!x).join(" ");
  const parts = [who.join(" ") || "？", what];
  if (leak.recipients.length > 0) parts.push(leak.recipients.map((r) => r.match).join("、"));
  return `${leak.leaker?.insider ? "【内鬼】" : ""}${parts.join(" → ")}`;
}
