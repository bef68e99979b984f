/**
 * The crawler's one way to the network: polite and safe. Runs in the ingest worker and in the CLI
 * (`npm run ingest -- URL`), which give it their own `HostPacer` (a Durable Object per host at the
 * edge, a map in the CLI).
 *
 * Invariants (each is a test in tests/worker/crawler.test.ts or tests/node/fetch-policy.test.ts):
 *  - Every hop — the first request and each redirect — is checked by `checkFetchUrl` (scheme, no
 *    credentials, no private/loopback/link-local literal or name) before it is sent; the runtime
 *    never follows a redirect by itself (`redirect: 'manual'`). At most MAX_REDIRECTS hops.
 *  - robots.txt of each host is read first (cached by the pacer for ROBOTS_TTL_MS) and honoured for
 *    our User-Agent token; a page it disallows is never requested.
 *  - At most one request per second per host name (robots.txt included), across every consumer
 *    invocation: the pacer grants a request only when the host's last one is a second old; a wait
 *    longer than MAX_PACING_WAIT_MS is given back as a retryable refusal instead of holding a consumer.
 *  - An honest User-Agent naming the project and where to read about it; `If-None-Match` /
 *    `If-Modified-Since` sent when we hold validators, so an unchanged feed or page costs a 304.
 *  - A body larger than MAX_BODY_BYTES is never read past the limit (Content-Length first, then the
 *    stream is cut); a request taking longer than the timeout is aborted; a content type that cannot
 *    be what was asked for is refused before the body is read.
 */
import robotsParser from 'robots-parser';
import { checkContentType, checkFetchUrl, FetchRefused, type Expected, type FetchPolicy } from '../core/fetch-policy';

/** 5 MB: the largest news page in the shared corpus is under 2 MB; a feed of thousands of items is ~3 MB. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Redirect hops followed (the first request not counted): sites chain http → https → www → canonical. */
export const MAX_REDIRECTS = 5;
/** Default per-request time limit; slow hosts are retried later rather than holding a consumer. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** One request per second per host (robots.txt's usual Crawl-delay default for well-behaved bots). */
export const DEFAULT_HOST_INTERVAL_MS = 1000;
/** A slot further away than this is not waited for: the message is retried later instead. */
export const MAX_PACING_WAIT_MS = 20_000;
/** robots.txt is re-read once a day (RFC 9309 §2.4: caches should not exceed 24 hours). */
export const ROBOTS_TTL_MS = 24 * 3600 * 1000;
/** The product token robots.txt rules are matched against. */
export const ROBOTS_AGENT = 'QuoteSourceBot';
export const USER_AGENT = `${ROBOTS_AGENT}/1.0 (+https://github.com/quotesource/quotesource/blob/main/docs/sources.md; quote provenance crawler)`;

export interface RobotsRecord {
  /** The robots.txt text; '' = no file (4xx): everything allowed. */
  text: string;
  fetchedAt: number;
}

/** Per-host pacing and robots.txt cache: a Durable Object per host in the worker, a Map in the CLI. */
export interface HostPacer {
  /** 0 = send now (the host's next request may go `intervalMs` later); else milliseconds to wait before asking again. */
  reserve(host: string, intervalMs: number): Promise<number>;
  robots(host: string): Promise<RobotsRecord | null>;
  saveRobots(host: string, record: RobotsRecord): Promise<void>;
}

