// Attribution: what the leak chains decide for the dimensions an analyst sorts by. Pure: the
// matched evidence (normalized offsets) and the chains in; weight changes, derived evidence and
// the insider verdict out. The pipeline applies them before scoring.
//
// - Industries are where the data leaked from: an industry is scored only when a chain binds it
//   as a source (its findings keep their weights and a `leak.source` finding adds FOUND); the
//   words of any other industry (a buyer's trade, a bank where a victim withdrew money, the chat
//   app a list was sold through) stay as evidence with weight 0 and a note.
// - Groups are the victims and data subjects: a mention placed as the offender, a recipient or an
//   impersonation weighs nothing; a group none of whose mentions is a victim or subject, and some
//   of which are offenders or recipients, weighs nothing at all (a student renting out bank cards).
//   A group named as a data subject (学生的个人信息) gains a `leak.subject` finding; named as the
//   victims (骗取50余名学生), a `leak.victim` finding of the same weight.
// - Insider: the strongest chain whose leaker is an insider.
// - Personal-information evidence from rules marked `proceedings: criminal` does not count in a text
//   reporting civil or administrative proceedings and no criminal ones; elsewhere, an insider chain
//   passing on personal data is the conduct of art. 253-1 para. 2 and adds a `leak.insider` finding.
import type { RuleSet } from "../rules/types.js";
import type { Volume } from "../types.js";
import {
  readLeakChains,
  type ChainInput,
  type ChainMention,
  type ChainReading,
  type ChainRules,
  type FlowDirection,
  type LeakDraft,
} from "./leak-chain.js";

export { BINDING_KINDS } from "../rules/compile.js";

const INSTITUTION_ZONE = "zone.institution";

/** What a source binding adds to its industry: enough to be found on its own. */
export const SOURCE_WEIGHT = 50;
/**
 * People the group word itself names (学生, 老人, 儿童, 考生), not a thing of theirs (学费, 退休金, 保健品)
 * or a relative (被害人邓某的奶奶 is the victim's grandmother: kin words are left out), and not
 * someone's (的) — only such a word placed as the victims stands for them.
 */
const PERSON_WORD = /(?:人|者|生|童|儿|婴|孩|女|男|老|员|群体|朋友)$/;
function namesVictims(text: string, m: { start: number; end: number; ruleId: string }): boolean {
  if (m.ruleId.endsWith(".kin")) return false;
  if (text[m.start - 1] === "的") return false;
  return PERSON_WORD.test(text.slice(m.start, m.end));
}

/** Group words that name things of the group's, not its people (保健品, 养老金, 学费, 老年卡, 老人机, 养老院). */
const THING_WORD = /(?:品|金|费|卡|机|院|贷|险|券)$/;

/** Right after a group word: the people it describes (学生家长, 老人子女, 幼儿教师), who are not of the group. */
/** Recipient cues of a summons or a notice, not of data (rules/parties.yaml). */
/** The cue of a scam's cover story (rules/parties.yaml), and the words that make a group its claimed beneficiary. */
const PRETEXT_CUE = "party.impersonated.pretext";
const SERVED_BEFORE = /[为帮替给]$/;
const ADDRESSED: ReadonlySet<string> = new Set(["party.recipient.addressed", "party.recipient.dismissed"]);
const OF_OTHERS = /^(?:的)?(?:家长|父母|子女|家属|亲属|监护人|老师|教师|班主任|(?:家中|家里)?(?:雇请|聘请|雇佣|雇用)的?(?:保姆|护工|钟点工|家政)|(?:家中|家里)?的?(?:保姆|护工|钟点工))/;

/** What naming a group as the data's subject adds to it. */
export const SUBJECT_WEIGHT = 30;
/** What an insider chain passing on personal data adds to the personal-information crime: decisive
 * when an information type names the data, a hint when only its people do (医生…用药量信息). */
export const INSIDER_PI_WEIGHT = 50;
export const INSIDER_PI_WEIGHT_UNTYPED = 30;

export interface AttributionMention extends ChainMention {
  negated: boolean;
  /** The negation or zone rule that negated it. */
  negatedBy: string | null;
  /** The rule's `proceedings` requirement. */
  proceedings: "criminal" | null;
}

export interface Adjustment {
  weight: number;
  note: string;
}

export interface DerivedFinding {
  ruleId: string;
  kind: "industry" | "group" | "crime";
  target: string;
  start: number;
  end: number;
  weight: number;
  note: string;
}

