/**
 * Claim search in the shape of Google Fact Check Tools `claims:search`, and single claims as JSON
 * or as schema.org ClaimReview JSON-LD (`Accept: application/ld+json`).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { rejectHostileText } from '../core/validate';
import type { Context } from 'hono';
import { negotiate } from '../core/accept';
import { claimJsonLd, serializeJsonLd } from '../core/claim-review-jsonld';
import { publicOrigin } from '../core/public-origin';
import { cacheable } from '../middleware/cache';
import { ProblemError } from '../middleware/problem';
import { withCacheTtl } from '../store/cached-kv';
import { InvalidPageToken, readClaim, searchClaims } from '../store/claims';
import { ClaimSchema, IdParam, NOT_MODIFIED, problemResponses } from './schemas';
import { createRouter } from './router';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 10;

const ClaimSearchQuery = z
  .object({
    query: z
      .string()
      .max(500, 'query is at most 500 characters')
      .superRefine(rejectHostileText())
      .optional()
      .openapi({ description: 'Words to search claims for', example: 'leaders peace' }),
    languageCode: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'languageCode is a BCP-47 tag such as "en" or "en-US"')
      .optional()
      .openapi({ description: 'BCP-47 language; only the language (not the region) is compared', example: 'en' }),
    reviewPublisherSiteFilter: z.string().max(253).optional().openapi({ description: 'Only reviews by this site (e.g. politifact.com)' }),
    maxAgeDays: z.coerce
      .number({ message: 'maxAgeDays must be a number' })
      .int('maxAgeDays must be a whole number')
      .min(0)
      .max(100_000)
      .optional()
      .openapi({ description: 'Only claims whose claim or review date (the newer) is at most this many days old' }),
    pageSize: z.coerce
      .number({ message: 'pageSize must be a number' })
      .int('pageSize must be a whole number')
      .min(1)
      .max(MAX_PAGE_SIZE, `pageSize is at most ${MAX_PAGE_SIZE}`)
      .optional()
      .openapi({ description: `Results per page (default ${DEFAULT_PAGE_SIZE})` }),
    pageToken: z.string().max(200).optional().openapi({ description: "The previous response's nextPageToken" }),
  })
  .refine((q) => (q.query ?? '').trim() !== '' || (q.reviewPublisherSiteFilter ?? '').trim() !== '', {
    message: 'give query (words to search for) or reviewPublisherSiteFilter',
    path: ['query'],
  });

const GoogleReviewSchema = z
  .object({
    publisher: z.object({ name: z.string().optional(), site: z.string().optional() }),
    url: z.string().optional(),
    title: z.string().optional(),
    reviewDate: z.string().optional(),
    textualRating: z.string().optional(),
    languageCode: z.string().optional(),
  })
  .openapi('GoogleClaimReview');

const ClaimSearchResponseSchema = z
  .object({
    claims: z.array(
      z
        .object({ text: z.string(), claimant: z.string().optional(), claimDate: z.string().optional(), claimReview: z.array(GoogleReviewSchema) })
        .openapi('GoogleClaim'),
    ),
    nextPageToken: z.string().optional(),
  })
  .openapi('ClaimSearchResponse');

/** The cache identities of a claim's record (JSON and JSON-LD): a write to the claim purges them. */
export const claimCacheIdentities = (id: string) => [`/v1/claims/${id}|json`, `/v1/claims/${id}|ld`];

/**
 * JSON-LD only when the client prefers it to JSON (q-values honoured: `application/ld+json;q=0` is a
 * refusal). A client accepting neither gets JSON, as every other read does.
 */
/* ---------- ClaimReview JSON-LD as declared in /openapi.json (core/claim-review-jsonld.ts builds it) ---------- */

const Agent = z.object({ '@type': z.enum(['Person', 'Organization']), name: z.string().optional(), url: z.string().optional() }).openapi('JsonLdAgent');
const CreativeWorkRef = z.object({ '@type': z.literal('CreativeWork'), url: z.string() }).openapi('JsonLdCreativeWork');
const ClaimLdFields = {
  '@type': z.literal('Claim'),
  author: Agent.openapi({ description: 'The claimant ("Unknown" when the data names none)' }),
  datePublished: z.string().optional().openapi({ description: 'ISO 8601' }),
  appearance: z.array(CreativeWorkRef).min(1),
  firstAppearance: CreativeWorkRef,
};
const ClaimReviewLd = z
  .object({
    '@type': z.literal('ClaimReview'),
    url: z.string().openapi({ description: "The review's page (its record here when the data gives none)" }),
    name: z.string().optional(),
    datePublished: z.string().optional().openapi({ description: 'ISO 8601' }),
    inLanguage: z.string().optional(),
    author: Agent,
    claimReviewed: z.string(),
    reviewBody: z.string().optional(),
    itemReviewed: z.object(ClaimLdFields).openapi('JsonLdClaim'),
    reviewRating: z
      .object({
        '@type': z.literal('Rating'),
        ratingValue: z.number().optional(),
        bestRating: z.number().optional(),
        worstRating: z.number().optional(),
        alternateName: z.string().openapi({ description: 'The verdict in words; always present' }),
      })
      .openapi('JsonLdRating'),
  })
  .openapi('ClaimReviewJsonLd');
