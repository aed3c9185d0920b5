// Shared shapes of the pipeline. Types only: no code lives here.

export type Language = "zh" | "en";

/** One document, as every reader yields it. `text` is the original text (decoded, not normalized). */
export interface Document {
  id: string;
  /** Where it came from: a path, `archive.zip!/inner/path.txt`, `dump.jsonl:12`, `-` for stdin. */
  source: string;
  text: string;
  meta: Record<string, unknown>;
  /** What the reader had to do to get the text (a lenient decode): carried into the result. */
  warnings?: string[];
}

/** A document (or a part of an input) that could not be read or scanned. Never thrown across a batch: recorded. */
export interface Failure {
  source: string;
  id?: string;
  /** 1-based line, for line-oriented inputs (JSONL). */
  line?: number;
  /** Stable machine code, e.g. "E_BINARY", "E_JSON_LINE", "E_XML", "E_ENCODING", "E_TOO_LARGE". */
  code: string;
  /** One line, naming the source (and line). */
  message: string;
}

export type ReadItem = { ok: true; doc: Document } | { ok: false; failure: Failure };

/**
 * Whole JSONL lines as raw bytes, to be parsed where they are scanned (a batch's worker threads)
 * instead of on the reading thread. Only a read asked for chunks yields them (readInputUnits).
 */
export interface LineChunk {
  /** The dump's name: line sources are `${source}:${line}`. */
  source: string;
  /** Its TextDecoder label: one whose bytes never hold LF inside a character (not UTF-16). */
  encoding: string;
  /** 1-based line number of the first line. */
  firstLine: number;
  /** Lines joined by LF, one per source line (blank ones kept for numbering), no CR, no BOM. */
  bytes: Uint8Array;
  /** Non-blank lines: each becomes one result or one failure. */
  items: number;
}

export type ReadUnit = ReadItem | { ok: "chunk"; chunk: LineChunk };

export type RuleKind =
  | "crime"
  | "info-type"
  | "industry"
  | "group"
  | "region"
  | "negation"
  | "zone"
  | "conduct"
  | "role"
  | "access"
  | "flow"
  | "party"
  | "source"
  | "proceeding";

export type FindingKind = Exclude<RuleKind, "negation" | "zone"> | "identifier" | "volume" | "money";

/** One piece of evidence. Offsets always point into the ORIGINAL document text. */
export interface Finding {
  ruleId: string;
  kind: FindingKind;
  /** The dimension the rule feeds: a crime id, industry id, group id, info-type id, region id... */
  target: string;
  start: number;
  end: number;
  /** The matched text, identifiers in it masked (output/redact.ts reveals them for --no-mask). */
  match: string;
  /**
   * What this finding added to its dimension (0 when negated or suppressed); negative for
   * counter-evidence, which multiplies the dimension's score by (1 − |weight|/100).
   */
  weight: number;
  negated?: boolean;
  /** Why it was negated or down-weighted: the cue or zone that did it. */
  note?: string;
}

export interface IdentifierFinding extends Finding {
  kind: "identifier";
  /** "cn-resident-id" | "cn-mobile" | "bank-card" | "email" */
  target: string;
  masked: boolean;
  /** 0..1: checksum, prefix, keyword context. */
  confidence: number;
}

export interface DimensionScore {
  id: string;
  score: number;
  /** Ids (ruleId@start) of the findings behind this score, strongest first. */
  evidence: EvidenceRef[];
}

/**
 * A dimension with its decision: in a result's `crimes`, `infoTypes`… it is *found* (its score
 * reached the dimension's threshold, and more than one hint spoke for it); in `signals` it is not.
 */
export interface Decision extends DimensionScore {
  /**
   * 0..1, fitted on labelled data (rules/calibration.json): among decisions given 0.8, about 8 in
   * 10 are right. For a signal: how likely the dimension is present all the same.
   */
  confidence: number;
}

