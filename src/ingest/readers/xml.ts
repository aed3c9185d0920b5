// XML judgments: text of chosen elements (or all text) in document order.
// Safety: DOCTYPE is never handed to the parser. A DOCTYPE that declares entities is refused
// (E_XML), any other DOCTYPE (an external DTD reference) is blanked; fast-xml-parser runs with
// processEntities:false and only the five predefined entities and numeric character references
// are decoded here, in one bounded pass. So no billion laughs and no external fetches.
import type * as fxp from "fast-xml-parser";
import { lazyRequire } from "../lazy.js";

const loadFxp = lazyRequire<typeof fxp>("fast-xml-parser");
import { InputError } from "../../errors.js";
import { decodeTextWith, looseHeadText } from "../encoding.js";
import { baseName } from "../streams.js";
import type { Reader } from "../types.js";
import { documentItem, guarded, readWhole } from "./whole.js";

type XmlNode = Record<string, unknown>;

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Decodes predefined entities and character references; any other `&name;` stays literal. */
export function decodeXmlEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref[0] !== "#") return PREDEFINED[ref] ?? whole;
    const cp = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    const ok = cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
    return ok ? String.fromCodePoint(cp) : whole;
  });
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** Blanks the DOCTYPE (keeping newlines so line numbers hold) or refuses one that declares entities. */
export function neutralizeDoctype(text: string, source: string): string {
  const start = text.indexOf("<!DOCTYPE");
  if (start === -1) return text;
  let end = -1;
  const bracket = text.indexOf("[", start);
  const close = text.indexOf(">", start);
  if (bracket !== -1 && (close === -1 || bracket < close)) {
    const subsetEnd = text.indexOf("]", bracket);
    const subset = subsetEnd === -1 ? text.slice(bracket) : text.slice(bracket, subsetEnd);
    if (subset.includes("<!ENTITY")) {
      const line = lineAt(text, start);
      throw new InputError("E_XML", source, `${source}:${line}: DOCTYPE declares entities; entity declarations are not expanded`, line);
    }
    if (subsetEnd !== -1) end = text.indexOf(">", subsetEnd);
  } else {
    end = close;
  }
  if (end === -1) {
    const line = lineAt(text, start);
    throw new InputError("E_XML", source, `${source}:${line}: unterminated DOCTYPE`, line);
  }
  const blank = text.slice(start, end + 1).replace(/[^\n]/g, " ");
  return text.slice(0, start) + blank + text.slice(end + 1);
}

let parser: fxp.XMLParser | undefined;
const parserOptions: fxp.X2jOptions = {
  preserveOrder: true,
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  cdataPropName: "#cdata",
  trimValues: false,
  parseTagValue: false,
};
function xmlParser(): fxp.XMLParser {
  parser ??= new (loadFxp().XMLParser)(parserOptions);
  return parser;
}

function tagOf(node: XmlNode): string | undefined {
  for (const k of Object.keys(node)) if (k !== ":@") return k;
  return undefined;
}

function localName(tag: string): string {
  const i = tag.indexOf(":");
  return i === -1 ? tag : tag.slice(i + 1);
}

/** Text of `nodes` in document order; an element followed by another element ends a line. */
function collect(nodes: unknown, out: string[], select: Set<string> | undefined, inside: boolean): void {
  if (!Array.isArray(nodes)) return;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as XmlNode;
    const tag = tagOf(node);
    if (tag === undefined) continue;
    if (tag === "#text") {
      if (inside) out.push(decodeXmlEntities(String(node[tag])));
      continue;
    }
    if (tag === "#cdata") {
      if (inside) collect(node[tag], out, undefined, true);
      continue;
    }
    const selected = inside || select === undefined || select.has(tag) || select.has(localName(tag));
    collect(node[tag], out, select, selected);
    if (!selected) continue;
    const next = nodes[i + 1] as XmlNode | undefined;
    const nextTag = next ? tagOf(next) : undefined;
    const last = out[out.length - 1] ?? "";
    const endsWithSpace = last === "" || /\s$/.test(last);
    // A selected element at the top of a selection always ends its segment.
    if (!endsWithSpace && (nextTag === undefined || nextTag !== "#text" || !inside)) out.push("\n");
  }
}

/** Trims each line and squeezes blank-line runs: pretty-printing indentation is not text. */
function tidy(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function declaredEncoding(head: Buffer): string | undefined {
  const m = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(looseHeadText(head.subarray(0, 1024)));
  return m?.[1];
}

export const xmlReader: Reader = {
  name: "xml",
  extensions: [".xml"],
  holds: "document",
  sniff(head) {
    const t = looseHeadText(head.subarray(0, 1024)).trimStart();
    return t.startsWith("<?xml") && !/^<\?xml[^>]*>\s*<!DOCTYPE\s+html/i.test(t);
  },
  read(src, opts) {
    return guarded(src, async function* () {
      const bytes = await readWhole(src, opts);
      const declared = declaredEncoding(bytes);
      const detectOpts = opts.encoding !== undefined ? { forced: opts.encoding } : declared !== undefined ? { declared } : {};
      const { text: raw, encoding, warnings } = decodeTextWith(bytes, src.name, detectOpts);
      const xml = neutralizeDoctype(raw, src.name);
      const valid = loadFxp().XMLValidator.validate(xml);
      if (valid !== true) {
        const { line, msg } = valid.err;
        throw new InputError("E_XML", src.name, `${src.name}:${line}: malformed XML: ${msg}`, line);
      }
      const select = opts.xmlElements && opts.xmlElements.length > 0 ? new Set(opts.xmlElements) : undefined;
      const out: string[] = [];
      collect(xmlParser().parse(xml), out, select, select === undefined);
      const meta: Record<string, unknown> = { format: "xml", encoding };
      if (select) meta["xmlElements"] = [...select];
      yield documentItem(src, baseName(src.name), tidy(out.join("")), meta, warnings);
    });
  },
};
