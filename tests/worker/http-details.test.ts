/**
 * HTTP details a client notices (issue 11): validation before the cache, Retry-After readable
 * cross-origin, /openapi.json cacheable with an ETag, /problems pages for browsers, trailing slashes.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { api, expectProblem, seedKv } from './seed';

beforeAll(seedKv, 120_000);

const postLookup = (body: unknown) => api('/v1/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('validation before the cache', () => {
  test('POST: once "Enough is enough" is cached, invalid prefix/suffix still get 400, never the cached 200', async () => {
    const warm = await postLookup({ exact: 'Enough is enough' });
    expect(warm.status).toBe(200);
    const hit = await postLookup({ exact: 'Enough is enough' });
    expect(hit.headers.get('x-cache')).toBe('HIT');
    await expectProblem(await postLookup({ exact: 'Enough is enough', prefix: ['a'] }), 400);
    await expectProblem(await postLookup({ exact: 'Enough is enough', suffix: { a: 1 } }), 400);
    await expectProblem(await postLookup({ exact: 'Enough is enough', prefix: 'x'.repeat(501) }), 400);
    await expectProblem(await postLookup({ exact: 'Enough is enough', limit: 'many' }), 400);
  });

  test('GET and batch alike', async () => {
    expect((await api('/v1/lookup?q=Enough+is+enough')).status).toBe(200);
    expect((await api('/v1/lookup?q=Enough+is+enough')).headers.get('x-cache')).toBe('HIT');
    await expectProblem(await api(`/v1/lookup?q=Enough+is+enough&prefix=${'x'.repeat(501)}`), 400);
    const batch = (quotes: unknown) =>
      api('/v1/lookup/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quotes }) });
    expect((await batch([{ exact: 'Enough is enough' }])).status).toBe(200);
    await expectProblem(await batch([{ exact: 'Enough is enough', prefix: 7 }]), 400);
  });
});

describe('HTTP details', () => {
  test('Retry-After is exposed to cross-origin scripts', async () => {
    const res = await api('/v1/lookup?q=Enough+is+enough', { headers: { origin: 'https://news.example' } });
    expect(res.headers.get('access-control-expose-headers')?.toLowerCase().split(/,\s*/)).toContain('retry-after');
  });

  test('/openapi.json: Cache-Control, ETag, 304 on If-None-Match', async () => {
    const res = await api('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"/);
    const again = await api('/openapi.json', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  test('/problems/:slug: HTML for browsers, JSON for Accept: application/json', async () => {
    const browser = await api('/problems/too-many-requests', { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await browser.text();
    expect(html).toContain('<h1>Too Many Requests</h1>');
    expect(html).toContain('<code>Retry-After</code>');
    const json = await api('/problems/too-many-requests', { headers: { accept: 'application/json' } });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.json()).toMatchObject({ status: 429, type: '/problems/too-many-requests' });
    expect((await api('/problems/not-found')).headers.get('content-type')).toMatch(/^application\/json/);
  });

  test('a trailing slash is another path: 404, not a 405 saying "use GET"', async () => {
    for (const path of ['/v1/lookup/', '/healthz/', '/v1/claims/search/', '/v1alpha1/claims:search/']) {
      const res = await api(path);
      expect([path, res.status]).toEqual([path, 404]);
    }
    const wrongMethod = await api('/v1/lookup', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
  });
});
