// Who a mention is in the story: the offender, a victim, a recipient, someone impersonated, or the
// person whose data it is (the data subject). Pure: spans in, placements out. Cues and their reach
// are rule data (rules/parties.yaml); this module only binds them.
//
// - Data subject: the mention is followed, in the same clause and within a few characters, by the
//   data itself (学生的个人信息, 业主信息, 新生儿和产妇的个人信息). This binding is the tightest
//   and wins over any cue.
// - Otherwise the nearest cue in the same sentence whose reach covers the mention: a cue reaching
//   back binds a mention that ends at most `before` characters before it (…涉嫌诈骗罪, …报案), a cue
//   reaching forward one that starts at most `after` characters after it (被害人…, 冒充…). Of
//   overlapping cues the longest counts (受骗参与 is an offender's cue, not the 受骗 inside it).
// - A mention right before a person's name (学生高某, 在校大学生小海) is that person: it takes the
//   place that person has anywhere in the document.

import { nameOccurrences } from "../text/names.js";

export type PartyPosition = "offender" | "victim" | "recipient" | "impersonated" | "speaker";
export type Placement = PartyPosition | "subject";

export interface Span {
  start: number;
  end: number;
}

export interface Cue extends Span {
  position: PartyPosition;
  ruleId: string;
  /** The cue binds a mention ending at most this many characters before it (-1: none). */
  before: number;
  /** The cue binds a mention starting at most this many characters after it (-1: none). */
  after: number;
}

export interface PartyContext {
  /** Normalized text. */
  text: string;
  /** The cues that start in [from, to). */
  cuesIn(from: number, to: number): Cue[];
  /** Spans of data: information types and the bare data nouns. */
  data: Lookup<Span>;
  /** People's names (masked or pseudonymous) as the text writes them. */
  persons: Lookup<Span>;
  /** Words for the people a record is about (客户, 学员, 业主): what they are said to be is whose data it is. */
  people?: Lookup<Span>;
  /** Verbs that move data: a mention with one between it and the data is not the data's subject. */
  verbs: Lookup<Span>;
  /** Start and end of the sentence holding a position. */
  sentenceOf(at: number): Span;
}

/** Spans near a position: a sorted index, or a lookup done on demand (detect/markers.ts). */
export interface Lookup<T extends Span> {
  /** The spans that start in [from, to), in text order. */
  startingIn(from: number, to: number): T[];
}

/** Spans sorted by start, for the few near a position (binary search instead of scanning them all). */
export class SpanIndex<T extends Span> implements Lookup<T> {
  readonly all: T[];
  constructor(list: readonly T[]) {
    this.all = [...list].sort((a, b) => a.start - b.start);
  }
  /** The spans that start in [from, to). */
  startingIn(from: number, to: number): T[] {
    let lo = 0;
    let hi = this.all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.all[mid]!.start < from) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    for (let i = lo; i < this.all.length && this.all[i]!.start < to; i++) out.push(this.all[i]!);
    return out;
  }
}

export interface Bound {
  placement: Placement;
  /** The cue or the data that placed the mention (for the evidence note). */
  by: Span & { ruleId?: string };
}

/** Characters that end a clause: a subject binding does not cross them. */
// An ASCII comma inside a number (30,000) is no break.
const CLAUSE_BREAK = /[，。；;：:！？!?\n]|,(?!\d)/;
/** Names followed through a text, and occurrences of one name looked at. */
const MAX_NAMES = 50;
const MAX_NAME_OCCURRENCES = 50;
const FORWARD_STOP = /[，,。；;：:！？!?\n给向对与跟将把]/;
/**
 * A claim reported between a person and an offender cue after them: the accusation is someone's
 * word, usually a fraudster's pretext (页面却显示她的微信涉嫌违法, 对方称其涉嫌洗钱), not what the person did.
 */
const REPORTED_CLAIM = /称|显示|告知|告诉|恐吓|威胁|吓唬|说(?:她|他|其|你)/;

