/**
 * `npm run ingest -- URL…` against the crawl fixture server (127.0.0.1): a feed, a sitemap index, a
 * page and a ClaimReview feed go through the crawler's fetcher and the file path's extraction; the
 * 404 item and the robots-forbidden item are reported and skipped; without FETCH_ALLOW_LOOPBACK the
 * same URLs are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../scripts/ingest';
import { MemoryKV } from '../../worker/store/kv';
import { lookup } from '../../worker/store/lookup';
import { startFixtureServer, type FixtureServer } from '../crawl/fixture-server';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
  delete process.env.FETCH_ALLOW_LOOPBACK;
});

describe('npm run ingest -- URL', () => {
  it('a feed, a sitemap index, a page and a ClaimReview feed: articles and claims in, bad items reported', async () => {
    process.env.FETCH_ALLOW_LOOPBACK = 'on';
    const kv = new MemoryKV();
    const lines: string[] = [];
    const totals = await ingest({
      target: { kind: 'kv', kv },
      paths: [
        `${server.origin}/feeds/news.rss`,
        `${server.origin}/sitemap.xml`,
        `${server.origin}/articles/library-sundays.html`,
        `${server.origin}/feeds/claims.json`,
      ],
      log: (l) => lines.push(l),
    });
    const out = lines.join('\n');
    expect(out).toMatch(/FAILED\s+http:\/\/127\.0\.0\.1:\d+\/articles\/missing\.html: .*HTTP 404/);
    expect(out).toMatch(/FAILED\s+http:\/\/127\.0\.0\.1:\d+\/forbidden\/secret\.html: .*disallowed by .*robots\.txt/);
    expect(out).toMatch(/^claims\s+http:\/\/127\.0\.0\.1:\d+\/feeds\/claims\.json\s+format=claimreview/m);
    // rss: 2 pages; sitemap: 3 (their ?via=sitemap URLs are other pages); the page: 1.
    expect(totals.created).toBe(6);
    expect(totals.failed).toBe(2);
    const { matches } = await lookup(kv, { exact: 'We cannot leave the island without a crossing after dark' }, { limit: 5 });
    expect(matches.length).toBeGreaterThan(0);
    expect(server.log.some((r) => r.path.startsWith('/forbidden/'))).toBe(false);

    // Again: the same ids, nothing rewritten.
    const again = await ingest({ target: { kind: 'kv', kv }, paths: [`${server.origin}/articles/library-sundays.html`], log: () => {} });
    expect(again).toMatchObject({ unchanged: 1, created: 0 });
  });

  it('without FETCH_ALLOW_LOOPBACK a 127.0.0.1 URL is refused before any request', async () => {
    delete process.env.FETCH_ALLOW_LOOPBACK;
    const before = server.log.length;
    const lines: string[] = [];
    const totals = await ingest({ target: { kind: 'kv', kv: new MemoryKV() }, paths: [`${server.origin}/feeds/news.rss`], log: (l) => lines.push(l) });
    expect(totals.failed).toBe(1);
    expect(lines.join('\n')).toMatch(/refused to fetch from 127\.0\.0\.1: a loopback address/);
    expect(server.log.length).toBe(before);
  });
});
