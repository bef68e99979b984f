/**
 * schema.org ClaimReview JSON-LD for a claim, meeting Google's ClaimReview structured-data
 * guidelines and typed with schema-dts (the schema.org vocabulary as TypeScript types, so a wrong
 * property or value type fails `tsc`).
 *
 * Invariants of every document this returns:
 * - each ClaimReview has `claimReviewed`, a `url` (the review's own page; a review imported without
 *   one, such as a LIAR row, points at its record on this API) and a `reviewRating` whose
 *   `alternateName` (the verdict in words) is always present; numbers only when
 *   worstRating ≤ ratingValue ≤ bestRating;
 * - dates are ISO 8601 (`isoDate`); a date that cannot be read is left out, never passed through;
 * - `itemReviewed` is a `Claim` with an `author` (Person or Organization; "Unknown" when the data
 *   names none) and at least one `appearance` (the claim's own record here when none is known);
 * - one review → one ClaimReview object; several → `{"@context", "@graph": [ClaimReview…]}`;
 *   no review yet → a bare schema.org `Claim`.
 */
import type { Claim as SchemaClaim, ClaimReview, CreativeWork, Graph, Organization, Person, Rating, WithContext } from 'schema-dts';
import { ratingNumbers } from './extract/claim-review';
import { isoDate } from './dates';
import type { Claim, Review } from './types';
import { withoutEmptyFields } from './empty-fields';

const ORGANISATION_HINT =
  /\b(news|times|post|posts|press|agency|party|ministry|government|committee|council|office|department|inc|ltd|llc|association|union|campaign|org|tv|radio|network|group|foundation|institute|bureau)\b|\.(com|org|net|gov)\b/i;

/** Said when the data names no claimant: schema.org wants a name, and we never invent one. */
export const UNKNOWN_CLAIMANT = 'Unknown';

/** The claimant as schema.org Person or Organization (a name that reads like an organisation). */
export function claimantThing(name: string): Person | Organization {
  if (!name.trim()) return { '@type': 'Person', name: UNKNOWN_CLAIMANT };
  return ORGANISATION_HINT.test(name) ? { '@type': 'Organization', name } : { '@type': 'Person', name };
}

const siteUrl = (site: string) => (site ? (/^https?:\/\//.test(site) ? site : `https://${site}`) : undefined);

/** This API's page for a claim (JSON-LD with `Accept: application/ld+json`). */
export const claimRecordUrl = (claim: Pick<Claim, 'id'>, origin = '') => `${origin}/v1/claims/${encodeURIComponent(claim.id)}`;

/**
 * Where the claim appears: each appearance's own URL, else (an article ingested without a URL)
 * the article's record on this API, when the caller gives the API's origin.
 */
export function appearanceUrls(claim: Claim, origin?: string): string[] {
  const urls = claim.appearances.map((a) => a.url || (origin && a.articleId ? `${origin}/v1/articles/${encodeURIComponent(a.articleId)}` : '')).filter(Boolean);
  return [...new Set(urls)];
}

function appearances(claim: Claim, origin?: string): CreativeWork[] {
  const urls = appearanceUrls(claim, origin);
  return (urls.length ? urls : [claimRecordUrl(claim, origin)]).map((url) => ({ '@type': 'CreativeWork', url }));
}

function schemaClaim(claim: Claim, origin?: string): SchemaClaim {
  const appeared = appearances(claim, origin);
  return withoutEmptyFields<SchemaClaim>({
    '@type': 'Claim',
    author: claimantThing(claim.claimant),
    datePublished: isoDate(claim.claimDate) || undefined,
    appearance: appeared,
    firstAppearance: appeared[0],
  });
}

function rating(review: Review): Rating {
  return withoutEmptyFields<Rating>({
    '@type': 'Rating',
    ...ratingNumbers(review.ratingValue, review.bestRating, review.worstRating),
    // Google requires the verdict in words; a stored review always has one, older data may not.
    alternateName: review.textualRating || 'Unrated',
  });
}

export function claimReviewJsonLd(claim: Claim, review: Review, origin?: string): ClaimReview {
  const author: Organization = withoutEmptyFields<Organization>({
    '@type': 'Organization',
    name: review.publisher.name || review.publisher.site || undefined,
    url: siteUrl(review.publisher.site),
  });
  return withoutEmptyFields<ClaimReview>({
    '@type': 'ClaimReview',
    url: review.url || claimRecordUrl(claim, origin),
    name: review.title || undefined,
    datePublished: isoDate(review.reviewDate) || undefined,
    inLanguage: review.languageCode || claim.languageCode || undefined,
    author,
    claimReviewed: claim.text,
    reviewBody: review.explanation || undefined,
    itemReviewed: schemaClaim(claim, origin),
    reviewRating: rating(review),
  });
}

export type ClaimJsonLd = WithContext<ClaimReview> | Graph | WithContext<SchemaClaim>;

/** The JSON-LD document for a claim (see the invariants above). */
export function claimJsonLd(claim: Claim, origin?: string): ClaimJsonLd {
  if (!claim.reviews.length) {
    return withoutEmptyFields<WithContext<SchemaClaim>>({
      '@context': 'https://schema.org',
      ...schemaClaim(claim, origin),
      text: claim.text,
    } as WithContext<SchemaClaim>);
  }
  const reviews = claim.reviews.map((r) => claimReviewJsonLd(claim, r, origin));
  if (reviews.length === 1) return { '@context': 'https://schema.org', ...(reviews[0] as object) } as WithContext<ClaimReview>;
  return { '@context': 'https://schema.org', '@graph': reviews };
}

/**
 * JSON-LD text that is safe to paste into `<script type="application/ld+json">`: `<`, `>` and `&` (and
 * the line separators U+2028/U+2029) written as \u escapes. Still the same JSON value, but no data —
 * a claimant named `Eve</script><img src=x onerror=…>` — can close the script element or open a
 * comment (`<!--`) in it.
 */
export function serializeJsonLd(doc: unknown): string {
  return JSON.stringify(doc).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
