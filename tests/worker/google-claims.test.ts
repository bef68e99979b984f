/**
 * `GET /v1alpha1/claims:search` as Google defines it, in workerd over the seeds plus claims written
 * for these tests (fictional claimants, example.* sites). The official Google client is exercised
 * against a real `wrangler dev` in tests/e2e/google-client.test.ts.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ClaimSource } from '../../worker/core/types';
import { putClaims } from '../../worker/store/records';
import { api, seedKv } from './seed';

/** 23 reviewed claims on three sites (one a subdomain), plus 4 with no review that must never show. */
const REVIEWED: ClaimSource[] = Array.from({ length: 23 }, (_, i) => ({
  id: `gtest-ferry-${i}`,
  text: `The island ferry fare went up ${i + 3} percent after the ${2001 + i} timetable change.`,
  claimant: 'Marta Quell',
  claimDate: '2021-6-1',
  languageCode: i % 4 === 0 ? 'de' : 'en',
  reviews: [
    {
      publisher: i % 3 === 0 ? { name: 'Harbour Facts', site: 'harbour-facts.example' } : { name: 'Ferry Checkers', site: 'ferry-checkers.example' },
      url:
        i % 3 === 0
          ? `https://www.harbour-facts.example/checks/${i}`
          : i % 3 === 1
            ? `https://ferry-checkers.example/r/${i}`
            : `https://de.ferry-checkers.example/r/${i}`,
      title: `Ferry fare check ${i}`,
      reviewDate: '3 June 2021',
      textualRating: i % 2 ? 'False' : 'Mostly true',
      explanation: 'Fixture written for QuoteSource tests.',
      languageCode: i % 4 === 0 ? 'de' : 'en',
    },
  ],
}));
const UNREVIEWED: ClaimSource[] = Array.from({ length: 4 }, (_, i) => ({
  id: `gtest-ferry-unreviewed-${i}`,
  text: `The island ferry fare went up ${i + 50} percent, said the timetable change notice.`,
  claimant: 'Marta Quell',
  claimDate: '2021-06-01',
  languageCode: 'en',
  reviews: [],
}));

beforeAll(async () => {
  await seedKv();
  await putClaims(env.QS_KV, [...UNREVIEWED, ...REVIEWED]);
}, 120_000);

