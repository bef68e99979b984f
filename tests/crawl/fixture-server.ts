/**
 * The web the crawler tests crawl: a real HTTP server on 127.0.0.1 (never another interface), started
 * by vitest's globalSetup (tests/crawl/global-setup.ts) for the workerd tests and by the CLI tests
 * and the `sources` bench directly. Every text on it is fictional (the ingest fixtures' Port Alder
 * stories and Lakeside Checks fact-check), so no real person is given words.
 *
 * Bounded: it answers at most MAX_REQUESTS requests (then closes), a slow answer gives up after
 * SLOW_MS, and the 20 MB page is written in chunks that stop as soon as the client goes away.
 *
 * Paths (see `routes`): robots.txt (forbids /forbidden/ to QuoteSourceBot), RSS with ETag, Atom,
 * a sitemap index of two sitemaps, article pages, a ClaimReview page and DataFeed, and the bad
 * cases: malformed XML, a 404 item, a slow host, a redirect loop, a 20 MB page, a feed listing
 * 10,000 items, a robots-forbidden page, a redirect to 127.0.0.1. `GET /__log` returns what was
 * requested (path, time, user-agent, conditional headers).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { LoggedRequest } from './contract';

/** Far above any test's needs; a crawler loop that runs away is cut off, not served forever. */
const MAX_REQUESTS = 50_000;
/** The slow host answers after this long — longer than the tests' fetch time limit. */
const SLOW_MS = 8_000;
/** The huge page's size: four times the fetcher's 5 MB limit. */
const HUGE_BYTES = 20 * 1024 * 1024;
export const BULK_ITEMS = 10_000;

const fixture = (path: string) =>
  JSON.parse(readFileSync(resolve('tests/fixtures/ingest', path), 'utf8')) as {
    title: string;
    body: string;
    author?: string;
    published?: string;
    publisher?: string;
  };

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function articlePage(a: { title: string; body: string; author?: string; published?: string; publisher?: string }, extraParagraph = ''): string {
  const paragraphs = a.body
    .split(/\n\s*\n/)
    .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(a.title)}</title>
<meta property="og:site_name" content="${escapeHtml(a.publisher ?? 'Example Coast News')}">
${a.author ? `<meta name="author" content="${escapeHtml(a.author)}">` : ''}
${a.published ? `<meta property="article:published_time" content="${a.published}">` : ''}
</head><body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>${escapeHtml(a.title)}</h1>
${paragraphs}
${extraParagraph ? `<p>${escapeHtml(extraParagraph)}</p>` : ''}
</article><footer>Example Coast News, a fictional paper for tests.</footer></body></html>`;
}

export interface FixtureServer {
  origin: string;
  port: number;
  log: LoggedRequest[];
  /** Changes the text of /articles/changing.html (an updated article). */
  setChangingVersion(n: number): void;
  close(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const log: LoggedRequest[] = [];
  let served = 0;
  let changingVersion = 1;
  let origin = '';
  const harbour = fixture('articles/harbour-council.json');
  const wall = fixture('reports/coast-news-harbour-wall-2024-03-13.json');
  const library = fixture('kinds/coverage.json');
  const factCheck = readFileSync(resolve('tests/fixtures/ingest/factcheck/lakeside-checks-bridge-toll.html'));
  const claimFeed = readFileSync(resolve('tests/fixtures/ingest/factcheck/fictional-feed.json'));

  const rss = () => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Coast News</title><link>${origin}/</link><description>Fictional test feed</description>
<item><title>${escapeHtml(harbour.title)}</title><link>${origin}/articles/harbour-council.html</link><pubDate>Tue, 12 Mar 2024 18:00:00 GMT</pubDate></item>
<item><title>${escapeHtml(wall.title)}</title><link>${origin}/articles/harbour-wall.html</link><pubDate>Wed, 13 Mar 2024 09:00:00 GMT</pubDate></item>
<item><title>Gone</title><link>${origin}/articles/missing.html</link></item>
<item><title>Not for bots</title><link>${origin}/forbidden/secret.html</link></item>
</channel></rss>`;
  const atom = () => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Coast News (Atom)</title><id>urn:fixture:atom</id><updated>2024-03-20T10:00:00Z</updated>
<entry><title>${escapeHtml(library.title)}</title><id>urn:fixture:library</id><link rel="alternate" href="/articles/library-sundays.html"/><updated>2024-03-20T10:00:00Z</updated></entry>
<entry><title>Changing</title><id>urn:fixture:changing</id><link href="${origin}/articles/changing.html"/><updated>2024-03-2${changingVersion}T10:00:00Z</updated></entry>
</feed>`;
  const sitemapIndex = () => `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>${origin}/sitemaps/2024-03.xml</loc></sitemap><sitemap><loc>${origin}/sitemaps/2024-02.xml</loc></sitemap>
