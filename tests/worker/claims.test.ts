/** Claim search (Google Fact Check Tools claims:search shape) and ClaimReview JSON-LD, in workerd. */
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ClaimSource } from '../../worker/core/types';
import { putClaims } from '../../worker/store/records';
import { validateClaimReviewDocument } from '../claimreview-validator';
import { SEED_CLAIMS } from '../seed-sources';
import { api, expectProblem, seedKv } from './seed';

/** 25 claims written by us for paging and filters: two publishers, two languages, two dates. */
const EXTRA: ClaimSource[] = Array.from({ length: 25 }, (_, i) => ({
  id: `test-harbour-${i}`,
  text: `The harbour bridge toll rose by ${i + 2} percent in year ${2000 + i}.`,
  claimant: i % 2 ? 'Harbour Authority' : 'Jane Doe',
  claimDate: i < 20 ? '2021-05-01' : new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10),
  languageCode: i % 5 === 0 ? 'fr' : 'en',
  reviews: [
    {
      publisher: { name: i % 3 ? 'Checker One' : 'Checker Two', site: i % 3 ? 'checker-one.example' : 'checker-two.example' },
      url: `https://checker.example/reviews/${i}`,
      title: `Review ${i}`,
      reviewDate: i < 20 ? '2021-05-03' : new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10),
      textualRating: 'False',
      explanation: 'Test fixture written for QuoteSource tests.',
      languageCode: i % 5 === 0 ? 'fr' : 'en',
    },
  ],
}));

/** Hostile data in every field JSON-LD shows, and an appearance with no URL of its own (linked to this API's article record). */
const HOSTILE_CLAIMANT = 'Eve</script><img src=x onerror=alert(1)>';
const HOSTILE: ClaimSource = {
  id: 'test-hostile-jsonld',
  text: 'Tolls & fees fell <!-- to zero --> in </SCRIPT> year 3000.',
  claimant: HOSTILE_CLAIMANT,
  claimDate: '2021-05-01',
  appearances: [{ url: '', articleId: 'never-had-a-url' }],
  reviews: [
    {
      publisher: { name: 'Checker </script><script>alert(2)</script>', site: 'checker-one.example' },
      url: 'https://checker.example/reviews/hostile',
      title: 'A & B > C',
      reviewDate: '2021-05-03',
      textualRating: 'False',
      explanation: 'Test fixture written for QuoteSource tests.',
      languageCode: 'en',
    },
  ],
};

beforeAll(async () => {
  await seedKv();
  await putClaims(env.QS_KV, [...EXTRA, HOSTILE]);
}, 120_000);

