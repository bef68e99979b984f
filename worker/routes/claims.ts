/**
 * Claim search in the shape of Google Fact Check Tools `claims:search`, and single claims as JSON
 * or as schema.org ClaimReview JSON-LD (`Accept: application/ld+json`).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { rejectHostileText } from '../core/validate';
import type { Context } from 'hono';
import { claimJsonLd } from '../core/claim-review-jsonld';
import { cacheable } from '../middleware/cache';
import { ProblemError } from '../middleware/problem';
import { withCacheTtl } from '../store/cached-kv';
import { InvalidPageToken, readClaim, searchClaims } from '../store/claims';
import { READ_MAX_AGE } from './articles';
import { ClaimSchema, IdParam, problemResponses } from './schemas';
import { createRouter } from './router';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 10;

const ClaimSearchQuery = z
  .object({
    query: z.string().max(500, 'query is at most 500 characters').superRefine(rejectHostileText()).optional().openapi({ description: 'Words to search claims for', example: 'leaders peace' }),
    languageCode: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'languageCode is a BCP-47 tag such as "en" or "en-US"')
      .optional()
      .openapi({ description: 'BCP-47 language; only the language (not the region) is compared', example: 'en' }),
    reviewPublisherSiteFilter: z.string().max(253).optional().openapi({ description: 'Only reviews by this site (e.g. politifact.com)' }),
    maxAgeDays: z.coerce.number({ message: 'maxAgeDays must be a number' }).int('maxAgeDays must be a whole number').min(0).max(100_000).optional()
      .openapi({ description: 'Only claims whose claim or review date (the newer) is at most this many days old' }),
    pageSize: z.coerce.number({ message: 'pageSize must be a number' }).int('pageSize must be a whole number').min(1).max(MAX_PAGE_SIZE, `pageSize is at most ${MAX_PAGE_SIZE}`).optional()
      .openapi({ description: `Results per page (default ${DEFAULT_PAGE_SIZE})` }),
    pageToken: z.string().max(200).optional().openapi({ description: 'The previous response\'s nextPageToken' }),
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
      z.object({ text: z.string(), claimant: z.string().optional(), claimDate: z.string().optional(), claimReview: z.array(GoogleReviewSchema) }).openapi('GoogleClaim'),
    ),
    nextPageToken: z.string().optional(),
  })
  .openapi('ClaimSearchResponse');

/** The cache identities of a claim's record (JSON and JSON-LD): a write to the claim purges them. */
export const claimCacheIdentities = (id: string) => [`/v1/claims/${id}|json`, `/v1/claims/${id}|ld`];

const wantsJsonLd = (c: Context) => /application\/ld\+json/i.test(c.req.header('accept') ?? '');

export const claimRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/v1/claims/search',
      tags: ['claims'],
      summary: 'Search claims and their reviews (Google Fact Check Tools claims:search shape)',
      middleware: [cacheable({ maxAge: READ_MAX_AGE })] as const,
      request: { query: ClaimSearchQuery },
      responses: {
        200: { description: 'Matching claims, best first; `nextPageToken` when there are more', content: { 'application/json': { schema: ClaimSearchResponseSchema } } },
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
        if (err instanceof InvalidPageToken) throw new ProblemError('invalid-request', err.message, { errors: [{ path: 'query.pageToken', message: err.message }] });
        throw err;
      }
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/v1/claims/{id}',
      tags: ['claims'],
      summary: 'A claim with its reviews; schema.org ClaimReview JSON-LD with Accept: application/ld+json',
      middleware: [
        cacheable({ maxAge: READ_MAX_AGE, key: (c) => claimCacheIdentities(c.req.param('id') ?? '')[wantsJsonLd(c) ? 1 : 0] }),
      ] as const,
      request: { params: IdParam('claim', 'sample-guterres-leaders-move-back-to-peace') },
      responses: {
        200: {
          description: 'The claim (JSON), or its ClaimReview(s) as JSON-LD',
          content: {
            'application/json': { schema: ClaimSchema },
            'application/ld+json': { schema: z.record(z.string(), z.unknown()).openapi({ description: 'schema.org ClaimReview (an array when several publishers reviewed the claim)' }) },
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
        // c.json keeps an explicit content-type, so the body is served as JSON-LD.
        const doc = claimJsonLd(claim, new URL(c.req.url).origin) as Record<string, never>;
        return c.json(doc, 200, { 'content-type': 'application/ld+json; charset=utf-8', vary: 'Accept' });
      }
      c.header('vary', 'Accept');
      return c.json(claim, 200);
    },
  );
