/**
 * schema.org ClaimReview JSON-LD for a claim, with the fields Google documents for ClaimReview
 * structured data: required `claimReviewed`, `reviewRating` (with `alternateName`) and `url`;
 * recommended `author`, `datePublished`, `itemReviewed` (a Claim with `author`, `datePublished`,
 * `appearance`/`firstAppearance`). One ClaimReview per review.
 */
import type { Claim, Review } from './types';

type JsonLd = Record<string, unknown>;

const ORGANISATION_HINT = /\b(news|times|post|press|agency|party|ministry|government|committee|council|office|department|inc|ltd|llc|association|union|campaign|org|tv|radio|network|group|foundation|institute|bureau)\b|\.(com|org|net|gov)\b/i;

/** The claimant as schema.org Person or Organization (a name that reads like an organisation). */
export function claimantThing(name: string): JsonLd {
  return { '@type': ORGANISATION_HINT.test(name) ? 'Organization' : 'Person', name };
}

const siteUrl = (site: string) => (site ? (/^https?:\/\//.test(site) ? site : `https://${site}`) : undefined);

const drop = (o: JsonLd): JsonLd => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));

/**
 * Where the claim appears: each appearance's own URL, else (an article ingested without a URL)
 * the article's record on this API, when the caller gives the API's origin.
 */
export function appearanceUrls(claim: Claim, origin?: string): string[] {
  const urls = claim.appearances
    .map((a) => a.url || (origin && a.articleId ? `${origin}/v1/articles/${encodeURIComponent(a.articleId)}` : ''))
    .filter(Boolean);
  return [...new Set(urls)];
}

export function claimReviewJsonLd(claim: Claim, review: Review, origin?: string): JsonLd {
  const appearances = appearanceUrls(claim, origin);
  const rating = drop({
    '@type': 'Rating',
    ratingValue: review.ratingValue,
    bestRating: review.bestRating,
    worstRating: review.worstRating,
    alternateName: review.textualRating,
  });
  return drop({
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    url: review.url,
    name: review.title,
    datePublished: review.reviewDate,
    inLanguage: review.languageCode || claim.languageCode,
    author: drop({ '@type': 'Organization', name: review.publisher.name, url: siteUrl(review.publisher.site) }),
    claimReviewed: claim.text,
    reviewBody: review.explanation,
    itemReviewed: drop({
      '@type': 'Claim',
      author: claim.claimant ? claimantThing(claim.claimant) : undefined,
      datePublished: claim.claimDate,
      appearance: appearances.length ? appearances.map((url) => ({ '@type': 'CreativeWork', url })) : undefined,
      firstAppearance: appearances.length ? { '@type': 'CreativeWork', url: appearances[0] } : undefined,
    }),
    reviewRating: rating,
  });
}

/**
 * The JSON-LD document for a claim: one ClaimReview object, or an array of them when several
 * publishers reviewed it; a bare schema.org Claim when it has no review yet.
 */
export function claimJsonLd(claim: Claim, origin?: string): JsonLd | JsonLd[] {
  if (!claim.reviews.length) {
    const appearances = appearanceUrls(claim, origin);
    return drop({
      '@context': 'https://schema.org',
      '@type': 'Claim',
      text: claim.text,
      author: claim.claimant ? claimantThing(claim.claimant) : undefined,
      datePublished: claim.claimDate,
      appearance: appearances.length ? appearances.map((url) => ({ '@type': 'CreativeWork', url })) : undefined,
    });
  }
  const reviews = claim.reviews.map((r) => claimReviewJsonLd(claim, r, origin));
  return reviews.length === 1 ? reviews[0] : reviews;
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
