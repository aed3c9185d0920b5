// The leak chain: who leaked what, from where, whose data, to whom. Pure: mentions (rule matches in
// the normalized text) in, chains and the decisions drawn from them out. The words are rule data
// (roles, access, flow, parties, sources, industries, groups, information types); this module
// binds them.
//
// A chain is read per sentence from the data flows in it: a verb (rules/flow.yaml) bound to its
// data (an information type or a bare data noun within DATA_REACH characters, object after the
// verb or before it). Then:
// - the leaker: an access phrase (rules/access.yaml) in the chain's sentence or the one before
//   it, with a role (rules/roles.yaml) in the same or previous sentence — or the role of a person
//   named there, as another sentence introduced them ("陈某…受雇…", later "陈某等人在为村民激活
//   …时"). A standalone access phrase (the statutory wording, serving a customer) needs no role.
//   The data must be personal (an information type, or a data noun whose people are named: 客户
//   信息, 医生处方用药量信息) and move: passed on, or taken out of the holder (stolen, copied,
//   exported, queried). Also an insider, more weakly: a role passing on typed personal data in the
//   same sentence with no access phrase ("京东员工因窃取、出售用户信息"). A role placed as a
//   victim, an impersonation, a recipient or a data subject is never the leaker; a bribe taken or
//   money embezzled "利用职务上的便利" moves no data and makes no chain at all.
// - the source: the leaker's organisation (the access phrase, the work frame, the organisation
//   named before the role, the role's own industry), else where the data was taken from (从…后台
//   导出, 窃取服务器上的…, X收集/处理…), else what the data itself names (学籍信息, 快递订单, 就诊
//   患者信息), else an institution named earlier in the sentence. Its industries are the source
//   industries; a channel (微信, QQ, an App) counts only when nothing else is named. A generic
//   organisation (公司, 单位, 网点) with no industry of its own refers back to the organisation named
//   in the two sentences before.
// - the recipients: what follows an outflow that names its receiver (卖给…, 提供给…, 发送到…).
// - the subjects: group mentions placed as data subjects or victims, and people nouns owning data.
import type { Volume } from "../types.js";
import { noisyOr } from "./dimensions.js";
import { nameOccurrences } from "../text/names.js";
import { SpanIndex, createPlacer, type Bound, type Cue, type Lookup, type PartyContext, type PartyPosition, type Span } from "./parties.js";

/** An organisation or system phrase; `org` is its organisation part (公司 in 公司总部实时风控系统). */
interface Holder extends ChainMention {
  org: Span | null;
}

export interface ChainMention extends Span {
  ruleId: string;
  kind: string;
  target: string;
  /** The rule's weight (with its context boost). */
  weight: number;
}

export type FlowDirection = "out" | "in" | "hold" | "exchange" | "object";

/** What the chain needs to know of the rule packs. */
export interface ChainRules {
  flowDirection(target: string): FlowDirection | undefined;
  accessStandalone(target: string): boolean;
  /** Industry rules whose words name a channel (微信, QQ, App), not a holder. */
  isChannel(ruleId: string): boolean;
  reach(ruleId: string): { before: number; after: number };
  /** Source rules: how far a phrase runs back from its head term, and what stops it. */
  extend(ruleId: string): { back: number; stop: string } | null;
}

export interface ChainInput {
  /** Normalized text. */
  text: string;
  /**
   * Markers (party cues, names, people words; holder phrases, means, pretexts) looked up where
   * needed; without it they are read from `mentions`.
   */
  markers?: { find(target: string, from: number, to: number): ChainMention[] };
  /** Counts a unit of work against the document's budget (throws when it is spent). */
  tick?: () => void;
  mentions: ChainMention[];
  /** Record counts (normalized offsets). */
  volumes: Volume[];
  rules: ChainRules;
  /**
   * Whether a mention lies in the name of a body handling the case (公安局, 法院, 检察院): such a
   * name is no organisation a generic one (该公司, 公司后台) refers back to.
   */
  handling?: (m: ChainMention) => boolean;
}

export interface SourceDraft {
  span: Span;
  /** "named": only the words that named its industry (学籍, 招聘网站); else an organisation or system phrase. */
  named: boolean;
  /** The phrase is a system (后台, 数据库) rather than an organisation. */
  system: boolean;
  /** Source industries, the holder's first; empty when the source names none in the vocabulary. */
  industries: string[];
  /** The industry mentions that gave them. */
  evidence: ChainMention[];
}

export interface LeakerDraft {
  role: ChainMention | null;
  access: ChainMention | null;
  person: Span | null;
  insider: boolean;
  score: number;
  /**
   * The verb by which the text's own actors took the data from this insider (从某4S店员工处购买):
   * set when the insider is their supplier, not one of them (the statute's halving is for the
   * insider's own act).
   */
  upstream?: ChainMention;
}

export interface LeakDraft {
  /** Sentence span the chain was read from. */
  span: Span;
  source: SourceDraft | null;
  leaker: LeakerDraft | null;
  flow: ChainMention;
  direction: FlowDirection;
  data: ChainMention[];
  /** Whether the data is personal: an information type, or a data word owned by people (客户信息). */
  personal: boolean;
  /** Whether an information type names it (not only a data word with its people). */
  typed: boolean;
  count: Volume | null;
  subjects: { span: Span; group: string | null }[];
  recipients: Span[];
}

export interface ChainReading {
  leaks: LeakDraft[];
  /** Where each group mention stands (data subject, victim, offender…), null when unplaced. */
  groupPlacement: Map<ChainMention, Bound | null>;
}

/** Information-type rules weaker than this are cues, not data (rules/info-types.yaml). */
const MIN_DATA_WEIGHT = 30;
/** A verb reaches its data within this many characters (same sentence). */
export const DATA_REACH = 25;
/** A holding verb (存储, 处理) reaches its object closer: 处理人脸信息, 储存了多达150万条人脸信息. */
const HOLD_REACH = 12;
/** An organisation named this close before a role is the role's organisation (same clause). */
const ORG_BEFORE_ROLE = 10;
/** A person named this close before a role (same clause) holds it: 张某系某银行客户经理. */
const PERSON_ROLE_GAP = 24;
/** Chains read per document, and how many mentions of one name or holder phrases a lookup walks. */
const MAX_CHAINS = 200;
const CUE_POSITIONS: PartyPosition[] = ["offender", "victim", "recipient", "impersonated", "speaker"];
/** Verbs of one chain a source is looked for around. */
const MAX_EVENTS = 20;
const MAX_NAME_MENTIONS = 50;
const MAX_ALIAS_SCAN = 500;
/** Longer than any rule term or data phrase a window has to reach back over. */
const MAX_TERM = 24;
/** A people word this close before a data word owns it (客户的信息, 业主信息). */
const OWNER_GAP = 8;
/** A preposition that makes the person after it a party to the transfer (recipient, beneficiary), not the data's owner. */
const PARTY_BEFORE = /^[为向给替帮]$/;
/** Right before an organisation: the act was done for it (为某培训机构招生), not to its data. 作为/成为/身为… are no such 为. */
const BENEFICIARY = /(?:^|[^作成身认行因称视])[为替帮](?:某|一家|该|其)?$/;
/** Right before an industry word: what is sold to the people (推销校外培训课程, 推广贷款业务), the buyer's trade, not the data's holder. */
const MARKETED = /(?:推销|推广|营销|兜售|宣传|招揽)(?:其|自己的|本公司的?)?$/;
/** Right before an industry word: it is the tool used (利用社交平台公开发布…), not the data's holder. */
const USED_AS_TOOL = /(?:利用|借助|使用|依托|运用)(?:其|自己的|某|一家)?$/;
/** Data this close before an outflow verb is its object without 将/把 (信息泄露, “数据”送给). */
const ADJACENT_OBJECT = 1;
const DISPOSAL = /[将把]/;
/** Right before a role: the staff are directed by the offenders (指使员工, 安排公司业务员). */
/** The same over the people listed first (组织王某等多名客服人员…, 招募张某、李某等业务员). */
const DIRECTED_GROUP = /(?:指使|授意|安排|雇佣|雇用|招募|指派|组织)[^，,。；;]{1,10}?(?:等|等多名|多名|若干|数名|几名|一批)$/;
const DIRECTED = /(?:指使|授意|安排|雇佣|雇用|招募|指派|组织)(?:其|该|本)?(?:公司|单位)?(?:的)?$/;
/** Right before a person: the person is the addressee of the verb that follows (向张某提供, 给李某发送). */
const ADDRESSEE_BEFORE = /(?:向|给|与|跟|替|帮)$/;
/** What stands between a name and the role it introduces (张某系…, 李某在…担任…). */
const INTRODUCES_ROLE = /^(?:等人|等)?(?:事发前|案发前|案发时|此前)?(?:先后|曾经|曾|原|一直|长期)?(?:原系|曾系|系|是|为|作为|身为|担任|曾任|原任|任|在|于|受雇|就职|供职)/;
/**
 * The clauses a filing puts between a name and the role it introduces: sex, age, birth, ethnicity,
 * education, residence (钱某，34岁，系…; 张某，男，1985年3月生，汉族，大专文化，住…，系…).
 */
