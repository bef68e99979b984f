/**
 * One table of problem types, every one of them sent: for each slug in PROBLEM_TYPES a real request
 * through the whole worker (workerd, local KV) that gets it, rendered by the one `onError`
 * (problem+json, the table's status and title, no-store). A type added to the table without a
 * request that produces it fails the first test.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../worker/app';
import { PROBLEM_TYPES, type ProblemSlug } from '../../worker/middleware/problem';
import { ADMIN_TOKEN, authed, putJson, request } from './publish-helpers';
import { expectProblem, seedKv } from './seed';

/** The app with some bindings changed (a deployment without a secret, a KV that is down…). */
async function fetchWith(bindings: Partial<Env> & Record<string, unknown>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`https://qs.test${path}`, init), { ...env, ...bindings } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A KV namespace that is down: every read fails (what an outage looks like to the worker). */
const downKv = new Proxy(env.QS_KV, {
  get: (target, name) =>
    name === 'get' || name === 'getWithMetadata' ? () => Promise.reject(new Error('KV unavailable (injected)')) : Reflect.get(target, name),
});

const json = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

const TRIGGERS: Record<ProblemSlug, () => Promise<Response>> = {
  'not-found': () => request('/v1/articles/no-such-article'),
  'invalid-request': () => request('/v1/lookup?q=Enough&limit=99'),
  'invalid-json': () => request('/v1/lookup', json('{"exact": "Enough is enough",')),
  'method-not-allowed': () => request('/v1/lookup', { method: 'DELETE' }),
  'payload-too-large': () => request('/v1/lookup', json(JSON.stringify({ exact: 'x'.repeat(1_100_000) }))),
  'unsupported-media-type': () => request('/v1/lookup', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'Enough is enough' }),
  'uri-too-long': () => request(`/v1/lookup?q=${'a'.repeat(20_000)}`),
  'unprocessable-article': () => putJson('no-words', { title: 'Punctuation only', body: '… … ... ---' }),
  'too-many-requests': async () => {
    // The real local limiter (300 a minute in wrangler.toml; a window edge may need twice that).
    for (let n = 0; n < 601; n++) {
      const res = await fetchWith({ RATE_LIMIT: 'on' }, '/v1/lookup', { headers: { 'cf-connecting-ip': '203.0.113.99' } });
      if (res.status === 429) return res;
    }
    throw new Error('no 429 after 601 lookups');
  },
  'request-header-fields-too-large': () => request('/healthz', { headers: { 'x-padding': 'p'.repeat(40_000) } }),
  unauthorized: () => request('/v1/articles/any-id', { method: 'DELETE' }),
  forbidden: () => request('/v1/articles/any-id', { method: 'DELETE', headers: authed(`${ADMIN_TOKEN}-wrong`) }),
  'internal-error': () => fetchWith({ QS_KV: downKv }, '/v1/articles/any-id'),
  'publishing-disabled': () => fetchWith({ ADMIN_TOKEN: '' }, '/v1/articles/any-id', { method: 'DELETE', headers: authed() }),
  'asset-unavailable': () => fetchWith({ ASSETS: undefined }, '/widget.js'),
  'ingest-unavailable': () =>
    fetchWith({ INGEST: undefined }, '/v1/articles/from-a-page', {
      method: 'PUT',
      headers: { ...authed(), 'content-type': 'text/html' },
      body: '<html><body><p>A page.</p></body></html>',
    }),
};

beforeAll(() => seedKv(), 120_000);

describe('the problem table', () => {
  it('lists exactly the types some request produces', () => {
    expect(Object.keys(TRIGGERS).sort()).toEqual(Object.keys(PROBLEM_TYPES).sort());
  });

  for (const slug of Object.keys(PROBLEM_TYPES) as ProblemSlug[]) {
    it(`${slug}: sent as problem+json with the table's status and title`, async () => {
      const res = await TRIGGERS[slug]();
      const body = await expectProblem(res, PROBLEM_TYPES[slug].status);
      expect(body).toMatchObject({ type: `/problems/${slug}`, title: PROBLEM_TYPES[slug].title });
      expect(res.headers.get('cache-control')).toBe('no-store');
      if (slug === 'internal-error') expect(body.detail).not.toMatch(/injected|KV unavailable/); // logged, never sent
    });
  }
});
