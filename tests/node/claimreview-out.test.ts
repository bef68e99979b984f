/**
 * ClaimReview out: every claim the importers produce, from every format, becomes a JSON-LD document
 * that passes the structured-data validator (tests/claimreview-validator.ts: Google's ClaimReview
 * rules and schema.org's vocabulary), typed by schema-dts at compile time. And the validator is not
 * a rubber stamp: the faults the issue names (raw dates, missing url or alternateName, a rating
 * out of range, an array instead of a @graph) are each caught.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaimReview, WithContext } from 'schema-dts';
import { describe, expect, test } from 'vitest';
import { CORPUS_DIR, corpusAvailable } from '../../bench/corpus';
import { claimJsonLd, claimReviewJsonLd } from '../../worker/core/claim-review-jsonld';
import { claimsFromClaimReviewJson, claimsFromClaimsKg, claimsFromLiar } from '../../worker/core/extract/claim-review';
import { claimsFromHtml } from '../../worker/core/extract/claim-review-html';
import type { Claim, ClaimSource } from '../../worker/core/types';
import { claimFromSource } from '../../worker/store/records';
import { validateClaimReviewDocument } from '../claimreview-validator';
import { SEED_CLAIMS } from '../seed-sources';

const fixtures = join(import.meta.dirname, '../fixtures/ingest/factcheck');
const ORIGIN = 'https://qs.example';

const stored = (sources: ClaimSource[]): Claim[] => sources.map(claimFromSource);

describe('every served ClaimReview validates', () => {
  test('seed samples, a feed, a fact-check page', () => {
    const claims = [
      ...stored(SEED_CLAIMS),
      ...stored(claimsFromClaimReviewJson(JSON.parse(readFileSync(join(fixtures, 'fictional-feed.json'), 'utf8'))).claims),
      ...stored(claimsFromHtml(readFileSync(join(fixtures, 'lakeside-checks-bridge-toll.html'), 'utf8')).claims),
    ];
    expect(claims.length).toBe(7);
    for (const claim of claims) expect([claim.id, validateClaimReviewDocument(claimJsonLd(claim, ORIGIN))]).toEqual([claim.id, []]);
  });

  test('a claim with no claimant, no appearance URL, no review URL (a LIAR row) still meets the rules', () => {
    const [liar] = stored(claimsFromLiar('99.json\tfalse\tThe harbour is closed on Sundays.\tports\t\t\t\tnone\t0\t0\t0\t0\t0\t\n').claims);
    const doc = claimJsonLd(liar, ORIGIN) as WithContext<ClaimReview>;
    const item = doc.itemReviewed as Record<string, unknown>;
    expect(validateClaimReviewDocument(doc)).toEqual([]);
    expect(doc.url).toBe(`${ORIGIN}/v1/claims/liar-99`);
    expect(item.author).toEqual({ '@type': 'Person', name: 'Unknown' });
    expect(item.appearance).toEqual([{ '@type': 'CreativeWork', url: `${ORIGIN}/v1/claims/liar-99` }]);
  });

  test('dates stored raw by older data are made ISO 8601 or left out, never passed through', () => {
    const [claim] = stored(SEED_CLAIMS);
    const legacy: Claim = { ...claim, claimDate: '28 February 2022', reviews: [{ ...claim.reviews[0], reviewDate: '2021-7-16', ratingValue: 9 }] };
    const doc = claimJsonLd(legacy, ORIGIN) as Record<string, any>;
    expect(doc.datePublished).toBe('2021-07-16');
    expect(doc.itemReviewed.datePublished).toBe('2022-02-28');
    expect(doc.reviewRating).toEqual({ '@type': 'Rating', alternateName: 'Misquoted' });
    expect(validateClaimReviewDocument(doc)).toEqual([]);
    const unreadable = claimJsonLd({ ...legacy, claimDate: 'last spring' }, ORIGIN) as Record<string, any>;
    expect(unreadable.itemReviewed.datePublished).toBeUndefined();
  });
});

describe('the validator catches what the issue names', () => {
  const [claim] = stored(SEED_CLAIMS);
  const good = { '@context': 'https://schema.org', ...(claimReviewJsonLd(claim, claim.reviews[0], ORIGIN) as object) } as Record<string, any>;
  const broken: [string, (d: Record<string, any>) => unknown, RegExp][] = [
    ['raw date', (d) => ({ ...d, datePublished: '2021-7-16' }), /datePublished: must be an ISO 8601 date/],
    ['prose date', (d) => ({ ...d, itemReviewed: { ...d.itemReviewed, datePublished: '28 February 2022' } }), /itemReviewed.datePublished/],
    ['no url', (d) => ({ ...d, url: undefined }), /\$.url: is required/],
    ['no alternateName', (d) => ({ ...d, reviewRating: { '@type': 'Rating', ratingValue: 3 } }), /alternateName: is required/],
    ['rating out of range', (d) => ({ ...d, reviewRating: { ...d.reviewRating, ratingValue: 0 } }), /outside 1–5/],
    ['an array of reviews', (d) => [d, d], /one object/],
    ['itemReviewed not a Claim', (d) => ({ ...d, itemReviewed: { ...d.itemReviewed, '@type': 'CreativeWork' } }), /must be Claim/],
    ['claim without author', (d) => ({ ...d, itemReviewed: { ...d.itemReviewed, author: undefined } }), /itemReviewed.author: is missing/],
    ['unknown property', (d) => ({ ...d, verdict: 'False' }), /verdict: is not a schema.org property of ClaimReview/],
  ];
  test('the good document passes', () => expect(validateClaimReviewDocument(good)).toEqual([]));
  for (const [name, breakIt, message] of broken) {
    test(name, () => expect(validateClaimReviewDocument(JSON.parse(JSON.stringify(breakIt(good))))).toContainEqual(expect.stringMatching(message)));
  }
});

describe.skipIf(!corpusAvailable())('every LIAR and ClaimsKG claim, as JSON-LD', () => {
  test('validates (12,836 LIAR + 342 ClaimsKG)', () => {
    const dir = join(CORPUS_DIR, 'claims');
    const sources = [
      ...['train.tsv', 'valid.tsv', 'test.tsv'].flatMap((f) => claimsFromLiar(readFileSync(join(dir, 'liar', f), 'utf8')).claims),
      ...readdirSync(join(dir, 'claimskg-samples')).flatMap((f) => claimsFromClaimsKg(readFileSync(join(dir, 'claimskg-samples', f), 'utf8')).claims),
    ];
    expect(sources.length).toBe(12_836 + 342);
    const failures = stored(sources)
      .map((c) => [c.id, validateClaimReviewDocument(claimJsonLd(c, ORIGIN))] as const)
      .filter(([, problems]) => problems.length);
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
