// Results written as each document finishes, byte for byte what the formatter prints for the whole
// set at once: `scan` of a dump of any size keeps one result in memory, not all of them.
//
// json prints a lone result as an object and several as an array: the first result is held until a
// second one shows which it is. csv prints its header once. A formatter this module does not know
// is given the whole set at the end, as before.
import type { CaseResult } from "../types.js";
import type { FormatOptions, Formatter } from "./formatters.js";

export interface ResultStream {
  add(result: CaseResult): void;
  /** Writes what is still held; nothing at all when no result came (as before). */
  end(): void;
}

export function streamResults(formatter: Formatter, write: (s: string) => void, opts: FormatOptions = {}): ResultStream {
  switch (formatter.name) {
    case "jsonl":
      return { add: (r) => write(formatter.format([r], opts)), end: () => undefined };
    case "table": {
      let n = 0;
      return {
        add: (r) => write((n++ > 0 ? "\n" : "") + formatter.format([r], opts)),
        end: () => undefined,
      };
    }
    case "csv": {
      let n = 0;
      return {
        add(r) {
          const s = formatter.format([r], opts);
          // The header is the first line (column names hold no newline).
          write(n++ === 0 ? s : s.slice(s.indexOf("\n") + 1));
        },
        end: () => undefined,
      };
    }
    case "json": {
      let first: CaseResult | undefined;
      let n = 0;
      // JSON.stringify(array, null, 2) indents each element's own 2-space text by two more spaces.
      const element = (r: CaseResult): string => JSON.stringify(r, null, 2).replace(/\n/g, "\n  ");
      return {
        add(r) {
          n++;
          if (n === 1) first = r;
          else if (n === 2) {
            write(`[\n  ${element(first!)},\n  ${element(r)}`);
            first = undefined;
          } else write(`,\n  ${element(r)}`);
        },
        end() {
          if (n === 1) write(formatter.format([first!], opts));
          else if (n > 1) write("\n]\n");
        },
      };
    }
    default: {
      const all: CaseResult[] = [];
      return {
        add: (r) => void all.push(r),
        end: () => {
          if (all.length > 0) write(formatter.format(all, opts));
        },
      };
    }
  }
}
