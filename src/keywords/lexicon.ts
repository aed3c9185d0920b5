// The word lists keyword capture filters with: stop words (zh, en), the personal-name lexicon and the
// jieba dictionary words that start like a name. They are configuration data in text files beside this
// module; loadKeywordLexicon does the I/O, everything that uses a lexicon is pure.
import { createReadStream, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { normalize, stemPhrase } from "../text/index.js";
import { TAG_NAME, TAG_NOMINAL, jiebaIndexFile, loadJiebaIndex, tagClass, type JiebaIndex } from "../text/jieba-index.js";

/** A set only asked whether it holds a word. */
export interface WordSet {
  has(word: string): boolean;
}
/** A map only asked for a word's count. */
export interface WordCounts extends WordSet {
  get(word: string): number | undefined;
}

export interface KeywordLexicon {
  /** Normalized Chinese stop words (and single function characters). */
  zhStop: ReadonlySet<string>;
  /** Porter stems of English stop words. */
  enStop: ReadonlySet<string>;
  surnames: ReadonlySet<string>;
  compoundSurnames: ReadonlySet<string>;
  givenChars: ReadonlySet<string>;
  /** jieba dictionary words that start with a surname, tagged as person names (nr, nrfg, nrt). */
  dictNames: WordSet;
  /** jieba dictionary words that start with a surname and are ordinary words (any other tag). */
  dictWords: WordSet;
  /**
   * Words of one genre rather than of a case (news reports: 报道, 媒体, 警方): never proposed. A list,
   * because no legal background can discount them (judgments do not use them at all).
   */
  genre: ReadonlySet<string>;
  /**
   * General-language frequencies: jieba dictionary words (2–6 characters) with their counts, those
   * counted at least LANG_MIN_FREQ times; `langTotal` is the dictionary's total count.
   */
  lang: WordCounts;
  langTotal: number;
  /**
   * The words of `lang` the dictionary tags as nominal (n, nz, vn, an, nt, nw: things and named
   * activities). Terms are overwhelmingly nominal (Justeson & Katz 1995); an everyday verb, adverb or
   * quantity word (涉及, 开展, 大量) is the narration of any text.
   */
  nominal: WordSet;
}

export interface LexiconFiles {
  zhStop: string[];
  genre: string[];
  enStop: string[];
  names: string;
  /** A jieba dictionary ("word freq tag" lines); default the one packaged with @node-rs/jieba. */
  jiebaDict: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Where the bundled lists live. Next to the compiled module when a build copies them there, else in
 * src/keywords (which is where they are kept: `tsc` does not copy .txt files).
 */
function dataFile(name: string): string {
  const beside = resolve(HERE, name);
  if (existsSync(beside)) return beside;
  return resolve(HERE, "../../src/keywords", name);
}

export function defaultLexiconFiles(): LexiconFiles {
  const require = createRequire(import.meta.url);
  return {
    zhStop: [dataFile("stopwords.zh.txt")],
    genre: [dataFile("genre.zh.txt")],
    enStop: [dataFile("stopwords.en.txt")],
    names: dataFile("names.zh.txt"),
    jiebaDict: require.resolve("@node-rs/jieba/dict.txt"),
  };
}

/** Words of a list file: whitespace-separated, `#` to the end of the line is a comment. */
export function parseWordList(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const body = line.replace(/#.*$/, "").trim();
    if (body.length === 0) continue;
    for (const w of body.split(/\s+/)) if (w.length > 0) out.push(w);
  }
  return out;
}

/** Sections of names.zh.txt: `[surnames]`, `[compound-surnames]`, `[given-name-chars]`. */
export function parseNameLists(text: string): { surnames: string[]; compound: string[]; given: string[] } {
  const sections: Record<string, string[]> = {};
  let current = "";
  for (const line of text.split(/\r?\n/)) {
    const body = line.replace(/#.*$/, "").trim();
    const header = /^\[([a-z-]+)\]$/.exec(body);
    if (header) {
      current = header[1]!;
      sections[current] ??= [];
      continue;
    }
    if (body.length === 0 || current === "") continue;
    sections[current]!.push(...body.split(/\s+/));
  }
  return {
    surnames: sections["surnames"] ?? [],
    compound: sections["compound-surnames"] ?? [],
    given: sections["given-name-chars"] ?? [],
  };
}

async function readList(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read word list ${file}: ${(error as Error).message}`);
  }
}

/** Dictionary words counted fewer times than this are rare in general language (about 0.5 per million words). */
export const LANG_MIN_FREQ = 30;

/** Load every list. `extraStop` files (one word a line) are added to the Chinese and English stop lists. */
export async function loadKeywordLexicon(
  files: LexiconFiles = defaultLexiconFiles(),
  extraStop: string[] = [],
): Promise<KeywordLexicon> {
  const zhStop = new Set<string>();
  const enStop = new Set<string>();
  for (const f of [...files.zhStop, ...extraStop]) {
    for (const w of parseWordList(await readList(f))) zhStop.add(normalize(w).text);
  }
  for (const f of [...files.enStop, ...extraStop]) {
    for (const w of parseWordList(await readList(f))) for (const s of stemPhrase(w)) enStop.add(s);
  }
  const genre = new Set<string>();
  for (const f of files.genre) for (const w of parseWordList(await readList(f))) genre.add(normalize(w).text);
  const names = parseNameLists(await readList(files.names));
  const surnames = new Set(names.surnames);
  const compoundSurnames = new Set(names.compound);
  const lists = { zhStop, enStop, surnames, compoundSurnames, givenChars: new Set(names.given), genre };
  // The packaged dictionary is also built into the jieba index (npm run build): its words, counts and
  // tags are looked up there instead of being read into sets and maps (349k lines: ~10 MB of heap and
  // ~170 ms at every capture).
  const indexFile = files.jiebaDict === defaultLexiconFiles().jiebaDict ? jiebaIndexFile() : undefined;
  if (indexFile) return { ...lists, ...dictionaryViews(loadJiebaIndex(indexFile), surnames, compoundSurnames) };
  const dictNames = new Set<string>();
  const dictWords = new Set<string>();
  const lang = new Map<string, number>();
  const nominal = new Set<string>();
  let langTotal = 0;
  // Streamed: the dictionary has 349k lines and only the few that start with a surname are kept.
  const lines = createInterface({ input: createReadStream(files.jiebaDict, "utf8"), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const sp = line.indexOf(" ");
      const word = sp < 0 ? line : line.slice(0, sp);
      const freq = sp < 0 ? 0 : parseInt(line.slice(sp + 1), 10) || 0;
      langTotal += freq;
      if (freq >= LANG_MIN_FREQ && word.length >= 2 && word.length <= 6) {
        lang.set(word, freq);
        if ((tagClass(line.slice(line.lastIndexOf(" ") + 1)) & TAG_NOMINAL) !== 0) nominal.add(word);
      }
      if (word.length < 2 || word.length > 4) continue;
      if (!surnames.has(word[0]!) && !compoundSurnames.has(word.slice(0, 2))) continue;
      const tag = line.slice(line.lastIndexOf(" ") + 1);
      ((tagClass(tag) & TAG_NAME) !== 0 ? dictNames : dictWords).add(word);
    }
  } catch (error) {
    throw new UsageError(`cannot read the jieba dictionary ${files.jiebaDict}: ${(error as Error).message}`);
  }
  return { ...lists, dictNames, dictWords, lang, langTotal, nominal };
}

/** The dictionary parts of a lexicon as lookups in the jieba index: the same answers as reading the dictionary (it has no repeated word). */
function dictionaryViews(
  index: JiebaIndex,
  surnames: ReadonlySet<string>,
  compoundSurnames: ReadonlySet<string>,
): Pick<KeywordLexicon, "dictNames" | "dictWords" | "lang" | "langTotal" | "nominal"> {
  const langIndex = (w: string): number => {
    if (w.length < 2 || w.length > 6) return -1;
    const i = index.find(w);
    return i >= 0 && index.freq(i) >= LANG_MIN_FREQ ? i : -1;
  };
  const surnameWord = (w: string, name: boolean): boolean => {
    if (w.length < 2 || w.length > 4) return false;
    if (!surnames.has(w[0]!) && !compoundSurnames.has(w.slice(0, 2))) return false;
    const i = index.find(w);
    return i >= 0 && ((index.tags(i) & TAG_NAME) !== 0) === name;
  };
  return {
    lang: {
      has: (w) => langIndex(w) >= 0,
      get: (w) => {
        const i = langIndex(w);
        return i >= 0 ? index.freq(i) : undefined;
      },
    },
    langTotal: index.total,
    nominal: {
      has: (w) => {
        const i = langIndex(w);
        return i >= 0 && (index.tags(i) & TAG_NOMINAL) !== 0;
      },
    },
    dictNames: { has: (w) => surnameWord(w, true) },
    dictWords: { has: (w) => surnameWord(w, false) },
  };
}
