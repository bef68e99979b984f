/**
 * Publishing: `PUT /v1/articles/:id` (the project's JSON article format, or a raw `text/html` page
 * whose article text is extracted) and `DELETE /v1/articles/:id`. Bearer token required (the
 * ADMIN_TOKEN secret). Every write goes through the IndexCoordinator Durable Object, which runs the
 * same ingestion library as `npm run ingest` one operation at a time (docs/publish.md).
 *
 * Order of checks: token, then body size (before anything reads the body), then content type, then
 * the schema — so an unauthenticated client never makes the worker parse a megabyte.
 */
import { InputError } from '../core/errors';
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ArticleSource } from '../core/types';
import { ARTICLE_FIELD_POLICY, ARTICLE_TEXT_POLICY, MAX_ARTICLE_BODY_CHARS, MAX_ARTICLE_FIELD_CHARS, MAX_BODY_BYTES, safeText } from '../core/validate';
import { coordinatorFor, type CoordinatorReply } from '../coordinator/client';
import { requireAdminToken } from '../middleware/auth';
import { limitBody, requireMediaType } from '../middleware/body';
import { ProblemError } from '../middleware/problem';
import { ProblemSchema } from './schemas';
import { extractInIngest } from './ingest-binding';
import { createRouter, validationProblem } from './router';

/** Published ids: the read API's id alphabet minus '~' (reserved for excerpt ids), ≤ 100 chars, ending alphanumeric. */
export const PUBLISH_ID_PATTERN = /^[a-z0-9](?:[a-z0-9.-]{0,98}[a-z0-9])?$/;

export const httpUrl = z
  .string()
  .max(2048, { message: 'must be at most 2048 characters' })
  .refine((v) => v === '' || /^https?:\/\/[^\s/?#]+[^\s]*$/i.test(v), {
    message: 'must be an http(s) URL (other schemes such as javascript: or data: are refused)',
  });

const field = (example?: string) => safeText(MAX_ARTICLE_FIELD_CHARS, ARTICLE_FIELD_POLICY).optional().openapi({ example });

export const PublishArticleSchema = z
  .object({
    id: z.string().optional().openapi({ description: 'If given, must equal the id in the path' }),
    title: safeText(MAX_ARTICLE_FIELD_CHARS, ARTICLE_FIELD_POLICY)
      .refine((v) => v.trim().length > 0, { message: 'must not be empty' })
      .openapi({ example: 'Russia and Ukraine hold first round of talks in Belarus' }),
    body: safeText(MAX_ARTICLE_BODY_CHARS, ARTICLE_TEXT_POLICY)
      .refine((v) => v.trim().length > 0, { message: 'must not be empty' })
      .openapi({ description: 'Plain text; paragraphs separated by blank lines' }),
    kind: z
      .enum(['primary', 'report'], { message: 'must be "primary" (the speaker\'s own record) or "report" (coverage)' })
      .optional()
      .openapi({ description: "primary: the speaker's own record (transcript, statement, press release…); report (default): coverage quoting someone" }),
    speaker: field().openapi({ description: "A primary record's speaker when all of it is theirs (transcripts name theirs per turn)" }),
    url: httpUrl.optional().openapi({ example: 'https://example.org/news/talks' }),
    publisher: field(),
    author: field(),
    published: z
      .string()
      .max(40)
      .refine((v) => v === '' || /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v), { message: 'must be an ISO date (YYYY-MM-DD) or timestamp' })
      .optional()
      .openapi({ example: '2022-02-28' }),
    language: z
      .string()
      .max(35)
      .refine((v) => v === '' || /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(v), { message: 'must be a BCP 47 language tag such as "en" or "pt-BR"' })
      .optional()
      .openapi({ example: 'en' }),
  })
  .strict()
  .openapi('ArticleSource');

const PublishedSchema = z
  .object({
    status: z.enum(['created', 'updated', 'unchanged', 'deleted']),
    id: z.string(),
    kvPending: z.number().int().openapi({ description: 'Changed keys not yet written to KV (0: visible at this location now; otherwise within seconds)' }),
  })
  .passthrough()
  .openapi('PublishResult');

const IdPathParam = z.object({
  id: z
    .string()
    .regex(PUBLISH_ID_PATTERN, 'article ids are 1–100 lowercase letters, digits, "." and "-", starting and ending with a letter or digit')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ukraine-russia-talks-belarus-2022-02-28' }),
});

export const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
export const AUTH_RESPONSES = {
  401: problem('No bearer token (see `WWW-Authenticate`)'),
  403: problem('Wrong bearer token, or a browser cross-origin preflight'),
};

/** 415 unless the body is JSON or HTML. */
const requireArticleMediaType = () =>
  requireMediaType({
    html: true,
    hint: (got) => `Send the article as "Content-Type: application/json" (the project's article format) or "text/html" (a web page to extract); got ${got}.`,
  });

/** Publishing responses never carry CORS headers: a browser on another origin must not be able to read them. */
export const noCors = (): MiddlewareHandler => async (c, next) => {
  await next();
  for (const name of [...c.res.headers.keys()]) if (name.startsWith('access-control-')) c.res.headers.delete(name);
};

/**
 * Mount before the public CORS middleware: a cross-origin preflight asking to PUT/DELETE/PATCH an
 * article is refused with 403 and no CORS headers, so browsers never send the real request.
 */
export function refusePublishPreflight(): MiddlewareHandler {
  return async (c, next) => {
    const wanted = (c.req.header('access-control-request-method') ?? '').toUpperCase();
    if (c.req.method === 'OPTIONS' && wanted && !['GET', 'HEAD', 'POST'].includes(wanted)) {
      throw new ProblemError('forbidden', `Browsers may not ${wanted} articles or claims cross-origin; publishing is for servers with the admin token.`);
    }
    await next();
  };
}

