// The binding logic of the leak chain: who a mention is (parties.ts), how a chain is read from
// verbs, data, roles, access phrases and holders (leak-chain.ts), and what it decides for industries,
// groups, insider and the PI crime (attribution.ts). Pure units on hand-made spans first, then the
// same logic through the real engine (real jieba, every pack) on the phrasings issue 11 lists.
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/engine.js";
import { scanDocument } from "../../src/pipeline.js";
import { readLeakChains, type ChainMention, type ChainRules } from "../../src/score/leak-chain.js";
import { formatLeakLine } from "../../src/score/leaks.js";
import { maskName } from "../../src/text/names.js";
import { SpanIndex, createPlacer, longestCues, type Cue, type PartyContext } from "../../src/score/parties.js";
import type { CaseResult } from "../../src/types.js";

/** The span of the n-th occurrence of `term` in `text`. */
function at(text: string, term: string, nth = 0): { start: number; end: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(term, i + 1);
    if (i < 0) throw new Error(`${term} #${nth} not in ${text}`);
  }
  return { start: i, end: i + term.length };
}

function mention(text: string, term: string, kind: string, target: string, weight = 0, nth = 0): ChainMention {
  return { ...at(text, term, nth), kind, target, ruleId: `${kind}.${target}`, weight };
}

const DIRECTIONS: Record<string, "out" | "in" | "hold" | "exchange" | "object"> = {
  sell: "out",
  provide: "out",
  copy: "in",
  buy: "in",
  data: "object",
};
const RULES: ChainRules = {
  flowDirection: (t) => DIRECTIONS[t],
  accessStandalone: (t) => t === "position",
  isChannel: (ruleId) => ruleId === "industry.channel",
  reach: (ruleId) => (ruleId === "party.victim" ? { before: 20, after: 10 } : { before: -1, after: -1 }),
  extend: (ruleId) => (ruleId.startsWith("source.") ? { back: 16, stop: "，。在于系为从" } : null),
};

describe("parties: who a mention is", () => {
  const text = "被告人将学生的个人信息出售给他人，被害人系某公司员工。";
  const cue = (term: string, position: Cue["position"], before: number, after: number): Cue => ({
    ...at(text, term),
    position,
    ruleId: `party.${position}`,
    before,
    after,
  });
  const ctx = (cues: Cue[]): PartyContext => {
    const sentences = [{ start: 0, end: text.length }];
    return {
      text,
      cuesIn: (from, to) => cues.filter((c) => c.start >= from && c.start < to),
      data: new SpanIndex([at(text, "个人信息")]),
      persons: new SpanIndex([]),
      verbs: new SpanIndex([at(text, "出售")]),
      sentenceOf: (x) => sentences.find((s) => x >= s.start && x < s.end)!,
    };
  };

  it("finds the spans starting in a window, in order", () => {
    const idx = new SpanIndex([{ start: 9, end: 10 }, { start: 1, end: 2 }, { start: 5, end: 7 }]);
    expect(idx.startingIn(2, 9)).toEqual([{ start: 5, end: 7 }]);
    expect(idx.startingIn(0, 100).map((s) => s.start)).toEqual([1, 5, 9]);
  });

  it("places a mention right before its data as the data's subject, over any cue", () => {
    const place = createPlacer(ctx([cue("被告人", "offender", -1, 10)]));
    expect(place(at(text, "学生"))?.placement).toBe("subject");
  });

  it("places a mention by the nearest cue that reaches it, and not across a verb to the data", () => {
    const place = createPlacer(ctx([cue("被告人", "offender", -1, 10), cue("被害人", "victim", -1, 10)]));
    expect(place(at(text, "员工"))?.placement).toBe("victim");
    expect(place(at(text, "他人"))).toBeNull();
  });

  it("counts only the longest of cues that hold one another", () => {
    const long: Cue = { start: 0, end: 4, position: "offender", ruleId: "a", before: 20, after: -1 };
    const inner: Cue = { start: 0, end: 2, position: "victim", ruleId: "b", before: 20, after: -1 };
    const apart: Cue = { start: 6, end: 8, position: "victim", ruleId: "c", before: 20, after: -1 };
    expect(longestCues([inner, long, apart])).toEqual([long, apart]);
  });

  it("lets a group word take the place of the person it names (学生高某 … 判处高某)", () => {
    const t = "学生高某在网上兼职。法院判处高某有期徒刑八个月。";
    const sentences = [{ start: 0, end: 10 }, { start: 10, end: t.length }];
    const place = createPlacer({
      text: t,
      cuesIn: (from, to) =>
        [{ ...at(t, "判处"), position: "offender" as const, ruleId: "party.offender", before: -1, after: 8 }].filter((c) => c.start >= from && c.start < to),
      data: new SpanIndex([]),
      persons: new SpanIndex([at(t, "高某")]),
      verbs: new SpanIndex([]),
      sentenceOf: (x) => sentences.find((s) => x >= s.start && x < s.end)!,
    });
    expect(place(at(t, "学生"))?.placement).toBe("offender");
    // Not across a sentence end: 照看留宿的小孩。高某就… is no 小孩高某.
    const u = "保育员请人照看留宿的小孩。高某就乘机作案。法院判处高某有期徒刑八个月。";
    const uSentences = [{ start: 0, end: 13 }, { start: 13, end: 21 }, { start: 21, end: u.length }];
    const placeU = createPlacer({
      text: u,
      cuesIn: (from, to) =>
        [{ ...at(u, "判处"), position: "offender" as const, ruleId: "party.offender", before: -1, after: 8 }].filter((c) => c.start >= from && c.start < to),
      data: new SpanIndex([]),
      persons: new SpanIndex([at(u, "高某"), at(u, "高某", 1)]),
      verbs: new SpanIndex([]),
      sentenceOf: (x) => uSentences.find((s) => x >= s.start && x < s.end)!,
    });
    expect(placeU(at(u, "小孩"))).toBeNull();
  });

  it("takes no accusation a fraudster reports for what the person did (页面显示她的微信涉嫌违法)", () => {
    const t = "女孩扫码后，页面却显示她的微信涉嫌违法。女孩后来涉嫌盗窃。";
    const sentences = [{ start: 0, end: 19 }, { start: 19, end: t.length }];
    const cues = [at(t, "涉嫌", 0), at(t, "涉嫌", 1)].map((s) => ({ ...s, position: "offender" as const, ruleId: "party.offender", before: 45, after: -1 }));
    const place = createPlacer({
      text: t,
      cuesIn: (from, to) => cues.filter((c) => c.start >= from && c.start < to),
      data: new SpanIndex([]),
      persons: new SpanIndex([]),
      verbs: new SpanIndex([]),
      sentenceOf: (x) => sentences.find((s) => x >= s.start && x < s.end)!,
    });
    expect(place(at(t, "女孩", 0))).toBeNull();
    expect(place(at(t, "女孩", 1))?.placement).toBe("offender");
  });
});

