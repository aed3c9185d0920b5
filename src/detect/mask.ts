// How each identifier is written masked, and a text with its identifiers masked in place. Masks
// keep the string's length and separators, so offsets into a masked text still point at the same
// characters as in the original. Which outputs show what is decided in one place: output/redact.ts.
//
// What stays visible, and why:
// - resident id 110105********002x: the area code (regions and cross-region flags are derived
//   from it) and the last four (sequence and check, the "尾号" judgments themselves quote); the
//   birth date, the part that narrows an area to a handful of people, is hidden.
// - mobile 139****5678: the usual published form; the prefix says little since number portability.
// - bank card 6222 **** **** 1234: issuer prefix and last four, as banks print them.
// - e-mail z*******@qq.com: first letter and the (provider) domain.

import { detectIdentifiers, type DetectIdentifiersOptions, type IdentifierType } from "./identifiers.js";

/**
 * Masks one identifier value; characters that are not digits (spaces, +, -) stay in place.
 * A value already written masked (138****1234, 138xxxx1234, 尾号1234, 身份证号码（略）) comes back as is.
 */
export function maskIdentifier(type: IdentifierType, value: string): string {
  if (ALREADY_MASKED.test(value) || (type !== "email" && /xxx/i.test(value))) return value;
  switch (type) {
    case "cn-resident-id": {
      const n = countSignificant(value);
      return n === 15 ? keepEnds(value, 6, 3) : keepEnds(value, 6, 4);
    }
    case "cn-mobile": {
      const n = countSignificant(value);
      const prefix = n === 13 ? 2 : n === 14 ? 3 : 0; // 86 / 086 before the 11 digits
      return keepEnds(value, prefix + 3, 4);
    }
    case "bank-card":
      return keepEnds(value, 4, 4);
    case "email": {
      const at = value.indexOf("@");
      if (at <= 0) return value.replace(/[^@.]/g, "*");
      const local = value.slice(0, at);
      const shown = local.length === 1 ? "*" : local[0] + "*".repeat(local.length - 1);
      return shown + value.slice(at);
    }
  }
}

/** Mask characters, or words (尾号, 略): nothing left to hide. */
const ALREADY_MASKED = /[*×●•＊]|[\u3400-\u9fff]/;

/** Digits (also fullwidth, for original text) and the id check character count as positions; separators do not. */
const SIGNIFICANT = /[0-9xX０-９ｘＸ]/;

function countSignificant(value: string): number {
  let n = 0;
  for (const ch of value) if (SIGNIFICANT.test(ch)) n++;
  return n;
}

/** Keeps the first `head` and last `tail` significant characters, stars the rest. */
function keepEnds(value: string, head: number, tail: number): string {
  const n = countSignificant(value);
  // Too short to keep both ends and still hide something: hide all but the last two.
  if (n <= head + tail) {
    head = 0;
    tail = Math.min(2, Math.max(0, n - 2));
  }
  let i = 0;
  let out = "";
  for (const ch of value) {
    if (SIGNIFICANT.test(ch)) {
      out += i < head || i >= n - tail ? ch : "*";
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Masks every unmasked identifier detectIdentifiers finds. Works on original text as well as
 * normalized: fullwidth ASCII is folded and ASCII lowercased for detection only, both of which keep
 * offsets, and only the characters that become `*` are replaced. Output length = input length.
 */
export function maskText(text: string, opts: DetectIdentifiersOptions = {}): string {
  const folded = foldForDetection(text);
  const matches = detectIdentifiers(folded, opts).filter((m) => !m.masked);
  if (matches.length === 0) return text;
  const chars = text.split("");
  for (const m of matches) {
    const masked = maskIdentifier(m.type, folded.slice(m.start, m.end));
    for (let k = 0; k < masked.length; k++) {
      if (masked[k] === "*" && folded[m.start + k] !== "*") chars[m.start + k] = "*";
    }
  }
  return chars.join("");
}

/** Length-preserving subset of normalization: fullwidth ASCII → ASCII, A–Z → a–z. */
function foldForDetection(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0).toLowerCase();
    else if (c === 0x3000) out += " ";
    else if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(c + 32);
    else out += text[i];
  }
  return out;
}