/** How many characters of a job word may stand between a mention and the person it describes. */
const APPOSITION_GAP = 2;
/** A job word between a mention and a name (退休工人谭某): two Han characters, no preposition or particle (老年大学教务员金某 names a workplace, not the person). */
const APPOSITION = /^[^\P{Script=Han}将把向给对从用以被在的与和及、]{2}$/u;
/** How far before a mention a person it is said to be (张某系…学生) may start. */
const COPULA_REACH = 40;
/**
 * Between a person and a mention that says what the person is: an aside in brackets, a copula, then
 * at most a workplace (某中等职业学校) — no clause break, verb-marking preposition or conjunction.
 */
const COPULA_BEFORE = /^(?:[（(][^（()）]{0,16}[)）])?(?:原系|曾系|均系|均为|系|是|为|作为|身为)[^，,。；;：:！？!?\n将把向给对从用以被在与和及的]{0,12}$/;
/** People words that name anyone at all: what they are said to be says nothing of whose data it is. */
const ANYONE_WORD = /^(?:医生|他人|个人|公民|群众|网民|员工家属)$/;
/** People words that name a workforce (员工均为在校学生): those doing the work, not whose data it is. */
const STAFF_WORD = /^(?:员工|职工)$/;
/** Words that make the mention the one acting on the data, not its owner (员工将新生儿视频…). */
const AGENT_MARK = /[将把向给对从用以被在]/;
/** How far after a mention its data may start for the mention to be the data's subject. */
export const SUBJECT_GAP = 6;

export function createPlacer(ctx: PartyContext): (m: Span) => Bound | null {
  // A sentence's cues, the longest of overlapping ones, once per sentence.
  const bySentence = new Map<number, Cue[]>();
  const cues = (sentence: Span): Cue[] => {
    let list = bySentence.get(sentence.start);
    if (!list) {
      list = longestCues(ctx.cuesIn(sentence.start, sentence.end));
      bySentence.set(sentence.start, list);
    }
    return list;
  };
  const personCache = new Map<string, Bound | null>();

  const direct = (m: Span): Bound | null => {
    const subject = subjectOf(m, ctx);
    if (subject) return subject;
    return nearestCue(m, cues, ctx);
  };

  const personPlacement = (written: string): Bound | null => {
    if (!personCache.has(written) && personCache.size >= MAX_NAMES) return null;
    // 小海（化名） is 小海 afterwards; a pseudonym caught with the word before it (生小海) is its last two characters.
    const bare = written.replace(/[（(]化名[)）]$/, "");
    const name = bare.length > 2 && bare !== written ? bare.slice(-2) : bare;
    if (personCache.has(name)) return personCache.get(name)!;
    let found: Bound | null = null;
    // The same name anywhere: an offender once is an offender; else a victim once is a victim.
    for (const at of nameOccurrences(ctx.text, name, MAX_NAME_OCCURRENCES)) {
      const p = { start: at, end: at + name.length };
      const b = nearestCue(p, cues, ctx);
      if (!b) continue;
      if (b.placement === "offender") {
        found = b;
        break;
      }
      if (!found) found = b;
    }
    personCache.set(name, found);
    return found;
  };

  return (m: Span): Bound | null => {
    const own = direct(m);
    if (own) return own;
    // The person right after the mention (学生高某), or a pseudonym caught with its last character (大学生小海（化名）),
    // or after a job word that goes with it (退休工人谭某, 在校学生兼职…): the mention describes that person.
    const person = ctx.persons
      .startingIn(m.end - 1, m.end + APPOSITION_GAP + 1)
      .find((p) => p.end > m.end && !CLAUSE_BREAK.test(ctx.text.slice(m.end, p.start)) && (p.start <= m.end + 1 || APPOSITION.test(ctx.text.slice(m.end, p.start))));
    if (person) {
      const viaPerson = personPlacement(ctx.text.slice(person.start, person.end));
      if (viaPerson) return viaPerson;
    }
    // The person the clause says the mention is (邬某系在校大学生, 被告人邓某（作案时17周岁）系某职业学校在校学生):
    // it takes that person's place too. Not when the mention qualifies a noun after it (系独居老人的邻居).
    if (ctx.text[m.end] !== "的") {
      const described = ctx.persons
        .startingIn(m.start - COPULA_REACH, m.start)
        .filter((p) => p.end <= m.start && COPULA_BEFORE.test(ctx.text.slice(p.end, m.start)))
        .at(-1);
      if (described) {
        const viaPerson = personPlacement(ctx.text.slice(described.start, described.end));
        if (viaPerson) return viaPerson;
      }
      // Whose data it is, said the same way (该平台学员为4至12岁儿童, 其客户多为退休老人): those people.
      // What staff are said to be (其员工均为在校学生) describes those doing the work: the offender's side.
      const people = ctx.people
        ?.startingIn(m.start - COPULA_REACH, m.start)
        .filter((p) => p.end <= m.start && !ANYONE_WORD.test(ctx.text.slice(p.start, p.end)) && COPULA_BEFORE.test(ctx.text.slice(p.end, m.start)))
        .at(-1);
      if (people) return { placement: STAFF_WORD.test(ctx.text.slice(people.start, people.end)) ? "offender" : "subject", by: people };
    }
    return null;
  };
}