export type InfoTypeDecision = Decision & { tier: "A" | "B" | "C"; sensitive: boolean };

/** Evidence that did not reach a decision: listed apart, weighing nothing in flags, severity or counts. */
export interface Signals {
  crimes: Decision[];
  infoTypes: InfoTypeDecision[];
  industries: Decision[];
  groups: Decision[];
  regions: Decision[];
  /** The findings of these dimensions (not listed among the result's `findings`). */
  findings: Finding[];
}

export interface EvidenceRef {
  ruleId: string;
  start: number;
  end: number;
  match: string;
}

export type Severity = "none" | "serious" | "especially-serious";

export interface Volume {
  /** The info-type id this count is bound to, or "personal-information" when unbound. */
  infoType: string;
  tier: "A" | "B" | "C";
  count: number;
  /** true when written with 余/多/约/以上: a lower bound. */
  approximate: boolean;
  start: number;
  end: number;
  match: string;
  /** "prose" | "identifiers" (counted from unmasked identifiers in the document) */
  from: "prose" | "identifiers";
}

export interface Money {
  /** "gain" (违法所得/获利) | "fraud" (骗取) | "settlement" (支付结算) | "other" */
  role: "gain" | "fraud" | "settlement" | "other";
  yuan: number;
  approximate: boolean;
  start: number;
  end: number;
  match: string;
}

/** People harmed, as the prose counts them (被害人30余名, 120余名老年人). */
export interface VictimCount {
  count: number;
  approximate: boolean;
  start: number;
  end: number;
  match: string;
}

export interface SeverityBasis {
  /** Human-readable: which count and threshold decided it. */
  reason: string;
  /** Whether record counts, the illegal gain, or the level the text states (情节严重, the court's finding) decided. */
  by: "count" | "gain" | "stated";
  /** The counts' or gain's value as a fraction of the "serious" threshold (1.0 = exactly serious); null when the level is stated and nothing was counted. */
  ratio: number | null;
  insiderHalved: boolean;
}

export interface Flag {
  id: string;
  /** One sentence: why the flag was raised. */
  reason: string;
  /** 0..1: how likely the flag is right, from the confidences of the decisions it rests on. */
  confidence: number;
  evidence: EvidenceRef[];
}

/** A piece of a leak chain: where the text says it (offsets into the original text) and what it says. */
export interface LeakPart {
  start: number;
  end: number;
  /** The text there; identifiers masked as in findings. */
  match: string;
}

/**
 * One leak as the text tells it: the source that held the data, the leaker, the data and its
 * count, whose data it is, and who received it. Any part the text does not name is null or empty.
 */
export interface Leak {
  /** The organisation or system the data came from, with its industries (holder first; empty when outside the vocabulary). */
  source: (LeakPart & {
    industries: string[];
    /** "organisation" or "system" phrase, or "mention": only the words that named its industry (学籍, 招聘网站). */
    type: "organisation" | "system" | "mention";
    /** The first industry's Chinese label, null when the source has none in the vocabulary. */
    label: string | null;
  }) | null;
  leaker: {
    /** The leaker's name, masked to surname + 某; null when the chain names nobody. */
    name: string | null;
    /** label: the role's Chinese label (rules/roles.yaml), for a role said with a frame (在…工作). */
    role: (LeakPart & { id: string; ruleId: string; label: string }) | null;
    access: (LeakPart & { id: string; ruleId: string; label: string }) | null;
    insider: boolean;
    score: number;
  } | null;
  /** The verb that moved the data. */
  flow: LeakPart & { id: string; direction: "out" | "in" | "hold" | "exchange"; ruleId: string };
  /** The data moved: information types (infoType, with its Chinese label) or bare data words (infoType null, label the word). */
  data: (LeakPart & { infoType: string | null; label: string })[];
  /** The largest record count stated with the chain. */
  count: (LeakPart & { count: number; approximate: boolean }) | null;
  /** Whose data it is: group mentions placed as subjects or victims (group), and people nouns owning the data. */
  subjects: (LeakPart & { group: string | null })[];
  /** Who received it (卖给…, 提供给…). */
  recipients: LeakPart[];
}

