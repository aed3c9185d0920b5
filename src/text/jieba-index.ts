// jieba's dictionary as a hash table that loads without parsing, so a one-document scan can give
// jieba only the entries its text can use.
//
// Why: loading the whole dictionary (349,045 entries) into @node-rs/jieba takes ~130–200 ms, most
// of a `caseflag scan` of one file. jieba segments a text from the dictionary words that occur in
// it and the dictionary's total frequency (a word's weight is ln(freq / total)), nothing else. So
// a dictionary of just the words occurring in the text, plus one placeholder entry that keeps the
// total what the full dictionary's is, cuts the text exactly as the full one does (checked on
// every CAIL fact and fixture in test/text-jieba-index.test.ts), and loads in well under 1 ms.
//
// Layout (little-endian), built by `npm run build` (scripts/build/jieba-index.ts) into dist/:
//   u32 magic, u32 words, u32 slots, u32 unitsLength, f64 total,
//   u32 table[slots]      word index + 1 at the slot its hash probes to, 0 = empty
//   u32 start[words + 1]  offset of each word in `units`
//   u32 freq[words]
//   u16 units[unitsLength]  the words, UTF-16 code units back to back
//   u8  tags[words]         TAG_NOMINAL | TAG_NAME bits of the word's part-of-speech tag (keyword capture)
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const MAGIC = 0x3244494a; // "JID2": v2 adds the tags column
const HEADER_BYTES = 24;

/** Longest dictionary word, in UTF-16 code units (the bundled dictionary's is 16). */
export const MAX_WORD_UNITS = 24;

/** The tag is nominal: n, nz, nt, nw, vn, an (things and named activities). */
export const TAG_NOMINAL = 1;
/** The tag is a person's name: nr, nrfg, nrt. */
export const TAG_NAME = 2;
const NOMINAL_TAG = /^(n|nz|nt|nw|vn|an)$/;
const NAME_TAG = /^nr/;

/** TAG_NOMINAL / TAG_NAME bits of a jieba part-of-speech tag. */
export function tagClass(tag: string): number {
  return (NOMINAL_TAG.test(tag) ? TAG_NOMINAL : 0) | (NAME_TAG.test(tag) ? TAG_NAME : 0);
}

export interface JiebaIndex {
  readonly words: number;
  /** Sum of all frequencies: what jieba divides by. */
  readonly total: number;
  /** Indices of the dictionary words occurring in `text` (each once, any order). */
  wordsIn(text: string, into?: Set<number>): Set<number>;
  /** A word and its frequency, as a dictionary line ("word freq"). */
  line(index: number): string;
  freq(index: number): number;
  /** TAG_NOMINAL / TAG_NAME bits of the word's tag (0 for any other tag, or none). */
  tags(index: number): number;
  /** Index of `word` in the dictionary, or -1. */
  find(word: string): number;
}

function fnv(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, 0x01000193) >>> 0;
}
const FNV_BASIS = 0x811c9dc5;

/** The index of a dictionary text ("word freq [tag]" lines), as bytes to write. */
export function buildJiebaIndex(dictText: string): Buffer {
  const words: string[] = [];
  const freqs: number[] = [];
  const tagBits: number[] = [];
  const seen = new Map<string, number>();
  let total = 0;
  for (const line of dictText.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2 || parts[0] === "") continue;
    const word = parts[0]!;
    const freq = Number(parts[1]);
    const tag = parts[2] ?? "";
    const bits = tagClass(tag);
    if (!Number.isInteger(freq) || freq < 0) throw new Error(`jieba dictionary: bad frequency in "${line}"`);
    if (word.length > MAX_WORD_UNITS) throw new Error(`jieba dictionary: "${word}" is longer than ${MAX_WORD_UNITS} code units`);
    // A repeated word: the later line wins, as when jieba loads the file.
    const at = seen.get(word);
    if (at !== undefined) {
      total -= freqs[at]!;
      freqs[at] = freq;
      tagBits[at] = bits;
    } else {
      seen.set(word, words.length);
      words.push(word);
      freqs.push(freq);
      tagBits.push(bits);
    }
    total += freq;
  }
  let slots = 1;
  while (slots < words.length * 2) slots <<= 1;
  const units = words.reduce((n, w) => n + w.length, 0);
  const size = HEADER_BYTES + 4 * slots + 4 * (words.length + 1) + 4 * words.length + 2 * units + words.length;
  const buf = Buffer.alloc(size + (size % 4 === 0 ? 0 : 4 - (size % 4)));
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(words.length, 4);
  buf.writeUInt32LE(slots, 8);
  buf.writeUInt32LE(units, 12);
  buf.writeDoubleLE(total, 16);
  const { table, start, freq, unit, tags } = views(buf.buffer, buf.byteOffset, words.length, slots, units);
  let at = 0;
  words.forEach((w, i) => {
    start[i] = at;
    for (let k = 0; k < w.length; k++) unit[at++] = w.charCodeAt(k);
    freq[i] = freqs[i]!;
    tags[i] = tagBits[i]!;
    let h = FNV_BASIS;
    for (let k = 0; k < w.length; k++) h = fnv(h, w.charCodeAt(k));
    let slot = h & (slots - 1);
    while (table[slot] !== 0) slot = (slot + 1) & (slots - 1);
    table[slot] = i + 1;
  });
  start[words.length] = at;
  return buf;
}

