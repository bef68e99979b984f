/**
 * Corrections and retractions are seen at once where they were made, and no cache layer keeps an
 * answer past about a minute anywhere (docs/publish.md "Consistency window"). Everything here is read
 * through the worker exactly as a reader's browser or a CMS would (the Cache API included), right
 * after the write answers: no waiting, no flushing. Fixtures are fictional (sharedPhraseArticle).
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, test } from 'vitest';
import { claimIdFor } from '../../worker/core/ids';
import { CLIENT_CACHE_CONTROL, EDGE_CACHE_TTL, GENERATION_HEADER } from '../../worker/middleware/cache';
import { putArticle } from '../../worker/store/records';
import { DEFAULT_KV_CACHE_TTL } from '../../worker/store/cached-kv';
import { bumpGeneration, GENERATION_KEY } from '../../worker/store/generation';
import { del, putJson as putSource, request, sharedPhraseArticle } from './publish-helpers';
import { seedKv } from './seed';

beforeAll(seedKv, 120_000);

/** A fictional article whose quote shares no phrase with the other fixtures. */
function standalone(id: string, quote: string): ReturnType<typeof sharedPhraseArticle> {
  return {
    id,
    title: `Island notes ${id}`,
    published: '2026-11-28',
    language: 'en',
    body: `The island council met on Thursday evening.\n\n"${quote}," harbour master Ilse Varnholm said afterwards.`,
    quote,
  };
}

/** Publishes a test article (its `quote` is the test's, not a field of the article). */
const putJson = (id: string, { quote: _quote, ...source }: ReturnType<typeof sharedPhraseArticle>) => putSource(id, source);

const lookupGet = (q: string) => request(`/v1/lookup?q=${encodeURIComponent(q)}`);
const lookupPost = (exact: string) =>
  request('/v1/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ exact }) });
const lookupBatch = (quotes: string[]) =>
  request('/v1/lookup/batch', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ quotes: quotes.map((exact) => ({ exact })) }),
  });
const checkDraft = (text: string) => request('/v1/check', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });

const articlesOf = async (res: Response) => ((await res.json()) as { matches: { article: { id: string } }[] }).matches.map((m) => m.article.id);
const batchArticles = async (res: Response) =>
  ((await res.json()) as { results: { matches: { article: { id: string } }[] }[] }).results.map((r) => r.matches.map((m) => m.article.id));