type Search = { claims: any[]; nextPageToken?: string };
const search = async (params: Record<string, string | number>) => {
  const res = await api(`/v1/claims/search?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Search;
};

describe('GET /v1/claims/search', () => {
  test('answers in Google claims:search shape with Google field names', async () => {
    const body = await search({ query: 'leaders move back to peace' });
    expect(Object.keys(body).every((k) => k === 'claims' || k === 'nextPageToken')).toBe(true);
    const claim = body.claims[0];
    expect(claim.text).toBe('Leaders need to move back to peace.');
    expect(claim.claimant).toBe('António Guterres');
    expect(claim.claimDate).toBe('2022-02-28T00:00:00Z');
    const review = claim.claimReview[0];
    expect(Object.keys(review).sort()).toEqual(['languageCode', 'publisher', 'reviewDate', 'textualRating', 'title', 'url'].sort());
    expect(review.publisher).toEqual({ name: 'QuoteSource samples', site: 'quotesource.example' });
    expect(review.url).toBe('https://www.un.org/press/en/2022/ga12404.doc.htm');
    expect(review.textualRating).toBe('Misquoted');
    expect(review.reviewDate).toMatch(/^2022-02-28T/);
  });

  test('folds case and diacritics: "antonio guterres" finds the claim by António Guterres', async () => {
    const body = await search({ query: 'ANTONIO guterres peace' });
    expect(body.claims[0]?.claimant).toBe('António Guterres');
  });

  test('nothing matches → empty claims and no token', async () => {
    expect(await search({ query: 'zebra xylophone' })).toEqual({ claims: [] });
  });

  test('pageSize and nextPageToken page through every result exactly once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const body = await search({ query: 'harbour bridge toll', pageSize: 10, ...(token ? { pageToken: token } : {}) });
      expect(body.claims.length).toBeLessThanOrEqual(10);
      seen.push(...body.claims.map((c) => c.text));
      token = body.nextPageToken;
      pages++;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  test('a page token from another search, or garbage, → 400', async () => {
    const first = await search({ query: 'harbour bridge toll', pageSize: 5 });
    const problem = await expectProblem(await api(`/v1/claims/search?query=peace&pageToken=${first.nextPageToken}`), 400);
    expect(problem.detail).toMatch(/pageToken/);
    await expectProblem(await api('/v1/claims/search?query=peace&pageToken=%%%'), 400);
  });

  test('languageCode compares the language only (en-US matches en)', async () => {
    const fr = await search({ query: 'harbour bridge toll', languageCode: 'fr', pageSize: 50 });
    expect(fr.claims).toHaveLength(5);
    const en = await search({ query: 'harbour bridge toll', languageCode: 'en-US', pageSize: 50 });
    expect(en.claims).toHaveLength(20);
  });

  test('reviewPublisherSiteFilter keeps one publisher, and works without a query', async () => {
    const two = await search({ query: 'harbour bridge toll', reviewPublisherSiteFilter: 'checker-two.example', pageSize: 50 });
    expect(two.claims).toHaveLength(9);
    expect(two.claims.every((c) => c.claimReview.some((r: any) => r.publisher.site === 'checker-two.example'))).toBe(true);
    const siteOnly = await search({ reviewPublisherSiteFilter: 'www.checker-two.example', pageSize: 50 });
    expect(siteOnly.claims).toHaveLength(9);
  });

  test('maxAgeDays keeps only recent claims or reviews', async () => {
    const recent = await search({ query: 'harbour bridge toll', maxAgeDays: 30, pageSize: 50 });
    expect(recent.claims).toHaveLength(5);
  });

  test('no query and no site filter, or bad parameters → 400 problem+json', async () => {
    const problem = await expectProblem(await api('/v1/claims/search'), 400);
    expect(problem.detail).toMatch(/query/);
    await expectProblem(await api('/v1/claims/search?query=x&pageSize=1000'), 400);
    await expectProblem(await api('/v1/claims/search?query=x&maxAgeDays=-1'), 400);
    await expectProblem(await api('/v1/claims/search?query=x&languageCode=english!'), 400);
  });
});

describe('GET /v1/claims/:id', () => {
  const ID = 'sample-guterres-leaders-move-back-to-peace';

  test('JSON by default: the claim with its reviews', async () => {
    const res = await api(`/v1/claims/${ID}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('vary')).toMatch(/Accept/);
    const claim = (await res.json()) as any;
    expect(claim).toMatchObject({ id: ID, claimant: 'António Guterres', sample: true });
    expect(claim.reviews[0].explanation).toMatch(/Sample/);
  });

  test('Accept: application/ld+json → schema.org ClaimReview with the fields Google documents', async () => {
    const res = await api(`/v1/claims/${ID}`, { headers: { accept: 'application/ld+json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    const doc = (await res.json()) as any;
    expect(doc['@context']).toBe('https://schema.org');
    expect(doc['@type']).toBe('ClaimReview');
    // Required by Google: claimReviewed, reviewRating (with alternateName), url.
    expect(doc.claimReviewed).toBe('Leaders need to move back to peace.');
    expect(doc.url).toBe('https://www.un.org/press/en/2022/ga12404.doc.htm');
    expect(doc.reviewRating).toEqual({ '@type': 'Rating', ratingValue: 3, bestRating: 5, worstRating: 1, alternateName: 'Misquoted' });
    // Recommended: author, datePublished, itemReviewed (Claim with author, datePublished, appearance).
    expect(doc.author).toMatchObject({ '@type': 'Organization', name: 'QuoteSource samples' });
    expect(doc.datePublished).toBe('2022-02-28');
    expect(doc.itemReviewed['@type']).toBe('Claim');
    expect(doc.itemReviewed.author).toEqual({ '@type': 'Person', name: 'António Guterres' });
    expect(doc.itemReviewed.datePublished).toBe('2022-02-28');
    expect(doc.itemReviewed.appearance[0]).toMatchObject({ '@type': 'CreativeWork', url: expect.stringMatching(/^https:\/\//) });
    expect(validateClaimReviewDocument(doc)).toEqual([]);
  });

  test('a claim with no named claimant still has an author and appearance; every seed claim validates', async () => {
    for (const claim of SEED_CLAIMS) {
      const doc = (await (await api(`/v1/claims/${claim.id}`, { headers: { accept: 'application/ld+json' } })).json()) as any;
      expect([claim.id, validateClaimReviewDocument(doc)]).toEqual([claim.id, []]);
    }
    const medinsky = (await (await api('/v1/claims/sample-medinsky-head-of-delegation', { headers: { accept: 'application/ld+json' } })).json()) as any;
    expect(medinsky.itemReviewed.author).toEqual({ '@type': 'Person', name: 'Unknown' });
  });

  test('several reviews → one @graph document', async () => {
    const two: ClaimSource = {
      id: 'test-two-reviews',
      text: 'The harbour bridge opened in 1931.',
      claimant: 'Harbour Authority',
      claimDate: '2021-05-01',
      reviews: ['one', 'two'].map((n) => ({
        ...EXTRA[0].reviews![0],
        url: `https://checker-${n}.example/bridge-1931`,
        publisher: { name: `Checker ${n}`, site: `checker-${n}.example` },
      })),
    };
    await putClaims(env.QS_KV, [two]);
    const doc = (await (await api('/v1/claims/test-two-reviews', { headers: { accept: 'application/ld+json' } })).json()) as any;
    expect(Object.keys(doc)).toEqual(['@context', '@graph']);
    expect(doc['@graph']).toHaveLength(2);
    expect(validateClaimReviewDocument(doc)).toEqual([]);
  });

  test('Accept q-values are honoured: ld+json;q=0 never gets JSON-LD', async () => {
    const type = async (accept: string) => (await api(`/v1/claims/${ID}`, { headers: { accept } })).headers.get('content-type');
    expect(await type('application/ld+json;q=0, application/json')).toMatch(/^application\/json/);
    expect(await type('application/ld+json;q=0, */*;q=0.1')).toMatch(/^application\/json/);
    expect(await type('application/json;q=0.5, application/ld+json;q=0.9')).toMatch(/^application\/ld\+json/);
    expect(await type('application/json;q=0.9, application/ld+json;q=0.5')).toMatch(/^application\/json/);
  });

  test('JSON and JSON-LD are cached apart (Vary: Accept)', async () => {
    const json = await api(`/v1/claims/${ID}`);
    const ld = await api(`/v1/claims/${ID}`, { headers: { accept: 'application/ld+json' } });
    expect(json.headers.get('etag')).not.toBe(ld.headers.get('etag'));
    expect(ld.headers.get('content-type')).toMatch(/ld\+json/);
  });

  test('JSON-LD is safe to embed in a <script> element: < > & escaped, still the same JSON', async () => {
    const res = await api(`/v1/claims/${HOSTILE.id}`, { headers: { accept: 'application/ld+json' } });
    expect(res.status).toBe(200);
    const raw = await res.text();
    expect(raw).not.toMatch(/[<>&]/);
    expect(raw).toContain('Eve\\u003c/script\\u003e');
    const doc = JSON.parse(raw);
    expect(doc.itemReviewed.author.name).toBe(HOSTILE_CLAIMANT);
    expect(doc.claimReviewed).toBe(HOSTILE.text);
    expect(doc.name).toBe('A & B > C');
    expect(doc.author.name).toBe(HOSTILE.reviews![0].publisher.name);
  });

  test('links come from PUBLIC_ORIGIN, never from the Host: a poisoning request changes nothing for the next reader', async () => {
    const ld = { accept: 'application/ld+json' };
    // The attacker's request comes first, so it is the one that fills the edge cache.
    const poisoned = await exports.default.fetch(
      new Request(`http://evil.example/v1/claims/${HOSTILE.id}`, { headers: { ...ld, 'x-forwarded-host': 'evil.example' } }),
    );
    const reader = await api(`/v1/claims/${HOSTILE.id}`, { headers: ld });
    for (const res of [poisoned, reader]) {
      const text = await res.text();
      expect(text).not.toContain('evil.example');
      expect(JSON.parse(text).itemReviewed.appearance).toEqual([{ '@type': 'CreativeWork', url: 'https://quotes.test/v1/articles/never-had-a-url' }]);
    }
    expect(reader.headers.get('x-cache')).toBe('HIT');
    const spec = (await (await exports.default.fetch(new Request('http://evil.example/openapi.json'))).json()) as { servers: { url: string }[] };
    expect(spec.servers).toEqual([{ url: 'https://quotes.test' }]);
  });

  test('unknown claim → 404, malformed id → 400', async () => {
    await expectProblem(await api('/v1/claims/no-such-claim'), 404);
    await expectProblem(await api('/v1/claims/Bad%20Id'), 400);
  });
});
