/**
 * Zod schemas for the API's requests and responses. They validate input and generate
 * `/openapi.json`; they mirror worker/core/types.ts (the one data model).
 */
import { z } from '@hono/zod-openapi';
import { MAX_BATCH, MAX_BODY_BYTES, MAX_CONTEXT_CHARS, MAX_LIMIT, MAX_QUERY_CHARS } from '../core/limits';
import { rejectHostileText } from '../core/validate';
import { ID_PATTERN } from '../store/keys';
import { MEANING_CHANGES, type MeaningChange } from '../core/types';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/not-found' }),
    title: z.string().openapi({ example: 'Not Found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: 'No article with id "nope".' }),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

type ProblemStatus = 400 | 404 | 405 | 413 | 415 | 429;
type ProblemResponse = { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } };

/** Error responses a route may give, as RFC 9457 problem+json (literal statuses, so `hc` clients narrow on them). */
export const problemResponses = <const S extends ProblemStatus>(...statuses: S[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: DESCRIPTIONS[s], content: { 'application/problem+json': { schema: ProblemSchema } } }])) as {
    [K in S]: ProblemResponse;
  };

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed id, parameter or body (problem+json, `errors` names each bad field)',
  404: 'No such record (problem+json)',
  405: 'Method not allowed (problem+json)',
  413: 'Body or query too large (problem+json)',
  415: 'Body is not JSON (problem+json)',
  429: 'Too many lookups from this client (problem+json; `Retry-After` says how many seconds to wait)',
};

/** For cached reads: `If-None-Match` with the current `ETag` → 304, no body. */
export const NOT_MODIFIED = {
  304: { description: 'Not modified: the `If-None-Match` ETag is current (no body)', headers: { ETag: { schema: { type: 'string' as const } } } },
} as const;

export const IdParam = (name: string, example: string) =>
  z.object({
    id: z
      .string()
      .regex(ID_PATTERN, `${name} ids are 1–128 characters of a-z, 0-9, '.', '~' and '-', starting with a letter or digit`)
      .openapi({ param: { name: 'id', in: 'path' }, example }),
  });

export const ArticleKindSchema = z
  .enum(['primary', 'report'])
  .openapi({ description: "primary: the speaker's own record; report: coverage that quotes someone" });

export const ArticleSummarySchema = z
  .object({
    id: z.string(),
    kind: ArticleKindSchema,
    url: z.string(),
    title: z.string(),
    publisher: z.string(),
    published: z.string(),
    language: z.string(),
  })
  .openapi('ArticleSummary');

export const ArticleSchema = ArticleSummarySchema.extend({
  author: z.string(),
  contentHash: z.string(),
  excerptIds: z.array(z.string()),
  seq: z.number().int().openapi({ description: 'Ingestion sequence: orders reports of the same date' }),
  updatedAt: z.string(),
}).openapi('Article');

export const SpeakerSchema = z.object({ name: z.string(), role: z.string().optional() }).openapi('Speaker');

export const QuoteSchema = z
  .object({
    id: z.string(),
    excerptId: z.string(),
    start: z.number().int(),
    end: z.number().int(),
    text: z.string(),
    speaker: SpeakerSchema.optional(),
    cue: z.string().optional(),
    kind: z.enum(['direct', 'indirect']),
    turn: z.boolean().optional().openapi({ description: "Attributed by a transcript's speaker turn" }),
    partial: z.boolean().optional(),
  })
  .openapi('Quote');

export const ReviewSchema = z
  .object({
    publisher: z.object({ name: z.string(), site: z.string() }),
    url: z.string(),
    title: z.string(),
    reviewDate: z.string(),
    textualRating: z.string(),
    ratingValue: z.number().optional(),
    bestRating: z.number().optional(),
    worstRating: z.number().optional(),
    explanation: z.string(),
    languageCode: z.string(),
  })
  .openapi('Review');