/** A quoted part of the text that names the case: offsets into the original text and the text there. */
export interface CaseMetaField {
  start: number;
  end: number;
  /** The text there; for a defendant, the name masked to surname + 某 (--no-mask cuts it again from the text). */
  match: string;
}

export type DocumentType = "indictment" | "judgment" | "ruling" | "non-prosecution" | "filing";

/**
 * What names the case, where the text states it (score/case-meta.ts); null or empty otherwise (CAIL
 * facts have no header). `date` is the date the document was signed, `iso` its reading (null when unreadable).
 */
export interface CaseMeta {
  number: CaseMetaField | null;
  court: CaseMetaField | null;
  procuratorate: CaseMetaField | null;
  date: (CaseMetaField & { iso: string | null }) | null;
  documentType: (CaseMetaField & { id: DocumentType }) | null;
  defendants: CaseMetaField[];
}

export type ReviewDecision = "confirmed" | "false-positive" | "transferred" | "ignore";

/** A reviewer's decisions applied to a result (output/review.ts): never written by a scan itself. */
export interface Review {
  /** The decision on the whole case, when there is one. */
  decision?: ReviewDecision;
  reviewer?: string;
  time?: string;
  note?: string;
  /** Flags a false-positive or ignore decision took out of `flags` (they count nowhere). */
  suppressedFlags: string[];
  /** Fingerprints of findings a false-positive or ignore decision took out of `findings`. */
  suppressedFindings: string[];
  /** The document was in the --baseline results: the flags it had there are suppressed (only new ones stay). */
  inBaseline?: boolean;
}

export interface CaseResult {
  /**
   * 2 added `leaks` and the role/access/flow/source evidence kinds; industries, groups and insider come from the leak chains.
   * 3: `crimes`, `infoTypes`, `industries`, `groups`, `regions` list found dimensions only, each with a `confidence`;
   * the rest, with their findings, are under `signals`; flags and insider carry a `confidence`.
   * 4: `case` (number, court, procuratorate, date, document type, defendants).
   */
  schemaVersion: 5;
  id: string;
  source: string;
  /** What names the case (案号, court, procuratorate, date, document type, defendants), where the text states it. */
  case: CaseMeta;
  /** sha256 of the document text: batch and queue output carry it (resume, dedupe). */
  contentHash?: string;
  language: Language;
  score: number;
  severity: Severity;
  severityBasis: SeverityBasis | null;
  crimes: Decision[];
  infoTypes: InfoTypeDecision[];
  industries: Decision[];
  groups: Decision[];
  /** flag: an insider chain reached the insider threshold; confidence: how likely an insider leaked. */
  insider: { flag: boolean; score: number; confidence: number; evidence: EvidenceRef[] };
  /** The leak chains read in the text, strongest first (an insider's with an access phrase first). */
  leaks: Leak[];
  regions: Decision[];
  volumes: Volume[];
  money: Money[];
  victims: VictimCount[];
  flags: Flag[];
  /** The evidence of the found dimensions, and every other kind (identifiers, chain parts, conduct). */
  findings: Finding[];
  signals: Signals;
  /**
   * Findings left out of `findings` because one rule matched more than 1,000 times (only on
   * term-dense documents); the scores, severity and flags above counted them all.
   */
  findingsOmitted?: number;
  /** What reading the document took that an analyst should know (bytes replaced in decoding). */
  warnings?: string[];
  /** Review decisions applied (caseflag review; --decisions): the case's decision and what was suppressed. */
  review?: Review;
}

/** What batch and queue write a line for: a result or a recorded failure. */
export type Outcome = { ok: true; result: CaseResult } | { ok: false; failure: Failure };
