/** The typed client: `hc<AppType>` against the worker, so route types flow to the widget and tests. */
import { exports } from 'cloudflare:workers';
import { hc } from 'hono/client';
import { beforeAll, expect, test } from 'vitest';
import type { AppType } from '../../worker/index';
import { SEED_ARTICLE_ID, seedKv } from './seed';

beforeAll(seedKv, 120_000);

const client = hc<AppType>('https://qs.test', { fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)) });

test('typed GET /v1/articles/:id and /v1/lookup', async () => {
  const res = await client.v1.articles[':id'].$get({ param: { id: SEED_ARTICLE_ID } });
  expect(res.status).toBe(200);
  if (res.status === 200) {
    const article = await res.json();
    // `published` and `excerptIds` are typed from the route's response schema.
    expect(article.published).toBe('2022-02-28');
    expect(article.excerptIds.length).toBeGreaterThan(0);
  }
  const lookup = await client.v1.lookup.$get({ query: { q: 'We found some points by which we can predict common positions' } });
  expect(lookup.status).toBe(200);
  if (lookup.status === 200) {
    const { matches } = await lookup.json();
    expect(matches[0].speaker?.name).toBe('Vladimir Medinsky');
  }
});

test('typed POST /v1/lookup/batch and claim search', async () => {
  const res = await client.v1.lookup.batch.$post({ json: { quotes: [{ exact: 'Enough is enough' }] } });
  expect(res.status).toBe(200);
  if (res.status === 200) {
    const { results } = await res.json();
    expect(results).toHaveLength(1);
  }
  const search = await client.v1.claims.search.$get({ query: { query: 'leaders peace' } });
  expect(search.status).toBe(200);
  if (search.status === 200) {
    const body = await search.json();
    expect(body.claims[0].claimReview[0].publisher.site).toBe('quotesource.example');
  }
  // Errors are typed too: a 400 carries the problem fields.
  const bad = await client.v1.claims.search.$get({ query: { pageSize: '0', query: 'x' } });
  expect(bad.status).toBe(400);
  if (bad.status === 400) expect((await bad.json()).type).toBe('/problems/invalid-request');
});