export interface Attribution {
  leaks: LeakDraft[];
  /** New weights (and why) for findings the chains demote, keyed by the mention. */
  adjust: Map<AttributionMention, Adjustment>;
  derived: DerivedFinding[];
  /** `halves`: the insider's own act is told, so the statute's thresholds are halved (not for a buyer's case). */
  insider: { flag: boolean; score: number; evidence: ChainMention[]; halves: boolean };
  /** Source industries in leak order: the holder first. */
  industryOrder: string[];
  /** Binding mentions that are parts of a chain (kept in the findings as its evidence). */
  parts: Set<ChainMention>;
}

export function createChainRules(rules: RuleSet): ChainRules {
  const flow = rules.dimensions.get("flow");
  const access = rules.dimensions.get("access");
  const byId = new Map(rules.rules.map((r) => [r.id, r]));
  return {
    flowDirection: (target) => flow?.get(target)?.direction as FlowDirection | undefined,
    accessStandalone: (target) => access?.get(target)?.standalone === true,
    isChannel: (ruleId) => byId.get(ruleId)?.channel === true,
    reach: (ruleId) => byId.get(ruleId)?.reach ?? { before: -1, after: -1 },
    extend: (ruleId) => byId.get(ruleId)?.extend ?? null,
  };
}

export function attribute(input: {
  text: string;
  mentions: AttributionMention[];
  volumes: Volume[];
  rules: ChainRules;
  /** Counts a unit of work against the document's budget. */
  tick?: () => void;
  /** Party markers looked up on demand (detect/markers.ts). */
  markers?: ChainInput["markers"];
}): Attribution {
  // An institution's name (某派出所, 某公安局) is negated as the body handling the case; when a role
  // belongs to it, it is the leaker's employer, so organisations and industries inside it still bind.
  // The zone's optional place prefix can also take in the verb before the name (诉至南岗区人民法院:
  // \p{Han}{1,6}区 starts at 诉): a proceedings cue there still says what kind of case it is.
  const live = input.mentions.filter(
    (m) => !m.negated || (m.negatedBy === INSTITUTION_ZONE && (m.kind === "source" || m.kind === "industry" || m.kind === "proceeding")),
  );
  const reading: ChainReading = readLeakChains({
    text: input.text,
    mentions: live,
    volumes: input.volumes,
    rules: input.rules,
    ...(input.tick ? { tick: input.tick } : {}),
    ...(input.markers ? { markers: input.markers } : {}),
    handling: (m) => (m as AttributionMention).negatedBy === INSTITUTION_ZONE,
  });
  const adjust = new Map<AttributionMention, Adjustment>();
  const derived: DerivedFinding[] = [];
  const { leaks } = reading;

  // ── industries: the source only ──
  const industryOrder: string[] = [];
  const sourceSpan = new Map<string, { start: number; end: number }>();
  for (const l of leaks) {
    // A chain moving other data (obscene videos, invoices) names an industry only when an insider
    // moved it or a holder is named (医院的统方数据); the words around it (QQ群, 手机) are no source.
    if (!l.personal && !l.leaker?.insider && (!l.source || l.source.named)) continue;
    for (const id of l.source?.industries ?? []) {
      if (industryOrder.includes(id)) continue;
      industryOrder.push(id);
      sourceSpan.set(id, l.source!.span);
    }
  }
  for (const m of live) {
    if (m.kind !== "industry" || m.negated || industryOrder.includes(m.target)) continue;
    adjust.set(m, { weight: 0, note: "not the source of a leak read in this text" });
  }
  for (const id of industryOrder) {
    const span = sourceSpan.get(id)!;
    derived.push({ ruleId: "leak.source", kind: "industry", target: id, ...span, weight: SOURCE_WEIGHT, note: "the leak's source (holder of the data)" });
  }

  // ── groups: victims and data subjects ──
  const byGroup = new Map<string, AttributionMention[]>();
  for (const m of live) {
    if (m.kind !== "group" || m.negated) continue;
    const list = byGroup.get(m.target);
    if (list) list.push(m);
    else byGroup.set(m.target, [m]);
  }
  for (const [group, list] of byGroup) {
    // 高三学生家长, 老人子女: the group word describes the people named after it, who are not of it.
    for (const m of list) {
      if (OF_OTHERS.test(input.text.slice(m.end, m.end + 10))) adjust.set(m, { weight: 0, note: "describes the people named after it (家长, 子女…), not them" });
    }
    const placed = list.filter((m) => !adjust.has(m)).flatMap((m) => {
      const b = reading.groupPlacement.get(m);
      // A scam's cover story (以“注销校园贷”为名, 以投资“养老项目”为名) names what was pretended: that
      // mention says nothing either way — unless the story claims to serve the group (以为大学生找工作
      // 为名): those it claimed to serve are the ones it was aimed at.
      if (b?.by.ruleId === PRETEXT_CUE) {
        if (SERVED_BEFORE.test(input.text.slice(Math.max(0, m.start - 1), m.start))) return [{ m, p: undefined, cue: "" }];
        adjust.set(m, { weight: 0, note: "the cover story of a scam, not who was harmed" });
        return [];
      }
      // People gathered or notified (召集60岁以上的村民, 通知员工) receive a summons, not data: that
      // cue keeps a role from being the leaker, and places a group nowhere.
      const p = b && b.by.ruleId !== undefined && ADDRESSED.has(b.by.ruleId) ? undefined : b?.placement;
      return [{ m, p, cue: b ? input.text.slice(b.by.start, b.by.end) : "" }];
    });
    const harmed = placed.some((x) => x.p === "subject" || x.p === "victim");
    // A thing of the group's (保健品 in 提供给某保健品公司, 养老金, 老年卡) placed as a recipient says who
    // bought, not that the group's people were on the buying side.
    const elsewhere = placed.filter(
      (x) => (x.p === "offender" || x.p === "recipient" || x.p === "impersonated") && !THING_WORD.test(input.text.slice(x.m.start, x.m.end)),
    );
    for (const x of elsewhere) adjust.set(x.m, { weight: 0, note: `${x.p} (${x.cue}), not a victim or data subject` });
    if (!harmed && elsewhere.length > 0) {
      for (const x of placed) {
        if (!adjust.has(x.m)) adjust.set(x.m, { weight: 0, note: "the group appears only as offender or recipient" });
      }
    }
    // Named as whose data it is, or as the ones the offence was done to (骗取50余名学生, 针对老年人):
    // either is what the group dimension means, so a context word placed there (学生, 老人) counts.
    const subject = placed.find((x) => x.p === "subject");
    const victim = subject ? undefined : placed.find((x) => x.p === "victim" && namesVictims(input.text, x.m));
    if (subject) {
      derived.push({
        ruleId: "leak.subject",
        kind: "group",
        target: group,
        start: subject.m.start,
        end: subject.m.end,
        weight: SUBJECT_WEIGHT,
        note: "named as the data's subject",
      });
    } else if (victim) {
      derived.push({
        ruleId: "leak.victim",
        kind: "group",
        target: group,
        start: victim.m.start,
        end: victim.m.end,
        weight: SUBJECT_WEIGHT,
        note: `named as the victims (${victim.cue})`,
      });
    }
  }

  // ── insider ──
  const best = leaks.find((l) => l.leaker?.insider);
  // An insider who supplied the text's own actors (they bought from them) is evidenced by that taking,
  // and does not halve the thresholds: the counts are the buyers'.
  const insider = best?.leaker
    ? {
        flag: best.leaker.score >= 50,
        score: best.leaker.score,
        evidence: [best.leaker.role, best.leaker.access, best.leaker.upstream ?? best.flow].filter((x): x is ChainMention => x !== null && x !== undefined),
        halves: best.leaker.upstream === undefined,
      }
    : { flag: false, score: 0, evidence: [], halves: false };

  // ── personal-information crime: criminal proceedings, and the insider's conduct ──
  // A non-criminal proceedings cue fires only with no criminal word near it (rules/proceedings.yaml).
  const otherwise = live.some((m) => m.kind === "proceeding" && m.target === "non-criminal");
  if (otherwise) {
    for (const m of live) {
      if (m.proceedings === "criminal") adjust.set(m, { weight: 0, note: "civil or administrative proceedings, no criminal ones" });
    }
  } else if (best?.leaker && best.personal) {
    const at = best.leaker.access ?? best.leaker.role ?? best.flow;
    derived.push({
      ruleId: "leak.insider",
      kind: "crime",
      target: "personal-information",
      start: at.start,
      end: at.end,
      weight: best.typed ? INSIDER_PI_WEIGHT : INSIDER_PI_WEIGHT_UNTYPED,
      note: "an insider passed on personal information (art. 253-1 para. 2)",
    });
  }

  const parts = new Set<ChainMention>();
  for (const l of leaks) {
    for (const x of [l.flow, l.leaker?.role, l.leaker?.access, ...l.data]) if (x && x.kind !== "info-type") parts.add(x);
  }
  return { leaks, adjust, derived, insider, industryOrder, parts };
}
