/**
 * Findings for fact-checkers: `GET /v1/findings` (newest first, paged; `since`, `site`) and
 * `GET /v1/findings/:id` (JSON, or a ClaimReview-shaped draft with `Accept: application/ld+json`).
 * Findings are filed at ingest (store/findings) and change with every publish, so answers are
 * cached briefly in the browser only.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { serializeJsonLd } from '../core/claim-review-jsonld';
import { findingClaimReviewDraft } from '../core/findings';
import { publicOrigin } from '../core/public-origin';
import { ProblemError } from '../middleware/problem';
import { getFinding, listFindings } from '../store/findings';
import { DifferenceSchema, IdParam, SpeakerSchema, ArticleSummarySchema, problemResponses } from './schemas';
import { createRouter } from './router';
import { CLIENT_CACHE_CONTROL } from '../middleware/cache';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

export const FindingSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['misquoted', 'misattributed']),
    found: z.string().openapi({ description: 'When ingestion found it (ISO 8601)' }),
    quotationId: z.string(),
    appearance: z
      .object({
        articleId: z.string(),
        excerptId: z.string(),
        url: z.string(),
        title: z.string(),
        publisher: z.string(),
        published: z.string(),
        wording: z.string(),
        speaker: SpeakerSchema.optional(),
      })
      .openapi({ description: "The report's print" }),
    site: z.string().openapi({ description: "The report URL's host without www." }),
    original: z
      .object({ article: ArticleSummarySchema, exact: z.string(), speaker: SpeakerSchema.optional(), excerptId: z.string() })
      .openapi({ description: "The speaker's own record" }),
    differences: z.array(DifferenceSchema).openapi({ description: "From the record's words to the print's (misquoted)" }),
    misattribution: z.object({ credited: z.string(), original: z.string() }).optional(),
  })
  .openapi('Finding');

const FindingsPageSchema = z.object({ findings: z.array(FindingSchema), nextPageToken: z.string().optional() }).openapi('FindingsPage');

const FindingsQuery = z.object({
  since: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'since must be a date or time (ISO 8601)')
    .optional()
    .openapi({ description: 'Only findings found at or after this time (ISO 8601)', example: '2026-11-01' }),
  site: z
    .string()
    .regex(/^[a-z0-9.-]{1,253}$/i, 'site is a host name such as "news.example"')
    .transform((s) => s.toLowerCase().replace(/^www\./, ''))
    .optional()
    .openapi({ description: "Only prints on this site (the report URL's host without www.)" }),
  pageToken: z.string().max(512).optional(),
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .optional()
    .openapi({ description: `1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}` }),
});

const wantsJsonLd = (c: Context) => /application\/ld\+json/i.test(c.req.header('accept') ?? '');
/** Withdrawn with the report's correction or retraction: a browser asks again every time (never edge-cached). */
const cacheControl = CLIENT_CACHE_CONTROL;

export const findingRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/v1/findings',
      operationId: 'listFindings',
      tags: ['findings'],
      summary: 'Quotations that ingestion found altered or misattributed against the speaker’s own record, newest first',
      request: { query: FindingsQuery },
      responses: {
        200: { description: 'A page of findings; `nextPageToken` when there are more', content: { 'application/json': { schema: FindingsPageSchema } } },
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      let page;
      try {
        page = await listFindings(c.env.QS_KV, { since: q.since, site: q.site, pageToken: q.pageToken, pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE });
      } catch (err) {
        // KV refuses a cursor it did not hand out.
        if (q.pageToken)
          throw new ProblemError('invalid-request', 'pageToken is not one this API handed out; start again without it.', {
            errors: [{ path: 'query.pageToken', message: 'unknown page token' }],
          });
        throw err;
      }
      return c.json(page, 200, { 'cache-control': cacheControl });
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/v1/findings/{id}',
      operationId: 'getFinding',
      tags: ['findings'],
      summary: 'One finding; with Accept: application/ld+json, a ClaimReview-shaped draft for a fact-checker to review (never a published verdict)',
      request: { params: IdParam('finding', 'f0123456789a') },
      responses: {
        200: {
          description: 'The finding (JSON), or its ClaimReview draft (JSON-LD, `creativeWorkStatus: Draft`)',
          content: { 'application/json': { schema: FindingSchema }, 'application/ld+json': { schema: z.record(z.string(), z.unknown()) } },
        },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const finding = await getFinding(c.env.QS_KV, id);
      if (!finding) throw new ProblemError('not-found', `No finding with id "${id}" (it may have been withdrawn: the report was corrected or retracted).`);
      const headers = { 'cache-control': cacheControl, vary: 'Accept' };
      // Links from configuration only, never the Host; escaped so the draft can be pasted into a <script> element.
      if (wantsJsonLd(c)) {
        const draft = findingClaimReviewDraft(finding, publicOrigin(c.env.PUBLIC_ORIGIN));
        return c.body(serializeJsonLd(draft), 200, { ...headers, 'content-type': 'application/ld+json; charset=utf-8' }) as never;
      }
      return c.json(finding, 200, headers);
    },
  );
