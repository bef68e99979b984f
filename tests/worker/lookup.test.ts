/** Quote lookups end to end in workerd: the seed scenarios, input limits and their problems. */
import { beforeAll, describe, expect, test } from 'vitest';
import type { LookupResponse, Match } from '../../worker/core/types';
import { XINHUA } from '../seed-sources';
import { api, expectProblem, SEED_ARTICLE_ID, seedKv } from './seed';

beforeAll(seedKv, 120_000);

const get = (q: string, extra = '') => api(`/v1/lookup?q=${encodeURIComponent(q)}${extra}`);
const post = (body: unknown, path = '/v1/lookup') => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const GUTERRES_AS_REPORTED = 'Soldiers need to move back to their barracks. Leaders need to move to peace.';
const MEDINSKY = 'We found some points by which we can predict common positions';
const NOT_IN_CORPUS = 'The city council approved the new budget for public libraries after a long debate on Tuesday.';

describe('seed scenarios', () => {
  test('Xinhua\'s wording is answered with the earliest report, the seed, which adds "back" (no primary holds these words)', async () => {
    const res = await get(GUTERRES_AS_REPORTED);
    expect(res.status).toBe(200);
    const { matches } = (await res.json()) as LookupResponse;
    expect(matches.length).toBeGreaterThan(0);
    const best = matches[0];
    expect(best.article.id).toBe(XINHUA.id);
    expect(best.source).toMatchObject({ kind: 'earliest-report', article: { id: SEED_ARTICLE_ID } });
    expect(best.source.exact).toContain('leaders need to move back to peace');
    expect(best.speaker?.name).toBe('António Guterres');
    // The original says "move back to peace"; the highlight drops "back".
    expect(best.differences.some((d) => d.source === 'back' && d.kind === 'delete')).toBe(true);
    expect(best.appearances).toMatchObject({ count: 2, wordings: 2 });
    expect(best.quote.exact).toBe(best.excerpt.text.slice(best.quote.start, best.quote.end));
    expect(best.score).toBeGreaterThan(0);
    expect(best.score).toBeLessThanOrEqual(1);
  });

  test('the Medinsky quote is attributed to Vladimir Medinsky, with no differences', async () => {
    const { matches } = (await (await get(MEDINSKY)).json()) as LookupResponse;
    expect(matches[0].speaker?.name).toBe('Vladimir Medinsky');
    expect(matches[0].differences).toEqual([]);
    expect(matches[0].altered).toBe(false);
  });

  test('the Medinsky quote with typos still finds him', async () => {
    const { matches } = (await (await get('We fund some points by wich we can predict common positions')).json()) as LookupResponse;
    expect(matches[0]?.speaker?.name).toBe('Vladimir Medinsky');
  });

  test('a non-quote claim sentence finds its passage, no speaker, with its sample review', async () => {
    const { matches } = (await (
      await get('the United Nationals General Assembly (UNGA) held an Emergency Session on Monday, February 28')
    ).json()) as LookupResponse;
    expect(matches[0].article.id).toBe(SEED_ARTICLE_ID);
    expect(matches[0].speaker).toBeUndefined();
    expect(matches[0].differences).toEqual([]);
    const review = matches[0].claims.flatMap((c) => c.reviews).find((r) => r.publisher.site === 'quotesource.example');
    expect(review?.textualRating).toBeTruthy();
  });

  test('a sentence not in the corpus → {"matches": []}', async () => {
    const res = await get(NOT_IN_CORPUS);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ matches: [] });
  });

  test('a matched passage carries the claims and reviews linked to it', async () => {
    const { matches } = (await (await get('leaders need to move back to peace')).json()) as LookupResponse;
    const claims = matches.flatMap((m: Match) => m.claims);
    expect(claims.some((c) => c.reviews.some((r) => r.textualRating === 'Misquoted'))).toBe(true);
  });
});