export const ClaimSummarySchema = z
  .object({
    id: z.string(),
    text: z.string(),
    claimant: z.string(),
    claimDate: z.string(),
    reviews: z.array(ReviewSchema.pick({ publisher: true, url: true, title: true, textualRating: true, explanation: true, reviewDate: true })),
  })
  .openapi('ClaimSummary');

export const ExcerptSchema = z
  .object({
    id: z.string(),
    articleId: z.string(),
    position: z.number().int(),
    text: z.string(),
    passageId: z.string().openapi({ description: 'The deduplicated passage this excerpt is a copy of' }),
    quotes: z.array(QuoteSchema),
    article: ArticleSummarySchema,
    prevId: z.string().optional(),
    nextId: z.string().optional(),
    nextPassageId: z.string().optional(),
    claims: z.array(ClaimSummarySchema),
  })
  .openapi('Excerpt');

export const ExcerptContextSchema = z
  // A union with null, not `.nullable()`: the generator drops `nullable` beside a $ref, and the
  // first and last excerpts of an article have no previous / next.
  .object({
    excerpt: ExcerptSchema,
    previous: z.union([ExcerptSchema, z.null()]).openapi({ description: 'null at the start of the article' }),
    next: z.union([ExcerptSchema, z.null()]).openapi({ description: 'null at the end of the article' }),
  })
  .openapi('ExcerptWithContext');

export const ClaimSchema = z
  .object({
    id: z.string(),
    text: z.string(),
    claimant: z.string(),
    claimDate: z.string(),
    languageCode: z.string(),
    appearances: z.array(z.object({ url: z.string(), articleId: z.string().optional(), excerptId: z.string().optional() })),
    reviews: z.array(ReviewSchema),
    sample: z.boolean().optional(),
  })
  .openapi('Claim');

export const DifferenceSchema = z
  .object({
    kind: z.enum(['insert', 'delete', 'replace']),
    source: z.string(),
    quoted: z.string(),
    sourceStart: z.number().int(),
    sourceEnd: z.number().int(),
    meaning: z.enum(MEANING_CHANGES as [MeaningChange, ...MeaningChange[]]).optional(),
    excerptId: z.string().optional().openapi({ description: 'Set when the edit lies in the next paragraph (offsets are then in that one)' }),
  })
  .openapi('Difference');

const span = { start: z.number().int(), end: z.number().int() };

export const SourceRefSchema = z
  .object({
    kind: z
      .enum(['primary', 'earliest-report'])
      .openapi({ description: "primary: the speaker's own record; earliest-report: no primary is held, this is the earliest report" }),
    article: ArticleSummarySchema,
    excerpt: z.object({ id: z.string(), text: z.string(), position: z.number().int() }),
    exact: z.string().openapi({ description: "The original's words: excerpt.text.slice(start, end)" }),
    ...span,
    speaker: SpeakerSchema.optional(),
    highlight: z.object(span).optional().openapi({ description: 'Where the highlighted words sit in excerpt.text' }),
  })
  .openapi('Source');

export const AppearanceSchema = z
  .object({
    articleId: z.string(),
    excerptId: z.string(),
    url: z.string(),
    title: z.string(),
    publisher: z.string(),
    published: z.string(),
    wording: z.string(),
  })
  .openapi('Appearance');

export const VariantSchema = z
  .object({
    wording: z.string(),
    count: z.number().int(),
    differences: z.array(DifferenceSchema).openapi({ description: 'From the original (offsets in source.excerpt.text)' }),
    altered: z.boolean(),
    original: z.boolean().openapi({ description: "This is the original's own wording" }),
    since: z.string().openapi({ description: 'Publication date of its first print (empty when unknown)' }),
  })
  .openapi('Variant');

export const AppearancesSchema = z
  .object({
    count: z.number().int().openapi({ description: 'Reports printing these words' }),
    first: z.array(AppearanceSchema).openapi({ description: 'The earliest (at most 5)' }),
    variants: z.array(VariantSchema).openapi({ description: 'Distinct wordings, most printed first (at most 20)' }),
    wordings: z.number().int().openapi({ description: 'How many distinct wordings in all' }),
  })
  .openapi('Appearances');

