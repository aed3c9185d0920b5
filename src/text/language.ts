// Language by script ratio. A Han character carries about as much as a short English word, so a document
// is Chinese as soon as Han characters are a modest share of the letters: a Chinese judgment quoting
// English company names stays "zh", an English filing quoting a Chinese name (张三) stays "en".

import type { Language } from "../types.js";

/** Han characters per Latin letter at or above which a document is Chinese (1 Han : 5 letters). */
export const HAN_PER_LATIN = 0.2;

/** Only the first this many UTF-16 units are inspected: enough to decide, cheap on huge inputs. */
const SAMPLE = 20_000;

export function detectLanguage(text: string): Language {
  const n = Math.min(text.length, SAMPLE);
  let han = 0;
  let latin = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      const l = c | 0x20;
      if (l >= 0x61 && l <= 0x7a) latin++;
    } else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) {
      han++;
    } else if ((c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)) {
      latin++; // fullwidth and accented Latin letters
    }
  }
  if (latin === 0) return "zh"; // Han-only, or no letters at all: the corpus default
  return han >= HAN_PER_LATIN * latin ? "zh" : "en";
}
