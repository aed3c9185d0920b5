// THE path from a document to its result. `scan`, `batch`, the queue worker, `eval` and `keywords`
// all call scanDocument (or analyzeDocument, which also hands back the text as it was read);
// nothing is re-implemented per entry point. Pure: no I/O, no printing.
//
// A result never quotes an identifier: every match is cut from the original text with its
// identifiers masked in place (same length, same offsets), and the document's id and source are
// masked too. Whether an output shows them after all (--no-mask) is the output module's decision
// (output/redact.ts), which re-cuts from the document's own text.
import { createBudget, type BudgetLimits } from "./budget.js";
import { detectIdentifiers, type IdentifierMatch } from "./detect/identifiers.js";
import { BOOST_FACTOR, matchRules, type RawFinding, type TextView } from "./detect/match.js";
import { createMarkerLookup } from "./detect/markers.js";
import { extractMoney } from "./detect/money.js";
import { decidedLevel, findStatedSeverity } from "./detect/stated-severity.js";
import { extractVictims } from "./detect/victims.js";
import { firstScopeAt } from "./detect/spans.js";
import { extractVolumes, volumesFromIdentifiers } from "./detect/volumes.js";
import type { Engine } from "./engine.js";
import { maskIdentifier, maskText } from "./detect/mask.js";
import type { LoadedKind } from "./rules/types.js";
import { BINDING_KINDS, attribute, type Adjustment, type AttributionMention } from "./score/attribution.js";
import { toLeaks } from "./score/leaks.js";
import { extractCaseMeta } from "./score/case-meta.js";
import { assembleResult } from "./score/result.js";
import { detectLanguage, normalize, tokenizeEnglish, type NormalizedText } from "./text/index.js";
import { hasMask, maskNameInPlace, nameOccurrences } from "./text/names.js";
import { indexSentences } from "./text/sentences.js";
import { createTokenBoundaries } from "./text/token-boundaries.js";
import type { CaseResult, Document, Finding, IdentifierFinding, Language, Money, VictimCount, Volume } from "./types.js";

export interface ScanOptions {
  /** Time and match limits for this document (defaults in budget.ts); past them it throws BudgetError. */
  budget?: BudgetLimits;
  /**
   * Keep every match of the binding kinds (role, access, flow, party, source, proceeding) among the
   * findings, not only those that are parts of a leak chain: for rule examples and debugging.
   */
  allBindings?: boolean;
  /** Decisions and flags below this confidence (0..1) are kept as signals (`--min-confidence`). Default 0. */
  minConfidence?: number;
}

/** What the leak chain reads: the binding kinds and the dimensions it places or binds. */
const CHAIN_KINDS: ReadonlySet<string> = new Set([...BINDING_KINDS, "industry", "group", "info-type"]);

/** How much of the sentence before a stated level its reason quotes (…非法获取公民个人信息，情节严重). */
const STATED_QUOTE = 24;

/** Identifier confidence below this is kept out of findings: a long number, not an identifier. */
const MIN_IDENTIFIER_CONFIDENCE = 0.3;
const HAS_LATIN_WORD = /[a-z]{2}/;

/** The text a scan read, for callers that look at it further (keyword capture): as scanDocument saw it. */
export interface ScannedText {
  /** Normalized text with its offset map back to the original. */
  norm: NormalizedText;
  language: Language;
  /** English tokens (stems), or those of a Chinese document's Latin runs; null when it has none. */
  english: TextView["english"];
  /** Identifiers found, in normalized offsets (masked ones included; low confidence ones too). */
  identifiers: IdentifierMatch[];
}

export interface Analysis {
  result: CaseResult;
  text: ScannedText;
}

export function scanDocument(doc: Document, engine: Engine, options: ScanOptions = {}): CaseResult {
  return analyzeDocument(doc, engine, options).result;
}

