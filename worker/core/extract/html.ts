/**
 * Raw HTML page → ArticleSource: article text by @mozilla/readability over linkedom (pure JS, runs
 * in Node and in Workers), metadata from JSON-LD (schema.org NewsArticle etc.), OpenGraph and meta
 * tags, with Readability's own findings as the fallback. Paragraphs come from the extracted DOM.
 * A fragment (no <html>/<body>) is first given a document's shape, so it reads like the same
 * content wrapped in <html><body>. Markup is bounded first (bounds.ts): nesting deeper than 48 is
 * flattened and pages of more than 30,000 elements are refused, so no page's shape makes this slow.
 */
import { Readability } from '@mozilla/readability';
import { InputError } from '../errors';
import type { ArticleSource } from '../types';
import { runSliced, runToEnd, type Sliced } from '../slices';
import { blockWalk, type PageFacts } from './block-walk';
import { boundMarkupSteps, type BoundedMarkup } from './bounds';
import { decodeHtml } from './charset';
import { type DomDocument, type DomElement, type DomNode, isElement, NodeType, parseDocument } from './dom';
import { ParagraphCollector } from './paragraphs';
import { BLOCK_TAGS, CONTAINER_TAGS, SKIP_TAGS } from './tags';

type Json = Record<string, unknown>;

const ARTICLE_TYPES =
  /^(?:NewsArticle|Article|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|BlogPosting|ScholarlyArticle|TechArticle|WebPage|Report|LiveBlogPosting|BackgroundNewsArticle|ReviewNewsArticle)$/;

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

/** The most article-like JSON-LD object among a page's `application/ld+json` blocks (NewsArticle beats WebPage). */
function jsonLdArticle(blocks: string[]): Json | undefined {
  const found: Json[] = [];
  const visit = (node: unknown) => {
    for (const item of asArray(node as Json | Json[])) {
      if (!item || typeof item !== 'object') continue;
      if (item['@graph']) visit(item['@graph']);
      const types = asArray(item['@type'] as string | string[]).map(String);
      if (types.some((t) => ARTICLE_TYPES.test(t))) found.push(item);
    }
  };
  for (const block of blocks) {
    try {
      visit(JSON.parse(block.trim().replace(/^<!--|-->$/g, '')));
    } catch {
      /* malformed JSON-LD is common on real pages: skip it */
    }
  }
  const rank = (o: Json) => (asArray(o['@type'] as string | string[]).some((t) => /WebPage/.test(String(t))) ? 1 : 0);
  return found.sort((a, b) => rank(a) - rank(b))[0];
}

/** The first non-empty `content` among the meta tags named so (property, name or itemprop), by priority. */
function meta(facts: PageFacts, ...names: string[]): string {
  for (const name of names) {
    const content = facts.meta.get(name);
    if (content) return content;
  }
  return '';
}

/**
 * A DOM's metadata in one pass over its meta tags (one `querySelector` per name scanned the whole
 * document some twenty times: a quarter of a second on a large page).
 */
function factsOf(document: DomDocument): PageFacts {
  const facts: PageFacts = { meta: new Map(), title: '', canonical: '', lang: '', jsonLd: [] };
  for (const el of document.querySelectorAll('meta')) {
    const content = el.getAttribute('content')?.trim();
    if (!content) continue;
    for (const attr of ['property', 'name', 'itemprop']) {
      const key = el.getAttribute(attr);
      if (key && !facts.meta.has(key)) facts.meta.set(key, content);
    }
  }
  facts.title = (document.querySelector('title')?.textContent ?? '').trim();
  facts.canonical = document.querySelector('link[rel="canonical"]')?.getAttribute('href')?.trim() ?? '';
  facts.lang = document.documentElement?.getAttribute('lang')?.trim() ?? '';
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) facts.jsonLd.push(script.textContent ?? '');
  return facts;
}

const BLOCK_SELECTOR = [...BLOCK_TAGS, ...CONTAINER_TAGS].join(',');

/** An innermost block's text with each <br> read as a line break, so the words either side stay apart. */
function blockText(el: DomElement): string {
  if (!el.querySelector('br')) return el.textContent ?? '';
  let out = '';
  for (const node of [...el.childNodes]) {
    if (node.nodeType === NodeType.text || node.nodeType === NodeType.cdata) out += node.textContent ?? '';
    else if (isElement(node)) out += node.tagName.toUpperCase() === 'BR' ? '\n' : blockText(node);
  }
  return out.replace(/\s*\n\s*/g, '\n');
}

