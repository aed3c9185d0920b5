// Context around evidence in the report is masked like everything else a person reads.
import { maskText } from "../score/mask.js";

export function snippetMask(s: string): string {
  return maskText(s);
}
