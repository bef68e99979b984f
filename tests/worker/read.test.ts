/** The read API inside workerd over real local KV, seeded through the real ingestion library. */
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, test } from 'vitest';
import { app } from '../../worker/app';
import type { Article } from '../../worker/core/types';
import { openApiDocument } from '../../worker/routes/openapi-document';
import { api, expectProblem, SEED_ARTICLE_ID, seedKv } from './seed';

beforeAll(seedKv, 120_000);

describe('GET /healthz', () => {
  test('answers ok with the KV binding present and is never cached', async () => {
    const res = await api('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, kv: true });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('GET /v1/articles/:id', () => {
  test('returns the seed article with its real metadata and excerpt ids in order', async () => {
    const res = await api(`/v1/articles/${SEED_ARTICLE_ID}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const article = (await res.json()) as Article;
    expect(article).toMatchObject({ id: SEED_ARTICLE_ID, published: '2022-02-28', publisher: '', language: 'en' });
    expect(article.title).toMatch(/Belarus/);
    expect(article.excerptIds.length).toBeGreaterThan(3);
    expect(article.excerptIds[0]).toBe(`${SEED_ARTICLE_ID}~0`);
    expect(article.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('unknown id → 404 problem+json naming the id', async () => {
    const res = await api('/v1/articles/no-such-article');
    const problem = await expectProblem(res, 404);
    expect(problem.detail).toContain('no-such-article');
    expect(problem.type).toBe('/problems/not-found');
  });

  test.each([
    ['upper case', 'Not-Lower'],
    ['punctuation', 'bad!id'],
    ['leading dash', '-x'],
    ['too long', 'a'.repeat(200)],
    ['markup', '%3Cscript%3E'],
  ])('malformed id (%s) → 400 problem+json that explains the id format', async (_name, id) => {
    const res = await api(`/v1/articles/${id}`);
    const problem = await expectProblem(res, 400);
    expect(problem.detail).toMatch(/ids are 1–128 characters/);
    expect(problem.errors?.[0].path).toBe('path.id');
    // Hostile input is never echoed back as markup.
    expect(JSON.stringify(problem)).not.toContain('<script>');
  });
});

describe('GET /v1/excerpts/:id', () => {
  test('returns the excerpt with the previous and next excerpts', async () => {
    const res = await api(`/v1/excerpts/${SEED_ARTICLE_ID}~1`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { excerpt: any; previous: any; next: any };
    expect(body.excerpt.id).toBe(`${SEED_ARTICLE_ID}~1`);
    expect(body.excerpt.text).toContain('We found some points by which we can predict common positions');
    expect(body.excerpt.quotes.some((q: any) => q.speaker?.name === 'Vladimir Medinsky')).toBe(true);
    expect(body.excerpt.article).toMatchObject({ id: SEED_ARTICLE_ID, published: '2022-02-28' });
    expect(body.previous.id).toBe(`${SEED_ARTICLE_ID}~0`);
    expect(body.next.id).toBe(`${SEED_ARTICLE_ID}~2`);
  });

  test('the first excerpt has no previous, the last no next', async () => {
    const article = (await (await api(`/v1/articles/${SEED_ARTICLE_ID}`)).json()) as Article;
    const first = (await (await api(`/v1/excerpts/${article.excerptIds[0]}`)).json()) as any;
    expect(first.previous).toBeNull();
    expect(first.next.id).toBe(article.excerptIds[1]);
    const lastId = article.excerptIds.at(-1)!;
    const last = (await (await api(`/v1/excerpts/${lastId}`)).json()) as any;
    expect(last.next).toBeNull();
    expect(last.previous.id).toBe(article.excerptIds.at(-2));
  });

  test('unknown excerpt → 404, malformed → 400', async () => {
    await expectProblem(await api(`/v1/excerpts/${SEED_ARTICLE_ID}~999`), 404);
    await expectProblem(await api('/v1/excerpts/UPPER~1'), 400);
  });
});

describe('errors everywhere are RFC 9457 problem+json', () => {
  test('unknown path → 404 problem', async () => {
    const problem = await expectProblem(await api('/v2/nothing-here'), 404);
    expect(problem.detail).toContain('/v2/nothing-here');
  });

  test('known path, wrong method → 405 with Allow', async () => {
    const res = await api('/v1/lookup/batch', { method: 'GET' });
    await expectProblem(res, 405);
    expect(res.headers.get('allow')).toContain('POST');
    const health = await api('/healthz', { method: 'DELETE' });
    await expectProblem(health, 405);
    expect(health.headers.get('allow')).toContain('GET');
  });

  test('each problem type is documented at its type URI', async () => {
    const problem = await expectProblem(await api('/v1/claims/nope-nope'), 404);
    const doc = await api(problem.type);
    expect(doc.status).toBe(200);
    expect(await doc.json()).toMatchObject({ type: problem.type, status: 404 });
    for (const slug of ['invalid-request', 'method-not-allowed', 'payload-too-large', 'too-many-requests', 'unauthorized']) {
      expect((await api(`/problems/${slug}`)).status).toBe(200);
    }
    await expectProblem(await api('/problems/no-such-problem'), 404);
  });
});

describe('GET /openapi.json', () => {
  test('is generated from the route schemas and lists every public endpoint', async () => {
    const res = await api('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toMatch(/^3\.1/);
    for (const path of ['/healthz', '/v1/articles/{id}', '/v1/excerpts/{id}', '/v1/lookup', '/v1/lookup/batch', '/v1/claims/search', '/v1/claims/{id}']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(Object.keys(doc.paths['/v1/lookup'])).toEqual(expect.arrayContaining(['get', 'post']));
    // Generated: the schemas of the data model and the validation limits appear in it.
    expect(doc.components.schemas.Match.properties.differences).toBeDefined();
    expect(doc.components.schemas.Problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail']));
    const q = doc.paths['/v1/lookup'].get.parameters.find((p: any) => p.name === 'q');
    expect(q.schema.maxLength).toBe(2000);
    expect(doc.paths['/v1/claims/search'].get.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['query', 'languageCode', 'reviewPublisherSiteFilter', 'maxAgeDays', 'pageSize', 'pageToken']),
    );
  });

  test('the edge copy is keyed by what the document depends on: another public origin never gets this one', async () => {
    const first = (await (await api('/openapi.json')).json()) as { servers: { url: string }[] };
    expect(first.servers).toEqual([{ url: 'https://quotes.test' }]);
    // The same isolate and edge cache, another deployment's configuration.
    const elsewhere = await app.fetch(
      new Request('https://qs.test/openapi.json'),
      { ...env, PUBLIC_ORIGIN: 'https://facts.example.org' },
      createExecutionContext(),
    );
    expect(((await elsewhere.json()) as { servers: { url: string }[] }).servers).toEqual([{ url: 'https://facts.example.org' }]);
  });

  test('the served document is the one the code under test generates (the build cannot go stale unnoticed)', async () => {
    // The worker serves what scripts/build-openapi.ts wrote at build time; generate it again here,
    // in workerd, from the routes this test run loaded, with the real generator.
    const served = (await (await api('/openapi.json')).json()) as Record<string, unknown>;
    const { servers, ...document } = served;
    expect(servers).toEqual([{ url: 'https://quotes.test' }]);
    expect(document).toEqual(JSON.parse(JSON.stringify(openApiDocument(app))));
  });
});
