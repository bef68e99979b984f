/**
 * Property-based tests of the HTTP layer in workerd (fast-check): whatever the method, path, query,
 * headers, content type or body, the worker answers within a bound, never with a 5xx, and every
 * error is problem+json.
 */
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { request } from './publish-helpers';
import { SEED_ARTICLE_ID, seedKv } from './seed';
import { keys } from '../../worker/store/keys';

beforeAll(() => seedKv(), 120_000);

/** Any string, including lone surrogates, controls and bidi/zero-width characters. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom('', ' ', '\u202e', '\u200b', '\ud800', '\u0000', '…', '[sic]', '"', '<script>', 'Enough is enough', 'a'.repeat(2001)),
);

const PATHS = [
  '/v1/lookup',
  '/v1/lookup/batch',
  '/v1/articles/x',
  '/v1/excerpts/x~1',
  '/v1/claims/search',
  '/v1/claims/x',
  '/healthz',
  '/openapi.json',
  '/nope',
  '/v1/articles/',
];

const WITHIN_MS = 15_000;

/** encodeURIComponent throws on lone surrogates: replace them as a browser would (raw bad bytes are tried separately). */
const wellFormed = (t: string) => t.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

async function answer(init: () => Promise<Response>): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${WITHIN_MS} ms`)), WITHIN_MS);
  });
  try {
    return await Promise.race([init(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function expectSane(res: Response) {
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('content-type') ?? '').toContain('application/problem+json');
    const body = (await res.json()) as { status: number; detail: string };
    expect(body.status).toBe(res.status);
    expect(typeof body.detail).toBe('string');
  } else {
    await res.arrayBuffer();
  }
}

describe('HTTP layer never 5xx, never hangs', () => {
  it('GET lookups and claim searches with arbitrary query parameters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/lookup', '/v1/claims/search'),
        anyText,
        anyText,
        fc.option(fc.oneof(fc.integer(), anyText)),
        async (path, q, prefix, limit) => {
          const params: Record<string, string> =
            path === '/v1/lookup' ? { q, prefix, ...(limit === null ? {} : { limit: String(limit) }) } : { query: q, pageSize: String(limit ?? '') };
          // URLSearchParams encodes lone surrogates as U+FFFD, like a browser would.
          const res = await answer(() => request(`${path}?${new URLSearchParams(params)}`));
          await expectSane(res);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('POST lookups with arbitrary JSON values, raw bodies and content types', async () => {
    const selector = fc.record(
      { exact: fc.oneof(anyText, fc.anything()), prefix: fc.option(anyText), suffix: fc.option(fc.anything()), limit: fc.option(fc.anything()) },
      { requiredKeys: [] },
    );
    const jsonBody = fc.oneof(
      selector.map((s) => JSON.stringify(s)),
      fc.array(selector, { maxLength: 60 }).map((quotes) => JSON.stringify({ quotes })),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
      'application/problem+json',
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v1/lookup', '/v1/lookup/batch'), jsonBody, contentType, async (path, body, type) => {
        const headers: Record<string, string> = type ? { 'content-type': type } : {};
        const res = await answer(() => request(path, { method: 'POST', headers, body }));
        await expectSane(res);
      }),
      { numRuns: 80 },
    );
  });

  it('arbitrary methods, paths and headers (including unauthenticated publishing attempts)', async () => {
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS');
    const path = fc.oneof(
      fc.constantFrom(...PATHS),
      fc.webPath(),
      anyText.map((t) => `/v1/articles/${encodeURIComponent(wellFormed(t))}`),
      fc.constantFrom('/v1/articles/%ED%A0%80', '/v1/lookup?q=%ED%A0%80%FF', '/v1/articles/%E2%80%AE'),
    );
    const header = fc.tuple(
      fc.constantFrom('authorization', 'origin', 'accept', 'if-none-match', 'access-control-request-method', 'x-anything', 'cf-connecting-ip'),
      fc.string({ maxLength: 200 }).map((v) => v.replace(/[^\x20-\x7e]/g, '')),
    );
    await fc.assert(
      fc.asyncProperty(method, path, fc.array(header, { maxLength: 5 }), fc.option(fc.string({ maxLength: 300 })), async (m, p, hs, body) => {
        const headers = new Headers();
        for (const [k, v] of hs) headers.set(k, v);
        let url: string;
        try {
          url = new URL(p.startsWith('/') ? p : `/${p}`, 'https://qs.test').pathname;
        } catch {
          url = '/';
        }
        const res = await answer(() => request(url, { method: m, headers, body: m === 'GET' || m === 'HEAD' || body === null ? undefined : body }));
        if (m === 'HEAD') expect(res.status).toBeLessThan(500);
        else await expectSane(res);
        // Without the admin token nothing is ever published or deleted.
        if ((m === 'PUT' || m === 'DELETE') && !hs.some(([k, v]) => k === 'authorization' && v.trim() === 'Bearer test-admin-token')) {
          expect(res.status).not.toBe(200);
          expect(res.status).not.toBe(201);
        }
      }),
      { numRuns: 80 },
    );
    // The seed is still intact after all of that.
    expect(await env.QS_KV.get(keys.article(SEED_ARTICLE_ID))).not.toBeNull();
  });

  it('authenticated PUTs of arbitrary article JSON answer 2xx or 4xx, never 5xx', async () => {
    const field = fc.oneof(anyText, fc.anything());
    const article = fc.record(
      {
        title: field,
        body: fc.oneof(anyText, fc.lorem({ maxCount: 40 })),
        url: fc.option(fc.oneof(fc.webUrl(), anyText)),
        published: fc.option(field),
        language: fc.option(field),
        extra: fc.option(field),
      },
      { requiredKeys: ['title', 'body'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 }), article, async (n, a) => {
        const res = await answer(() =>
          request(`/v1/articles/fuzz-${n}`, {
            method: 'PUT',
            headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
            body: JSON.stringify(a),
          }),
        );
        await expectSane(res);
      }),
      { numRuns: 40 },
    );
  });
});
