/**
 * ArticleSource → the records ingestion stores: one Article, its Excerpts (paragraphs, with their
 * attributed quotes), and the Claims its attributed direct quotes make. Pure and deterministic
 * (apart from `updatedAt`), so re-ingesting the same source yields the same ids and content hash.
 */
import type { Article, ArticleSource, ArticleSummary, Claim, Excerpt, Quote } from './types';
import { articleIdFor, claimIdFor, excerptIdFor, quoteIdFor } from './ids';
import { splitParagraphs } from './extract/paragraphs';
import { extractQuotes } from './extract/quotes';

/** Bumped when extraction changes, so re-ingesting an unchanged source still picks up better records. */
export const EXTRACTOR_VERSION = 2;

export interface ArticleRecords {
  article: Article;
  excerpts: Excerpt[];
  claims: Claim[];
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Canonical form of a date: keeps what the source gives (date or timestamp), trimmed. */
const clean = (v: string | undefined) => (v ?? '').replace(/\s+/g, ' ').trim();

/** A proper-name speaker (capitalised word) can be a claimant; "a source" or "officials" cannot. */
export const isNamedSpeaker = (name: string) => /\p{Lu}/u.test(name) && !/^(?:the|a|an)\s/i.test(name);

/**
 * Which quotes make claims: direct quotes by a named speaker; a partial fragment only when it says
 * something (four words or more), not a two-word phrase like "a disaster".
 */
export const makesClaim = (q: Quote): boolean =>
  q.kind === 'direct' && !!q.speaker && isNamedSpeaker(q.speaker.name) && (!q.partial || q.text.split(/\s+/).length >= 4);

export async function buildArticleRecords(source: ArticleSource, opts: { now?: string } = {}): Promise<ArticleRecords> {
  const id = articleIdFor(source);
  const paragraphs = splitParagraphs(source.body);
  if (!paragraphs.length) throw new Error(`article "${source.title}" has no body text`);
  const meta = {
    url: clean(source.url),
    title: clean(source.title),
    publisher: clean(source.publisher),
    author: clean(source.author),
    published: clean(source.published),
    language: clean(source.language),
  };
  const contentHash = await sha256Hex(JSON.stringify({ v: EXTRACTOR_VERSION, id, ...meta, paragraphs }));
  const excerptIds = paragraphs.map((_, i) => excerptIdFor(id, i));
  const article: Article = { id, ...meta, contentHash, excerptIds, updatedAt: opts.now ?? new Date().toISOString() };
  const summary: ArticleSummary = { id, url: meta.url, title: meta.title, publisher: meta.publisher, published: meta.published, language: meta.language };

  const extracted = extractQuotes(paragraphs);
  const excerpts: Excerpt[] = paragraphs.map((text, position) => ({
    id: excerptIds[position],
    articleId: id,
    position,
    text,
    quotes: [],
    article: summary,
    ...(position > 0 ? { prevId: excerptIds[position - 1] } : {}),
    ...(position < paragraphs.length - 1 ? { nextId: excerptIds[position + 1] } : {}),
    claims: [],
  }));
  for (const q of extracted) {
    const excerpt = excerpts[q.paragraph];
    const quote: Quote = {
      id: quoteIdFor(excerpt.id, excerpt.quotes.length),
      excerptId: excerpt.id,
      start: q.start,
      end: q.end,
      text: q.text,
      kind: q.kind,
      ...(q.partial ? { partial: true } : {}),
      ...(q.speaker ? { speaker: q.speaker } : {}),
      ...(q.cue ? { cue: q.cue } : {}),
    };
    excerpt.quotes.push(quote);
  }

  // Each attributed direct quote is a claim by its speaker, dated by the article.
  const claims = new Map<string, Claim>();
  for (const excerpt of excerpts) {
    for (const quote of excerpt.quotes) {
      if (!makesClaim(quote)) continue;
      const claimId = claimIdFor(quote.speaker!.name, quote.text);
      const appearance = { url: meta.url, articleId: id, excerptId: excerpt.id };
      const existing = claims.get(claimId);
      if (existing) {
        if (!existing.appearances.some((a) => a.excerptId === excerpt.id)) existing.appearances.push(appearance);
        continue;
      }
      claims.set(claimId, {
        id: claimId,
        text: quote.text,
        claimant: quote.speaker!.name,
        claimDate: meta.published.slice(0, 10),
        languageCode: meta.language,
        appearances: [appearance],
        reviews: [],
      });
    }
  }
  return { article, excerpts, claims: [...claims.values()] };
}
