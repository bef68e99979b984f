/**
 * Raw HTML page → ArticleSource: article text by @mozilla/readability over linkedom (pure JS, runs
 * in Node and in Workers), metadata from JSON-LD (schema.org NewsArticle etc.), OpenGraph and meta
 * tags, with Readability's own findings as the fallback. Paragraphs come from the extracted DOM.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { ArticleSource } from '../types';
import { decodeHtml } from './charset';
import { tidyParagraph } from './paragraphs';

type Json = Record<string, unknown>;

const ARTICLE_TYPES = /^(?:NewsArticle|Article|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|BlogPosting|ScholarlyArticle|TechArticle|WebPage|Report|LiveBlogPosting|BackgroundNewsArticle|ReviewNewsArticle)$/;

function asArray<T>(v: T | T[] | undefined | null): T[] {
  return v == null ? [] : Array.isArray(v) ? v : [v];
}

function text(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object') {
    const o = v as Json;
    return text(o.name ?? o['@value'] ?? o.url ?? o['@id'] ?? '');
  }
  return '';
}

function names(v: unknown): string {
  return asArray(v as unknown)
    .map((a) => text(a))
    .filter(Boolean)
    .join(', ');
}

/** The most article-like JSON-LD object on the page (NewsArticle beats WebPage). */
function jsonLdArticle(document: Document): Json | undefined {
  const found: Json[] = [];
  const visit = (node: unknown) => {
    for (const item of asArray(node as Json | Json[])) {
      if (!item || typeof item !== 'object') continue;
      if (item['@graph']) visit(item['@graph']);
      const types = asArray(item['@type'] as string | string[]).map(String);
      if (types.some((t) => ARTICLE_TYPES.test(t))) found.push(item);
    }
  };
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      visit(JSON.parse((script.textContent ?? '').trim().replace(/^<!--|-->$/g, '')));
    } catch {
      /* malformed JSON-LD is common on real pages: skip it */
    }
  }
  const rank = (o: Json) => (asArray(o['@type'] as string | string[]).some((t) => /WebPage/.test(String(t))) ? 1 : 0);
  return found.sort((a, b) => rank(a) - rank(b))[0];
}

function meta(document: Document, ...names: string[]): string {
  for (const name of names) {
    const el = document.querySelector(`meta[property="${name}"], meta[name="${name}"], meta[itemprop="${name}"]`);
    const content = el?.getAttribute('content')?.trim();
    if (content) return content;
  }
  return '';
}

const BLOCKS = 'p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, figcaption, dd, dt, td, th';

/** Paragraph texts from Readability's extracted HTML: each innermost block element is one paragraph. */
export function paragraphsFromHtml(html: string): string[] {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const blocks = [...document.querySelectorAll(BLOCKS)].filter((el) => !el.querySelector(BLOCKS));
  const out: string[] = [];
  const seen = new Set<Element>();
  for (const el of blocks) {
    seen.add(el);
    const t = tidyParagraph(el.textContent ?? '');
    if (t) out.push(t);
  }
  // Text that sits directly in a container (div with bare text and <br>) is a paragraph too.
  for (const div of document.querySelectorAll('div, section, article')) {
    const own = [...div.childNodes]
      .filter((n) => n.nodeType === 3 || (n.nodeType === 1 && !(n as Element).matches(`${BLOCKS}, div, section, article, table, ul, ol, figure`)))
      .map((n) => n.textContent ?? '')
      .join(' ');
    const t = tidyParagraph(own);
    if (t.length > 40 && !out.includes(t)) out.push(t);
  }
  return out;
}

export interface HtmlExtraction {
  source: ArticleSource;
  paragraphs: string[];
  charset: string;
}

/** Extracts article text and metadata from a raw page. Throws when no article text is found. */
export function extractHtml(bytes: Uint8Array | string, fallbackTitle = ''): HtmlExtraction {
  const { text: html, charset } = decodeHtml(bytes);
  const { document } = parseHTML(html);
  const ld = jsonLdArticle(document) ?? {};
  const canonical = document.querySelector('link[rel="canonical"]')?.getAttribute('href')?.trim() ?? '';
  const lang = document.documentElement?.getAttribute('lang')?.trim() ?? '';
  const fromTags = {
    title: text(ld.headline) || meta(document, 'og:title', 'twitter:title') || (document.querySelector('title')?.textContent ?? '').trim(),
    url: text(ld.url) || meta(document, 'og:url') || canonical || text(ld.mainEntityOfPage),
    publisher: text((ld.publisher as Json)?.name ?? ld.publisher) || meta(document, 'og:site_name', 'application-name'),
    author: names(ld.author) || meta(document, 'author', 'article:author', 'byl', 'parsely-author', 'dc.creator', 'sailthru.author'),
    published:
      text(ld.datePublished) ||
      meta(document, 'article:published_time', 'datePublished', 'pubdate', 'publishdate', 'date', 'dc.date', 'parsely-pub-date', 'sailthru.date'),
    language: text(ld.inLanguage) || lang || meta(document, 'og:locale', 'language', 'content-language').replace('_', '-'),
  };
  // Readability mutates the document, so it runs after the metadata pass.
  const article = new Readability(document as unknown as Document, { charThreshold: 200 }).parse();
  const paragraphs = article?.content ? paragraphsFromHtml(article.content) : [];
  if (!paragraphs.length) throw new Error('no article text found in the HTML page');
  const source: ArticleSource = {
    title: (article?.title?.trim() || fromTags.title || fallbackTitle).replace(/\s+/g, ' '),
    url: /^https?:\/\//i.test(fromTags.url) ? fromTags.url : '',
    publisher: fromTags.publisher || article?.siteName?.trim() || '',
    author: (article?.byline?.trim() || fromTags.author).replace(/^by\s+/i, '').replace(/\s+/g, ' '),
    published: fromTags.published || article?.publishedTime?.trim() || '',
    language: (fromTags.language || article?.lang || '').trim(),
    body: paragraphs.join('\n\n'),
  };
  return { source, paragraphs, charset };
}
