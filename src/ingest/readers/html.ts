// HTML pages (court websites, saved judgments): visible text only; block elements end lines.
import { lazyRequire } from "../lazy.js";
import { decodeTextWith, looseHeadText } from "../encoding.js";
import { baseName } from "../streams.js";
import type { Reader } from "../types.js";
import { documentItem, guarded, readWhole } from "./whole.js";

// htmlparser2 costs ~70 ms to load: only HTML documents pay for it.
const loadHtmlparser = lazyRequire<typeof import("htmlparser2")>("htmlparser2");

const SKIP = new Set(["script", "style", "noscript", "template", "head"]);
const BLOCK = new Set([
  "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "fieldset",
  "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
  "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "title",
  "tr", "ul",
]);
const CJK = "\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u3000-\\u303f";
// CSS Text 3 segment-break rule: a line break between two CJK characters renders as nothing,
// so source wrapping inside Chinese prose must not become a space.
const CJK_GAP = new RegExp(`([${CJK}]) (?=[${CJK}])`, "g");

/** Text of an HTML document: no script/style, block boundaries as newlines, whitespace collapsed. */
export function htmlToText(html: string): { text: string; title: string | undefined } {
  const out: string[] = [];
  let skipDepth = 0;
  let preDepth = 0;
  let inTitle = false;
  let title = "";
  const newline = (): void => {
    if (out.length > 0 && out[out.length - 1] !== "\n") out.push("\n");
  };
  const { Parser } = loadHtmlparser();
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === "title") inTitle = true;
        if (SKIP.has(name)) skipDepth++;
        if (name === "pre") preDepth++;
        if (BLOCK.has(name)) newline();
      },
      ontext(data) {
        if (inTitle) title += data;
        if (skipDepth > 0) return;
        if (preDepth > 0) {
          out.push(data);
          return;
        }
        const collapsed = data.replace(/[ \t\n\r\f]+/g, " ");
        // Indentation between blocks is not text.
        if (collapsed === " " && (out.length === 0 || out[out.length - 1] === "\n")) return;
        out.push(collapsed);
      },
      onclosetag(name) {
        if (name === "title") inTitle = false;
        if (SKIP.has(name) && skipDepth > 0) skipDepth--;
        if (name === "pre" && preDepth > 0) preDepth--;
        if (BLOCK.has(name)) newline();
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  const text = out
    .join("")
    .split("\n")
    .map((l) => l.replace(CJK_GAP, "$1").trim())
    .filter((l, i, all) => l !== "" || (i > 0 && all[i - 1] !== ""))
    .join("\n")
    .trim();
  const t = title.replace(/\s+/g, " ").trim();
  if (t === "") return { text, title: undefined };
  // The <title> often carries the case name and charge; keep it when the body does not repeat it.
  return { text: text.includes(t) ? text : text === "" ? t : `${t}\n${text}`, title: t };
}

function declaredCharset(head: Buffer): string | undefined {
  const m = /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._-]+)/i.exec(looseHeadText(head.subarray(0, 4096)));
  return m?.[1];
}

export const htmlReader: Reader = {
  name: "html",
  extensions: [".html", ".htm", ".xhtml"],
  holds: "document",
  sniff(head) {
    const t = looseHeadText(head.subarray(0, 1024)).trimStart().toLowerCase();
    return t.startsWith("<!doctype html") || t.startsWith("<html") || (t.startsWith("<?xml") && t.includes("<!doctype html"));
  },
  read(src, opts) {
    return guarded(src, async function* () {
      const bytes = await readWhole(src, opts);
      const declared = declaredCharset(bytes);
      const detectOpts = opts.encoding !== undefined ? { forced: opts.encoding } : declared !== undefined ? { declared } : {};
      const { text: html, encoding, warnings } = decodeTextWith(bytes, src.name, detectOpts);
      const { text, title } = htmlToText(html);
      const meta: Record<string, unknown> = { format: "html", encoding };
      if (title !== undefined) meta["title"] = title;
      yield documentItem(src, baseName(src.name), text, meta, warnings);
    });
  },
};