describe("leak chain: binding", () => {
  it("binds a role and an access phrase of one sentence to an outflow of the next, with the role's organisation as source", () => {
    const text = "被告人李某系某银行支行客户经理，利用职务便利查询客户征信报告。李某将征信报告出售给贷款中介。";
    const mentions = [
      mention(text, "李某", "party", "person"),
      mention(text, "银行支行", "source", "organisation"),
      mention(text, "银行", "industry", "finance", 20),
      mention(text, "客户经理", "role", "manager", 35),
      mention(text, "利用职务便利", "access", "position", 60),
      mention(text, "征信报告", "info-type", "credit-report", 60),
      mention(text, "李某", "party", "person", 0, 1),
      mention(text, "征信报告", "info-type", "credit-report", 60, 1),
      mention(text, "出售", "flow", "sell"),
    ];
    const { leaks } = readLeakChains({ text, mentions, volumes: [], rules: RULES });
    expect(leaks).toHaveLength(1);
    const l = leaks[0]!;
    expect(l.leaker).toMatchObject({ insider: true });
    expect(l.leaker?.role?.target).toBe("manager");
    expect(l.leaker?.access?.target).toBe("position");
    expect(text.slice(l.source!.span.start, l.source!.span.end)).toBe("某银行支行");
    expect(l.source?.industries).toEqual(["finance"]);
    expect(l.recipients.map((r) => text.slice(r.start, r.end))).toEqual(["贷款中介"]);
  });

  it("makes no insider of a position abused for money when no personal data moves (bribery)", () => {
    const text = "被告人利用职务上的便利，为他人提供招标信息，收受他人财物五万元。";
    const mentions = [
      mention(text, "利用职务上的便利", "access", "position", 60),
      mention(text, "提供", "flow", "provide"),
      mention(text, "信息", "flow", "data"),
      mention(text, "收受", "access", "gain"),
    ];
    const { leaks } = readLeakChains({ text, mentions, volumes: [], rules: RULES });
    expect(leaks.every((l) => !l.leaker?.insider)).toBe(true);
  });

  it("makes no leaker of an employee placed as the victim", () => {
    const text = "被害人系某公司员工，将客户信息出售给他人。";
    const mentions = [
      { ...mention(text, "被害人", "party", "victim"), ruleId: "party.victim" },
      mention(text, "员工", "role", "employee", 35),
      mention(text, "客户信息", "info-type", "customer-list", 50),
      mention(text, "出售", "flow", "sell"),
    ];
    const { leaks } = readLeakChains({ text, mentions, volumes: [], rules: RULES });
    expect(leaks.every((l) => !l.leaker?.insider)).toBe(true);
  });

  it("ranks a holder above a channel, and takes a channel only when nothing else is named", () => {
    const text = "被告人从某招聘网站后台导出求职者简历后通过微信出售。";
    const mentions = [
      mention(text, "后台", "source", "system"),
      { ...mention(text, "招聘网站", "industry", "recruitment", 60), ruleId: "industry.holder" },
      { ...mention(text, "网站", "industry", "internet", 35), ruleId: "industry.channel" },
      mention(text, "导出", "flow", "copy"),
      mention(text, "简历", "info-type", "resume", 50),
      { ...mention(text, "微信", "industry", "internet", 15), ruleId: "industry.channel" },
      mention(text, "出售", "flow", "sell"),
    ];
    const { leaks } = readLeakChains({ text, mentions, volumes: [], rules: RULES });
    expect(leaks[0]?.source?.industries[0]).toBe("recruitment");
  });

  it("reads a named holder outside the vocabulary as a source with no industry", () => {
    const text = "吴某在车辆检测站工作，能够接触车主信息，每半年拷贝数据送给杨某。";
    const mentions = [
      mention(text, "吴某", "party", "person"),
      { ...mention(text, "在车辆检测站工作", "role", "employee", 35), ruleId: "role.work-frame" },
      mention(text, "检测站", "source", "organisation"),
      mention(text, "能够接触", "access", "holding", 45),
      mention(text, "车主信息", "info-type", "vehicle-owner", 50),
      mention(text, "拷贝", "flow", "copy"),
      mention(text, "数据", "flow", "data"),
      mention(text, "送给", "flow", "provide"),
    ];
    const { leaks } = readLeakChains({ text, mentions, volumes: [], rules: RULES });
    expect(leaks[0]?.leaker?.insider).toBe(true);
    expect(text.slice(leaks[0]!.source!.span.start, leaks[0]!.source!.span.end)).toBe("车辆检测站");
    expect(leaks[0]?.source?.industries).toEqual([]);
  });
});

