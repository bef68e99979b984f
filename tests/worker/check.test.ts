/**
 * POST /v1/check inside workerd with real local KV holding the fictional harbour council's record:
 * statuses over HTTP (JSON and HTML drafts), the declared bounds, bad input as problem+json, the
 * answer cached, and nothing written.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { putArticle } from '../../worker/store/records';
import { ARTICLES } from '../harbour';
import { api, expectProblem } from './seed';

beforeAll(async () => {
  for (const a of ARTICLES) await putArticle(env.QS_KV, a);
});

const check = (body: BodyInit, type = 'application/json') => api('/v1/check', { method: 'POST', headers: { 'content-type': type }, body });

interface CheckBody {
  text: string;
  quotations: {
    start: number;
    end: number;
    text: string;
    speaker: string;
    selector: { exact: string; prefix?: string; suffix?: string };
    status: string;
    original?: { kind: string; title: string; url: string; exact: string; excerptId: string };
    differences: { meaning?: string }[];
  }[];
  counts: Record<string, number>;
}

const DRAFT = [
  'The council met on Tuesday. "The night ferry will be cancelled this winter," Councillor Holt said.',
  'Councillor Okonjo said: "The maintenance budget shows a surplus of forty thousand pounds this year."',
  'Holt added: "The night ferry will not be cancelled this winter."',
].join('\n\n');

describe('POST /v1/check', () => {
  it('answers every quotation with its status and the original, in document order', async () => {
    const res = await check(JSON.stringify({ text: DRAFT, url: 'https://news.example/draft-1' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as CheckBody;
    expect(body.quotations.map((q) => q.status)).toEqual(['altered', 'misattributed', 'verbatim']);
    for (const q of body.quotations) expect(body.text.slice(q.start, q.end)).toBe(q.text);
    expect(body.quotations[0].original).toMatchObject({
      kind: 'primary',
      title: 'Harbour council meeting, 12 March 2024: transcript',
      url: 'https://council.example/minutes/2024-03-12',
    });
    expect(body.quotations[0].differences).toEqual([expect.objectContaining({ meaning: 'negation' })]);
    expect(body.counts).toMatchObject({ altered: 1, misattributed: 1, verbatim: 1, changed: 0, 'no-record': 0 });
  });

  it("gives each quotation the selector it looked up, which POST /v1/lookup answers with the same original (the /check page's card)", async () => {
    const body = (await (await check(JSON.stringify({ text: DRAFT }))).json()) as CheckBody;
    expect(body.quotations).toHaveLength(3);
    for (const q of body.quotations) {
      expect(q.selector.exact).toBe(q.text);
      expect(body.text.slice(0, q.start).endsWith(q.selector.prefix!)).toBe(true);
      expect(body.text.slice(q.end).startsWith(q.selector.suffix!)).toBe(true);
      const res = await api('/v1/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(q.selector) });
      const { matches } = (await res.json()) as { matches: { source: { excerpt: { id: string } } }[] };
      expect(matches[0].source.excerpt.id).toBe(q.original!.excerptId);
    }
  });

  it('takes an HTML page and checks its article text', async () => {
    const html = `<!doctype html><html><head><title>Ferry draft</title></head><body><nav>Home · News</nav><article><h1>Ferry draft</h1>${DRAFT.split('\n\n')
      .map((p) => `<p>${p.replace(/"/g, '&quot;')}</p>`)
      .join('')}</article></body></html>`;
    const res = await check(html, 'text/html; charset=utf-8');
    expect(res.status).toBe(200);
    expect(((await res.json()) as CheckBody).quotations.map((q) => q.status)).toEqual(['altered', 'misattributed', 'verbatim']);
  });

  it('is cached under the exact draft, and writes nothing to KV', async () => {
    const before = (await env.QS_KV.list()).keys.length;
    const body = JSON.stringify({ text: 'Holt said: "The night ferry will not be cancelled this winter."' });
    const first = await check(body);
    const second = await check(body);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(second.headers.get('x-cache')).toBe('HIT');
    // Browsers keep it but ask again before every use (a 304 when nothing changed).
    expect(second.headers.get('cache-control')).toBe('public, no-cache');
    expect(await second.json()).toEqual(await first.json());
    expect((await env.QS_KV.list()).keys.length).toBe(before);
  });

  it('refuses bad drafts with a problem that says what is wrong', async () => {
    expect((await expectProblem(await check(JSON.stringify({ text: '   ' })), 400)).errors?.[0].message).toMatch(/empty/);
    await expectProblem(await check(JSON.stringify({ draft: 'x' })), 400);
    await expectProblem(await check('{"text": ', 'application/json'), 400);
    expect((await expectProblem(await check('"The ferry"', 'text/plain'), 415)).detail).toMatch(/application\/json|text\/html/);
    expect((await expectProblem(await check(new Uint8Array([0x3c, 0x70, 0x3e, 0, 1, 2, 0x3c]), 'text/html'), 400)).detail).toMatch(/binary/);
    expect((await expectProblem(await check('<html><body><nav>Home</nav></body></html>', 'text/html'), 400)).detail).toMatch(/article text|extract/i);
    expect((await expectProblem(await check(JSON.stringify({ text: 'a '.repeat(60_000) })), 413)).detail).toMatch(/100,000/);
    const many = Array.from({ length: 201 }, (_, i) => `Resident ${i} said: "Pier ${i} needs new planks before the winter storms arrive."`).join('\n\n');
    expect((await expectProblem(await check(JSON.stringify({ text: many })), 413)).detail).toMatch(/200 quotations|201 quotations/);
  });

  it('never echoes hostile markup as anything but text in JSON', async () => {
    const res = await check(JSON.stringify({ text: 'Holt said: "<script>alert(1)</script> The night ferry will not be cancelled this winter."' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
