// Keyness statistics over document counts.
//
// Dunning's log-likelihood ratio G² on the 2×2 table (term present / absent × foreground / background)
// stays trustworthy on the small counts keyword discovery lives on, where chi-square overstates rare
// terms (Dunning 1993, "Accurate methods for the statistics of surprise and coincidence"). Documents,
// not occurrences, are counted: a name or a phrase repeated forty times in one judgment must not
// outweigh a word that appears once in each of forty judgments.

function xlnx(o: number, e: number): number {
  return o > 0 && e > 0 ? o * Math.log(o / e) : 0;
}

/**
 * G² of a term found in `a` of `fg` foreground documents and `b` of `bg` background documents.
 * Signed: negative when the term is relatively rarer in the foreground. 0 when either side is empty.
 */
export function logLikelihood(a: number, fg: number, b: number, bg: number): number {
  if (fg <= 0 || bg <= 0) return 0;
  const n = fg + bg;
  const present = a + b;
  const absent = n - present;
  const c = fg - a;
  const d = bg - b;
  const g2 =
    2 *
    (xlnx(a, (fg * present) / n) +
      xlnx(b, (bg * present) / n) +
      xlnx(c, (fg * absent) / n) +
      xlnx(d, (bg * absent) / n));
  const sign = a / fg >= b / bg ? 1 : -1;
  return sign * Math.max(0, g2);
}

/** G² above this is significant at p < 0.05 (chi-square, 1 degree of freedom). */
export const G2_P05 = 3.84;

/**
 * Mean TF-IDF of the term over the foreground documents: occurrences per foreground document times
 * ln(all documents / documents containing it). A secondary view that rewards frequent terms.
 */
export function tfIdf(fgTf: number, fg: number, df: number, docs: number): number {
  if (fg <= 0 || df <= 0) return 0;
  return (fgTf / fg) * Math.log(docs / df);
}