function views(ab: ArrayBufferLike, offset: number, words: number, slots: number, units: number) {
  let at = offset + HEADER_BYTES;
  const table = new Uint32Array(ab, at, slots);
  at += 4 * slots;
  const start = new Uint32Array(ab, at, words + 1);
  at += 4 * (words + 1);
  const freq = new Uint32Array(ab, at, words);
  at += 4 * words;
  const unit = new Uint16Array(ab, at, units);
  at += 2 * units;
  const tags = new Uint8Array(ab, at, words);
  return { table, start, freq, unit, tags };
}

/** Reads an index written by buildJiebaIndex (one file read, no parsing). */
export function loadJiebaIndex(path: string): JiebaIndex {
  let buf = readFileSync(path);
  // Typed-array views need an aligned start; a fresh copy is (Buffer.alloc is 8-aligned).
  if (buf.byteOffset % 8 !== 0) buf = Buffer.from(buf);
  if (buf.length < HEADER_BYTES || buf.readUInt32LE(0) !== MAGIC) throw new Error(`${path}: not a jieba index`);
  const words = buf.readUInt32LE(4);
  const slots = buf.readUInt32LE(8);
  const units = buf.readUInt32LE(12);
  const total = buf.readDoubleLE(16);
  const { table, start, freq, unit, tags } = views(buf.buffer, buf.byteOffset, words, slots, units);
  const mask = slots - 1;

  /** Index of the word text[from, to) whose hash is h, or -1. */
  const probe = (text: string, from: number, to: number, h: number): number => {
    const len = to - from;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot]!;
      if (entry === 0) return -1;
      const i = entry - 1;
      const s = start[i]!;
      if (start[i + 1]! - s !== len) continue;
      let k = 0;
      while (k < len && unit[s + k] === text.charCodeAt(from + k)) k++;
      if (k === len) return i;
    }
  };

  return {
    words,
    total,
    wordsIn(text, into = new Set<number>()) {
      for (let i = 0; i < text.length; i++) {
        let h = FNV_BASIS;
        const end = Math.min(text.length, i + MAX_WORD_UNITS);
        for (let j = i; j < end; j++) {
          h = fnv(h, text.charCodeAt(j));
          const w = probe(text, i, j + 1, h);
          if (w >= 0) into.add(w);
        }
      }
      return into;
    },
    line(i) {
      return `${String.fromCharCode(...unit.subarray(start[i]!, start[i + 1]!))} ${freq[i]!}`;
    },
    freq(i) {
      return freq[i]!;
    },
    tags(i) {
      return tags[i]!;
    },
    find(word) {
      let h = FNV_BASIS;
      for (let k = 0; k < word.length; k++) h = fnv(h, word.charCodeAt(k));
      return word.length === 0 || word.length > MAX_WORD_UNITS ? -1 : probe(word, 0, word.length, h);
    },
  };
}

/**
 * Where the build puts the index: dist/jieba-index.bin beside dist/text/ (from the sources, as in
 * tests, the built one in dist/). Undefined when there is none: callers load the full dictionary.
 */
export function jiebaIndexFile(): string | undefined {
  const here = new URL(import.meta.url);
  const candidates = here.pathname.endsWith(".ts")
    ? [new URL("../../dist/jieba-index.bin", here)]
    : [new URL("../jieba-index.bin", here)];
  for (const c of candidates) if (existsSync(c)) return fileURLToPath(c);
  return undefined;
}
