/**
 * Source files → ArticleSource / ClaimSource[]. Formats:
 * - `*.claims.json`: `{ "claims": ClaimSource[] }`
 * - `*.json` / `*.jsonld`: schema.org ClaimReview data (one object, an array, a `@graph`, a
 *   `DataFeed`: a fact-check feed), else one ArticleSource (`title` and `body` required)
 * - `*.txt`: first line = title, the rest = body (paragraphs separated by blank lines)
 * - `*.html` / `*.htm`: a raw web page; article text and metadata are extracted, and the
 *   ClaimReviews in its JSON-LD (a fact-check page) are imported with the page as their URL
 * - `*.tsv`: the LIAR dataset; `*.csv`: a ClaimsKG export (extract/claim-review.ts)
 */
import { InputError, MarkupBoundsError } from '../errors';
import { runSliced, runToEnd, type Sliced } from '../slices';
import type { ArticleSource, ClaimSource } from '../types';
import {
  claimsFromClaimReviewJson,
  claimsFromClaimsKg,
  claimsFromLiar,
  looksLikeClaimReviewJson,
  looksLikeClaimsKg,
  looksLikeLiar,
  type ClaimImport,
  type Rejected,
} from './claim-review';
import { claimsFromHtml } from './claim-review-html';
import { extractHtmlSteps } from './html';

export type ParsedSource =
  | { kind: 'article'; source: ArticleSource; imported?: ClaimImport }
  | { kind: 'claims'; claims: ClaimSource[]; format?: ClaimImport['format'] | 'claims-json'; rejected?: Rejected[]; note?: string };

const STRING_FIELDS = ['id', 'url', 'publisher', 'author', 'published', 'language', 'speaker'] as const;

function decodeText(bytes: Uint8Array | string, fileName: string): string {
  if (typeof bytes === 'string') return bytes.replace(/^\ufeff/, '');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InputError(`${fileName}: not valid UTF-8 text`);
  }
}

function parseJson(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${fileName}: invalid JSON (${(e as Error).message})`);
  }
}

export function validateArticleSource(value: unknown, where: string): ArticleSource {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${where}: expected a JSON object with "title" and "body"`);
  const o = value as Record<string, unknown>;
  if (typeof o.title !== 'string' || !o.title.trim()) throw new InputError(`${where}: "title" must be a non-empty string`);
  if (typeof o.body !== 'string' || !o.body.trim()) throw new InputError(`${where}: "body" must be a non-empty string`);
  const source: ArticleSource = { title: o.title.trim(), body: o.body };
  for (const field of STRING_FIELDS) {
    const v = o[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new InputError(`${where}: "${field}" must be a string`);
    source[field] = v.trim();
  }
  if (o.kind !== undefined && o.kind !== null) {
    if (o.kind !== 'primary' && o.kind !== 'report') throw new InputError(`${where}: "kind" must be "primary" or "report", not ${JSON.stringify(o.kind)}`);
    source.kind = o.kind;
  }
  if (source.url && !/^https?:\/\/\S+$/i.test(source.url)) throw new InputError(`${where}: "url" must be an http(s) URL`);
  if (source.published && !/^\d{4}-\d{2}-\d{2}/.test(source.published)) throw new InputError(`${where}: "published" must be an ISO date (YYYY-MM-DD…)`);
  return source;
}

function validateClaims(value: unknown, fileName: string): ClaimSource[] {
  const claims = (value as { claims?: unknown })?.claims;
  if (!Array.isArray(claims)) throw new InputError(`${fileName}: expected {"claims": [...]}`);
  return claims.map((c, i) => {
    const where = `${fileName}: claims[${i}]`;
    if (!c || typeof c !== 'object') throw new InputError(`${where} must be an object`);
    const o = c as Record<string, unknown>;
    if (typeof o.text !== 'string' || !o.text.trim()) throw new InputError(`${where}: "text" must be a non-empty string`);
    for (const f of ['id', 'claimant', 'claimDate', 'languageCode']) {
      if (o[f] !== undefined && typeof o[f] !== 'string') throw new InputError(`${where}: "${f}" must be a string`);
    }
    if (o.reviews !== undefined && !Array.isArray(o.reviews)) throw new InputError(`${where}: "reviews" must be an array`);
    if (o.appearances !== undefined && !Array.isArray(o.appearances)) throw new InputError(`${where}: "appearances" must be an array`);
    (o.reviews as unknown[] | undefined)?.forEach((r, j) => {
      const rv = r as Record<string, unknown>;
      if (!rv || typeof rv !== 'object' || typeof rv.url !== 'string' || typeof rv.textualRating !== 'string') {
        throw new InputError(`${where}.reviews[${j}]: needs "url" and "textualRating" strings`);
      }
    });
    return o as unknown as ClaimSource;
  });
}