function replyToResponse(reply: CoordinatorReply, id: string): Response {
  if (!reply.ok) {
    if (reply.status === 404) throw new ProblemError('not-found', reply.detail);
    throw new ProblemError('unprocessable-article', reply.detail);
  }
  const body = { id, status: reply.status, kvPending: reply.kvPending, report: reply.report };
  return Response.json(body, { status: reply.status === 'created' ? 201 : 200, headers: { 'cache-control': 'no-store' } });
}

/** HTML page → ArticleSource through the ingestion library's extractor, then the same checks as JSON. */
async function articleFromHtml(env: Env, id: string, bytes: Uint8Array): Promise<ArticleSource> {
  let parsed;
  try {
    // The CLI's parseSource, run by the ingest worker: no HTML parser in this bundle.
    parsed = await extractInIngest(env, `${id}.html`, bytes);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // The page was read but holds no article we can extract (none found, or markup past the extraction bounds).
    const detail = err.message.replace(/^[^:]*\.html: /, '');
    throw new ProblemError('unprocessable-article', `Could not extract an article from the HTML: ${detail}`);
  }
  if (parsed.kind !== 'article') throw new ProblemError('unprocessable-article', 'The HTML did not contain an article.');
  const checked = PublishArticleSchema.safeParse({ ...parsed.source, id: undefined });
  if (!checked.success) throw validationProblem(checked.error, 'extracted article');
  return checked.data as ArticleSource;
}

export const publishRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'put',
      path: '/v1/articles/{id}',
      operationId: 'putArticle',
      tags: ['publish'],
      summary: 'Publish or replace an article (bearer token)',
      security: [{ bearerAuth: [] }],
      middleware: [noCors(), requireAdminToken(), limitBody(MAX_BODY_BYTES), requireArticleMediaType()] as const,
      request: {
        params: IdPathParam,
        query: z.object({
          kind: z.enum(['primary', 'report'], { message: 'must be "primary" or "report"' }).optional().openapi({
            description: "For an HTML body (JSON says `kind` itself): the page is the speaker's own record (primary) or coverage (report, default)",
          }),
        }),
        body: {
          // Not `required`: zod-openapi would then run the JSON validator on HTML bodies too. The media
          // type middleware above already insists on a JSON or HTML body.
          content: {
            'application/json': { schema: PublishArticleSchema },
            'text/html': { schema: z.string().openapi({ description: 'A web page; its article text and metadata are extracted' }) },
          },
        },
      },
      responses: {
        200: {
          description: 'Replaced (`updated`) or identical (`unchanged`); `kvPending` keys reach KV within seconds',
          content: { 'application/json': { schema: PublishedSchema } },
        },
        201: { description: 'Created', content: { 'application/json': { schema: PublishedSchema } } },
        400: problem('Invalid id or article (`errors` names each bad field)'),
        422: problem(
          'The article has no usable text: no words, no article in the HTML, or HTML past the extraction bounds (nesting is flattened past 48 levels; over 30,000 elements is refused)',
        ),
        ...AUTH_RESPONSES,
        413: problem('Body over 1 MB'),
        415: problem('Body is neither JSON nor HTML'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      let source: ArticleSource;
      if ((c.req.header('content-type') ?? '').toLowerCase().startsWith('text/html')) {
        source = await articleFromHtml(c.env, id, new Uint8Array(await c.req.arrayBuffer()));
        const { kind } = c.req.valid('query');
        if (kind) source.kind = kind;
      } else {
        const body = c.req.valid('json') as z.infer<typeof PublishArticleSchema>;
        if (body.id !== undefined && body.id !== id) {
          throw new ProblemError('invalid-request', `The body's id "${body.id}" differs from the path's "${id}"; omit it or make them equal.`);
        }
        source = { ...body } as ArticleSource;
      }
      const reply = await coordinatorFor(c.env).publish({ ...source, id });
      return replyToResponse(reply, id) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/v1/articles/{id}',
      operationId: 'deleteArticle',
      tags: ['publish'],
      summary: 'Retract an article with its excerpts and index entries (bearer token)',
      security: [{ bearerAuth: [] }],
      middleware: [noCors(), requireAdminToken()] as const,
      request: { params: IdPathParam },
      responses: {
        200: { description: 'Deleted', content: { 'application/json': { schema: PublishedSchema } } },
        400: problem('Invalid id'),
        ...AUTH_RESPONSES,
        404: problem('No such article'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const reply = await coordinatorFor(c.env).retract(id);
      return replyToResponse(reply, id) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/coordinator',
      operationId: 'coordinatorStatus',
      tags: ['publish'],
      summary: 'Publishing coordinator status: keys not yet mirrored to KV, operations, KV writes (bearer token)',
      security: [{ bearerAuth: [] }],
      middleware: [noCors(), requireAdminToken()] as const,
      responses: {
        200: {
          description: '`dirty` = changed keys not yet written to KV (0 = KV is up to date at this location)',
          content: {
            'application/json': {
              schema: z
                .object({
                  dirty: z.number(),
                  operations: z.number(),
                  kvWrites: z.number(),
                  kvWriteFailures: z.number(),
                  readThroughs: z.number(),
                  contendedTurns: z.number().openapi({
                    description:
                      'slice boundaries at which something else was holding the thread (requests; under wrangler dev also the local KV): the coordinator then rested',
                  }),
                  restedMs: z.number().openapi({ description: 'milliseconds the coordinator rested to let them run' }),
                })
                .openapi('CoordinatorStats'),
            },
          },
        },
        ...AUTH_RESPONSES,
      },
    }),
    async (c) => {
      const stats = await coordinatorFor(c.env).stats();
      return c.json(stats, 200, { 'cache-control': 'no-store' });
    },
  );
