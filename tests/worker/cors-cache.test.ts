/** CORS for public reads, and edge caching: Cache-Control, strong ETag / 304, Cache API on the normalised query. */
import { Hono } from 'hono';
import { beforeAll, describe, expect, test } from 'vitest';
import { publicReadCors } from '../../worker/middleware/cors';
import { api, SEED_ARTICLE_ID, seedKv } from './seed';

beforeAll(seedKv, 120_000);

const ORIGIN = 'https://blog.example';

describe('CORS', () => {
  test('public reads allow any origin by default and expose ETag', async () => {
    const res = await api(`/v1/articles/${SEED_ARTICLE_ID}`, { headers: { origin: ORIGIN } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/ETag/i);
  });

  test('preflight for a JSON POST lookup → 204 with methods, headers and max-age', async () => {
    const res = await api('/v1/lookup', {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  test('error responses carry CORS headers too, so the widget can read them', async () => {
    const res = await api('/v1/articles/nope-nope', { headers: { origin: ORIGIN } });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('ALLOWED_ORIGINS as a list', () => {
  const app = new Hono<{ Bindings: { ALLOWED_ORIGINS: string } }>().use(publicReadCors()).get('/x', (c) => c.text('ok'));
  const env = { ALLOWED_ORIGINS: 'https://a.example, https://b.example/' };

  test('a listed origin is echoed back with Vary: Origin', async () => {
    const res = await app.request('/x', { headers: { origin: 'https://b.example' } }, env);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://b.example');
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  test('an unlisted origin gets no CORS grant, and its preflight is not allowed', async () => {
    const res = await app.request('/x', { headers: { origin: 'https://evil.example' } }, env);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await app.request('/x', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } }, env);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('caching', () => {
  test('reads carry Cache-Control and a strong ETag; If-None-Match → 304 without a body', async () => {
    const first = await api(`/v1/articles/${SEED_ARTICLE_ID}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    // Browsers and shared caches revalidate every time: a retraction is never served from their cache.
    expect(first.headers.get('cache-control')).toBe('public, no-cache');
    const again = await api(`/v1/articles/${SEED_ARTICLE_ID}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const other = await api(`/v1/articles/${SEED_ARTICLE_ID}`, { headers: { 'if-none-match': '"something-else"' } });
    expect(other.status).toBe(200);
  });

  test('lookups are cached under the normalised query: a differently typed quote is a cache hit with the same ETag', async () => {
    const a = await api(`/v1/lookup?q=${encodeURIComponent('Enough is enough. The fighting in Ukraine must stop now.')}`);
    expect(a.status).toBe(200);
    expect(a.headers.get('x-cache')).toBe('MISS');
    const b = await api(`/v1/lookup?q=${encodeURIComponent('  ENOUGH is enough.   The fighting in Ukraine\nmust stop now.')}`);
    expect(b.status).toBe(200);
    expect(b.headers.get('x-cache')).toBe('HIT');
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    const c = await api(`/v1/lookup?q=${encodeURIComponent('enough is enough. the fighting in ukraine must stop now.')}`, {
      headers: { 'if-none-match': a.headers.get('etag')! },
    });
    expect(c.status).toBe(304);
  });

  test('a POST lookup shares the cache entry of the same GET query', async () => {
    const q = 'The parties have identified a number of priority topics';
    const viaGet = await api(`/v1/lookup?q=${encodeURIComponent(q)}`);
    const viaPost = await api('/v1/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ exact: q }) });
    expect(viaPost.status).toBe(200);
    expect(viaPost.headers.get('x-cache')).toBe('HIT');
    expect(await viaPost.text()).toBe(await viaGet.text());
  });

  test('errors are never cached', async () => {
    const res = await api('/v1/lookup?q=');
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('etag')).toBeNull();
  });
});
