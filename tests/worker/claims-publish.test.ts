/**
 * `PUT`/`DELETE /v1/claims/:id` in workerd, through the real coordinator: a schema.org ClaimReview
 * (as a fact-checker's page carries it) or the project's claim JSON goes in, is searchable on both
 * search paths, is served back as valid ClaimReview JSON-LD, and is retracted everywhere.
 * Fixtures are fictional (example.* sites, an invented councillor).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { authed, request } from './publish-helpers';
import { expectProblem, seedKv } from './seed';

beforeAll(seedKv, 120_000);

const CLAIM_REVIEW = {
  '@context': 'https://schema.org',
  '@type': 'ClaimReview',
  url: 'https://www.lakeside-checks.example/2021/07/bridge-toll',
  claimReviewed: 'The lake bridge toll has tripled since 2019.',
  datePublished: '2021-7-16',
  author: { '@type': 'Organization', name: 'Lakeside Checks', url: 'https://www.lakeside-checks.example' },
  itemReviewed: {
    '@type': 'Claim',
    author: { '@type': 'Person', name: 'Councillor Pim Ostrava' },
    datePublished: '28 February 2021',
    appearance: [{ '@type': 'CreativeWork', url: 'https://video.example/councillor-ostrava-toll' }],
  },
  reviewRating: { '@type': 'Rating', ratingValue: 1, bestRating: 5, worstRating: 1, alternateName: 'False' },
};

const put = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`/v1/claims/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...authed(), ...headers }, body: JSON.stringify(body) });

describe('PUT /v1/claims/:id', () => {
  test('a ClaimReview goes in, dates made ISO; the same body again changes nothing', async () => {
    const res = await put('lake-bridge-toll', CLAIM_REVIEW, { 'content-type': 'application/ld+json' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: 'lake-bridge-toll', status: 'created', kvPending: 0 });
    const again = await put('lake-bridge-toll', CLAIM_REVIEW);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'unchanged', report: { keysWritten: 0 } });

    const claim = (await (await request('/v1/claims/lake-bridge-toll')).json()) as any;
    expect(claim).toMatchObject({ text: CLAIM_REVIEW.claimReviewed, claimant: 'Councillor Pim Ostrava', claimDate: '2021-02-28' });
    expect(claim.appearances).toEqual([{ url: 'https://video.example/councillor-ostrava-toll' }]);
    expect(claim.reviews[0]).toMatchObject({
      publisher: { name: 'Lakeside Checks', site: 'lakeside-checks.example' },
      url: CLAIM_REVIEW.url,
      reviewDate: '2021-07-16',
      textualRating: 'False',
      ratingValue: 1,
    });
  });

  test("searchable on both paths, Google's with the review URL's site", async () => {
    const google = (await (await request('/v1alpha1/claims:search?query=lake+bridge+toll+tripled')).json()) as any;
    expect(google.claims[0].claimReview[0]).toMatchObject({
      publisher: { name: 'Lakeside Checks', site: 'lakeside-checks.example' },
      reviewDate: '2021-07-16T00:00:00Z',
    });
    const bySite = (await (await request('/v1alpha1/claims:search?reviewPublisherSiteFilter=lakeside-checks.example')).json()) as any;
    expect(bySite.claims.map((c: any) => c.text)).toEqual([CLAIM_REVIEW.claimReviewed]);
    const own = (await (await request('/v1/claims/search?query=lake+bridge+toll')).json()) as any;
    expect(own.claims[0].text).toBe(CLAIM_REVIEW.claimReviewed);
  });

  test("the project's claim JSON replaces the record (reviews as sent, not merged)", async () => {
    const res = await put('lake-bridge-toll', {
      text: 'The lake bridge toll has tripled since 2019.',
      claimant: 'Councillor Pim Ostrava',
      claimDate: '2021-02-28',
      reviews: [
        {
          publisher: { name: 'Second Opinion', site: 'second-opinion.example' },
          url: 'https://second-opinion.example/toll',
          textualRating: 'Mostly false',
          reviewDate: 'March 3, 2021',
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'updated' });
    const claim = (await (await request('/v1/claims/lake-bridge-toll')).json()) as any;
    expect(claim.reviews).toHaveLength(1);
    expect(claim.reviews[0]).toMatchObject({ textualRating: 'Mostly false', reviewDate: '2021-03-03' });
    // The very search answered (and cached) before the PUT: answered afresh, the replaced review gone.
    const old = await request('/v1alpha1/claims:search?reviewPublisherSiteFilter=lakeside-checks.example');
    expect(old.headers.get('x-cache')).toBe('MISS');
    expect(await old.json()).toEqual({});
  });

  test('bad bodies → 400 naming the field; no token → 401; wrong media type → 415', async () => {
    const noRating = await expectProblem(await put('bad-claim', { ...CLAIM_REVIEW, reviewRating: { '@type': 'Rating', ratingValue: 1 } }), 400);
    expect(noRating.detail).toMatch(/alternateName/);
    const outOfRange = await expectProblem(
      await put('bad-claim', {
        text: 'x y z',
        reviews: [{ publisher: {}, url: 'https://a.example/r', textualRating: 'False', ratingValue: 9, bestRating: 5, worstRating: 1 }],
      }),
      400,
    );
    expect(outOfRange.errors?.[0].path).toBe('body.reviews.0.ratingValue');
    const badDate = await expectProblem(await put('bad-claim', { text: 'x y z', claimDate: 'yesterday' }), 400);
    expect(badDate.errors?.[0].path).toBe('body.claimDate');
    const noUrl = await expectProblem(
      await put('bad-claim', { text: 'x', reviews: [{ publisher: {}, url: 'javascript:alert(1)', textualRating: 'False' }] }),
      400,
    );
    expect(noUrl.errors?.[0].path).toBe('body.reviews.0.url');
    const two = await expectProblem(await put('bad-claim', { '@context': 'https://schema.org', '@graph': [CLAIM_REVIEW, CLAIM_REVIEW] }), 400);
    expect(two.detail).toMatch(/exactly one ClaimReview/);
    await expectProblem(await request('/v1/claims/bad-claim', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }), 401);
    await expectProblem(await request('/v1/claims/bad-claim', { method: 'PUT', headers: { 'content-type': 'text/plain', ...authed() }, body: 'x' }), 415);
    await expectProblem(await request('/v1/claims/bad-claim'), 404);
  });
});

describe('DELETE /v1/claims/:id', () => {
  test('retracts the claim from reads and both searches; a second delete is 404', async () => {
    await put('lake-ferry-claim', {
      ...CLAIM_REVIEW,
      claimReviewed: 'The lake ferry runs twice as often as in 2019.',
      url: 'https://lakeside-checks.example/ferry',
    });
    expect((await request('/v1/claims/lake-ferry-claim')).status).toBe(200);
    // Searched (and cached at this location) before the retraction.
    expect(((await (await request('/v1/claims/search?query=lake+ferry+twice')).json()) as any).claims).toHaveLength(1);
    expect(await (await request('/v1/claims/search?query=lake+ferry+twice')).headers.get('x-cache')).toBe('HIT');
    const res = await request('/v1/claims/lake-ferry-claim', { method: 'DELETE', headers: authed() });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'deleted' });
    await expectProblem(await request('/v1/claims/lake-ferry-claim'), 404);
    expect(await (await request('/v1alpha1/claims:search?query=lake+ferry+twice')).json()).toEqual({});
    expect(await (await request('/v1/claims/search?query=lake+ferry+twice')).json()).toEqual({ claims: [] });
    await expectProblem(await request('/v1/claims/lake-ferry-claim', { method: 'DELETE', headers: authed() }), 404);
  });

  test('a seed claim linked into excerpts leaves them when retracted', async () => {
    const id = 'sample-guterres-enough-is-enough';
    const listed = (e: any) => [e.excerpt, e.previous, e.next].filter(Boolean).some((x: any) => x.claims.some((c: any) => c.id === id));
    const { env } = await import('cloudflare:workers');
    const stored = async (excerptId: string) => JSON.parse((await env.QS_KV.get(`v2:excerpt:${excerptId}`))!);
    const linkedBefore = [await stored('un-press-ga12404-2022-02-28~0'), await stored('un-press-ga12404-2022-02-28~1')].some((e) =>
      e.claims.some((c: any) => c.id === id),
    );
    expect(linkedBefore).toBe(true);
    // Read (and cached at this location) before the retraction.
    const readBefore = [];
    for (const excerpt of ['un-press-ga12404-2022-02-28~0', 'un-press-ga12404-2022-02-28~1'])
      readBefore.push(listed(await (await request(`/v1/excerpts/${excerpt}`)).json()));
    expect(readBefore).toContain(true);
    const res = await request(`/v1/claims/${id}`, { method: 'DELETE', headers: authed() });
    expect(res.status).toBe(200);
    for (const excerpt of ['un-press-ga12404-2022-02-28~0', 'un-press-ga12404-2022-02-28~1']) {
      expect((await stored(excerpt)).claims.some((c: any) => c.id === id)).toBe(false);
      expect(listed(await (await request(`/v1/excerpts/${excerpt}`)).json())).toBe(false);
    }
  });
});
