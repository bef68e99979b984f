import { Hono } from 'hono';

const app = new Hono<{ Bindings: Env }>().get('/healthz', (c) => c.json({ ok: true }));

export type AppType = typeof app;
export { app };
