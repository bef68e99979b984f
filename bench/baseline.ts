/**
 * The baseline the lookup engine is measured against: a linear scan of every excerpt with
 * approx-string-match (Myers' bit-parallel algorithm, the fuzzy matcher the Hypothesis client uses to
 * re-anchor annotations). It is given a fair chance: both sides are lower-cased with whitespace and
 * quote characters unified (Hypothesis itself compares raw text), and its acceptance threshold (max
 * share of character errors) is chosen on the same queries to keep its false positives ≤ 1%.
 */
import search from 'approx-string-match';

/** Light normalisation that a careful integrator would add around the matcher. */
export function baselineFold(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\u2018\u2019\u201A\u201B\u2032`]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface BaselineDoc {
  id: string;
  articleId: string;
  text: string;
}

export interface BaselineHit {
  id: string;
  articleId: string;
  start: number;
  end: number;
  /** Character errors / pattern length: 0 is exact. */
  errorRate: number;
}

/** Matches longer than this are cut, as Hypothesis does (its matcher gives up on long quotes). */
const MAX_PATTERN = 256;

export class LinearScanBaseline {
  private docs: BaselineDoc[] = [];

  add(docs: BaselineDoc[]): void {
    for (const d of docs) this.docs.push({ ...d, text: baselineFold(d.text) });
  }

  get size(): number {
    return this.docs.length;
  }

  /**
   * Best match of `quote` across every excerpt (fewest errors), searched with up to
   * `maxErrorRate` × length errors (Hypothesis uses up to half the quote length).
   */
  best(quote: string, maxErrorRate = 0.3): BaselineHit | null {
    const pattern = baselineFold(quote).slice(0, MAX_PATTERN);
    if (pattern.length < 8) return null;
    let maxErrors = Math.floor(pattern.length * maxErrorRate);
    let best: BaselineHit | null = null;
    for (const d of this.docs) {
      const hits = search(d.text, pattern, maxErrors);
      for (const h of hits) {
        if (!best || h.errors < best.errorRate * pattern.length) {
          best = { id: d.id, articleId: d.articleId, start: h.start, end: h.end, errorRate: h.errors / pattern.length };
          // Nothing can beat fewer errors than this; search no wider than needed.
          maxErrors = h.errors;
        }
      }
      if (best && best.errorRate === 0) break;
    }
    return best;
  }
}
