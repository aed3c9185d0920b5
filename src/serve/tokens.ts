// Who may call the service: bearer tokens from a file (--tokens) or CASEFLAG_TOKENS. One entry a
// line (or comma-separated in the variable): the token, then optionally `no-mask` to let that
// caller see identifiers unmasked. Tokens are kept only as SHA-256 digests, so a heap dump or a log
// line never holds one, and a caller is known by a short digest prefix (its rate-limit key).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { UsageError } from "../errors.js";

export interface Caller {
  /** First 12 hex digits of the token's digest: a stable, non-secret name for limits and logs. */
  key: string;
  /** This caller may ask for unmasked identifiers. */
  noMask: boolean;
}

export interface TokenTable {
  readonly size: number;
  /** The caller an Authorization header names (Bearer TOKEN, or Basic with the token as password), if any. */
  authenticate(header: string | undefined): Caller | undefined;
}

/** Shorter tokens are refused: a guessable token is no authentication. */
export const MIN_TOKEN_LENGTH = 16;

const digest = (token: string): string => createHash("sha256").update(token).digest("hex");

/** Parses token entries; `where` names the file or variable in errors (never the token itself). */
export function parseTokens(text: string, where: string): Map<string, Caller> {
  const out = new Map<string, Caller>();
  text.split(/[\n,]/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    const [token, ...opts] = line.split(/\s+/);
    const unknown = opts.filter((o) => o !== "no-mask");
    if (unknown.length > 0) throw new UsageError(`${where}: entry ${i + 1}: unknown option "${unknown[0]}" (valid: no-mask)`);
    if (token!.length < MIN_TOKEN_LENGTH) throw new UsageError(`${where}: entry ${i + 1}: a token must have at least ${MIN_TOKEN_LENGTH} characters`);
    const d = digest(token!);
    out.set(d, { key: d.slice(0, 12), noMask: opts.includes("no-mask") });
  });
  return out;
}

/** The tokens of --tokens FILE and CASEFLAG_TOKENS together. */
export function loadTokens(file: string | undefined, env: NodeJS.ProcessEnv): TokenTable {
  const table = new Map<string, Caller>();
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new UsageError(`--tokens ${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`);
    }
    for (const [d, c] of parseTokens(text, `--tokens ${file}`)) table.set(d, c);
  }
  const fromEnv = env["CASEFLAG_TOKENS"];
  if (fromEnv !== undefined && fromEnv.trim() !== "") for (const [d, c] of parseTokens(fromEnv, "CASEFLAG_TOKENS")) table.set(d, c);
  return tokenTable(table);
}

export function tokenTable(table: Map<string, Caller>): TokenTable {
  return {
    size: table.size,
    authenticate(header) {
      const token = tokenOf(header);
      return token === undefined ? undefined : table.get(digest(token));
    },
  };
}

function tokenOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header);
  if (!m) return undefined;
  if (m[1]!.toLowerCase() === "bearer") return m[2];
  // Basic: a browser's own prompt (the queue dashboard); the password is the token, the user name is ignored.
  const decoded = Buffer.from(m[2]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** Loopback addresses: the only ones a server without tokens may listen on. */
export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost";
}
