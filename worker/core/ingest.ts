/**
 * ArticleSource → the records ingestion stores: one Article, its Excerpts (paragraphs, with their
 * attributed quotes), and the Claims its attributed direct quotes make. Pure and deterministic
 * (apart from `updatedAt`), so re-ingesting the same source yields the same ids and content hash.
 */
import { ARTICLE_KINDS, type Article, type ArticleKind, type ArticleSource, type ArticleSummary, type Claim, type Excerpt, type Quote } from './types';
import { InputError, UnknownKindError } from './errors';
import { sha256Hex } from './hash';
import { articleIdFor, claimIdFor, excerptIdFor, quoteIdFor } from './ids';
import { splitParagraphs } from './extract/paragraphs';
import { extractQuotesSteps } from './extract/quotes';
import { runSliced, runToEnd } from './slices';
import { splitTranscript } from './extract/transcript';
import { passageIdFor } from './provenance';

/** Bumped when extraction changes, so re-ingesting an unchanged source still picks up better records. */
export const EXTRACTOR_VERSION = 3;

export interface ArticleRecords {
  article: Article;
  excerpts: Excerpt[];
  claims: Claim[];
  /** Things the person loading it should know (a primary .txt with no speaker turns, …). */
  warnings: string[];
}

/** A paragraph with the speaker whose words it all is (a transcript turn, or a primary record's own speaker). */
interface Paragraph {
  text: string;
  speaker?: { name: string; role?: string };
}

/**
 * The body as paragraphs: a transcript's turns (each paragraph of a turn is its speaker's), else
 * paragraphs by blank lines, all the speaker's own when a primary record names its speaker.
 */
function paragraphsOf(source: ArticleSource, kind: ArticleKind): { paragraphs: Paragraph[]; warnings: string[] } {
  const own = kind === 'primary' && source.speaker?.trim() ? { name: source.speaker.trim() } : undefined;
  const split = splitTranscript(source.body, { title: source.title });
  if (split) {
    const paragraphs: Paragraph[] = splitParagraphs(split.preamble).map((text) => ({ text, ...(own ? { speaker: own } : {}) }));
    for (const turn of split.turns) {
      const speaker = { name: turn.speaker, ...(turn.moderator ? { role: 'moderator' } : {}) };
      for (const text of splitParagraphs(turn.text)) paragraphs.push({ text, speaker });
    }
    return { paragraphs, warnings: [] };
  }
  const warnings =
    kind === 'primary' && !own
      ? ['no speaker turns found and no "speaker" given: ingested as plain text, attributed only where quotation marks say who speaks']
      : [];
  return { paragraphs: splitParagraphs(source.body).map((text) => ({ text, ...(own ? { speaker: own } : {}) })), warnings };
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
  q.kind === 'direct' && !q.turn && !!q.speaker && isNamedSpeaker(q.speaker.name) && (!q.partial || q.text.split(/\s+/).length >= 4);

export { UnknownKindError };

/** The article's kind: as given, else `report` (nothing is trusted as a speaker's own record unless someone says so). */
export function articleKindOf(source: { kind?: unknown }): ArticleKind {
  if (source.kind === undefined || source.kind === null || source.kind === '') return 'report';
  if (typeof source.kind === 'string' && (ARTICLE_KINDS as readonly string[]).includes(source.kind)) return source.kind as ArticleKind;
  throw new UnknownKindError(source.kind);
}

/** A letter or a digit in any script: what makes text something a reader can highlight and look up. */
const HAS_WORD = /[\p{L}\p{N}]/u;

export async function buildArticleRecords(source: ArticleSource, opts: { now?: string; giveWay?: boolean } = {}): Promise<ArticleRecords> {
  const id = articleIdFor(source);
  const kind = articleKindOf(source);
  const { paragraphs: attributed, warnings } = paragraphsOf(source, kind);
  const paragraphs = attributed.map((p) => p.text);
  if (!paragraphs.length) throw new InputError(`article "${source.title}" has no body text`);
  // Text with nothing to look up ("… … ... ---") would be stored and indexed as an article nobody can find.
  if (!paragraphs.some((p) => HAS_WORD.test(p))) {
    throw new InputError(`article "${source.title}" has no words: its body text is only punctuation, symbols or spaces`);
  }
  const meta = {
    url: clean(source.url),
    title: clean(source.title),
    publisher: clean(source.publisher),
    author: clean(source.author),
    published: clean(source.published),
    language: clean(source.language),
  };
  const speakers = attributed.map((p) => p.speaker ?? null);
  const contentHash = await sha256Hex(JSON.stringify({ v: EXTRACTOR_VERSION, id, kind, ...meta, paragraphs, speakers }));
  const excerptIds = paragraphs.map((_, i) => excerptIdFor(id, i));
  const article: Article = { id, kind, ...meta, contentHash, excerptIds, seq: 0, updatedAt: opts.now ?? new Date().toISOString() };
  const summary: ArticleSummary = { id, kind, url: meta.url, title: meta.title, publisher: meta.publisher, published: meta.published, language: meta.language };

  // The one step here that grows with the article's length enough to hold the thread (quotes.ts): in
  // slices, giving way to others, for background work (`giveWay`: the coordinator); a request (a draft
  // check) runs it straight through rather than rest while others hold the thread, and so does the CLI.
  const extracted = opts.giveWay ? await runSliced(extractQuotesSteps(paragraphs)) : runToEnd(extractQuotesSteps(paragraphs));
  const excerpts: Excerpt[] = paragraphs.map((text, position) => ({
    id: excerptIds[position],
    articleId: id,
    position,
    text,
    passageId: passageIdFor(text),
    quotes: [],
    article: summary,
    ...(position > 0 ? { prevId: excerptIds[position - 1] } : {}),
    ...(position < paragraphs.length - 1 ? { nextId: excerptIds[position + 1], nextPassageId: passageIdFor(paragraphs[position + 1]) } : {}),
    claims: [],
  }));
  // A turn's paragraph is its speaker's words, whole: one quote, no quotation marks needed.
  attributed.forEach((p, position) => {
    if (!p.speaker) return;
    const excerpt = excerpts[position];
    excerpt.quotes.push({
      id: quoteIdFor(excerpt.id, 0),
      excerptId: excerpt.id,
      start: 0,
      end: excerpt.text.length,
      text: excerpt.text,
      kind: 'direct',
      turn: true,
      speaker: p.speaker,
      cue: 'transcript',
    });
  });
  for (const q of extracted) {
    if (attributed[q.paragraph].speaker) continue;
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
  return { article, excerpts, claims: [...claims.values()], warnings };
}
