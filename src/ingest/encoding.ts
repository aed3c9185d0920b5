// Text encoding detection: BOM, then strict UTF-8, then a declared charset (XML/HTML), then strict
// GB18030 (a superset of GBK/GB2312, which is what Chinese court archives use when not UTF-8).
import { InputError } from "../errors.js";

/** Bytes inspected for binary content; like git, a NUL in the first 8000 bytes means binary. */
const BINARY_PROBE_BYTES = 8000;
/** Share of control bytes (other than \t \n \v \f \r ESC) above which a file is not text. */
const CONTROL_RATIO = 0.1;

export interface Detected {
  /** WHATWG label: "utf-8" | "utf-16le" | "utf-16be" | "gb18030" | a forced/declared one. */
  encoding: string;
  /** Length of the byte-order mark at the start (0 when none). */
  bomLength: number;
  /** UTF-8 but for a few stray bytes: decode with U+FFFD in their place (and say so). */
  lenient?: boolean;
}

/**
 * "Mostly UTF-8": at least this many valid multi-byte characters per invalid sequence. GBK text read
 * as UTF-8 has far more invalid sequences than valid ones; UTF-8 with a stray byte or two has
 * thousands of valid characters to each. Checked before GB18030, which decodes much of UTF-8 into
 * mojibake without complaint.
 */
const MOSTLY_UTF8_RATIO = 20;
/**
 * When neither UTF-8 nor GB18030 decodes cleanly: UTF-8 with U+FFFD still beats refusing a text
 * whose non-ASCII characters are at least four in five valid UTF-8; below that it is refused.
 */
export const LENIENT_UTF8_RATIO = 4;

/** Invalid sequences and valid non-ASCII characters of `bytes` read as UTF-8 (U+FFFD for each invalid one). */
export function utf8Damage(bytes: Uint8Array, complete = true): { text: string; replaced: number; valid: number } {
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes, { stream: !complete });
  let replaced = 0;
  let valid = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) replaced++;
    else if (c >= 0x80 && !(c >= 0xdc00 && c <= 0xdfff)) valid++;
  }
  // A U+FFFD written in the document itself (EF BF BD) is not damage.
  replaced -= countLiteralReplacement(bytes);
  return { text, replaced, valid };
}

function countLiteralReplacement(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(0xef); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) n++;
  }
  return n;
}

/** The warning a leniently decoded document carries in its result. */
export function replacementWarning(replaced: number): string {
  return `${replaced} byte sequence${replaced === 1 ? " was" : "s were"} not valid UTF-8 and ${replaced === 1 ? "was" : "were"} replaced with U+FFFD`;
}

export interface DetectOptions {
  /** Use this label; no detection. */
  forced?: string;
  /** A charset the document declares (`<?xml encoding>`, `<meta charset>`): tried after UTF-8. */
  declared?: string;
  /**
   * false when `bytes` is only the head of a longer stream: a multi-byte character cut at the end
   * is then not an error.
   */
  complete?: boolean;
}

/** Normalises a label through TextDecoder; undefined when Node does not know it. */
export function encodingLabel(label: string): string | undefined {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
}

function bomOf(bytes: Buffer): Detected | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { encoding: "utf-8", bomLength: 3 };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", bomLength: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", bomLength: 2 };
  return undefined;
}

/** Why `bytes` is not text, or undefined when it may be. Only for byte-oriented (non UTF-16) text. */
export function binaryReason(bytes: Buffer): string | undefined {
  const n = Math.min(bytes.length, BINARY_PROBE_BYTES);
  if (n === 0) return undefined;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return "binary content (NUL bytes)";
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b) || b === 0x7f) {
      control++;
    }
  }
  return control / n > CONTROL_RATIO ? "binary content (control characters)" : undefined;
}

function decodesStrictly(label: string, bytes: Buffer, complete: boolean): boolean {
  try {
    // stream:true accepts a character cut at the end of a head sample.
    new TextDecoder(label, { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides the encoding of `bytes` (a whole document, or with complete:false the head of a stream).
 * Throws InputError E_BINARY / E_ENCODING naming `source`.
 */
export function detectEncoding(bytes: Buffer, source: string, opts: DetectOptions = {}): Detected {
  const complete = opts.complete ?? true;
  if (opts.forced !== undefined) {
    const label = encodingLabel(opts.forced);
    if (label === undefined) throw new InputError("E_ENCODING", source, `${source}: unknown encoding "${opts.forced}"`);
    const bom = bomOf(bytes);
    const bomLength = bom && bom.encoding === label ? bom.bomLength : 0;
    if (!label.startsWith("utf-16")) rejectBinary(bytes, source);
    return { encoding: label, bomLength };
  }
  const bom = bomOf(bytes);
  if (bom) return bom;
  rejectBinary(bytes, source);
  if (decodesStrictly("utf-8", bytes, complete)) return { encoding: "utf-8", bomLength: 0 };
  if (opts.declared !== undefined) {
    const label = encodingLabel(opts.declared);
    if (label !== undefined && label !== "utf-8" && !label.startsWith("utf-16") && decodesStrictly(label, bytes, complete)) {
      return { encoding: label, bomLength: 0 };
    }
  }
  const damage = utf8Damage(bytes, complete);
  if (damage.valid >= MOSTLY_UTF8_RATIO * damage.replaced) return { encoding: "utf-8", bomLength: 0, lenient: true };
  if (decodesStrictly("gb18030", bytes, complete)) return { encoding: "gb18030", bomLength: 0 };
  if (damage.valid >= LENIENT_UTF8_RATIO * damage.replaced) return { encoding: "utf-8", bomLength: 0, lenient: true };
  throw new InputError("E_ENCODING", source, `${source}: not UTF-8, UTF-16 (with BOM) or GB18030 text; use --encoding to force one`);
}

function rejectBinary(bytes: Buffer, source: string): void {
  const reason = binaryReason(bytes);
  if (reason !== undefined) throw new InputError("E_BINARY", source, `${source}: ${reason}, not a text document`);
}

/**
 * Decodes a whole document. Strategy: BOM, strict UTF-8, strict GB18030 (or `forced`).
 * Throws InputError E_BINARY (NUL or control bytes) or E_ENCODING (undecodable), naming `source`.
 */
export interface Decoded {
  text: string;
  encoding: string;
  /** Said in the document's result: bytes replaced by a lenient UTF-8 decode. */
  warnings?: string[];
}

export function decodeText(bytes: Buffer, source: string, forced?: string): Decoded {
  return decodeTextWith(bytes, source, forced === undefined ? {} : { forced });
}

/** decodeText with a declared-charset hint. */
export function decodeTextWith(bytes: Buffer, source: string, opts: DetectOptions): Decoded {
  const { encoding, bomLength, lenient } = detectEncoding(bytes, source, { ...opts, complete: true });
  if (lenient) {
    const { text, replaced } = utf8Damage(bytes.subarray(bomLength));
    return { text, encoding, warnings: [replacementWarning(replaced)] };
  }
  try {
    // ignoreBOM: the BOM is sliced off here, so a second U+FEFF would be content and is kept.
    const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(bomLength));
    return { text, encoding };
  } catch {
    throw new InputError("E_ENCODING", source, `${source}: bytes are not valid ${encoding}`);
  }
}

/** Decodes the head of a stream loosely, for sniffing only (never for document text). */
export function looseHeadText(head: Buffer): string {
  const bom = bomOf(head);
  const label = bom ? bom.encoding : "utf-8";
  return new TextDecoder(label, { ignoreBOM: true }).decode(head.subarray(bom ? bom.bomLength : 0), { stream: true });
}