/**
 * Paragraph texts from Readability's extracted HTML, in document order: each innermost block element
 * (p, li, h2, blockquote …) is one paragraph, and so is a run of bare text or inline elements sitting
 * directly in a container (a div with text and <br>, a <header> lede).
 */
export function paragraphsFromHtml(html: string): string[] {
  return paragraphsFromElement(parseDocument(`<!doctype html><html><body>${html}</body></html>`).body);
}

/**
 * The elements under `root` (and `root` itself) that have a block or container descendant: one pass
 * over the blocks, marking ancestors until one is already marked, so O(elements) in all — asking
 * `el.querySelector(BLOCK_SELECTOR)` of every element instead costs elements × depth.
 */
function withBlockDescendants(root: DomElement): WeakSet<DomElement> {
  const marked = new WeakSet<DomElement>();
  for (const block of root.querySelectorAll(BLOCK_SELECTOR)) {
    for (let up = block.parentElement; up && !marked.has(up); up = up.parentElement) {
      marked.add(up);
      if (up === root) break;
    }
  }
  return marked;
}

function paragraphsFromElement(root: DomElement | null | undefined): string[] {
  const hasBlocks = root ? withBlockDescendants(root) : new WeakSet<DomElement>();
  const collected = new ParagraphCollector();
  const visit = (el: DomElement) => {
    const tag = el.tagName.toLowerCase();
    if (SKIP_TAGS.has(tag)) return;
    if (BLOCK_TAGS.has(tag) && !hasBlocks.has(el)) {
      collected.add(blockText(el));
      return;
    }
    for (const node of [...el.childNodes]) {
      if (node.nodeType === NodeType.text) collected.append(node.textContent ?? '');
      else if (isElement(node)) {
        const childTag = node.tagName.toLowerCase();
        if (SKIP_TAGS.has(childTag)) continue;
        if (childTag === 'br') collected.lineBreak();
        else if (BLOCK_TAGS.has(childTag) || CONTAINER_TAGS.has(childTag) || hasBlocks.has(node)) {
          collected.endRun();
          visit(node);
        } else collected.append(node.textContent ?? '');
      }
    }
    collected.endRun();
  };
  if (root) visit(root);
  return collected.paragraphs;
}

/** Elements that, before any body content, belong in <head> (as an HTML5 parser would put them). */
const HEAD_TAGS = new Set(['TITLE', 'META', 'LINK', 'BASE', 'STYLE', 'SCRIPT', 'NOSCRIPT', 'TEMPLATE']);

/**
 * linkedom is not an HTML5 tree builder: it does not invent <html>/<head>/<body> for markup that
 * lacks them. A fragment (`<p>…</p><p>…</p>`, `<article>…</article>`) becomes a document whose
 * documentElement is its first element, the other top-level nodes are mere siblings, and
 * `document.body` then creates an empty <body> *inside* that element, so Readability sees no text.
 * The same goes for `<html>` without `<body>`, or `<head>…</head><body>…</body>` without `<html>`.
 * True when the parsed document already has the html > (head) > body shape `document.body` expects;
 * checked without touching `document.head`/`document.body`, whose getters create elements.
 */
function hasDocumentShape(document: DomDocument): boolean {
  const root = document.documentElement;
  if (root?.tagName.toUpperCase() !== 'HTML') return false;
  let first = root.firstElementChild;
  if (first?.tagName.toUpperCase() === 'HEAD') first = first.nextElementSibling;
  return first?.tagName.toUpperCase() === 'BODY';
}

/**
 * Rebuilds a fragment (or a page missing its <html>/<body>) into html > head + body in place, the
 * way a browser would: leading <title>/<meta>/<link>/<script>… go to <head>, everything from the
 * first content on goes to <body>, and stray <html>/<head>/<body> tags are unwrapped with their
 * attributes (lang, …) kept on the new elements. The result is the same DOM as the content wrapped
 * in `<html><body>…</body></html>`.
 */
