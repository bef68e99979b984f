/**
 * `npm run ingest -- URL…`: a page, a feed (RSS, Atom), a sitemap (or sitemap index) or a ClaimReview
 * feed, fetched with the crawler's own fetcher (worker/ingest/fetcher.ts: robots.txt, one request a
 * second per host, honest User-Agent, size / time / redirect limits, SSRF checks on every hop) and
 * turned into the inputs the file path of `npm run ingest` reads — so a URL goes through exactly the
 * extraction a file does, and an article gets the id the edge crawler gives the same URL.
 *
 * Loopback addresses are refused unless FETCH_ALLOW_LOOPBACK=on is in the environment (as for the
 * ingest worker: development and tests only).
 */
import { articleIdFor } from '../worker/core/ids';
import { parseFeed } from '../worker/core/feeds';
import { MemoryPacer, PoliteFetcher } from '../worker/ingest/fetcher';

/** One fetched document, named so `parseSource` picks the right reader. */
export interface FetchedInput {
  /** What the report line shows: the URL. */
  shown: string;
  /** `{id}.html` for pages (the id the crawler gives this URL), `feed.json` for JSON. */
  name: string;
  bytes: Uint8Array;
  /** The URL the page was listed under (the article id comes from it) and the one it was served from. */
  url: string;
  finalUrl: string;
}

export const isUrl = (path: string) => /^https?:\/\//i.test(path);

/** Sitemap indexes nest; as in the crawler, two levels are followed. */
const MAX_SITEMAP_DEPTH = 2;

export function cliFetcher(env: NodeJS.ProcessEnv = process.env): PoliteFetcher {
  const on = (v?: string) => v === 'on' || v === 'true' || v === '1';
  return new PoliteFetcher({ policy: { allowLoopback: on(env.FETCH_ALLOW_LOOPBACK) }, pacer: new MemoryPacer() });
}

const looksXml = (text: string) => /^\s*(<\?xml|<rss|<feed|<urlset|<sitemapindex|<rdf:RDF)/i.test(text);

/**
 * The documents behind `url`: the page itself, the JSON document, or every item of a feed or sitemap
 * (each fetched politely). Failures of single items are reported through `fail` and skipped.
 */
export async function expandUrl(url: string, fetcher: PoliteFetcher, fail: (shown: string, message: string) => void, depth = 0): Promise<FetchedInput[]> {
  const got = await fetcher.get(url, 'feed');
  if (got.status !== 'ok') return [];
  const text = new TextDecoder().decode(got.bytes);
  const type = got.contentType.toLowerCase();
  if (/json/.test(type) || /^\s*[[{]/.test(text)) return [{ shown: url, name: 'feed.json', bytes: got.bytes, url, finalUrl: got.url }];
  if (/xml/.test(type) || looksXml(text)) {
    const feed = parseFeed(text, got.url);
    const out: FetchedInput[] = [];
    for (const child of feed.sitemaps) {
      if (depth >= MAX_SITEMAP_DEPTH) {
        fail(child.url, `sitemap index nested deeper than ${MAX_SITEMAP_DEPTH} levels: not followed`);
        continue;
      }
      try {
        out.push(...(await expandUrl(child.url, fetcher, fail, depth + 1)));
      } catch (e) {
        fail(child.url, (e as Error).message);
      }
    }
    for (const item of feed.items) {
      try {
        const page = await fetcher.get(item.url, 'page');
        if (page.status === 'ok') out.push(pageInput(item.url, page.url, page.bytes));
      } catch (e) {
        fail(item.url, (e as Error).message);
      }
    }
    return out;
  }
  return [pageInput(url, got.url, got.bytes)];
}

function pageInput(url: string, finalUrl: string, bytes: Uint8Array): FetchedInput {
  return { shown: url, name: `${articleIdFor({ url, title: '' })}.html`, bytes, url, finalUrl };
}
