/**
 * Sources: feeds, sitemaps and pages the crawler follows by itself (docs/sources.md).
 * `PUT /v1/sources/:id` registers one, `DELETE` removes it, `POST /v1/sources/:id/run` runs it now,
 * `GET /v1/sources[/:id]` shows its state. Bearer token, no CORS, like publishing.
 *
 * One definition, two workers: the public worker mounts these routes with a handler that forwards
 * the validated request to the ingest worker over its service binding (so /openapi.json documents
 * them and bad input is refused at the edge), and the ingest worker mounts them with the handlers
 * that talk to its SourceLedger and queues. Both validate with the same schemas.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { requireAdminToken } from '../middleware/auth';
import { limitBody, requireJson } from '../middleware/body';
import { AUTH_RESPONSES, httpUrl, noCors, problem, PUBLISH_ID_PATTERN } from './publish';
import { createRouter } from './router';

/** A minute is the cron's resolution; a month is the longest gap a newsroom source would tolerate. */
export const MIN_EVERY_MINUTES = 1;
export const MAX_EVERY_MINUTES = 43_200;
/** A source definition is a few hundred bytes; 16 KB leaves room and stops a megabyte at the door. */
const MAX_SOURCE_BODY_BYTES = 16 * 1024;

export const SourceInputSchema = z
  .object({
    url: httpUrl.refine((v) => v !== '', { message: 'must be the feed, sitemap or page URL' }).openapi({ example: 'https://press.example.org/feed.xml' }),
    type: z.enum(['rss', 'atom', 'sitemap', 'page', 'claimreview-feed'], { message: 'must be one of rss, atom, sitemap, page, claimreview-feed' }).openapi({
      description:
        'rss / atom: a feed; sitemap: a sitemap or sitemap index; page: one page; claimreview-feed: a ClaimReview DataFeed (JSON-LD) or a fact-check page carrying ClaimReview',
    }),
    articleKind: z
      .enum(['primary', 'report'], { message: 'must be "primary" (the speaker\'s own record) or "report" (coverage)' })
      .default('report')
      .openapi({ description: "primary: the items are the speakers' own records (press releases, transcripts); report (default): coverage" }),
    every: z
      .number({ message: 'must be a number of minutes' })
      .int({ message: 'must be a whole number of minutes' })
      .min(MIN_EVERY_MINUTES, { message: `must be at least ${MIN_EVERY_MINUTES} minute` })
      .max(MAX_EVERY_MINUTES, { message: `must be at most ${MAX_EVERY_MINUTES} minutes (30 days)` })
      .default(60)
      .openapi({ description: 'Minutes between runs (default 60)' }),
  })
  .strict()
  .openapi('SourceInput');

const SourceErrorSchema = z.object({ at: z.string(), url: z.string(), message: z.string() });

export const SourceStateSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    type: z.string(),
    articleKind: z.enum(['primary', 'report']),
    every: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    nextRun: z.string().openapi({ description: 'When the cron will next enqueue it' }),
    lastRun: z
      .object({
        at: z.string(),
        status: z.enum(['queued', 'ok', 'not-modified', 'failed']),
        error: z.string().optional(),
        listed: z.number().int().optional().openapi({ description: 'Items the feed listed' }),
        queued: z.number().int().optional().openapi({ description: 'Items queued as new or changed' }),
        deferred: z.number().int().optional().openapi({ description: 'New items left for the next run (at most 2,000 are queued per run)' }),
      })
      .nullable(),
    items: z.object({
      seen: z.number().int(),
      queued: z.number().int(),
      new: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      failed: z.number().int(),
    }),
    lastErrors: z.array(SourceErrorSchema),
    deadLetters: z
      .array(z.object({ at: z.string(), url: z.string(), queue: z.string(), attempts: z.number().int(), error: z.string() }))
      .openapi({ description: 'Messages the queue gave up on after its retries (newest first)' }),
  })
  .openapi('SourceState');

const SourceIdParam = z.object({
  id: z
    .string()
    .regex(PUBLISH_ID_PATTERN, 'source ids are 1–100 lowercase letters, digits, "." and "-", starting and ending with a letter or digit')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'un-press-releases' }),
});

