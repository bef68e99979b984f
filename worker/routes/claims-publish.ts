/**
 * Publishing claims: `PUT /v1/claims/:id` takes one schema.org ClaimReview (as fact-checkers mark
 * up their pages) or the project's claim JSON, and replaces the claim's record; `DELETE` retracts
 * it. Bearer token, no CORS, through the IndexCoordinator like articles (docs/publish.md), so the
 * claim, its search-index entries and its summaries on excerpts change together.
 *
 * The claim's own record is purged from this location's edge cache; searches and excerpts cached
 * before the write may be served for up to READ_MAX_AGE (5 minutes), as for articles.
 *
 * Invariants: both body forms pass the same checks (the ClaimReview is converted, then checked as
 * claim JSON); a review always has an http(s) `url` and a `textualRating`; dates are ISO 8601 once
 * stored; a numeric rating outside its declared range is refused, not clamped.
 */
import { InputError } from '../core/errors';
import { createRoute, z } from '@hono/zod-openapi';
import { isoDate } from '../core/dates';
import { claimFromClaimReview, findClaimReviews } from '../core/extract/claim-review';
import type { ClaimSource } from '../core/types';
import { ARTICLE_FIELD_POLICY, ARTICLE_TEXT_POLICY, MAX_BODY_BYTES, safeText } from '../core/validate';
import { coordinatorFor, type CoordinatorReply } from '../coordinator/client';
import { requireAdminToken } from '../middleware/auth';
import { limitBody, requireJson } from '../middleware/body';
import { purgeCached } from '../middleware/cache';
import { ProblemError, problemResponse } from '../middleware/problem';
import { claimCacheIdentities } from './claims';
import { ID_PATTERN } from '../store/keys';
import { AUTH_RESPONSES, httpUrl, noCors, problem, PUBLISH_ID_PATTERN } from './publish';
import { createRouter, validationProblem } from './router';

const field = (max: number) => safeText(max, ARTICLE_FIELD_POLICY);
const date = z
  .string()
  .max(40)
  .refine((v) => v.trim() === '' || isoDate(v) !== '', { message: 'must be a date: ISO 8601 (2022-02-28, or a timestamp) or "28 February 2022"' });
const language = z
  .string()
  .max(35)
  .refine((v) => v === '' || /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(v), { message: 'must be a BCP 47 language tag such as "en"' });

export const ReviewInputSchema = z
  .object({
    publisher: z.object({ name: field(200).optional(), site: field(253).optional() }).strict(),
    url: httpUrl.refine((v) => v !== '', { message: "must be the review's http(s) URL" }),
    title: field(1000).optional(),
    reviewDate: date.optional(),
    textualRating: field(200).refine((v) => v.trim() !== '', { message: 'must say the verdict in words (e.g. "False")' }),
    ratingValue: z.number().optional(),
    bestRating: z.number().optional(),
    worstRating: z.number().optional(),
    explanation: safeText(10_000, ARTICLE_TEXT_POLICY).optional(),
    languageCode: language.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.ratingValue === undefined) return;
    const best = r.bestRating ?? 5;
    const worst = r.worstRating ?? 1;
    if (!(worst < best)) ctx.addIssue({ code: 'custom', path: ['worstRating'], message: `worstRating (${worst}) must be below bestRating (${best})` });
    else if (r.ratingValue < worst || r.ratingValue > best) {
      ctx.addIssue({ code: 'custom', path: ['ratingValue'], message: `ratingValue ${r.ratingValue} is outside worstRating–bestRating (${worst}–${best})` });
    }
  })
  .openapi('ReviewInput');

/** The project's claim JSON (as in `*.claims.json`), for PUT. */
export const ClaimInputSchema = z
  .object({
    id: z.string().optional().openapi({ description: 'If given, must equal the id in the path' }),
    text: safeText(5000, ARTICLE_FIELD_POLICY).refine((v) => v.trim() !== '', { message: 'must not be empty' }),
    claimant: field(300).optional(),
    claimDate: date.optional(),
    languageCode: language.optional(),
    appearances: z
      .array(z.object({ url: httpUrl, articleId: z.string().regex(ID_PATTERN).optional(), excerptId: z.string().regex(ID_PATTERN).optional() }).strict())
      .max(100, 'at most 100 appearances')
      .optional(),
    reviews: z.array(ReviewInputSchema).max(50, 'at most 50 reviews').optional(),
    sample: z.boolean().optional(),
  })
  .strict()
  .openapi('ClaimInput');

export const ClaimReviewInputSchema = z
  .object({
    '@context': z.unknown().optional(),
    '@type': z.literal('ClaimReview'),
    url: z.string().optional(),
    claimReviewed: z.string(),
    datePublished: z.string().optional(),
    author: z.unknown().optional(),
    itemReviewed: z.unknown().optional(),
    reviewRating: z.unknown(),
  })
  .passthrough()
  .openapi('ClaimReviewInput', { description: 'A schema.org ClaimReview as fact-checkers publish it (Google ClaimReview markup)' });