describe("a publisher's change is seen by the very next read at this location", () => {
  test('a retraction: lookups (GET, POST, batch), the quote check, the article, its excerpts and its claim (JSON, JSON-LD, search) stop at once', async () => {
    const kept = standalone('retraction-kept', 'The night ferry to Haldorsvik will keep its winter timetable until the ice breaks up');
    const gone = standalone('retraction-gone', 'Our cooperative sold nine hundred season passes before the first snowfall reached the fjord');
    for (const a of [kept, gone]) expect((await putJson(a.id, a)).status).toBe(201);
    const draft = `Ilse Varnholm said: "${gone.quote}."`;

    // Read everything once, twice for the cache: the second answers come from this location's cache.
    for (let pass = 0; pass < 2; pass++) {
      const get = await lookupGet(gone.quote);
      expect(await articlesOf(get)).toContain(gone.id);
      if (pass === 1) expect(get.headers.get('x-cache')).toBe('HIT');
      expect(await articlesOf(await lookupPost(gone.quote))).toContain(gone.id);
      expect(await batchArticles(await lookupBatch([gone.quote, kept.quote]))).toEqual([expect.arrayContaining([gone.id]), expect.arrayContaining([kept.id])]);
      expect(((await (await checkDraft(draft)).json()) as any).quotations[0].original?.articleId).toBe(gone.id);
      expect((await request(`/v1/articles/${gone.id}`)).status).toBe(200);
      expect((await request(`/v1/excerpts/${gone.id}~1`)).status).toBe(200);
    }
    const claimQuery = `/v1/claims/search?query=${encodeURIComponent(gone.quote.split(' ').slice(1, 5).join(' '))}`;
    const search = (await (await request(claimQuery)).json()) as any;
    expect(search.claims.map((c: any) => c.text)).toContain(gone.quote);
    // The claim the article's attributed quote made (its id as ingestion names it).
    const claimId = claimIdFor('Ilse Varnholm', gone.quote);
    expect((await request(`/v1/claims/${claimId}`)).status).toBe(200);
    expect((await request(`/v1/claims/${claimId}`, { headers: { accept: 'application/ld+json' } })).status).toBe(200);
    const etagBefore = (await lookupGet(gone.quote)).headers.get('etag')!;

    const retracted = await del(gone.id);
    expect(retracted.status).toBe(200);
    expect(await retracted.json()).toMatchObject({ status: 'deleted', kvPending: 0 });

    // The very next reads: nothing of the retracted article, from any path; the other article stays.
    const get = await lookupGet(gone.quote);
    expect(get.headers.get('x-cache')).toBe('MISS');
    expect(await articlesOf(get)).not.toContain(gone.id);
    expect(await articlesOf(await lookupPost(gone.quote))).not.toContain(gone.id);
    const [goneBatch, keptBatch] = await batchArticles(await lookupBatch([gone.quote, kept.quote]));
    expect(goneBatch).not.toContain(gone.id);
    expect(keptBatch).toContain(kept.id);
    expect(((await (await checkDraft(draft)).json()) as any).quotations[0].status).toBe('no-record');
    expect((await request(`/v1/articles/${gone.id}`)).status).toBe(404);
    expect((await request(`/v1/excerpts/${gone.id}~1`)).status).toBe(404);
    expect((await request(`/v1/claims/${claimId}`)).status).toBe(404);
    expect((await request(`/v1/claims/${claimId}`, { headers: { accept: 'application/ld+json' } })).status).toBe(404);
    const searched = (await (await request(claimQuery)).json()) as any;
    expect(searched.claims.map((c: any) => c.text)).not.toContain(gone.quote);
    // A browser revalidating the answer it holds gets the new answer, not "304 keep yours".
    const revalidated = await request(`/v1/lookup?q=${encodeURIComponent(gone.quote)}`, { headers: { 'if-none-match': etagBefore } });
    expect(revalidated.status).toBe(200);
    expect(await articlesOf(revalidated)).not.toContain(gone.id);
    expect(await articlesOf(await lookupGet(kept.quote))).toContain(kept.id);
  });

  test('a correction: the lookup answered before with the old wording answers with the new one', async () => {
    const first = sharedPhraseArticle(910, 'correction');
    const revised = { ...sharedPhraseArticle(910, 'revised'), id: first.id };
    expect((await putJson(first.id, first)).status).toBe(201);
    const before = (await (await lookupGet(first.quote)).json()) as any;
    expect(before.matches[0].article.id).toBe(first.id);
    expect(before.matches[0].excerpt.text).toContain(first.quote);
    expect((await lookupGet(revised.quote)).status).toBe(200); // "no reliable source", cached too

    const res = await putJson(first.id, revised);
    expect(await res.json()).toMatchObject({ status: 'updated', kvPending: 0 });

    const old = (await (await lookupGet(first.quote)).json()) as any;
    expect(old.matches.map((m: any) => m.excerpt.text).join('\n')).not.toContain(first.quote);
    const now = (await (await lookupGet(revised.quote)).json()) as any;
    expect(now.matches[0].article.id).toBe(first.id);
    expect(now.matches[0].excerpt.text).toContain(revised.quote);
    const excerpt = (await (await request(`/v1/excerpts/${first.id}~1`)).json()) as any;
    expect(excerpt.excerpt.text).toContain(revised.quote);
  });

  test('a new article is found by the very lookup that answered "no reliable source" a moment before', async () => {
    const fresh = standalone('brand-new-lanterns', 'The lighthouse keepers of Varnholm repaired forty two brass lanterns during the autumn gales');
    for (let pass = 0; pass < 2; pass++) {
      const res = await lookupGet(fresh.quote);
      expect(await articlesOf(res)).toEqual([]);
      // "No reliable source" is cached exactly like a found answer (same lifetime, same generation check).
      if (pass === 1) expect(res.headers.get('x-cache')).toBe('HIT');
      expect(res.headers.get('cache-control')).toBe(CLIENT_CACHE_CONTROL);
    }
    expect((await putJson(fresh.id, fresh)).status).toBe(201);
    expect(await articlesOf(await lookupGet(fresh.quote))).toContain(fresh.id);
  });

  test('an ingest straight into KV (what `npm run ingest -- --local` runs, ending with a new generation) is seen at once', async () => {
    const cli = standalone('cli-ingest-choir', 'A volunteer choir from Lindqvist Bay recorded eleven sea shanties in the old customs house');
    expect(await articlesOf(await lookupGet(cli.quote))).toEqual([]);
    expect((await lookupGet(cli.quote)).headers.get('x-cache')).toBe('HIT');
    const { quote: _quote, ...source } = cli;
    await putArticle(env.QS_KV, source);
    await bumpGeneration(env.QS_KV);
    expect(await articlesOf(await lookupGet(cli.quote))).toContain(cli.id);
  });

  test('an answer is served from the cache only under the generation it was computed under', async () => {
    const q = 'Soldiers need to move back to their barracks.';
    const first = await lookupGet(q);
    const generation = await env.QS_KV.get(GENERATION_KEY);
    expect(first.headers.get(GENERATION_HEADER)).toBe(generation);
    expect((await lookupGet(q)).headers.get('x-cache')).toBe('HIT');
    // Any committed change elsewhere in the store: the cached answer is computed again (and equal).
    const other = sharedPhraseArticle(940, 'unrelated');
    await putJson(other.id, other);
    const again = await lookupGet(q);
    expect(again.headers.get('x-cache')).toBe('MISS');
    expect(again.headers.get(GENERATION_HEADER)).not.toBe(generation);
    expect(await again.text()).toBe(await first.text());
  });
});