describe("leak lines", () => {
  it("masks names to surname + 某 and leaves masked ones as written", () => {
    expect(maskName("董源（化名）")).toBe("董某");
    expect(maskName("李某某")).toBe("李某某");
    expect(maskName("王×1")).toBe("王×1");
  });
});

describe("through the engine: the phrasings issue 11 lists", () => {
  const enginePromise = createEngine();
  const scan = async (text: string): Promise<CaseResult> => scanDocument({ id: "t", source: "t", text, meta: {} }, await enginePromise);
  // A result lists found dimensions only (the rest are signals).
  const found = (list: { id: string; score: number }[]) => list.map((d) => d.id);

  const insiders: [string, string][] = [
    ["被告人王某利用其在某科技公司工作的便利，将公司客户的姓名、手机号码等信息3000余条出售给他人。", "work frame in the access phrase"],
    ["被告人李某系某银行工作人员，利用其岗位的查询便利，多次查询他人征信报告并提供给贷款中介。", "岗位的查询便利"],
    ["被告人赵某系某手机店店员，在代为操作顾客手机办理业务时，将顾客的手机号码及短信验证码转发给他人。", "代为操作 a customer's phone"],
    ["被告人钱某原系某公司员工，离职后擅自登录公司内部系统，截图客户信息后通过微信发送给他人。", "擅自登录内部系统"],
    ["被告人孙某系某通信公司维护人员，从机房调取用户通话记录后出售给私家侦探。", "从机房调取"],
    ["辅警周某使用民警的数字证书登录公安系统，查询他人行踪轨迹并出售给他人，获利2万元。", "an officer's digital certificate"],
    ["被告人吴某系某运营商劳务派遣员工，利用办理业务的便利，将用户个人信息提供给他人。", "dispatched worker"],
    ["被告人冯某系某医院护士，将其在工作中收集的孕产妇信息出售给月子中心，共计5000余条。", "在工作中收集"],
    ["被告人郑某先后在浙江某地两家物业服务企业任职。工作期间，郑某先后为他人无偿提供业主信息4500余条。", "role a sentence before, by name"],
    ["某县一家银行的职员陈某手抄储户信息，以每条50元的价格卖给同行。", "a role before the name that acts, and a priced sale of the clause before's data"],
    ["The defendant, an account manager at a bank branch, abused his position to sell 2,000 credit reports to a loan broker.", "English"],
  ];
  for (const [text, why] of insiders) {
    it(`insider: ${why}`, async () => {
      const r = await scan(text);
      expect(r.insider.flag, JSON.stringify(r.leaks.map(formatLeakLine))).toBe(true);
      expect(r.leaks[0]?.leaker?.insider).toBe(true);
      expect(r.insider.evidence.length).toBeGreaterThan(0);
    });
  }

  const notInsiders: [string, string][] = [
    ["被告人利用职务上的便利，为他人谋取利益，非法收受他人财物共计5万元。", "bribery"],
    ["被告人尤某以提供银行卡账号、微信号等方式，与李某共同利用职务便利，收受贿赂款。", "an account given for a bribe"],
    ["被告人王某利用其担任信贷员的职务之便，将本单位资金占为己有。", "embezzlement"],
    ["被害人系某公司财务人员，被骗后向对方账户转账50万元。", "the employee is the victim"],
    ["被告人冒充电商平台客服拨打被害人电话，骗取其银行卡号和验证码。", "an impersonated role"],
    ["某网络技术有限公司工作人员称，还可以偷取公众号关注用户的手机号码，转发过文章的用户号码也会被抓取。", "a staff member who speaks"],
    ["被告人在某教育培训机构任招生主管期间，通过购买、交换等方式非法获取学生信息4万余条，并出售给其他培训机构。", "a buyer with a job title"],
    ["被告人通过爬虫软件从某招聘网站批量下载求职者简历2万余份出售。", "a crawler"],
  ];
  for (const [text, why] of notInsiders) {
    it(`not insider: ${why}`, async () => {
      const r = await scan(text);
      expect(r.insider.flag, JSON.stringify(r.leaks.map(formatLeakLine))).toBe(false);
    });
  }

  it("prints the chain in one line, as issue 11 shows it", async () => {
    const r = await scan("被告人李某系某银行支行客户经理，利用职务便利，多次查询客户征信报告2000余份，并出售给贷款中介。");
    expect(r.leaks.map(formatLeakLine)[0]).toBe("【内鬼】某银行支行 客户经理 李某 → 2000余份 征信信息 → 贷款中介");
    expect(found(r.industries)).toEqual(["finance"]);
    expect(found(r.crimes)).toContain("personal-information");
  });

  it("ranks the source first: a telecom outlet's leak sold over WeChat is telecom, not internet", async () => {
    const r = await scan("被告人系某移动营业厅营业员，利用工作便利查询机主信息，并通过微信出售给他人，后被用于注册某APP账号。");
    expect(found(r.industries)[0]).toBe("telecom");
    expect(found(r.industries)).not.toContain("internet");
  });

  it("finds no industry where nothing leaked (a bank is the scene of a fraud)", async () => {
    const r = await scan("老人匆忙赶到银行要求汇款，柜员核查发现对方是诈骗账户，立即报警。");
    expect(found(r.industries)).toEqual([]);
  });

  it("takes groups from victims and data subjects, not from offenders, buyers or products", async () => {
    const offender = await scan("在校大学生小海（化名）将自己收集的成年人身份信息出售给未成年人玩家，用于绕过防沉迷系统。法院判处小海有期徒刑三年。");
    expect(found(offender.groups)).toEqual([]);
    const pupils = await scan("被告人非法获取辖区内1万余条未成年学生个人信息，并出售给培训机构。");
    expect(found(pupils.groups).sort()).toEqual(["minors", "students"]);
    const victims = await scan("十多名大学生报案称董源（化名）曾以校园贷为由向自己借钱。董源系某高校大四学生，为骗取同学钱财编造理由。");
    expect(found(victims.groups)).toEqual(["students"]);
    const elderly = await scan("犯罪团伙冒充孙子给老人打电话，谎称打架需要赔钱，安排车手上门取款，共有11人被抓获。");
    expect(found(elderly.groups)).toEqual(["elderly"]);
  });

  it("does not count personal-information conduct in a civil or administrative text", async () => {
    const r = await scan("某医院医生被举报泄露患者个人信息，卫生监督执法部门已立案调查，医院暂停其医疗工作。");
    expect(found(r.crimes)).not.toContain("personal-information");
    expect([...r.findings, ...r.signals.findings].some((f) => f.note === "civil or administrative proceedings, no criminal ones")).toBe(true);
    // 诉至 right before a court's name, which the institution zone's place prefix takes in.
    const sued = await scan("居民周某认为物业公司张贴的催缴单公开了其姓名和住址，以泄露个人信息为由将该公司诉至江北区人民法院。");
    expect(found(sued.crimes)).not.toContain("personal-information");
  });

  it("a group word said of an offender (邬某系在校大学生) is no victim group; one after 被告人某将 is the object, not the offender", async () => {
    const renter = await scan("经查，邬某系在校大学生，他招揽朋友到多家银行办理银行卡及手机卡共20套出售给他人，获取报酬1万余元。法院以帮助信息网络犯罪活动罪判处邬某有期徒刑一年。");
    expect(found(renter.groups)).toEqual([]);
    const bracketed = await scan("经审理查明：被告人邓某（作案时17周岁）系某职业学校在校学生，在校内收购同学银行卡9张交给上线使用。本院认为，被告人邓某的行为构成帮助信息网络犯罪活动罪。");
    expect(found(bracketed.groups)).not.toContain("students");
    const object = await scan("被告人靳某身穿警服，以警察办案为由将某小学学生张某骗至车内，向其家属索要钱财。");
    expect(found(object.groups)).toContain("students");
  });

  it("what the people a record is about are said to be is the group (该平台学员为6至12岁儿童); what staff are said to be is not", async () => {
    const pupils = await scan("被告人利用某培训学校线上平台后台的漏洞，下载注册学员的姓名、年级及家长手机号等信息5万余条出售给他人。经查，该平台学员为6至12岁儿童。");
    expect(found(pupils.groups)).toContain("minors");
    const staff = await scan("被告人开设话务工作室，招募员工冒充客服拨打电话骗取他人钱财。经查，其员工均为在校学生。");
    expect(found(staff.groups)).not.toContain("students");
  });

  it("a scam's cover story names no victim group (以“注销校园贷”为名), unless it claims to serve the group (以为大学生找工作为名); a person prosecuted (对谭某提起公诉) is the offender", async () => {
    const cover = await scan("经审理查明：被告人方某等人冒充银行客服，以“注销校园贷”为名拨打电话，诱骗被害人向指定账户转账，共骗取20名被害人30万元。");
    expect(found(cover.groups)).toEqual([]);
    const served = await scan("一个以为大学生找工作为名实施诈骗的团伙，以花钱就能进国企工作为诱饵，骗取500余人钱款。");
    expect(found(served.groups)).toContain("students");
    const renter = await scan("据某县人民检察院通报，退休工人宫某以每张500元的价格将自己名下的4张银行卡出租给他人使用。检察机关以涉嫌帮助信息网络犯罪活动罪对宫某提起公诉。");
    expect(found(renter.groups)).toEqual([]);
  });

  it("does not take the person data went to or for as whose data it is", async () => {
    const r = await scan("工作期间，被告人王某先后为他人无偿提供业主信息3000余条，以帮助对方拓展业务。");
    const l = r.leaks[0]!;
    expect(l.subjects.map((s) => s.match)).toEqual(["业主"]);
    const sold = await scan("被告人赵某系某快递网点员工，向他人出售客户信息2000余条。");
    expect(sold.leaks[0]!.subjects.map((s) => s.match)).not.toContain("他人");
  });

  it("names a receiver once, without the quote of a cited statute", async () => {
    const r = await scan("法院认为，被告人郑某将在履行职责过程中获得的业主信息4500余条提供给他人”，又出售给他人，构成侵犯公民个人信息罪。");
    expect(r.leaks[0]!.recipients.map((p) => p.match)).toEqual(["他人"]);
  });

  it("never prints an unmasked identifier in a chain", async () => {
    const r = await scan("被告人张某系某银行员工，利用职务便利将客户信息出售给手机号为13912345678的买家。");
    const line = formatLeakLine(r.leaks[0]!);
    expect(line).toContain("139****5678");
    expect(JSON.stringify(r.leaks)).not.toContain("13912345678");
  });

  it("keeps every part's offsets pointing into the original text", async () => {
    const text = "被告人李某系某銀行支行客戶經理，利用職務便利查詢客戶徵信報告，並出售給貸款中介。";
    const r = await scan(text);
    const l = r.leaks[0]!;
    for (const p of [l.source!, l.leaker!.role!, l.leaker!.access!, l.flow, ...l.data, ...l.recipients]) {
      expect(text.slice(p.start, p.end)).toBe(p.match);
    }
  });
});

