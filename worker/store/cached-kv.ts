/**
 * The worker's KV with edge read caching: every read passes `cacheTtl`, so hot keys (popular index
 * postings, claim terms, excerpts) are served from the colo's cache instead of a KV round trip.
 * Writes are untouched. Stores take this as a plain `KV`.
 */
import type { KV } from './kv';

/** KV's minimum `cacheTtl` is 30 s; answers may lag an ingest by at most this long. */
export const DEFAULT_KV_CACHE_TTL = 60;

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