describe('no cache layer holds an answer longer than about a minute', () => {
  test('browsers and shared caches revalidate every read of the store; the edge copy lives ≤ 30 s; KV caches ≤ 30 s', async () => {
    const paths = [
      '/v1/lookup?q=Enough+is+enough.+The+fighting+in+Ukraine+must+stop+now.',
      '/v1/lookup?q=a+sentence+no+article+holds+about+lantern+repairs',
      '/v1/articles/seed-report-2022-02-28',
      '/v1/excerpts/seed-report-2022-02-28~1',
      '/v1/claims/search?query=guterres+peace',
      '/v1alpha1/claims:search?query=guterres+peace',
      '/v1/findings',
    ];
    for (const path of paths) {
      const res = await request(path);
      expect(res.status, path).toBe(200);
      // No max-age and no s-maxage: nothing downstream of the worker keeps an answer unvalidated.
      expect(res.headers.get('cache-control'), path).toBe(CLIENT_CACHE_CONTROL);
    }
    // The edge copy of an answer (this location's Cache API) says how long it may live, and carries its generation.
    const stored = await (caches as unknown as { default: Cache }).default.match(
      new Request(`https://cache.quotesource.internal/v2/${encodeURIComponent('/v1/articles/seed-report-2022-02-28')}`),
    );
    expect(stored).toBeDefined();
    expect(Number(/max-age=(\d+)/.exec(stored!.headers.get('cache-control') ?? '')?.[1])).toBe(EDGE_CACHE_TTL);
    expect(stored!.headers.get(GENERATION_HEADER)).toBe(await env.QS_KV.get(GENERATION_KEY));
    // KV's own read cache plus the edge copy: about a minute, KV's propagation bound.
    expect(DEFAULT_KV_CACHE_TTL + EDGE_CACHE_TTL).toBeLessThanOrEqual(60);
  });
});
