/** `GET /healthz`: liveness plus a cheap KV reachability check. */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from './router';

const HealthSchema = z.object({ ok: z.boolean(), kv: z.boolean(), version: z.string() }).openapi('Health');

export const API_VERSION = '1';

export const healthRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tags: ['meta'],
    summary: 'Liveness check',
    responses: { 200: { description: 'The worker answers and its KV binding is present', content: { 'application/json': { schema: HealthSchema } } } },
  }),
  (c) => {
    c.header('cache-control', 'no-store');
    return c.json({ ok: true, kv: !!c.env.QS_KV, version: API_VERSION }, 200);
  },
);