</sitemapindex>`;
  const sitemap = (paths: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>${origin}${p}?via=sitemap</loc><lastmod>2024-03-12</lastmod></url>`).join('')}</urlset>`;
  const bulk = () => {
    const items: string[] = [];
    for (let i = 0; i < BULK_ITEMS; i++) items.push(`<item><title>Item ${i}</title><link>${origin}/bulk/${i}.html</link></item>`);
    return `<?xml version="1.0"?><rss version="2.0"><channel><title>Bulk</title>${items.join('')}</channel></rss>`;
  };

  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  const send =
    (type: string, body: string | Buffer, headers: Record<string, string> = {}): Handler =>
    (_req, res) => {
      res.writeHead(200, { 'content-type': type, ...headers });
      res.end(body);
    };
  const html = 'text/html; charset=utf-8';
  const routes: Record<string, Handler> = {
    '/robots.txt': send('text/plain', 'User-agent: *\nDisallow: /private/\n\nUser-agent: QuoteSourceBot\nDisallow: /forbidden/\n'),
    '/feeds/news.rss': (req, res) => {
      const etag = '"news-rss-v1"';
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag, 'last-modified': 'Wed, 13 Mar 2024 09:00:00 GMT' });
      res.end(rss());
    },
    '/feeds/news.atom': (req, res) => send('application/atom+xml', atom())(req, res),
    '/sitemap.xml': (req, res) => send('application/xml', sitemapIndex())(req, res),
    '/sitemaps/2024-03.xml': (req, res) => send('application/xml', sitemap(['/articles/harbour-council.html', '/articles/library-sundays.html']))(req, res),
    '/sitemaps/2024-02.xml': (req, res) => send('application/xml', sitemap(['/articles/harbour-wall.html']))(req, res),
    '/feeds/malformed.xml': send(
      'application/rss+xml',
      '<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><link>/a</link></channel></rss>',
    ),
    '/feeds/bulk.rss': (req, res) => send('application/rss+xml', bulk())(req, res),
    '/feeds/claims.json': send('application/ld+json', claimFeed),
    '/factchecks/bridge-toll.html': send(html, factCheck),
    '/articles/harbour-council.html': send(html, articlePage(harbour)),
    '/articles/harbour-wall.html': send(html, articlePage(wall)),
    '/articles/library-sundays.html': send(html, articlePage(library)),
    '/articles/changing.html': (req, res) =>
      send(
        html,
        articlePage(
          { ...library, title: 'Library hours, revised' },
          changingVersion > 1 ? `Update ${changingVersion}: the library will also open on the first Monday of each month, the town said.` : '',
        ),
      )(req, res),
    '/forbidden/secret.html': send(html, articlePage(harbour)),
    '/articles/after-redirect.html': send(html, articlePage(wall)),
    '/to-loopback': (_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/articles/after-redirect.html` });
      res.end();
    },
    '/loop/a': (_req, res) => {
      res.writeHead(302, { location: '/loop/b' });
      res.end();
    },
    '/loop/b': (_req, res) => {
      res.writeHead(301, { location: '/loop/a' });
      res.end();
    },
    '/slow.html': (_req, res) => {
      const timer = setTimeout(() => send(html, articlePage(harbour))(_req, res), SLOW_MS);
      res.on('close', () => clearTimeout(timer));
    },
    '/huge.html': (_req, res) => {
      // No Content-Length: the fetcher must cut the stream itself.
      res.writeHead(200, { 'content-type': html });
      res.write('<!doctype html><html><body><article><h1>Huge</h1>');
      const chunk = Buffer.from(`<p>${'Port Alder filler text for a page far too large. '.repeat(20)}</p>\n`);
      let written = 0;
      const pump = () => {
        while (written < HUGE_BYTES && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end('</article></body></html>');
      };
      pump();
    },
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/__log') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(log));
      return;
    }
    if (path === '/__changing') {
      changingVersion = Number(new URL(req.url ?? '/', origin).searchParams.get('v') ?? '1');
      res.writeHead(204);
      res.end();
      return;
    }
    if (++served > MAX_REQUESTS) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('fixture server: request budget spent');
      server.close();
      return;
    }
    log.push({
      path,
      at: Date.now(),
      userAgent: String(req.headers['user-agent'] ?? ''),
      host: req.headers.host,
      ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
      ...(req.headers['if-modified-since'] ? { ifModifiedSince: String(req.headers['if-modified-since']) } : {}),
    });
    // The bulk feed's 10,000 items are not served (404): that test is about the feed, not the pages.
    const handler = routes[path];
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    log,
    setChangingVersion: (n) => void (changingVersion = n),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
