/**
 * Where a claim sits in the record, as text logic alone (the store reads and writes the records):
 * which claims an article's quotes make, a claim's summary as excerpts list it, and in which
 * excerpts of an article a claim appears — the one its appearance names, else the best word overlap.
 *
 * Invariants: placement depends only on the texts (the same claim and excerpts place the same way
 * in the CLI, the worker and the tests); a claim is placed only where at least MIN_OVERLAP of its
 * words occur; `linkClaim` reports whether it changed the excerpt, so unchanged data writes nothing.
 */
import { claimIdFor } from './ids';
import { makesClaim } from './ingest';
import { tokenize } from './normalise';
import type { Claim, ClaimSummary, Excerpt } from './types';

/** Ids of the claims an article's excerpts derive from their attributed direct quotes. */
export function derivedClaimIds(excerpts: Excerpt[]): Set<string> {
  const ids = new Set<string>();
  for (const e of excerpts) {
    for (const q of e.quotes) if (makesClaim(q)) ids.add(claimIdFor(q.speaker!.name, q.text));
  }
  return ids;
}

export function claimSummary(claim: Claim): ClaimSummary {
  return {
    id: claim.id,
    text: claim.text,
    claimant: claim.claimant,
    claimDate: claim.claimDate,
    // The card shows a verdict with its reason and title, never the rating alone.
    reviews: claim.reviews.map((r) => ({
      publisher: r.publisher,
      url: r.url,
      title: r.title,
      textualRating: r.textualRating,
      explanation: r.explanation,
      reviewDate: r.reviewDate,
    })),
  };
}

/* ---------- text overlap used to place a claim in the excerpts where it appears ---------- */

/** The words compared: the engine's own (its folding of case, diacritics, quotes), one-letter words aside. */
const words = (text: string) => tokenize(text).flatMap((t) => (!t.gap && t.norm.length > 1 ? [t.norm] : []));

/** Share of the claim's words found in the excerpt (0–1). */
export function claimOverlap(claimText: string, excerptText: string): number {
  const claimWords = words(claimText);
  if (!claimWords.length) return 0;
  const have = new Set(words(excerptText));
  return claimWords.filter((w) => have.has(w)).length / claimWords.length;
}

/** A claim counts as appearing in an excerpt when most of its words are there. */
export const MIN_OVERLAP = 0.6;

/** The excerpts of an article in which a claim appears: the explicitly named one, else the best text overlap. */
export function excerptsForClaim(claim: Claim, articleId: string, excerpts: Excerpt[]): Excerpt[] {
  const named = claim.appearances.filter((a) => a.articleId === articleId && a.excerptId).map((a) => a.excerptId);
  if (named.length) return excerpts.filter((e) => named.includes(e.id));
  const scored = excerpts.map((e) => ({ e, s: claimOverlap(claim.text, e.text) })).filter((x) => x.s >= MIN_OVERLAP);
  const best = Math.max(0, ...scored.map((x) => x.s));
  return scored.filter((x) => x.s >= best - 1e-9).map((x) => x.e);
}

export function linkClaim(excerpt: Excerpt, claim: Claim): boolean {
  const summary = claimSummary(claim);
  const i = excerpt.claims.findIndex((c) => c.id === claim.id);
  if (i >= 0) {
    if (JSON.stringify(excerpt.claims[i]) === JSON.stringify(summary)) return false;
    excerpt.claims[i] = summary;
  } else excerpt.claims.push(summary);
  return true;
}
