/**
 * Lookup API client: a few typed fetch calls instead of Hono's `hc` client, to stay inside the
 * 14 KB budget. Shapes come from the worker's data model, so the two cannot drift apart.
 * No cookies are sent (`credentials: 'omit'`) and nothing is cached in the page (the browser
 * revalidates every answer: the API sends `no-cache` with an ETag, so a retraction is seen at once).
 */
import type { LookupResponse, TextQuoteSelector } from '../worker/core/types';

/**
 * Why a lookup failed, in terms the card can show: `offline` (the browser says so), `timeout` (no
 * answer in TIMEOUT_MS), `rate` (429: `retryAfter` seconds to wait, from `Retry-After`), `http`
 * (another error status), `network` (no response at all), `format` (an answer we cannot read).
 */
export class LookupError extends Error {
  constructor(
    readonly kind: 'offline' | 'network' | 'timeout' | 'rate' | 'http' | 'format',
    readonly status = 0,
    readonly retryAfter = 0,
  ) {
    super(`lookup failed: ${kind}${status ? ` ${status}` : ''}`);
  }
}

export interface LookupClient {
  lookup(selector: TextQuoteSelector, signal?: AbortSignal): Promise<LookupResponse>;
  batch(selectors: TextQuoteSelector[], signal?: AbortSignal): Promise<LookupResponse[]>;
}

/** A lookup answers in well under a second (bench/RESULTS.widget.md); 10 s means it is not coming. */
export const TIMEOUT_MS = 10_000;
/** When a 429 names no usable wait: the limiter's window (wrangler.toml `period`). */
const DEFAULT_WAIT_S = 60;

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date), at least 1. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number {
  if (!value) return DEFAULT_WAIT_S;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : (Date.parse(value) - now) / 1000;
  return Number.isFinite(seconds) ? Math.max(1, Math.min(3600, Math.ceil(seconds))) : DEFAULT_WAIT_S;
}

async function call<T>(url: string, init: RequestInit, valid: (body: unknown) => body is T): Promise<T> {
  if (navigator.onLine === false) throw new LookupError('offline');
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal, credentials: 'omit', mode: 'cors', referrerPolicy: 'strict-origin-when-cross-origin' });
  } catch (error) {
    if (timeout.aborted) throw new LookupError('timeout');
    if ((error as Error).name === 'AbortError') throw error;
    throw new LookupError((navigator.onLine as boolean) === false ? 'offline' : 'network');
  }
  if (response.status === 429) throw new LookupError('rate', 429, retryAfterSeconds(response.headers.get('retry-after')));
  if (!response.ok) throw new LookupError('http', response.status);
  const body: unknown = await response.json().catch(() => null);
  if (!body || !valid(body)) throw new LookupError('format', response.status);
  return body;
}

const isLookup = (body: unknown): body is LookupResponse => Array.isArray((body as Partial<LookupResponse> | null)?.matches);
const page = () => location.href.split('#')[0];

/** A client for the API at `base` (an origin, optionally with a path prefix). */
export function createClient(base: string): LookupClient {
  const root = base.replace(/\/+$/, '');
  return {
    // GET keeps the single lookup a "simple" CORS request: no preflight round trip before the card.
    lookup(selector, signal) {
      const query = new URLSearchParams({ q: selector.exact });
      if (selector.prefix) query.set('prefix', selector.prefix);
      if (selector.suffix) query.set('suffix', selector.suffix);
      // The page itself: the answer says when it prints the words, and never cites it as its own source.
      query.set('url', page());
      return call<LookupResponse>(`${root}/v1/lookup?${query}`, { signal }, isLookup);
    },
    async batch(selectors, signal) {
      const body = await call<{ results: LookupResponse[] }>(
        `${root}/v1/lookup/batch`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ quotes: selectors.map((s) => ({ ...s, url: page() })) }),
          signal,
        },
        (b): b is { results: LookupResponse[] } => {
          const results = (b as { results?: unknown } | null)?.results;
          return Array.isArray(results) && results.every(isLookup);
        },
      );
      return body.results;
    },
  };
}
