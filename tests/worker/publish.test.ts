/**
 * PUT/DELETE /v1/articles/:id through the whole worker (workerd, real local KV + Durable Object):
 * authentication, CORS refusal, validation, HTML extraction, and the concurrency guarantees.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { coordinatorFor } from '../../worker/coordinator/index-coordinator';
import { allKeys, del, foundIn, putJson, request, sharedPhraseArticle, staleEntries } from './publish-helpers';

const article = (id: string) => ({
  title: 'Council approves new harbour bridge',
  body: 'The city council approved the harbour bridge on Tuesday.\n\n"This bridge will connect the old town with the new docks within four years," mayor Ana Ribeiro said after the vote.',
  published: '2026-11-20',
  language: 'en',
  url: `https://news.example/${id}`,
});

describe('publishing: authentication', () => {
  it('401 with WWW-Authenticate and problem+json when no token is sent', async () => {
    const res = await request('/v1/articles/auth-a', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(article('auth-a')),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await res.json()) as object).toMatchObject({ status: 401, type: '/problems/unauthorized' });
  });

  it('401 for a malformed Authorization header, 403 for a wrong token (PUT and DELETE)', async () => {
    const basic = await request('/v1/articles/auth-a', { method: 'DELETE', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toContain('error="invalid_request"');
    expect((await putJson('auth-a', article('auth-a'), 'wrong-token')).status).toBe(403);
    expect((await putJson('auth-a', article('auth-a'), 'test-admin-token-but-longer')).status).toBe(403);
    expect((await del('auth-a', 'test-admin-tokeN')).status).toBe(403);
    expect(await foundIn('This bridge will connect the old town with the new docks')).toEqual([]);
  });

  it('the right token publishes (201), re-publishing the same is 200 "unchanged", and the article is readable', async () => {
    const first = await putJson('auth-ok', article('auth-ok'));
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ id: 'auth-ok', status: 'created', kvPending: 0 });
    const again = await putJson('auth-ok', article('auth-ok'));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'unchanged' });
    const read = await request('/v1/articles/auth-ok');
    expect(read.status).toBe(200);
    expect(await foundIn('This bridge will connect the old town with the new docks within four years')).toContain('auth-ok');
  });

  it('coordinator status needs the token too', async () => {
    expect((await request('/v1/admin/coordinator')).status).toBe(401);
    const ok = await request('/v1/admin/coordinator', { headers: { authorization: 'Bearer test-admin-token' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ dirty: expect.any(Number), operations: expect.any(Number) });
  });

  it('is never allowed by CORS: preflights are refused and responses carry no CORS headers', async () => {
    for (const method of ['PUT', 'DELETE']) {
      const preflight = await request('/v1/articles/auth-ok', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': method, 'access-control-request-headers': 'authorization' },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
    }
    const res = await putJson('auth-ok', article('auth-ok'));
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const denied = await request('/v1/articles/auth-ok', { method: 'DELETE', headers: { origin: 'https://evil.example' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    // Reads stay public.
    const read = await request('/v1/articles/auth-ok', { headers: { origin: 'https://reader.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('publishing: input', () => {
  it('extracts text/html through the ingestion library and indexes it', async () => {
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Harbour plan | Example News</title>
      <meta property="og:title" content="Harbour plan unveiled"><script>window.tracker = 1</script></head>
      <body><nav>Home | World</nav><article><h1>Harbour plan unveiled</h1>
      <p>The port authority unveiled its harbour plan on Monday after two years of consultation with residents.</p>
      <p>"We will plant four thousand trees along the eastern quay before the summer festival," director Tomas Lindqvist told reporters.</p>
      <p>The plan also covers new cycle lanes, a ferry terminal and flood defences along the river mouth.</p></article>
      <footer>© Example News</footer></body></html>`;
    const res = await request('/v1/articles/html-article', {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'text/html; charset=utf-8' },
      body: html,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await foundIn('We will plant four thousand trees along the eastern quay')).toContain('html-article');
    expect(await foundIn('window.tracker')).toEqual([]);
  });

  it('hostile markup is extracted within bounds: 1,500 nested <div>s publish (201, words found); 100,000 elements are refused with 422 naming the limit', async () => {
    const h = { authorization: 'Bearer test-admin-token', 'content-type': 'text/html' };
    const quote = 'The lighthouse keeper logged forty-one storms on the northern cape during the long winter';
    const deep = `<html><head><title>Storm log</title></head><body>${'<div>'.repeat(1500)}<p>${quote}, the harbour office reported on Friday.</p><p>Repairs to the lamp are planned for May.</p>${'</div>'.repeat(1500)}</body></html>`;
    const published = await request('/v1/articles/deep-nesting', { method: 'PUT', headers: h, body: deep });
    expect(published.status, await published.clone().text()).toBe(201);
    expect(await foundIn(quote)).toContain('deep-nesting');

    const wide = `<html><body><p>${quote}.</p>${'<b>'.repeat(100_000)}</body></html>`;
    const refused = await request('/v1/articles/too-many-elements', { method: 'PUT', headers: h, body: wide });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/more than 30,000 elements/);
  });

  it('rejects wrong content type (415), malformed JSON (400), wrong types and unknown fields (400), id mismatch (400)', async () => {
    const h = { authorization: 'Bearer test-admin-token' };
    const text = await request('/v1/articles/bad', { method: 'PUT', headers: { ...h, 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
    const none = await request('/v1/articles/bad', { method: 'PUT', headers: h, body: 'hello' });
    expect(none.status).toBe(415);
    const malformed = await request('/v1/articles/bad', {
      method: 'PUT',
      headers: { ...h, 'content-type': 'application/json' },
      body: '{"title": "x", "body": ',
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()) as object).toMatchObject({ status: 400 });
    const wrongType = await putJson('bad', { title: 42, body: ['a'] } as never);
    expect(wrongType.status).toBe(400);
    const detail = ((await wrongType.json()) as { detail: string }).detail;
    expect(detail).toContain('title');
    expect(detail).toContain('body');
    expect((await putJson('bad', { ...article('bad'), extra: 1 })).status).toBe(400);
    expect((await putJson('bad', { ...article('bad'), id: 'other' })).status).toBe(400);
    expect((await putJson('bad', { ...article('bad'), url: 'javascript:alert(1)' })).status).toBe(400);
    expect((await putJson('bad', { ...article('bad'), body: '   ' })).status).toBe(400);
    expect((await putJson('bad', { ...article('bad'), title: 'a\u0000b' })).status).toBe(400);
    expect((await putJson('bad', { ...article('bad'), body: 'lone \ud800 surrogate' })).status).toBe(400);
    expect((await putJson('Bad_ID', article('bad'))).status).toBe(400);
    expect((await putJson('a~1', article('bad'))).status).toBe(400);
  });

  it('an article without words (only punctuation, symbols, spaces) is refused with 422 saying why, and nothing is stored', async () => {
    for (const body of ['… … ... ---', '* * *\n\n— — —\n\n!!! ???', '\u00a0•\u00a0•\u00a0• 🙂 🙂']) {
      const res = await putJson('no-words', { ...article('no-words'), body });
      expect(res.status, body).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { detail: string }).detail).toMatch(/no words/);
    }
    expect((await request('/v1/articles/no-words')).status).toBe(404);
    // One word is enough to be an article.
    expect((await putJson('one-word', { ...article('one-word'), body: '… Ja …' })).status).toBe(201);
  });

  it('an article text over 50,000 characters is refused (400 naming body and the limit) before any index work', async () => {
    const paragraph = 'The ferry board published its full minutes for every meeting of the year, word for word.';
    const long = Array.from({ length: 600 }, () => paragraph).join('\n\n');
    expect(long.length).toBeGreaterThan(50_000);
    const res = await putJson('too-long', { ...article('too-long'), body: long });
    expect(res.status).toBe(400);
    const detail = ((await res.json()) as { detail: string }).detail;
    expect(detail).toMatch(/body/);
    expect(detail).toMatch(/50[,.]?000/);
    expect((await request('/v1/articles/too-long')).status).toBe(404);
  });

  it('refuses bodies over 1 MB with 413 before parsing', async () => {
    const huge = JSON.stringify({ title: 'Big', body: 'word '.repeat(220_000) });
    const res = await putJson('too-big', JSON.parse(huge));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('DELETE of an unknown article is 404 problem+json', async () => {
    const res = await del('not-there');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('publishing: no lost writes', () => {
  const N = 50;
  const articles = Array.from({ length: N }, (_, i) => sharedPhraseArticle(i));

  it(`${N} concurrent PUTs of articles that share phrases: every article's quote is found`, async () => {
    const responses = await Promise.all(articles.map((a) => putJson(a.id, { ...a, quote: undefined })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    await settled(responses);
    const missing: string[] = [];
    for (const a of articles) if (!(await foundIn(a.quote)).includes(a.id)) missing.push(a.id);
    expect(missing).toEqual([]);
    // The shared paragraph is filed under every article.
    expect(await staleEntries()).toEqual([]);
  });

  it('re-PUT with changed text: the old wording is gone, the new wording is found', async () => {
    const changed = articles.slice(0, 10).map((_, n) => sharedPhraseArticle(n, 'revised'));
    const responses = await Promise.all(changed.map((a) => putJson(a.id, { ...a, quote: undefined })));
    expect(responses.map((r) => r.status)).toEqual(changed.map(() => 200));
    await settled(responses);
    for (let i = 0; i < changed.length; i++) {
      expect(await foundIn(changed[i].quote)).toContain(changed[i].id);
      expect(await foundIn(articles[i].quote)).not.toContain(articles[i].id);
    }
    expect(await staleEntries()).toEqual([]);
  });

  it('DELETE half concurrently: none of those found, all the rest still found, nothing stale in KV', async () => {
    const gone = articles.filter((_, i) => i % 2 === 0);
    const kept = articles.filter((_, i) => i % 2 === 1);
    const responses = await Promise.all(gone.map((a) => del(a.id)));
    expect(responses.map((r) => r.status)).toEqual(gone.map(() => 200));
    await settled(responses);
    for (const a of gone) {
      expect(await foundIn(a.quote)).not.toContain(a.id);
      expect((await request(`/v1/articles/${a.id}`)).status).toBe(404);
    }
    for (const a of kept) {
      const current = i(a) < 10 ? sharedPhraseArticle(i(a), 'revised') : a;
      expect(await foundIn(current.quote)).toContain(a.id);
    }
    expect(await staleEntries()).toEqual([]);
    const leftovers = (await allKeys()).filter((k) => gone.some((a) => k.includes(`:${a.id}~`) || k.endsWith(`:${a.id}`)));
    expect(leftovers).toEqual([]);
  });
});

const i = (a: { id: string }) => Number(a.id.split('-').pop());

/**
 * Publishes answer once their keys are in KV, or after MIRROR_WAIT_MS with `kvPending` > 0 (a slow
 * machine): then wait for the mirror like a client would, by asking the coordinator to drain.
 */
async function settled(responses: Response[]) {
  const bodies = (await Promise.all(responses.map((r) => r.json()))) as { kvPending: number }[];
  if (bodies.some((b) => b.kvPending > 0)) await coordinatorFor(env).flush();
  expect((await coordinatorFor(env).stats()).dirty).toBe(0);
}