type GoogleSearch = { claims?: { text: string; claimant?: string; claimDate?: string; claimReview: any[] }[]; nextPageToken?: string };
const search = async (params: Record<string, string | number>) => {
  const res = await api(`/v1alpha1/claims:search?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as GoogleSearch;
};
const googleError = async (res: Response, code: number) => {
  expect(res.status).toBe(code);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: number; message: string; status: string; details?: any[] } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body.error;
};

describe('GET /v1alpha1/claims:search', () => {
  test('every claim has a review; claims without one never appear, even ranked first', async () => {
    const body = await search({ query: 'island ferry fare timetable', pageSize: 100 });
    expect(body.claims).toHaveLength(23);
    expect(body.claims!.every((c) => c.claimReview.length > 0 && c.claimReview[0].publisher)).toBe(true);
    // /v1/claims/search is unchanged: it still lists the claims no one has reviewed yet.
    const v1 = (await (await api('/v1/claims/search?query=island+ferry+fare+timetable&pageSize=100')).json()) as { claims: unknown[] };
    expect(v1.claims).toHaveLength(27);
  });

  test("Google's field names, timestamps and publisher.site = the review URL's host without www", async () => {
    const { claims } = await search({ query: 'ferry fare 3 percent 2001', pageSize: 1 });
    const claim = claims![0];
    expect(claim).toMatchObject({ text: REVIEWED[0].text, claimant: 'Marta Quell', claimDate: '2021-06-01T00:00:00Z' });
    expect(claim.claimReview[0]).toEqual({
      publisher: { name: 'Harbour Facts', site: 'harbour-facts.example' },
      url: 'https://www.harbour-facts.example/checks/0',
      title: 'Ferry fare check 0',
      reviewDate: '2021-06-03T00:00:00Z',
      textualRating: 'Mostly true',
      languageCode: 'de',
    });
  });

  test('offset is honoured and pages do not overlap; pageToken pages the same list', async () => {
    const all = (await search({ query: 'island ferry fare timetable', pageSize: 100 })).claims!.map((c) => c.text);
    const byOffset: string[] = [];
    for (let offset = 0; offset < 23; offset += 5)
      byOffset.push(...(await search({ query: 'island ferry fare timetable', pageSize: 5, offset })).claims!.map((c) => c.text));
    expect(byOffset).toEqual(all);
    const byToken: string[] = [];
    let token: string | undefined;
    do {
      const page = await search({ query: 'island ferry fare timetable', page_size: 7, ...(token ? { page_token: token } : {}) });
      byToken.push(...page.claims!.map((c) => c.text));
      token = page.nextPageToken;
    } while (token);
    expect(byToken).toEqual(all);
    // Past the end: Google answers {}.
    expect(await search({ query: 'island ferry fare timetable', offset: 500 })).toEqual({});
  });

  test('snake_case parameters mean the same as camelCase', async () => {
    const camel = await search({ query: 'island ferry fare', languageCode: 'de', maxAgeDays: 100000, pageSize: 50 });
    const snake = await search({ query: 'island ferry fare', language_code: 'de', max_age_days: 100000, page_size: 50 });
    expect(snake).toEqual(camel);
    expect(camel.claims).toHaveLength(6);
  });

  test('a site filter matches the site and its subdomains, with or without a query', async () => {
    const withQuery = await search({ query: 'island ferry fare', reviewPublisherSiteFilter: 'ferry-checkers.example', pageSize: 100 });
    const siteOnly = await search({ review_publisher_site_filter: 'www.ferry-checkers.example', pageSize: 100 });
    const sites = (r: GoogleSearch) => new Set(r.claims!.flatMap((c) => c.claimReview.map((v) => v.publisher.site)));
    expect(withQuery.claims).toHaveLength(15);
    expect(siteOnly.claims).toHaveLength(15);
    expect(sites(siteOnly)).toEqual(new Set(['ferry-checkers.example', 'de.ferry-checkers.example']));
    const sub = await search({ reviewPublisherSiteFilter: 'de.ferry-checkers.example', pageSize: 100 });
    expect(sub.claims).toHaveLength(7);
  });

  test("the colon percent-encoded, as Google's client libraries send it, is the same path", async () => {
    const res = await api('/v1alpha1/claims%3Asearch?query=island+ferry+fare&pageSize=3');
    expect(res.status).toBe(200);
    expect(((await res.json()) as GoogleSearch).claims).toHaveLength(3);
  });

  test('nothing found → {} (Google omits empty claims)', async () => {
    expect(await search({ query: 'zebra xylophone quasar' })).toEqual({});
  });

  test('errors in Google shape: code, message, status, and the bad field', async () => {
    const missing = await googleError(await api('/v1alpha1/claims:search'), 400);
    expect(missing.status).toBe('INVALID_ARGUMENT');
    expect(missing.message).toMatch(/query/);
    const bad = await googleError(await api('/v1alpha1/claims:search?query=x&maxAgeDays=soon'), 400);
    expect(bad.details?.[0].fieldViolations[0].field).toBe('maxAgeDays');
    await googleError(await api('/v1alpha1/claims:search?query=x&pageToken=garbage'), 400);
    await googleError(await api('/v1alpha1/claims:search?query=x&pageSize=5&page_size=6'), 400);
    const notFound = await googleError(await api('/v1alpha1/claims:nothing'), 404);
    expect(notFound.status).toBe('NOT_FOUND');
  });

  test('a page size over the maximum is clamped, as Google does', async () => {
    const body = await search({ query: 'island ferry fare timetable', pageSize: 5000 });
    expect(body.claims).toHaveLength(23);
  });
});