function giveDocumentShape(document: DomDocument): void {
  const html = document.createElement('html');
  const head = document.createElement('head');
  const body = document.createElement('body');
  html.appendChild(head);
  html.appendChild(body);
  let inBody = false;
  const place = (node: DomNode) => {
    if (node.nodeType === NodeType.documentType) return; // the doctype stays where it is
    if (isElement(node)) {
      const el = node;
      const tag = el.tagName.toUpperCase();
      if (tag === 'HTML' || tag === 'HEAD' || tag === 'BODY') {
        const target = tag === 'HTML' ? html : tag === 'HEAD' ? head : body;
        for (const { name, value } of [...el.attributes]) if (!target.hasAttribute(name)) target.setAttribute(name, value);
        if (tag === 'BODY') inBody = true;
        for (const child of [...el.childNodes]) place(child);
        el.remove();
        return;
      }
      if (!inBody && HEAD_TAGS.has(tag)) head.appendChild(el);
      else {
        inBody = true;
        body.appendChild(el);
      }
      return;
    }
    if (node.nodeType === 3 && (node.textContent ?? '').trim()) inBody = true;
    (inBody ? body : head).appendChild(node);
  };
  for (const node of [...document.childNodes]) place(node);
  document.appendChild(html);
}

/**
 * Pages with more elements than this skip Readability for the linear block walk. Real article pages
 * have up to ~3,000 (the shared corpus's 46 pages: 2,953 at most; Readability takes 0.1–0.4 s on the
 * largest); Readability is quadratic in the element count (3,900 sibling blocks 62 deep took 3.3 s
 * in-process).
 */
export const READABILITY_MAX_ELEMENTS = 3500;
/**
 * Pages whose elements' depths add up to more than this (bounds.ts `depthSum`: the total size of all
 * subtrees) skip Readability too. Readability reads each candidate's whole subtree for its text and
 * tags, so its time follows this sum: within the element cap alone, 3,400 sibling <div>s 40 levels deep
 * (a sum of 147,000) took 1.4 s in-process. The corpus's pages reach 51,099 (yahoo-2, 0.15 s), so the
 * cap keeps every one of them on Readability; the worst shape found within both caps (3,400 sibling
 * <div>s 14 deep) takes 0.6–0.7 s in-process (`npm run bench faults`).
 */
export const READABILITY_MAX_DEPTH_SUM = 60_000;

/** Whether a bounded page goes to Readability (within both caps above) rather than the linear block walk. */
export function readabilityFits(page: Pick<BoundedMarkup, 'domElements' | 'depthSum'>): boolean {
  return page.domElements <= READABILITY_MAX_ELEMENTS && page.depthSum <= READABILITY_MAX_DEPTH_SUM;
}

/** Less text than this is a page without an article (a home page, an error page, a shell waiting for scripts). */
const MIN_ARTICLE_CHARS = 80;

export interface HtmlExtraction {
  source: ArticleSource;
  paragraphs: string[];
  charset: string;
}

/** Extracts article text and metadata from a raw page. Throws when no article text is found. */
export function extractHtml(bytes: Uint8Array | string, fallbackTitle = ''): HtmlExtraction {
  return runToEnd(extractHtmlSteps(bytes, fallbackTitle));
}

/**
 * `extractHtml` in bounded slices with a turn of the event loop between them (the ingest worker: in
 * `wrangler dev` it shares a thread with the worker that answers lookups and /healthz). Same result.
 */
export function extractHtmlSliced(bytes: Uint8Array | string, fallbackTitle = ''): Promise<HtmlExtraction> {
  return runSliced(extractHtmlSteps(bytes, fallbackTitle));
}

/**
 * The extraction as slices (core/slices.ts). Each slice is bounded: the bounds pass and the linear
 * extractor (block-walk.ts) work through the page in fixed-size chunks; on the Readability path the DOM
 * has at most READABILITY_MAX_ELEMENTS elements at most MAX_NESTING_DEPTH deep and subtrees of at most
 * READABILITY_MAX_DEPTH_SUM elements in all, which bounds its parse
 * and Readability itself — the one step that cannot be cut (a library call).
 */
