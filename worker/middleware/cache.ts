/**
 * Edge caching for public reads: `Cache-Control`, a strong `ETag` (SHA-256 of the body) with
 * `If-None-Match` → 304, and the Workers Cache API (`caches.default`) keyed on what makes the answer
 * differ (for lookups: the normalised query, so "Enough is enough" and "enough  is ENOUGH" share
 * one entry). POST lookups are cached under a synthetic GET key; they get an ETag but never a 304.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { sha256 } from '../core/hash';
import { KEY_VERSION } from '../store/keys';

export interface CacheOptions {
  /** Browser and edge lifetime in seconds. */
  maxAge: number;
  /**
   * The cache key's identity (any string). Return null to skip the Cache API for this request
   * (e.g. an unparseable body, which validation will reject). Default: method-less URL + Accept.
   */
  key?: (c: Context) => Promise<string | null> | string | null;
  /** Request headers the answer depends on (added to `Vary`). */
  vary?: string[];
}

const CACHE_ORIGIN = 'https://cache.quotesource.internal';

export async function strongEtag(body: ArrayBuffer | string): Promise<string> {
  const digest = await sha256(body);
  const b64 = btoa(String.fromCharCode(...digest.subarray(0, 18))).replace(/\+/g, '-').replace(/\//g, '_');
  return `"${b64}"`;
}

/** RFC 9110 If-None-Match: weak comparison, list of tags or `*`. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}

const defaultCache = (): Cache | null => {
  try {
    return typeof caches !== 'undefined' ? ((caches as unknown as { default?: Cache }).default ?? null) : null;
  } catch {
    return null;
  }
};

const waitUntil = (c: Context, promise: Promise<unknown>) => {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // No execution context (app.request in a unit test): finish inline.
    return promise;
  }
};

function notModified(res: Response): Response {
  const headers = new Headers();
  for (const name of ['etag', 'cache-control', 'vary', 'access-control-allow-origin', 'access-control-expose-headers']) {
    const v = res.headers.get(name);
    if (v) headers.set(name, v);
  }
  return new Response(null, { status: 304, headers });
}

const cacheKeyFor = (identity: string) => new Request(`${CACHE_ORIGIN}/${KEY_VERSION}/${encodeURIComponent(identity)}`);

/**
 * Drops cached answers at this location (the Cache API is per location: others expire with
 * `max-age`). For writes that know exactly which reads they changed, e.g. a claim's own record.
 */
export async function purgeCached(identities: string[]): Promise<void> {
  const cache = defaultCache();
  if (cache) await Promise.all(identities.map((id) => cache.delete(cacheKeyFor(id))));
}

export function cacheable(options: CacheOptions): MiddlewareHandler {
  const cacheControl = `public, max-age=${options.maxAge}`;
  return async (c, next) => {
    const method = c.req.method;
    const conditional = method === 'GET' || method === 'HEAD';
    const identity = options.key ? await options.key(c) : `${new URL(c.req.url).pathname}${new URL(c.req.url).search}`;
    const cache = identity === null ? null : defaultCache();
    // The data layout's version is part of every key: answers cached under an older layout are never served.
    const cacheKey = cache ? cacheKeyFor(identity!) : null;

    if (cache && cacheKey) {
      const hit = await cache.match(cacheKey);
      if (hit) {
        const etag = hit.headers.get('etag') ?? '';
        if (conditional && etag && ifNoneMatchHits(c.req.header('if-none-match'), etag)) {
          c.res = notModified(hit);
          c.res.headers.set('x-cache', 'HIT');
          return;
        }
        c.res = new Response(hit.body, hit);
        c.res.headers.set('x-cache', 'HIT');
        return;
      }
    }

    await next();
    if (c.res.status !== 200) return;
    const body = await c.res.clone().arrayBuffer();
    const etag = await strongEtag(body);
    c.res.headers.set('etag', etag);
    c.res.headers.set('cache-control', cacheControl);
    for (const v of options.vary ?? []) c.res.headers.append('vary', v);
    if (cache && cacheKey) {
      const stored = new Response(body, { status: 200, headers: new Headers(c.res.headers) });
      // The CORS origin belongs to this request, not to the cached answer.
      stored.headers.delete('access-control-allow-origin');
      await waitUntil(c, cache.put(cacheKey, stored));
      c.res.headers.set('x-cache', 'MISS');
    }
    if (conditional && ifNoneMatchHits(c.req.header('if-none-match'), etag)) c.res = notModified(c.res);
  };
}