const context = z.literal('https://schema.org');
export const ClaimJsonLdSchema = z
  .union([
    ClaimReviewLd.extend({ '@context': context }).openapi('ClaimReviewDocument', { description: 'One review: a ClaimReview' }),
    z
      .object({ '@context': context, '@graph': z.array(ClaimReviewLd).min(2) })
      .openapi('ClaimReviewGraph', { description: 'Several reviews: a JSON-LD @graph of ClaimReviews' }),
    z
      .object({ '@context': context, ...ClaimLdFields, text: z.string(), firstAppearance: CreativeWorkRef })
      .openapi('ClaimDocument', { description: 'No review yet: a schema.org Claim' }),
  ])
  .openapi({ description: 'schema.org JSON-LD (Google ClaimReview structured data)' });

const wantsJsonLd = (c: Context) => negotiate(c.req.header('accept'), ['application/json', 'application/ld+json'] as const) === 'application/ld+json';

export const claimRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/v1/claims/search',
      operationId: 'searchClaims',
      tags: ['claims'],
      summary: 'Search claims and their reviews (Google Fact Check Tools claims:search shape)',
      middleware: [cacheable({})] as const,
      request: { query: ClaimSearchQuery },
      responses: {
        ...NOT_MODIFIED,
        ...problemResponses(429),
        200: {
          description: 'Matching claims, best first; `nextPageToken` when there are more',
          content: { 'application/json': { schema: ClaimSearchResponseSchema } },
        },
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      try {
        const { response } = await searchClaims(withCacheTtl(c.env.QS_KV), {
          query: q.query,
          languageCode: q.languageCode,
          reviewPublisherSiteFilter: q.reviewPublisherSiteFilter,
          maxAgeDays: q.maxAgeDays,
          pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE,
          pageToken: q.pageToken,
        });
        return c.json({ claims: response.claims ?? [], ...(response.nextPageToken ? { nextPageToken: response.nextPageToken } : {}) }, 200);
      } catch (err) {
        if (err instanceof InvalidPageToken)
          throw new ProblemError('invalid-request', err.message, { errors: [{ path: 'query.pageToken', message: err.message }] });
        throw err;
      }
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/v1/claims/{id}',
      operationId: 'getClaim',
      tags: ['claims'],
      summary: 'A claim with its reviews; schema.org ClaimReview JSON-LD with Accept: application/ld+json',
      middleware: [
        // The JSON-LD's links come from configuration (PUBLIC_ORIGIN), never the request's Host, so one
        // identity per representation holds for every request (and PUT/DELETE purge exactly these).
        cacheable({ key: (c) => claimCacheIdentities(c.req.param('id') ?? '')[wantsJsonLd(c) ? 1 : 0] }),
      ] as const,
      request: { params: IdParam('claim', 'sample-guterres-leaders-move-back-to-peace') },
      responses: {
        ...NOT_MODIFIED,
        200: {
          description: 'The claim (JSON), or its ClaimReview(s) as JSON-LD',
          content: {
            'application/json': { schema: ClaimSchema },
            'application/ld+json': { schema: ClaimJsonLdSchema },
          },
        },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const claim = await readClaim(withCacheTtl(c.env.QS_KV), id);
      if (!claim) throw new ProblemError('not-found', `No claim with id "${id}".`);
      if (wantsJsonLd(c)) {
        // Links from configuration only; escaped so the body can be pasted into a <script> element.
        const doc = claimJsonLd(claim, publicOrigin(c.env.PUBLIC_ORIGIN));
        return c.body(serializeJsonLd(doc), 200, { 'content-type': 'application/ld+json; charset=utf-8', vary: 'Accept' }) as never;
      }
      c.header('vary', 'Accept');
      return c.json(claim, 200);
    },
  );
