/**
 * The crawler's pure gatekeepers: which URLs may be fetched (SSRF), which media types are accepted,
 * and what a feed or sitemap lists (worker/core/fetch-policy.ts, worker/core/feeds.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkContentType, checkFetchUrl, checkResolvedAddress } from '../../worker/core/fetch-policy';
import { parseFeed } from '../../worker/core/feeds';

const production = { allowLoopback: false };
const development = { allowLoopback: true };

describe('fetch policy (SSRF)', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://0x7f.0.0.1/',
    'http://2130706433/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://[64:ff9b::a00:1]/',
    'http://[2002:0a00:0001::]/',
    'http://224.0.0.1/',
    'http://localhost/',
    'http://db.localhost/',
    'http://printer.local/',
    'http://intranet/',
  ])('refuses %s in production', (url) => {
    expect(() => checkFetchUrl(url, production)).toThrow(/refused/);
  });

  it.each(['file:///etc/passwd', 'ftp://example.org/', 'gopher://example.org/', 'data:text/html,hi', 'javascript:alert(1)'])(
    'refuses the scheme of %s',
    (url) => {
      expect(() => checkFetchUrl(url, production)).toThrow(/scheme/);
    },
  );

  it('refuses credentials in URLs and accepts public hosts and addresses', () => {
    expect(() => checkFetchUrl('https://user:pw@example.org/', production)).toThrow(/credentials/);
    expect(checkFetchUrl('https://press.example.org/feed.xml', production).hostname).toBe('press.example.org');
    expect(checkFetchUrl('http://93.184.215.14/', production).hostname).toBe('93.184.215.14');
    expect(checkFetchUrl('http://[2606:4700::1111]/', production).hostname).toBe('[2606:4700::1111]');
  });

  it('FETCH_ALLOW_LOOPBACK admits loopback and nothing else private', () => {
    expect(checkFetchUrl('http://127.0.0.1:8080/x', development).port).toBe('8080');
    expect(checkFetchUrl('http://[::1]/', development).hostname).toBe('[::1]');
    expect(checkFetchUrl('http://localhost/', development).hostname).toBe('localhost');
    expect(() => checkFetchUrl('http://10.0.0.1/', development)).toThrow(/private/);
    expect(() => checkFetchUrl('http://169.254.169.254/', development)).toThrow(/linkLocal/);
    expect(() => checkResolvedAddress('192.168.0.10', development)).toThrow(/private/);
  });

  it('content types: a feed may be XML, JSON-LD or a fact-check page; a page must be HTML', () => {
    expect(() => checkContentType('application/rss+xml; charset=utf-8', 'feed')).not.toThrow();
    expect(() => checkContentType('application/ld+json', 'feed')).not.toThrow();
    expect(() => checkContentType('text/html', 'feed')).not.toThrow();
    expect(() => checkContentType('image/png', 'feed')).toThrow(/unexpected content type "image\/png"/);
    expect(() => checkContentType('application/pdf', 'page')).toThrow(/for a page/);
    expect(() => checkContentType('application/xhtml+xml', 'page')).not.toThrow();
  });
});

describe('feeds and sitemaps', () => {
  const base = 'https://news.example/feeds/x.xml';
  it('RSS: links resolved against the feed, dates made ISO, duplicates and non-http links dropped', () => {
    const feed = parseFeed(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
       <item><link>/a.html</link><pubDate>Tue, 12 Mar 2024 18:00:00 GMT</pubDate></item>
       <item><link>https://news.example/a.html</link></item>
       <item><link>javascript:alert(1)</link></item>
       <item><guid>https://news.example/b.html</guid></item></channel></rss>`,
      base,
    );
    expect(feed.format).toBe('rss');
    expect(feed.items).toEqual([{ url: 'https://news.example/a.html', updated: '2024-03-12T18:00:00.000Z' }, { url: 'https://news.example/b.html' }]);
  });

  it('Atom: the alternate link; sitemap index: its child sitemaps; urlset: lastmod', () => {
    const atom = parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="self" href="/self"/><link rel="alternate" href="/story"/><updated>2024-03-20T10:00:00Z</updated></entry></feed>`,
      base,
    );
    expect(atom.items).toEqual([{ url: 'https://news.example/story', updated: '2024-03-20T10:00:00.000Z' }]);
    const index = parseFeed(`<sitemapindex><sitemap><loc>https://news.example/s1.xml</loc></sitemap></sitemapindex>`, base);
    expect(index).toMatchObject({ format: 'sitemapindex', items: [], sitemaps: [{ url: 'https://news.example/s1.xml' }] });
    const urlset = parseFeed(`<urlset><url><loc>https://news.example/p</loc><lastmod>2024-03-12</lastmod></url></urlset>`, base);
    expect(urlset.items).toEqual([{ url: 'https://news.example/p', updated: '2024-03-12T00:00:00.000Z' }]);
  });

  it("malformed XML names the line; an unknown root is refused; entities do not expand beyond XML's own", () => {
    expect(() => parseFeed('<rss><channel>\n<item><link>x</channel></rss>', base)).toThrow(/malformed XML at line \d+/);
    expect(() => parseFeed('<html><body/></html>', base)).toThrow(/root element is <html>/);
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><rss><channel><item><link>https://news.example/&lol2;</link></item></channel></rss>`;
    let length = 0;
    try {
      length = JSON.stringify(parseFeed(laughs, base)).length;
    } catch {
      length = 0;
    }
    expect(length).toBeLessThan(10_000);
  });
});