export function* extractHtmlSteps(bytes: Uint8Array | string, fallbackTitle = ''): Sliced<HtmlExtraction> {
  const { text: decoded, charset } = decodeHtml(bytes);
  // Depth capped and size checked in one linear pass before any DOM exists (bounds.ts: why).
  const bounded = yield* boundMarkupSteps(decoded);
  const { html } = bounded;
  yield;
  // Readability's time grows with the element count and with the total size of all subtrees (the two
  // caps above), so larger pages get the linear block walk instead: every paragraph outside navigation
  // and page furniture. Counted as the DOM will hold them: the <br>s left for dropped tags are elements Readability walks.
  if (!readabilityFits(bounded)) {
    const { facts, paragraphs } = yield* blockWalk(html);
    return finish({ facts, article: null, blockParagraphs: paragraphs, blocksOnly: true, fallbackTitle, charset });
  }
  const document = parseDocument(html);
  const fragment = !hasDocumentShape(document);
  if (fragment) giveDocumentShape(document);
  const facts = factsOf(document);
  // A fragment is content someone chose to ingest, not a page to dig an article out of: should
  // Readability keep too little of it, its own blocks are the text (taken now: Readability mutates).
  const blockParagraphs = fragment ? paragraphsFromElement(document.body) : [];
  yield;
  // Readability mutates the document, so it runs after the metadata pass; its own element check
  // (which throws) backs up the count above.
  const article = new Readability(document, { maxElemsToParse: READABILITY_MAX_ELEMENTS + 10 }).parse();
  yield;
  return finish({ facts, article, blockParagraphs, blocksOnly: false, fallbackTitle, charset });
}

/** Metadata, title and paragraphs from either path: Readability's article, or the block walk's paragraphs. */
function finish(page: {
  facts: PageFacts;
  article: ReturnType<Readability['parse']>;
  blockParagraphs: string[];
  /** No Readability: the block walk's paragraphs are the text. */
  blocksOnly: boolean;
  fallbackTitle: string;
  charset: string;
}): HtmlExtraction {
  const { facts, article, blockParagraphs, blocksOnly, fallbackTitle, charset } = page;
  const ld = jsonLdArticle(facts.jsonLd) ?? {};
  const fromTags = {
    title: text(ld.headline) || meta(facts, 'og:title', 'twitter:title') || facts.title,
    url: text(ld.url) || meta(facts, 'og:url') || facts.canonical || text(ld.mainEntityOfPage),
    publisher: text((ld.publisher as Json)?.name ?? ld.publisher) || meta(facts, 'og:site_name', 'application-name'),
    author: names(ld.author) || meta(facts, 'author', 'article:author', 'byl', 'parsely-author', 'dc.creator', 'sailthru.author'),
    published:
      text(ld.datePublished) ||
      meta(facts, 'article:published_time', 'datePublished', 'pubdate', 'publishdate', 'date', 'dc.date', 'parsely-pub-date', 'sailthru.date'),
    language: text(ld.inLanguage) || facts.lang || meta(facts, 'og:locale', 'language', 'content-language').replace('_', '-'),
  };
  const author = (article?.byline?.trim() || fromTags.author).replace(/^by\s+/i, '').replace(/\s+/g, ' ');
  const title = (article?.title?.trim() || fromTags.title || fallbackTitle).replace(/\s+/g, ' ');
  const countChars = (ps: string[]) => ps.join('').replace(/\s+/g, '').length;
  // A byline paragraph ("By Zoë Ørsted") is metadata, not article text.
  const notByline = (p: string, i: number) => !(i < 3 && author && /^by\s/i.test(p) && p.slice(3).trim() === author);
  let paragraphs = (article?.content ? paragraphsFromHtml(article.content) : []).filter(notByline);
  if ((blocksOnly || countChars(paragraphs) < MIN_ARTICLE_CHARS) && blockParagraphs.length) {
    // As Readability does, a heading repeating the title is the title, not body text.
    const own = blockParagraphs.filter((p, i) => !(i < 3 && p === title)).filter(notByline);
    if (countChars(own) >= MIN_ARTICLE_CHARS) paragraphs = own;
  }
  const chars = countChars(paragraphs);
  if (chars < MIN_ARTICLE_CHARS) throw new InputError(`no article text found in the HTML page (${chars} characters of text)`);
  const source: ArticleSource = {
    title,
    url: /^https?:\/\//i.test(fromTags.url) ? fromTags.url : '',
    publisher: fromTags.publisher || article?.siteName?.trim() || '',
    author,
    published: fromTags.published || article?.publishedTime?.trim() || '',
    language: (fromTags.language || article?.lang || '').trim(),
    body: paragraphs.join('\n\n'),
  };
  return { source, paragraphs, charset };
}