describe('POST /v1/lookup and /v1/lookup/batch', () => {
  test('POST with a TextQuoteSelector gives the same answer as GET', async () => {
    const viaGet = await (await get(MEDINSKY)).json();
    const res = await post({ exact: MEDINSKY, url: 'https://example.com/page', limit: 3 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(viaGet);
  });

  test('batch answers each quote in order, empty where nothing matches', async () => {
    const res = await post({ quotes: [{ exact: MEDINSKY }, { exact: NOT_IN_CORPUS }, { exact: GUTERRES_AS_REPORTED }] }, '/v1/lookup/batch');
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: LookupResponse[] };
    expect(results).toHaveLength(3);
    expect(results[0].matches[0].speaker?.name).toBe('Vladimir Medinsky');
    expect(results[1].matches).toEqual([]);
    expect(results[2].matches[0].speaker?.name).toBe('António Guterres');
  });

  test('limit caps the number of matches', async () => {
    // "the first round" appears in two seed passages.
    const all = (await (await get('the first round', '&limit=5')).json()) as LookupResponse;
    expect(all.matches.length).toBeGreaterThanOrEqual(2);
    const one = (await (await get('the first round', '&limit=1')).json()) as LookupResponse;
    expect(one.matches).toHaveLength(1);
    expect(one.matches[0]).toEqual(all.matches[0]);
  });
});

describe('input limits → 4xx problem+json', () => {
  test('missing q → 400 naming q', async () => {
    const problem = await expectProblem(await api('/v1/lookup'), 400);
    expect(problem.errors?.some((e) => e.path === 'query.q')).toBe(true);
  });

  test('q longer than 2000 characters → 400 that says so', async () => {
    const problem = await expectProblem(await get('word '.repeat(450)), 400);
    expect(problem.detail).toMatch(/2000/);
  });

  test('limit out of range or not a number → 400', async () => {
    await expectProblem(await get(MEDINSKY, '&limit=0'), 400);
    const problem = await expectProblem(await get(MEDINSKY, '&limit=ten'), 400);
    expect(problem.detail).toMatch(/limit/);
  });

  test('a batch of 51 quotes → 400 asking to split it', async () => {
    const quotes = Array.from({ length: 51 }, (_, i) => ({ exact: `quote number ${i}` }));
    const problem = await expectProblem(await post({ quotes }, '/v1/lookup/batch'), 400);
    expect(problem.detail).toMatch(/at most 50/);
  });

  test('a body over 1 MB → 413 before it is parsed', async () => {
    const big = JSON.stringify({ exact: 'x'.repeat(1_100_000) });
    await expectProblem(await api('/v1/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }), 413);
  });

  test('malformed JSON → 400; a non-JSON body → 415', async () => {
    await expectProblem(await api('/v1/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"exact": ' }), 400);
    await expectProblem(await api('/v1/lookup', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: MEDINSKY }), 415);
  });

  test('a body without exact, or with the wrong types → 400 naming the fields', async () => {
    const problem = await expectProblem(await post({ prefix: 'x', exact: 42 }), 400);
    expect(problem.errors?.some((e) => e.path === 'body.exact')).toBe(true);
  });

  test('hostile strings never crash the lookup', async () => {
    for (const q of ['<img src=x onerror=alert(1)>', '……', '"""', '[sic] [sic] [sic]', 'ا'.repeat(1999)]) {
      const res = await get(q);
      expect(res.status).toBe(200);
      expect(Array.isArray(((await res.json()) as LookupResponse).matches)).toBe(true);
    }
    // Bytes that are not UTF-8 (a lone surrogate, percent-encoded) are answered, not crashed on.
    const raw = await api('/v1/lookup?q=%ED%A0%80%FF%FE%20enough');
    expect([200, 400]).toContain(raw.status);
    // Control characters, noncharacters and lone surrogates are refused with a helpful 400 (issue 5; core/validate.ts).
    const control = await get('\u0000\uFFFF');
    expect(control.status).toBe(400);
    const lone = await post({ exact: 'Enough is \uD800 enough' });
    expect(lone.status).toBe(400);
    expect(((await lone.json()) as { detail: string }).detail).toContain('lone surrogate');
  });
});