const json = <T extends z.ZodTypeAny>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

export type SourceInput = z.infer<typeof SourceInputSchema>;

/** What each route does: forward (public worker) or act (ingest worker). */
export interface SourceHandlers {
  put(c: Context, id: string, input: SourceInput): Promise<Response>;
  remove(c: Context, id: string): Promise<Response>;
  run(c: Context, id: string): Promise<Response>;
  list(c: Context): Promise<Response>;
  get(c: Context, id: string): Promise<Response>;
}

/**
 * `auth`: the public worker checks the bearer token (requireAdminToken); the ingest worker, reachable
 * only through that binding, checks it again when it holds the secret too (ingest/app.ts).
 */
export function sourceRoutes(handlers: SourceHandlers, auth: MiddlewareHandler = requireAdminToken() as MiddlewareHandler) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'put',
        path: '/v1/sources/{id}',
        operationId: 'putSource',
        tags: ['sources'],
        summary: 'Register or replace a source the crawler follows (bearer token)',
        security: [{ bearerAuth: [] }],
        middleware: [noCors(), auth, limitBody(MAX_SOURCE_BODY_BYTES), requireJson()] as const,
        request: { params: SourceIdParam, body: { required: true, content: { 'application/json': { schema: SourceInputSchema } } } },
        responses: {
          200: json('Replaced', SourceStateSchema),
          201: json('Registered; the cron runs it within a minute', SourceStateSchema),
          400: problem('Invalid id or source (`errors` names each bad field), or a URL the crawler may not fetch'),
          ...AUTH_RESPONSES,
          413: problem('Body over 16 KB'),
          415: problem('Body is not JSON'),
        },
      }),
      async (c) => handlers.put(c, c.req.valid('param').id, c.req.valid('json') as SourceInput) as never,
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/v1/sources/{id}',
        operationId: 'deleteSource',
        tags: ['sources'],
        summary: 'Stop following a source (published articles stay; bearer token)',
        security: [{ bearerAuth: [] }],
        middleware: [noCors(), auth] as const,
        request: { params: SourceIdParam },
        responses: {
          200: json('Deleted', z.object({ id: z.string(), status: z.literal('deleted') })),
          400: problem('Invalid id'),
          ...AUTH_RESPONSES,
          404: problem('No such source'),
        },
      }),
      async (c) => handlers.remove(c, c.req.valid('param').id) as never,
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/sources/{id}/run',
        operationId: 'runSource',
        tags: ['sources'],
        summary: 'Run a source now (bearer token)',
        security: [{ bearerAuth: [] }],
        middleware: [noCors(), auth] as const,
        request: { params: SourceIdParam },
        responses: {
          202: json('Queued; `GET /v1/sources/{id}` shows the run', z.object({ id: z.string(), status: z.literal('queued') })),
          400: problem('Invalid id'),
          ...AUTH_RESPONSES,
          404: problem('No such source'),
        },
      }),
      async (c) => handlers.run(c, c.req.valid('param').id) as never,
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/sources',
        operationId: 'listSources',
        tags: ['sources'],
        summary: 'Every source with its state (bearer token)',
        security: [{ bearerAuth: [] }],
        middleware: [noCors(), auth] as const,
        responses: { 200: json('The sources, by id', z.object({ sources: z.array(SourceStateSchema) })), ...AUTH_RESPONSES },
      }),
      async (c) => handlers.list(c) as never,
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/sources/{id}',
        operationId: 'getSource',
        tags: ['sources'],
        summary: 'A source: last run, items seen / new / updated / failed, last errors, dead letters, next run (bearer token)',
        security: [{ bearerAuth: [] }],
        middleware: [noCors(), auth] as const,
        request: { params: SourceIdParam },
        responses: { 200: json('The source', SourceStateSchema), 400: problem('Invalid id'), ...AUTH_RESPONSES, 404: problem('No such source') },
      }),
      async (c) => handlers.get(c, c.req.valid('param').id) as never,
    );
}
