/**
 * CORS for the public read API: the widget calls it from any page that embeds the script tag.
 * `ALLOWED_ORIGINS` is `*` (default) or a comma-separated list of origins.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export function allowedOrigins(setting: string | undefined): '*' | string[] {
  const value = (setting ?? '*').trim();
  if (value === '' || value === '*') return '*';
  return value
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

export function publicReadCors(): MiddlewareHandler<{ Bindings: { ALLOWED_ORIGINS?: string } }> {
  return async (c, next) => {
    const allowed = allowedOrigins(c.env?.ALLOWED_ORIGINS);
    const handler = cors({
      origin: allowed === '*' ? '*' : (origin) => (allowed.includes(origin) ? origin : null),
      allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'If-None-Match', 'Accept'],
      // Retry-After: a 429 tells a browser client (the widget's countdown) when to try again only if it may read the header.
      exposeHeaders: ['ETag', 'Cache-Control', 'X-Cache', 'Content-Type', 'Retry-After'],
      maxAge: 86400,
    });
    return handler(c, next);
  };
}