/** The claim a body describes, or the issues that make it unusable (paths as in the body). */
function claimFromBody(body: unknown): { claim?: ClaimSource; issues: { path: PropertyKey[]; message: string }[] } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { issues: [{ path: [], message: 'send one JSON object: a ClaimReview or a claim' }] };
  const isClaimReview = '@type' in body || '@context' in body || '@graph' in body;
  let candidate: unknown = body;
  if (isClaimReview) {
    const reviews = findClaimReviews(body);
    if (reviews.length !== 1) {
      return { issues: [{ path: ['@type'], message: `expected exactly one ClaimReview, found ${reviews.length}; send each claim to its own id` }] };
    }
    try {
      const { id: _derived, ...claim } = claimFromClaimReview(reviews[0]);
      candidate = claim;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return { issues: [{ path: [], message: e.message }] };
    }
  }
  const parsed = ClaimInputSchema.safeParse(candidate);
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })) };
  return { claim: parsed.data as ClaimSource, issues: [] };
}

const ClaimBodySchema = z
  .unknown()
  .superRefine((body, ctx) => {
    for (const issue of claimFromBody(body).issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .openapi({
    description: "One schema.org ClaimReview, or the project's claim JSON",
    oneOf: [{ $ref: '#/components/schemas/ClaimReviewInput' }, { $ref: '#/components/schemas/ClaimInput' }],
  });

const ClaimIdParam = z.object({
  id: z
    .string()
    .regex(PUBLISH_ID_PATTERN, 'claim ids are 1–100 lowercase letters, digits, "." and "-", starting and ending with a letter or digit')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'politifact-2021-jul-22-45000-deaths' }),
});

const ClaimPublishedSchema = z
  .object({
    status: z.enum(['created', 'updated', 'unchanged', 'deleted']),
    id: z.string(),
    kvPending: z.number().int().openapi({ description: 'Changed keys not yet written to KV (0: visible at this location now)' }),
    report: z.record(z.string(), z.unknown()).openapi({ description: 'What the write changed (claims, excerpts linked, keys written)' }),
  })
  .openapi('ClaimPublishResult');

function replyToResponse(reply: CoordinatorReply, id: string): Response {
  if (!reply.ok) {
    if (reply.status === 404) throw new ProblemError('not-found', reply.detail);
    return problemResponse({ type: '/problems/invalid-request', title: 'Invalid request', status: 400, detail: reply.detail });
  }
  const body = { id, status: reply.status, kvPending: reply.kvPending, report: reply.report };
  return Response.json(body, { status: reply.status === 'created' ? 201 : 200, headers: { 'cache-control': 'no-store' } });
}

export const claimPublishRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'put',
      path: '/v1/claims/{id}',
      operationId: 'putClaim',
      tags: ['publish'],
      summary: 'Publish or replace a claim and its reviews: a schema.org ClaimReview or claim JSON (bearer token)',
      security: [{ bearerAuth: [] }],
      middleware: [noCors(), requireAdminToken(), limitBody(MAX_BODY_BYTES), requireJson()] as const,
      request: {
        params: ClaimIdParam,
        body: { required: true, content: { 'application/json': { schema: ClaimBodySchema } } },
      },
      responses: {
        200: { description: 'Replaced (`updated`) or identical (`unchanged`)', content: { 'application/json': { schema: ClaimPublishedSchema } } },
        201: { description: 'Created', content: { 'application/json': { schema: ClaimPublishedSchema } } },
        400: problem('Invalid id or claim (`errors` names each bad field)'),
        ...AUTH_RESPONSES,
        413: problem('Body over 1 MB'),
        415: problem('Body is not JSON (application/json or application/ld+json)'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { claim, issues } = claimFromBody(c.req.valid('json'));
      if (!claim) throw validationProblem({ issues } as never, 'json');
      if (claim.id !== undefined && claim.id !== id) {
        throw new ProblemError('invalid-request', `The body's id "${claim.id}" differs from the path's "${id}"; omit it or make them equal.`);
      }
      const reply = await coordinatorFor(c.env).putClaim({ ...claim, id });
      await purgeCached(claimCacheIdentities(id));
      return replyToResponse(reply, id) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/v1/claims/{id}',
      operationId: 'deleteClaim',
      tags: ['publish'],
      summary: 'Retract a claim with its reviews, search entries and excerpt links (bearer token)',
      security: [{ bearerAuth: [] }],
      middleware: [noCors(), requireAdminToken()] as const,
      request: { params: ClaimIdParam },
      responses: {
        200: { description: 'Deleted', content: { 'application/json': { schema: ClaimPublishedSchema } } },
        400: problem('Invalid id'),
        ...AUTH_RESPONSES,
        404: problem('No such claim'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const reply = await coordinatorFor(c.env).retractClaim(id);
      await purgeCached(claimCacheIdentities(id));
      return replyToResponse(reply, id) as never;
    },
  );
