/**
 * `GET /problems/:slug`: what each problem `type` URI in an error response means. A developer who
 * follows the link in a browser gets a page; a client asking for JSON gets JSON (Accept, q-values
 * honoured; JSON when the header says nothing).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { negotiate } from '../core/accept';
import { ProblemError, PROBLEM_TYPES, problemType, type ProblemSlug } from '../middleware/problem';
import { problemResponses } from './schemas';
import { createRouter } from './router';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** Backticked names in a meaning (`Retry-After`) become <code>. */
const withCode = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function problemPage(p: { type: string; title: string; status: number; description: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${p.status} ${p.title}`)} · QuoteSource API</title></head>
<body><main>
<h1>${escapeHtml(p.title)}</h1>
<p>HTTP status <strong>${p.status}</strong>. Problem type <code>${escapeHtml(p.type)}</code>.</p>
<p>${withCode(p.description)}</p>
<p>Errors are RFC 9457 <code>application/problem+json</code>; see <a href="/openapi.json">/openapi.json</a> for the API.</p>
</main></body></html>`;
}

const ProblemTypeSchema = z.object({ type: z.string(), title: z.string(), status: z.number().int(), description: z.string() }).openapi('ProblemType');

export const problemRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/problems/{slug}',
    operationId: 'getProblemType',
    tags: ['meta'],
    summary: 'What an error `type` means',
    request: {
      params: z.object({
        slug: z
          .string()
          .max(40)
          .openapi({ param: { name: 'slug', in: 'path' }, example: 'not-found' }),
      }),
    },
    responses: {
      200: {
        description: 'The problem type: JSON, or an HTML page for browsers (Accept: text/html)',
        content: { 'application/json': { schema: ProblemTypeSchema }, 'text/html': { schema: z.string() } },
      },
      ...problemResponses(404),
    },
  }),
  (c) => {
    const slug = c.req.valid('param').slug as ProblemSlug;
    if (!Object.hasOwn(PROBLEM_TYPES, slug)) throw new ProblemError('not-found', `No problem type "${slug}".`);
    c.header('cache-control', 'public, max-age=86400');
    c.header('vary', 'Accept');
    const body = { type: problemType(slug), title: PROBLEM_TYPES[slug].title, status: PROBLEM_TYPES[slug].status, description: PROBLEM_TYPES[slug].meaning };
    if (negotiate(c.req.header('accept'), ['application/json', 'text/html'] as const) === 'text/html') return c.html(problemPage(body), 200);
    return c.json(body, 200);
  },
);
