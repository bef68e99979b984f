/**
 * `GET /v1alpha1/claims:search`: Google Fact Check Tools' own path, parameters, response and error
 * shape, so an integration built on Google's API (its official client libraries, or code written
 * from its REST reference) switches by changing the root URL only.
 *
 * Google's contract, as this route keeps it:
 * - parameters `query`, `languageCode`, `reviewPublisherSiteFilter`, `maxAgeDays`, `pageSize`,
 *   `pageToken`, `offset`, each also as Google's snake_case (`language_code`, …); `key` and Google's
 *   standard parameters are accepted and ignored;
 * - `query` or `reviewPublisherSiteFilter` is required; `offset` applies only without `pageToken`;
 * - only claims with at least one review, each review's `publisher.site` the review URL's host
 *   without `www.`; empty fields and an empty `claims` are omitted (`{}` when nothing matches);
 * - errors as `{"error": {"code", "message", "status"}}` (middleware/google-errors.ts).
 * `/v1/claims/search` keeps the project's own conventions (problem+json, claims always present).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { publicOrigin } from '../core/public-origin';
import { rejectHostileText } from '../core/validate';
import { cacheable } from '../middleware/cache';
import { ProblemError } from '../middleware/problem';
import { withCacheTtl } from '../store/cached-kv';
import { InvalidPageToken, searchClaims } from '../store/claims';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './claims';
import { NOT_MODIFIED } from './schemas';
import { createRouter } from './router';

/** Offsets past this are not a search anyone pages through (and keep page tokens short). */
const MAX_OFFSET = 1_000_000;

