/**
 * GET /v1/findings and /v1/findings/:id inside workerd with real local KV holding the fictional
 * harbour council's record: listed newest first, filtered, one by id as JSON or a ClaimReview draft.
 */
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { putArticle } from '../../worker/store/records';
import { CREDITED_ELSEWHERE, MISQUOTE, TRANSCRIPT, VERBATIM } from '../harbour';
import { api, expectProblem } from './seed';

beforeAll(async () => {
  await putArticle(env.QS_KV, TRANSCRIPT, { now: '2026-11-01T00:00:00Z' });
  await putArticle(env.QS_KV, MISQUOTE, { now: '2026-11-02T00:00:00Z' });
  await putArticle(env.QS_KV, VERBATIM, { now: '2026-11-03T00:00:00Z' });
  await putArticle(env.QS_KV, { ...CREDITED_ELSEWHERE, url: 'https://www.other.example/ferry' }, { now: '2026-11-04T00:00:00Z' });
});

interface Page {
  findings: { id: string; kind: string; site: string; found: string; appearance: { articleId: string } }[];
  nextPageToken?: string;
}

describe('GET /v1/findings', () => {
  it('lists the misquote and the misattribution, newest first, paged, with CORS for any page', async () => {
    const res = await api('/v1/findings', { headers: { origin: 'https://reader.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const page = (await res.json()) as Page;
    expect(page.findings.map((f) => [f.kind, f.appearance.articleId])).toEqual([
      ['misattributed', CREDITED_ELSEWHERE.id],
      ['misquoted', MISQUOTE.id],
    ]);
    const first = (await (await api('/v1/findings?pageSize=1')).json()) as Page;
    expect(first.findings).toHaveLength(1);
    const second = (await (await api(`/v1/findings?pageSize=1&pageToken=${encodeURIComponent(first.nextPageToken!)}`)).json()) as Page;
    expect(second.findings.map((f) => f.kind)).toEqual(['misquoted']);
  });

  it('filters by site and by time', async () => {
    const bySite = (await (await api('/v1/findings?site=www.other.example')).json()) as Page;
    expect(bySite.findings.map((f) => f.site)).toEqual(['other.example']);
    const since = (await (await api('/v1/findings?since=2026-11-03')).json()) as Page;
    expect(since.findings.map((f) => f.kind)).toEqual(['misattributed']);
  });

  it('one finding as JSON, or as a ClaimReview draft citing the record', async () => {
    const [finding] = ((await (await api('/v1/findings?site=news.example')).json()) as Page).findings;
    const json = await api(`/v1/findings/${finding.id}`);
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ id: finding.id, kind: 'misquoted', original: { article: { id: TRANSCRIPT.id } } });
    const ld = await api(`/v1/findings/${finding.id}`, { headers: { accept: 'application/ld+json' } });
    expect(ld.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    const raw = await ld.text();
    expect(raw).not.toMatch(/[<>&]/); // safe to paste into a <script> element
    // The self-link comes from PUBLIC_ORIGIN (https://quotes.test in the tests), not from the request's host.
    expect(JSON.parse(raw)).toMatchObject({
      '@type': 'ClaimReview',
      creativeWorkStatus: 'Draft',
      reviewRating: { alternateName: 'Misquoted' },
      url: `https://quotes.test/v1/findings/${finding.id}`,
    });
    const spoofed = await exports.default.fetch(
      new Request(`http://evil.example/v1/findings/${finding.id}`, { headers: { accept: 'application/ld+json', 'x-forwarded-host': 'evil.example' } }),
    );
    expect(await spoofed.text()).not.toContain('evil.example');
  });

  it('bad parameters and unknown ids are problems', async () => {
    expect(JSON.stringify(await expectProblem(await api('/v1/findings?since=yesterday'), 400))).toMatch(/since/);
    expect(JSON.stringify(await expectProblem(await api('/v1/findings?pageSize=0'), 400))).toMatch(/pageSize/);
    expect((await expectProblem(await api('/v1/findings/fnope'), 404)).detail).toMatch(/withdrawn/);
  });
});
