/**
 * The worker's KV with edge read caching: every read passes `cacheTtl`, so hot keys (popular index
 * postings, claim terms, excerpts) are served from the colo's cache instead of a KV round trip.
 * Writes are untouched. Stores take this as a plain `KV`.
 */
import type { KV } from './kv';

/**
 * KV's minimum `cacheTtl` (30 s; https://developers.cloudflare.com/kv/platform/limits): a location
 * serves a key from its cache at most this long. With the answer cache's EDGE_CACHE_TTL (30 s,
 * middleware/cache.ts) a location that has not seen a change yet catches up within about a minute.
 */
export const DEFAULT_KV_CACHE_TTL = 30;

export function withCacheTtl(ns: KVNamespace, cacheTtl = DEFAULT_KV_CACHE_TTL): KV {
  const get = (key: string | string[], type: 'text' | 'json') =>
    (ns.get as (k: string | string[], o: { type: string; cacheTtl: number }) => Promise<unknown>)(key, { type, cacheTtl });
  return {
    get: get as KV['get'],
    put: (key, value) => ns.put(key, value),
    delete: (key) => ns.delete(key),
    list: (options) => ns.list(options) as ReturnType<KV['list']>,
  };
}
