// The redaction policy: the one place that decides what an output shows of a document. Every line,
// report, status print and log that can quote a document goes through a Redactor.
//
// A scan's result never quotes an identifier (pipeline.ts: every match is cut from the text with its
// identifiers masked in place, and the document's id and source are masked). Masking (the default)
// therefore leaves a result as it is and masks the free text around it: failure messages, paths,
// report context. `--no-mask` reveals: every quote is cut again from the document's own text, and
// the id and source are the document's.
import type { DetectIdentifiersOptions } from "../detect/identifiers.js";
import { maskIdentifier, maskText } from "../detect/mask.js";
import type { CaseResult, Document, Failure } from "../types.js";

export interface Redactor {
  readonly mask: boolean;
  /** Free text a person reads: a message, a path, a report snippet's context. */
  text(s: string): string;
  /** A failure as written: its source, id and message (a file may be named after the person it is about). */
  failure<F extends Pick<Failure, "source" | "id" | "message">>(f: F): F;
  /** A result as written, for the document it came from. */
  result(r: CaseResult, doc: Pick<Document, "id" | "source" | "text">): CaseResult;
}

/**
 * Digit runs the identifier detectors do not claim but a person reads as an account: 15 or more
 * digits (a bank account, an 18-digit number failing the ID checksum), or 8 to 14 after an account
 * word (账号, 账户, 卡号…). Masked as banks print card numbers (first four, last four). Invoice and
 * case numbers are shorter and stand after no such word.
 */
const LONG_DIGITS = /(?<![0-9*])[0-9]{15,}(?![0-9*])/g;
const ACCOUNT_DIGITS = /((?:账号|帐号|账户|帐户|卡号|银行卡)[:：为是]?\s*)([0-9]{8,14})(?![0-9*])/g;

export function maskAccountNumbers(s: string): string {
  return s.replace(LONG_DIGITS, (run) => maskIdentifier("bank-card", run)).replace(ACCOUNT_DIGITS, (_, word: string, run: string) => word + maskIdentifier("bank-card", run));
}

function masking(opts: DetectIdentifiersOptions): Redactor {
  const text = (s: string): string => maskAccountNumbers(maskText(s, opts));
  return {
    mask: true,
    text,
    failure(f) {
      const out = { ...f, source: text(f.source), message: text(f.message) };
      if (f.id !== undefined) out.id = text(f.id);
      return out;
    },
    result: (r) => r,
  };
}

const revealing: Redactor = {
  mask: false,
  text: (s) => s,
  failure: (f) => f,
  result: (r, doc) => ({ ...(recut(r, doc.text) as CaseResult), id: doc.id, source: doc.source }),
};

/**
 * The redactor for a --no-mask flag (mask: true unless asked otherwise). `contextTerms`: the
 * identifier context words of the engine's packs (default: the bundled pack's), so free text is
 * masked with the same words the scan found identifiers with.
 */
export function redactorFor(mask = true, contextTerms?: DetectIdentifiersOptions["contextTerms"]): Redactor {
  return mask ? (contextTerms ? masking({ contextTerms }) : MASKED) : revealing;
}

/** What every store and print of the queue uses: results there are always masked. */
export const MASKED = masking({});

interface Quote {
  start: number;
  end: number;
  match: string;
}

function isQuote(v: object): v is Quote {
  const q = v as Partial<Quote>;
  return typeof q.start === "number" && typeof q.end === "number" && typeof q.match === "string";
}

/**
 * Every quote in a result (findings, evidence, counts, money, victims) cut again from the text. A
 * count of identifiers listed in the document quotes no text ("3 × cn-mobile"): it stays.
 */
function recut(r: CaseResult, text: string): unknown {
  const counts = new Set(r.volumes.filter((v) => v.from === "identifiers").map((v) => `${v.start}:${v.end}:${v.match}`));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== "object" || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    if (isQuote(v) && !counts.has(`${v.start}:${v.end}:${v.match}`)) out["match"] = text.slice(v.start, v.end);
    return out;
  };
  return walk(r);
}