const baseName = (fileName: string) => fileName.split(/[\\/]/).pop() ?? fileName;

const imported = (i: ClaimImport, note?: string): ParsedSource => ({
  kind: 'claims',
  claims: i.claims,
  format: i.format,
  rejected: i.rejected,
  ...(note ? { note } : {}),
});

export function parseSource(fileName: string, bytes: Uint8Array | string): ParsedSource {
  return runToEnd(parseSourceSteps(fileName, bytes));
}

/**
 * `parseSource` with a turn of the event loop between bounded slices of an HTML page's extraction
 * (html.ts `extractHtmlSteps`): what a worker that shares its thread with others runs. Same result.
 */
export function parseSourceSliced(fileName: string, bytes: Uint8Array | string): Promise<ParsedSource> {
  return runSliced(parseSourceSteps(fileName, bytes));
}

function* parseSourceSteps(fileName: string, bytes: Uint8Array | string): Sliced<ParsedSource> {
  const name = baseName(fileName).toLowerCase();
  if (name.endsWith('.claims.json'))
    return { kind: 'claims', format: 'claims-json', claims: validateClaims(parseJson(decodeText(bytes, fileName), fileName), fileName) };
  if (name.endsWith('.json') || name.endsWith('.jsonld')) {
    const doc = parseJson(decodeText(bytes, fileName), fileName);
    if (name.endsWith('.jsonld') || looksLikeClaimReviewJson(doc)) {
      const got = claimsFromClaimReviewJson(doc);
      if (!got.claims.length && !got.rejected.length)
        throw new InputError(`${fileName}: no ClaimReview found (expected ClaimReview objects, an array, a @graph or a DataFeed of them)`);
      return imported(got);
    }
    return { kind: 'article', source: validateArticleSource(doc, fileName) };
  }
  if (name.endsWith('.tsv')) {
    const text = decodeText(bytes, fileName);
    if (!looksLikeLiar(text)) throw new InputError(`${fileName}: not the LIAR layout (14 tab-separated columns: "ID.json", label, statement, …)`);
    return imported(claimsFromLiar(text));
  }
  if (name.endsWith('.csv')) {
    const text = decodeText(bytes, fileName);
    if (!looksLikeClaimsKg(text))
      throw new InputError(`${fileName}: not a ClaimsKG export (its header needs claimReview_claimReviewed, claimReview_url, rating_alternateName)`);
    return imported(claimsFromClaimsKg(text));
  }
  if (name.endsWith('.txt')) {
    const text = decodeText(bytes, fileName).replace(/\r\n?/g, '\n');
    const nl = text.trimStart().indexOf('\n');
    const trimmed = text.trimStart();
    const title = (nl < 0 ? trimmed : trimmed.slice(0, nl)).trim();
    const body = nl < 0 ? '' : trimmed.slice(nl + 1);
    if (!title) throw new InputError(`${fileName}: empty file (the first line must be the title)`);
    if (!body.trim()) throw new InputError(`${fileName}: no body text after the title line`);
    return { kind: 'article', source: { title, body } };
  }
  if (name.endsWith('.html') || name.endsWith('.htm')) {
    let article: ArticleSource;
    let reviews: ClaimImport & { blocks: number };
    try {
      article = (yield* extractHtmlSteps(bytes, baseName(fileName).replace(/\.html?$/i, ''))).source;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // Markup past the bounds is not read at all, not even for its JSON-LD.
      if (e instanceof MarkupBoundsError) throw new InputError(`${fileName}: ${e.message}`);
      // A fact-check page whose text cannot be extracted still gives its ClaimReviews.
      reviews = claimsFromHtml(bytes);
      if (reviews.claims.length || reviews.rejected.length) return imported(reviews, `no article: ${(e as Error).message}`);
      throw new InputError(`${fileName}: ${(e as Error).message}`);
    }
    reviews = claimsFromHtml(bytes, article.url);
    return { kind: 'article', source: article, ...(reviews.claims.length || reviews.rejected.length ? { imported: reviews } : {}) };
  }
  throw new InputError(`${fileName}: unsupported file type (expected .json, .jsonld, .claims.json, .txt, .html, LIAR .tsv or ClaimsKG .csv)`);
}