export interface FetcherOptions {
  policy: FetchPolicy;
  pacer: HostPacer;
  timeoutMs?: number;
  hostIntervalMs?: number;
  maxBytes?: number;
  fetch?: typeof fetch;
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type Fetched =
  | { status: 'not-modified'; url: string }
  | { status: 'ok'; url: string; bytes: Uint8Array; contentType: string; etag?: string; lastModified?: string };

/** A refusal that a later retry may cure (timeouts, 5xx, 429, a busy host). */
export const transient = (message: string) => new FetchRefused(message, false);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads at most `max` bytes of a body; more is a permanent refusal (the stream is cancelled, not drained). */
async function readCapped(response: Response, max: number, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel();
    throw new FetchRefused(`${url}: ${declared} bytes declared, over the ${max}-byte limit`);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new FetchRefused(`${url}: body over the ${max}-byte limit`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export class PoliteFetcher {
  private readonly timeoutMs: number;
  private readonly intervalMs: number;
  private readonly maxBytes: number;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: FetcherOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.intervalMs = options.hostIntervalMs ?? DEFAULT_HOST_INTERVAL_MS;
    this.maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
    this.doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Fetches `raw` as a feed or a page: robots, pacing, redirects re-checked, limits. */
  async get(raw: string, expected: Exclude<Expected, 'robots'>, validators: Validators = {}): Promise<Fetched> {
    let url = checkFetchUrl(raw, this.options.policy);
    for (let hop = 0; ; hop++) {
      await this.checkRobots(url);
      const headers: Record<string, string> = {
        'user-agent': USER_AGENT,
        accept:
          expected === 'feed'
            ? 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, application/ld+json;q=0.8, text/html;q=0.5'
            : 'text/html, application/xhtml+xml;q=0.9',
      };
      // Validators belong to the URL they were given for: only the first hop sends them.
      if (hop === 0 && validators.etag) headers['if-none-match'] = validators.etag;
      if (hop === 0 && validators.lastModified) headers['if-modified-since'] = validators.lastModified;
      const response = await this.request(url, headers);
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await response.body?.cancel();
        const location = response.headers.get('location');
        if (!location) throw new FetchRefused(`${url.href}: redirect (${response.status}) without a Location`);
        if (hop >= MAX_REDIRECTS) throw new FetchRefused(`${raw}: more than ${MAX_REDIRECTS} redirects (a redirect loop?)`);
        url = checkFetchUrl(new URL(location, url).href, this.options.policy);
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel();
        return { status: 'not-modified', url: url.href };
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel();
        throw transient(`${url.href}: HTTP ${response.status}`);
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new FetchRefused(`${url.href}: HTTP ${response.status}`);
      }
      const contentType = response.headers.get('content-type') ?? '';
      try {
        checkContentType(contentType, expected);
      } catch (e) {
        await response.body?.cancel();
        throw new FetchRefused(`${url.href}: ${(e as Error).message}`);
      }
      const bytes = await this.withTimeout(url, () => readCapped(response, this.maxBytes, url.href));
      return {
        status: 'ok',
        url: url.href,
        bytes,
        contentType,
        ...(response.headers.get('etag') ? { etag: response.headers.get('etag')! } : {}),
        ...(response.headers.get('last-modified') ? { lastModified: response.headers.get('last-modified')! } : {}),
      };
    }
  }

  /** One paced request with a time limit; network failures and timeouts are transient. */
  private async request(url: URL, headers: Record<string, string>): Promise<Response> {
    const started = Date.now();
    for (;;) {
      const wait = await this.options.pacer.reserve(url.hostname, this.intervalMs);
      if (wait === 0) break;
      if (Date.now() - started + wait > MAX_PACING_WAIT_MS) throw transient(`${url.hostname}: busy (no request slot within ${MAX_PACING_WAIT_MS / 1000} s)`);
      // A little jitter so waiters woken together do not all ask in the same millisecond.
      await sleep(wait + Math.floor(Math.random() * 50));
    }
    return this.withTimeout(url, (signal) => this.doFetch(url.href, { method: 'GET', headers, redirect: 'manual', signal }));
  }

  private async withTimeout<T>(url: URL, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(transient(`${url.href}: no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([run(controller.signal), timeout]);
    } catch (e) {
      if (e instanceof FetchRefused) throw e;
      throw transient(`${url.href}: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** robots.txt for the URL's host, read through the pacer's cache; a disallowed URL is a permanent refusal. */
  private async checkRobots(url: URL): Promise<void> {
    const host = url.host;
    let record = await this.options.pacer.robots(host);
    if (!record || Date.now() - record.fetchedAt > ROBOTS_TTL_MS) {
      record = { text: await this.readRobots(url), fetchedAt: Date.now() };
      await this.options.pacer.saveRobots(host, record);
    }
    if (!record.text) return;
    const robots = robotsParser(`${url.origin}/robots.txt`, record.text);
    if (robots.isDisallowed(url.href, ROBOTS_AGENT)) throw new FetchRefused(`${url.href}: disallowed by ${url.origin}/robots.txt for ${ROBOTS_AGENT}`);
  }

  /** RFC 9309: 4xx = no rules; 5xx or unreachable = assume everything disallowed for now (transient). */
  private async readRobots(url: URL): Promise<string> {
    let at = new URL('/robots.txt', url);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await this.request(at, { 'user-agent': USER_AGENT, accept: 'text/plain' });
      if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
        await response.body?.cancel();
        at = checkFetchUrl(new URL(response.headers.get('location')!, at).href, this.options.policy);
        continue;
      }
      if (response.status >= 500 || response.status === 429) {
        await response.body?.cancel();
        throw transient(`${url.origin}/robots.txt: HTTP ${response.status} (the site may not be crawled until it answers)`);
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        return '';
      }
      // 500 KiB is RFC 9309's minimum a crawler must parse; more is cut, not refused.
      const bytes = await this.withTimeout(at, () => readCapped(response, 512 * 1024, at.href).catch(() => new Uint8Array(0)));
      return new TextDecoder().decode(bytes);
    }
    return '';
  }
}

/** The CLI's pacer: one process, so a Map of next free slots and robots records does. */
export class MemoryPacer implements HostPacer {
  private readonly next = new Map<string, number>();
  private readonly robotsCache = new Map<string, RobotsRecord>();
  async reserve(host: string, intervalMs: number): Promise<number> {
    const now = Date.now();
    const next = this.next.get(host) ?? 0;
    if (now < next) return next - now;
    this.next.set(host, now + intervalMs);
    return 0;
  }
  async robots(host: string) {
    return this.robotsCache.get(host) ?? null;
  }
  async saveRobots(host: string, record: RobotsRecord) {
    this.robotsCache.set(host, record);
  }
}
