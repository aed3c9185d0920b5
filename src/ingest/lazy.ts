// Format libraries load on first use: `caseflag scan case.txt` must not pay for the zip, tar, XML,
// HTML and docx libraries (together ~300 ms of start-up) when it reads a plain text file.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function lazyRequire<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= require(id) as T);
}
