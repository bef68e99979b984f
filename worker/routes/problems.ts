/** `GET /problems/:slug`: what each problem `type` URI in an error response means. */
import { createRoute, z } from '@hono/zod-openapi';
import { ProblemError, PROBLEM_TYPES, problemType, type ProblemSlug } from '../middleware/problem';
import { problemResponses } from './schemas';
import { createRouter } from './router';

const MEANING: Record<ProblemSlug, string> = {
  'not-found': 'No record has this id, or no endpoint has this path.',
  'invalid-request': 'A path id, query parameter or body field is malformed; `errors` lists each one with the reason.',
  'invalid-json': 'The body is not valid JSON.',
  'method-not-allowed': 'The path exists but not under this method; the `Allow` header lists the methods it takes.',
  'not-acceptable': 'The API cannot answer in the media type the Accept header asks for.',
  'payload-too-large': 'The body is larger than the API accepts (1 MiB), or a field is longer than its limit.',
  'unsupported-media-type': 'POST bodies must be sent as `Content-Type: application/json`.',
  'uri-too-long': 'The URL is longer than the API accepts; send long quotes with POST /v1/lookup.',
  'unprocessable-article': 'The article could not be ingested (no text could be extracted, or it failed validation); `detail` says why.',
  'too-many-requests': 'This client made too many lookups in the rate-limit period; wait for `Retry-After` seconds.',
  'request-header-fields-too-large': 'The request headers are larger than the API accepts.',
  unauthorized: 'The endpoint needs `Authorization: Bearer <token>`.',
  forbidden: 'The bearer token is not valid for this endpoint.',
  'internal-error': 'The worker failed; the error is logged. Retry later.',
  'publishing-disabled': 'This deployment has no ADMIN_TOKEN secret, so publishing (PUT/DELETE) is switched off.',
};

const ProblemTypeSchema = z
  .object({ type: z.string(), title: z.string(), status: z.number().int(), description: z.string() })
  .openapi('ProblemType');

export const problemRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/problems/{slug}',
    tags: ['meta'],
    summary: 'What an error `type` means',
    request: { params: z.object({ slug: z.string().max(40).openapi({ param: { name: 'slug', in: 'path' }, example: 'not-found' }) }) },
    responses: {
      200: { description: 'The problem type', content: { 'application/json': { schema: ProblemTypeSchema } } },
      ...problemResponses(404),
    },
  }),
  (c) => {
    const slug = c.req.valid('param').slug as ProblemSlug;
    if (!Object.hasOwn(PROBLEM_TYPES, slug)) throw new ProblemError('not-found', `No problem type "${slug}".`);
    c.header('cache-control', 'public, max-age=86400');
    return c.json({ type: problemType(slug), title: PROBLEM_TYPES[slug].title, status: PROBLEM_TYPES[slug].status, description: MEANING[slug] }, 200);
  },
);
