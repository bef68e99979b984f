/**
 * Edge caching for public reads: a strong `ETag` (SHA-256 of the body) with `If-None-Match` → 304,
 * and the Workers Cache API (`caches.default`) keyed on what makes the answer differ (for lookups:
 * the normalised query, so "Enough is enough" and "enough  is ENOUGH" share one entry). POST lookups
 * are cached under a synthetic GET key; they get an ETag but never a 304.
 *
 * Corrections and retractions are seen at once (docs/publish.md "Consistency window"):
 * - every cached answer carries the store's generation it was computed under (store/generation.ts)
 *   and is served only while the store's generation is still that one: a hit costs one KV key read
 *   (the generation), a stale hit is recomputed. The generation is read before the answer's data,
 *   or in the same round trip (lookups read it with their index features and report it with
 *   `answeredAt`), never after: an answer is never stored under a newer generation than its data;
 * - the edge copy lives at most EDGE_CACHE_TTL seconds whatever happens (a location that has not
 *   yet seen a new generation, KV's own propagation), and browsers and shared caches must revalidate
 *   every time (`no-cache` + ETag: a 304 is a few bytes), so no layer holds an answer past ~60 s.
 * Invariants: an answer without a known generation is never stored; "no reliable source" is cached
 * exactly like a found answer (same lifetime, same generation check).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { sha256 } from '../core/hash';
import { withCacheTtl } from '../store/cached-kv';
import { readGeneration } from '../store/generation';
import { KEY_VERSION } from '../store/keys';

/**
 * Seconds an answer may stay in a location's Cache API. With KV's own read cache (`cacheTtl`, 30 s,
 * store/cached-kv.ts) this keeps the worst case at a location that has not seen a change yet at about
 * one minute — Workers KV's own propagation bound — instead of stacking a long answer cache on it.
 */
export const EDGE_CACHE_TTL = 30;
/** What browsers and shared caches are told: keep it, but ask (If-None-Match) before every use. */
export const CLIENT_CACHE_CONTROL = 'public, no-cache';
/** Response header carrying the generation an answer was computed under (also on the edge copy). */
export const GENERATION_HEADER = 'x-store-generation';
const STORED_AT_HEADER = 'x-stored-at';

/** Whether an edge copy stored at `storedAt` (ms) may still be served at `now`. */
export function edgeCopyFresh(storedAt: number, now = Date.now()): boolean {
  return Number.isFinite(storedAt) && now - storedAt >= 0 && now - storedAt <= EDGE_CACHE_TTL * 1000;
}

/** Generations handlers report (lookups read it with their index), by request. */
const answered = new WeakMap<Request, string>();
/** Tells the cache which generation this request's answer was computed under. */
export function answeredAt(c: Context, generation: string | undefined): void {
  if (generation !== undefined) answered.set(c.req.raw, generation);
}

export interface CacheOptions {
  /**
   * The cache key's identity (any string). Return null to skip the Cache API for this request
   * (e.g. an unparseable body, which validation will reject). Default: method-less URL + Accept.
   */
  key?: (c: Context) => Promise<string | null> | string | null;
  /** Request headers the answer depends on (added to `Vary`). */
  vary?: string[];
  /**
   * Who reads the store's generation on a miss: `'handler'` (lookups and checks read it with their
   * index and report it with `answeredAt`) or `'before'` (the middleware reads it before the handler
   * runs; one more key read, for reads that are not lookups).
   */
  generation?: 'handler' | 'before';
  /**
   * For answers that do not depend on the store (the OpenAPI contract changes only with a deploy):
   * browser and edge lifetime in seconds, no generation read. Never set for store data.
   */
  staticMaxAge?: number;
}

const CACHE_ORIGIN = 'https://cache.quotesource.internal';