const int = (name: string, min: number, max: number) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} is at most ${max}`);

const text = (max: number, name: string) => z.string().max(max, `${name} is at most ${max} characters`).superRefine(rejectHostileText());
const language = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'languageCode is a BCP-47 tag such as "en" or "en-US"');
const site = text(253, 'reviewPublisherSiteFilter');
// Google clamps a large page size rather than refusing it; so do we (at MAX_PAGE_SIZE).
const pageSize = z.coerce.number({ message: 'pageSize must be a number' }).int('pageSize must be a whole number').min(0, 'pageSize must not be negative');
const maxAgeDays = int('maxAgeDays', 0, 100_000);
const offset = int('offset', 0, MAX_OFFSET);
const pageToken = z.string().max(200, 'pageToken is at most 200 characters');

/** Each parameter under Google's camelCase name and its snake_case form. */
const PAIRS = [
  ['languageCode', 'language_code'],
  ['reviewPublisherSiteFilter', 'review_publisher_site_filter'],
  ['maxAgeDays', 'max_age_days'],
  ['pageSize', 'page_size'],
  ['pageToken', 'page_token'],
] as const;

const GoogleSearchQuery = z
  .object({
    query: text(500, 'query')
      .optional()
      .openapi({ description: 'Textual query; required unless reviewPublisherSiteFilter is given', example: 'leaders peace' }),
    languageCode: language.optional().openapi({ description: 'BCP-47 language, e.g. "en-US"; the language (not the region) is compared' }),
    reviewPublisherSiteFilter: site.optional().openapi({ description: 'Only reviews whose URL is on this site or its subdomains (e.g. politifact.com)' }),
    maxAgeDays: maxAgeDays.optional().openapi({ description: 'Only claims whose claim or review date (the newer) is at most this many days old' }),
    pageSize: pageSize.optional().openapi({ description: `Results per page (default ${DEFAULT_PAGE_SIZE}; larger values are clamped to ${MAX_PAGE_SIZE})` }),
    pageToken: pageToken.optional().openapi({ description: "The previous response's nextPageToken" }),
    offset: offset.optional().openapi({ description: 'Where to start (0 = the first result); only without pageToken' }),
    language_code: language.optional().openapi({ description: 'snake_case form of languageCode' }),
    review_publisher_site_filter: site.optional().openapi({ description: 'snake_case form of reviewPublisherSiteFilter' }),
    max_age_days: maxAgeDays.optional().openapi({ description: 'snake_case form of maxAgeDays' }),
    page_size: pageSize.optional().openapi({ description: 'snake_case form of pageSize' }),
    page_token: pageToken.optional().openapi({ description: 'snake_case form of pageToken' }),
    key: z.string().max(200).optional().openapi({ description: 'Google API key: accepted and ignored (this API needs none for search)' }),
  })
  .superRefine((q, ctx) => {
    for (const [camel, snake] of PAIRS) {
      if (q[camel] !== undefined && q[snake] !== undefined && String(q[camel]) !== String(q[snake])) {
        ctx.addIssue({ code: 'custom', path: [snake], message: `${camel} and ${snake} are the same parameter; they disagree` });
      }
    }
    const query = q.query ?? '';
    const filter = q.reviewPublisherSiteFilter ?? q.review_publisher_site_filter ?? '';
    if (!query.trim() && !filter.trim())
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'query is required unless reviewPublisherSiteFilter is given' });
  });

const GoogleReviewSchema = z
  .object({
    publisher: z.object({ name: z.string().optional(), site: z.string().optional().openapi({ description: "The review URL's host without www." }) }),
    url: z.string().optional(),
    title: z.string().optional(),
    reviewDate: z.string().optional().openapi({ description: 'RFC 3339 timestamp' }),
    textualRating: z.string().optional(),
    languageCode: z.string().optional(),
  })
  .openapi('FactCheckToolsClaimReview');

const GoogleSearchResponse = z
  .object({
    claims: z
      .array(
        z
          .object({ text: z.string(), claimant: z.string().optional(), claimDate: z.string().optional(), claimReview: z.array(GoogleReviewSchema).min(1) })
          .openapi('FactCheckToolsClaim'),
      )
      .optional()
      .openapi({ description: 'Omitted when nothing matches (as Google does)' }),
    nextPageToken: z.string().optional(),
  })
  .openapi('FactCheckToolsSearchResponse');

export const GoogleErrorSchema = z
  .object({
    error: z.object({
      code: z.number().int(),
      message: z.string(),
      status: z.string().openapi({ example: 'INVALID_ARGUMENT' }),
      details: z.array(z.object({ '@type': z.string(), fieldViolations: z.array(z.object({ field: z.string(), description: z.string() })) })).optional(),
    }),
  })
  .openapi('GoogleError');

const googleError = (description: string) => ({ description, content: { 'application/json': { schema: GoogleErrorSchema } } });

export const googleClaimRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/v1alpha1/claims:search',
    operationId: 'factchecktools.claims.search',
    tags: ['claims'],
    summary: 'Search reviewed claims exactly as Google Fact Check Tools claims:search does',
    middleware: [cacheable({})] as const,
    request: { query: GoogleSearchQuery },
    responses: {
      ...NOT_MODIFIED,
      429: googleError('Too many searches from this client (status RESOURCE_EXHAUSTED; `Retry-After` in seconds)'),
      200: {
        description: 'Reviewed claims, best first; `nextPageToken` when there are more',
        content: { 'application/json': { schema: GoogleSearchResponse } },
      },
      400: googleError('A parameter is invalid (Google error shape, status INVALID_ARGUMENT)'),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const size = q.pageSize ?? q.page_size;
    const token = q.pageToken ?? q.page_token;
    // Links come from PUBLIC_ORIGIN only, never the request's Host (core/public-origin.ts); relative otherwise.
    const origin = publicOrigin(c.env.PUBLIC_ORIGIN) ?? '';
    try {
      const { response } = await searchClaims(
        withCacheTtl(c.env.QS_KV),
        {
          query: q.query,
          languageCode: q.languageCode ?? q.language_code,
          reviewPublisherSiteFilter: q.reviewPublisherSiteFilter ?? q.review_publisher_site_filter,
          maxAgeDays: q.maxAgeDays ?? q.max_age_days,
          // Google treats 0 (the proto default) as "unset".
          pageSize: Math.min(size || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
          pageToken: token || undefined,
          offset: token ? undefined : q.offset,
          reviewedOnly: true,
        },
        undefined,
        { googleSite: true, reviewUrl: (claim) => `${origin}/v1/claims/${encodeURIComponent(claim.id)}` },
      );
      const claims = response.claims ?? [];
      return c.json({ ...(claims.length ? { claims } : {}), ...(response.nextPageToken ? { nextPageToken: response.nextPageToken } : {}) }, 200);
    } catch (err) {
      if (err instanceof InvalidPageToken)
        throw new ProblemError('invalid-request', err.message, { errors: [{ path: 'query.pageToken', message: err.message }] });
      throw err;
    }
  },
);
