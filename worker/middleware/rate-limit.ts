/**
 * Per-client rate limit for lookups, on the Workers Rate Limiting binding `LOOKUP_RATE_LIMITER`
 * (limit and period set in wrangler.toml `[[ratelimits]]`; Miniflare implements it locally, so
 * `npm run dev` limits too). `RATE_LIMIT=off` (a var, or `.dev.vars`) switches it off for benchmarks
 * and load tests. Over the limit: 429 problem+json with `Retry-After`.
 *
 * The binding is per Cloudflare location and approximate by design: it stops floods, it is not
 * billing-grade metering. If it is missing or fails, requests pass (fail open) rather than 500.
 */
import type { MiddlewareHandler } from 'hono';
import { ProblemError } from './problem';

export interface RateLimitBindings {
  LOOKUP_RATE_LIMITER?: RateLimit;
  /** 'off' disables limiting. */
  RATE_LIMIT?: string;
  /** Seconds a limited client is told to wait; should equal the `period` in wrangler.toml. */
  RATE_LIMIT_PERIOD?: string;
}

export const rateLimitOff = (setting: string | undefined) => /^(off|false|0|no|disabled?)$/i.test((setting ?? '').trim());

/** Who is counted: the client's IP as Cloudflare reports it (tests and local tools without it share one bucket). */
export const clientKey = (headers: Headers) => headers.get('cf-connecting-ip') ?? headers.get('x-real-ip') ?? 'local';

/**
 * The paths that cost lookups: quote lookups (single and batch), claim search (ours and Google's
 * claims:search shape), and the quote check (one call looks up to 200 quotations; unlimited, it
 * would be a way around the lookup limit).
 */
export const LIMITED_PATHS = /^\/(v1\/(lookup(\/batch)?|check|claims\/search)|v1alpha1\/claims:search)\/?$/;

export function lookupRateLimit(paths: RegExp = LIMITED_PATHS): MiddlewareHandler<{ Bindings: RateLimitBindings }> {
  return async (c, next) => {
    const limiter = c.env?.LOOKUP_RATE_LIMITER;
    if (!limiter || rateLimitOff(c.env?.RATE_LIMIT) || c.req.method === 'OPTIONS' || !paths.test(c.req.path)) return next();
    let allowed = true;
    try {
      allowed = (await limiter.limit({ key: `lookup:${clientKey(c.req.raw.headers)}` })).success;
    } catch (err) {
      console.warn('rate limiter unavailable, letting the request through', err);
    }
    if (allowed) return next();
    const period = Math.max(1, Math.min(3600, Number(c.env?.RATE_LIMIT_PERIOD) || 60));
    throw new ProblemError('too-many-requests', `Too many lookups from this client; try again in ${period} seconds.`, {
      headers: { 'retry-after': String(period) },
    });
  };
}