export const MatchSchema = z
  .object({
    score: z.number().min(0).max(1),
    excerpt: z
      .object({ id: z.string(), text: z.string(), articleId: z.string(), position: z.number().int() })
      .openapi({ description: 'Where the highlight sits: the page’s own copy, else the best-matching print' }),
    article: ArticleSummarySchema,
    quote: z.object({ exact: z.string(), prefix: z.string(), suffix: z.string(), ...span }),
    speaker: SpeakerSchema.optional(),
    differences: z.array(DifferenceSchema).openapi({ description: 'From the original (source) to the highlight' }),
    altered: z.boolean(),
    claims: z.array(ClaimSummarySchema),
    continuation: z.object({ excerptId: z.string(), exact: z.string(), ...span }).optional(),
    source: SourceRefSchema,
    appearances: AppearancesSchema,
    thisPage: z.boolean(),
    speakerMismatch: z.object({ credited: z.string(), original: z.string() }).optional(),
  })
  .openapi('Match');

export const LookupResponseSchema = z.object({ matches: z.array(MatchSchema) }).openapi('LookupResponse');

/* ---------- lookup input ---------- */

const MAX_QUOTE_CHARS = MAX_QUERY_CHARS;
export { MAX_BATCH, MAX_BODY_BYTES, MAX_CONTEXT_CHARS, MAX_LIMIT, MAX_QUOTE_CHARS };

const exact = z
  .string()
  .trim()
  .min(1, 'the quote is empty; send the highlighted text')
  .max(MAX_QUOTE_CHARS, `the quote is longer than ${MAX_QUOTE_CHARS} characters; highlight less`)
  .superRefine(rejectHostileText());
const context = z.string().max(MAX_CONTEXT_CHARS, `prefix/suffix are at most ${MAX_CONTEXT_CHARS} characters`).superRefine(rejectHostileText());
const pageUrl = z.string().max(2048, 'url is at most 2048 characters').openapi({
  description: 'The page the highlight came from: an answer says when that page prints the words (`thisPage`) and never cites it as its own source',
});
const limit = z.coerce
  .number({ message: 'limit must be a number' })
  .int('limit must be a whole number')
  .min(1, 'limit must be at least 1')
  .max(MAX_LIMIT, `limit is at most ${MAX_LIMIT}`);

export const LookupQuerySchema = z.object({
  q: exact.openapi({ description: 'The highlighted text', example: 'Enough is enough' }),
  prefix: context.optional().openapi({ description: 'Text just before the highlight (TextQuoteSelector.prefix)' }),
  suffix: context.optional().openapi({ description: 'Text just after the highlight (TextQuoteSelector.suffix)' }),
  url: pageUrl.optional(),
  limit: limit.optional().openapi({ description: `Most matches to return (1–${MAX_LIMIT}, default 3)`, example: 3 }),
});

export const SelectorSchema = z
  .object({
    exact: exact.openapi({ example: 'Soldiers need to move back to their barracks. Leaders need to move to peace.' }),
    prefix: context.optional(),
    suffix: context.optional(),
    url: pageUrl.optional(),
  })
  .openapi('TextQuoteSelector');

export const LookupBodySchema = SelectorSchema.extend({
  limit: limit.optional(),
}).openapi('LookupRequest');

export const BatchBodySchema = z
  .object({
    quotes: z.array(SelectorSchema).min(1, 'quotes is empty; send 1 to 50 selectors').max(MAX_BATCH, `a batch holds at most ${MAX_BATCH} quotes; split it`),
    limit: limit.optional(),
  })
  .openapi('LookupBatchRequest');

export const BatchResponseSchema = z.object({ results: z.array(LookupResponseSchema) }).openapi('LookupBatchResponse');