// Failure modes read off the misses of half A of a set of published cases none of our files hold
// (kept outside the repository); written here in general phrasings of our own.
describe("through the engine: phrasings from the out-of-sample check", () => {
  const enginePromise = createEngine();
  const scan = async (text: string): Promise<CaseResult> => scanDocument({ id: "t", source: "t", text, meta: {} }, await enginePromise);
  const found = (list: { id: string }[]) => list.map((d) => d.id);

  it("a clerk who holds the customer's phone and copies down its codes is an insider of the clerk's trade", async () => {
    const r = await scan("被告人周某系某银行柜员。周某每次替储户操作手机时，都偷偷记下手机收到的短信验证码，事后发给上家注册账号，共获利3000余元。");
    expect(r.insider.flag, JSON.stringify(r.leaks.map(formatLeakLine))).toBe(true);
    expect(found(r.industries)[0]).toBe("finance");
  });

  it("a code sent to someone's phone is personal data when passed on, not when a fraud took it from its victim", async () => {
    const passed = await scan("被告人将顾客手机收到的验证码转发给上家用于注册账号。");
    expect([...passed.infoTypes, ...passed.signals.infoTypes].map((d) => d.id)).toContain("credentials");
    const fraud = await scan("被告人冒充客服，骗取被害人的短信验证码后转走存款。");
    expect([...fraud.infoTypes, ...fraud.signals.infoTypes].map((d) => d.id)).not.toContain("credentials");
  });

  it("the organisation in 利用…担任…的便利 is the leaker's workplace, though 利用 opens the phrase", async () => {
    const r = await scan("上家利用孙某担任某通信公司讲师的便利，让其学员获取客户的手机号码和验证码，发到群内出售。");
    expect(r.insider.flag, JSON.stringify(r.leaks.map(formatLeakLine))).toBe(true);
    expect(found(r.industries)[0]).toBe("telecom");
  });

  it("an e-commerce firm named with other words between is an internet holder, also when 公司 refers back to it", async () => {
    const r = await scan("某电商科技公司审计时发现异常。经调查，公司员工钱某利用其系统权限，将用户手机号等数据批量导出后提供给外部服务商。");
    expect(r.insider.flag).toBe(true);
    expect(found(r.industries)[0]).toBe("internet");
  });

  it("the police that investigates is no holder: a clinic's staff copying children's records leaks from healthcare", async () => {
    const r = await scan("经公安机关侦查，源头在当地一家卫生院，该院掌握大量接种疫苗儿童的信息，工作人员孙某利用工作便利私自帮他人复制、导出系统内的公民个人信息。");
    expect(r.insider.flag).toBe(true);
    expect(found(r.industries)[0]).toBe("healthcare");
  });

  it("an employee introduced by a work frame passes on bare 资料 that the sentence before took out; the addressee is not the leaker", async () => {
    const frame = await scan(
      "韩某任职于某市疾病预防控制中心。随后，韩某查询到当月的新生儿信息，包括姓名、父母电话等，并下载到U盘。\n拿到数据后，韩某通过邮箱将资料发给他人。",
    );
    expect(frame.insider.flag, JSON.stringify(frame.leaks.map(formatLeakLine))).toBe(true);
    expect(found(frame.industries)[0]).toBe("healthcare");
    const addressee = await scan("被告人韩某系某医院护士。韩某多次向张某提供新生儿信息3000余条。");
    expect(addressee.insider.flag).toBe(true);
  });

  it("staff the offenders direct, and a role after the verb, are no leakers; a passive verb's agent follows it", async () => {
    const directed = await scan("两名被告人开设公司，以贷款广告收集求职者表单，并指使员工将上述信息上传至公司的APP，吸引银行信贷员充值购买。");
    expect(directed.insider.flag, JSON.stringify(directed.leaks.map(formatLeakLine))).toBe(false);
    const passive = await scan("某班47名学生的个人信息遭泄露，是因为有关工作人员在流调过程中未遵守保密规定。");
    expect(passive.leaks[0]?.leaker?.insider).toBe(true);
  });

  it("checkpoint records are location tracks; officials downloading them through the intranet are government insiders", async () => {
    const r = await scan("霍某、高某（案发前均系某职能部门机关工作人员）与他人商议出售车辆卡口记录牟利。霍某、高某再按买家给的车牌号，利用内网平台批量下载卡口信息后卖出。");
    expect([...r.infoTypes, ...r.signals.infoTypes].map((d) => d.id)).toContain("location-track");
    expect(r.insider.flag).toBe(true);
    expect(found(r.industries)[0]).toBe("government");
  });

  it("a dark-web market is a channel, not the holder the data leaked from", async () => {
    const r = await scan("被告人马某用电脑进入暗网，从中非法获取大量公民个人信息数据，随后在QQ群出售。");
    expect(found(r.industries)).toEqual([]);
  });

  it("personal data charged as computer-system data is not the personal-information crime; charged as both, it is", async () => {
    const data = await scan("被告人入侵快递公司系统，批量解密收件人个人信息并贩卖给他人。法院认为，其行为已构成非法获取计算机信息系统数据罪。");
    expect(found(data.crimes)).toContain("computer-data");
    expect(found(data.crimes)).not.toContain("personal-information");
    const both = await scan("被告人入侵快递公司系统，批量解密收件人个人信息并贩卖给他人，分别构成非法获取计算机信息系统数据罪和侵犯公民个人信息罪。");
    expect(found(both.crimes)).toContain("personal-information");
  });

  it("records described by their fields (姓名、电话、住址) and counted are the PI crime, without the words 个人信息", async () => {
    const r = await scan("被告人将收件人的姓名、手机号和收货地址等资料出售给他人，共计8000余条，获利4000元。");
    expect(found(r.crimes)).toContain("personal-information");
    // The same fields used to impersonate the person are a fraud's means, not a trade in records.
    const used = await scan("被告人冒用被害人的姓名、身份证号码办理贷款，骗得贷款5万元。");
    expect(found(used.crimes)).not.toContain("personal-information");
  });

  it("将/把 carries its object over a comma to the verb that disposes of it: the clerk who sells it is an insider", async () => {
    const r = await scan("被告人吴某在某物业服务公司做前台，把住户的姓名、楼号和联系电话抄在本子上，之后按每条一元的价格卖给中介，共计3000余条。");
    expect(found(r.crimes)).toContain("personal-information");
    expect(r.insider.flag, JSON.stringify(r.leaks.map(formatLeakLine))).toBe(true);
    // With another verb between (查询 took the data), the later verb does not reach back past it.
    const taken = await scan("被告人将客户的姓名、电话输入系统查询，后来出售了自己的车辆。");
    expect(r.leaks.length).toBeGreaterThan(0);
    expect(taken.leaks).toEqual([]);
  });

  it("a group word naming people placed as the victims is the group; a relative or a thing of theirs is not", async () => {
    const r = await scan("被告人冒充学校老师，以收取住宿费为名骗取30余名学生共计6万余元。");
    expect(found(r.groups)).toContain("students");
    const kin = await scan("被害人邓某的奶奶前去阻止施工，被告人将其推倒。");
    expect(found(kin.groups)).not.toContain("elderly");
    const thing = await scan("被告人以高额回报为诱饵，骗取被害人的退休金5万元。");
    expect(r.findings.some((f) => f.ruleId === "leak.victim")).toBe(true);
    expect(thing.findings.some((f) => f.ruleId === "leak.victim")).toBe(false);
  });

  it("a seller a role names (从某网点分拣员处购买) is an insider upstream: flagged, without halving the buyer's counts", async () => {
    const r = await scan("被告人孙某为推销保险，以每条1元的价格从某快递网点分拣员处购买收件人信息8000余条。");
    expect(r.insider.flag, JSON.stringify(r.leaks.map(formatLeakLine))).toBe(true);
    expect(r.insider.evidence.map((e) => e.match)).toContain("购买");
    // The counts are the buyer's: the statute halves the thresholds for an insider's own sale only.
    expect(r.severityBasis?.insiderHalved).toBe(false);
    // A seller who bought the data themselves is a trader with a job title.
    const trader = await scan("被告人周某从某培训机构经理李某处获取学生信息3万余条。李某系从网上购得上述信息。");
    expect(trader.insider.flag).toBe(false);
    // Bought from someone no role names: no insider.
    const plain = await scan("被告人张某从他人处购买公民个人信息5万余条后转卖。");
    expect(plain.insider.flag).toBe(false);
  });

  it("the organisation an act was done for (为某保险公司推销车险) is the buyer's side, not where bought data leaked from", async () => {
    const r = await scan("被告人钱某为某保险公司推销车险，从网上购买车主信息1万余条。");
    expect(found(r.crimes)).toContain("personal-information");
    expect(found(r.industries)).toEqual([]);
    // 作为 is no such 为: the employer named after it is the leaker's workplace.
    const staff = await scan("被告人作为某保险公司员工，利用职务便利将投保人信息1万余条出售给他人。");
    expect(found(staff.industries)[0]).toBe("finance");
  });

  it("a group word that describes the people after it (高三学生家长) is not the group: the parents were deceived", async () => {
    const r = await scan("被告人冒充教育局工作人员，给多名高三学生家长打电话，谎称可以发放助学金，骗取家长钱款共计5万元。");
    expect(found(r.groups)).toEqual([]);
    const pupils = await scan("被告人冒充教育局工作人员，给多名高三学生打电话，谎称可以发放助学金，骗取学生钱款共计5万元。");
    expect(found(pupils.groups)).toContain("students");
  });

  it("a role after the verb that passes the data on (卖给…酒店的业务员) receives it; the clerk's registry is the source", async () => {
    const r = await scan(
      "某区民政局婚姻登记处临时工作人员齐某，负责登记材料的扫描归档。齐某利用职务上的便利，将新登记夫妻的姓名、手机号等信息拍照后，卖给当地多家婚纱摄影店和婚宴酒店的业务员，共计6200余条。",
    );
    expect(r.insider.flag).toBe(true);
    expect(found(r.industries)).toEqual(["government"]);
  });

  it("the police body that tells of a case (公安机关通报…) is no holder to fall back on", async () => {
    const r = await scan("公安机关通报一批行业内鬼贩卖个人信息案件。其中，甄某原是某村镇银行的客户经理，能够登录征信系统查询征信报告，每条信息卖20元。");
    expect(found(r.industries)).not.toContain("government");
    expect(found(r.industries)[0]).toBe("finance");
  });

  it("a group word describing the offender across a job word (退休工人夏侯某) is no victim; a workplace's name (老年大学教务员金某) is not the person", async () => {
    const r = await scan("年过六旬的退休工人夏侯某，竟成了倒卖业主信息的二道贩子。夏侯某加入多个小区的业主微信群，将群成员的手机号和房号整理后卖给装修公司。法院以侵犯公民个人信息罪判处夏侯某有期徒刑七个月。");
    expect(found(r.groups)).toEqual([]);
    const college = await scan("某区老年大学教务员金某将学员花名册中1100余名学员的姓名、出生年月、联系电话拷贝给旅行社，用于推销夕阳红旅游线路。法院判处金某有期徒刑。");
    expect(found(college.groups)).toEqual(["elderly"]);
  });

  it("staff the offender organises as a group (组织王某等多名客服人员…) carry out the employer's own scheme: no insider", async () => {
    const r = await scan("田某注册成立一家科技公司。田某组织王某等多名客服人员，利用公司软件获取多家医院的患者姓名、身份证号码，非法提供给号贩子。");
    expect(r.insider.flag).toBe(false);
    const staff = await scan("某科技公司客服人员王某利用工作便利获取多家医院的患者姓名、身份证号码，非法提供给号贩子。");
    expect(staff.insider.flag).toBe(true);
  });

  it("a contractor's staff handle the data of the organisation their firm serves (为某市车辆管理所提供窗口辅助服务的外包公司员工)", async () => {
    const r = await scan("被告人易某系为某市车辆管理所提供窗口辅助服务的外包公司员工，负责机动车登记资料的扫描录入。易某利用该便利，将车主姓名、身份证号、手机号批量导出，以每条0.4元卖给车险推销人员。");
    expect(r.insider.flag).toBe(true);
    expect(found(r.industries)[0]).toBe("government");
  });

  it("staff an impostor phoned (打电话给某社区卫生服务站前台人员，谎称…) are deceived, not leakers; a contract places staff where the data is (受托在县不动产登记中心从事…)", async () => {
    const called = await scan("经审理查明：被告人伍某冒充区卫生健康局工作人员，打电话给某社区卫生服务站前台人员，谎称需要核对儿童接种数据，骗得该站登记的儿童姓名、出生日期及家长电话等信息900余条，后出售给他人。");
    expect(called.insider.flag).toBe(false);
    expect(found(called.industries)).toEqual(["healthcare"]);
    const placed = await scan("犯罪嫌疑人肖某系某档案服务公司员工，受托在县不动产登记中心从事房产档案数字化扫描工作。扫描期间，肖某用手机翻拍房屋权属档案中的权利人姓名、电话等信息900余条，卖给多家装修公司。");
    expect(placed.insider.flag).toBe(true);
    expect(found(placed.industries)[0]).toBe("government");
  });

  it("a court's own staff leak from the government (某区人民法院书记员); the court deciding the case is no source", async () => {
    const clerk = await scan("被告人孔某系某县人民法院聘用制书记员，工作中可登录法院审判管理系统，将查到的当事人姓名、身份证号和住址等信息300余条发给讨债公司员工，获利6000元。");
    expect(clerk.insider.flag).toBe(true);
    expect(found(clerk.industries)).toEqual(["government"]);
    const deciding = await scan("某县人民法院经审理查明：被告人孔某系某快递公司分拣员，利用工作便利将快递面单上的收件人姓名、电话等信息3000余条出售给他人。法院认定其行为构成侵犯公民个人信息罪。");
    expect(found(deciding.industries)).toEqual(["logistics"]);
  });

  it("a role named before with its organisation (某旅行社一名计调人员) ties the same role's later leak to it", async () => {
    const r = await scan("据某市公安局通报，某旅行社一名计调人员因出售游客信息被刑事拘留。该旅行社组织的专线游，报名游客的姓名、电话均由计调人员录入系统。经查，计调员祝某将其中某大学退休教师的信息800余条卖给推销人员。");
    expect(r.insider.flag).toBe(true);
    expect(r.leaks[0]!.source?.match).toContain("旅行社");
    expect(found(r.industries)).toEqual([]);
  });

  it("the buyer named before a buying verb (某人寿保险公司业务员…向鲍某购买) is no holder of what it bought", async () => {
    const r = await scan("被告人冯某系某人寿保险公司业务员，为推销保险，向被告人鲍某购买婴幼儿信息。鲍某利用某县妇幼保健院信息系统的漏洞，非法下载婴幼儿姓名、出生日期及父母手机号等信息4000余条，卖给冯某。");
    expect(found(r.industries)).not.toContain("finance");
  });

  it("该院 refers back to the last 院 named, not to the last organisation (辖区幼儿园)", async () => {
    const r = await scan("某区妇幼保健院每年为辖区幼儿园儿童体检，体检数据由该院录入系统。该院一名录入员邹某利用系统账号，导出儿童姓名、所在幼儿园及监护人手机号等信息5000余条，出售给早教机构。");
    expect(r.insider.flag).toBe(true);
    expect(found(r.industries)[0]).toBe("healthcare");
  });

  it("a holder whose flaw was used (利用某网络科技公司运营的小程序的接口漏洞) is where the data came from, not a means", async () => {
    const r = await scan("被告人卓某利用某网络科技公司运营的报名小程序的接口漏洞，批量获取报名考生的姓名、手机号等信息2万余条，出售给多家培训机构，获利3万元。");
    expect(found(r.industries)[0]).toBe("internet");
  });

  it("他 before the verb stands for the one the sentences before introduced with a role; 向他 or 让他 does not", async () => {
    const r = await scan("某银行营业部理财经理阿林（化名），27岁，大学毕业后进入该行工作。2015年，他在网上看到有人寻找能查询账户信息的人，便开始接单。3个月内他卖出客户个人信息500多条，非法获利5万多元。");
    expect(r.insider.flag).toBe(true);
    expect(found(r.industries)[0]).toBe("finance");
    const object = await scan("某银行营业部理财经理阿林（化名）与被告人相识。2015年，被告人从网上购买客户个人信息500多条，后转卖给他。");
    expect(object.insider.flag).toBe(false);
  });

  it("access told of a person earlier (包某承包片区的派件业务，可登录网点系统…) makes that person's later sale an insider's", async () => {
    const r = await scan("某快递公司实行承包区经营，被告人包某承包一个片区的派件业务，可登录网点系统打印派件清单。2023年，警方发现诈骗分子掌握的收件人信息来源于包某。经查，包某将派件清单中收件人姓名、电话、地址共计1万余条出售给他人。");
    expect(r.insider.flag).toBe(true);
    expect(found(r.industries)[0]).toBe("logistics");
  });

  it("a bureau's own case worker (某区民政局招聘的社会救助经办人员) leaks from the government, not from the insurer who bought", async () => {
    const r = await scan("公诉机关指控：被告人柯某系某区民政局招聘的社会救助经办人员，负责低保申请审核及信息录入。柯某多次从社会救助信息系统中导出救助对象的姓名、身份证号及联系电话共计900余条，出售给被告人骆某。骆某系某保险代理公司业务员。");
    expect(r.leaks[0]!.leaker?.name).toBe("柯某");
    expect(found(r.industries)[0]).toBe("government");
  });

  it("staff a staffing agency hired for a unit (某中心通过劳务公司招用的临时工作人员) handle that unit's data", async () => {
    const r = await scan("被告人沈某是某区医疗保障事务中心通过人力资源公司招用的临时工作人员，负责参保登记材料录入。沈某将录入中接触到的参保人姓名、身份证号、电话共2000余条出售给保健品推销人员。");
    expect(r.insider.flag).toBe(true);
    expect(found(r.industries)[0]).toBe("government");
  });

  it("the one who asked for the data (应某商务咨询公司负责人吕某请求) is not the leaker: the clerk who looked it up is", async () => {
    const r = await scan("被告人戴某系某区人民法院劳务派遣制书记员，工作中可登录执行案件管理系统。2021年间，戴某凭借其系统账号，应某商务咨询公司负责人吕某请求，多次查询被执行人名下的银行账户及不动产登记情况，截屏后通过微信发给吕某。");
    expect(r.insider.flag).toBe(true);
    expect(r.insider.evidence.map((e) => e.ruleId)).toContain("role.clerk");
    expect(r.insider.evidence.map((e) => e.ruleId)).not.toContain("role.manager");
    // The leaker is the clerk, not the one who asked (吕某) nor 应某 read off 应某商务咨询公司.
    expect(r.leaks[0]!.leaker?.name).toBe("戴某");
    const asked = await scan("被告人包某系劳务派遣至某市住房公积金管理中心的柜面辅助人员。2022年，包某应贷款中介甘某请求，利用业务系统查询他人公积金账户余额等信息500余条并截图发送，获利1万元。");
    expect(asked.leaks[0]!.leaker?.name).toBe("包某");
  });

  it("a defendant with a rare surname (被告人官某) is a person wherever the name recurs; a collector for a bank's card centre leaks the bank's data", async () => {
    const r = await scan("经审理查明：某商务咨询公司受某银行信用卡中心委托开展逾期账款催收，被告人官某为该公司催收员。2023年，官某将系统中分配给其的持卡人姓名、身份证号、卡号及欠款金额等信息1500余条，出售给他人，获利4500元。");
    expect(r.insider.flag).toBe(true);
    expect(found(r.industries)[0]).toBe("finance");
  });

  it("an organisation met through someone (通过他人介绍结识某物业服务有限公司客服主管) is no means: its staff's data source stands", async () => {
    const r = await scan("经审理查明：被告人盛某系某装饰工程有限公司业务员。2023年4月，盛某通过他人介绍结识某物业服务有限公司客服主管（另案处理），后者利用其管理的业主信息台账，先后向盛某提供某小区业主姓名、房号及电话6200余条。");
    expect(found(r.industries)[0]).toBe("real-estate");
  });

  it("people gathered or notified (召集60岁以上的村民) are not on the receiving side of data: the group stands", async () => {
    const r = await scan("被告人以免费领米面油为名，召集多个村组60岁以上的村民到营业厅办理手机卡，办好后将手机卡收走转卖给他人。");
    expect(found(r.groups)).toEqual(["elderly"]);
    // A group that buys (卖给老年人) is still no victim of the leak.
    const buyers = await scan("被告人将公民个人信息五千余条出售给一家老年人保健品公司用于推销。");
    expect(found(buyers.groups)).toEqual([]);
  });
});