const BIO_CLAUSE =
  /^[，,]\s*(?:男|女|(?:\d{1,3}|[一二三四五六七八九十]{1,3})周?岁|\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?出?生|[^，,。；;]{1,5}族|[^，,。；;]{1,8}(?:文化|学历|文化程度|毕业)|(?:户籍|户籍地|住|家住|暂住|现住|住址)[^，,。；;]{1,30}|[^，,。；;]{2,8}人|无业|农民)(?=[，,])/;
/** How many such clauses are skipped. */
const MAX_BIO_CLAUSES = 8;
/** 主要工作是…, 主要从事…: what the leaker's organisation does, when its name says nothing of it. */
const BUSINESS = /(?:主要|专门|日常)?(?:工作|业务|职责|经营范围)(?:内容)?(?:是|为|系|包括)|(?:主要|专门)?从事|负责/;
/** After a role: sent to work at an organisation (被派遣至, 派驻到, 外派到). */
const DISPATCHED = /(?:被)?(?:派遣|派驻|外派|借调|委派)(?:至|到|在)/;
/** How far after a role its dispatch is read. */
const DISPATCH_REACH = 12;
/** After a holder a means word governs: its flaw was the means, so it is where the data was taken from. */
const FLAW_AFTER = /^[^，,。；;]{0,24}?(?:漏洞|安全缺陷|缺陷)/;
/** Surnames that are also prepositions (应, 向, 于, 时): 应某公司请求 is no person 应某. */
const PREPOSITION_SURNAME = /^[应向于时]$/;
const ORG_OR_DATE_AFTER = /^(?:[^，,。；;、]{0,6}?(?:公司|单位|机构|平台|银行|医院|学校|中心|集团|商行|门店|网点)|[日年月天])/;
/** Between a staffing agency and the role it hired (劳务公司招用的临时工作人员). */
const HIRED_VIA_AFTER = /^(?:招用|招聘|聘用|聘请|雇用|雇佣|派遣|录用|招募|外派)的?/;
/** Right before the agency: the unit that used it (某中心通过劳务公司…). */
const HIRED_VIA_BEFORE = /(?:通过|经由|经|由|委托)$/;
/** The organisation a contract places its staff in, right after the role (，受托在X从事…工作). */
const SERVED_AFTER = /^[，,]?(?:受托|受委托|受聘|被安排)(?:在|到|为)([^，,。；;在到为]{2,20}?)(?:从事|提供|负责|承担|进行)/;
/** The organisation a contractor works for, named before the role in its sentence (为X提供…服务的外包公司员工, 受X委托). */
const SERVED = /为([^，,。；;为]{2,24}?)(?:提供|承担|负责|承接|代为)[^，,。；;]{0,16}?(?:服务|业务|工作)的?(?:外包|劳务|第三方)?|受([^，,。；;受]{2,24}?)(?:委托|委派)/;
/** A transfer to someone before a business clause: the clause describes the recipient (卖给从事…的人). */
/** 应…请求, 按照…要求, 受…委托: the role between is the one asking (REQUEST_AFTER closes it). */
const REQUESTED_BY = /(?:应|按照?|根据|受)[^，,。；;应按受]{0,14}$/;
const REQUEST_AFTER = /^[^，,。；;]{0,6}?(?:的)?(?:请求|要求|委托|授意|指使)/;
/** A call or a message to someone before the role, in its clause (打电话给…, 致电…, 发短信给…). */
const ADDRESSEE_ROLE = /(?:打电话给|致电|发短信给|发信息给|写信给|联系上)[^，,。；;]{0,16}$/;
/** 以“…”为主营业务: the words between name a business. */
const BUSINESS_NAMED = /以[“"]?[^，,。；;以]{0,12}$/;
const BUSINESS_NAME_END = /^[^，,。；;]{0,10}?[”"]?为(?:主营业务|主要业务|业务|主业|名义)/;
/** Between a means word and an organisation: someone met through it, not the organisation used. */
const MEANS_MET = /介绍|结识|认识|联系上|找到|搭上/;
/** How far back from a role an outflow verb to someone makes it the receiver (within its clause). */
const RECEIVER_REACH = 30;
const TO_SOMEONE = /(?:卖给|售给|出售给|提供给|交给|发给|发送给|转卖给|卖与|提供予)[^，,。；;]*$/;
/** An organisation or system this close before a verb taking or holding data is where it came from. */
const HOLDER_BEFORE_VERB = 12;
/** 通过“企查查”等平台APP: a means word this close before a holder phrase makes it a means. */
const MEANS_GAP = 8;
/** Industry mentions of institution-level rules weigh at least this (a role-free holder). */
const INSTITUTION_WEIGHT = 55;
/** How far back a generic organisation looks for the one it refers to, in sentences. */
const REFER_BACK = 2;
/** An institution followed by an act on the case (经公安机关侦查, 被派出所查获): the body handling it, no holder. */
const ACTING_ON_CASE =
  /^(?:[^，,。；;]{0,3}?(?:侦查|侦破|抓获|立案|查获|破获|调查|查明|查处|介入|接报|接到报案|刑事拘留|带走|依法|提起|审查|审理)|将[^，,。；;]{0,24}?(?:案件|线索)[^，,。；;]{0,4}?(?:移送|移交|通报))/;
/**
 * An institution that tells of the case (公安机关通报一批…, 某检察院发布…): the narrator, no holder
 * to fall back on when the sentence names none.
 */
const NARRATES = /^(?:[^，,。；;]{0,3}?(?:通报|发布|公布|披露|介绍|提醒|指出|表示|打掉|捣毁|通告))/;
/** Right before a taking verb: taken against the rules (违规获取), so the one named before it took the data. */
const UNLAWFULLY = /(?:违规|违法|私自|擅自|非法)$/;
/** The rule of pictures and recordings (rules/flow.yaml): personal data when people are named near. */
const IMAGE_RULE = "flow.data.image";
/** Weight a bound data movement adds to the insider score. */
const MOVEMENT_WEIGHT = 30;
const RECIPIENT_VERB = /(?:给|到|至|由)$/;
// A closing quote ends the receiver too: a quoted statute (…提供给他人"，) holds the verb, not a party.
const RECIPIENT_END = /[，,。；;：:！？!?\n（(“”"「」『』]|用于|以每|以便|从中|牟利|获利/;
// An ASCII comma inside a number (30,000) is no break.
const CLAUSE_BREAK = /[，。；;：:！？!?\n]|,(?!\d)/;
const LEADING_FILLER = /[的之]/;
const NOT_AN_ORG_AFTER = /[卡账]/;
const ORG_SUFFIX = /(?:有限责任公司|股份有限公司|有限公司|公司|集团|企业|服务器|系统|后台|数据库|平台)+$/;
const ORG_PREFIX = /^(?:[该本其此某一两二三几多各个家所原]|其他|部分|相关)+/;
const GENERIC_ORG = /^(?:[该本其此某一两二三几多各个家所原]|其他|部分|相关)*(?:公司|单位|网点|企业|部门|门店|机构|中心|集团|有限公司|院)$/;

export function readLeakChains(input: ChainInput): ChainReading {
  const { text, rules } = input;
  const sentences = sentenceList(text);
  const sentenceIndex = (at: number): number => {
    let lo = 0;
    let hi = sentences.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sentences[mid]!.start <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const sameClause = (a: Span, b: Span): boolean => {
    const from = Math.min(a.end, b.end);
    const to = Math.max(a.start, b.start);
    return to <= from || !CLAUSE_BREAK.test(text.slice(from, to));
  };
  const byKind = groupBy(input.mentions, (m) => m.kind);
  const by = (kind: string, target?: string): ChainMention[] =>
    (byKind.get(kind) ?? []).filter((m) => target === undefined || m.target === target);

  const roles = by("role");
  const access = by("access").filter((m) => m.target !== "gain");
  const accessIndex = new SpanIndex(access);
  const gains = by("access", "gain");
  const flows = by("flow").filter((m) => rules.flowDirection(m.target) !== "object");
  // Weak information-type cues (a GPS device, 存款, 聊天记录) are not data a chain moves.
  const typed = by("info-type").filter((m) => m.weight >= MIN_DATA_WEIGHT);
  const nouns = by("flow", "data");
  const data = [...typed, ...nouns].sort((a, b) => a.start - b.start);
  const dataIndex = new SpanIndex(data);
  const flowIndex = new SpanIndex(flows);
  const markers = input.markers;
  const lookup = (target: string, kind = "party"): Lookup<ChainMention> =>
    markers ? { startingIn: (from, to) => markers.find(target, from, to) } : new SpanIndex(by(kind, target));
  // 应某商务咨询公司…请求, 向某公司出售, 于某日: a surname that is also a preposition, before 某 and
  // an organisation or a date, is no person.
  const maskedPersons = lookup("person");
  const personIndex: Lookup<ChainMention> = {
    startingIn: (from, to) =>
      maskedPersons
        .startingIn(from, to)
        .filter((p) => !(PREPOSITION_SURNAME.test(text[p.start] ?? "") && ORG_OR_DATE_AFTER.test(text.slice(p.end, p.end + 10)))),
  };
  const peopleIndex = lookup("subject");
  const cueLookups = CUE_POSITIONS.map((position) => ({ position, lookup: lookup(position) }));
  const cuesIn = (from: number, to: number): Cue[] =>
    cueLookups.flatMap(({ position, lookup: l }) =>
      l.startingIn(from, to).map((m) => ({ start: m.start, end: m.end, ruleId: m.ruleId, position, ...rules.reach(m.ruleId) })),
    );
  const groups = by("group");
  const groupIndex = new SpanIndex(groups);
  const ctx: PartyContext = {
    text,
    cuesIn,
    data: dataIndex,
    persons: personIndex,
    people: peopleIndex,
    verbs: flowIndex,
    sentenceOf: (at) => sentences[sentenceIndex(at)]!,
  };
  // Built on first use: many texts have no group word and no chain.
  let placer: ((m: Span) => Bound | null) | null = null;
  const place = (m: Span): Bound | null => (placer ??= createPlacer(ctx))(m);
  const groupPlacement = new Map<ChainMention, Bound | null>();
  for (const g of groups) groupPlacement.set(g, place(g));
  // Most texts name no data and no access: only their groups need placing.
  if (data.length === 0 && access.length === 0) return { leaks: [], groupPlacement };

  // ── events: each flow verb bound to its data ──
  interface Event {
    flow: ChainMention;
    direction: FlowDirection;
    /** The data the verb reaches: the nearest first, then the rest of its object phrase. */
    data: ChainMention | null;
    all: ChainMention[];
    sentence: number;
  }
  const events: Event[] = [];
  // Outflows naming no data (二人合谋出售，由杨某丰…打包交给杨某): the data may be the one an access
  // phrase named in the sentence before.
  const dataless: Event[] = [];
  for (const f of flows) {
    input.tick?.();
    const direction = rules.flowDirection(f.target)!;
    const s = sentenceIndex(f.start);
    const sent = sentences[s]!;
    let best: { d: ChainMention; gap: number } | null = null;
    const all: ChainMention[] = [];
    for (const d of dataIndex.startingIn(Math.max(sent.start, f.start - DATA_REACH - MAX_TERM), Math.min(sent.end, f.end + DATA_REACH + 1))) {
      if (d.end > sent.end || !sameClause(d, f)) continue;
      // Taking and holding verbs reach their object after them (信息处理 is a noun, not an act);
      // passing data on may name it first (将…信息出售给, 信息遭泄露).
      // Data before the verb is its object only right next to it (信息泄露, 数据送给) or moved by 将/把
      // (将获取的手机号码发送到微信群); otherwise it is the means (用…手机号码给其发送了…账号).
      // Taking verbs too, with 将/把 (将公司系统内的业主姓名、电话导出).
      const disposed = f.start >= d.end && DISPOSAL.test(text.slice(clauseOf(text, d.start, sent).start, d.start));
      const before =
        f.start >= d.end &&
        (((direction === "out" || direction === "exchange") && f.start - d.end <= ADJACENT_OBJECT) || (direction !== "hold" && disposed));
      const gap = d.start >= f.end ? d.start - f.end : before ? f.start - d.end + 0.5 : -1;
      if (gap < 0 || gap > (direction === "hold" ? HOLD_REACH : DATA_REACH)) continue;
      all.push(d);
      // A typed information type outranks the bare noun inside or next to it.
      const score = gap - (d.kind === "info-type" ? 3 : 0);
      if (!best || score < best.gap) best = { d, gap: score };
    }
    // Renting out staff accounts moves access itself: the accounts are the data.
    const bound = best?.d ?? (f.target === "rent" ? f : null);
    if (bound) events.push({ flow: f, direction, data: bound, all: bound === f ? [] : all, sentence: s });
    else if (direction === "out") dataless.push({ flow: f, direction, data: null, all: [], sentence: s });
  }
  // An outflow in a later clause of the same sentence moves the data named before it
  // (查询客户征信报告2000余份，并出售给贷款中介).
  const datalessIn = groupBy(dataless, (e) => e.sentence);
  const boundIn = groupBy(events, (e) => e.sentence);
  for (const e of dataless) {
    // 将/把 moves its object over commas to the verb that disposes of it (将业主的姓名、电话整理成
    // 表格，以每条0.5元的价格出售给…): the data of an earlier clause, with no other verb between.
    // It is the object even when another verb took other data earlier in the sentence (利用可以查看
    // 贷款申请资料的权限，将申请人的姓名…整理成表格，卖给…).
    const moved =
      disposedObject(text, sentences[e.sentence]!, e.flow, dataIndex, flowIndex) ??
      pricedObject(text, sentences[e.sentence]!, e.flow, dataIndex, flowIndex);
    if (moved) {
      // The whole object phrase: 将…空巢老人的姓名、住址…等信息 lists whose data the summary noun is.
      const phraseStart = clauseOf(text, moved.start, sentences[e.sentence]!).start;
      const all = dataIndex.startingIn(phraseStart, moved.end).filter((d) => d.end <= moved.end);
      events.push({ ...e, data: moved, all: all.length > 0 ? all : [moved] });
      continue;
    }
    const earlier = (boundIn.get(e.sentence) ?? []).filter((x) => x.flow.start < e.flow.start && x.flow.target !== "rent");
    const from = earlier[earlier.length - 1];
    if (from) events.push({ ...e, data: from.data, all: from.all });
  }
  events.sort((a, b) => a.flow.start - b.flow.start);

  // A holder phrase starts after any verb or means word caught inside it (…方式非法获取本市多所中学 →
  // 本市多所中学; 利用爬虫软件 → 爬虫软件, a means).
  const instrumentIndex = lookup("instrument", "source");
  // Built on first use: most texts read no chain that needs a source.
  let holders: Holder[] | null = null;
  const industryMentions = by("industry");
  const orgsOf = (): Holder[] =>
    (holders ??= mergeAdjacent(
    [...lookup("organisation", "source").startingIn(0, text.length), ...lookup("system", "source").startingIn(0, text.length)]
      .map((o) => extendBack(text, o, rules.extend(o.ruleId)))
      .map((o) => {
        // …and after a party cue (警方顺藤摸瓜锁定公司 → 公司: the police named no company).
        // A verb inside the name of an institution (登记 of 不动产登记中心) is part of the name.
        const named = industryMentions.filter((i) => i.start < o.end && i.end > o.start);
        const inside = [...flowIndex.startingIn(o.start, o.end), ...instrumentIndex.startingIn(o.start, o.end), ...cuesIn(o.start, o.end)].filter(
          (f) => f.end < o.end && !named.some((i) => i.start <= f.start && i.end >= f.end && i.end > f.end),
        );
        let from = inside.length > 0 ? Math.max(...inside.map((f) => f.end)) : o.start;
        while (from < o.end && LEADING_FILLER.test(text[from]!)) from++;
        return { ...o, start: from };
      })
      // 银行卡, 银行账户: an instrument, not an institution.
      .filter((o) => o.end > o.start && !NOT_AN_ORG_AFTER.test(text[o.end] ?? "")),
  ));
  // A holder phrase right after 通过/利用 is a means (通过某平台APP获取): it names no source by its channel words.
  const isMeans = (o: Span): boolean =>
    instrumentIndex
      .startingIn(o.start - MEANS_GAP - MAX_TERM, o.start)
      .some(
        (i) =>
          i.end <= o.start &&
          o.start - i.end <= MEANS_GAP &&
          sameClause(i, o) &&
          flowIndex.startingIn(i.end, o.start).every((f) => f.end > o.start) &&
          // 通过他人介绍结识某物业服务有限公司客服主管: the means was the introduction, the company is met.
          !MEANS_MET.test(text.slice(i.end, o.end)) &&
          // 利用某网络科技公司运营的小程序的接口漏洞: the flaw is the means; the company holds the data.
          !FLAW_AFTER.test(text.slice(o.end, o.end + 30)),
      );
  const pretextIndex = lookup("pretext", "source");
  // Whoever is impersonated (冒充某银行工作人员, 自称某平台客服) holds nothing the chain moved.
  const impersonated = (m: Span): boolean =>
    cuesIn(m.start - MAX_TERM * 2, m.start).some(
      (c) => c.position === "impersonated" && m.start >= c.end && m.start - c.end <= c.after && sameClause(c, m),
    );


  const rolePlacement = new Map<ChainMention, Bound | null>();
  // A role placed as a victim, an impersonation, a recipient, a data subject or a speaker is not the leaker.
  const usableRole = (r: ChainMention): boolean => {
    // Staff the offenders direct (指使员工将…上传, 雇佣业务员…) carry out their employer's own
    // scheme: the employer is the offender, its staff leak nothing of a holder's.
    if (DIRECTED.test(text.slice(Math.max(0, r.start - 6), r.start)) || DIRECTED_GROUP.test(text.slice(Math.max(0, r.start - 20), r.start))) return false;
    // The one the data went to (卖给当地多家婚纱摄影店和婚宴酒店的业务员), however far the clause runs
    // past the verb: no leaker.
    if (TO_SOMEONE.test(text.slice(Math.max(0, r.start - RECEIVER_REACH), r.start))) return false;
    // The one who asked for it (应某商务咨询公司负责人吕某请求, 按客户经理的要求): the requester.
    if (REQUESTED_BY.test(text.slice(Math.max(0, r.start - 16), r.start)) && REQUEST_AFTER.test(text.slice(r.end, r.end + 8))) return false;
    // Someone was called or written to (打电话给某社区卫生服务站前台人员，谎称…): the addressee.
    if (ADDRESSEE_ROLE.test(text.slice(Math.max(0, r.start - RECEIVER_REACH), r.start))) return false;
    // A role word inside the business a firm names as its own (以“员工背景调查”为主营业务): no person.
    if (BUSINESS_NAMED.test(text.slice(Math.max(0, r.start - 14), r.start)) && BUSINESS_NAME_END.test(text.slice(r.end, r.end + 14))) return false;
    if (!rolePlacement.has(r)) rolePlacement.set(r, place(r));
    const p = rolePlacement.get(r)?.placement;
    return p === undefined || p === "offender";
  };

  const owned = (d: ChainMention) => (p: Span): boolean => p.end <= d.start && d.start - p.end <= OWNER_GAP && sameClause(p, d);
  // Pictures and recordings are of people when the text names people there or a sentence before
  // (画面包括孩子在班级里上课…; …擅自将本班教学活动视频…直播).
  const peopleNear = (at: number): boolean => {
    const s = sentenceIndex(at);
    const from = sentences[Math.max(0, s - 1)]!.start;
    const to = sentences[s]!.end;
    return peopleIndex.startingIn(from, to).length > 0 || groupIndex.startingIn(from, to).length > 0;
  };
  const personal = (d: ChainMention): boolean =>
    d.kind === "info-type" ||
    peopleIndex.startingIn(d.start - OWNER_GAP - MAX_TERM, d.start).some(owned(d)) ||
    groupIndex.startingIn(d.start - OWNER_GAP - MAX_TERM, d.start).some(owned(d)) ||
    (d.ruleId === IMAGE_RULE && peopleNear(d.start));

  // Most texts move no data and name no access: only their groups need placing.
  if (events.length === 0 && access.length === 0) return { leaks: [], groupPlacement };

  // ── chains: one per sentence with a bound data flow ──
  const bySentence = groupBy(events, (e) => e.sentence);

  interface Chain {
    sentence: number;
    events: Event[];
    leaker: LeakerDraft | null;
    rank: number;
  }
  // A filing tells a handful of leaks; a term-dense text past MAX_CHAINS sentences of them is read no further.
  const chains: Chain[] = [...bySentence.entries()]
    .sort((a, b) => a[0] - b[0])
    .slice(0, MAX_CHAINS)
    .map(([sentence, list]) => ({ sentence, events: list, leaker: null, rank: 0 }));
  const chainOf = new Map(chains.map((c) => [c.sentence, c]));
  const chainAt = (s: number): Chain | undefined => chainOf.get(s);

  // A person's role, as any sentence introduces them: 张某系…客户经理, 陈某等人受雇…, 营业员张某.


  const roleIndex = new SpanIndex(roles);
  const roleOfPerson = (name: string): ChainMention | null => {
    const mentions: Span[] = nameOccurrences(text, name, MAX_NAME_MENTIONS).map((at) => ({ start: at, end: at + name.length }));
    for (const p of mentions) {
      // Past the sex, age and birth clauses the name is followed by (钱某，34岁，系…工作人员).
      const after = p.end + bioLength(text, p.end);
      const from = after > p.end ? { start: after, end: after + 1 } : p;
      const r = roleIndex.startingIn(p.start - MAX_TERM, after + PERSON_ROLE_GAP + 1).find((r) => {
        if (!usableRole(r)) return false;
        if (r.end <= p.start) return p.start - r.end <= 1;
        if (r.start < after || r.start - after > PERSON_ROLE_GAP || !sameClause(from, r)) return false;
        const between = text.slice(after, r.start).replace(/^[，,]\s*/, "");
        return r.start === p.end || (INTRODUCES_ROLE.test(between) && !between.includes("被"));
      });
      if (r) return r;
    }
    return null;
  };
  // A person the act is addressed to (向张某提供) or done at the request of (应吕某请求) is not its actor.
  const mayAct = (p: Span): boolean =>
    !ADDRESSEE_BEFORE.test(text.slice(Math.max(0, p.start - 2), p.start)) &&
    !(REQUESTED_BY.test(text.slice(Math.max(0, p.start - 16), p.start)) && REQUEST_AFTER.test(text.slice(p.end, p.end + 8)));
  const personsIn = (s: number, before?: number): Span[] => {
    const sent = sentences[s];
    if (!sent) return [];
    return personIndex.startingIn(sent.start, before === undefined ? sent.end : Math.min(sent.end, before));
  };

  // Personal data in a sentence: an information type there (the bare 数据 an insider copies is
  // the 车主身份证号码… listed before it).
  const typedBySentence = groupBy(typed, (d) => sentenceIndex(d.start));

  const typedIn = (s: number): boolean => typedBySentence.has(s);
  // The sentence before, past the bare line breaks the sentence list also cuts.
  const sentenceBefore = (s: number): number => {
    let i = s - 1;
    while (i > 0 && text.slice(sentences[i]!.start, sentences[i]!.end).trim() === "") i--;
    return i;
  };
  const moving = (e: Event, accessSentence: number): boolean =>
    e.data !== null &&
    (e.flow.target === "rent" || e.all.some(personal) || typedIn(e.sentence) || typedIn(accessSentence)) &&
    (e.direction === "out" || e.direction === "exchange" || (e.direction === "in" && e.flow.target !== "buy"));

  const nearestTyped = (s: number, at: number): ChainMention | null =>
    [...(typedBySentence.get(s) ?? [])].sort((x, y) => Math.abs(x.start - at) - Math.abs(y.start - at))[0] ?? null;
  const gainSentences = new Set(gains.map((g) => sentenceIndex(g.start)));
  // Insider through an access phrase.
  for (const a of access) {
    const s = sentenceIndex(a.start);
    // Money for the position in the same sentence (a bribe, embezzlement): the verb must reach
    // typed personal data itself.
    input.tick?.();
    const forMoney = gainSentences.has(s);
    for (const t of [s, s + 1]) {
      let chain = chainAt(t);
      const carried = nearestTyped(s, a.end);
      const unbound = datalessIn.get(t);
      if (!chain && carried && unbound && chains.length < MAX_CHAINS) {
        chain = {
          sentence: t,
          events: unbound.map((e) => ({ ...e, data: carried, all: [carried] })),
          leaker: null,
          rank: 0,
        };
        chains.push(chain);
        chainOf.set(t, chain);
        chains.sort((x, y) => x.sentence - y.sentence);
      }
      if (!chain) continue;
      const movement = chain.events.filter((e) => (forMoney ? e.all.some((d) => d.kind === "info-type") && moving(e, s) : moving(e, s)));
      if (movement.length === 0) continue;
      // The role nearest the access phrase: in its sentence (closest first), then the chain's, then the one before.
      const near = (i: number): ChainMention[] => {
        const sent = sentences[i];
        if (!sent) return [];
        return roleIndex
          .startingIn(sent.start, sent.end)
          .filter(usableRole)
          .sort((x, y) => Math.abs(x.start - a.start) - Math.abs(y.start - a.start));
      };
      let role: ChainMention | null = [...near(s), ...near(t), ...near(s - 1)][0] ?? null;
      let person: Span | null = personsIn(t, movement[0]!.flow.start).filter(mayAct).at(-1) ?? personsIn(s, a.start).filter(mayAct).at(-1) ?? null;
      if (!role) {
        for (const p of [...personsIn(s), ...personsIn(t)]) {
          role = roleOfPerson(text.slice(p.start, p.end));
          if (role) {
            person = p;
            break;
          }
        }
      }
      const insider = role !== null || rules.accessStandalone(a.target);
      if (!insider) continue;
      const score = noisyOr([a.weight, role?.weight ?? 0, MOVEMENT_WEIGHT]);
      if (!chain.leaker || chain.leaker.score < score) {
        chain.leaker = { role, access: a, person, insider: true, score };
        chain.rank = 3;
      }
      break;
    }
  }
  // Insider by role alone: a role passing on personal data in the same sentence — unless the data
  // was bought there or before (a trader who happens to hold a job title), or the sentence is about
  // money for the position.
  const firstBuy = Math.min(...events.filter((e) => e.flow.target === "buy").map((e) => e.sentence));
  const bought = (s: number): boolean => firstBuy <= s;
  for (const chain of chains) {
    if (chain.leaker || bought(chain.sentence) || gainSentences.has(chain.sentence)) continue;
    // A bare data noun passed on (将资料发给…) is the personal data the sentence before took out
    // (查询到…新生儿信息…并下载).
    const out = chain.events.find(
      (e) => e.direction === "out" && (e.all.some(personal) || (e.all.length > 0 && e.all.every((d) => d.kind !== "info-type") && typedIn(sentenceBefore(chain.sentence)))),
    );
    if (!out) continue;
    const sentence = sentences[chain.sentence]!;
    // The leaker stands before the verb; a role after it receives (…吸引银行信贷员注册充值) —
    // unless the verb is passive (信息遭泄露，是因为有关工作人员…): then the agent follows it.
    const passive = /^[遭被]/.test(text.slice(out.flow.start, out.flow.end)) || /[遭被]$/.test(text.slice(Math.max(0, out.flow.start - 1), out.flow.start));
    let role = roleIndex.startingIn(sentence.start, passive ? sentence.end : out.flow.start).find(usableRole) ?? null;
    // The persons before the verb who may act (韩某向张某提供…: 韩某, not 张某), the nearest first.
    const candidates = personsIn(chain.sentence, out.flow.start).filter(mayAct).reverse();
    let person = candidates[0] ?? null;
    // 被告人李某系某医院护士。…李某将产妇信息出售给他人: the role a sentence before gave the person
    // (张某帮助一个叫林某的男子…，并提供了…: 林某 has none, 张某 has).
    if (!role) {
      for (const p of candidates) {
        role = roleOfPerson(text.slice(p.start, p.end));
        if (role) {
          person = p;
          break;
        }
      }
    }
    // 某银行投资经理阿林(化名)…。…他卖出客户个人信息500多条: 他/她 before the verb, no name, is the
    // one the sentence before introduced with a role.
    if (!role && candidates.length === 0) role = pronounRole(text, sentences, chain.sentence, out.flow.start, roleIndex, usableRole);
    if (!role) {
      // No role word, but the person was given the access before (车某承包片区的派件业务，可登录网点系统…。
      // …车某将派件清单中收件人…出售): that access makes the insider.
      const given = candidates.length > 0 ? accessOfPerson(text, candidates[0]!, accessIndex, rules.accessStandalone) : null;
      if (given) chain.leaker = { role: null, access: given, person: candidates[0]!, insider: true, score: noisyOr([given.weight, MOVEMENT_WEIGHT]) };
      continue;
    }
    person ??= null;
    chain.leaker = { role, access: null, person, insider: true, score: noisyOr([role.weight, MOVEMENT_WEIGHT]) };
    chain.rank = 2;
  }
  // Insider as the supplier (从某银行员工李某处购买): its own function, kept out of this one's body —
  // inside it, the extra loop made V8's optimizing compiles of this large function cost ~15 MB more
  // peak RSS on a 20k-document scan (measured: 199-206 MB without, 210-234 MB with).
  readUpstreamInsiders({ text, sentences, chains, events, personal, typedIn, sentenceBefore, personIndex, roleIndex, usableRole, roleOfPerson });

  // ── sources ──
  // Built when a chain first looks for its source.
  let industryIndexBuilt: SpanIndex<ChainMention> | null = null;
  const industryIndex: Lookup<ChainMention> = {
    startingIn: (from, to) =>
      (industryIndexBuilt ??= new SpanIndex(by("industry").filter((m) => !impersonated(m)))).startingIn(from, to),
  };
  const industriesIn = (span: Span): ChainMention[] => industryIndex.startingIn(span.start, span.end).filter((i) => i.end <= span.end);
  let holderIndex: SpanIndex<Holder> | null = null;
  const holdersNear = (from: number, to: number): Holder[] => (holderIndex ??= new SpanIndex(orgsOf())).startingIn(from, to);
  const orgsIn = (span: Span): Holder[] => holdersNear(span.start, span.end).filter((o) => o.end <= span.end);
  const holdersIn = (found: ChainMention[]): ChainMention[] => found.filter((i) => !rules.isChannel(i.ruleId));
  const floorOf = (at: number): number => sentences[Math.max(0, sentenceIndex(at) - REFER_BACK)]!.start;
  // 该公司, 一家公司: the organisation named in the sentences before.
  // The police or the court named before (被杭州市公安局西湖分局刑事拘留) is not the company a later
  // 公司后台 means.
  const handlingName = input.handling ?? ((): boolean => false);
  const handling = (m: ChainMention): boolean => handlingName(m) || ACTING_ON_CASE.test(text.slice(m.end, m.end + 32));
  const referBack = (from: Span): ChainMention[] => {
    const floor = floorOf(from.start);
    const earlier = holdersNear(floor, from.start)
      .filter((o) => o.end <= from.start)
      .sort((a, b) => b.start - a.start);
    // 该院 is the last 院 named (某区妇幼保健院…辖区幼儿园…该院: the hospital), 该公司 the last 公司:
    // a holder with the same last character first, then any.
    const head = text[from.end - 1];
    const sameHead = earlier.filter((o) => text[o.end - 1] === head && !GENERIC_ORG.test(text.slice(o.start, o.end)));
    for (const o of [...sameHead, ...earlier]) {
      const inside = industriesIn(o);
      if (inside.some(handling)) continue;
      const found = holdersIn(inside);
      if (found.length > 0) return found;
    }
    return industryIndex
      .startingIn(floor, from.start)
      .filter((i) => i.end <= from.start && i.weight >= INSTITUTION_WEIGHT && !rules.isChannel(i.ruleId) && !handling(i))
      .sort((a, b) => b.start - a.start)
      .slice(0, 1);
  };
  // 号百公司 …, elsewhere 号百公司全称中国电信集团号百信息服务有限公司: the same name with its industry.
  const alias = (o: Span): ChainMention[] => {
    const core = text.slice(o.start, o.end).replace(ORG_SUFFIX, "").replace(ORG_PREFIX, "");
    if (core.length < 2) return [];
    for (const other of orgsOf().slice(0, MAX_ALIAS_SCAN)) {
      if (other === o || (other.start < o.end && o.start < other.end)) continue;
      if (!text.slice(other.start, other.end).includes(core)) continue;
      const found = holdersIn(industriesIn(other));
      if (found.length > 0) return found;
    }
    return [];
  };

  // 某公司员工，…，主要工作是协助客户申请贷款: the industry words of the clause that says what the work is.
  const businessOf = (r: Span): ChainMention[] => {
    const sent = sentences[sentenceIndex(r.start)]!;
    const rest = text.slice(r.end, sent.end);
    const m = BUSINESS.exec(rest);
    if (!m) return [];
    // …出售给从事车险业务的保险代理人: the business of the one the data went to, not of the workplace.
    if (TO_SOMEONE.test(rest.slice(0, m.index))) return [];
    const from = r.end + m.index + m[0].length;
    const clause = clauseOf(text, from, sent);
    return holdersIn(industriesIn({ start: from, end: clause.end }));
  };

  // 被派遣至某银行信用卡中心, 派驻到…: the organisation right after a dispatch verb following the role.
  const dispatchedTo = (r: Span): Holder | null => {
    const sent = sentences[sentenceIndex(r.start)]!;
    const m = DISPATCHED.exec(text.slice(r.end, Math.min(sent.end, r.end + DISPATCH_REACH)));
    if (!m) return null;
    const from = r.end + m.index + m[0].length;
    // The holder phrase may have run back over the verb (派遣至某银行…): any phrase reaching past it.
    return holdersNear(r.end, from + 3).filter((o) => o.end > from)[0] ?? null;
  };

  // 某中心通过劳务公司招用的临时工作人员, 由某人力资源公司派遣的…: the organisation named right
  // before 通过/经/由 the agency, when a hiring verb follows the agency.
  const hiringUnit = (agency: Holder, r: Span): Holder | null => {
    if (!HIRED_VIA_AFTER.test(text.slice(agency.end, r.start))) return null;
    const via = HIRED_VIA_BEFORE.exec(text.slice(Math.max(0, agency.start - 3), agency.start));
    if (!via) return null;
    const at = agency.start - via[0].length;
    return (
      holdersNear(at - MAX_TERM * 2, at)
        .filter((o) => o.end <= at && at - o.end <= 1 && sameClause(o, r))
        .sort((a, b) => b.end - a.end)[0] ?? null
    );
  };

  // 为某市车辆管理所提供窗口辅助服务的外包公司员工: the organisation served holds the data the
  // contractor's staff handle.
  const servedBy = (r: Span): ChainMention[] => {
    const sent = sentences[sentenceIndex(r.start)]!;
    // In the sentence before the role (某商务咨询公司受某银行信用卡中心委托开展催收，官某为该公司催收员).
    const m = SERVED.exec(text.slice(sent.start, r.start));
    if (m) {
      const org = m[1] ?? m[2]!;
      const from = sent.start + m.index + m[0].indexOf(org);
      return holdersIn(industriesIn({ start: from, end: from + org.length }));
    }
    // 某档案服务公司员工，受托在县不动产登记中心从事…扫描工作: where the contract put them, right after.
    const after = SERVED_AFTER.exec(text.slice(r.end, Math.min(sent.end, r.end + 40)));
    if (!after) return [];
    const from = r.end + after.index + after[0].indexOf(after[1]!);
    return holdersIn(industriesIn({ start: from, end: from + after[1]!.length }));
  };

  interface Candidate {
    span: Span;
    found: ChainMention[];
    org: Holder | null;
    strength: number;
  }
  const sourceOf = (chain: Chain): { draft: SourceDraft; strength: number } | null => {
    const sent = sentences[chain.sentence]!;
    const candidates: Candidate[] = [];
    // A means (利用爬虫软件下载, 通过某平台APP获取) is not the holder; its holder words (爬虫: the data
    // was on the internet) follow the holder's industries.
    const means: ChainMention[] = [];
    const add = (span: Span, org: Holder | null, strength: number, found = industriesIn(span), workplace = false): void => {
      if (org && !workplace && isMeans(org)) means.push(...holdersIn(found));
      else candidates.push({ span, found, org, strength });
    };
    const leaker = chain.leaker;
    // The organisation inside the access phrase is where the leaker works, though 利用 opens the
    // phrase (利用其担任某通信公司讲师的便利): it is no means.
    // Without one, its trade words name the task or the data (负责辖区流动人口和出租房屋信息登记): they
    // come after the organisation the role belongs to.
    const accessOrg = leaker?.access ? (orgsIn(leaker.access)[0] ?? null) : null;
    if (leaker?.access && accessOrg) add(leaker.access, accessOrg, 4, undefined, true);
    // The organisation a role belongs to: named before it (某银行客户经理), or the trade the role
    // word itself carries (信贷员).
    const roleOrgs = (r: ChainMention): void => {
      const before = holdersNear(r.start - ORG_BEFORE_ROLE - MAX_TERM * 2, r.start)
        .filter((o) => o.end <= r.start && r.start - o.end <= ORG_BEFORE_ROLE && sameClause(o, r))
        .sort((a, b) => b.end - a.end)[0];
      // 某社保中心通过劳务公司招用的临时工作人员: the agency only hired; the unit using the staff holds the data.
      const user = before ? hiringUnit(before, r) : null;
      if (user) add(user, user, 4);
      if (before) {
        // A name that says nothing of the trade (某信息咨询服务公司): what the sentence says it does.
        const business = industriesIn(before).length === 0 ? businessOf(r) : [];
        if (business.length > 0) add(before, before, 4, business);
        else add(before, before, 4);
      }
      const own = industryIndex
        .startingIn(r.start - MAX_TERM, r.end)
        .filter((i) => (i.start < r.end && r.start < i.end) || (i.end <= r.start && r.start - i.end <= 2));
      if (own.length > 0) add(r, null, 4, own);
    };
    if (leaker?.role) {
      const r = leaker.role;
      // 劳务派遣公司员工，被派遣至某银行信用卡中心: the workplace the role was sent to holds the data.
      const sentTo = dispatchedTo(r);
      if (sentTo) add(sentTo, sentTo, 5);
      const served = servedBy(r);
      if (served.length > 0) add(r, null, 5, served);
      if (r.ruleId.endsWith("work-frame")) {
        const o = orgsIn(r)[0] ?? null;
        add(o ?? r, o, 4);
      }
      roleOrgs(r);
      // The same kind of role named a sentence or two before with its organisation (某旅行社一名计调人员
      // … 计调员祝某将…卖给): the organisation the text already tied that role to, nearest first.
      for (const e of roleIndex.startingIn(floorOf(r.start), r.start).filter((o) => o.end <= r.start && o.target === r.target && sentenceIndex(o.start) < sentenceIndex(r.start)).reverse()) {
        roleOrgs(e);
      }
    }
    // The role the text introduced the leaker with (施某系某电商平台外包客服公司员工), when the chain
    // took another (客服, inside 利用客服账号…的权限).
    if (leaker?.person) {
      const intro = roleOfPerson(text.slice(leaker.person.start, leaker.person.end));
      if (intro && intro !== leaker.role) {
        const sentTo = dispatchedTo(intro);
        if (sentTo) add(sentTo, sentTo, 5);
        const served = servedBy(intro);
        if (served.length > 0) add(intro, null, 5, served);
        roleOrgs(intro);
      }
    }
    if (leaker?.access && !accessOrg) add(leaker.access, null, 4, undefined, true);
    for (const e of chain.events.slice(0, MAX_EVENTS)) {
      if (e.direction !== "in" && e.direction !== "hold") continue;
      const f = e.flow;
      const d = e.data;
      if (d && d.start > f.end) for (const o of holdersNear(f.end, d.start).filter((o) => o.end <= d.start)) add(o, o, 3);
      // Before a taking verb the holder is where it was taken from (某公司后台导出); before a buying or
      // an unlawful taking verb, the one who took it (某培训机构总经理孟某购买…, 某机构非法获取…).
      if (f.target === "buy" || f.target === "steal" || f.target === "crawl" || text.startsWith("非法", f.start) || UNLAWFULLY.test(text.slice(Math.max(0, f.start - 2), f.start))) continue;
      const holder = holdersNear(f.start - HOLDER_BEFORE_VERB - MAX_TERM * 2, f.start)
        .filter((o) => o.end <= f.start && f.start - o.end <= HOLDER_BEFORE_VERB && sameClause(o, f))
        .sort((a, b) => b.end - a.end)[0];
      if (holder) add(holder, holder, 3);
    }
    for (const e of chain.events.slice(0, MAX_EVENTS)) {
      const d = e.data;
      if (!d || d === e.flow) continue;
      // What the data names: 学籍信息, 快递订单扫描图和就诊患者信息.
      const named = holdersIn(
        d.start >= e.flow.end
          ? industriesIn({ start: e.flow.end, end: d.end })
          : industryIndex.startingIn(d.start - MAX_TERM, d.end).filter((i) => (i.start < d.end && d.start < i.end) || (i.end <= d.start && d.start - i.end <= 1)),
      );
      if (named.length > 0) add(d, null, 3, named);
    }
    // The business the collector posed as (以招聘兼职为由…提供本人姓名…).
    for (const p of pretextIndex.startingIn(sent.start, sent.end)) {
      if (p.end > Math.max(...chain.events.map((e) => e.flow.start))) continue;
      add(p, null, 2, holdersIn(industriesIn(p)));
    }
    if (leaker?.role) {
      const r = leaker.role;
      const clause = clauseOf(text, r.start, sent);
      add(clause, null, 2, industriesIn(clause).filter((i) => !(i.start < r.end && r.start < i.end)));
    }
    // Last, an institution named earlier in the sentence (…绕过招聘网站服务器防护策略，窃取…); for an
    // insider, any holder word there (在公司物流内部，通过…登录权限…): it describes the workplace.
    for (const e of chain.events.slice(0, MAX_EVENTS)) {
      // Before a buying verb stands the buyer (某人寿保险公司业务员…向鲍某购买): no holder of what it bought.
      if (e.flow.target === "buy") continue;
      // …for whom the act was done is no holder (为某培训机构招生，从网上购买…: the buyer's side).
      const early = holdersIn(industriesIn({ start: sent.start, end: e.flow.start })).filter(
        (i) => !handling(i) && !NARRATES.test(text.slice(i.end, i.end + 8)) && !BENEFICIARY.test(text.slice(Math.max(0, i.start - 4), i.start)) && !MARKETED.test(text.slice(Math.max(0, i.start - 6), i.start)) && !(USED_AS_TOOL.test(text.slice(Math.max(0, i.start - 5), i.start)) && !FLAW_AFTER.test(text.slice(i.end, i.end + 30))),
      );
      add({ start: sent.start, end: e.flow.start }, null, 1, leaker ? early : early.filter((i) => i.weight >= INSTITUTION_WEIGHT));
    }

    const picked = pick(candidates);
    if (!picked || picked.draft.industries.length === 0 || means.length === 0) return picked;
    const extra = draftSource(picked.draft.span, means, false).industries.filter((id) => !picked.draft.industries.includes(id));
    return { ...picked, draft: { ...picked.draft, industries: [...picked.draft.industries, ...extra], evidence: [...picked.draft.evidence, ...means] } };
  };

  const pick = (candidates: Candidate[]): { draft: SourceDraft; strength: number } | null => {
    let channelOnly: Candidate | null = null;
    for (const c of candidates) {
      const holders = holdersIn(c.found);
      if (holders.length > 0) return { draft: draftSource(c.org ?? c.span, holders, c.org === null), strength: c.strength };
      if (c.org) {
        const viaName = alias(c.org);
        if (viaName.length > 0) return { draft: draftSource(c.org, viaName, false), strength: c.strength };
      }
      if (c.found.length > 0 && !channelOnly) channelOnly = c;
      if (c.org && c.found.length === 0) {
        const own = (c.org as Holder).org ?? c.org;
        if (GENERIC_ORG.test(text.slice(own.start, own.end))) {
          const back = referBack(c.org);
          if (back.length > 0) return { draft: draftSource(c.org, back, false), strength: c.strength };
        } else if (c.org.target === "organisation" && !isMeans(c.org)) {
          // A named holder outside the vocabulary (a vehicle inspection station): the source is
          // known and has no industry of ours.
          return {
            draft: { span: { start: c.org.start, end: c.org.end }, named: false, system: false, industries: [], evidence: [] },
            strength: c.strength,
          };
        }
      }
    }
    return channelOnly
      ? { draft: draftSource(channelOnly.org ?? channelOnly.span, channelOnly.found, channelOnly.org === null), strength: channelOnly.strength }
      : null;
  };

  // ── assemble ──
  input.tick?.();
  const ranked: (LeakDraft & { rank: number })[] = [];
  for (const chain of chains) {
    const out = chain.events.find((e) => e.direction === "out" || e.direction === "exchange");
    const main = out ?? chain.events[0]!;
    const found = sourceOf(chain);
    const source = found?.draft ?? null;
    // A bare acquisition with no known holder and no leaker (bought somewhere) says too little for a chain.
    if (!out && !chain.leaker && (!source || source.industries.length === 0)) continue;
    const sent = sentences[chain.sentence]!;
    const sentFrom = chain.leaker ? Math.min(sent.start, ...[chain.leaker.role, chain.leaker.access].filter((x) => x).map((x) => x!.start)) : sent.start;
    const span = { start: sentFrom, end: sent.end };
    const chainData = uniqueSpans(chain.events.flatMap((e) => e.all));
    // A typed word and the bare noun inside it (通话记录 / 记录) are one piece of data.
    const shown = chainData.filter((d) => !chainData.some((o) => o !== d && o.start <= d.start && o.end >= d.end && o.end - o.start > d.end - d.start));
    // The count is often stated a sentence later (经查，共计出售…1.2万余条).
    const next = sentences[chain.sentence + 1];
    const count =
      largest(input.volumes.filter((v) => v.start >= span.start && v.end <= span.end)) ??
      (next ? largest(input.volumes.filter((v) => v.start >= next.start && v.end <= next.end)) : null);
    const subjects: LeakDraft["subjects"] = [];
    for (const g of groupIndex.startingIn(span.start, span.end)) {
      const b = groupPlacement.get(g);
      if (g.end > span.end) continue;
      if (b && (b.placement === "subject" || b.placement === "victim")) subjects.push({ span: { start: g.start, end: g.end }, group: g.target });
    }
    for (const p of peopleIndex.startingIn(span.start, span.end)) {
      if (p.end > span.end) continue;
      if (subjects.some((s) => s.span.start < p.end && p.start < s.span.end)) continue;
      // 为他人提供业主信息, 向他人出售…: a person after 为/向/给/替 is who the data went to or for, not whose it is.
      if (PARTY_BEFORE.test(text.slice(Math.max(0, p.start - 1), p.start))) continue;
      if (dataIndex.startingIn(p.end, p.end + OWNER_GAP + 1).some((d) => sameClause(p, d))) subjects.push({ span: { start: p.start, end: p.end }, group: null });
    }
    const recipients: Span[] = [];
    for (const e of chain.events.slice(0, MAX_EVENTS)) {
      if (e.direction !== "out") continue;
      const verb = text.slice(e.flow.start, e.flow.end);
      // 出售给…, 提供给…: the verb names its receiver, in its own word or the next character.
      const extra = RECIPIENT_VERB.test(verb) ? 0 : RECIPIENT_VERB.test(text.slice(e.flow.end, e.flow.end + 1)) ? 1 : -1;
      if (extra < 0) continue;
      const from = e.flow.end + extra;
      const rest = text.slice(from, Math.min(sent.end, from + 20));
      const cut = RECIPIENT_END.exec(rest);
      const len = cut ? cut.index : rest.length;
      if (len > 0) addRecipient(recipients, { start: from, end: from + len }, text);
    }
    ranked.push({
      // An insider's chain first; then the one that names the most: access, role, person, source, count.
      rank:
        (chain.leaker?.insider ? 100 : 0) +
        (chain.leaker?.access ? 4 : 0) +
        (chain.leaker?.role ? 3 : 0) +
        (chain.leaker?.person ? 1 : 0) +
        (source && source.industries.length > 0 ? (found?.strength ?? 0) : 0) +
        (count ? 2 : 0),
      span,
      source,
      leaker: chain.leaker,
      flow: main.flow,
      direction: main.direction,
      data: shown,
      personal: chainData.some(personal),
      typed: chainData.some((d) => d.kind === "info-type"),
      count,
      subjects: subjects.sort((a, b) => a.span.start - b.span.start),
      recipients,
    });
  }
  // Strongest first: an insider with an access phrase, an insider by role, the rest; within each,
  // the tighter the source binding the earlier; then in text order.
  ranked.sort((a, b) => b.rank - a.rank || a.span.start - b.span.start);
  // The same leaker told twice (the facts, then the court's reasoning) is one chain; so is an
  // insider's act restated without a role of its own.
  const leaks: LeakDraft[] = [];
  for (const { rank: _rank, ...l } of ranked) {
    const same = l.leaker?.insider
      ? leaks.find(
          (k) =>
            k.leaker?.insider &&
            (k.leaker.role === l.leaker?.role || l.leaker?.role === null || !l.source || sameIndustries(k.source, l.source)),
        )
      : undefined;
    // A chain with no leaker that names no other source and no other data than an earlier one
    // restates it (the court's reasoning repeats the facts).
    const restated =
      same ??
      (l.leaker
        ? undefined
        : leaks.find(
            (k) =>
              (!l.source || sameIndustries(k.source, l.source)) &&
              l.data.every((d) => d.target === "data" || k.data.some((x) => x.target === d.target)),
          ));
    if (!restated) {
      // A restatement naming no source, leaker, receiver or count ("非法获取公民个人信息并出售") adds nothing.
      if (l.source || l.leaker || l.recipients.length > 0 || l.count) leaks.push(l);
      continue;
    }
    mergeInto(restated, l, text);
  }
  return { leaks, groupPlacement };
}

/**
 * 他/她 as the subject of the verb's clause (3个月内他卖出…, 随后她将…): at most a few words before it,
 * none that makes it an object (向他, 让他, 被他).
 */
const PRONOUN_SUBJECT = /(?:^|[，,；;：:])(?:[^，,。；;：:]{0,7}[^向给对让叫替帮与和跟被把将，,。；;：:])?(?:他|她)(?![们人])[^，,。；;：:]*$/;

/**
 * The role a pronoun subject stands for: the last usable role of the one or two sentences before,
 * when no other person is named between it and the verb. Its own function: see readUpstreamInsiders.
 */
function pronounRole(
  text: string,
  sentences: Span[],
  s: number,
  verbAt: number,
  roleIndex: Lookup<ChainMention>,
  usableRole: (r: ChainMention) => boolean,
): ChainMention | null {
  const sent = sentences[s]!;
  if (!PRONOUN_SUBJECT.test(text.slice(sent.start, verbAt))) return null;
  const from = sentences[Math.max(0, s - 2)]!.start;
  return roleIndex.startingIn(from, sent.start).filter(usableRole).at(-1) ?? null;
}

const CAN_LOG_IN = /^可以?登录/;
/** How far after a person's name, in the same clause run, an access phrase is theirs. */
const PERSON_ACCESS_REACH = 30;

/**
 * A standalone access phrase told of the person before the outflow (车某承包…派件业务，可登录网点系统打印
 * 派件清单): after an earlier mention of the same name, in its sentence, with no other name between.
 */
function accessOfPerson(text: string, person: Span, accessIndex: Lookup<ChainMention>, standalone: (target: string) => boolean): ChainMention | null {
  const name = text.slice(person.start, person.end);
  for (const at of nameOccurrences(text, name, Infinity, person.start)) {
    const after = at + name.length;
    for (const a of accessIndex.startingIn(after, after + PERSON_ACCESS_REACH)) {
      // A system is named by hackers too; what the post lets the person log into (可登录网点系统) is theirs.
      if (a.start >= person.start || !(standalone(a.target) || CAN_LOG_IN.test(text.slice(a.start, a.start + 4)))) continue;
      const between = text.slice(after, a.start);
      if (/[。！？!?\n]/.test(between) || /某/.test(between)) continue;
      return a;
    }
  }
  return null;
}

function sameIndustries(a: SourceDraft | null, b: SourceDraft): boolean {
  return a !== null && a.industries.length === b.industries.length && a.industries.every((id, i) => b.industries[i] === id);
}

/** Fills what the first telling of a chain left open from a later one. */
function mergeInto(same: LeakDraft, l: LeakDraft, text: string): void {
  if (same.leaker && l.leaker) {
    same.leaker.access ??= l.leaker.access;
    same.leaker.role ??= l.leaker.role;
    same.leaker.person ??= l.leaker.person;
  }
  same.count ??= l.count;
  same.source ??= l.source;
  for (const r of l.recipients) addRecipient(same.recipients, r, text);
}

/** One receiver named twice (提供给他人 … 出售给他人, also across two tellings of a chain) is listed once. */
function addRecipient(recipients: Span[], r: Span, text: string): void {
  const name = text.slice(r.start, r.end);
  if (!recipients.some((x) => x.start === r.start || text.slice(x.start, x.end) === name)) recipients.push(r);
}

/** The source: the organisation's span, or (`narrow`) just the industry words that named it. */
function draftSource(span: Span | Holder, found: ChainMention[], narrow: boolean): SourceDraft {
  const ordered = [...found].sort((a, b) => a.start - b.start);
  const ids: string[] = [];
  for (const i of ordered) if (!ids.includes(i.target)) ids.push(i.target);
  const at = narrow ? { start: ordered[0]!.start, end: ordered[0]!.end } : { start: span.start, end: span.end };
  const system = !narrow && "target" in span && span.target === "system";
  return { span: at, named: narrow, system, industries: ids, evidence: ordered };
}

function groupBy<K, T>(list: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const t of list) {
    const k = key(t);
    const got = out.get(k);
    if (got) got.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** A head term's phrase: back over at most `back` characters, up to the nearest stop character. */
function extendBack(text: string, m: ChainMention, spec: { back: number; stop: string } | null): ChainMention {
  if (!spec) return m;
  let start = m.start;
  while (start > 0 && m.start - start < spec.back && !spec.stop.includes(text[start - 1]!)) start--;
  return { ...m, start };
}

/** Organisation and system phrases that touch are one holder: 某智慧停车场的App + 软件系统. */
function mergeAdjacent(list: ChainMention[]): Holder[] {
  const sorted = [...list].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Holder[] = [];
  for (const m of sorted) {
    const last = out[out.length - 1];
    const org = m.target === "organisation" ? { start: m.start, end: m.end } : null;
    if (last && m.start <= last.end) {
      out[out.length - 1] = {
        ...last,
        end: Math.max(last.end, m.end),
        target: last.target === "organisation" || m.target === "organisation" ? "organisation" : last.target,
        org: last.org ?? org,
      };
    } else out.push({ ...m, org });
  }
  return out;
}

/** Sentences as the pipeline cuts them, and English ones at a full stop before a space. */
function sentenceList(text: string): Span[] {
  const out: Span[] = [];
  const delim = /[。！？；!?;\n\r]|\.(?=\s)/g;
  let start = 0;
  for (let m = delim.exec(text); m !== null; m = delim.exec(text)) {
    out.push({ start, end: m.index + 1 });
    start = m.index + 1;
  }
  if (start < text.length || out.length === 0) out.push({ start, end: text.length });
  return out;
}

const BREAK_AT = new RegExp(CLAUSE_BREAK.source, "y");
function breakAt(text: string, i: number): boolean {
  BREAK_AT.lastIndex = i;
  return BREAK_AT.test(text);
}

interface UpstreamContext {
  text: string;
  sentences: readonly Span[];
  chains: { sentence: number; events: { direction: FlowDirection; flow: ChainMention; all: ChainMention[]; sentence: number }[]; leaker: LeakerDraft | null; rank: number }[];
  events: readonly { flow: ChainMention; sentence: number }[];
  personal: (d: ChainMention) => boolean;
  typedIn: (s: number) => boolean;
  /** The sentence before s, past bare line breaks. */
  sentenceBefore: (s: number) => number;
  personIndex: Lookup<ChainMention>;
  roleIndex: Lookup<ChainMention>;
  usableRole: (r: ChainMention) => boolean;
  roleOfPerson: (name: string) => ChainMention | null;
}

/**
 * Insider as the supplier: personal data bought or got from someone a role names (从某银行员工李某处
 * 购买, 向快递网点分拣员购买, 通过系统维护公司员工徐某获得): the one who sold it held it at work, though
 * the text tells the buyer's side. A supplier the text says bought the data themselves (李某系从网上
 * 购得) is a trader with a job title.
 */
function readUpstreamInsiders(c: UpstreamContext): void {
  const { text, sentences } = c;
  // Whether a person buys data somewhere in the text: named before a buying verb in its clause.
  const buys = c.events.filter((e) => e.flow.target === "buy");
  const boughtBy = (name: string): boolean =>
    buys.some((e) => {
      const clause = clauseOf(text, e.flow.start, sentences[e.sentence]!);
      const before = text.slice(clause.start, e.flow.start);
      return before.includes(name) && !SUPPLIER_AT.test(before) && !SUPPLIER_BEFORE.test(before);
    });
  for (const chain of c.chains) {
    if (chain.leaker) continue;
    for (const e of chain.events) {
      if (e.direction !== "in") continue;
      // The cheap test first: most takings name no supplier.
      const supplier = supplierSpan(text, sentences[chain.sentence]!, e.flow);
      if (!supplier || !(e.all.some(c.personal) || c.typedIn(chain.sentence) || bareDataOfTypedBefore(c, e.all, chain.sentence))) continue;
      const person = c.personIndex.startingIn(supplier.start, supplier.end).filter((p) => p.end <= supplier.end).at(-1) ?? null;
      // The role said there (某银行员工李某), else the one the text gave the person (徐某某 … 员工徐某某).
      const role =
        c.roleIndex.startingIn(supplier.start, supplier.end).find((r) => r.end <= supplier.end && c.usableRole(r)) ??
        (person ? c.roleOfPerson(text.slice(person.start, person.end)) : null);
      if (!role) continue;
      if (person && boughtBy(text.slice(person.start, person.end))) continue;
      chain.leaker = { role, access: null, person, insider: true, score: noisyOr([role.weight, MOVEMENT_WEIGHT]), upstream: e.flow };
      chain.rank = 1;
      break;
    }
  }
}

/** How many sentences back the personal data a bare data noun stands for may have been named. */
const BARE_DATA_BACK = 2;

/**
 * A bare data noun taken from a supplier (通过徐某获得系统中的数据) is the personal data the text named
 * in the sentences just before (…能精准说出学生的个人信息…): as for a bare noun passed on.
 */
function bareDataOfTypedBefore(c: UpstreamContext, all: ChainMention[], sentence: number): boolean {
  if (all.length === 0 || all.some((d) => d.kind === "info-type")) return false;
  for (let s = sentence, k = 0; k < BARE_DATA_BACK && s > 0; k++) {
    s = c.sentenceBefore(s);
    if (c.typedIn(s)) return true;
  }
  return false;
}

/** How far before a taking verb its supplier may be named (从…处, 向…, 通过…). */
const SUPPLIER_REACH = 40;
/** 从 X 处 (then a few words: 以每条1元) before the verb, or 向/通过 X right before it: X is who the data came from. */
const SUPPLIER_AT = /(?:从|向)([^，,。；;从向]{2,30}?)(?:处|那里|手中|手里)[^，,。；;]{0,10}$/;
const SUPPLIER_BEFORE = /(?:向|通过)([^，,。；;从向]{2,30})$/;

/** Who the data of a taking verb came from (从某银行员工李某处购买 → 某银行员工李某), or null. */
function supplierSpan(text: string, sent: Span, flow: Span): Span | null {
  const from = Math.max(sent.start, flow.start - SUPPLIER_REACH);
  const before = text.slice(from, flow.start);
  const m = SUPPLIER_AT.exec(before) ?? SUPPLIER_BEFORE.exec(before);
  if (!m) return null;
  const start = from + m.index + (m[0].startsWith("通过") ? 2 : 1);
  return { start, end: start + m[1]!.length };
}

/** How far a 将/把 object may stand before the verb that disposes of it, over clause breaks. */
const DISPOSAL_REACH = 60;

/**
 * The object of a 将/把 clause earlier in the sentence that a later verb disposes of, or null: the
 * last data mention before the verb within DISPOSAL_REACH, its clause led by 将/把 before it, and no
 * other flow verb between it and the verb (that verb took it).
 */
function disposedObject(text: string, sent: Span, flow: Span, dataIndex: SpanIndex<ChainMention>, flowIndex: SpanIndex<ChainMention>): ChainMention | null {
  let best: ChainMention | null = null;
  for (const d of dataIndex.startingIn(Math.max(sent.start, flow.start - DISPOSAL_REACH), flow.start)) {
    if (d.end > flow.start) continue;
    if (!best || d.start > best.start) best = d;
  }
  if (!best) return null;
  const clause = clauseOf(text, best.start, sent);
  if (clause.end >= flow.start || !DISPOSAL.test(text.slice(clause.start, best.start))) return null;
  if (flowIndex.startingIn(best.end, flow.start).length > 0) return null;
  return best;
}

/** A clause that opens with the price (以每条50元的价格卖给…, 再以每份300元出售): it sells what the clause before named. */
const PRICE_CLAUSE = /^(?:后|再|并|随后|然后|又|均)?(?:以|按)[^，,。；;]{0,16}?(?:价格|价|元|每条|每份|每个|每组)/;

/**
 * The data the clause before a priced outflow named (陈某手抄储户信息，以每条50元的价格卖给同行): the
 * last data mention of that clause, with no other flow verb between it and the verb, or null.
 */
function pricedObject(text: string, sent: Span, flow: Span, dataIndex: SpanIndex<ChainMention>, flowIndex: SpanIndex<ChainMention>): ChainMention | null {
  const clause = clauseOf(text, flow.start, sent);
  if (clause.start <= sent.start || !PRICE_CLAUSE.test(text.slice(clause.start, flow.start))) return null;
  const previous = clauseOf(text, clause.start - 2, sent);
  let best: ChainMention | null = null;
  for (const d of dataIndex.startingIn(previous.start, clause.start)) {
    if (d.end > clause.start) continue;
    if (!best || d.start > best.start) best = d;
  }
  if (!best || flowIndex.startingIn(best.end, flow.start).length > 0) return null;
  return best;
}

function clauseOf(text: string, at: number, sentence: Span): Span {
  let start = at;
  while (start > sentence.start && !breakAt(text, start - 1)) start--;
  let end = at;
  while (end < sentence.end && !breakAt(text, end)) end++;
  return { start, end };
}

/** Characters of sex, age, birth and residence clauses right after a name (BIO_CLAUSE), 0 when none. */
function bioLength(text: string, at: number): number {
  let length = 0;
  for (let k = 0; k < MAX_BIO_CLAUSES; k++) {
    const m = BIO_CLAUSE.exec(text.slice(at + length, at + length + 40));
    if (!m) break;
    length += m[0].length;
  }
  return length;
}

function uniqueSpans<T extends Span>(list: T[]): T[] {
  const out: T[] = [];
  for (const x of list) if (!out.some((o) => o.start === x.start && o.end === x.end)) out.push(x);
  return out.sort((a, b) => a.start - b.start);
}

function largest(volumes: Volume[]): Volume | null {
  let best: Volume | null = null;
  for (const v of volumes) if (!best || v.count > best.count) best = v;
  return best;
}

