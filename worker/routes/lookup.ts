/**
 * Quote lookups: `GET /v1/lookup?q=`, `POST /v1/lookup` (a W3C TextQuoteSelector) and
 * `POST /v1/lookup/batch`. Route → validate → engine lookup (worker/store/lookup.ts: normalise,
 * index, match, diff in ≤ 2 KV round trips) → `{matches}`. Answers are cached at the edge under
 * the NORMALISED selector, with a strong ETag.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { normaliseWords } from '../core/normalise';
import { textProblem } from '../core/validate';
import type { TextQuoteSelector } from '../core/types';
import { limitBody, requireJson } from '../middleware/body';
import { answeredAt, cacheable } from '../middleware/cache';
import { withCacheTtl } from '../store/cached-kv';
import { lookup, lookupBatch } from '../store/lookup';
import { canonicalUrl } from '../store/page';
import {
  BatchBodySchema,
  BatchResponseSchema,
  LookupBodySchema,
  LookupQuerySchema,
  LookupResponseSchema,
  MAX_BATCH,
  MAX_BODY_BYTES,
  MAX_CONTEXT_CHARS,
  MAX_QUOTE_CHARS,
  NOT_MODIFIED,
  problemResponses,
} from './schemas';
import { createRouter } from './router';

export const DEFAULT_LIMIT = 3;

/** The cache identity of a selector: what the engine would see after normalising. */
function selectorKey(s: Partial<TextQuoteSelector> & { url?: unknown }, limit: unknown): string | null {
  if (typeof s.exact !== 'string' || !s.exact.trim() || s.exact.length > MAX_QUOTE_CHARS) return null;
  // Input validation would refuse it: never answer it from the cache of a valid query that normalises alike.
  if ([s.exact, s.prefix, s.suffix].some((t) => typeof t === 'string' && textProblem(t) !== null)) return null;
  const context = (t: unknown) => (typeof t === 'string' && t.length <= MAX_CONTEXT_CHARS ? normaliseWords(t) : '');
  // The page matters to the answer (`thisPage`, never its own source): it is part of the identity.
  const page = typeof s.url === 'string' && s.url.length <= 2048 ? canonicalUrl(s.url) : '';
  return JSON.stringify([normaliseWords(s.exact), context(s.prefix), context(s.suffix), String(limit ?? DEFAULT_LIMIT), page]);
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return null;
  }
}

/*
 * Validation before the cache: a request the route's schema refuses gets no cache identity, so it
 * always reaches validation (400) — never the 200 cached for a valid request that normalises alike
 * (a `prefix` sent as an array, a `suffix` as an object, a prefix over the limit).
 */
const queryKey = (c: Context) => {
  if (!LookupQuerySchema.safeParse(c.req.query()).success) return null;
  const key = selectorKey(
    { exact: c.req.query('q'), prefix: c.req.query('prefix'), suffix: c.req.query('suffix'), url: c.req.query('url') },
    c.req.query('limit'),
  );
  return key && `lookup|${key}`;
};

const bodyKey = async (c: Context) => {
  const body = (await jsonBody(c)) as (TextQuoteSelector & { limit?: unknown }) | null;
  if (!LookupBodySchema.safeParse(body).success) return null;
  const key = body && typeof body === 'object' ? selectorKey(body, body.limit) : null;
  return key && `lookup|${key}`;
};

const batchKey = async (c: Context) => {
  const body = (await jsonBody(c)) as { quotes?: unknown; limit?: unknown } | null;
  if (!BatchBodySchema.safeParse(body).success) return null;
  if (!body || !Array.isArray(body.quotes) || body.quotes.length > MAX_BATCH) return null;
  const parts = body.quotes.map((q) => (q && typeof q === 'object' ? selectorKey(q as TextQuoteSelector, body.limit) : null));
  return parts.every(Boolean) ? `batch|${parts.join('\n')}` : null;
};

const selectorOf = (s: { exact: string; prefix?: string; suffix?: string; url?: string }): TextQuoteSelector & { url?: string } => ({
  exact: s.exact,
  ...(s.prefix ? { prefix: s.prefix } : {}),
  ...(s.suffix ? { suffix: s.suffix } : {}),
  ...(s.url ? { url: s.url } : {}),
});

const jsonResponse = <S extends typeof LookupResponseSchema | typeof BatchResponseSchema>(description: string, schema: S) => ({
  description,
  content: { 'application/json': { schema } },
});

export const lookupRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/v1/lookup',
      operationId: 'lookupQuote',
      tags: ['lookup'],
      summary: 'Find the source of a highlighted quote',
      middleware: [cacheable({ key: queryKey, generation: 'handler' })] as const,
      request: { query: LookupQuerySchema },
      responses: {
        ...NOT_MODIFIED,
        ...problemResponses(429),
        200: jsonResponse('Matches, best first; `{"matches": []}` when nothing matches reliably', LookupResponseSchema),
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { matches, generation } = await lookup(withCacheTtl(c.env.QS_KV), selectorOf({ exact: q.q, prefix: q.prefix, suffix: q.suffix, url: q.url }), {
        limit: q.limit ?? DEFAULT_LIMIT,
      });
      answeredAt(c, generation);
      return c.json({ matches }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/v1/lookup',
      operationId: 'lookupSelector',
      tags: ['lookup'],
      summary: 'Find the source of a highlighted quote given as a TextQuoteSelector',
      middleware: [limitBody(MAX_BODY_BYTES), requireJson(), cacheable({ key: bodyKey, generation: 'handler' })] as const,
      request: { body: { required: true, content: { 'application/json': { schema: LookupBodySchema } } } },
      responses: {
        200: jsonResponse('Matches, best first; `{"matches": []}` when nothing matches reliably', LookupResponseSchema),
        ...problemResponses(400, 413, 415, 429),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { matches, generation } = await lookup(withCacheTtl(c.env.QS_KV), selectorOf(body), { limit: body.limit ?? DEFAULT_LIMIT });
      answeredAt(c, generation);
      return c.json({ matches }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/v1/lookup/batch',
      operationId: 'lookupBatch',
      tags: ['lookup'],
      summary: `Look up to ${MAX_BATCH} quotes at once`,
      middleware: [limitBody(MAX_BODY_BYTES), requireJson(), cacheable({ key: batchKey, generation: 'handler' })] as const,
      request: { body: { required: true, content: { 'application/json': { schema: BatchBodySchema } } } },
      responses: {
        ...problemResponses(429),
        200: jsonResponse('One `{matches}` per quote, in request order', BatchResponseSchema),
        ...problemResponses(400, 413, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const results = await lookupBatch(withCacheTtl(c.env.QS_KV), body.quotes.map(selectorOf), { limit: body.limit ?? DEFAULT_LIMIT });
      answeredAt(c, results[0]?.generation);
      return c.json({ results: results.map((r) => ({ matches: r.matches })) }, 200);
    },
  );