export async function strongEtag(body: ArrayBuffer | string): Promise<string> {
  const digest = await sha256(body);
  const b64 = btoa(String.fromCharCode(...digest.subarray(0, 18)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
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
  for (const name of ['etag', 'cache-control', 'vary', 'access-control-allow-origin', 'access-control-expose-headers', 'x-cache', GENERATION_HEADER]) {
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
  const generationFrom = options.generation ?? 'before';
  if (options.staticMaxAge !== undefined) return cacheableStatic(options, options.staticMaxAge);
  return async (c, next) => {
    const method = c.req.method;
    const conditional = method === 'GET' || method === 'HEAD';
    const identity = options.key ? await options.key(c) : `${new URL(c.req.url).pathname}${new URL(c.req.url).search}`;
    const cache = identity === null ? null : defaultCache();
    // The data layout's version is part of every key: answers cached under an older layout are never served.
    const cacheKey = cache ? cacheKeyFor(identity!) : null;
    const kv = withCacheTtl((c.env as Env).QS_KV);
    /** The store's generation as read before the handler (when it was). */
    let current: string | undefined;

    if (cache && cacheKey) {
      const hit = await cache.match(cacheKey);
      if (hit && edgeCopyFresh(Number(hit.headers.get(STORED_AT_HEADER)))) {
        current = await readGeneration(kv);
        if (hit.headers.get(GENERATION_HEADER) === current) {
          const served = new Response(hit.body, hit);
          served.headers.set('cache-control', CLIENT_CACHE_CONTROL);
          served.headers.delete(STORED_AT_HEADER);
          served.headers.set('x-cache', 'HIT');
          const etag = served.headers.get('etag') ?? '';
          c.res = conditional && etag && ifNoneMatchHits(c.req.header('if-none-match'), etag) ? notModified(served) : served;
          if (c.res.status === 304) c.res.headers.set('x-cache', 'HIT');
          return;
        }
        // Computed under another generation: the store changed since (or the copy is from another
        // state of it), so the answer is computed again.
      }
      if (current === undefined && generationFrom === 'before') current = await readGeneration(kv);
    }

    await next();
    if (c.res.status !== 200) return;
    const generation = generationFrom === 'handler' ? answered.get(c.req.raw) : current;
    const body = await c.res.clone().arrayBuffer();
    const etag = await strongEtag(body);
    c.res.headers.set('etag', etag);
    c.res.headers.set('cache-control', CLIENT_CACHE_CONTROL);
    for (const v of options.vary ?? []) c.res.headers.append('vary', v);
    if (generation !== undefined) c.res.headers.set(GENERATION_HEADER, generation);
    if (cache && cacheKey && generation !== undefined) {
      const stored = new Response(body, { status: 200, headers: new Headers(c.res.headers) });
      // The CORS origin belongs to this request, not to the cached answer.
      stored.headers.delete('access-control-allow-origin');
      // The Cache API honours max-age; the stored time bounds the copy's life even where it does not.
      stored.headers.set('cache-control', `public, max-age=${EDGE_CACHE_TTL}`);
      stored.headers.set(STORED_AT_HEADER, String(Date.now()));
      await waitUntil(c, cache.put(cacheKey, stored));
      c.res.headers.set('x-cache', 'MISS');
    }
    if (conditional && ifNoneMatchHits(c.req.header('if-none-match'), etag)) c.res = notModified(c.res);
  };
}

/** Answers that do not depend on the store: `max-age` for browsers and the edge, ETag, no generation. */
function cacheableStatic(options: CacheOptions, maxAge: number): MiddlewareHandler {
  const cacheControl = `public, max-age=${maxAge}`;
  return async (c, next) => {
    const conditional = c.req.method === 'GET' || c.req.method === 'HEAD';
    const identity = options.key ? await options.key(c) : `${new URL(c.req.url).pathname}${new URL(c.req.url).search}`;
    const cache = identity === null ? null : defaultCache();
    const cacheKey = cache ? cacheKeyFor(identity!) : null;
    if (cache && cacheKey) {
      const hit = await cache.match(cacheKey);
      if (hit) {
        const served = new Response(hit.body, hit);
        served.headers.set('x-cache', 'HIT');
        const etag = served.headers.get('etag') ?? '';
        c.res = conditional && etag && ifNoneMatchHits(c.req.header('if-none-match'), etag) ? notModified(served) : served;
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
      stored.headers.delete('access-control-allow-origin');
      await waitUntil(c, cache.put(cacheKey, stored));
      c.res.headers.set('x-cache', 'MISS');
    }
    if (conditional && ifNoneMatchHits(c.req.header('if-none-match'), etag)) c.res = notModified(c.res);
  };
}
