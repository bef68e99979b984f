/** `GET /v1/articles/:id`: an article's metadata and its excerpt ids in reading order. */
import { createRoute } from '@hono/zod-openapi';
import { cacheable } from '../middleware/cache';
import { ProblemError } from '../middleware/problem';
import { withCacheTtl } from '../store/cached-kv';
import { readArticle } from '../store/records';
import { ArticleSchema, IdParam, NOT_MODIFIED, problemResponses } from './schemas';
import { createRouter } from './router';

export const articleRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/v1/articles/{id}',
    operationId: 'getArticle',
    tags: ['read'],
    summary: 'An article by id',
    middleware: [cacheable({})] as const,
    request: { params: IdParam('article', 'ukraine-russia-talks-belarus-2022-02-28') },
    responses: {
      ...NOT_MODIFIED,
      200: { description: 'The article', content: { 'application/json': { schema: ArticleSchema } } },
      ...problemResponses(400, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const article = await readArticle(withCacheTtl(c.env.QS_KV), id);
    if (!article) throw new ProblemError('not-found', `No article with id "${id}".`);
    return c.json(article, 200);
  },
);
