/** `GET /v1/excerpts/:id`: a passage with the passages before and after it, for context. */
import { createRoute } from '@hono/zod-openapi';
import { cacheable } from '../middleware/cache';
import { ProblemError } from '../middleware/problem';
import { withCacheTtl } from '../store/cached-kv';
import { readExcerptContext } from '../store/excerpt-context';
import { ExcerptContextSchema, IdParam, NOT_MODIFIED, problemResponses } from './schemas';
import { createRouter } from './router';

export const excerptRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/v1/excerpts/{id}',
    operationId: 'getExcerpt',
    tags: ['read'],
    summary: 'An excerpt with its neighbouring excerpts',
    middleware: [cacheable({})] as const,
    request: { params: IdParam('excerpt', 'ukraine-russia-talks-belarus-2022-02-28~1') },
    responses: {
      ...NOT_MODIFIED,
      200: {
        description: "`{excerpt, previous, next}`; previous/next are null at the article's ends",
        content: { 'application/json': { schema: ExcerptContextSchema } },
      },
      ...problemResponses(400, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const context = await readExcerptContext(withCacheTtl(c.env.QS_KV), id);
    if (!context) throw new ProblemError('not-found', `No excerpt with id "${id}".`);
    return c.json(context, 200);
  },
);
