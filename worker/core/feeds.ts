/**
 * Feeds and sitemaps → the item URLs they list (pure). RSS 2.0 / RSS 1.0 (RDF), Atom 1.0, sitemaps
 * (`urlset`) and sitemap indexes (`sitemapindex`, whose children are sitemaps to read in turn).
 *
 * Invariants:
 *  - Malformed XML is an error naming the line, never a partial list.
 *  - Only http(s) item URLs are returned, resolved against the feed's own URL, each once, in feed
 *    order; an item's `updated` is an ISO timestamp when the feed gives a parseable date, else absent.
 *  - No entity expansion beyond XML's five predefined entities and character references (a feed
 *    cannot make the parser allocate gigabytes: "billion laughs").
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type FeedType = 'rss' | 'atom' | 'sitemap';

export interface FeedItem {
  url: string;
  /** When the feed says the item last changed (ISO 8601), if it does. */
  updated?: string;
}

export interface ParsedFeed {
  /** What the document turned out to be (a sitemap URL may serve an index, an RSS URL an Atom feed). */
  format: 'rss' | 'atom' | 'sitemap' | 'sitemapindex';
  items: FeedItem[];
  /** Child sitemaps of a sitemap index. */
  sitemaps: FeedItem[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['item', 'entry', 'url', 'sitemap', 'link'].includes(name),
});

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const text = (value: unknown): string => {
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object' && '#text' in value) return String((value as Record<string, unknown>)['#text']).trim();
  return '';
};

const isoDate = (value: unknown): string | undefined => {
  const raw = text(value);
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
};

function resolveHttp(href: string, base: string): string | undefined {
  try {
    const url = new URL(href, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}

/** An Atom entry's link: rel="alternate" (or no rel) first. */
function atomLink(entry: Record<string, unknown>): string {
  const links = asArray(entry.link as Record<string, unknown> | Record<string, unknown>[]);
  const alternate = links.find((l) => typeof l === 'object' && (!l['@rel'] || l['@rel'] === 'alternate'));
  const chosen = alternate ?? links[0];
  if (!chosen) return '';
  return typeof chosen === 'object' ? String(chosen['@href'] ?? '') : String(chosen);
}

export class FeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedError';
  }
}

/** Parses a feed or sitemap document fetched from `baseUrl`. */
export function parseFeed(xml: string, baseUrl: string): ParsedFeed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new FeedError(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  let doc: Record<string, Record<string, unknown>>;
  try {
    doc = parser.parse(xml);
  } catch (e) {
    throw new FeedError(`malformed XML: ${(e as Error).message}`);
  }
  const seen = new Set<string>();
  const items: FeedItem[] = [];
  const sitemaps: FeedItem[] = [];
  const add = (list: FeedItem[], href: string, updated?: string) => {
    const url = resolveHttp(href, baseUrl);
    if (!url || seen.has(url)) return;
    seen.add(url);
    list.push(updated ? { url, updated } : { url });
  };

  if (doc.urlset) {
    for (const u of asArray(doc.urlset.url as Record<string, unknown>[])) add(items, text(u.loc), isoDate(u.lastmod));
    return { format: 'sitemap', items, sitemaps };
  }
  if (doc.sitemapindex) {
    for (const s of asArray(doc.sitemapindex.sitemap as Record<string, unknown>[])) add(sitemaps, text(s.loc), isoDate(s.lastmod));
    return { format: 'sitemapindex', items, sitemaps };
  }
  if (doc.feed) {
    for (const e of asArray(doc.feed.entry as Record<string, unknown>[])) add(items, atomLink(e), isoDate(e.updated) ?? isoDate(e.published));
    return { format: 'atom', items, sitemaps };
  }
  const channel = doc.rss?.channel as Record<string, unknown> | undefined;
  if (channel || doc.RDF) {
    const entries = asArray((channel?.item ?? doc.RDF?.item) as Record<string, unknown>[]);
    for (const i of entries) {
      const link = text(asArray(i.link as unknown[])[0]) || (text(i.guid) && /^https?:/i.test(text(i.guid)) ? text(i.guid) : '');
      add(items, link, isoDate(i.pubDate) ?? isoDate(i.date) ?? isoDate(i.updated));
    }
    return { format: 'rss', items, sitemaps };
  }
  const root = Object.keys(doc).find((k) => !k.startsWith('?')) ?? 'nothing';
  throw new FeedError(`not a feed or sitemap: the document's root element is <${root}> (expected <rss>, <rdf:RDF>, <feed>, <urlset> or <sitemapindex>)`);
}