function subjectOf(m: Span, ctx: PartyContext): Bound | null {
  let best: Span | null = null;
  for (const d of ctx.data.startingIn(m.end, m.end + SUBJECT_GAP + 1)) {
    const gap = ctx.text.slice(m.end, d.start);
    if (CLAUSE_BREAK.test(gap) || AGENT_MARK.test(gap)) continue;
    if (ctx.verbs.startingIn(m.end, d.start).some((v) => v.end <= d.start)) continue;
    // A name between that does something (职员陈某手抄储户信息): the mention describes the one acting,
    // not whose data it is; a name owning the data (学生高某的个人信息) keeps it.
    if (ctx.persons.startingIn(m.end, d.start).some((p) => p.end < d.start && ctx.text[p.end] !== "的")) continue;
    if (!best || d.start < best.start) best = d;
  }
  return best ? { placement: "subject", by: best } : null;
}

function nearestCue(m: Span, cues: (sentence: Span) => Cue[], ctx: PartyContext): Bound | null {
  const sentence = ctx.sentenceOf(m.start);
  let best: { cue: Cue; gap: number } | null = null;
  for (const c of cues(sentence)) {
    if (c.end > sentence.end) continue;
    let gap: number;
    if (c.start >= m.end) {
      gap = c.start - m.end <= c.before ? c.start - m.end : -1;
      if (gap > 0 && c.position === "offender" && REPORTED_CLAIM.test(ctx.text.slice(m.end, c.start))) gap = -1;
    }
    // Reaching forward stops at a clause break or a preposition (冒充孙子给老人打电话: the old man is not the one impersonated).
    else if (m.start >= c.end) gap = m.start - c.end <= c.after && !FORWARD_STOP.test(ctx.text.slice(c.end, m.start)) ? m.start - c.end : -1;
    // A cue phrase holding the mention places it (以农村独居老人为目标); one merely overlapping it does not.
    else gap = c.start <= m.start && c.end >= m.end && c.end - c.start > m.end - m.start ? 0 : -1;
    if (gap < 0) continue;
    if (!best || gap < best.gap || (gap === best.gap && c.end - c.start > best.cue.end - best.cue.start)) best = { cue: c, gap };
  }
  return best ? { placement: best.cue.position, by: { start: best.cue.start, end: best.cue.end, ruleId: best.cue.ruleId } } : null;
}

/** A cue inside a longer one does not count (受骗 inside 受骗参与). One sweep over cues sorted by start. */
export function longestCues(cues: Cue[]): Cue[] {
  const sorted = [...cues].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Cue[] = [];
  // The furthest end among earlier cues, and the earliest start among those reaching it: a cue is
  // inside a longer one when an earlier cue ends after it, or ends with it but starts before it.
  let maxEnd = -1;
  let startAtMaxEnd = Infinity;
  for (const c of sorted) {
    const inside = maxEnd > c.end || (maxEnd === c.end && startAtMaxEnd < c.start);
    if (!inside) kept.push(c);
    if (c.end > maxEnd) {
      maxEnd = c.end;
      startAtMaxEnd = c.start;
    } else if (c.end === maxEnd) startAtMaxEnd = Math.min(startAtMaxEnd, c.start);
  }
  return kept;
}