/** scanDocument, handing back the text as it read it too. */
export function analyzeDocument(doc: Document, engine: Engine, options: ScanOptions = {}): Analysis {
  const budget = createBudget(options.budget);
  const norm = normalize(doc.text);
  const text = norm.text;
  const language = detectLanguage(text);
  const sentences = indexSentences(text);
  const view: TextView = {
    text,
    english: null,
    sentences,
    isTokenSpan: language === "zh" ? createTokenBoundaries(text, engine.segmenter, sentences, budget) : null,
  };
  if (HAS_LATIN_WORD.test(text)) view.english = language === "en" ? tokenizeEnglish(text) : latinTokens(text);

  const matched = matchRules(view, engine.compiled, budget);
  // Repetitions of a rule past the cap weigh nothing (a rule counts once): left out before they
  // are turned into findings, so a term-dense document costs no more than its evidence.
  const ruleFindings = capPerRule(matched.findings, (f) => f.rule.index, (f) => f.weight > 0);
  budget.check();
  const detected = detectIdentifiers(text, { contextTerms: engine.identifierContext });
  // The defendants the text names (read from the original: case numbers and names keep their form).
  const caseMeta = extractCaseMeta(doc.text);
  // Every match a result quotes is cut from this text: the original with its identifiers masked
  // (same length, same offsets), so a rule match spanning a phone number never shows it.
  const shown = maskDefendants(maskedOriginal(detected, norm), caseMeta.defendants);

  // What lies inside a zone (an unproven charge, a defence argument, a case number) was not found
  // by the court: identifiers there are negated, and counts of records, money and victims there
  // do not count, as rule findings there are negated by matchRules.
  const zones = matched.scopes.filter((s) => s.ruleId.startsWith("zone."));
  const zoneAt = firstScopeAt(zones);
  const outsideZones = (v: { start: number }): boolean => zoneAt(v.start) === undefined;
  // A zone that spares what a leak verb binds (the evidence list) is about what a passage says, not
  // what the document prints: an unmasked identifier there is still in the document.
  const identifierZoneAt = firstScopeAt(zones.filter((s) => !s.spare));

  const ids = detected.filter((m) => m.confidence >= MIN_IDENTIFIER_CONFIDENCE);

  const infoDims = engine.ruleSet.dimensions.get("info-type");
  const infoSpans = matched.findings
    .filter((f) => f.rule.rule.kind === "info-type" && !f.negated)
    .map((f) => ({ target: f.rule.rule.target, tier: infoDims?.get(f.rule.rule.target)?.tier ?? "C", start: f.start, end: f.end }));
  budget.check();
  const proseVolumes = extractVolumes(text, infoSpans).filter(outsideZones);
  const normVolumes = [...proseVolumes, ...volumesFromIdentifiers(ids.filter((m) => m.valid && identifierZoneAt(m.start) === undefined))];

  // The leak chains, and what they decide for industries, groups, insider and the PI crime.
  const mentionOf = new Map<RawFinding, AttributionMention>();
  for (const f of ruleFindings.kept) {
    if (!CHAIN_KINDS.has(f.rule.rule.kind) && f.rule.rule.proceedings === null) continue;
    mentionOf.set(f, {
      ruleId: f.rule.rule.id,
      kind: f.rule.rule.kind,
      target: f.rule.rule.target,
      start: f.start,
      end: f.end,
      weight: baseWeight(f),
      negated: f.negated,
      negatedBy: f.negated && f.note !== undefined ? f.note.replace(/^in scope of /, "") : null,
      proceedings: f.rule.rule.proceedings,
    });
  }
  const markerLookup = createMarkerLookup(text, engine.compiled, matched.hits);
  const asMention = (m: { start: number; end: number; rule: { rule: { id: string; kind: string; target: string } } }) => ({
    ruleId: m.rule.rule.id,
    kind: m.rule.rule.kind,
    target: m.rule.rule.target,
    start: m.start,
    end: m.end,
    weight: 0,
  });
  // The defendants the filing introduces (被告人官某) are people wherever their names recur, whatever
  // the surname: the masked-name pattern knows the common surnames only.
  const defendantMentions = defendantPersons(text, caseMeta.defendants.map((d) => normalize(doc.text.slice(d.start, d.end)).text));
  const findMarkers = (target: string, from: number, to: number) => {
    const found = markerLookup.find(target, from, to).map(asMention);
    if (target !== "person" || defendantMentions.length === 0) return found;
    const more = defendantMentions.filter((p) => p.start >= from && p.start < to && !found.some((f) => f.start < p.end && p.start < f.end));
    return more.length === 0 ? found : [...found, ...more].sort((a, b) => a.start - b.start);
  };
  const attribution = attribute({
    text,
    mentions: [...mentionOf.values()],
    volumes: proseVolumes,
    rules: engine.chainRules,
    tick: () => budget.tick(),
    markers: { find: findMarkers },
  });
  const adjustmentOf = (f: RawFinding): Adjustment | undefined => {
    const m = mentionOf.get(f);
    return m && attribution.adjust.get(m);
  };
  reweigh(ruleFindings.kept, adjustmentOf);
  budget.check();

  const findings: Finding[] = [];
  for (const f of ruleFindings.kept) {
    const m = mentionOf.get(f);
    if (BINDING_KINDS.has(f.rule.rule.kind) && !options.allBindings && !(m && attribution.parts.has(m))) continue;
    const finding = toFinding(f, norm, shown);
    const adj = adjustmentOf(f);
    if (adj) finding.note = adj.note;
    findings.push(finding);
  }
  // Markers are looked up, not listed; rule examples and debugging see them all.
  if (options.allBindings) {
    for (const m of markerLookup.all()) {
      const { start, end } = norm.spanToOriginal(m.start, m.end);
      findings.push({ ...asMention(m), kind: m.rule.rule.kind as Finding["kind"], start, end, match: shown.slice(start, end) });
    }
  }
  for (const d of attribution.derived) {
    const { start, end } = norm.spanToOriginal(d.start, d.end);
    findings.push({ ruleId: d.ruleId, kind: d.kind, target: d.target, start, end, match: shown.slice(start, end), weight: d.weight, note: d.note });
  }
  // Indexed, not for-of: an array iterator here deoptimized on every document whose list came
  // back empty in another elements kind (seen with --trace-deopt).
  for (let i = 0; i < ids.length; i++) {
    const m = ids[i]!;
    findings.push(toIdentifierFinding(m, norm, shown, engine, identifierZoneAt(m.start)?.ruleId));
  }

  const volumes: Volume[] = normVolumes.map((v) => {
    const span = remap(v, norm, shown);
    // Identifier counts span the listed values: their match is a count, never the values.
    return v.from === "identifiers" ? { ...v, start: span.start, end: span.end } : { ...v, ...span };
  });
  const money: Money[] = extractMoney(text)
    .filter(outsideZones)
    .map((m) => ({ ...m, ...remap(m, norm, shown) }));
  const victims: VictimCount[] = extractVictims(text)
    .filter(outsideZones)
    .map((v) => ({ ...v, ...remap(v, norm, shown) }));
  // The level a court states for the offence (情节严重) decides over the counts we read.
  const stated = decidedLevel(findStatedSeverity(text, (at) => sentences.startOf(at), (at) => zoneAt(at) === undefined));
  const statedSeverity = stated ? { severity: stated.severity, court: stated.court, quote: remap(quoteSpan(text, sentences.startOf(stated.start), stated), norm, shown).match } : null;
  const insider = {
    score: attribution.insider.score,
    halves: attribution.insider.halves,
    evidence: attribution.insider.evidence.map((e) => ({ ruleId: e.ruleId, ...remap(e, norm, shown) })),
  };
  // Leak parts are cut from the shown text: identifiers in them are masked as in the findings.
  const leaks = toLeaks(attribution.leaks, {
    span: (x) => remap(x, norm, shown),
    label: (kind, id) => engine.ruleSet.dimensions.get(kind as LoadedKind)?.get(id)?.label?.zh,
  });

  budget.check();
  findings.sort((a, b) => a.start - b.start || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  const result = assembleResult({
    // A file named after a person, an id field holding a phone number: masked like the findings.
    id: maskText(doc.id, { contextTerms: engine.identifierContext }),
    source: maskText(doc.source, { contextTerms: engine.identifierContext }),
    case: caseMeta,
    language,
    findings,
    volumes,
    money,
    statedSeverity,
    victims,
    insider,
    leaks,
    industryOrder: attribution.industryOrder,
    rules: engine.ruleSet,
    ...(options.minConfidence !== undefined ? { minConfidence: options.minConfidence } : {}),
  });
  // Identifiers were all counted (the unmasked-identifier flag and severity need the number);
  // past the cap, only their count stays.
  const identifierFindings = capPerRule(result.findings, (f) => (f.kind === "identifier" ? f.ruleId : ""), (f) => f.kind !== "identifier");
  const omitted = ruleFindings.omitted + identifierFindings.omitted;
  const out = omitted === 0 ? result : { ...result, findings: identifierFindings.kept, findingsOmitted: omitted };
  return {
    result: doc.warnings && doc.warnings.length > 0 ? { ...out, warnings: [...doc.warnings] } : out,
    text: { norm, language, english: view.english, identifiers: detected },
  };
}

/**
 * Findings kept per rule (or identifier detector), in text order. A term-dense document would
 * otherwise carry hundreds of thousands of repetitions into every output line and the results
 * stream. Those left out are counted in the result's `findingsOmitted`.
 */
export const MAX_FINDINGS_PER_RULE = 1_000;

function capPerRule<T extends { start: number }>(
  list: readonly T[],
  key: (t: T) => string | number,
  alwaysKeep: (t: T) => boolean,
): { kept: T[]; omitted: number } {
  const seen = new Map<string | number, number>();
  const kept: T[] = [];
  let omitted = 0;
  for (const t of list) {
    const k = key(t);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    if (n <= MAX_FINDINGS_PER_RULE || alwaysKeep(t)) kept.push(t);
    else omitted++;
  }
  return { kept, omitted };
}

/** How many times one defendant's name is followed through a text (a hostile text repeats it endlessly). */
const MAX_DEFENDANT_MENTIONS = 200;

/** Every occurrence of the defendants' names in the normalized text, as person mentions. */
function defendantPersons(text: string, names: readonly string[]): { ruleId: string; kind: string; target: string; start: number; end: number; weight: number }[] {
  const out: { ruleId: string; kind: string; target: string; start: number; end: number; weight: number }[] = [];
  for (const name of new Set(names)) {
    if (name.length < 2) continue;
    for (const at of nameOccurrences(text, name, MAX_DEFENDANT_MENTIONS)) {
      out.push({ ruleId: "party.person.defendant", kind: "party", target: "person", start: at, end: at + name.length, weight: 0 });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A match's weight before "a rule counts once" (match.ts) gave it to one occurrence. */
function baseWeight(f: RawFinding): number {
  return Math.min(100, f.rule.rule.weight * (f.boosted ? BOOST_FACTOR : 1));
}

/**
 * Applies the chains' weight changes, then gives each changed rule's weight again to its strongest
 * occurrence that still counts (the one match.ts chose may be the one the chain demoted).
 */
function reweigh(findings: RawFinding[], adjustment: (f: RawFinding) => Adjustment | undefined): void {
  const touched = new Set<number>();
  for (const f of findings) if (adjustment(f)) touched.add(f.rule.index);
  if (touched.size === 0) return;
  const best = new Map<number, RawFinding>();
  for (const f of findings) {
    if (!touched.has(f.rule.index)) continue;
    const adj = adjustment(f);
    f.weight = 0;
    if (f.negated || adj) continue;
    const b = best.get(f.rule.index);
    if (!b || baseWeight(f) > baseWeight(b) || (baseWeight(f) === baseWeight(b) && f.start < b.start)) best.set(f.rule.index, f);
  }
  for (const f of best.values()) f.weight = baseWeight(f);
}

const LATIN_RUN = /[a-z0-9](?:[a-z0-9'.,&\- ]*[a-z0-9])?/g;

/**
 * English tokens of a Chinese document: only its Latin runs (APP, QQ, "credit report") are
 * tokenized and stemmed, not the whole text. A gap of anything but spaces between two runs is a
 * break, so an English phrase never matches across Chinese text.
 */
function latinTokens(text: string): { start: number; end: number; stem: string }[] {
  const out: { start: number; end: number; stem: string }[] = [];
  LATIN_RUN.lastIndex = 0;
  for (let m = LATIN_RUN.exec(text); m !== null; m = LATIN_RUN.exec(text)) {
    if (!/[a-z]/.test(m[0])) continue;
    if (out.length > 0) out.push({ start: m.index, end: m.index, stem: "\u0000" });
    for (const t of tokenizeEnglish(m[0])) out.push({ start: m.index + t.start, end: m.index + t.end, stem: t.stem });
  }
  return out;
}

function remap(span: { start: number; end: number }, norm: NormalizedText, original: string) {
  const { start, end } = norm.spanToOriginal(span.start, span.end);
  return { start, end, match: original.slice(start, end) };
}

/** The words before a stated level that its reason quotes: from a clause start, at most STATED_QUOTE characters back. */
function quoteSpan(text: string, sentenceStart: number, stated: { start: number; end: number }): { start: number; end: number } {
  let from = Math.max(sentenceStart, stated.start - STATED_QUOTE);
  if (from > sentenceStart) {
    const comma = text.slice(from, stated.start).search(/[，,；;]/);
    if (comma >= 0 && from + comma + 1 < stated.start - 2) from += comma + 1;
  }
  return { start: from, end: stated.end };
}

/** The original text with every unmasked identifier masked in place (masks keep length). */
function maskedOriginal(ids: IdentifierMatch[], norm: NormalizedText): string {
  let out = "";
  let at = 0;
  for (const m of ids) {
    if (m.masked) continue;
    const { start, end } = norm.spanToOriginal(m.start, m.end);
    if (start < at) continue;
    out += norm.original.slice(at, start) + maskIdentifier(m.type, norm.original.slice(start, end));
    at = end;
  }
  return at === 0 ? norm.original : out + norm.original.slice(at);
}

/**
 * The shown text with every written-out defendant name (王小明, as the party list introduced it)
 * masked wherever it occurs: surname kept, the rest 某, same length, so offsets hold. A quote of
 * "被告人王小明出售…" then reads "被告人王某某出售…"; --no-mask re-cuts from the document itself.
 * Names already masked in the text (张某, 李×1) are left as they are.
 */
function maskDefendants(shown: string, defendants: readonly { start: number; end: number }[]): string {
  let out = shown;
  for (const d of defendants) {
    const name = shown.slice(d.start, d.end);
    if (name.length < 2 || hasMask(name)) continue;
    out = out.split(name).join(maskNameInPlace(name));
  }
  return out;
}

function toFinding(f: RawFinding, norm: NormalizedText, shown: string): Finding {
  const { start, end } = norm.spanToOriginal(f.start, f.end);
  const finding: Finding = {
    ruleId: f.rule.rule.id,
    kind: f.rule.rule.kind as Finding["kind"],
    target: f.rule.rule.target,
    start,
    end,
    match: shown.slice(start, end),
    // Counter-evidence weighs against its dimension: a negative weight (score/dimensions.ts).
    weight: f.rule.rule.counter && f.weight > 0 ? -round2(f.weight) : round2(f.weight),
  };
  if (f.negated) finding.negated = true;
  if (f.note !== undefined) finding.note = f.note;
  return finding;
}

function toIdentifierFinding(
  m: IdentifierMatch,
  norm: NormalizedText,
  shown: string,
  engine: Engine,
  negatedBy: string | undefined,
): IdentifierFinding {
  const { start, end } = norm.spanToOriginal(m.start, m.end);
  const rule = engine.identifierRules.get(m.type);
  const f: IdentifierFinding = {
    ruleId: rule?.id ?? `id.${m.type}`,
    kind: "identifier",
    target: m.type,
    start,
    end,
    match: shown.slice(start, end),
    weight: negatedBy ? 0 : round2((rule?.weight ?? 20) * m.confidence * (m.masked ? 0.5 : 1)),
    masked: m.masked,
    confidence: round2(m.confidence),
  };
  if (negatedBy) {
    f.negated = true;
    f.note = `in scope of ${negatedBy}`;
  }
  return f;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
